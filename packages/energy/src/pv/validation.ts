import { join } from 'node:path';
import { DATA_DIR, DataError, readCsv, num } from '../data.ts';
import type { PvArrayConfig } from '../types.ts';
import { arrayPower } from './pvSystem.ts';
import { solarPosition } from './solarPosition.ts';
import { readFileSync } from 'node:fs';

export const PVWATTS_FILE = join(DATA_DIR, 'pv', 'pvwatts_8760_rackmount.csv');

export interface PvValidation {
  file: string;
  hours: number;
  /** Annual AC energy, Wh: PVWatts reference vs this model. */
  referenceAcWh: number;
  modelAcWh: number;
  /** (model - reference) / reference. */
  annualError: number;
  /** Hourly AC error over all 8760 hours, W. */
  rmseW: number;
  /** Hourly AC error over the hours PVWatts produces power, W. */
  rmseDaylightW: number;
  /** Normalised mean bias error and RMSE: divided by the mean reference AC power over daylight hours. */
  nmbe: number;
  nrmse: number;
  /** Same for plane-of-array irradiance and DC power (diagnostics). */
  poaAnnualError: number;
  dcAnnualError: number;
  /** Mean cell-temperature difference over hours with POA > 0, C. */
  cellTempBiasC: number;
}

/**
 * Drive this package's PV chain with the PVWatts file's own inputs (beam = DNI, diffuse = DHI, air
 * temperature, wind) and the array of its header, and compare hour by hour with PVWatts' AC output.
 * TMY hours are local standard time; the offset is the nearest 15-degree meridian of the longitude
 * (UTC-7 for Golden, CO). Weather values are hour averages, so the sun is placed mid-hour.
 */
export function validatePvwatts(file = PVWATTS_FILE): PvValidation {
  const lines = readFileSync(file, 'utf8').split(/\r?\n/);
  const header = (label: string): number => {
    const i = lines.findIndex((l) => l.startsWith(label));
    if (i < 0) throw new DataError(file, null, label, 'header entry missing');
    return num(file, i + 1, label, lines[i]?.split(',')[1]);
  };
  const lat = header('Lat (deg N):');
  const lonW = header('Long (deg W):');
  const pdc0 = header('DC System Size (kW):') * 1000;
  const array: PvArrayConfig = {
    dcCapacityW: pdc0,
    tiltDeg: header('Array Tilt (deg):'),
    azimuthDeg: header('Array Azimuth (deg):'),
    gammaPdcPerC: -0.0047, // "Standard" module type (Dobos 2014, table 2)
    systemLossFraction: header('System Losses:') / 100,
    dcAcRatio: header('DC to AC Size Ratio:'),
    inverterEfficiencyNominal: header('Invert Efficiency:') / 100,
    albedo: 0.2,
    mounting: 'open_rack',
  };
  const lon = -lonW;
  const tzHours = Math.round(lon / 15);
  const headerLine = lines.findIndex((l) => l.startsWith('Month,Day,Hour')) + 1;
  if (headerLine === 0) throw new DataError(file, null, 'Month,Day,Hour', 'data header missing');
  const cols = {
    month: 'Month',
    day: 'Day',
    hour: 'Hour',
    dni: 'Beam Irradiance (W/m^2)',
    dhi: 'Diffuse Irradiance (W/m^2)',
    ta: 'Ambient Temperature (C)',
    ws: 'Wind Speed (m/s)',
    poa: 'Plane of Array Irradiance (W/m^2)',
    tc: 'Cell Temperature (C)',
    dc: 'DC Array Output (W)',
    ac: 'AC System Output (W)',
  };
  const tab = readCsv(file, Object.values(cols), headerLine);
  const idx = Object.fromEntries(Object.entries(cols).map(([k, v]) => [k, tab.header.indexOf(v)])) as Record<
    keyof typeof cols,
    number
  >;
  let ref = 0;
  let mod = 0;
  let sq = 0;
  let n = 0;
  let refPoa = 0;
  let modPoa = 0;
  let refDc = 0;
  let modDc = 0;
  let tBias = 0;
  let nT = 0;
  let daylight = 0;
  let daylightAc = 0;
  let sqDaylight = 0;
  for (let k = 0; k < tab.rows.length; k++) {
    const r = tab.rows[k] ?? [];
    if ((r[0] ?? '').trim() === 'Totals') continue; // summary row
    const line = tab.lineNo[k] ?? 0;
    const g = (c: keyof typeof cols, min = -Infinity, max = Infinity) => num(file, line, cols[c], r[idx[c]], min, max);
    const month = g('month', 1, 12);
    const day = g('day', 1, 31);
    const hour = g('hour', 0, 23);
    const dni = g('dni', 0, 1500);
    const dhi = g('dhi', 0, 1000);
    const ta = g('ta', -60, 60);
    const ws = g('ws', 0, 80);
    const acRef = g('ac', -1000, 1e7);
    // any non-leap year: TMY months are taken from different years
    const t = Date.UTC(2023, month - 1, day, hour, 30) / 1000 - tzHours * 3600;
    const sun = solarPosition(t, lat, lon, 1010, ta);
    const ghi = dni * Math.max(0, Math.cos((sun.apparentZenithDeg * Math.PI) / 180)) + dhi;
    const p = arrayPower(array, sun, { ghi, dni, dhi }, ta, ws);
    ref += acRef;
    mod += p.acW;
    sq += (p.acW - acRef) ** 2;
    n++;
    refPoa += g('poa');
    modPoa += p.poaWm2;
    refDc += g('dc');
    modDc += p.dcW;
    if (p.poaWm2 > 0 && g('poa') > 0) {
      tBias += p.cellTempC - g('tc');
      nT++;
    }
    if (acRef > 0) {
      sqDaylight += (p.acW - acRef) ** 2;
      daylight++;
      daylightAc += acRef;
    }
  }
  if (n !== 8760) throw new DataError(file, null, null, `expected 8760 hourly rows, found ${n}`);
  const meanDaylightAc = daylightAc / Math.max(1, daylight);
  const rmse = Math.sqrt(sq / n);
  return {
    file,
    hours: n,
    referenceAcWh: ref,
    modelAcWh: mod,
    annualError: (mod - ref) / ref,
    rmseW: rmse,
    rmseDaylightW: Math.sqrt(sqDaylight / Math.max(1, daylight)),
    nmbe: (mod - ref) / n / meanDaylightAc,
    nrmse: rmse / meanDaylightAc,
    poaAnnualError: (modPoa - refPoa) / refPoa,
    dcAnnualError: (modDc - refDc) / refDc,
    cellTempBiasC: tBias / Math.max(1, nT),
  };
}
