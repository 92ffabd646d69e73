import assert from 'node:assert/strict';
import { test } from 'node:test';
import { evaluateSeries, mae, scoresMarkdown } from './evaluate.ts';
import { HOLDOUT_DAYS } from './periods.ts';
import { loadSeries } from './series.ts';
import { shippedModel } from './shipped.ts';

test('mae of known arrays; mismatched or empty arrays are refused', () => {
  assert.equal(mae([1, 2, 3], [2, 2, 5]), 1);
  assert.throws(() => mae([1], [1, 2]));
  assert.throws(() => mae([], []));
});

test('scoresMarkdown renders one row per series', () => {
  const md = scoresMarkdown([
    { key: 'X.carbon', unit: 'gCO2eq/kWh', hours: 48, maeModel: 9, maePersistence: 10, skill: 0.1 },
  ]);
  assert.match(md, /\| X\.carbon \| gCO2eq\/kWh \| 48 \| 9\.00 \| 10\.0 \| 0\.100 \|/);
});

// Held-out skill (days 2023-10-01..12-31) of the shipped carbon models, as measured by bench/forecast.bench.ts.
// These zones beat persistence; JP-TK (-0.094) and US-CAL-CISO (-0.027) do not (see the benchmark notes).
const CARBON_SKILL: Record<string, number> = { 'DE-LU': 0.1047, 'IN-WE': 0.1714, SG: 0.1055 };

for (const [zone, measured] of Object.entries(CARBON_SKILL)) {
  test(`${zone}: the shipped carbon model beats persistence on the held-out quarter (skill ${measured})`, () => {
    const s = loadSeries({ kind: 'carbon', zone });
    const r = evaluateSeries(shippedModel(s.key), s, HOLDOUT_DAYS.fromUtcS, HOLDOUT_DAYS.toUtcS);
    assert.equal(r.hours, 92 * 24);
    assert.ok(r.skill > 0, `skill ${r.skill}`);
    assert.ok(r.maeModel < r.maePersistence);
    assert.ok(Math.abs(r.skill - measured) < 5e-4, `skill ${r.skill} vs measured ${measured}`);
  });
}
