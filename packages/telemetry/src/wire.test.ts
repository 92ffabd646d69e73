import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Address } from 'viem';
import { WireError, decodeTelemetry, deviceOfTopic, encodeTelemetry, telemetryTopic } from './wire.ts';
import { sampleWindow } from './fixtures.ts';

const device = '0x00000000000000000000000000000000000000aa' as Address;
const signature = `0x${'11'.repeat(64)}1b` as const;
const good = { ...sampleWindow(device, 1), signature };

function rejects(payload: string, reason: string, field: string, topicDevice?: string) {
  assert.throws(
    () => decodeTelemetry(payload, topicDevice),
    (err: unknown) => err instanceof WireError && err.reason === reason && err.field === field,
    `${reason} on ${field}`,
  );
}

test('a payload round-trips, addresses normalised to lower case', () => {
  const decoded = decodeTelemetry(encodeTelemetry({ message: sampleWindow(device, 1), signature }), device);
  assert.deepEqual(decoded, { message: sampleWindow(device, 1), signature });
  const upper = JSON.stringify({ ...good, device: device.toUpperCase().replace('0X', '0x') });
  assert.equal(decodeTelemetry(upper).message.device, device);
});

test('topic helpers: the device segment of a telemetry topic', () => {
  assert.equal(deviceOfTopic(telemetryTopic(device)), device);
  assert.equal(deviceOfTopic('greenhour/v1/nodes/a/b/telemetry'), undefined);
  assert.equal(deviceOfTopic('other/topic'), undefined);
});

test('malformed and oversized payloads are rejected naming the field', () => {
  rejects('{', 'malformed', 'payload');
  rejects('[1]', 'malformed', 'payload');
  rejects('null', 'malformed', 'payload');
  rejects(JSON.stringify({ ...good, extra: 1 }), 'malformed', 'extra');
  rejects(JSON.stringify({ ...good, device: '0x12' }), 'malformed', 'device');
  rejects(JSON.stringify({ ...good, jobsHash: 'zz' }), 'malformed', 'jobsHash');
  rejects(JSON.stringify({ ...good, signature: '0x00' }), 'malformed', 'signature');
  rejects(JSON.stringify({ ...good, pvWh: -1 }), 'malformed', 'pvWh');
  rejects(JSON.stringify({ ...good, pvWh: 1.5 }), 'malformed', 'pvWh');
  rejects(JSON.stringify({ ...good, gpuWh: '700' }), 'malformed', 'gpuWh');
  rejects(JSON.stringify({ ...good, uptimeS: 2 ** 32 }), 'malformed', 'uptimeS');
  rejects(JSON.stringify({ ...good, seq: 2 ** 53 }), 'malformed', 'seq');
  rejects(JSON.stringify({ ...good, seq: 0 }), 'malformed', 'seq');
  const { evWh: _dropped, ...missing } = good;
  rejects(JSON.stringify(missing), 'malformed', 'evWh');
  const { batterySocWh: _soc, ...noSoc } = good;
  rejects(JSON.stringify(noSoc), 'malformed', 'batterySocWh');
  rejects(JSON.stringify({ ...good, batterySocWh: 2 ** 32 }), 'malformed', 'batterySocWh');
  rejects(JSON.stringify({ ...good, batterySocWh: null }), 'malformed', 'batterySocWh');
  rejects(JSON.stringify({ ...good, pad: 'x'.repeat(2048) }), 'oversized', 'payload');
  rejects(JSON.stringify(good), 'topic_mismatch', 'device', '0x00000000000000000000000000000000000000bb');
});
