import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DEMO_FLEET, GEOHASH_PRECISION, SITE_ENVELOPES, ZONE_AREAS, validateDevice } from './demo-fleet.ts';
import type { FleetDevice } from './demo-fleet.ts';
import { decodeGeohash, encodeGeohash } from './geohash.ts';
import { getGpuSpec } from './gpus.ts';

test('demo fleet covers every site type and zone with integer specs', () => {
  assert.ok(DEMO_FLEET.length >= 8 && DEMO_FLEET.length <= 12);
  assert.deepEqual(new Set(DEMO_FLEET.map((d) => d.siteType)), new Set(['station', 'pile', 'home']));
  assert.deepEqual(new Set(DEMO_FLEET.map((d) => d.zone)), new Set(Object.keys(ZONE_AREAS)));
  assert.equal(new Set(DEMO_FLEET.map((d) => d.id)).size, DEMO_FLEET.length);
  for (const d of DEMO_FLEET) {
    for (const v of [d.pvWp, d.batteryWh, d.chargerW, d.gpuCount]) assert.ok(Number.isSafeInteger(v) && v >= 0, d.id);
    validateDevice(d);
  }
});

test('site types carry the hardware their business implies', () => {
  for (const d of DEMO_FLEET) {
    const gpu = getGpuSpec(d.gpuModel);
    if (d.siteType === 'station') assert.equal(gpu.segment, 'datacentre', d.id);
    if (d.siteType === 'home') assert.equal(gpu.segment, 'consumer', d.id);
    if (d.siteType === 'pile') {
      assert.ok(d.chargerW >= 60_000 && d.chargerW <= 150_000, d.id);
      assert.ok(gpu.boardPowerW * d.gpuCount <= 600, `${d.id}: inference-sized GPU load`);
    }
    // The GPUs' board power must be a small share of PV peak, or the site cannot run them on solar.
    assert.ok(gpu.boardPowerW * d.gpuCount <= d.pvWp / 5, d.id);
  }
});

test('device geohashes encode their coordinates and fall in their zone', () => {
  for (const d of DEMO_FLEET) {
    assert.equal(d.geohash.length, GEOHASH_PRECISION);
    assert.equal(d.geohash, encodeGeohash(d.latDeg, d.lonDeg, GEOHASH_PRECISION));
    const c = decodeGeohash(d.geohash);
    assert.ok(Math.abs(c.latDeg - d.latDeg) <= c.latErrDeg && Math.abs(c.lonDeg - d.lonDeg) <= c.lonErrDeg);
  }
  // Singapore reference point given in the brief.
  assert.equal(encodeGeohash(ZONE_AREAS.SG.latDeg, ZONE_AREAS.SG.lonDeg, 5), 'w21z7');
});

test('validateDevice rejects bad devices naming the field', () => {
  const d = DEMO_FLEET[0]!;
  const with_ = (patch: Partial<FleetDevice>): FleetDevice => ({ ...d, ...patch });
  assert.throws(() => validateDevice(with_({ pvWp: 600.5 })), /pvWp must be an integer/);
  assert.throws(() => validateDevice(with_({ batteryWh: 2_000 })), /batteryWh 2000 is outside/); // kWh typed as Wh
  assert.throws(() => validateDevice(with_({ gpuCount: 0 })), /gpuCount 0 is outside/);
  assert.throws(() => validateDevice(with_({ gpuModel: 'H100' })), /unknown GPU model "H100"/);
  assert.throws(() => validateDevice(with_({ geohash: 'w21z7abcd' })), /geohash .* does not match/);
  assert.throws(() => validateDevice(with_({ latDeg: 103.65, lonDeg: 1.32 })), /outside zone SG/);
  assert.throws(() => validateDevice(with_({ zone: 'FR' as never })), /zone must be one of/);
  assert.throws(() => validateDevice(with_({ siteType: 'farm' as never })), /siteType/);
  assert.ok(SITE_ENVELOPES.home.pvWp.max < SITE_ENVELOPES.pile.pvWp.max);
});
