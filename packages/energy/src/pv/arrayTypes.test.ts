import assert from 'node:assert/strict';
import { test } from 'node:test';
import { defaultSite } from '../sites.ts';
import { SITE_TYPES, type PvArrayConfig } from '../types.ts';
import { listZones } from '../data.ts';
import { validateSite } from '../validate.ts';
import { PV_ARRAY_TYPES, PVWATTS_ARRAY_TYPE, defaultArrayOrientation, optimalTiltDeg } from './arrayTypes.ts';
import { arrayPower } from './pvSystem.ts';
import { solarPosition } from './solarPosition.ts';

const ZONES = listZones();

test('PVWatts v5 array types carry SSC cmod_pvwattsv5 parameters: INOCT 45, roof mount 49', () => {
  assert.deepEqual(
    PV_ARRAY_TYPES.map((t) => [
      t,
      PVWATTS_ARRAY_TYPE[t].inoctC,
      PVWATTS_ARRAY_TYPE[t].tracking,
      PVWATTS_ARRAY_TYPE[t].backtrack,
    ]),
    [
      ['open_rack', 45, 'fixed', false],
      ['roof_mount', 49, 'fixed', false],
      ['one_axis', 45, 'one_axis', false],
      ['one_axis_backtracking', 45, 'one_axis', true],
      ['two_axis', 45, 'two_axis', false],
    ],
  );
});

test('default orientation by hemisphere: equator-facing at the yield-optimal tilt; trackers N-S axis', () => {
  // northern hemisphere (Golden, CO 39.7 N): south-facing, tilt 0.764 * 39.7 + 2.14 = 32
  assert.deepEqual(defaultArrayOrientation(39.73, 'open_rack'), { tiltDeg: 32, azimuthDeg: 180 });
  // southern hemisphere (Sydney 33.9 S): north-facing, same tilt rule on |lat|
  assert.deepEqual(defaultArrayOrientation(-33.87, 'roof_mount'), { tiltDeg: 28, azimuthDeg: 0 });
  assert.deepEqual(defaultArrayOrientation(-1.3, 'open_rack'), { tiltDeg: 5, azimuthDeg: 0 }); // 5 deg minimum
  assert.deepEqual(defaultArrayOrientation(0, 'open_rack'), { tiltDeg: 5, azimuthDeg: 180 });
  assert.equal(optimalTiltDeg(-50), optimalTiltDeg(50));
  for (const lat of [45, -45]) {
    assert.deepEqual(defaultArrayOrientation(lat, 'one_axis_backtracking'), { tiltDeg: 0, azimuthDeg: 180 });
  }
  assert.throws(
    () => defaultArrayOrientation(95, 'open_rack'),
    /^Error: latDeg: must be a latitude in \[-90, 90\], got 95$/,
  );
  assert.throws(() => defaultArrayOrientation(10, 'ground' as never), /mounting: unknown array type "ground"/);
});

test('default sites: every zone is north of the equator, so arrays face south; homes are PVWatts roof mount', () => {
  for (const z of ZONES) {
    for (const t of SITE_TYPES) {
      const s = defaultSite(t, z);
      for (const a of s.pv) assert.equal(a.azimuthDeg, 180, `${t} ${z}`);
    }
    assert.equal(defaultSite('home', z).pv[0]!.mounting, 'roof_mount');
    assert.equal(defaultSite('station', z).pv[0]!.mounting, 'open_rack');
  }
});

test('validateSite: array type, SAPM coefficients and GCR are checked with the field named', () => {
  const s = structuredClone(defaultSite('home', 'DE-LU'));
  s.pv[0]!.mounting = 'carport' as never;
  assert.throws(
    () => validateSite(s),
    /^Error: site\.pv\[0\]\.mounting: unknown array type "carport" \(expected open_rack, /,
  );
  s.pv[0]!.mounting = 'one_axis';
  s.pv[0]!.gcr = 1.5;
  assert.throws(() => validateSite(s), { message: 'site.pv[0].gcr: must be in (0, 1], got 1.5' });
  s.pv[0]!.gcr = 0.35;
  s.pv[0]!.sapmThermal = { a: -3.56, b: 0.2, deltaTC: 3 };
  assert.throws(() => validateSite(s), { message: 'site.pv[0].sapmThermal.b: must be in [-1, 0], got 0.2' });
  s.pv[0]!.sapmThermal = { a: -3.56, b: -0.075, deltaTC: 3 };
  validateSite(s);
});

test('arrayPower: trackers collect more than a fixed array on a clear morning; SAPM when coefficients given', () => {
  // Golden, CO, 2023-06-21 08:30 local (UTC-7), clear: DNI 800, DHI 100
  const sun = solarPosition(Date.UTC(2023, 5, 21, 15, 30) / 1000, 39.73, -105.18);
  const ghi = 800 * Math.cos((sun.apparentZenithDeg * Math.PI) / 180) + 100;
  const base: PvArrayConfig = {
    dcCapacityW: 4000,
    tiltDeg: 20,
    azimuthDeg: 180,
    gammaPdcPerC: -0.0047,
    systemLossFraction: 0.14,
    dcAcRatio: 1.2,
    inverterEfficiencyNominal: 0.96,
    albedo: 0.2,
    mounting: 'open_rack',
  };
  const p = (a: Partial<PvArrayConfig>) => arrayPower({ ...base, ...a }, sun, { ghi, dni: 800, dhi: 100 }, 20, 2);
  const fixed = p({});
  const roof = p({ mounting: 'roof_mount' });
  const one = p({ mounting: 'one_axis_backtracking', tiltDeg: 0 });
  const two = p({ mounting: 'two_axis' });
  assert.ok(roof.cellTempC > fixed.cellTempC && roof.acW < fixed.acW);
  assert.ok(one.poaWm2 > fixed.poaWm2 * 1.2, `one-axis POA ${one.poaWm2} vs fixed ${fixed.poaWm2}`);
  assert.ok(two.poaWm2 >= one.poaWm2 && Math.abs(two.surfaceTiltDeg - sun.apparentZenithDeg) < 1e-9);
  assert.ok(one.surfaceAzimuthDeg > 0 && one.surfaceAzimuthDeg < 180, 'morning: the tracker faces east');
  const sapm = p({ sapmThermal: { a: -3.56, b: -0.075, deltaTC: 3 } });
  const expected = 20 + fixed.poaWm2 * Math.exp(-3.56 - 0.075 * 2) + (fixed.poaWm2 / 1000) * 3;
  assert.ok(Math.abs(sapm.cellTempC - expected) < 1e-9 && sapm.thermal === null);
});
