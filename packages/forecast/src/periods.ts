// The split of 2023 into training and held-out days (UTC). Training needs D-7 of its first day, so it starts on Jan 8.

const utc = (m: number, d: number): number => Date.UTC(2023, m, d) / 1000;

/** Training days D: 2023-01-08 .. 2023-09-30 (00:00 UTC of D in [fromUtcS, toUtcS)). */
export const TRAIN_DAYS = { fromUtcS: utc(0, 8), toUtcS: utc(9, 1) } as const;
/** Held-out days D: 2023-10-01 .. 2023-12-31; never seen in training (their lags reach back into late September). */
export const HOLDOUT_DAYS = { fromUtcS: utc(9, 1), toUtcS: utc(12, 1) } as const;
/**
 * Folds inside the training days on which train.ts chooses each series' target transform and feature set (mean
 * validation MAE over the folds). Each validation block has days of year its fit never saw, like the held-out
 * quarter: summer validated on a winter-spring fit, and winter validated on a spring-summer fit.
 */
export const SELECT_FOLDS = [
  { fit: { fromUtcS: utc(0, 8), toUtcS: utc(7, 1) }, validate: { fromUtcS: utc(7, 1), toUtcS: utc(9, 1) } },
  { fit: { fromUtcS: utc(3, 1), toUtcS: utc(9, 1) }, validate: { fromUtcS: utc(0, 8), toUtcS: utc(3, 1) } },
] as const;
