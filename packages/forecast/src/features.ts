// Day-ahead feature rows. Pure: no I/O, no clock; every value read from a history is at an hour slot that
// has ended by the issue time, so a forecast built from them could have been made at that time.
import { extraterrestrialIrradiance, ineichenClearSky, solarPosition } from '@greenhour/energy';
import { InputError } from '@greenhour/errors';

/** The series the package forecasts. `demand*` are the workload traces (not per zone). */
export const SERIES_KINDS = ['price', 'carbon', 'pv', 'demand'] as const;
export type SeriesKind = (typeof SERIES_KINDS)[number];

/** Hourly history of one series; `values[i]` is the hour slot starting at `startUtcS + 3600 i` (UTC seconds). */
export interface HourlyHistory {
  startUtcS: number;
  values: ArrayLike<number>;
}

/** Where the Ineichen clear-sky irradiance is evaluated (degrees, metres, Linke turbidity). */
export interface ClearSkySite {
  latDeg: number;
  lonDeg: number;
  altitudeM: number;
  linkeTurbidity: number;
}

const HOUR_S = 3600;
const DAY_S = 86_400;
/** Issue time of the day-ahead forecast: 12:00 UTC of day D-1 (the time EPEX/JEPX-style day-ahead auctions close). */
export const ISSUE_SECOND_OF_DAY = 12 * HOUR_S;
/** Hours before the issue hour slot that the features read: D-7 00:00 is 156 h before D-1 12:00. */
export const HISTORY_HOURS_NEEDED = 156;

/** Feature names per series kind, in column order. Clear-sky columns only where the sun matters. */
export function featureNames(kind: SeriesKind): string[] {
  const base = [
    'hourOfDay',
    'dayOfWeek',
    'doySin',
    'doyCos',
    'lagLatestSameHour',
    'lagD7SameHour',
    'lastKnown',
    'mean24Known',
  ];
  if (kind === 'demand') return base;
  if (kind === 'pv') return [...base, 'clearSkyGhiWm2', 'clearSkyGhiLagWm2', 'clearness24Known'];
  return [...base, 'clearSkyGhiWm2'];
}

/**
 * Global horizontal clear-sky irradiance at the middle of the hour slot starting at `startUtcS`, W/m2
 * (Ineichen & Perez 2002 with the NOAA solar position, as in @greenhour/energy's PV model).
 */
export function clearSkyGhiWm2(site: ClearSkySite, startUtcS: number): number {
  const sun = solarPosition(startUtcS + HOUR_S / 2, site.latDeg, site.lonDeg);
  return ineichenClearSky(
    sun.apparentZenithDeg,
    site.linkeTurbidity,
    site.altitudeM,
    extraterrestrialIrradiance(sun.earthSunAu),
  ).ghi;
}

/** UTC day of week of a UTC second, 0 = Sunday (1970-01-01 was a Thursday). */
export function utcDayOfWeek(utcS: number): number {
  return (((Math.floor(utcS / DAY_S) + 4) % 7) + 7) % 7;
}

/** UTC day of year, 0-based, and the number of days in that year. */
export function utcDayOfYear(utcS: number): { doy: number; daysInYear: number } {
  const d = new Date(utcS * 1000);
  const y = d.getUTCFullYear();
  const jan1 = Date.UTC(y, 0, 1) / 1000;
  const daysInYear = (Date.UTC(y + 1, 0, 1) / 1000 - jan1) / DAY_S;
  return { doy: Math.floor((utcS - jan1) / DAY_S), daysInYear };
}

/** Throws InputError unless `issueUtcS` is an integer UTC second at 12:00 UTC. */
export function assertIssueTime(issueUtcS: number, field = 'issueUtcS'): void {
  if (!Number.isInteger(issueUtcS)) throw new InputError(field, `must be an integer UTC second, got ${issueUtcS}`);
  const sod = ((issueUtcS % DAY_S) + DAY_S) % DAY_S;
  if (sod !== ISSUE_SECOND_OF_DAY) {
    throw new InputError(
      field,
      `must be 12:00:00 UTC (the day-ahead issue time), got ${new Date(issueUtcS * 1000).toISOString()}`,
    );
  }
}

/**
 * Hour-slot index in `history` of the issue hour (D-1 12:00). Validates that the history is hour-aligned and reaches
 * back HISTORY_HOURS_NEEDED hours before it and up to it (the slot ending at the issue time must be present).
 */
export function issueIndex(history: HourlyHistory, issueUtcS: number, field = 'history'): number {
  assertIssueTime(issueUtcS);
  if (!Number.isInteger(history.startUtcS) || history.startUtcS % HOUR_S !== 0) {
    throw new InputError(
      `${field}.startUtcS`,
      `must be a UTC second at the start of an hour, got ${history.startUtcS}`,
    );
  }
  const issue = (issueUtcS - history.startUtcS) / HOUR_S;
  if (issue - HISTORY_HOURS_NEEDED < 0) {
    throw new InputError(
      field,
      `too little history: need ${HISTORY_HOURS_NEEDED} h before the issue time (from ${new Date(
        (issueUtcS - HISTORY_HOURS_NEEDED * HOUR_S) * 1000,
      ).toISOString()}), history starts ${new Date(history.startUtcS * 1000).toISOString()}`,
    );
  }
  if (history.values.length < issue) {
    throw new InputError(
      `${field}.values`,
      `history ends at ${new Date((history.startUtcS + history.values.length * HOUR_S) * 1000).toISOString()}, before the issue time`,
    );
  }
  for (let i = issue - HISTORY_HOURS_NEEDED; i < issue; i++) {
    const v = history.values[i];
    if (v === undefined || !Number.isFinite(v)) {
      throw new InputError(`${field}.values[${i}]`, `must be a finite number, got ${v}`);
    }
  }
  return issue;
}

/**
 * The 24 feature rows (target hours 00..23 UTC of day D) of a forecast issued at 12:00 UTC of day D-1.
 *
 * Lags are read only from hour slots that have ended at the issue time: for target hour h the latest known same hour
 * is D-1 h when h < 12 and D-2 h otherwise (D-1 12:00..23:00 is still in the future); D-7 h is always known.
 * `site` is required for price, carbon and pv (clear-sky columns), ignored for demand.
 * Throws InputError on a bad issue time or too little history.
 */
export function dayAheadFeatures(
  kind: SeriesKind,
  history: HourlyHistory,
  issueUtcS: number,
  site: ClearSkySite | null,
  field = 'history',
): number[][] {
  if (!SERIES_KINDS.includes(kind))
    throw new InputError('kind', `must be one of ${SERIES_KINDS.join(', ')}, got ${kind}`);
  if (kind !== 'demand' && site === null)
    throw new InputError('site', `required for the clear-sky features of ${kind}`);
  const I = issueIndex(history, issueUtcS, field);
  const v = (i: number): number => {
    // the guard that makes leakage impossible, whatever the caller passes
    if (i >= I) throw new Error(`internal: feature read hour ${i} at or after the issue hour ${I}`);
    return history.values[i] as number;
  };
  let sum24 = 0;
  for (let i = I - 24; i < I; i++) sum24 += v(i);
  const mean24 = sum24 / 24;
  const lastKnown = v(I - 1);
  let clearness = 0;
  if (kind === 'pv' && site) {
    // ratio of the last 24 known hours' PV to their clear-sky GHI: yesterday's cloudiness, Wh per (W/m2 h)
    let cs = 0;
    for (let i = I - 24; i < I; i++) cs += clearSkyGhiWm2(site, history.startUtcS + i * HOUR_S);
    clearness = cs > 0 ? sum24 / cs : 0;
  }
  const dayStart = issueUtcS + 12 * HOUR_S; // 00:00 UTC of day D
  const { doy, daysInYear } = utcDayOfYear(dayStart);
  const angle = (2 * Math.PI * doy) / daysInYear;
  const dow = utcDayOfWeek(dayStart);
  const rows: number[][] = [];
  for (let h = 0; h < 24; h++) {
    const target = I + 12 + h;
    const latest = h < 12 ? target - 24 : target - 48;
    const row = [h, dow, Math.sin(angle), Math.cos(angle), v(latest), v(target - 168), lastKnown, mean24];
    if (kind !== 'demand' && site) {
      row.push(clearSkyGhiWm2(site, dayStart + h * HOUR_S));
      if (kind === 'pv') {
        row.push(clearSkyGhiWm2(site, history.startUtcS + latest * HOUR_S), clearness);
      }
    }
    rows.push(row);
  }
  return rows;
}

/**
 * Seasonal-naive persistence for target hour h of day D issued at D-1 12:00: the value 24 h before where it is known
 * at the issue time (h < 12), else the value 168 h before (same weekday and hour last week). 24 h is the better-known
 * lag (most recent); 168 h is the only one of the two known for h >= 12.
 */
export function persistenceDayAhead(history: HourlyHistory, issueUtcS: number): number[] {
  const I = issueIndex(history, issueUtcS);
  const out: number[] = [];
  for (let h = 0; h < 24; h++) {
    const target = I + 12 + h;
    const i = h < 12 ? target - 24 : target - 168;
    out.push(history.values[i] as number);
  }
  return out;
}
