import assert from 'node:assert/strict';
import { test } from 'node:test';
import { decodeGeohash, encodeGeohash } from './geohash.ts';

test('encodeGeohash matches known vectors', () => {
  assert.equal(encodeGeohash(57.64911, 10.40744, 11), 'u4pruydqqvj'); // Wikipedia example
  assert.equal(encodeGeohash(42.6, -5.6, 5), 'ezs42'); // Wikipedia example
  assert.equal(encodeGeohash(37.8324, 112.5584, 9), 'ww8p1r4t8'); // ngeohash test vector
  assert.equal(encodeGeohash(0, 0, 5), 's0000');
  assert.equal(encodeGeohash(-90, -180, 5), '00000');
  assert.equal(encodeGeohash(90, 180, 5), 'zzzzz');
});

test('decodeGeohash inverts encode within the cell', () => {
  const cell = decodeGeohash('ezs42');
  assert.ok(Math.abs(cell.latDeg - 42.605) < 0.001 && Math.abs(cell.lonDeg - -5.603) < 0.001);
  let seed = 7;
  const rnd = (): number => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  for (let i = 0; i < 500; i++) {
    const lat = rnd() * 180 - 90;
    const lon = rnd() * 360 - 180;
    const precision = 1 + (i % 12);
    const hash = encodeGeohash(lat, lon, precision);
    assert.equal(hash.length, precision);
    const c = decodeGeohash(hash);
    assert.ok(Math.abs(c.latDeg - lat) <= c.latErrDeg && Math.abs(c.lonDeg - lon) <= c.lonErrDeg, hash);
    // A prefix of a geohash is the geohash at lower precision.
    assert.equal(encodeGeohash(lat, lon, Math.max(1, precision - 1)), hash.slice(0, Math.max(1, precision - 1)));
  }
});

test('geohash rejects bad input with the field named', () => {
  assert.throws(() => encodeGeohash(91, 0), /latDeg/);
  assert.throws(() => encodeGeohash(Number.NaN, 0), /latDeg/);
  assert.throws(() => encodeGeohash(0, -180.5), /lonDeg/);
  assert.throws(() => encodeGeohash(0, 0, 0), /precision/);
  assert.throws(() => encodeGeohash(0, 0, 13), /precision/);
  assert.throws(() => decodeGeohash('ezs4a'), /invalid character "a"/);
  assert.throws(() => decodeGeohash(''), /length/);
});
