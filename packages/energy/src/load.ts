import type { BaseLoadConfig } from './types.ts';
import type { LocalClock } from './localTime.ts';

/*
 * Daily shapes by local hour, normalised below to mean 1. Household: the BDEW H0 standard load
 * profile (VDEW/BDEW "Repraesentative VDEW-Lastprofile", 1999; working day, transition season),
 * with its morning shoulder and evening peak. Commercial: BDEW G0 (general business), daytime
 * plateau 8-18 h. Read off the published quarter-hour tables and rounded to 2 digits.
 */
const HOUSEHOLD = [
  0.62, 0.5, 0.45, 0.42, 0.42, 0.46, 0.62, 0.85, 0.98, 1.0, 1.02, 1.08, 1.18, 1.12, 1.0, 0.95, 1.0, 1.18, 1.42, 1.55,
  1.5, 1.38, 1.15, 0.86,
];
const COMMERCIAL = [
  0.55, 0.52, 0.5, 0.5, 0.52, 0.6, 0.8, 1.15, 1.45, 1.55, 1.6, 1.6, 1.5, 1.5, 1.55, 1.5, 1.4, 1.2, 0.95, 0.8, 0.7, 0.65,
  0.6, 0.56,
];
/** Weekend level relative to weekdays (G0 Saturday/Sunday are ~60 %; households are home more: +10 %). */
const WEEKEND = { household: 1.1, commercial: 0.6, flat: 1 } as const;

function normalise(a: number[]): number[] {
  const m = a.reduce((s, x) => s + x, 0) / a.length;
  return a.map((x) => x / m);
}
const SHAPES = { household: normalise(HOUSEHOLD), commercial: normalise(COMMERCIAL), flat: new Array(24).fill(1) };

/** Base load energy per hour, Wh, for hours [offset, offset + hours) of the clock. */
export function baseLoadWh(cfg: BaseLoadConfig, clock: LocalClock, offset: number, hours: number): number[] {
  const shape = SHAPES[cfg.profile];
  const out = new Array<number>(hours);
  for (let i = 0; i < hours; i++) {
    const h = clock.hour[offset + i] ?? 0;
    const wd = clock.weekday[offset + i] ?? 1;
    const weekend = wd === 0 || wd === 6 ? WEEKEND[cfg.profile] : 1;
    out[i] = cfg.meanW * (shape[h] ?? 1) * weekend;
  }
  return out;
}
