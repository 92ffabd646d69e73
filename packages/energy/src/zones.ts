import type { SiteType, TariffConfig, ZoneId } from './types.ts';

/**
 * 2023 annual-average exchange rates, USD per unit (US Federal Reserve H.10 / ECB reference rates):
 * SGD 1/1.343, JPY 1/140.5, INR 1/82.6, EUR 1.081.
 */
export const FX_USD = { SGD: 1 / 1.343, JPY: 1 / 140.5, INR: 1 / 82.6, EUR: 1.081, USD: 1 } as const;

export interface ZoneInfo {
  /**
   * Annual-mean Linke turbidity for the Ineichen clear-sky model, read from the SoDa/Meteotest
   * climatology maps (Remund et al., "Worldwide Linke turbidity information", ISES 2003): humid
   * tropics and South-Asian aerosol are hazier (higher TL) than central Europe or coastal California.
   */
  linkeTurbidity: number;
  /** Household consumption for the 2C home, kWh per year (source in comment). */
  householdKwhPerYear: number;
  tariffs: { business: TariffConfig; home: TariffConfig };
}

const noTou: TariffConfig['touPeriods'] = [];

export const ZONE_INFO: Record<ZoneId, ZoneInfo> = {
  SG: {
    linkeTurbidity: 4.5,
    // EMA Singapore Energy Statistics 2023: average household ~400 kWh/month
    householdKwhPerYear: 4800,
    tariffs: {
      business: {
        source:
          'SG 2023: USEP wholesale (price.csv) + SP PowerGrid use-of-system & market charges ~S$0.06/kWh; ' +
          'contracted capacity charge ~S$8.7/kW/month (SP Group HT tariff 2023); export at USEP (embedded generator)',
        importBasis: 'wholesale',
        baseUsdPerKwh: 0,
        touPeriods: noTou,
        wholesaleAdderUsdPerKwh: 0.06 * FX_USD.SGD,
        exportBasis: 'wholesale',
        exportUsdPerKwh: 0,
        exportWholesaleFactor: 1,
        demandChargeUsdPerKwMonth: 8.7 * FX_USD.SGD,
        fixedUsdPerMonth: 0,
      },
      home: {
        source:
          'SG 2023: SP Group regulated household tariff, 2023 quarterly average ~29.3 cents/kWh + 8 % GST (flat); ' +
          'export paid at USEP under the Simplified Credit Treatment',
        importBasis: 'tou',
        baseUsdPerKwh: 0.293 * 1.08 * FX_USD.SGD,
        touPeriods: noTou,
        wholesaleAdderUsdPerKwh: 0,
        exportBasis: 'wholesale',
        exportUsdPerKwh: 0,
        exportWholesaleFactor: 1,
        demandChargeUsdPerKwMonth: 0,
        fixedUsdPerMonth: 0,
      },
    },
  },
  'JP-TK': {
    linkeTurbidity: 3.8,
    // Japan Ministry of the Environment household CO2 survey (FY2021): ~4,200 kWh/yr per household
    householdKwhPerYear: 4200,
    tariffs: {
      business: {
        source:
          'JP 2023: JEPX Tokyo-area spot (price.csv) + TEPCO PG high-voltage wheeling ~JPY4.5/kWh + FY2023 ' +
          'renewable levy JPY1.40/kWh; basic (demand) charge ~JPY1,800/kW/month (TEPCO EP high-voltage 2023); export at spot (FIP)',
        importBasis: 'wholesale',
        baseUsdPerKwh: 0,
        touPeriods: noTou,
        wholesaleAdderUsdPerKwh: 5.9 * FX_USD.JPY,
        exportBasis: 'wholesale',
        exportUsdPerKwh: 0,
        exportWholesaleFactor: 1,
        demandChargeUsdPerKwMonth: 1800 * FX_USD.JPY,
        fixedUsdPerMonth: 0,
      },
      home: {
        source:
          'JP 2023: TEPCO EP Meter-rate Lighting B after the June 2023 revision incl. fuel-cost adjustment and ' +
          'subsidy, ~JPY30/kWh average; basic charge 40 A JPY1,246/month; export FY2023 residential FIT JPY16/kWh',
        importBasis: 'tou',
        baseUsdPerKwh: 30 * FX_USD.JPY,
        touPeriods: noTou,
        wholesaleAdderUsdPerKwh: 0,
        exportBasis: 'fixed',
        exportUsdPerKwh: 16 * FX_USD.JPY,
        exportWholesaleFactor: 0,
        demandChargeUsdPerKwMonth: 0,
        fixedUsdPerMonth: 1246 * FX_USD.JPY,
      },
    },
  },
  'IN-WE': {
    linkeTurbidity: 5.5,
    // Affluent urban Maharashtra household (PV + battery + GPU owner): ~200 kWh/month (CEA 2023 all-India mean is lower)
    householdKwhPerYear: 2400,
    tariffs: {
      business: {
        source:
          'IN 2023: MSEDCL HT-I industrial, MERC tariff order FY2023-24 (case 226/2022): energy ~INR8.36 + wheeling ' +
          'INR0.66/kWh; ToD: 22-06 h -INR1.50, 09-12 h +INR0.80, 18-22 h +INR1.10; demand charge INR472/kVA/month; ' +
          'export at IEX day-ahead (price.csv)',
        importBasis: 'tou',
        baseUsdPerKwh: 9.02 * FX_USD.INR,
        touPeriods: [
          { startHour: 22, endHour: 6, usdPerKwh: (9.02 - 1.5) * FX_USD.INR },
          { startHour: 9, endHour: 12, usdPerKwh: (9.02 + 0.8) * FX_USD.INR },
          { startHour: 18, endHour: 22, usdPerKwh: (9.02 + 1.1) * FX_USD.INR },
        ],
        wholesaleAdderUsdPerKwh: 0,
        exportBasis: 'wholesale',
        exportUsdPerKwh: 0,
        exportWholesaleFactor: 1,
        demandChargeUsdPerKwMonth: 472 * FX_USD.INR,
        fixedUsdPerMonth: 0,
      },
      home: {
        source:
          'IN 2023: MSEDCL LT-I residential FY2023-24, 101-300 kWh slab ~INR10.8/kWh incl. wheeling, fixed INR128/month; ' +
          'net-metering surplus settled at ~INR3/kWh (MERC APPC)',
        importBasis: 'tou',
        baseUsdPerKwh: 10.8 * FX_USD.INR,
        touPeriods: noTou,
        wholesaleAdderUsdPerKwh: 0,
        exportBasis: 'fixed',
        exportUsdPerKwh: 3 * FX_USD.INR,
        exportWholesaleFactor: 0,
        demandChargeUsdPerKwMonth: 0,
        fixedUsdPerMonth: 128 * FX_USD.INR,
      },
    },
  },
  'DE-LU': {
    linkeTurbidity: 3.6,
    // BDEW: 3-person household ~3,500 kWh/yr
    householdKwhPerYear: 3500,
    tariffs: {
      business: {
        source:
          'DE 2023: EPEX day-ahead (price.csv) + medium-voltage grid energy fee ~3.5 ct + electricity tax 2.05 ct + ' +
          'KWKG 0.357 + par.19 0.417 + offshore 0.591 + concession 0.11 ct/kWh (~7.0 ct); grid demand price ~EUR110/kW/yr; ' +
          'export at day-ahead (direct marketing)',
        importBasis: 'wholesale',
        baseUsdPerKwh: 0,
        touPeriods: noTou,
        wholesaleAdderUsdPerKwh: 0.07 * FX_USD.EUR,
        exportBasis: 'wholesale',
        exportUsdPerKwh: 0,
        exportWholesaleFactor: 1,
        demandChargeUsdPerKwMonth: (110 / 12) * FX_USD.EUR,
        fixedUsdPerMonth: 0,
      },
      home: {
        source:
          'DE 2023: household price ~42 ct/kWh (BDEW Strompreisanalyse 2023, capped by the 40 ct price brake on 80 % of use), ' +
          'standing charge ~EUR13/month; export EEG 2023 feed-in <=10 kWp 8.2 ct/kWh',
        importBasis: 'tou',
        baseUsdPerKwh: 0.42 * FX_USD.EUR,
        touPeriods: noTou,
        wholesaleAdderUsdPerKwh: 0,
        exportBasis: 'fixed',
        exportUsdPerKwh: 0.082 * FX_USD.EUR,
        exportWholesaleFactor: 0,
        demandChargeUsdPerKwMonth: 0,
        fixedUsdPerMonth: 13 * FX_USD.EUR,
      },
    },
  },
  'US-CAL-CISO': {
    linkeTurbidity: 3.2,
    // EIA Electric Sales & Revenue 2022, California residential average ~530 kWh/month
    householdKwhPerYear: 6400,
    tariffs: {
      business: {
        source:
          'US-CA 2023: PG&E B-19 secondary (2023, annualised): peak 16-21 h ~$0.19, super-off-peak 9-14 h ~$0.11, ' +
          'otherwise ~$0.145/kWh; max + peak demand charges ~$25/kW/month; export at CAISO day-ahead (price.csv)',
        importBasis: 'tou',
        baseUsdPerKwh: 0.145,
        touPeriods: [
          { startHour: 16, endHour: 21, usdPerKwh: 0.19 },
          { startHour: 9, endHour: 14, usdPerKwh: 0.11 },
        ],
        wholesaleAdderUsdPerKwh: 0,
        exportBasis: 'wholesale',
        exportUsdPerKwh: 0,
        exportWholesaleFactor: 1,
        demandChargeUsdPerKwMonth: 25,
        fixedUsdPerMonth: 0,
      },
      home: {
        source:
          'US-CA 2023: PG&E E-TOU-C (2023, annualised): peak 16-21 h ~$0.46, off-peak ~$0.40/kWh; export under the ' +
          'Net Billing Tariff (NEM 3.0, Apr 2023), average avoided-cost export value ~$0.075/kWh',
        importBasis: 'tou',
        baseUsdPerKwh: 0.4,
        touPeriods: [{ startHour: 16, endHour: 21, usdPerKwh: 0.46 }],
        wholesaleAdderUsdPerKwh: 0,
        exportBasis: 'fixed',
        exportUsdPerKwh: 0.075,
        exportWholesaleFactor: 0,
        demandChargeUsdPerKwMonth: 0,
        fixedUsdPerMonth: 0,
      },
    },
  },
};

/** Tariff for a site type in a zone: 2B sites (station, pile) buy on business terms, homes on retail. */
export function zoneTariff(zone: ZoneId, type: SiteType): TariffConfig {
  const t = ZONE_INFO[zone].tariffs[type === 'home' ? 'home' : 'business'];
  return { ...t, touPeriods: t.touPeriods.map((p) => ({ ...p })) };
}
