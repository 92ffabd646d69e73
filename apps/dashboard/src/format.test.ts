import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  bytesToText,
  checkOutcome,
  formatBps,
  formatDuration,
  formatHundredths,
  formatInt,
  formatKwh,
  formatPpm,
  formatSlot,
  formatUsdc6,
  formatUtc,
} from './format.ts';
import { poolPart } from './pool.ts';
import { energySeries, socAxis, SOC_SERIES } from './energy.ts';
import type { TelemetryWindow } from './api.ts';

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
  // a saving below the rule's is negative: the sign before the whole part, not among the padded digits
  assert.equal(formatBps(-5), '-0.05 %');
  assert.equal(formatBps(-360), '-3.60 %');
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

test('hundredths with two decimals, only shifted', () => {
  assert.equal(formatHundredths(533n), '5.33');
  assert.equal(formatHundredths(7, 'h'), '0.07 h');
  assert.equal(formatHundredths('123456'), '1,234.56');
  assert.equal(formatHundredths(-250), '-2.50');
});

test("a position's part of its pool: shares over totalShares, the reserves pro rata, all rounded down", () => {
  // A third of a pool of 8 hours and 1.000001 USD, in 18-decimal shares as the market mints them.
  const market = { totalShares: '3000000000000000000', hoursReserve: 8, cashUsdc6: '1000001' };
  const part = poolPart('1000000000000000000', market)!;
  assert.equal(formatPpm(part.ppm), '33.3333 %');
  assert.equal(formatHundredths(part.hoursHundredths), '2.66');
  assert.equal(formatUsdc6(part.cashUsdc6), '0.333333 USD');
  const all = poolPart(market.totalShares, market)!;
  assert.deepEqual([formatPpm(all.ppm), all.hoursHundredths, all.cashUsdc6], ['100.0000 %', 800n, 1000001n]);
  // Shares beyond 2^53 keep every digit: one share more than half.
  const big = '21762352813976657557632';
  assert.equal(poolPart('10881176406988328778817', { ...market, totalShares: big })!.ppm, 500_000);
  assert.equal(poolPart('1', { ...market, totalShares: '0' }), null, 'an empty pool has no share to show');
});

test('energy chart: a lone window after the backfilled hour is marked, the dense hour is drawn as areas', () => {
  const t0 = 1_796_169_600;
  const window = (i: number, over: Partial<TelemetryWindow> = {}): TelemetryWindow => ({
    device: '0x0000000000000000000000000000000000000001',
    seq: i,
    windowStart: t0 + i * 60,
    windowEnd: t0 + i * 60 + 60,
    pvWh: 500,
    batteryInWh: 300,
    batteryOutWh: 0,
    batterySocWh: 8_000 + i * 5,
    gridImportWh: 0,
    gridExportWh: 0,
    gpuWh: 200,
    evWh: 0,
    uptimeS: 60,
    jobsHash: '0x',
    ...over,
  });
  // An hour backfilled, an hour with nothing, then one live window.
  const windows = [...Array.from({ length: 60 }, (_, i) => window(i)), window(121, { pvWh: 5190, batteryInWh: 4884 })];
  const series = energySeries(windows);
  const marked = (name: string) =>
    series
      .find((s) => s.name === name)!
      .data.filter((p) => !Array.isArray(p))
      .map((p) => ({ at: (p as { value: number[] }).value[0], size: (p as { symbolSize: number }).symbolSize }));
  const lone = (t0 + 121 * 60) * 1000;
  for (const name of ['PV generation', 'battery charge', 'GPU consumption', SOC_SERIES]) {
    const marks = marked(name);
    assert.equal(marks.length, 1, `${name}: the lone window is marked, and only it`);
    assert.equal(marks[0]!.at, lone);
    assert.ok(marks[0]!.size >= 8, `${name}: a mark of at least 8 px`);
  }
  assert.equal(marked('grid import').length, 0, 'a flow with no energy in the window gets no mark');
  const pv = series.find((s) => s.name === 'PV generation')!.data;
  assert.deepEqual(pv[60], [(t0 + 60 * 60) * 1000, null], 'a break where no window came');
  // Windows every few minutes, none next to another: each is marked.
  const sparse = [0, 5, 10, 15].map((i) => window(i));
  assert.equal(energySeries(sparse)[0]!.data.filter((p) => !Array.isArray(p)).length, 4);

  // The state of charge: each window's signed batterySocWh as the API gives it, on the second (kWh) axis, with the
  // same break; an empty battery in a lone window is still marked, since 0 Wh stored is a value.
  const soc = series.find((s) => s.name === SOC_SERIES)! as (typeof series)[number] & { yAxisIndex?: number };
  assert.equal(soc.yAxisIndex, 1, 'on the second axis');
  const values = soc.data.map((p) => (Array.isArray(p) ? p[1] : p.value[1]));
  assert.deepEqual(values, [...windows.slice(0, 60).map((w) => w.batterySocWh), null, windows[60]!.batterySocWh]);
  assert.deepEqual(values.slice(0, 3), [8_000, 8_005, 8_010]);
  const empty = energySeries([...windows.slice(0, 60), window(121, { batterySocWh: 0 })]).find(
    (s) => s.name === SOC_SERIES,
  )!;
  assert.deepEqual((empty.data.at(-1) as { value: number[] }).value, [lone, 0], 'an empty battery is marked');
  assert.equal(empty.data.filter((p) => !Array.isArray(p)).length, 1);
});

test('the state of charge axis runs from 0 to the registered capacity and reads in kWh', () => {
  const axis = socAxis(13_500);
  assert.deepEqual([axis.min, axis.max, axis.position], [0, 13_500, 'right']);
  assert.equal(axis.axisLabel.formatter(12_000), '12', 'a whole kWh tick without zero decimals');
  assert.equal(axis.axisLabel.formatter(2_000_000), '2,000');
  assert.equal(axis.axisLabel.formatter(2_700), '2.700');
  assert.equal('max' in socAxis(0), false, 'no battery: the axis ECharts fits');
  assert.equal(formatKwh(13_500), '13.500 kWh');
  assert.equal(formatKwh(7), '0.007 kWh');
  assert.equal(formatKwh(0), '0.000 kWh');
  assert.equal(formatKwh(1_234_567_890), '1,234,567.890 kWh');
  assert.equal(formatKwh(-1_500), '-1.500 kWh');
});

test("a checked hour's outcome: the challenge, by receipt or not, and the omission claim, with what the owner got", () => {
  assert.deepEqual(checkOutcome({ state: 'verified' }), { text: 'not needed', rewardUsdc6: undefined });
  assert.deepEqual(
    checkOutcome({
      state: 'misreported',
      challenge: { status: 'succeeded', kind: 'dropped-window', fault: 'DroppedWindow', rewardUsdc6: 2_000_000 },
    }),
    { text: 'dropped window proven by receipt succeeded: DroppedWindow', rewardUsdc6: 2_000_000 },
  );
  assert.equal(
    checkOutcome({ state: 'misreported', challenge: { status: 'succeeded', fault: 'AggregateMismatch' } }).text,
    'challenge succeeded: AggregateMismatch',
  );
  assert.deepEqual(
    checkOutcome({
      state: 'missing',
      omission: { status: 'open', bondUsdc6: 1_000_000, answerBy: 1_796_184_000 },
    }),
    {
      text: `omission claimed (1.000000 USD bond); the attester must answer by ${formatUtc(1_796_184_000)}`,
      rewardUsdc6: undefined,
    },
  );
  assert.deepEqual(checkOutcome({ state: 'missing', omission: { status: 'proven', rewardUsdc6: 2_000_000 } }), {
    text: 'omission proven: the attester did not answer',
    rewardUsdc6: 2_000_000,
  });
  // Answered with a record that the device then challenged: both are told.
  assert.equal(
    checkOutcome({
      state: 'misreported',
      omission: { status: 'answered' },
      challenge: { status: 'succeeded', fault: 'AggregateMismatch', rewardUsdc6: 2_000_000 },
    }).text,
    'omission claim answered: the attester proved the record; challenge succeeded: AggregateMismatch',
  );
});
