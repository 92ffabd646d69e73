// Random-forest day-ahead models: dataset construction, training, compact JSON, prediction. Pure (no file I/O).
import { mulberry32 } from '@greenhour/energy';
import { InputError } from '@greenhour/errors';
import { RandomForestRegression } from 'ml-random-forest';
import { dayAheadFeatures, featureNames, type ClearSkySite, type HourlyHistory, type SeriesKind } from './features.ts';

const DAY_S = 86_400;

/** Format tag of a shipped model file. */
export const MODEL_FORMAT = 'greenhour-forecast-rf/1';

/**
 * What the forest learns: the value minus a baseline read from the feature row, added back at prediction.
 * `level`: baseline 0. `minusMean24`: the mean of the 24 hours known at issue time, so that a forest (which cannot
 * extrapolate beyond its training targets) follows level shifts such as the autumn price rise. `minusLatest`: the
 * latest known same hour, so the forest learns corrections to persistence and carries no season's mean level.
 */
export const TARGET_TRANSFORMS = ['level', 'minusMean24', 'minusLatest'] as const;
export type TargetTransform = (typeof TARGET_TRANSFORMS)[number];

/** Transforms the trainer tries per kind; it keeps the one with the lower validation MAE (train.ts). */
export function targetCandidates(kind: SeriesKind): TargetTransform[] {
  return kind === 'pv' ? ['level', 'minusLatest'] : ['minusMean24', 'minusLatest'];
}

/** The baseline of a feature row under a transform, in the series' unit. */
export function baselineOf(kind: SeriesKind, tr: TargetTransform, row: readonly number[]): number {
  if (tr === 'level') return 0;
  const col = featureNames(kind).indexOf(tr === 'minusMean24' ? 'mean24Known' : 'lagLatestSameHour');
  return row[col] as number;
}

/**
 * Column subsets the trainer tries. `noDoy` drops the day-of-year columns: with one year of data the held-out season
 * is never seen in training, and a forest maps an unseen day of year onto whichever trained season its split puts it
 * with (e.g. Mumbai's October onto the monsoon), which the clear-sky and lag columns do not need.
 */
export function featureSetCandidates(kind: SeriesKind): { name: string; features: string[] }[] {
  const all = featureNames(kind);
  return [
    { name: 'all', features: all },
    { name: 'noDoy', features: all.filter((f) => f !== 'doySin' && f !== 'doyCos') },
  ];
}

/** The columns `used` (names from `names`) of each row, in the order of `used`. */
export function selectColumns(
  rows: readonly (readonly number[])[],
  names: readonly string[],
  used: readonly string[],
): number[][] {
  const idx = used.map((u) => {
    const i = names.indexOf(u);
    if (i < 0) throw new InputError('usedFeatures', `unknown feature ${u}`);
    return i;
  });
  return rows.map((r) => idx.map((i) => r[i] as number));
}

/** Hyper-parameters. Small on purpose: every tree ships in the package as JSON. */
export interface ForestOptions {
  nEstimators: number;
  maxDepth: number;
  minNumSamples: number;
  /** Fraction of the features each tree sees (ml-random-forest bags features per tree, not per split). */
  maxFeatures: number;
  /** Rows drawn (without replacement, seeded) from the training days before bagging; bounds CART's O(n^2) split search. */
  maxRows: number;
  seed: number;
}

export const DEFAULT_FOREST: ForestOptions = {
  nEstimators: 20,
  maxDepth: 8,
  minNumSamples: 20,
  maxFeatures: 0.8,
  maxRows: 1500,
  seed: 20230101,
};

/** A trained model as shipped in models/<key>.json. */
export interface ShippedModel {
  format: typeof MODEL_FORMAT;
  key: string;
  kind: SeriesKind;
  featureNames: string[];
  /** The columns of featureNames the forest was trained on, in order. */
  usedFeatures: string[];
  target: TargetTransform;
  /** Days D (00:00 UTC, seconds) whose 24 hours were training rows: [fromUtcS, toUtcS). */
  trainDays: { fromUtcS: number; toUtcS: number };
  forest: ForestOptions;
  /** Mean validation MAE over SELECT_FOLDS of each candidate `transform/featureSet`, series unit. */
  selection: Record<string, number>;
  /** `RandomForestRegression#toJSON()` with the tree nodes stripped to what `load` reads (see compactForest). */
  rf: unknown;
}

/** Issue times (12:00 UTC of D-1) of every day D with 00:00 UTC in [fromUtcS, toUtcS). */
export function issueTimes(fromUtcS: number, toUtcS: number): number[] {
  if (fromUtcS % DAY_S !== 0 || toUtcS % DAY_S !== 0) {
    throw new InputError('days', 'fromUtcS and toUtcS must be 00:00 UTC');
  }
  const out: number[] = [];
  for (let d = fromUtcS; d < toUtcS; d += DAY_S) out.push(d - DAY_S / 2);
  return out;
}

/** Feature rows, targets under `tr`, their baselines and the actuals for the days in [fromUtcS, toUtcS) of a history. */
export function buildDataset(
  kind: SeriesKind,
  history: HourlyHistory,
  site: ClearSkySite | null,
  fromUtcS: number,
  toUtcS: number,
  tr: TargetTransform,
): { X: number[][]; y: number[]; baseline: number[]; actual: number[] } {
  const X: number[][] = [];
  const y: number[] = [];
  const baseline: number[] = [];
  const actual: number[] = [];
  for (const issue of issueTimes(fromUtcS, toUtcS)) {
    const rows = dayAheadFeatures(kind, history, issue, site);
    const first = (issue + DAY_S / 2 - history.startUtcS) / 3600;
    rows.forEach((r, h) => {
      const a = history.values[first + h];
      if (a === undefined || !Number.isFinite(a))
        throw new InputError(`history.values[${first + h}]`, 'missing actual');
      const b = baselineOf(kind, tr, r);
      X.push(r);
      y.push(a - b);
      baseline.push(b);
      actual.push(a);
    });
  }
  return { X, y, baseline, actual };
}

/** Trains a forest (Breiman 2001 random forest as implemented by mljs ml-random-forest / ml-cart CART trees). */
export function trainForest(X: number[][], y: number[], opts: ForestOptions = DEFAULT_FOREST): RandomForestRegression {
  if (X.length === 0 || X.length !== y.length) throw new InputError('X', `need as many rows as targets (> 0)`);
  // seeded subsample without replacement (partial Fisher-Yates), so training is deterministic and bounded
  const idx = X.map((_, i) => i);
  const rand = mulberry32(opts.seed);
  const n = Math.min(opts.maxRows, idx.length);
  for (let i = 0; i < n; i++) {
    const j = i + Math.floor(rand() * (idx.length - i));
    [idx[i], idx[j]] = [idx[j] as number, idx[i] as number];
  }
  const pick = idx.slice(0, n);
  const rf = new RandomForestRegression({
    nEstimators: opts.nEstimators,
    maxFeatures: opts.maxFeatures,
    replacement: false,
    seed: opts.seed,
    useSampleBagging: true,
    noOOB: true,
    treeOptions: { maxDepth: opts.maxDepth, minNumSamples: opts.minNumSamples },
  });
  rf.train(
    pick.map((i) => X[i] as number[]),
    pick.map((i) => y[i] as number),
  );
  return rf;
}

/** Rounds to `sig` significant digits: split values and leaf means do not need 17 digits in a shipped file. */
function roundSig(x: number, sig: number): number {
  if (x === 0 || !Number.isFinite(x)) return x;
  return Number(x.toPrecision(sig));
}

/**
 * Strips an ml-cart tree node to the fields `TreeNode#setNodeParameters` reads (split column/value and children, or the
 * leaf `distribution`), dropping the per-node copies of the options and training statistics; the file shrinks ~5x.
 */
function compactNode(node: Record<string, unknown>, sig: number): Record<string, unknown> {
  if (node['distribution'] !== undefined) return { distribution: roundSig(node['distribution'] as number, sig) };
  return {
    splitColumn: node['splitColumn'],
    splitValue: roundSig(node['splitValue'] as number, sig),
    left: compactNode(node['left'] as Record<string, unknown>, sig),
    right: compactNode(node['right'] as Record<string, unknown>, sig),
  };
}

/** JSON of a trained forest, tree nodes compacted and numbers rounded to 6 significant digits. */
export function compactForest(rf: RandomForestRegression): unknown {
  const json = JSON.parse(JSON.stringify(rf.toJSON())) as {
    baseModel: { estimators: { root: Record<string, unknown> }[] };
  };
  for (const est of json.baseModel.estimators) est.root = compactNode(est.root, 6);
  return json;
}

/** A loaded model ready to predict. */
export interface LoadedModel {
  meta: ShippedModel;
  rf: RandomForestRegression;
}

/** Validates a parsed model file and restores its forest with `RandomForestRegression.load`. */
export function loadModel(json: unknown, field = 'model'): LoadedModel {
  const m = json as Partial<ShippedModel> | null;
  if (m === null || typeof m !== 'object' || m.format !== MODEL_FORMAT) {
    throw new InputError(`${field}.format`, `expected ${MODEL_FORMAT}`);
  }
  if (m.kind === undefined || !Array.isArray(m.featureNames) || m.featureNames.join() !== featureNames(m.kind).join()) {
    throw new InputError(`${field}.featureNames`, `do not match the feature builder of kind ${String(m.kind)}`);
  }
  if (
    !Array.isArray(m.usedFeatures) ||
    m.usedFeatures.length === 0 ||
    m.usedFeatures.some((f) => !m.featureNames?.includes(f))
  ) {
    throw new InputError(`${field}.usedFeatures`, 'must be a non-empty subset of featureNames');
  }
  if (m.target === undefined || !TARGET_TRANSFORMS.includes(m.target))
    throw new InputError(`${field}.target`, 'unknown transform');
  const rf = RandomForestRegression.load(m.rf as Parameters<typeof RandomForestRegression.load>[0]);
  return { meta: m as ShippedModel, rf };
}

/**
 * Physical bounds applied to predictions: PV is >= 0 and 0 when the clear sky is dark; carbon >= 0; demand (CPU
 * utilisation) in [0, 1]; prices unbounded (negative prices occur).
 */
export function clampPrediction(kind: SeriesKind, value: number, row: readonly number[]): number {
  if (kind === 'pv') {
    const cs = row[featureNames('pv').indexOf('clearSkyGhiWm2')] ?? 0;
    return cs <= 0 ? 0 : Math.max(0, value);
  }
  if (kind === 'carbon') return Math.max(0, value);
  if (kind === 'demand') return Math.min(1, Math.max(0, value));
  return value;
}

/** Predicts the 24 values of day D from its feature rows (dayAheadFeatures), in the series' own unit. */
export function predictRows(model: LoadedModel, rows: number[][]): number[] {
  const raw = model.rf.predict(selectColumns(rows, model.meta.featureNames, model.meta.usedFeatures));
  return raw.map((p, i) => {
    const row = rows[i] as number[];
    const b = baselineOf(model.meta.kind, model.meta.target, row);
    return clampPrediction(model.meta.kind, p + b, row);
  });
}
