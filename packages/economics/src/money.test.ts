import { test } from 'node:test';
import assert from 'node:assert/strict';
import { costUsdc6, formatUsd, revenueUsdc6, usd } from './money.ts';

test('costs round up, revenues round down, float noise does not move a unit', () => {
  assert.equal(costUsdc6(10.2), 11n);
  assert.equal(revenueUsdc6(10.8), 10n);
  assert.equal(costUsdc6(-10.8), -10n);
  assert.equal(revenueUsdc6(-10.2), -11n);
  assert.equal(costUsdc6(0.1 * 3 * 1e6), 300000n); // 300000.00000000006
  assert.equal(revenueUsdc6(0.7 * 1e6 * 3), 2100000n); // 2099999.9999999995
  assert.throws(() => costUsdc6(NaN), /not a finite amount/);
});

test('usd() converts dollars and formatUsd prints them', () => {
  assert.equal(usd(1.5), 1_500_000n);
  assert.equal(formatUsd(1_234_567_890_000n), '$1,234,567');
  assert.equal(formatUsd(-1_500_000n, 2), '-$1.50');
  assert.equal(formatUsd(999n, 6), '$0.000999');
});
