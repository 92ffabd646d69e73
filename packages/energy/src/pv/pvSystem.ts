import type { PvArrayConfig } from '../types.ts';
import { ineichenClearSky, type Irradiance } from './clearSky.ts';
import { erbs, kastenCzeplakGhi } from './cloudCover.ts';
import { PVWATTS_ARRAY_TYPE, PVWATTS_DEFAULT_GCR, PVWATTS_ROTATION_LIMIT_DEG } from './arrayTypes.ts';
import { sapmCellTemperature } from './cellTemperature.ts';
import { pvwattsCellTemperature, type PvwattsThermalState } from './pvwattsCellTemperature.ts';
import { physicalIam, pvwattsDc, pvwattsInverter } from './pvwatts.ts';
import { extraterrestrialIrradiance, solarPosition, type SolarPosition } from './solarPosition.ts';
import {
  oneAxisShadeFraction,
  rowGroundDiffuseFactor,
  rowSkyDiffuseFactor,
  singleAxisTracker,
  trackerSurfaceOrientation,
  twoAxisTracker,
  type TrackerPosition,
} from './tracking.ts';
import { haydaviesPoa } from './transposition.ts';

export interface PvPoint {
  poaWm2: number;
  cellTempC: number;
  dcW: number;
  acW: number;
  /** Surface orientation used (the tracker's at this instant), degrees. */
  surfaceTiltDeg: number;
  surfaceAzimuthDeg: number;
  /** State for the next step of the PVWatts cell-temperature model (null with SAPM). */
  thermal: PvwattsThermalState | null;
}

/**
 * Surface orientation of an array at one sun position: fixed, one-axis (PVWatts: 45 deg limit, GCR
 * 0.4 unless given, backtracking per array type) or two-axis. For a tracker with the sun below the
 * horizon the surface rests at rotation 0.
 */
export function arraySurface(
  array: PvArrayConfig,
  sun: SolarPosition,
): { tiltDeg: number; azimuthDeg: number; tracker: TrackerPosition | null } {
  const type = PVWATTS_ARRAY_TYPE[array.mounting];
  if (type === undefined) throw new Error(`mounting: unknown array type ${JSON.stringify(array.mounting)}`);
  if (type.tracking === 'two_axis') return { ...twoAxisTracker(sun.apparentZenithDeg, sun.azimuthDeg), tracker: null };
  if (type.tracking === 'fixed') return { tiltDeg: array.tiltDeg, azimuthDeg: array.azimuthDeg, tracker: null };
  const gcr = array.gcr ?? PVWATTS_DEFAULT_GCR;
  const t = singleAxisTracker(
    sun.apparentZenithDeg,
    sun.azimuthDeg,
    array.tiltDeg,
    array.azimuthDeg,
    PVWATTS_ROTATION_LIMIT_DEG,
    type.backtrack,
    gcr,
  );
  if (t === null) return { ...trackerSurfaceOrientation(0, array.tiltDeg, array.azimuthDeg), tracker: null };
  return { tiltDeg: t.tiltDeg, azimuthDeg: t.azimuthDeg, tracker: t };
}

/**
 * Chain for one array and one instant, as PVWatts v5 (Dobos 2014; SSC cmod_pvwattsv5.cpp `powerout`):
 * surface orientation (fixed or tracker) -> Hay-Davies POA -> for a one-axis tracker without
 * backtracking, PVWatts' row self-shading of beam, sky and ground diffuse -> beam cover loss
 * (physical IAM) -> cell temperature (PVWatts/Fuentes with the array type's INOCT, or SAPM when the
 * array gives module coefficients) -> PVWatts v5 DC and inverter. Irradiance W/m2, temperature C,
 * wind m/s.
 *
 * @param prev    PVWatts thermal state after the previous step of a time series; null (default) for
 *                an instant evaluated on its own (quasi-steady cell temperature)
 * @param dtHours step length for the thermal model, h
 */
export function arrayPower(
  array: PvArrayConfig,
  sun: SolarPosition,
  irr: Irradiance,
  tAirC: number,
  windMs: number,
  prev: PvwattsThermalState | null = null,
  dtHours = 1,
): PvPoint {
  const surface = arraySurface(array, sun);
  const dark = {
    poaWm2: 0,
    cellTempC: tAirC,
    dcW: 0,
    acW: 0,
    surfaceTiltDeg: surface.tiltDeg,
    surfaceAzimuthDeg: surface.azimuthDeg,
    thermal: array.sapmThermal ? null : { tModuleC: tAirC, absorbedWm2: 0 },
  };
  if (array.dcCapacityW === 0) return dark;
  const dniExtra = extraterrestrialIrradiance(sun.earthSunAu);
  const poa = haydaviesPoa(
    surface.tiltDeg,
    surface.azimuthDeg,
    sun.apparentZenithDeg,
    sun.azimuthDeg,
    irr.dni,
    irr.ghi,
    irr.dhi,
    dniExtra,
    array.albedo,
  );
  let { poaBeam: beam, poaSkyDiffuse: sky, poaGroundDiffuse: ground } = poa;
  const t = surface.tracker;
  if (t !== null && !PVWATTS_ARRAY_TYPE[array.mounting].backtrack) {
    const gcr = array.gcr ?? PVWATTS_DEFAULT_GCR;
    beam *= 1 - oneAxisShadeFraction(t.rotationDeg, t.trueTrackingDeg, gcr);
    if (sky > 0 && sky + ground >= 0.1) {
      sky *= rowSkyDiffuseFactor(surface.tiltDeg, gcr);
      const fg = rowGroundDiffuseFactor(sun.apparentZenithDeg, surface.tiltDeg, irr.dni, irr.dhi, gcr, array.albedo);
      if (fg >= 0 && fg <= 1) ground *= fg; // SSC applies only a factor within [0, 1]
    }
  }
  const poaGlobal = beam + sky + ground;
  const transmitted = beam * physicalIam(poa.aoiDeg) + sky + ground;
  let cellTempC: number;
  let thermal: PvwattsThermalState | null = null;
  if (array.sapmThermal) cellTempC = sapmCellTemperature(poaGlobal, tAirC, windMs, array.sapmThermal);
  else {
    const inoct = PVWATTS_ARRAY_TYPE[array.mounting].inoctC;
    const r = pvwattsCellTemperature(poaGlobal, tAirC, windMs, inoct, prev, dtHours);
    cellTempC = r.tCellC;
    thermal = r.state;
  }
  const dcW = pvwattsDc(transmitted, cellTempC, array.dcCapacityW, array.gammaPdcPerC, array.systemLossFraction);
  const acW = pvwattsInverter(dcW, array.dcCapacityW / array.dcAcRatio, array.inverterEfficiencyNominal);
  return {
    poaWm2: poaGlobal,
    cellTempC,
    dcW,
    acW,
    surfaceTiltDeg: surface.tiltDeg,
    surfaceAzimuthDeg: surface.azimuthDeg,
    thermal,
  };
}

export interface SiteLocation {
  latDeg: number;
  lonDeg: number;
  altitudeM: number;
  /** Linke turbidity for the Ineichen clear-sky model. */
  linkeTurbidity: number;
}

export interface HourWeather {
  /** Total cloud cover, %. */
  cloudCoverPct: number;
  tAirC: number;
  windMs: number;
}

/**
 * Irradiance at a site from clear-sky + cloud cover: Ineichen-Perez clear sky, Kasten-Czeplak cloud
 * attenuation, Erbs decomposition. `unixS` should be the middle of the averaging interval.
 */
export function irradianceFromCloudCover(
  unixS: number,
  loc: SiteLocation,
  cloudCoverPct: number,
): { sun: SolarPosition; irr: Irradiance } {
  const sun = solarPosition(unixS, loc.latDeg, loc.lonDeg);
  const dniExtra = extraterrestrialIrradiance(sun.earthSunAu);
  const clear = ineichenClearSky(sun.apparentZenithDeg, loc.linkeTurbidity, loc.altitudeM, dniExtra);
  const ghi = kastenCzeplakGhi(clear.ghi, cloudCoverPct / 100);
  return { sun, irr: erbs(ghi, sun.apparentZenithDeg, dniExtra) };
}

/**
 * Hourly PV AC energy (Wh) of all arrays for hours starting at `startUtcS[i]`, evaluated at each
 * hour's midpoint (hourly weather values are interval averages).
 */
export function pvHourlyAcWh(
  arrays: readonly PvArrayConfig[],
  loc: SiteLocation,
  startUtcS: readonly number[],
  weather: readonly HourWeather[],
): number[] {
  const out = new Array<number>(startUtcS.length).fill(0);
  if (arrays.length === 0) return out;
  // PVWatts thermal state per array, carried hour to hour (reset to the air temperature after dark)
  const thermal: (PvwattsThermalState | null)[] = arrays.map(() => null);
  for (let i = 0; i < startUtcS.length; i++) {
    const w = weather[i];
    const t = startUtcS[i];
    if (w === undefined || t === undefined) throw new Error(`pvHourlyAcWh: missing weather for hour index ${i}`);
    const { sun, irr } = irradianceFromCloudCover(t + 1800, loc, w.cloudCoverPct);
    if (irr.ghi <= 0) {
      thermal.fill({ tModuleC: w.tAirC, absorbedWm2: 0 });
      continue;
    }
    let ac = 0;
    arrays.forEach((a, k) => {
      const p = arrayPower(a, sun, irr, w.tAirC, w.windMs, thermal[k] ?? null, 1);
      thermal[k] = p.thermal;
      ac += p.acW;
    });
    out[i] = ac; // 1 h at mean power -> Wh
  }
  return out;
}
