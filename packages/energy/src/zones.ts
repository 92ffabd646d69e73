// Zones as data: everything known about a zone besides its hourly series is in `grid/<ZONE>/zone.json`
// of a data directory (the shipped data/ or a user's). The file is validated field by field; a missing or
// malformed field is a DataError naming the file, the field and the reason. Format: data/README.md.

import { join, resolve } from 'node:path';
import { DATA_DIR, DataError, assertZone, readText } from './data.ts';
import { SchemaError, array, boolean, number, object, oneOf, string, type Schema } from './schema.ts';
import type { SiteType, TariffConfig, TouPeriod, ZoneId } from './types.ts';

/** Investment costs of a zone, USD (their sources are USD benchmarks); read by @greenhour/economics. */
export interface ZoneCosts {
  /** PV cost split, USD per W DC (inverter: per W AC). */
  pv: Record<
    Segment,
    { modulesUsdPerW: number; inverterUsdPerWac: number; bosUsdPerW: number; installUsdPerW: number }
  >;
  /** Battery installed USD/kWh and power conversion USD/kW. */
  battery: Record<Segment, { usdPerKwh: number; pcsUsdPerKw: number }>;
  /** PV fixed O&M, USD per kW per year. */
  pvOm: Record<Segment, { usdPerKwYear: number }>;
  /** Nominal WACC, fraction per year. */
  wacc: number;
  certificateUsdPerMwh: number;
  /** Labour/installation cost index relative to the US (chargers, grid connection, leases). */
  labourIndex: number;
  /** Capital incentives: fractions of PV / battery capex and a cap in USD (0 = none). */
  incentive: Record<Segment, { pvFraction: number; batteryFraction: number; capUsd: number }>;
}

export type Segment = 'residential' | 'commercial';

export interface ZoneInfo {
  id: ZoneId;
  /** The zone file this was read from (absolute). */
  file: string;
  name: string;
  /** IANA time zone: the local clock of tariffs, load shapes, charts and months. */
  timeZone: string;
  /** The currency the tariffs are published in, and its 2023 exchange rate. */
  currency: { code: string; usdPerUnit: number };
  /** Annual-mean Linke turbidity for the Ineichen clear-sky model. */
  linkeTurbidity: number;
  /** Household consumption of the 2C home, kWh per year. */
  householdKwhPerYear: number;
  /** Public EV charging price charged to drivers, USD/kWh (the pile's default). */
  evChargePriceUsdPerKwh: number;
  /** Tariffs converted to USD with the exchange rate. */
  tariffs: { business: TariffConfig; home: TariffConfig };
  costs: ZoneCosts;
  /** The source of each value, by field of the zone file. */
  sources: Record<string, string>;
}

// ------------------------------------------------------------------------------------------ schema

const source = string();
const money = number({ min: 0 });
const fraction = number({ min: 0, max: 1 });

const isTimeZone = (s: string): string | null => {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: s });
    return null;
  } catch {
    return 'must be an IANA time zone such as "Europe/Berlin"';
  }
};

const touPeriod = object(
  {
    startHour: number({ min: 0, max: 23, integer: true }),
    endHour: number({ min: 0, max: 24, integer: true }),
    perKwh: money,
  },
  { weekdaysOnly: boolean() },
);

const tariff = object({
  source,
  importBasis: oneOf(['tou', 'wholesale']),
  basePerKwh: money,
  touPeriods: array(touPeriod),
  wholesaleAdderPerKwh: money,
  exportBasis: oneOf(['fixed', 'wholesale']),
  exportPerKwh: money,
  exportWholesaleFactor: fraction,
  demandChargePerKwMonth: money,
  fixedPerMonth: money,
});

const bySegment = <T>(s: Schema<T>) => object({ residential: s, commercial: s, source });

const zoneSchema = object({
  name: string(),
  timeZone: string(isTimeZone),
  currency: object(
    {
      code: string((s) => (/^[A-Z]{3}$/.test(s) ? null : 'must be an ISO 4217 code of three capital letters')),
      source,
    },
    { usdPerUnit: number({ min: 0, minExclusive: true }), unitsPerUsd: number({ min: 0, minExclusive: true }) },
  ),
  linkeTurbidity: object({ value: number({ min: 1, max: 10 }), source }),
  household: object({ kwhPerYear: number({ min: 0, max: 100_000 }), source }),
  evCharging: object({ usdPerKwh: number({ min: 0, max: 10 }), source }),
  tariffs: object({ business: tariff, home: tariff }),
  costs: object({
    pv: bySegment(
      object({ modulesUsdPerW: money, inverterUsdPerWac: money, bosUsdPerW: money, installUsdPerW: money }),
    ),
    battery: bySegment(object({ usdPerKwh: money, pcsUsdPerKw: money })),
    pvOm: bySegment(object({ usdPerKwYear: money })),
    wacc: object({ value: number({ min: 0, max: 0.5 }), source }),
    certificate: object({ usdPerMwh: money, source }),
    labourIndex: object({ value: number({ min: 0, max: 10 }), source }),
    incentive: bySegment(object({ pvFraction: fraction, batteryFraction: fraction, capUsd: money })),
  }),
});

type ZoneDoc = ReturnType<typeof zoneSchema>;
type TariffDoc = ZoneDoc['tariffs']['home'];

/** Tariff from the file (zone currency) to a TariffConfig (USD): each amount times the USD rate. */
function toTariff(t: TariffDoc, fx: number): TariffConfig {
  const touPeriods: TouPeriod[] = t.touPeriods.map((p) => ({
    startHour: p.startHour,
    endHour: p.endHour,
    usdPerKwh: p.perKwh * fx,
    ...(p.weekdaysOnly === true ? { weekdaysOnly: true } : {}),
  }));
  return {
    source: t.source,
    importBasis: t.importBasis,
    baseUsdPerKwh: t.basePerKwh * fx,
    touPeriods,
    wholesaleAdderUsdPerKwh: t.wholesaleAdderPerKwh * fx,
    exportBasis: t.exportBasis,
    exportUsdPerKwh: t.exportPerKwh * fx,
    exportWholesaleFactor: t.exportWholesaleFactor,
    demandChargeUsdPerKwMonth: t.demandChargePerKwMonth * fx,
    fixedUsdPerMonth: t.fixedPerMonth * fx,
  };
}

/** Validate a parsed zone document; throws DataError(file, field, reason). */
export function parseZoneFile(zone: ZoneId, file: string, json: unknown): ZoneInfo {
  let d: ZoneDoc;
  try {
    d = zoneSchema(json, '');
  } catch (e) {
    if (e instanceof SchemaError) throw new DataError(file, null, e.path, e.reason);
    throw e;
  }
  const c = d.currency;
  if ((c.usdPerUnit === undefined) === (c.unitsPerUsd === undefined)) {
    throw new DataError(file, null, 'currency', 'give exactly one of usdPerUnit and unitsPerUsd');
  }
  // USD per unit; a rate quoted as units per USD is inverted once, so each amount is amount x rate
  const fx = c.usdPerUnit ?? 1 / (c.unitsPerUsd as number);
  const k = d.costs;
  const sources: Record<string, string> = {
    currency: c.source,
    linkeTurbidity: d.linkeTurbidity.source,
    household: d.household.source,
    evCharging: d.evCharging.source,
    'tariffs.business': d.tariffs.business.source,
    'tariffs.home': d.tariffs.home.source,
  };
  for (const key of ['pv', 'battery', 'pvOm', 'wacc', 'certificate', 'labourIndex', 'incentive'] as const) {
    sources[`costs.${key}`] = k[key].source;
  }
  const seg = <T>(r: { residential: T; commercial: T }) => ({ residential: r.residential, commercial: r.commercial });
  return {
    id: zone,
    file,
    name: d.name,
    timeZone: d.timeZone,
    currency: { code: c.code, usdPerUnit: fx },
    linkeTurbidity: d.linkeTurbidity.value,
    householdKwhPerYear: d.household.kwhPerYear,
    evChargePriceUsdPerKwh: d.evCharging.usdPerKwh,
    tariffs: {
      business: toTariff(d.tariffs.business, fx),
      home: toTariff(d.tariffs.home, fx),
    },
    costs: {
      pv: seg(k.pv),
      battery: seg(k.battery),
      pvOm: seg(k.pvOm),
      wacc: k.wacc.value,
      certificateUsdPerMwh: k.certificate.usdPerMwh,
      labourIndex: k.labourIndex.value,
      incentive: seg(k.incentive),
    },
    sources,
  };
}

const cache = new Map<string, ZoneInfo>();

/** The zone file of `zone` in `dataDir` (default: the shipped data/), validated; cached by directory and zone. */
export function loadZone(zone: ZoneId, dataDir = DATA_DIR): ZoneInfo {
  assertZone(zone, dataDir);
  const file = join(resolve(dataDir), 'grid', zone, 'zone.json');
  const hit = cache.get(file);
  if (hit) return hit;
  const text = readText(file);
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    const pos = /position (\d+)/.exec((e as Error).message);
    const line = pos ? text.slice(0, Number(pos[1])).split('\n').length : null;
    throw new DataError(file, line, null, `invalid JSON (${(e as Error).message})`);
  }
  const info = parseZoneFile(zone, file, json);
  cache.set(file, info);
  return info;
}

/** Tariff for a site type in a zone: 2B sites (station, pile) buy on business terms, homes on retail. */
export function zoneTariff(zone: ZoneId, type: SiteType, dataDir = DATA_DIR): TariffConfig {
  const t = loadZone(zone, dataDir).tariffs[type === 'home' ? 'home' : 'business'];
  return { ...t, touPeriods: t.touPeriods.map((p) => ({ ...p })) };
}
