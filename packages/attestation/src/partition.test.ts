import { test } from 'node:test';
import assert from 'node:assert/strict';
import { addressOfPrivateKey, telemetryTopic } from '@greenhour/telemetry';
import { partitionFilters, partitionOf } from './partition.ts';

// Fixed keys, so that the spread checked is the same in every run.
const devices = Array.from({ length: 4_000 }, (_, i) =>
  addressOfPrivateKey(Buffer.from((i + 1).toString(16).padStart(64, '0'), 'hex')).toLowerCase(),
);

test('every device lands in exactly one partition, and devices spread evenly', () => {
  for (const count of [1, 2, 3, 8]) {
    const parts = Array.from({ length: count }, (_, i) => partitionFilters(devices, i, count));
    const all = parts.flat();
    assert.equal(all.length, devices.length);
    assert.equal(new Set(all).size, devices.length);
    for (const p of parts) assert.ok(Math.abs(p.length - devices.length / count) < (devices.length / count) * 0.15);
  }
  const d = devices[0]!;
  assert.equal(partitionOf(d, 5), partitionOf(d.toUpperCase().replace('0X', '0x'), 5), 'case does not move a device');
  assert.ok(partitionFilters([d], partitionOf(d, 5), 5).includes(telemetryTopic(d as `0x${string}`)));
});

test('bad partition arguments are refused by name', () => {
  assert.throws(() => partitionOf(devices[0]!, 0), /count: must be a whole number ≥ 1/);
  assert.throws(() => partitionOf('0x1234', 2), /device: must be a 20-byte hex address/);
  assert.throws(() => partitionFilters(devices, 2, 2), /index: must be a whole number below 2/);
  assert.throws(() => partitionFilters(devices, -1, 2), /index/);
});
