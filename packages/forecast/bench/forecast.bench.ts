// Held-out skill of the shipped day-ahead models (days 2023-10-01..12-31, issued 12:00 UTC of D-1).
//   node --import tsx packages/forecast/bench/forecast.bench.ts
// Prints the table and writes it to packages/forecast/bench/forecast.results.md for BENCHMARKS.md.
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { evaluateSeries, scoresMarkdown } from '../src/evaluate.ts';
import { HOLDOUT_DAYS, TRAIN_DAYS } from '../src/periods.ts';
import { allSeriesRefs, loadSeries } from '../src/series.ts';
import { shippedModel } from '../src/shipped.ts';

const t0 = Date.now();
const scores = allSeriesRefs().map((ref) => {
  const s = loadSeries(ref);
  return evaluateSeries(shippedModel(s.key), s, HOLDOUT_DAYS.fromUtcS, HOLDOUT_DAYS.toUtcS);
});
const day = (s: number): string => new Date(s * 1000).toISOString().slice(0, 10);
const md =
  `### Day-ahead forecasts (packages/forecast)\n\n` +
  `Random forest (ml-random-forest 2.1.0) per series, trained on days ${day(TRAIN_DAYS.fromUtcS)}..${day(TRAIN_DAYS.toUtcS - 86400)}, ` +
  `scored on held-out days ${day(HOLDOUT_DAYS.fromUtcS)}..${day(HOLDOUT_DAYS.toUtcS - 86400)}; every forecast issued 12:00 UTC of D-1 ` +
  `for the 24 UTC hours of D. Persistence: the value 24 h before for hours 00-11 (known at issue), 168 h before for ` +
  `hours 12-23. Skill = 1 - MAE_model / MAE_persistence.\n` +
  `Command: \`node --import tsx packages/forecast/bench/forecast.bench.ts\`\n\n` +
  scoresMarkdown(scores);
process.stdout.write(md);
const out = join(dirname(fileURLToPath(import.meta.url)), 'forecast.results.md');
writeFileSync(out, md);
process.stderr.write(`wrote ${out} in ${((Date.now() - t0) / 1000).toFixed(1)} s\n`);
