import type { PvArrayConfig } from '../types.ts';
import { ineichenClearSky, type Irradiance } from './clearSky.ts';
import { erbs, kastenCzeplakGhi } from './cloudCover.ts';
import { sapmCellTemperature } from './cellTemperature.ts';
import { physicalIam, pvwattsDc, pvwattsInverter } from './pvwatts.ts';
import { extraterrestrialIrradiance, solarPosition, type SolarPosition } from './solarPosition.ts';
import { haydaviesPoa } from './transposition.ts';

export interface PvPoint {
  poaWm2: number;
  cellTempC: number;
  dcW: number;
  acW: number;
}

/**
 * Chain for one array and one instant: Hay-Davies POA -> beam cover loss (physical IAM) -> SAPM cell
 * temperature -> PVWatts v5 DC and inverter. Irradiance W/m2, temperature C, wind m/s.
 */
export function arrayPower(
  array: PvArrayConfig,
  sun: SolarPosition,
  irr: Irradiance,
  tAirC: number,
  windMs: number,
): PvPoint {
  if (array.dcCapacityW === 0) return { poaWm2: 0, cellTempC: tAirC, dcW: 0, acW: 0 };
  const dniExtra = extraterrestrialIrradiance(sun.earthSunAu);
  const poa = haydaviesPoa(
    array.tiltDeg,
    array.azimuthDeg,
    sun.apparentZenithDeg,
    sun.azimuthDeg,
    irr.dni,
    irr.ghi,
    irr.dhi,
    dniExtra,
    array.albedo,
  );
  const transmitted = poa.poaBeam * physicalIam(poa.aoiDeg) + poa.poaSkyDiffuse + poa.poaGroundDiffuse;
  const cellTempC = sapmCellTemperature(poa.poaGlobal, tAirC, windMs, array.mounting);
  const dcW = pvwattsDc(transmitted, cellTempC, array.dcCapacityW, array.gammaPdcPerC, array.systemLossFraction);
  const acW = pvwattsInverter(dcW, array.dcCapacityW / array.dcAcRatio, array.inverterEfficiencyNominal);
  return { poaWm2: poa.poaGlobal, cellTempC, dcW, acW };
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
  for (let i = 0; i < startUtcS.length; i++) {
    const w = weather[i];
    const t = startUtcS[i];
    if (w === undefined || t === undefined) throw new Error(`pvHourlyAcWh: missing weather for hour index ${i}`);
    const { sun, irr } = irradianceFromCloudCover(t + 1800, loc, w.cloudCoverPct);
    if (irr.ghi <= 0) continue;
    let ac = 0;
    for (const a of arrays) ac += arrayPower(a, sun, irr, w.tAirC, w.windMs).acW;
    out[i] = ac; // 1 h at mean power -> Wh
  }
  return out;
}
