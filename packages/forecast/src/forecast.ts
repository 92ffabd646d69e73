// Public day-ahead forecast: the shipped models applied to a zone's (or a workload trace's) history up to the issue time.
import { InputError } from '@greenhour/errors';
import { dayAheadFeatures, type HourlyHistory, type SeriesKind } from './features.ts';
import { predictRows } from './model.ts';
import { assertKnownZone, DEMAND_TRACES, zoneClearSkySite, type DemandTrace, type ZoneHistory } from './series.ts';
import { MODELS_DIR, shippedModel } from './shipped.ts';

/** The 24 UTC hours of day D forecast at 12:00 UTC of D-1. */
export interface ZoneDayAhead {
  zone: string;
  issueUtcS: number;
  /** 00:00 UTC of day D; value i is the hour slot starting dayStartUtcS + 3600 i. */
  dayStartUtcS: number;
  priceUsdPerMwh: number[];
  carbonLcaGPerKwh: number[];
  /** Reference 1 kWp array, Wh per hour, rounded to the nearest Wh. */
  pvWhPerKwp: number[];
}

function series(
  kind: SeriesKind,
  key: string,
  history: HourlyHistory,
  issueUtcS: number,
  site: ReturnType<typeof zoneClearSkySite> | null,
  field: string,
  modelsDir: string,
): number[] {
  const rows = dayAheadFeatures(kind, history, issueUtcS, site, field);
  return predictRows(shippedModel(key, modelsDir), rows);
}

function checkHistory(h: ZoneHistory): void {
  if (h === null || typeof h !== 'object') throw new InputError('history', 'must be an object');
  for (const f of ['priceUsdPerMwh', 'carbonLcaGPerKwh', 'pvWhPerKwp'] as const) {
    const v = h[f] as ArrayLike<number> | undefined;
    if (v === undefined || typeof v.length !== 'number')
      throw new InputError(`history.${f}`, 'must be an array of hourly values');
  }
}

/**
 * Day-ahead price, carbon and reference-PV forecast of `zone` for day D, issued at `issueUtcS` (12:00 UTC of D-1).
 * Only hour slots that ended by the issue time are read (the history may run on past it). Needs 156 h of history
 * before the issue time. Throws InputError naming the field: unknown zone, issue time not 12:00 UTC, short history.
 */
export function forecastZoneDayAhead(
  zone: string,
  history: ZoneHistory,
  issueUtcS: number,
  modelsDir = MODELS_DIR,
): ZoneDayAhead {
  assertKnownZone(zone);
  checkHistory(history);
  const site = zoneClearSkySite(zone);
  const h = (values: ArrayLike<number>): HourlyHistory => ({ startUtcS: history.startUtcS, values });
  const price = series(
    'price',
    `${zone}.price`,
    h(history.priceUsdPerMwh),
    issueUtcS,
    site,
    'history.priceUsdPerMwh',
    modelsDir,
  );
  const carbon = series(
    'carbon',
    `${zone}.carbon`,
    h(history.carbonLcaGPerKwh),
    issueUtcS,
    site,
    'history.carbonLcaGPerKwh',
    modelsDir,
  );
  const pv = series('pv', `${zone}.pv`, h(history.pvWhPerKwp), issueUtcS, site, 'history.pvWhPerKwp', modelsDir);
  return {
    zone,
    issueUtcS,
    dayStartUtcS: issueUtcS + 12 * 3600,
    priceUsdPerMwh: price,
    carbonLcaGPerKwh: carbon,
    pvWhPerKwp: pv.map((w) => Math.round(w)),
  };
}

/**
 * Day-ahead CPU-utilisation forecast (0..1, 24 UTC hours of D) of a workload trace used as demand, issued at 12:00 UTC
 * of D-1 from `history`. Throws InputError on an unknown trace, a bad issue time or a short history.
 */
export function forecastDemandDayAhead(
  trace: DemandTrace,
  history: HourlyHistory,
  issueUtcS: number,
  modelsDir = MODELS_DIR,
): number[] {
  if (!DEMAND_TRACES.includes(trace)) {
    throw new InputError('trace', `must be one of ${DEMAND_TRACES.join(', ')}, got ${JSON.stringify(trace)}`);
  }
  return series('demand', `demand.${trace}`, history, issueUtcS, null, 'history', modelsDir);
}
