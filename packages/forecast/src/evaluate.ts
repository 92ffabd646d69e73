// Held-out evaluation: MAE of a model and of seasonal-naive persistence, and the skill score. Pure.
import { persistenceDayAhead, type ClearSkySite, type HourlyHistory, type SeriesKind } from './features.ts';
import { buildDataset, predictRows, type LoadedModel } from './model.ts';

/** One row of the evaluation table. MAEs are in the series' unit (USD/MWh, gCO2eq/kWh, Wh per kWp, utilisation). */
export interface SeriesScore {
  key: string;
  unit: string;
  /** Hours evaluated (24 per held-out day). */
  hours: number;
  maeModel: number;
  maePersistence: number;
  /** 1 - MAE_model / MAE_persistence (Murphy 1988 skill score with MAE); > 0 means the model beats persistence. */
  skill: number;
}

/** Mean absolute error of two equal-length arrays. */
export function mae(pred: readonly number[], actual: readonly number[]): number {
  if (pred.length !== actual.length || pred.length === 0)
    throw new Error('mae: arrays must be non-empty and equal length');
  let s = 0;
  for (let i = 0; i < pred.length; i++) s += Math.abs((pred[i] as number) - (actual[i] as number));
  return s / pred.length;
}

/**
 * Scores `model` on the days D in [fromUtcS, toUtcS), each forecast issued at 12:00 UTC of D-1, against persistence
 * (24 h before where known at issue time, else 168 h before; see persistenceDayAhead).
 */
export function evaluateSeries(
  model: LoadedModel,
  series: { key: string; unit: string; kind: SeriesKind; history: HourlyHistory; site: ClearSkySite | null },
  fromUtcS: number,
  toUtcS: number,
): SeriesScore {
  const ds = buildDataset(series.kind, series.history, series.site, fromUtcS, toUtcS, model.meta.target);
  const pred: number[] = [];
  const pers: number[] = [];
  for (let k = 0; k < ds.X.length; k += 24) {
    pred.push(...predictRows(model, ds.X.slice(k, k + 24)));
    const dayStart = fromUtcS + (k / 24) * 86_400;
    pers.push(...persistenceDayAhead(series.history, dayStart - 43_200));
  }
  const maeModel = mae(pred, ds.actual);
  const maePersistence = mae(pers, ds.actual);
  return {
    key: series.key,
    unit: series.unit,
    hours: ds.actual.length,
    maeModel,
    maePersistence,
    skill: maePersistence > 0 ? 1 - maeModel / maePersistence : Number.NaN,
  };
}

/** Markdown table of scores (MAEs to 3 significant digits, skill to 3 decimals). */
export function scoresMarkdown(scores: readonly SeriesScore[]): string {
  const lines = [
    '| series | unit | hours | MAE model | MAE persistence | skill |',
    '|---|---|---:|---:|---:|---:|',
    ...scores.map(
      (s) =>
        `| ${s.key} | ${s.unit} | ${s.hours} | ${s.maeModel.toPrecision(3)} | ${s.maePersistence.toPrecision(3)} | ${s.skill.toFixed(3)} |`,
    ),
  ];
  return lines.join('\n') + '\n';
}
