import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DATA_DIR, DataError, num, readCsv, splitCsvLine } from '../data.ts';
import type { PvArrayConfig } from '../types.ts';
import { PV_ARRAY_TYPES, PVWATTS_ARRAY_TYPE, type PvArrayType } from './arrayTypes.ts';
import type { SapmThermalParams } from './cellTemperature.ts';
import { arrayPower } from './pvSystem.ts';
import type { PvwattsThermalState } from './pvwattsCellTemperature.ts';
import { solarPosition } from './solarPosition.ts';

export const PVWATTS_FILE = join(DATA_DIR, 'pv', 'pvwatts_8760_rackmount.csv');
/** The same system and weather, roof mount (pvlib tests/data). */
export const PVWATTS_ROOF_FILE = join(DATA_DIR, 'pv', 'pvwatts_8760_roofmount.csv');

/** The system and site a PVWatts hourly output file describes, from its header. */
export interface PvwattsHeader {
  latDeg: number;
  /** Degrees east (the file gives "Long (deg W)"; east = -west). */
  lonDeg: number;
  elevationM: number | null;
  /** "Location:" text, if present. */
  location: string | null;
  dcSystemSizeKw: number;
  moduleType: 'Standard';
  arrayType: PvArrayType;
  tiltDeg: number;
  azimuthDeg: number;
  systemLossPct: number;
  inverterEfficiencyPct: number;
  dcAcRatio: number;
  /** 1-based line of the data column header ("Month,Day,Hour,..."). */
  dataHeaderLine: number;
}

/**
 * Header lines of a PVWatts (v5 web) hourly output: label -> whether it must be present. Any other
 * non-empty label before the data table is rejected, so a format change is never read silently.
 */
const HEADER_FIELDS: Readonly<Record<string, boolean>> = {
  'PVWatts: Hourly PV Performance Data': true,
  'Requested Location:': false,
  'Location:': false,
  'Lat (deg N):': true,
  'Long (deg W):': true,
  'Elev (m):': false,
  'DC System Size (kW):': true,
  'Module Type:': true,
  'Array Type:': true,
  'Array Tilt (deg):': true,
  'Array Azimuth (deg):': true,
  'System Losses:': true,
  'Invert Efficiency:': true,
  'DC to AC Size Ratio:': true,
  'Average Cost of Electricity Purchased from Utility ($/kWh):': false,
  'Capacity Factor (%)': false,
};

/**
 * Parse and check the header of a PVWatts hourly output file. Throws a DataError naming the file,
 * the line and the header field for a missing required line, a duplicated or unknown line, an
 * unknown array or module type, and a number that is malformed or out of range.
 */
export function parsePvwattsHeader(file: string, text: string): PvwattsHeader {
  const lines = text.split(/\r?\n/);
  const dataHeaderLine = lines.findIndex((l) => l.startsWith('Month,Day,Hour')) + 1;
  if (dataHeaderLine === 0) throw new DataError(file, null, 'Month,Day,Hour', 'data column header line missing');
  const found = new Map<string, { line: number; value: string }>();
  for (let i = 0; i < dataHeaderLine - 1; i++) {
    const f = splitCsvLine(lines[i] ?? '');
    const label = (f[0] ?? '').trim();
    if (label === '' && f.every((c) => c.trim() === '')) continue; // blank separator line
    if (!(label in HEADER_FIELDS)) throw new DataError(file, i + 1, label, 'unknown header line');
    if (found.has(label))
      throw new DataError(file, i + 1, label, `header line repeated (first on line ${found.get(label)?.line})`);
    found.set(label, { line: i + 1, value: (f[1] ?? '').trim() });
  }
  for (const [label, required] of Object.entries(HEADER_FIELDS)) {
    if (required && !found.has(label)) throw new DataError(file, null, label, 'required header line missing');
  }
  const n = (label: string, min: number, max: number): number => {
    const e = found.get(label);
    if (e === undefined) throw new DataError(file, null, label, 'required header line missing');
    return num(file, e.line, label, e.value, min, max);
  };
  const str = (label: string): string => found.get(label)?.value ?? '';
  const arrayLabel = str('Array Type:').toLowerCase();
  const arrayType = PV_ARRAY_TYPES.find((t) =>
    PVWATTS_ARRAY_TYPE[t].pvwattsLabels.some((l) => l.toLowerCase() === arrayLabel),
  );
  if (arrayType === undefined) {
    const known = PV_ARRAY_TYPES.flatMap((t) => PVWATTS_ARRAY_TYPE[t].pvwattsLabels).join(', ');
    throw new DataError(
      file,
      found.get('Array Type:')?.line ?? null,
      'Array Type:',
      `unknown array type ${JSON.stringify(str('Array Type:'))} (known: ${known})`,
    );
  }
  // Only "Standard" (gamma -0.47 %/C, glass cover) is modelled; Premium/Thin film differ (Dobos 2014 table 2)
  if (str('Module Type:') !== 'Standard') {
    throw new DataError(
      file,
      found.get('Module Type:')?.line ?? null,
      'Module Type:',
      `unsupported module type ${JSON.stringify(str('Module Type:'))} (only "Standard")`,
    );
  }
  return {
    latDeg: n('Lat (deg N):', -90, 90),
    lonDeg: -n('Long (deg W):', -180, 180),
    elevationM: found.has('Elev (m):') ? n('Elev (m):', -500, 9000) : null,
    location: found.has('Location:') ? str('Location:') : null,
    dcSystemSizeKw: n('DC System Size (kW):', 0.05, 500000),
    moduleType: 'Standard',
    arrayType,
    tiltDeg: n('Array Tilt (deg):', 0, 90),
    azimuthDeg: n('Array Azimuth (deg):', 0, 360),
    systemLossPct: n('System Losses:', -5, 99),
    inverterEfficiencyPct: n('Invert Efficiency:', 90, 99.5),
    dcAcRatio: n('DC to AC Size Ratio:', 0.5, 2),
    dataHeaderLine,
  };
}

export interface PvValidation {
  file: string;
  header: PvwattsHeader;
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
 * temperature, wind) and the array its header describes (array type, tilt, azimuth, size, losses,
 * DC/AC ratio, inverter efficiency: `parsePvwattsHeader`, which rejects any header it does not
 * understand), and compare hour by hour with PVWatts' AC output. The PVWatts cell-temperature state
 * is carried hour to hour, as PVWatts does. TMY hours are local standard time; the offset is the
 * nearest 15-degree meridian of the longitude (UTC-7 for Golden, CO). Weather values are hour
 * averages, so the sun is placed mid-hour.
 *
 * @param opts.sapmThermal                 use SAPM with these coefficients instead (diagnostic)
 * @param opts.quasiSteadyCellTemperature  evaluate each hour without thermal history, as the site
 *                                         simulation does (diagnostic)
 */
export function validatePvwatts(
  file = PVWATTS_FILE,
  opts: { sapmThermal?: SapmThermalParams; quasiSteadyCellTemperature?: boolean } = {},
): PvValidation {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new DataError(file, null, null, `cannot read PVWatts file (${(e as Error).message})`);
  }
  const h = parsePvwattsHeader(file, text);
  const lat = h.latDeg;
  const lon = h.lonDeg;
  const array: PvArrayConfig = {
    dcCapacityW: h.dcSystemSizeKw * 1000,
    tiltDeg: h.tiltDeg,
    azimuthDeg: h.azimuthDeg,
    gammaPdcPerC: -0.0047, // "Standard" module type (Dobos 2014, table 2)
    systemLossFraction: h.systemLossPct / 100,
    dcAcRatio: h.dcAcRatio,
    inverterEfficiencyNominal: h.inverterEfficiencyPct / 100,
    albedo: 0.2,
    mounting: h.arrayType,
    ...(opts.sapmThermal ? { sapmThermal: opts.sapmThermal } : {}),
  };
  const tzHours = Math.round(lon / 15);
  const headerLine = h.dataHeaderLine;
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
  let thermal: PvwattsThermalState | null = { tModuleC: 20, absorbedWm2: 0 }; // SSC's initial state
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
    const p = arrayPower(array, sun, { ghi, dni, dhi }, ta, ws, opts.quasiSteadyCellTemperature ? null : thermal, 1);
    thermal = p.thermal;
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
    header: h,
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
