// What a user sees of "AI in the market" for a stretch of days: each hour's day-ahead forecast of a zone's price, grid
// carbon and reference PV next to seasonal-naive persistence and the actual value, with both errors over the window;
// and one site run three ways over the same days (the rule-based controller, the optimizer on these forecasts, the
// optimizer with perfect foresight) so the cost of not knowing the future is visible. Pure but for reading the data.
import {
  defaultSite,
  SITE_TYPES,
  simulateYear,
  type SiteConfig,
  type SiteType,
  type YearResult,
} from '@greenhour/energy';
import { InputError } from '@greenhour/errors';
import { persistenceDayAhead } from './features.ts';
import { mae } from './evaluate.ts';
import { forecastZoneDayAhead } from './forecast.ts';
import { HOLDOUT_DAYS, TRAIN_DAYS } from './periods.ts';
import { assertKnownZone, zoneHistory2023 } from './series.ts';
import { dayAheadSiteForecaster } from './site.ts';

const DAY_S = 86_400;
const DATA_YEAR_START_S = Date.UTC(2023, 0, 1) / 1000;
const DATA_YEAR_END_S = Date.UTC(2024, 0, 1) / 1000;
/** The first day with the history a forecast needs (156 h before its issue at 12:00 the day before). */
export const FIRST_FORECAST_DAY_S = TRAIN_DAYS.fromUtcS;
/** The last day of the data year. */
export const LAST_FORECAST_DAY_S = DATA_YEAR_END_S - DAY_S;
/** UTC seconds of a day's start as YYYY-MM-DD. */
export const isoDay = (s: number): string => new Date(s * 1000).toISOString().slice(0, 10);
/** At most two weeks a request: a site's three runs over 14 days take 0.2–0.7 s here, in the service's thread. */
export const MAX_WINDOW_DAYS = 14;

export const FORECAST_SERIES = ['price', 'carbon', 'pv'] as const;
export type ForecastSeries = (typeof FORECAST_SERIES)[number];
export const SERIES_UNITS: Record<ForecastSeries, string> = {
  price: 'USD/MWh',
  carbon: 'gCO2eq/kWh',
  pv: 'Wh per kWp',
};

export interface ForecastPoint {
  forecast: number;
  persistence: number;
  actual: number;
}

export interface ForecastHour {
  startUtcS: number;
  price: ForecastPoint;
  carbon: ForecastPoint;
  pv: ForecastPoint;
}

export interface WindowScore {
  unit: string;
  maeModel: number;
  maePersistence: number;
  /** 1 - MAE_model / MAE_persistence; null when persistence is exact over the window (nights-only PV, say). */
  skill: number | null;
}

export interface ForecastWindow {
  zone: string;
  fromUtcS: number;
  days: number;
  /** Days of the window in the held-out quarter (never seen in training); the rest were trained on. */
  heldOutDays: number;
  hours: ForecastHour[];
  scores: Record<ForecastSeries, WindowScore>;
}

/** Checks a window of whole UTC days of the data year 2023 that the models can forecast. */
export function assertWindow(fromUtcS: unknown, days: unknown): asserts fromUtcS is number {
  if (typeof fromUtcS !== 'number' || !Number.isSafeInteger(fromUtcS) || fromUtcS % DAY_S !== 0)
    throw new InputError('from', `must be 00:00 UTC of a day, got ${String(fromUtcS)}`);
  if (fromUtcS < FIRST_FORECAST_DAY_S || fromUtcS >= DATA_YEAR_END_S)
    throw new InputError(
      'from',
      `must be a day from ${isoDay(FIRST_FORECAST_DAY_S)} to ${isoDay(LAST_FORECAST_DAY_S)} (the data year, after a week of history)`,
    );
  if (typeof days !== 'number' || !Number.isInteger(days) || days < 1 || days > MAX_WINDOW_DAYS)
    throw new InputError('days', `must be an integer from 1 to ${MAX_WINDOW_DAYS}, got ${String(days)}`);
  if (fromUtcS + days * DAY_S > DATA_YEAR_END_S)
    throw new InputError(
      'days',
      `the window must end by 2024-01-01 (at most ${(DATA_YEAR_END_S - fromUtcS) / DAY_S} days from this day)`,
    );
}

function score(unit: string, pred: number[], pers: number[], actual: number[]): WindowScore {
  const maeModel = mae(pred, actual);
  const maePersistence = mae(pers, actual);
  return { unit, maeModel, maePersistence, skill: maePersistence > 0 ? 1 - maeModel / maePersistence : null };
}

/**
 * Day-ahead forecasts (issued 12:00 UTC the day before) of `zone`'s price, carbon and reference PV for `days` days
 * from `fromUtcS`, with persistence and the actuals. Negative carbon and PV forecasts are read as 0, as the site
 * optimizer and the scheduler read them. Throws InputError naming `zone`, `from` or `days`.
 */
export function forecastWindow(zone: string, fromUtcS: number, days: number): ForecastWindow {
  assertKnownZone(zone);
  assertWindow(fromUtcS, days);
  const h = zoneHistory2023(zone);
  const series = {
    price: h.priceUsdPerMwh,
    carbon: h.carbonLcaGPerKwh,
    pv: h.pvWhPerKwp,
  } satisfies Record<ForecastSeries, ArrayLike<number>>;
  const hours: ForecastHour[] = [];
  for (let d = 0; d < days; d++) {
    const dayStartUtcS = fromUtcS + d * DAY_S;
    const issueUtcS = dayStartUtcS - DAY_S / 2;
    const f = forecastZoneDayAhead(zone, h, issueUtcS);
    const forecast = {
      price: f.priceUsdPerMwh,
      carbon: f.carbonLcaGPerKwh.map((c) => Math.max(0, c)),
      pv: f.pvWhPerKwp.map((w) => Math.max(0, w)),
    };
    const pers = Object.fromEntries(
      FORECAST_SERIES.map((s) => [s, persistenceDayAhead({ startUtcS: h.startUtcS, values: series[s] }, issueUtcS)]),
    ) as Record<ForecastSeries, number[]>;
    const first = (dayStartUtcS - h.startUtcS) / 3600;
    for (let k = 0; k < 24; k++) {
      const point = (s: ForecastSeries): ForecastPoint => ({
        forecast: forecast[s][k]!,
        persistence: pers[s][k]!,
        actual: series[s][first + k]!,
      });
      hours.push({
        startUtcS: dayStartUtcS + k * 3600,
        price: point('price'),
        carbon: point('carbon'),
        pv: point('pv'),
      });
    }
  }
  const of = (s: ForecastSeries, p: keyof ForecastPoint) => hours.map((x) => x[s][p]);
  const scores = Object.fromEntries(
    FORECAST_SERIES.map((s) => [s, score(SERIES_UNITS[s], of(s, 'forecast'), of(s, 'persistence'), of(s, 'actual'))]),
  ) as Record<ForecastSeries, WindowScore>;
  const heldOutFrom = Math.max(fromUtcS, HOLDOUT_DAYS.fromUtcS);
  const heldOutDays = Math.max(0, (fromUtcS + days * DAY_S - heldOutFrom) / DAY_S);
  return { zone, fromUtcS, days, heldOutDays, hours, scores };
}

export const SITE_RUNS = ['rule', 'forecast', 'perfect'] as const;
export type SiteRunName = (typeof SITE_RUNS)[number];

export interface SiteRun {
  /** 'rule': the rule-based controller; 'forecast': the optimizer planning on the day-ahead forecasts and meeting the
   * actual hours through its plan follower; 'perfect': the optimizer planning on the actual hours. */
  run: SiteRunName;
  netCostUsdc6: number;
  electricityBillUsdc6: number;
  emissionsGCo2: number;
  gridImportWh: number;
  /** Share of the site's use met by its own PV, bps, rounded down. */
  greenShareBps: number;
  gpuHoursServed: number;
  /** Compute still queued at the window's end, its deadline not passed (the optimizer holds work for green hours). */
  gpuHoursQueuedAtEnd: number;
  /** Compute whose deadline passed unserved. */
  gpuHoursLate: number;
  evUnmetWh: number;
  /**
   * What the work still in hand at the end (queued compute, EV energy owed to cars plugged in) will earn, less the
   * energy it needs at the window's mean import price; rounded down. Without it a short window would count work the
   * optimizer moved past the window's end as revenue lost.
   */
  workInHandUsdc6: number;
  /** netCostUsdc6 - workInHandUsdc6: what the runs are compared on. */
  comparableNetCostUsdc6: number;
  /** Against the rule run, on comparableNetCostUsdc6: (rule - this) / |rule|, bps; positive is a saving. */
  savingBps: number;
  /** Against the rule run: (rule - this) / rule emissions, bps; positive is a cut. */
  emissionsCutBps: number;
  hourly: {
    energyCostUsdc6: number[];
    emissionsGCo2: number[];
    gridImportWh: number[];
    batterySocWh: number[];
  };
}

export interface SiteComparison {
  zone: string;
  siteType: SiteType;
  fromUtcS: number;
  days: number;
  hourStartUtcS: number[];
  pvAvailableWh: number[];
  runs: SiteRun[];
}

const bps = (num: number, den: number): number => (den === 0 ? 0 : Math.trunc((num / Math.abs(den)) * 10_000));

/** See SiteRun.workInHandUsdc6. */
export function workInHandUsdc6(site: SiteConfig, r: YearResult): number {
  const prices = r.hourly.importPriceUsdc6PerKwh;
  const meanImportUsdc6PerKwh = prices.reduce((a, b) => a + b, 0) / Math.max(1, prices.length);
  const queued = r.totals.gpuHoursQueuedAtEnd;
  const owedKwh = r.totals.evOwedAtEndWh / 1000;
  const gpu = site.gpu
    ? queued * (site.gpu.revenueUsdPerGpuHour * 1e6 - (site.gpu.busyW * site.gpu.pue * meanImportUsdc6PerKwh) / 1000)
    : 0;
  const ev = site.ev ? owedKwh * (site.ev.chargePriceUsdPerKwh * 1e6 - meanImportUsdc6PerKwh) : 0;
  return Math.floor(gpu + ev);
}

/**
 * The project's default site of `siteType` in `zone` simulated over the window three ways (SITE_RUNS), each from the
 * same initial state, with the emissions guard on for both optimizer runs. Throws InputError naming `zone`, `site`,
 * `from` or `days`.
 */
export async function compareSite(
  zone: string,
  siteType: string,
  fromUtcS: number,
  days: number,
): Promise<SiteComparison> {
  assertKnownZone(zone);
  if (!(SITE_TYPES as readonly string[]).includes(siteType))
    throw new InputError('site', `must be one of ${SITE_TYPES.join(', ')}, got ${JSON.stringify(siteType)}`);
  assertWindow(fromUtcS, days);
  const site = defaultSite(siteType as SiteType, zone);
  const window = { zone, site, startHour: (fromUtcS - DATA_YEAR_START_S) / 3600, hours: days * 24 };
  const results: Record<SiteRunName, YearResult> = {
    rule: await simulateYear({ ...window, controller: 'rule' }),
    forecast: await simulateYear({ ...window, controller: 'optimizer', forecaster: dayAheadSiteForecaster() }),
    perfect: await simulateYear({ ...window, controller: 'optimizer' }),
  };
  const comparable = (r: YearResult) => r.totals.netCostUsdc6 - workInHandUsdc6(site, r);
  const ruleCost = comparable(results.rule);
  const ruleEmissions = results.rule.totals.emissionsGCo2;
  const runs = SITE_RUNS.map((run): SiteRun => {
    const { totals: t, hourly: h } = results[run];
    return {
      run,
      netCostUsdc6: t.netCostUsdc6,
      electricityBillUsdc6: t.electricityBillUsdc6,
      emissionsGCo2: t.emissionsGCo2,
      gridImportWh: t.gridImportWh,
      greenShareBps: Math.floor(t.greenShare * 10_000),
      gpuHoursServed: t.gpuHoursServed,
      gpuHoursQueuedAtEnd: t.gpuHoursQueuedAtEnd,
      gpuHoursLate: Math.max(0, t.gpuHoursUnmet - t.gpuHoursQueuedAtEnd),
      evUnmetWh: t.evUnmetWh,
      workInHandUsdc6: workInHandUsdc6(site, results[run]),
      comparableNetCostUsdc6: comparable(results[run]),
      savingBps: bps(ruleCost - comparable(results[run]), ruleCost),
      emissionsCutBps: bps(ruleEmissions - t.emissionsGCo2, ruleEmissions),
      hourly: {
        energyCostUsdc6: h.energyCostUsdc6,
        emissionsGCo2: h.emissionsGCo2,
        gridImportWh: h.gridImportWh,
        batterySocWh: h.batterySocWh,
      },
    };
  });
  const h = results.rule.hourly;
  return {
    zone,
    siteType: siteType as SiteType,
    fromUtcS,
    days,
    hourStartUtcS: h.startUtcS,
    pvAvailableWh: h.pvAvailableWh,
    runs,
  };
}
