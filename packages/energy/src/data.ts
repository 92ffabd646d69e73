import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ZoneId } from './types.ts';

/** The repository's data/ (the shipped zones), resolved from this file so the working directory does not matter. */
export const DATA_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '../../../data');

export const HOURS_PER_YEAR = 8760;

export interface ZoneLocation {
  latDeg: number;
  lonDeg: number;
  altitudeM: number;
  /** IANA time zone of the weather file (used for local clock: tariffs, load shapes). */
  timeZone: string;
  /** Fixed offset of weather.json hourly.time, seconds. */
  weatherUtcOffsetS: number;
}

/** One zone-year of hourly inputs; index i is the UTC hour starting at startUtcS + 3600 i. */
export interface ZoneYearData {
  zone: ZoneId;
  year: number;
  startUtcS: number;
  location: ZoneLocation;
  /** Day-ahead wholesale price, USD/MWh. */
  priceUsdPerMwh: Float64Array;
  /** Life-cycle and direct carbon intensity, gCO2eq/kWh. */
  carbonLcaGPerKwh: Float64Array;
  carbonDirectGPerKwh: Float64Array;
  cloudCoverPct: Float64Array;
  tAirC: Float64Array;
  windMs: Float64Array;
  /** Hours filled by interpolation / diurnal persistence, per series (for diagnostics). */
  filledHours: Record<string, number>;
}

/** Error for bad input data; message is `file:line: field "x": reason`. */
export class DataError extends Error {
  constructor(file: string, line: number | null, field: string | null, reason: string) {
    super(`${file}${line === null ? '' : `:${line}`}:${field === null ? '' : ` field "${field}":`} ${reason}`);
    this.name = 'DataError';
  }
}

/**
 * The zones of a data directory: the folders under `<dataDir>/grid`, sorted. A folder is a zone whether or
 * not it is complete; a half-added one fails when it is used, naming the missing file or field.
 */
export function listZones(dataDir = DATA_DIR): ZoneId[] {
  const grid = join(dataDir, 'grid');
  try {
    return readdirSync(grid, { withFileTypes: true })
      .filter((e) => e.isDirectory() && !e.name.startsWith('.'))
      .map((e) => e.name)
      .sort();
  } catch (e) {
    throw new DataError(
      grid,
      null,
      null,
      `cannot read the zone folders (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`,
    );
  }
}

export function assertZone(zone: unknown, dataDir = DATA_DIR): asserts zone is ZoneId {
  const zones = listZones(dataDir);
  if (typeof zone !== 'string' || !zones.includes(zone)) {
    const where = resolve(dataDir) === DATA_DIR ? '' : ` in ${join(dataDir, 'grid')}`;
    throw new Error(`zone: unknown zone ${JSON.stringify(zone)} (expected one of ${zones.join(', ')}${where})`);
  }
}

/**
 * Check that `dir` is a data directory: an existing directory with at least one `grid/<ZONE>/zone.json`.
 * Returns its absolute path; throws Error naming the directory and what is wrong.
 */
export function checkDataDir(dir: string): string {
  const abs = resolve(dir);
  if (!existsSync(abs)) throw new Error(`${dir}: does not exist`);
  if (!statSync(abs).isDirectory()) throw new Error(`${dir}: not a directory`);
  const grid = join(abs, 'grid');
  if (!existsSync(grid) || !statSync(grid).isDirectory()) {
    throw new Error(`${dir}: no grid/ folder (a data directory holds grid/<ZONE>/zone.json and grid/<ZONE>/<year>/*)`);
  }
  if (!listZones(abs).some((z) => existsSync(join(grid, z, 'zone.json')))) {
    throw new Error(`${dir}: no zone in grid/ (expected grid/<ZONE>/zone.json)`);
  }
  return abs;
}

export function readText(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (e) {
    throw new DataError(file, null, null, `cannot read data file (${(e as Error).message})`);
  }
}

/** Split one CSV line; handles double-quoted fields (RFC 4180). */
export function splitCsvLine(line: string): string[] {
  if (!line.includes('"')) return line.split(',');
  const out: string[] = [];
  let cur = '';
  let q = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (q) {
      if (c === '"' && line[i + 1] === '"') {
        cur += '"';
        i++;
      } else if (c === '"') q = false;
      else cur += c;
    } else if (c === '"') q = true;
    else if (c === ',') {
      out.push(cur);
      cur = '';
    } else cur += c;
  }
  out.push(cur);
  return out;
}

export interface CsvTable {
  file: string;
  header: string[];
  /** rows[k] = fields; lineNo[k] = 1-based line number in the file. */
  rows: string[][];
  lineNo: number[];
}

export function readCsv(file: string, requiredColumns: readonly string[], headerLine = 1): CsvTable {
  const lines = readText(file).split(/\r?\n/);
  const headerText = lines[headerLine - 1];
  if (headerText === undefined) throw new DataError(file, headerLine, null, 'missing header line');
  const header = splitCsvLine(headerText).map((h) => h.trim());
  for (const c of requiredColumns) {
    if (!header.includes(c)) throw new DataError(file, headerLine, c, 'required column missing from header');
  }
  const rows: string[][] = [];
  const lineNo: number[] = [];
  for (let i = headerLine; i < lines.length; i++) {
    const l = lines[i];
    if (l === undefined || l.trim() === '') continue;
    const f = splitCsvLine(l);
    if (f.length < header.length) {
      throw new DataError(file, i + 1, null, `expected ${header.length} fields, found ${f.length}`);
    }
    rows.push(f);
    lineNo.push(i + 1);
  }
  return { file, header, rows, lineNo };
}

/** Parse a finite number within [min, max] from a CSV cell or throw naming file, line and field. */
export function num(
  file: string,
  line: number,
  field: string,
  raw: string | number | null | undefined,
  min = -Infinity,
  max = Infinity,
): number {
  const s = typeof raw === 'string' ? raw.trim() : raw;
  const v = typeof s === 'number' ? s : s === '' || s === null || s === undefined ? NaN : Number(s);
  if (!Number.isFinite(v)) throw new DataError(file, line, field, `not a number: ${JSON.stringify(raw)}`);
  if (v < min || v > max) throw new DataError(file, line, field, `value ${v} outside [${min}, ${max}]`);
  return v;
}

const TS_RE = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2})(?::(\d{2}))?(?:\.\d+)?(Z|[+-]\d{2}:?\d{2})?$/;

/** Parse an ISO-like timestamp to UTC seconds; a missing zone designator means `defaultOffsetS`. */
export function parseTimestamp(file: string, line: number, field: string, raw: string, defaultOffsetS = 0): number {
  const m = TS_RE.exec(raw.trim());
  if (!m) throw new DataError(file, line, field, `bad timestamp ${JSON.stringify(raw)}`);
  const [, y, mo, d, h, mi, s, tz] = m;
  let off = defaultOffsetS;
  if (tz !== undefined && tz !== 'Z') {
    const sign = tz[0] === '-' ? -1 : 1;
    const digits = tz.slice(1).replace(':', '');
    off = sign * (Number(digits.slice(0, 2)) * 3600 + Number(digits.slice(2, 4)) * 60);
  } else if (tz === 'Z') off = 0;
  const t = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s ?? 0)) / 1000 - off;
  if (!Number.isFinite(t)) throw new DataError(file, line, field, `bad timestamp ${JSON.stringify(raw)}`);
  return t;
}

/**
 * Place values on the UTC hour grid (slot = floor(t/3600)); duplicates (e.g. DST fall-back) are
 * averaged; gaps of <= 3 h are linearly interpolated, longer gaps and edges are filled from the same
 * hour a day earlier/later (diurnal persistence). More than 5 % missing means the file is unusable.
 */
export function toHourGrid(
  file: string,
  field: string,
  startUtcS: number,
  hours: number,
  samples: readonly { t: number; v: number }[],
): { values: Float64Array; filled: number } {
  const sum = new Float64Array(hours);
  const cnt = new Uint16Array(hours);
  const s0 = Math.floor(startUtcS / 3600);
  for (const { t, v } of samples) {
    const i = Math.floor(t / 3600) - s0;
    if (i < 0 || i >= hours) continue;
    sum[i] = (sum[i] ?? 0) + v;
    cnt[i] = (cnt[i] ?? 0) + 1;
  }
  const values = new Float64Array(hours);
  const have = new Uint8Array(hours);
  let missing = 0;
  for (let i = 0; i < hours; i++) {
    const c = cnt[i] ?? 0;
    if (c > 0) {
      values[i] = (sum[i] ?? 0) / c;
      have[i] = 1;
    } else missing++;
  }
  if (missing > hours * 0.05) {
    throw new DataError(file, null, field, `${missing} of ${hours} hours missing (more than 5 %)`);
  }
  if (missing === 0) return { values, filled: 0 };
  for (let i = 0; i < hours; i++) {
    if (have[i]) continue;
    let a = i - 1;
    while (a >= 0 && !have[a]) a--;
    let b = i + 1;
    while (b < hours && !have[b]) b++;
    if (a >= 0 && b < hours && b - a - 1 <= 3) {
      const va = values[a] ?? 0;
      const vb = values[b] ?? 0;
      values[i] = va + ((vb - va) * (i - a)) / (b - a);
      continue;
    }
    let filled = false;
    for (let k = 1; k <= 7 && !filled; k++) {
      for (const j of [i - 24 * k, i + 24 * k]) {
        if (j >= 0 && j < hours && have[j]) {
          values[i] = values[j] ?? 0;
          filled = true;
          break;
        }
      }
    }
    if (!filled) throw new DataError(file, null, field, `cannot fill missing hour index ${i}`);
  }
  return { values, filled: missing };
}

function zoneFile(dataDir: string, zone: ZoneId, year: number, name: string): string {
  return join(dataDir, 'grid', zone, String(year), name);
}

function loadPrice(file: string, startUtcS: number, hours: number): { values: Float64Array; filled: number } {
  const col = 'Price (USD/MWh)';
  const tcol = 'Datetime (UTC)';
  const tab = readCsv(file, [tcol, col]);
  const it = tab.header.indexOf(tcol);
  const ip = tab.header.indexOf(col);
  const samples = tab.rows.map((r, k) => {
    const line = tab.lineNo[k] ?? 0;
    return {
      t: parseTimestamp(file, line, tcol, r[it] ?? ''),
      // Day-ahead prices: bounded by the EPEX/JEPX/CAISO/IEX harmonised limits (well inside +-5000)
      v: num(file, line, col, r[ip], -5000, 5000),
    };
  });
  return toHourGrid(file, col, startUtcS, hours, samples);
}

function loadCarbon(file: string, startUtcS: number, hours: number) {
  const tcol = 'Datetime (UTC)';
  const lca = 'Carbon Intensity gCO₂eq/kWh (LCA)';
  const dir = 'Carbon Intensity gCO₂eq/kWh (direct)';
  const tab = readCsv(file, [tcol, lca, dir]);
  const it = tab.header.indexOf(tcol);
  const il = tab.header.indexOf(lca);
  const id = tab.header.indexOf(dir);
  const sl: { t: number; v: number }[] = [];
  const sd: { t: number; v: number }[] = [];
  tab.rows.forEach((r, k) => {
    const line = tab.lineNo[k] ?? 0;
    const t = parseTimestamp(file, line, tcol, r[it] ?? '');
    sl.push({ t, v: num(file, line, lca, r[il], 0, 2000) });
    sd.push({ t, v: num(file, line, dir, r[id], 0, 2000) });
  });
  return { lca: toHourGrid(file, lca, startUtcS, hours, sl), direct: toHourGrid(file, dir, startUtcS, hours, sd) };
}

function loadWeather(file: string, startUtcS: number, hours: number) {
  const text = readText(file);
  let j: unknown;
  try {
    j = JSON.parse(text);
  } catch (e) {
    // JSON.parse reports a character position; convert it to a line number
    const pos = /position (\d+)/.exec((e as Error).message);
    const line = pos ? text.slice(0, Number(pos[1])).split('\n').length : null;
    throw new DataError(file, line, null, `invalid JSON (${(e as Error).message})`);
  }
  const w = j as {
    latitude?: unknown;
    longitude?: unknown;
    elevation?: unknown;
    utc_offset_seconds?: unknown;
    timezone?: unknown;
    hourly?: Record<string, unknown>;
  };
  // JSON values carry no line numbers: locate keys in the text (the files are pretty-printed with one
  // array element per line, so element k of an array opened on line L is on line L + 1 + k)
  const lineCache = new Map<string, number>();
  const keyLine = (key: string, array = false): number => {
    const ck = `${key}|${array}`;
    let line = lineCache.get(ck);
    if (line === undefined) {
      const m = new RegExp(`"${key}"\\s*:\\s*${array ? '\\[' : ''}`).exec(text);
      line = m ? text.slice(0, m.index).split('\n').length : 0;
      lineCache.set(ck, line);
    }
    return line;
  };
  const onePerLine = /"time": \[\s*\n/.test(text);
  const elemLine = (key: string, k: number): number => keyLine(key, true) + (onePerLine ? 1 + k : 0);
  const lat = num(file, keyLine('latitude'), 'latitude', w.latitude as number, -90, 90);
  const lon = num(file, keyLine('longitude'), 'longitude', w.longitude as number, -180, 180);
  const alt = num(file, keyLine('elevation'), 'elevation', w.elevation as number, -500, 9000);
  const off = num(
    file,
    keyLine('utc_offset_seconds'),
    'utc_offset_seconds',
    w.utc_offset_seconds as number,
    -14 * 3600,
    14 * 3600,
  );
  if (typeof w.timezone !== 'string') throw new DataError(file, null, 'timezone', 'missing or not a string');
  const h = w.hourly;
  if (!h || !Array.isArray(h.time)) throw new DataError(file, null, 'hourly.time', 'missing array');
  const time = h.time as unknown[];
  const series = (name: string, min: number, max: number, scale = 1) => {
    const arr = h[name];
    if (!Array.isArray(arr)) throw new DataError(file, null, `hourly.${name}`, 'missing array');
    if (arr.length !== time.length) {
      throw new DataError(file, null, `hourly.${name}`, `length ${arr.length} != hourly.time length ${time.length}`);
    }
    const samples: { t: number; v: number }[] = [];
    for (let k = 0; k < arr.length; k++) {
      const v = arr[k];
      if (v === null) continue; // Open-Meteo uses null for missing values: filled by toHourGrid
      const tRaw = time[k];
      if (typeof tRaw !== 'string') {
        throw new DataError(file, elemLine('time', k), `hourly.time[${k}]`, 'not a string');
      }
      samples.push({
        t: parseTimestamp(file, elemLine('time', k), `hourly.time[${k}]`, tRaw, off),
        v: num(file, elemLine(name, k), `hourly.${name}[${k}]`, v as number, min, max) * scale,
      });
    }
    return toHourGrid(file, `hourly.${name}`, startUtcS, hours, samples);
  };
  return {
    location: { latDeg: lat, lonDeg: lon, altitudeM: alt, timeZone: w.timezone, weatherUtcOffsetS: off },
    cloud: series('cloudcover', 0, 100),
    temp: series('temperature_2m', -80, 60),
    wind: series('windspeed_10m', 0, 400, 1 / 3.6), // km/h -> m/s
  };
}

const cache = new Map<string, ZoneYearData>();

/**
 * Load and validate one zone-year (UTC calendar year) from `dataDir` (default: the repo's data/).
 * Throws DataError naming file, line and field on missing or corrupt data. Results are cached.
 */
export function loadZoneYear(zone: ZoneId, year = 2023, dataDir = DATA_DIR): ZoneYearData {
  assertZone(zone, dataDir);
  const key = `${dataDir}|${zone}|${year}`;
  const hit = cache.get(key);
  if (hit) return hit;
  const startUtcS = Date.UTC(year, 0, 1) / 1000;
  const hours = (Date.UTC(year + 1, 0, 1) / 1000 - startUtcS) / 3600;
  const price = loadPrice(zoneFile(dataDir, zone, year, 'price.csv'), startUtcS, hours);
  const carbon = loadCarbon(zoneFile(dataDir, zone, year, 'carbon_intensity.csv'), startUtcS, hours);
  const weather = loadWeather(zoneFile(dataDir, zone, year, 'weather.json'), startUtcS, hours);
  const d: ZoneYearData = {
    zone,
    year,
    startUtcS,
    location: weather.location,
    priceUsdPerMwh: price.values,
    carbonLcaGPerKwh: carbon.lca.values,
    carbonDirectGPerKwh: carbon.direct.values,
    cloudCoverPct: weather.cloud.values,
    tAirC: weather.temp.values,
    windMs: weather.wind.values,
    filledHours: {
      price: price.filled,
      carbon: carbon.lca.filled,
      cloudcover: weather.cloud.filled,
      temperature: weather.temp.filled,
      wind: weather.wind.filled,
    },
  };
  cache.set(key, d);
  return d;
}

/** Hourly workload shape (CPU utilisation 0..1) from data/workload/<name>_cpu_hourly.csv, first `hours` rows. */
export function loadWorkloadTrace(
  name: 'alibaba' | 'google',
  hours = HOURS_PER_YEAR,
  dataDir = DATA_DIR,
): Float64Array {
  const file = join(dataDir, 'workload', `${name}_cpu_hourly.csv`);
  const tab = readCsv(file, ['cpu_load']);
  const ic = tab.header.indexOf('cpu_load');
  if (tab.rows.length < hours) throw new DataError(file, null, 'cpu_load', `${tab.rows.length} rows < ${hours} needed`);
  const out = new Float64Array(hours);
  for (let i = 0; i < hours; i++) out[i] = num(file, tab.lineNo[i] ?? 0, 'cpu_load', tab.rows[i]?.[ic], 0, 1);
  return out;
}
