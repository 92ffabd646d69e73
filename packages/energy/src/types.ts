// Public types of @greenhour/energy.
//
// Unit conventions (the unit is always in the field name):
//   W / Wh      watts / watt-hours (results: integers)
//   usdc6       micro-USD (1 USD = 1_000_000 usdc6), integers. Costs are rounded UP, revenues DOWN,
//               so a rounded result never flatters the site.
//   gPerKwh     grams CO2-eq per kWh;  gCo2  grams CO2-eq (integer, rounded up: emissions are a cost)
//   Usd...      plain-number USD in *configuration* only (published tariffs are quoted that way)
// Time is UTC seconds since the Unix epoch; an hour slot is floor(t / 3600).

import type { PvArrayType } from './pv/arrayTypes.ts';
import type { SapmThermalParams } from './pv/cellTemperature.ts';

/**
 * A grid zone: the name of a folder `grid/<ZONE>/` of a data directory (zone.json + hourly series). Zones are
 * data, not code: `listZones(dataDir)` gives the zones a directory holds.
 */
export type ZoneId = string;

export const SITE_TYPES = ['station', 'pile', 'home'] as const;
/** 2B green energy station, 2B charging-and-storage pile, 2C green smart home. */
export type SiteType = (typeof SITE_TYPES)[number];

/** 'optimizer' = HiGHS rolling-horizon LP; 'rule' = self-consumption-first baseline. */
export type Controller = 'optimizer' | 'rule';

/** One PV array, PVWatts v5 parameters (Dobos 2014, NREL/TP-6A20-62641). */
export interface PvArrayConfig {
  /** Nameplate DC power at STC (1000 W/m2, 25 C), W. Must be >= 0. */
  dcCapacityW: number;
  /** Surface tilt from horizontal, degrees [0, 90]; a one-axis tracker's axis tilt; ignored by two-axis. */
  tiltDeg: number;
  /**
   * Surface azimuth, degrees clockwise from north (180 = facing south); a one-axis tracker's axis
   * azimuth; ignored by two-axis. Defaults (defaultSite): `defaultArrayOrientation` in pv/arrayTypes.ts.
   */
  azimuthDeg: number;
  /** Power temperature coefficient, 1/C (PVWatts "standard" module: -0.0047). */
  gammaPdcPerC: number;
  /** Total DC system losses, fraction [0, 1) (PVWatts default 0.14). */
  systemLossFraction: number;
  /** DC/AC ratio; inverter AC rating = dcCapacityW / dcAcRatio (PVWatts default 1.2). */
  dcAcRatio: number;
  /** Nominal inverter efficiency, fraction (0, 1] (PVWatts default 0.96). */
  inverterEfficiencyNominal: number;
  /** Ground reflectance, fraction [0, 1] (0.2 typical). */
  albedo: number;
  /**
   * PVWatts v5 array type (pv/arrayTypes.ts): fixed 'open_rack' or 'roof_mount', 'one_axis',
   * 'one_axis_backtracking' or 'two_axis' tracking. Sets the tracker geometry and the installed NOCT of
   * the PVWatts cell-temperature model (45 C; 49 C roof mount).
   */
  mounting: PvArrayType;
  /** Module SAPM thermal coefficients; when given, the SAPM cell temperature replaces PVWatts'. */
  sapmThermal?: SapmThermalParams;
  /** One-axis trackers: ground coverage ratio (0, 1], default 0.4 (PVWatts). */
  gcr?: number;
}

export interface BatteryConfig {
  /** Usable nameplate energy, Wh (> 0). */
  capacityWh: number;
  /** Max charge power drawn from the site bus, W. */
  maxChargeW: number;
  /** Max discharge power delivered to the site bus, W. */
  maxDischargeW: number;
  /** One-way efficiencies, fraction (0, 1]; round trip = product. */
  chargeEfficiency: number;
  dischargeEfficiency: number;
  /** State-of-charge window, fractions of capacityWh, 0 <= min < max <= 1. */
  minSoc: number;
  maxSoc: number;
  /** SoC at the start of the simulation, fraction within [minSoc, maxSoc]. */
  initialSoc: number;
  /** Wear cost per kWh of energy discharged (throughput), USD/kWh (>= 0). */
  degradationUsdPerKwh: number;
}

export interface EvChargersConfig {
  /** Number of charge points (each serves one vehicle at a time). */
  count: number;
  /** Max power per charge point, W (AC-side, what the site bus supplies). */
  powerW: number;
  /** Mean sessions per charger per day; sessions are drawn from a seeded PRNG (see ev.ts). */
  sessionsPerChargerPerDay: number;
  /** Mean energy requested per session, Wh. */
  meanSessionEnergyWh: number;
  /** Mean dwell time (arrival to departure), hours. */
  meanDwellHours: number;
  /** Price charged to drivers, USD/kWh delivered (EV revenue). */
  chargePriceUsdPerKwh: number;
  /** Penalty for energy not delivered by departure, USD/kWh (lost revenue + service penalty). */
  unmetPenaltyUsdPerKwh: number;
  /** PRNG seed: the same seed gives the same sessions. */
  seed: number;
}

export interface GpuFleetConfig {
  /** Number of GPUs (upper bound of GPU-hours per hour). */
  count: number;
  /** Per-GPU node power when idle and when busy, W (server share included). */
  idleW: number;
  busyW: number;
  /** Cooling/facility overhead multiplier (PUE >= 1) applied to all GPU power. */
  pue: number;
  /** Revenue per GPU-hour served, USD. */
  revenueUsdPerGpuHour: number;
  /** Penalty per GPU-hour of demand not served by its deadline, USD (on top of lost revenue). */
  unmetPenaltyUsdPerGpuHour: number;
  /** Mean fraction of the fleet's GPU-hours requested by buyers (0..1); hourly shape from a workload trace. */
  demandUtilization: number;
  /** Workload trace that shapes the hourly arrival of demand. */
  demandTrace: 'alibaba' | 'google' | 'flat';
  /** Each hour's arriving demand must be served within this many hours (deadline), >= 1. */
  deadlineHours: number;
}

export interface BaseLoadConfig {
  /** Mean non-flexible load, W. */
  meanW: number;
  /** Daily shape in local time: flat, household (morning + evening peaks) or commercial (daytime). */
  profile: 'flat' | 'household' | 'commercial';
}

/** A time-of-use period in zone-local clock hours [startHour, endHour), wraps past midnight if end < start. */
export interface TouPeriod {
  startHour: number;
  endHour: number;
  usdPerKwh: number;
  /** If true the period applies Monday..Friday only. */
  weekdaysOnly?: boolean;
}

export interface TariffConfig {
  /** Where the numbers come from (published tariff and year). */
  source: string;
  /**
   * Import energy price basis:
   *  'tou'       retail time-of-use: the first matching period in touPeriods, else baseUsdPerKwh;
   *  'wholesale' hourly day-ahead price from price.csv + wholesaleAdderUsdPerKwh (network, levies).
   */
  importBasis: 'tou' | 'wholesale';
  baseUsdPerKwh: number;
  touPeriods: TouPeriod[];
  wholesaleAdderUsdPerKwh: number;
  /**
   * Export price basis: 'fixed' = exportUsdPerKwh; 'wholesale' = price.csv * exportWholesaleFactor
   * (can be negative: the optimizer then curtails). Export price is capped at the import price.
   */
  exportBasis: 'fixed' | 'wholesale';
  exportUsdPerKwh: number;
  exportWholesaleFactor: number;
  /** Demand charge on the monthly peak hourly import, USD per kW per month. */
  demandChargeUsdPerKwMonth: number;
  /** Fixed charge, USD per month. */
  fixedUsdPerMonth: number;
}

export interface SiteConfig {
  type: SiteType;
  pv: PvArrayConfig[];
  battery?: BatteryConfig;
  ev?: EvChargersConfig;
  gpu?: GpuFleetConfig;
  baseLoad: BaseLoadConfig;
  /** Grid connection limit, W, applied to import and to export. */
  gridLimitW: number;
  tariff: TariffConfig;
  /** Carbon price applied to grid-import emissions in the optimizer objective and in results, USD/tCO2. */
  carbonPriceUsdPerTonne: number;
}

/** Hour-by-hour series; index i is hour slot `firstHourSlot + i`. Energies are integers, rounded to nearest. */
export interface HourlySeries {
  /** UTC start of each hour, seconds. */
  startUtcS: number[];
  /** PV AC energy available, before curtailment. */
  pvAvailableWh: number[];
  /** PV AC energy curtailed (not used, not exported). */
  pvCurtailedWh: number[];
  /** Non-flexible base load. */
  baseLoadWh: number[];
  /** GPU fleet energy incl. idle and cooling (PUE). */
  gpuWh: number[];
  /** GPU-hours served (compute delivered), fractional. */
  gpuHours: number[];
  /** EV charging energy delivered. */
  evWh: number[];
  /** Battery energy taken from / delivered to the site bus. */
  batteryChargeWh: number[];
  batteryDischargeWh: number[];
  /** Battery stored energy at the END of the hour. */
  batterySocWh: number[];
  gridImportWh: number[];
  gridExportWh: number[];
  /** Prices applied to the hour, micro-USD per kWh (import rounded up, export rounded down). */
  importPriceUsdc6PerKwh: number[];
  exportPriceUsdc6PerKwh: number[];
  /** Grid carbon intensity (Electricity Maps life-cycle), rounded to nearest. */
  carbonGPerKwh: number[];
  /** Energy cost of the hour: import cost (up) minus export revenue (down); signed. Demand charge excluded. */
  energyCostUsdc6: number[];
  /** Grid-import emissions of the hour, rounded up. */
  emissionsGCo2: number[];
}

export interface YearTotals {
  pvAvailableWh: number;
  pvCurtailedWh: number;
  /** PV energy used on site: per hour max(0, PV used - export), summed. */
  pvSelfConsumedWh: number;
  /** Base load demanded (the household or site profile), Wh: = baseLoadWh + baseLoadUnservedWh. */
  baseLoadDemandWh: number;
  /** Base load served. */
  baseLoadWh: number;
  /** Base load shed because the grid limit left no alternative (normally 0). */
  baseLoadUnservedWh: number;
  gpuWh: number;
  evWh: number;
  batteryChargeWh: number;
  batteryDischargeWh: number;
  gridImportWh: number;
  gridExportWh: number;
  /** Fraction of site consumption (base + GPU + EV) met by on-site PV (directly or via the battery), 0..1. */
  greenShare: number;

  /** Compute demand that arrived during the run: = served + unmet. */
  gpuHoursDemanded: number;
  gpuHoursServed: number;
  /** Not served by the run: expired past its deadline, plus what is still queued at the end. */
  gpuHoursUnmet: number;
  /** The part of the unmet compute still queued at the run's end (deadline not passed: not penalised). */
  gpuHoursQueuedAtEnd: number;
  /** EV sessions plugged in at some time during the run. */
  evSessions: number;
  /** Energy those sessions asked for: = delivered + unmet (± 1 Wh per hour of rounding). */
  evDemandWh: number;
  evDeliveredWh: number;
  /** Not delivered: to cars that left short, plus what is still owed to cars plugged in at the end. */
  evUnmetWh: number;
  /** The part of the unmet EV energy still owed at the run's end (not penalised). */
  evOwedAtEndWh: number;

  /** Costs (rounded up per hour / per month, then summed). */
  importCostUsdc6: number;
  demandChargeUsdc6: number;
  fixedChargeUsdc6: number;
  degradationCostUsdc6: number;
  /** Carbon price x emissions. */
  carbonCostUsdc6: number;
  /** Unmet GPU / EV demand penalties (configured rates) and unserved base load at USD 10/kWh. */
  penaltyUsdc6: number;
  /** Revenues (rounded down per hour, then summed). */
  exportRevenueUsdc6: number;
  computeRevenueUsdc6: number;
  evRevenueUsdc6: number;
  /** Electricity bill = import + demand + fixed - export (signed). */
  electricityBillUsdc6: number;
  /**
   * The quantity the controllers minimise = bill + degradation + carbon + penalties - compute - EV revenue
   * (signed; negative = the site earns money).
   */
  netCostUsdc6: number;

  emissionsGCo2: number;
  /** Emissions avoided by on-site PV used on site, at the hour's grid intensity, rounded down. */
  avoidedGCo2: number;
  /** Monthly peak hourly import, W (12 entries, Jan..Dec of the simulated year). */
  peakImportWByMonth: number[];
}

export interface YearResult {
  zone: ZoneId;
  /** The zone's IANA time zone (its zone.json): the local clock of tariffs, months and charts. */
  timeZone: string;
  siteType: SiteType;
  controller: Controller;
  year: number;
  /** floor(startUtcS / 3600) of the first hour. */
  firstHourSlot: number;
  hours: number;
  hourly: HourlySeries;
  totals: YearTotals;
  /** Wall time spent planning (all LP solves for 'optimizer', rule evaluation for 'rule'), ms. */
  planTimeMs: number;
  /** What the optimizer planned on: the actual series or a forecaster's ('actual' for the rule, which plans nothing). */
  plannedOn: 'actual' | 'forecast';
  /** Whether the optimizer's plans were capped at the rule-based controller's emissions (false for the rule). */
  emissionsGuard: boolean;
  /** Optimizer blocks whose guarded LP had no solution and that the rule controller ran instead (0 for 'rule'). */
  guardFallbackBlocks: number;
}

export interface SimulateYearOptions {
  zone: ZoneId;
  site: SiteConfig;
  controller: Controller;
  /** Called after each committed block with fraction done 0..1. */
  onProgress?: (fraction: number) => void;
  /** Simulate only the first `hours` hours (default 8760); for tests and quick runs. */
  hours?: number;
  /** Start hour offset within the year (default 0). */
  startHour?: number;
  /** Data directory holding grid/<zone>/ (default: the shipped data/). */
  dataDir?: string;
  /**
   * What the optimizer plans each window on. Default: the actual 2023 series (perfect foresight inside the window).
   * The rule controller is reactive and ignores it; every committed step meets the actual series either way.
   */
  forecaster?: Forecaster;
  /**
   * Cap each optimizer plan's grid emissions at what the rule-based controller would emit over the same window, from
   * the same state, on the same (forecast) inputs (default true). See `EMISSIONS_GUARD` in guard.ts for why.
   */
  emissionsGuard?: boolean;
}

/** A window the optimizer is about to plan, as a forecaster sees it. */
export interface ForecastRequest {
  zone: ZoneId;
  site: SiteConfig;
  /** UTC s of the first planned hour; a forecaster may read only hours that ended by its issue time, before this. */
  startUtcS: number;
  hours: number;
  /** UTC s of index 0 of `sitePvWh`. */
  historyStartUtcS: number;
  /** The site's actual hourly PV AC output, Wh (for calibration): only hours before `startUtcS` may be read. */
  sitePvWh: ArrayLike<number>;
}

/** A forecaster's view of a window's exogenous hourly series; entry i is the hour starting startUtcS + 3600 i. */
export interface HourlyForecast {
  wholesaleUsdPerMwh: number[];
  carbonGPerKwh: number[];
  /** The site's PV AC output, Wh per hour. */
  pvWh: number[];
  /** The site's workload trace value (the shape `gpuDemandArrivals` scales); absent: arrivals as they happen. */
  demandTrace?: number[];
}

export type Forecaster = (request: ForecastRequest) => HourlyForecast;
