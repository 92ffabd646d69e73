import assert from 'node:assert/strict';
import { test } from 'node:test';
import { InputError } from '@greenhour/errors';
import { featureNames } from './features.ts';
import {
  clampPrediction,
  compactForest,
  DEFAULT_FOREST,
  loadModel,
  MODEL_FORMAT,
  predictRows,
  trainForest,
  type ShippedModel,
} from './model.ts';

const SMALL = { ...DEFAULT_FOREST, nEstimators: 4, maxRows: 300 };
const names = featureNames('demand');

/** Synthetic rows of the demand layout whose target is a step in hour of day, plus the level. */
function data(n: number): { X: number[][]; y: number[] } {
  const X: number[][] = [];
  const y: number[] = [];
  for (let i = 0; i < n; i++) {
    const h = i % 24;
    const level = 0.3 + 0.2 * Math.sin(i / 50);
    X.push([h, i % 7, 0, 1, level, level, level, level]);
    y.push(h >= 8 && h < 18 ? 0.2 : -0.1);
  }
  return { X, y };
}

function shipped(rf: unknown): ShippedModel {
  return {
    format: MODEL_FORMAT,
    key: 'demand.test',
    kind: 'demand',
    featureNames: names,
    usedFeatures: names,
    target: 'minusMean24',
    trainDays: { fromUtcS: 0, toUtcS: 0 },
    forest: SMALL,
    selection: {},
    rf,
  };
}

test('training is deterministic for a fixed seed and learns the hour-of-day step', () => {
  const { X, y } = data(600);
  const a = trainForest(X, y, SMALL);
  const b = trainForest(X, y, SMALL);
  assert.deepEqual(compactForest(a), compactForest(b));
  const p = a.predict([
    [12, 0, 0, 1, 0.3, 0.3, 0.3, 0.3],
    [2, 0, 0, 1, 0.3, 0.3, 0.3, 0.3],
  ]);
  assert.ok(Math.abs((p[0] as number) - 0.2) < 0.02, `day hour ${p[0]}`);
  assert.ok(Math.abs((p[1] as number) + 0.1) < 0.02, `night hour ${p[1]}`);
});

test('the compact JSON restores with RandomForestRegression.load, predicts the same and is smaller', () => {
  const { X, y } = data(600);
  const rf = trainForest(X, y, SMALL);
  const compact = compactForest(rf);
  const m = loadModel(JSON.parse(JSON.stringify(shipped(compact))));
  const rows = X.slice(0, 48);
  const direct = rf.predict(rows);
  // predictRows adds back the mean24Known baseline (column 7) and clamps demand to [0, 1]
  const viaModel = predictRows(m, rows);
  viaModel.forEach((v, i) => {
    const expect = Math.min(1, Math.max(0, (direct[i] as number) + (rows[i]?.[7] as number)));
    assert.ok(Math.abs(v - expect) < 1e-5, `row ${i}: ${v} vs ${expect}`);
  });
  assert.ok(JSON.stringify(compact).length * 3 < JSON.stringify(rf.toJSON()).length);
});

test('loadModel rejects a wrong format, mismatched features and an unknown transform', () => {
  const rf = compactForest(trainForest(data(100).X, data(100).y, SMALL));
  const isInput = (field: string) => (e: unknown) => e instanceof InputError && e.field === field;
  assert.throws(() => loadModel({ ...shipped(rf), format: 'x' }), isInput('model.format'));
  assert.throws(() => loadModel(null), isInput('model.format'));
  assert.throws(() => loadModel({ ...shipped(rf), featureNames: names.slice(1) }), isInput('model.featureNames'));
  assert.throws(() => loadModel({ ...shipped(rf), target: 'log' }), isInput('model.target'));
  assert.throws(() => loadModel({ ...shipped(rf), usedFeatures: ['wind'] }), isInput('model.usedFeatures'));
});

test('predictions are clamped to physical ranges', () => {
  const pvNames = featureNames('pv');
  const row = new Array(pvNames.length).fill(0);
  assert.equal(clampPrediction('pv', 50, row), 0); // clear-sky dark: no PV
  row[pvNames.indexOf('clearSkyGhiWm2')] = 400;
  assert.equal(clampPrediction('pv', -3, row), 0);
  assert.equal(clampPrediction('pv', 50, row), 50);
  assert.equal(clampPrediction('demand', 1.2, []), 1);
  assert.equal(clampPrediction('carbon', -1, []), 0);
  assert.equal(clampPrediction('price', -20, []), -20); // negative prices are real
});
