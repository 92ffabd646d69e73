// Command: trains every day-ahead model on the training days and writes packages/forecast/models/*.json.
//   node --import tsx packages/forecast/src/train.ts
// Deterministic: the row subsample and the forests are seeded (DEFAULT_FOREST.seed). The held-out days (Oct-Dec)
// are never read here: the target transform and feature set are chosen on validation folds inside the training days.
import { statSync } from 'node:fs';
import { mae } from './evaluate.ts';
import { featureNames } from './features.ts';
import {
  buildDataset,
  featureSetCandidates,
  selectColumns,
  compactForest,
  DEFAULT_FOREST,
  MODEL_FORMAT,
  targetCandidates,
  trainForest,
  type ForestOptions,
  type LoadedModel,
  type ShippedModel,
  type TargetTransform,
  predictRows,
} from './model.ts';
import { SELECT_FOLDS, TRAIN_DAYS } from './periods.ts';
import { allSeriesRefs, loadSeries, type LoadedSeries } from './series.ts';
import { writeModel } from './shipped.ts';

/** Smaller forests for the transform choice: it only has to rank two candidates. */
const SELECT_FOREST: ForestOptions = { ...DEFAULT_FOREST, nEstimators: 8, maxRows: 1000 };

function fit(
  s: LoadedSeries,
  tr: TargetTransform,
  used: string[],
  days: { fromUtcS: number; toUtcS: number },
  opts: ForestOptions,
) {
  const ds = buildDataset(s.kind, s.history, s.site, days.fromUtcS, days.toUtcS, tr);
  return { rows: ds.X.length, rf: trainForest(selectColumns(ds.X, featureNames(s.kind), used), ds.y, opts) };
}

/** Mean over SELECT_FOLDS of the validation MAE of a small forest, series unit. */
function validationMae(s: LoadedSeries, tr: TargetTransform, used: string[]): number {
  let total = 0;
  for (const fold of SELECT_FOLDS) {
    const { rf } = fit(s, tr, used, fold.fit, SELECT_FOREST);
    const meta = { kind: s.kind, target: tr, featureNames: featureNames(s.kind), usedFeatures: used } as ShippedModel;
    const model: LoadedModel = { meta, rf };
    const v = buildDataset(s.kind, s.history, s.site, fold.validate.fromUtcS, fold.validate.toUtcS, tr);
    const pred: number[] = [];
    for (let k = 0; k < v.X.length; k += 24) pred.push(...predictRows(model, v.X.slice(k, k + 24)));
    total += mae(pred, v.actual);
  }
  return total / SELECT_FOLDS.length;
}

const refs = allSeriesRefs();
const t0 = Date.now();
let bytes = 0;
refs.forEach((ref, k) => {
  const s = loadSeries(ref);
  const t = Date.now();
  const selection: Record<string, number> = {};
  let best: { target: TargetTransform; used: string[]; mae: number } | null = null;
  for (const tr of targetCandidates(s.kind)) {
    for (const set of featureSetCandidates(s.kind)) {
      const m = validationMae(s, tr, set.features);
      selection[`${tr}/${set.name}`] = m;
      if (best === null || m < best.mae) best = { target: tr, used: set.features, mae: m };
    }
  }
  const { target, used } = best as { target: TargetTransform; used: string[] };
  const { rows, rf } = fit(s, target, used, TRAIN_DAYS, DEFAULT_FOREST);
  const file = writeModel({
    format: MODEL_FORMAT,
    key: s.key,
    kind: s.kind,
    featureNames: featureNames(s.kind),
    usedFeatures: used,
    target,
    trainDays: { ...TRAIN_DAYS },
    forest: { ...DEFAULT_FOREST },
    selection,
    rf: compactForest(rf),
  });
  const size = statSync(file).size;
  bytes += size;
  const sel = Object.entries(selection)
    .map(([tr, m]) => `${tr} ${m.toPrecision(3)}`)
    .join(', ');
  process.stderr.write(
    `[${k + 1}/${refs.length}] ${s.key}: validation MAE ${sel} -> ${target} on ${used.length} features; ${rows} rows ` +
      `(${Math.min(rows, DEFAULT_FOREST.maxRows)} used), ${DEFAULT_FOREST.nEstimators} trees, ` +
      `${((Date.now() - t) / 1000).toFixed(1)} s, ${(size / 1024).toFixed(0)} KiB\n`,
  );
});
process.stderr.write(
  `trained ${refs.length} models in ${((Date.now() - t0) / 1000).toFixed(0)} s, ${(bytes / 1024 / 1024).toFixed(2)} MiB total\n`,
);
