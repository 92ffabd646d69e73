import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatBps, formatDuration, formatInt, formatSlot, formatUsdc6 } from './format.ts';

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
