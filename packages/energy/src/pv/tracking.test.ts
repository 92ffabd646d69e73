import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  oneAxisShadeFraction,
  rowGroundDiffuseFactor,
  rowSkyDiffuseFactor,
  singleAxisTracker,
  trackerSurfaceOrientation,
  twoAxisTracker,
} from './tracking.ts';

const near = (a: number, b: number, tol: number, what: string) =>
  assert.ok(Math.abs(a - b) <= tol, `${what}: ${a} vs ${b}`);

// Expected values: pvlib-python tests/test_tracking.py (BSD-3-Clause, pvlib python contributors), GCR 2/7.
const PVLIB_CASES = [
  // name, zenith, azimuth, axis tilt, axis azimuth, max angle, backtrack, expected {theta, aoi, surface azimuth, tilt}
  ['test_solar_noon', 10, 180, 0, 0, 90, true, [0, 10, 270, 0]],
  ['test_azimuth_north_south (axis 180)', 60, 90, 0, 180, 90, true, [-60, 0, 90, 60]],
  ['test_azimuth_north_south (axis 0)', 60, 90, 0, 0, 90, true, [60, 0, 90, 60]],
  ['test_max_angle', 60, 90, 0, 0, 45, true, [45, 15, 90, 45]],
  ['test_backtrack (off)', 80, 90, 0, 0, 90, false, [80, 0, 90, 80]],
  ['test_backtrack (on)', 80, 90, 0, 0, 90, true, [27.4283, 52.5716, 90, 27.42833]],
  ['test_axis_tilt (axis 180)', 30, 135, 30, 180, 90, true, [-20.88121, 7.286245, 142.6573, 35.98741]],
  ['test_axis_tilt (axis 0)', 30, 135, 30, 0, 90, true, [31.6655, 47.6632, 50.96969, 42.5152]],
  ['test_axis_azimuth (east axis, sun east)', 30, 90, 0, 90, 90, true, [0, 30, 0, 0]],
  ['test_axis_azimuth (south axis, sun east)', 30, 90, 0, 180, 90, true, [-30, 0, 90, 30]],
  ['test_axis_azimuth (east axis, sun south)', 30, 180, 0, 90, 90, true, [30, 0, 180, 30]],
] as const;

for (const [name, zen, az, axTilt, axAz, maxA, bt, [theta, aoi, sazm, stilt]] of PVLIB_CASES) {
  test(`singleAxisTracker matches pvlib ${name}`, () => {
    const t = singleAxisTracker(zen, az, axTilt, axAz, maxA, bt, 2 / 7);
    assert.ok(t !== null);
    near(t.rotationDeg, theta, 1e-4, 'tracker theta');
    near(t.aoiDeg, aoi, 1e-4, 'aoi');
    near(t.azimuthDeg, sazm, 1e-4, 'surface azimuth');
    near(t.tiltDeg, stilt, 1e-4, 'surface tilt');
  });
}

test('singleAxisTracker: sun below the horizon -> null (pvlib gives NaN); two-axis faces the sun', () => {
  assert.equal(singleAxisTracker(100, 0, 0, 180, 45, true, 0.4), null);
  assert.deepEqual(twoAxisTracker(35, 220), { tiltDeg: 35, azimuthDeg: 220 });
  // tracker at rest on a south-pointing axis: flat surface, azimuth = axis azimuth - 90 (pvlib)
  assert.deepEqual(trackerSurfaceOrientation(0, 0, 180), { tiltDeg: 0, azimuthDeg: 90 });
});

test('backtracking leaves no row shade; true tracking at low sun is shaded (SSC shadeFraction1x)', () => {
  const gcr = 0.4;
  for (const zen of [60, 70, 80, 85]) {
    const bt = singleAxisTracker(zen, 90, 0, 180, 90, true, gcr)!;
    const tt = singleAxisTracker(zen, 90, 0, 180, 90, false, gcr)!;
    near(oneAxisShadeFraction(bt.rotationDeg, bt.trueTrackingDeg, gcr), 0, 1e-9, `backtracked shade at zenith ${zen}`);
    // no backtracking: shaded fraction = 1 - cos(theta_T) / GCR when that is positive (flat ground)
    const expected = Math.max(0, 1 - Math.abs(Math.cos((tt.trueTrackingDeg * Math.PI) / 180)) / gcr);
    near(
      oneAxisShadeFraction(tt.rotationDeg, tt.trueTrackingDeg, gcr),
      expected,
      1e-9,
      `true-tracking shade at ${zen}`,
    );
  }
  near(oneAxisShadeFraction(-85, -85, gcr), 1 - Math.cos((85 * Math.PI) / 180) / gcr, 1e-12, 'shade at -85'); // 0.782
  assert.equal(oneAxisShadeFraction(0, 0, gcr), 0); // noon
});

test('row diffuse factors: flat rows see the whole sky; steeper rows lose more; ground factor bounded', () => {
  assert.equal(rowSkyDiffuseFactor(0, 0.4), 1);
  const f30 = rowSkyDiffuseFactor(30, 0.4);
  const f60 = rowSkyDiffuseFactor(60, 0.4);
  assert.ok(f30 < 1 && f60 < f30 && f60 > 0.5, `f30 ${f30} f60 ${f60}`);
  assert.ok(rowSkyDiffuseFactor(30, 0.2) > f30); // wider spacing, less obstruction
  const g = rowGroundDiffuseFactor(50, 40, 600, 100, 0.4, 0.2);
  assert.ok(g > 0 && g < 1, `ground factor ${g}`);
  assert.equal(rowGroundDiffuseFactor(50, 40, 0, 0, 0.4, 0.2), 1);
});
