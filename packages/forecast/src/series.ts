// The thin I/O shell: loads the 2023 hourly series the models are trained and evaluated on, through @greenhour/energy.
import {
  defaultArrayOrientation,
  listZones,
  loadWorkloadTrace,
  loadZone,
  loadZoneYear,
  pvHourlyAcWh,
  type PvArrayConfig,
  type ZoneId,
} from '@greenhour/energy';
import { InputError } from '@greenhour/errors';
import type { ClearSkySite, HourlyHistory, SeriesKind } from './features.ts';

export const DEMAND_TRACES = ['alibaba', 'google'] as const;
export type DemandTrace = (typeof DEMAND_TRACES)[number];

/** One forecast series: a zone's price, carbon or reference PV, or a workload trace as demand. */
export type SeriesRef = { kind: 'price' | 'carbon' | 'pv'; zone: ZoneId } | { kind: 'demand'; trace: DemandTrace };

/** Stable key of a series, also its model file name: `DE-LU.price`, `demand.alibaba`. */
export function seriesKey(ref: SeriesRef): string {
  return ref.kind === 'demand' ? `demand.${ref.trace}` : `${ref.zone}.${ref.kind}`;
}

/** A loaded series with what its features need. */
export interface LoadedSeries {
  ref: SeriesRef;
  key: string;
  kind: SeriesKind;
  history: HourlyHistory;
  site: ClearSkySite | null;
  /** Unit of the values, for tables. */
  unit: string;
}

/**
 * The reference PV array of a zone: 1 kWp DC, fixed open rack, equator-facing at the yield-optimal tilt, with the
 * PVWatts v5 defaults the energy package's sites use (14 % losses, DC/AC 1.2, 96 % inverter, gamma -0.47 %/C).
 */
export function referencePvArray(latDeg: number): PvArrayConfig {
  const o = defaultArrayOrientation(latDeg, 'open_rack');
  return {
    dcCapacityW: 1000,
    tiltDeg: o.tiltDeg,
    azimuthDeg: o.azimuthDeg,
    gammaPdcPerC: -0.0047,
    systemLossFraction: 0.14,
    dcAcRatio: 1.2,
    inverterEfficiencyNominal: 0.96,
    albedo: 0.2,
    mounting: 'open_rack',
  };
}

/** The zone's clear-sky site: the weather reference point and the zone's Linke turbidity. */
export function zoneClearSkySite(zone: ZoneId): ClearSkySite {
  const hit = sites.get(zone);
  if (hit) return hit;
  const d = loadZoneYear(zone, 2023);
  const site = { ...siteOf(d.location), linkeTurbidity: loadZone(zone).linkeTurbidity };
  sites.set(zone, site);
  return site;
}
const sites = new Map<string, ClearSkySite>();

function siteOf(l: { latDeg: number; lonDeg: number; altitudeM: number }): Omit<ClearSkySite, 'linkeTurbidity'> {
  return { latDeg: l.latDeg, lonDeg: l.lonDeg, altitudeM: l.altitudeM };
}

/**
 * "Actual" hourly AC energy of the zone's 1 kWp reference array, Wh per hour slot, rounded to the nearest Wh: the
 * energy package's PV model (Ineichen clear sky, Kasten-Czeplak cloud attenuation, Erbs, Hay-Davies, PVWatts) on the
 * zone's hourly cloud cover, air temperature and wind.
 */
export function referencePvWh(zone: ZoneId): Float64Array {
  const d = loadZoneYear(zone, 2023);
  const site = zoneClearSkySite(zone);
  const n = d.cloudCoverPct.length;
  const starts = Array.from({ length: n }, (_, i) => d.startUtcS + i * 3600);
  const weather = starts.map((_, i) => ({
    cloudCoverPct: d.cloudCoverPct[i] ?? 0,
    tAirC: d.tAirC[i] ?? 20,
    windMs: d.windMs[i] ?? 1,
  }));
  const ac = pvHourlyAcWh([referencePvArray(d.location.latDeg)], site, starts, weather);
  return Float64Array.from(ac, (w) => Math.round(w));
}

/** Every series the package forecasts: price, carbon and PV of each zone, then the two demand traces. */
export function allSeriesRefs(): SeriesRef[] {
  const refs: SeriesRef[] = [];
  for (const zone of listZones()) for (const kind of ['price', 'carbon', 'pv'] as const) refs.push({ kind, zone });
  for (const trace of DEMAND_TRACES) refs.push({ kind: 'demand', trace });
  return refs;
}

/** Loads the 2023 hourly series of `ref`. Throws InputError on an unknown zone or trace. */
export function loadSeries(ref: SeriesRef): LoadedSeries {
  if (ref.kind === 'demand') {
    if (!DEMAND_TRACES.includes(ref.trace)) {
      throw new InputError('trace', `must be one of ${DEMAND_TRACES.join(', ')}, got ${JSON.stringify(ref.trace)}`);
    }
    // the traces are hour-of-year series; index 0 is taken as 2023-01-01 00:00 UTC like the zone series
    const values = loadWorkloadTrace(ref.trace, 8760);
    return {
      ref,
      key: seriesKey(ref),
      kind: 'demand',
      history: { startUtcS: Date.UTC(2023, 0, 1) / 1000, values },
      site: null,
      unit: 'CPU utilisation 0..1',
    };
  }
  assertKnownZone(ref.zone);
  const d = loadZoneYear(ref.zone, 2023);
  const site = zoneClearSkySite(ref.zone);
  const values =
    ref.kind === 'price' ? d.priceUsdPerMwh : ref.kind === 'carbon' ? d.carbonLcaGPerKwh : referencePvWh(ref.zone);
  const unit = ref.kind === 'price' ? 'USD/MWh' : ref.kind === 'carbon' ? 'gCO2eq/kWh' : 'Wh per kWp';
  return { ref, key: seriesKey(ref), kind: ref.kind, history: { startUtcS: d.startUtcS, values }, site, unit };
}

/** Throws InputError('zone', ...) unless `zone` is one of the shipped zones. */
export function assertKnownZone(zone: unknown): asserts zone is ZoneId {
  const zones = listZones();
  if (typeof zone !== 'string' || !zones.includes(zone)) {
    throw new InputError('zone', `unknown zone ${JSON.stringify(zone)} (expected one of ${zones.join(', ')})`);
  }
}

/** A zone's hourly history in the shape forecastZoneDayAhead takes (UTC hour slots from `startUtcS`). */
export interface ZoneHistory {
  startUtcS: number;
  priceUsdPerMwh: ArrayLike<number>;
  carbonLcaGPerKwh: ArrayLike<number>;
  /** AC energy of the zone's 1 kWp reference array, Wh per hour slot. */
  pvWhPerKwp: ArrayLike<number>;
}

const histories2023 = new Map<string, ZoneHistory>();

/**
 * The zone's 2023 actuals as a ZoneHistory (a forecast reads only the hours before its issue time), computed once per
 * zone: the reference array's PV is a year of the PV model. Callers share it and must not change it.
 */
export function zoneHistory2023(zone: string): ZoneHistory {
  assertKnownZone(zone);
  let h = histories2023.get(zone);
  if (h === undefined) {
    const d = loadZoneYear(zone, 2023);
    h = {
      startUtcS: d.startUtcS,
      priceUsdPerMwh: d.priceUsdPerMwh,
      carbonLcaGPerKwh: d.carbonLcaGPerKwh,
      pvWhPerKwp: referencePvWh(zone),
    };
    histories2023.set(zone, h);
  }
  return h;
}
