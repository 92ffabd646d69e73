import type { EvChargersConfig } from './types.ts';

export interface EvSession {
  id: number;
  charger: number;
  arrivalUtcS: number;
  departureUtcS: number;
  /** Energy requested, Wh (never more than the charger can deliver during the stay). */
  energyWh: number;
}

/** Mulberry32 PRNG (T. Ettinger, public domain): small, fast, deterministic for a given 32-bit seed. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Relative arrival rate by local hour for public/commercial charging (peaks after the morning
 * commute and in the late afternoon; few arrivals at night), shape after the ElaadNL open
 * charging-session data (ElaadNL, "Open Datasets", 2019-2020, public charge points).
 */
const ARRIVAL_SHAPE = [
  0.15, 0.1, 0.05, 0.05, 0.1, 0.3, 0.8, 1.5, 2.0, 1.8, 1.5, 1.4, 1.4, 1.4, 1.4, 1.5, 1.7, 1.8, 1.6, 1.3, 1.0, 0.7, 0.4,
  0.25,
];
const SHAPE_MAX = Math.max(...ARRIVAL_SHAPE);

/**
 * Deterministic EV sessions from a seeded PRNG. Per charger a non-homogeneous Poisson process of
 * arrivals (mean sessionsPerChargerPerDay, thinned by ARRIVAL_SHAPE at local hour
 * `(utcHour + utcOffsetH) mod 24`); a charger serves one vehicle at a time: a car arriving while it
 * is busy plugs in at the previous departure. Dwell ~ uniform [0.5, 1.5] x meanDwellHours, energy ~ uniform [0.5, 1.5] x
 * meanSessionEnergyWh, capped at what the charger can deliver during the stay.
 */
export function generateEvSessions(
  ev: EvChargersConfig,
  startUtcS: number,
  endUtcS: number,
  utcOffsetH: number,
): EvSession[] {
  const rand = mulberry32(ev.seed);
  const meanShape = ARRIVAL_SHAPE.reduce((s, x) => s + x, 0) / 24;
  // Poisson rate at the shape's maximum, per hour; thinning keeps a fraction shape/max, so the mean
  // rate over a day is sessionsPerChargerPerDay / 24.
  const lambdaMax = (ev.sessionsPerChargerPerDay / 24) * (SHAPE_MAX / meanShape);
  const sessions: EvSession[] = [];
  for (let c = 0; c < ev.count; c++) {
    let t = startUtcS;
    let freeAt = startUtcS;
    for (;;) {
      t += (-Math.log(1 - rand()) / lambdaMax) * 3600;
      if (t >= endUtcS) break;
      const localHour = Math.floor(((t / 3600 + utcOffsetH) % 24) + 24) % 24;
      if (rand() * SHAPE_MAX > (ARRIVAL_SHAPE[localHour] ?? 0)) continue;
      // a car arriving while the charger is busy waits for it (queue), so no session is lost
      const plugIn = Math.max(t, freeAt);
      if (plugIn >= endUtcS) break;
      const dwellS = ev.meanDwellHours * (0.5 + rand()) * 3600;
      const wanted = ev.meanSessionEnergyWh * (0.5 + rand());
      const energyWh = Math.min(wanted, (ev.powerW * dwellS) / 3600);
      sessions.push({ id: 0, charger: c, arrivalUtcS: plugIn, departureUtcS: plugIn + dwellS, energyWh });
      freeAt = plugIn + dwellS;
    }
  }
  sessions.sort((a, b) => a.arrivalUtcS - b.arrivalUtcS || a.charger - b.charger);
  sessions.forEach((s, i) => (s.id = i));
  return sessions;
}

/** Hours of overlap of [a0, a1) and [b0, b1), UTC seconds in, hours out. */
export function overlapHours(a0: number, a1: number, b0: number, b1: number): number {
  return Math.max(0, Math.min(a1, b1) - Math.max(a0, b0)) / 3600;
}
