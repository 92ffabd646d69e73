import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { SAPM_CLOSE_MOUNT_GLASS_GLASS } from './cellTemperature.ts';
import { validateSscPvwattsV5 } from './sscValidation.ts';
import { PVWATTS_FILE, PVWATTS_ROOF_FILE, validatePvwatts } from './validation.ts';

for (const [file, type] of [
  [PVWATTS_FILE, 'open_rack'],
  [PVWATTS_ROOF_FILE, 'roof_mount'],
] as const) {
  test(`PV chain reproduces NREL PVWatts ${type} (4 kWdc, Golden CO) within 3 % annual AC and 5 % hourly nRMSE`, () => {
    const v = validatePvwatts(file);
    assert.equal(v.hours, 8760);
    assert.equal(v.header.arrayType, type, 'array type read from the file header');
    assert.ok(Math.abs(v.annualError) < 0.03, `annual AC error ${(v.annualError * 100).toFixed(2)} %`);
    assert.ok(v.nrmse < 0.05, `hourly nRMSE ${(v.nrmse * 100).toFixed(2)} %`);
    assert.ok(Math.abs(v.nmbe) < 0.02, `NMBE ${(v.nmbe * 100).toFixed(2)} %`);
    assert.ok(Math.abs(v.cellTempBiasC) < 0.5, `cell temperature bias ${v.cellTempBiasC} C`);
  });
}

test('validatePvwatts reads the whole header', () => {
  const h = validatePvwatts(PVWATTS_ROOF_FILE).header;
  assert.deepEqual(
    { ...h },
    {
      latDeg: 39.73,
      lonDeg: -105.18,
      elevationM: 1819.599976,
      location: 'Lat, Lon: 39.73, -105.18',
      dcSystemSizeKw: 4,
      moduleType: 'Standard',
      arrayType: 'roof_mount',
      tiltDeg: 20,
      azimuthDeg: 180,
      systemLossPct: 14.08,
      inverterEfficiencyPct: 96,
      dcAcRatio: 1.2,
      dataHeaderLine: 18,
    },
  );
});

test('issue 12: the old close-mount SAPM coefficients put the roof-mount file ~6 % low', () => {
  const v = validatePvwatts(PVWATTS_ROOF_FILE, { sapmThermal: SAPM_CLOSE_MOUNT_GLASS_GLASS });
  assert.ok(v.annualError < -0.05 && v.cellTempBiasC > 5, `${v.annualError} ${v.cellTempBiasC}`);
});

const dir = mkdtempSync(join(tmpdir(), 'pv-header-'));
const shipped = readFileSync(PVWATTS_FILE, 'utf8');
function variant(name: string, edit: (text: string) => string): string {
  const f = join(dir, name);
  const text = edit(shipped);
  assert.notEqual(text, shipped, `${name}: the edit changed nothing`);
  writeFileSync(f, text);
  return f;
}

const BAD_HEADERS: [string, (t: string) => string, RegExp][] = [
  [
    'missing tilt',
    (t) => t.replace('Array Tilt (deg):,20,,,,,,,,,\n', ''),
    /missing-tilt\.csv: field "Array Tilt \(deg\):": required header line missing$/,
  ],
  [
    'unknown array type',
    (t) => t.replace('Array Type:,Fixed (open rack)', 'Array Type:,Fixed (ground mount)'),
    /unknown-array-type\.csv:9: field "Array Type:": unknown array type "Fixed \(ground mount\)" \(known: Fixed \(open rack\), /,
  ],
  [
    'malformed number',
    (t) => t.replace('Array Azimuth (deg):,180', 'Array Azimuth (deg):,18O'),
    /malformed-number\.csv:11: field "Array Azimuth \(deg\):": not a number: "18O"$/,
  ],
  [
    'number out of range',
    (t) => t.replace('DC to AC Size Ratio:,1.2', 'DC to AC Size Ratio:,12'),
    /number-out-of-range\.csv:14: field "DC to AC Size Ratio:": value 12 outside \[0\.5, 2\]$/,
  ],
  [
    'unknown line',
    (t) => t.replace('Module Type:,Standard', 'Module Type:,Standard\nGround Coverage Ratio:,0.4'),
    /unknown-line\.csv:9: field "Ground Coverage Ratio:": unknown header line$/,
  ],
  [
    'repeated line',
    (t) => t.replace('System Losses:,14.08', 'System Losses:,14.08\nSystem Losses:,10'),
    /repeated-line\.csv:13: field "System Losses:": header line repeated \(first on line 12\)$/,
  ],
  [
    'premium module',
    (t) => t.replace('Module Type:,Standard', 'Module Type:,Premium'),
    /premium-module\.csv:8: field "Module Type:": unsupported module type "Premium" \(only "Standard"\)$/,
  ],
  [
    'no data table',
    (t) => t.replace('Month,Day,Hour,', 'Mon,Day,Hour,'),
    /no-data-table\.csv: field "Month,Day,Hour": data column header line missing$/,
  ],
];
for (const [name, edit, message] of BAD_HEADERS) {
  test(`validatePvwatts rejects a bad header: ${name}`, () => {
    const f = variant(`${name.replaceAll(' ', '-')}.csv`, edit);
    assert.throws(
      () => validatePvwatts(f),
      (e: Error) => {
        assert.equal(e.name, 'DataError');
        assert.match(e.message, message);
        return true;
      },
    );
  });
}

test('annual AC of every PVWatts v5 array type within 3 % of NREL SSC (Phoenix TMY2 regression values)', () => {
  const cases = validateSscPvwattsV5();
  assert.deepEqual(
    cases.map((c) => c.arrayType),
    ['open_rack', 'roof_mount', 'one_axis', 'one_axis_backtracking', 'two_axis'],
  );
  for (const c of cases) {
    assert.ok(Math.abs(c.annualError) < 0.03, `${c.arrayType}: ${(c.annualError * 100).toFixed(2)} %`);
  }
  // the ordering PVWatts gives: roof < rack < 1-axis (self-shaded) < backtracking < 2-axis
  const kwh = cases.map((c) => c.modelKwh);
  assert.ok(kwh[1]! < kwh[0]! && kwh[0]! < kwh[2]! && kwh[2]! < kwh[3]! && kwh[3]! < kwh[4]!, kwh.join(' '));
});
