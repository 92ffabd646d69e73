import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bytesToText, formatBps, formatDuration, formatInt, formatPpm, formatSlot, formatUsdc6 } from './format.ts';

test('usdc6 keeps every decimal of the decimal string, groups thousands, no floating point', () => {
  assert.equal(formatUsdc6('12345678'), '12.345678 USD');
  assert.equal(formatUsdc6('5000000000'), '5,000.000000 USD');
  assert.equal(formatUsdc6(1), '0.000001 USD');
  assert.equal(formatUsdc6('0'), '0.000000 USD');
  assert.equal(formatUsdc6('-2500000'), '-2.500000 USD');
  assert.equal(formatUsdc6('123456789012345678901'), '123,456,789,012,345.678901 USD');
  assert.equal(formatUsdc6(2_000_000n), '2.000000 USD');
  assert.equal(formatUsdc6('1.5'), '1.5 (not a usdc6 amount)');
});

test('integers, basis points, slots and durations', () => {
  assert.equal(formatInt(55198, 'Wh'), '55,198 Wh');
  assert.equal(formatInt('-1234'), '-1,234');
  assert.equal(formatInt(0), '0');
  assert.equal(formatBps(8770), '87.70 %');
  assert.equal(formatBps(10000), '100.00 %');
  assert.equal(formatBps(5), '0.05 %');
  assert.equal(formatSlot(498934), '2026-12-01 22:00 UTC');
  assert.equal(formatDuration(3 * 3600 + 5 * 60), '3 h 05 min');
  assert.equal(formatDuration(-600), 'started 0 h 10 min ago');
});

test('ppm as percent, chain bytes as text', () => {
  assert.equal(formatPpm(153456), '15.3456 %');
  assert.equal(formatPpm(1_000_000), '100.0000 %');
  assert.equal(formatPpm(7), '0.0007 %');
  assert.equal(bytesToText('0x773231787738373973000000'), 'w21xw879s');
  assert.equal(bytesToText('0x4e564944494120483130302053584d00'), 'NVIDIA H100 SXM');
  assert.equal(bytesToText('not hex'), 'not hex');
});
