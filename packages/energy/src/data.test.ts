import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { DATA_DIR, loadZoneYear } from './data.ts';

const tmp = mkdtempSync(join(tmpdir(), 'greenhour-energy-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

/** Copy one zone's data into a fresh temp data dir and apply `edit` to one file. */
function corruptCopy(name: string, file: string, edit: (text: string) => string): string {
  const dir = join(tmp, name);
  cpSync(join(DATA_DIR, 'grid', 'SG'), join(dir, 'grid', 'SG'), { recursive: true });
  const f = join(dir, 'grid', 'SG', '2023', file);
  writeFileSync(f, edit(readFileSync(f, 'utf8')));
  return dir;
}

function replaceLine(text: string, lineNo: number, f: (l: string) => string): string {
  const lines = text.split('\n');
  lines[lineNo - 1] = f(lines[lineNo - 1] ?? '');
  return lines.join('\n');
}

test('real data loads: 8760 hours, weather shifted from local time to UTC', () => {
  const d = loadZoneYear('SG');
  assert.equal(d.priceUsdPerMwh.length, 8760);
  const w = JSON.parse(readFileSync(join(DATA_DIR, 'grid', 'SG', '2023', 'weather.json'), 'utf8'));
  // SG is UTC+8: local 2023-01-01T08:00 (index 8) is the UTC hour 0
  assert.equal(w.utc_offset_seconds, 28800);
  assert.equal(d.cloudCoverPct[0], w.hourly.cloudcover[8]);
  // the last 8 UTC hours of 2023 are beyond the local-time file and are filled (diurnal persistence)
  assert.equal(d.filledHours.cloudcover, 8);
});

test('corrupt price value: error names file, line and field', () => {
  const dir = corruptCopy('badprice', 'price.csv', (t) => replaceLine(t, 100, (l) => l.replace(/,[^,]*$/, ',abc')));
  assert.throws(
    () => loadZoneYear('SG', 2023, dir),
    (e: Error) => /price\.csv:100: field "Price \(USD\/MWh\)": not a number/.test(e.message),
  );
});

test('corrupt timestamp and truncated row in carbon file: error names file and line', () => {
  const dir = corruptCopy('badts', 'carbon_intensity.csv', (t) => replaceLine(t, 42, (l) => 'garbage' + l));
  assert.throws(
    () => loadZoneYear('SG', 2023, dir),
    /carbon_intensity\.csv:42: field "Datetime \(UTC\)": bad timestamp/,
  );
  const dir2 = corruptCopy('short', 'carbon_intensity.csv', (t) => replaceLine(t, 7, () => '2023-01-01 05:00:00,SG'));
  assert.throws(() => loadZoneYear('SG', 2023, dir2), /carbon_intensity\.csv:7: expected 11 fields, found 2/);
});

test('corrupt weather: bad JSON and out-of-range value are reported with file and position/field', () => {
  const dir = corruptCopy('badjson', 'weather.json', (t) => t.replace('"hourly": {', '"hourly": {{'));
  assert.throws(() => loadZoneYear('SG', 2023, dir), /weather\.json:\d+: invalid JSON/);
  const dir2 = corruptCopy('badtemp', 'weather.json', (t) => t.replace(/("temperature_2m": \[\s*)[-0-9.]+/, '$1999'));
  assert.throws(
    () => loadZoneYear('SG', 2023, dir2),
    /weather\.json:8780: field "hourly\.temperature_2m\[0\]": value 999 outside/,
  );
});

test('missing file names the file; a few missing hours are filled, too many are rejected', () => {
  const dir = corruptCopy('missing', 'price.csv', (t) => t);
  rmSync(join(dir, 'grid', 'SG', '2023', 'price.csv'));
  assert.throws(() => loadZoneYear('SG', 2023, dir), /price\.csv: cannot read data file/);
  // drop 2 rows (as a DST or outage gap would): interpolated
  const dir2 = corruptCopy('gap', 'price.csv', (t) => {
    const l = t.split('\n');
    l.splice(500, 2);
    return l.join('\n');
  });
  const d = loadZoneYear('SG', 2023, dir2);
  assert.equal(d.filledHours.price, 2);
  const ref = loadZoneYear('SG');
  const i = 499; // first dropped hour: array index 500 = file line 501 = hour index 499
  const lo = ref.priceUsdPerMwh[i - 1] ?? 0;
  const hi = ref.priceUsdPerMwh[i + 2] ?? 0;
  assert.ok(Math.abs((d.priceUsdPerMwh[i] ?? 0) - (lo + (hi - lo) / 3)) < 1e-9);
  const dir3 = corruptCopy('biggap', 'price.csv', (t) => {
    const l = t.split('\n');
    l.splice(1, 1000);
    return l.join('\n');
  });
  assert.throws(
    () => loadZoneYear('SG', 2023, dir3),
    /price\.csv: field "Price \(USD\/MWh\)": 1000 of 8760 hours missing/,
  );
});
