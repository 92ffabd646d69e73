import assert from 'node:assert/strict';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { DATA_DIR, checkDataDir, listZones } from './data.ts';
import { simulateYear } from './simulate.ts';
import { defaultSite } from './sites.ts';
import { loadZone, zoneTariff } from './zones.ts';

const tmp = mkdtempSync(join(tmpdir(), 'greenhour-zones-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

const DE = JSON.parse(readFileSync(join(DATA_DIR, 'grid', 'DE-LU', 'zone.json'), 'utf8')) as Record<string, unknown>;

let n = 0;
/** A data dir holding zone XX: DE-LU's hourly files and a zone.json written by `edit` from DE-LU's. */
function zoneDir(edit: (doc: any) => unknown, raw?: string): { dir: string; file: string } {
  const dir = join(tmp, `d${n++}`);
  mkdirSync(join(dir, 'grid', 'XX'), { recursive: true });
  cpSync(join(DATA_DIR, 'grid', 'DE-LU', '2023'), join(dir, 'grid', 'XX', '2023'), { recursive: true });
  const file = join(dir, 'grid', 'XX', 'zone.json');
  const doc = structuredClone(DE);
  const out = edit(doc) ?? doc;
  writeFileSync(file, raw ?? JSON.stringify(out, null, 2));
  return { dir, file };
}

function rejects(edit: (doc: any) => unknown, field: string, reason: RegExp, raw?: string): void {
  const { dir, file } = zoneDir(edit, raw);
  assert.throws(
    () => loadZone('XX', dir),
    (e: Error) => {
      assert.equal(e.name, 'DataError');
      assert.ok(e.message.startsWith(`${file}: field "${field}": `), e.message);
      assert.match(e.message, reason);
      return true;
    },
  );
}

test('the shipped zones are the folders of data/grid, each with a valid zone file', () => {
  assert.deepEqual(listZones(), ['DE-LU', 'IN-WE', 'JP-TK', 'SG', 'US-CAL-CISO']);
  for (const z of listZones()) {
    const info = loadZone(z);
    assert.equal(info.id, z);
    assert.ok(info.sources['tariffs.home']!.length > 10, `${z} cites its home tariff`);
  }
});

test('tariffs are read in the zone currency and converted with the exchange rate', () => {
  // DE: 42 ct/kWh at USD 1.081 per EUR; JP: JPY30/kWh at JPY140.5 per USD
  assert.equal(zoneTariff('DE-LU', 'home').baseUsdPerKwh, 0.42 * 1.081);
  assert.equal(zoneTariff('JP-TK', 'home').baseUsdPerKwh, 30 * (1 / 140.5));
  assert.equal(zoneTariff('JP-TK', 'station').demandChargeUsdPerKwMonth, 1800 * (1 / 140.5));
  assert.equal(zoneTariff('US-CAL-CISO', 'pile').touPeriods[0]!.usdPerKwh, 0.19);
  assert.equal(loadZone('SG').timeZone, 'Asia/Singapore');
});

test('a new zone in another data dir: its own currency, time zone and prices', async () => {
  const { dir } = zoneDir((d) => {
    d.name = 'Test zone';
    d.timeZone = 'Asia/Tokyo';
    d.currency = { code: 'JPY', unitsPerUsd: 100, source: 'test' };
    d.tariffs.home.basePerKwh = 40;
    d.evCharging.usdPerKwh = 0.4;
  });
  assert.deepEqual(listZones(dir), ['XX']);
  assert.equal(checkDataDir(dir), dir);
  assert.equal(zoneTariff('XX', 'home', dir).baseUsdPerKwh, 40 * (1 / 100));
  assert.equal(defaultSite('pile', 'XX', dir).ev!.chargePriceUsdPerKwh, 0.4);
  const r = await simulateYear({
    zone: 'XX',
    dataDir: dir,
    site: defaultSite('home', 'XX', dir),
    controller: 'rule',
    hours: 48,
  });
  assert.equal(r.timeZone, 'Asia/Tokyo');
  assert.ok(r.totals.pvAvailableWh > 0);
  // the shipped zones are not in that directory
  assert.throws(() => defaultSite('home', 'DE-LU', dir), /zone: unknown zone "DE-LU" \(expected one of XX in /);
});

test('zone file: missing file and bad JSON name the file', () => {
  const { dir, file } = zoneDir(() => undefined);
  rmSync(file);
  assert.throws(() => loadZone('XX', dir), {
    message: `${file}: cannot read data file (ENOENT: no such file or directory, open '${file}')`,
  });
  assert.throws(() => defaultSite('home', 'XX', dir), /zone\.json: cannot read data file/);
  const bad = zoneDir(() => undefined, '{\n  "name": "x",\n  "timeZone": \n}');
  assert.throws(
    () => loadZone('XX', bad.dir),
    (e: Error) => e.message.startsWith(bad.file) && /zone\.json(:\d+)?: invalid JSON \(/.test(e.message),
  );
});

test('zone file: a missing field is named', () => {
  rejects((d) => void delete d.tariffs.home.basePerKwh, 'tariffs.home.basePerKwh', /: missing$/);
  rejects((d) => void delete d.household, 'household', /: missing$/);
  rejects((d) => void delete d.costs.pv.residential.installUsdPerW, 'costs.pv.residential.installUsdPerW', /missing/);
  rejects((d) => void delete d.linkeTurbidity.source, 'linkeTurbidity.source', /missing/);
});

test('zone file: a value of the wrong type is named with what was expected and found', () => {
  rejects(
    (d) => void (d.tariffs.home.basePerKwh = 'abc'),
    'tariffs.home.basePerKwh',
    /must be a non-negative number, got "abc"$/,
  );
  rejects((d) => void (d.tariffs.home.touPeriods = {}), 'tariffs.home.touPeriods', /must be an array, got \{\}/);
  rejects((d) => void (d.tariffs = 3), 'tariffs', /must be an object, got 3/);
  rejects(
    (d) => void (d.tariffs.business.importBasis = 'spot'),
    'tariffs.business.importBasis',
    /must be one of "tou", "wholesale", got "spot"/,
  );
  rejects(() => [], '(top level)', /must be an object, got \[\]/);
});

test('zone file: values out of range are rejected', () => {
  rejects((d) => void (d.linkeTurbidity.value = 0), 'linkeTurbidity.value', /must be a number in \[1, 10\], got 0/);
  rejects((d) => void (d.costs.wacc.value = 7), 'costs.wacc.value', /in \[0, 0.5\], got 7/);
  rejects((d) => void (d.tariffs.home.fixedPerMonth = -1), 'tariffs.home.fixedPerMonth', /non-negative number, got -1/);
  rejects(
    (d) => void (d.tariffs.home.touPeriods = [{ startHour: 25, endHour: 2, perKwh: 1 }]),
    'tariffs.home.touPeriods[0].startHour',
    /must be an integer in \[0, 23\], got 25/,
  );
  rejects((d) => void (d.currency.usdPerUnit = 0), 'currency.usdPerUnit', /must be a positive number, got 0/);
  rejects((d) => void (d.timeZone = 'Europe/Atlantis'), 'timeZone', /IANA time zone .*got "Europe\/Atlantis"/);
  rejects((d) => void (d.currency.code = 'euro'), 'currency.code', /ISO 4217/);
});

test('zone file: unknown fields and an ambiguous exchange rate are rejected', () => {
  rejects((d) => void (d.houshold = d.household), 'houshold', /unknown field \(expected one of name, timeZone, /);
  rejects((d) => void (d.tariffs.home.basePerKWh = 1), 'tariffs.home.basePerKWh', /unknown field/);
  const both = zoneDir((d) => void (d.currency.unitsPerUsd = 0.9));
  assert.throws(() => loadZone('XX', both.dir), {
    message: `${both.file}: field "currency": give exactly one of usdPerUnit and unitsPerUsd`,
  });
});

test('checkDataDir: a missing, non-directory or zoneless directory is rejected', () => {
  assert.throws(() => checkDataDir(join(tmp, 'nope')), /nope: does not exist/);
  const f = join(tmp, 'file');
  writeFileSync(f, '');
  assert.throws(() => checkDataDir(f), /file: not a directory/);
  mkdirSync(join(tmp, 'empty'));
  assert.throws(() => checkDataDir(join(tmp, 'empty')), /empty: no grid\/ folder/);
  mkdirSync(join(tmp, 'nozone', 'grid', 'YY'), { recursive: true });
  assert.throws(
    () => checkDataDir(join(tmp, 'nozone')),
    /nozone: no zone in grid\/ \(expected grid\/<ZONE>\/zone\.json\)/,
  );
});
