import assert from 'node:assert/strict';
import { test } from 'node:test';
import { relativeAirmass, solarPosition } from './solarPosition.ts';

test('NREL SPA example (Reda & Andreas 2004, table A4.1): zenith 50.11162, azimuth 194.34024', () => {
  // 2003-10-17 12:30:30 local, UTC-7; lat 39.742476, lon -105.1786, 820 mbar, 11 C
  const t = Date.UTC(2003, 9, 17, 19, 30, 30) / 1000;
  const p = solarPosition(t, 39.742476, -105.1786, 820, 11);
  assert.ok(Math.abs(p.apparentZenithDeg - 50.11162) < 0.01, `zenith ${p.apparentZenithDeg}`);
  assert.ok(Math.abs(p.azimuthDeg - 194.34024) < 0.01, `azimuth ${p.azimuthDeg}`);
  // SPA's equation of time for this instant is 14.641503 min
  assert.ok(Math.abs(p.equationOfTimeMin - 14.641503) < 0.05, `eot ${p.equationOfTimeMin}`);
});

test('equinox noon at the equator: sun near zenith; night: below horizon', () => {
  // 2023-03-20 ~12:07 solar noon at lon 0 (equation of time ~ -7.5 min)
  const noon = solarPosition(Date.UTC(2023, 2, 20, 12, 7) / 1000, 0, 0);
  assert.ok(noon.zenithDeg < 1, `zenith ${noon.zenithDeg}`);
  const night = solarPosition(Date.UTC(2023, 2, 20, 0, 0) / 1000, 0, 0);
  assert.ok(night.zenithDeg > 170);
});

test('Kasten-Young air mass: 1 at zenith, ~2 at 60 deg, ~38 at the horizon', () => {
  assert.ok(Math.abs(relativeAirmass(0) - 1) < 0.001);
  assert.ok(Math.abs(relativeAirmass(60) - 1.995) < 0.01);
  assert.ok(Math.abs(relativeAirmass(90 - 1e-9) - 37.9) < 0.5);
  assert.ok(Number.isNaN(relativeAirmass(95)));
});
