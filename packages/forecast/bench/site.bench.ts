// The site optimizer planning on the shipped day-ahead forecasts against perfect foresight, with and without the
// emissions guard, on the held-out quarter (days the models never saw), for the default site of each type and zone.
//   node --import tsx packages/forecast/bench/site.bench.ts
// Prints the table and writes it to packages/forecast/bench/site.results.md for BENCHMARKS.md.
import { writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defaultSite, listZones, progressBar, simulateYear, SITE_TYPES, type YearResult } from '@greenhour/energy';
import { HOLDOUT_DAYS } from '../src/periods.ts';
import { dayAheadSiteForecaster } from '../src/site.ts';

const YEAR_START_S = Date.UTC(2023, 0, 1) / 1000;
const window = {
  startHour: (HOLDOUT_DAYS.fromUtcS - YEAR_START_S) / 3600,
  hours: (HOLDOUT_DAYS.toUtcS - HOLDOUT_DAYS.fromUtcS) / 3600,
};
const costSide = (r: YearResult) =>
  r.totals.electricityBillUsdc6 + r.totals.degradationCostUsdc6 + r.totals.carbonCostUsdc6 + r.totals.penaltyUsdc6;
const pct = (x: number) => `${(x * 100).toFixed(1)} %`;
const usd = (usdc6: number) => `$${Math.round(usdc6 / 1e6).toLocaleString('en-US')}`;

const forecaster = dayAheadSiteForecaster();
const rows: string[] = [];
const fcSavings: number[] = [];
const pfSavings: number[] = [];
const fcCuts: number[] = [];
const t0 = performance.now();
const pairs = SITE_TYPES.flatMap((type) => listZones().map((zone) => ({ type, zone })));
const bar = progressBar('site optimizer on forecasts');
let done = 0;
for (const { type, zone } of pairs) {
  const site = defaultSite(type, zone);
  const run = (o: Partial<Parameters<typeof simulateYear>[0]>) =>
    simulateYear({ zone, site, controller: 'optimizer', ...window, ...o });
  const rule = await run({ controller: 'rule' });
  const pf = await run({});
  const tf = performance.now();
  const fc = await run({ forecaster });
  const fcS = (performance.now() - tf) / 1000;
  const pfFree = await run({ emissionsGuard: false });
  const fcFree = await run({ forecaster, emissionsGuard: false });
  const saving = (r: YearResult) => (rule.totals.netCostUsdc6 - r.totals.netCostUsdc6) / costSide(rule);
  const cut = (r: YearResult) => (rule.totals.emissionsGCo2 - r.totals.emissionsGCo2) / rule.totals.emissionsGCo2;
  const late = (r: YearResult) => r.totals.gpuHoursUnmet - r.totals.gpuHoursQueuedAtEnd;
  pfSavings.push(saving(pf));
  fcSavings.push(saving(fc));
  fcCuts.push(cut(fc));
  rows.push(
    `| ${zone} | ${type} | ${usd(costSide(rule))} | ${pct(saving(pf))} | **${pct(saving(fc))}** | ${pct(cut(pf))} | **${pct(cut(fc))}** | ` +
      `${pct(saving(pfFree))} / ${pct(cut(pfFree))} | ${pct(saving(fcFree))} / ${pct(cut(fcFree))} | ` +
      `${late(fc).toFixed(1)} / ${fc.totals.gpuHoursQueuedAtEnd.toFixed(0)} | ${fc.guardFallbackBlocks} | ${fcS.toFixed(1)} s |`,
  );
  bar(++done / pairs.length);
}
const mean = (a: number[]) => a.reduce((s, x) => s + x, 0) / Math.max(1, a.length);
const day = (s: number): string => new Date(s * 1000).toISOString().slice(0, 10);
const md = `### Site optimizer on day-ahead forecasts (packages/forecast/bench/site.bench.ts)

Command: \`node --import tsx packages/forecast/bench/site.bench.ts\` (in \`npm run bench\`). Machine: ${cpus().length} cores,
${cpus()[0]?.model ?? 'unknown CPU'}, Node ${process.version}. Whole table: ${((performance.now() - t0) / 1000).toFixed(0)} s.

Held-out days ${day(HOLDOUT_DAYS.fromUtcS)}..${day(HOLDOUT_DAYS.toUtcS - 86400)} (the forecast models never saw them), the default
site of each type and zone, same costs and accounting as the table above. *PF*: the optimizer plans each 48 h window on
the actual series. *forecast*: on the shipped day-ahead forecasts (\`dayAheadSiteForecaster\`): at 00:00 UTC it knows the
day's price, carbon, reference PV (scaled to the site by its measured PV of the 28 days before) and GPU workload, issued
12:00 UTC the day before, and repeats them for the second day, whose forecast is not out yet. The plan meets the actual
hours through \`followPlan\`: the battery, compute and EV setpoints are the plan's, the grid takes the difference; compute
and car charging that can no longer wait run anyway; an import above the month's peak so far is covered by the battery.
Guard: each plan capped at the rule's grid emissions on the same inputs, with a ledger against the rule run alongside on
the actual hours, so that a forecast error overspent in one block is paid back in the next (see guard.ts).

| zone | site | cost rule | saving PF | saving forecast | emissions cut PF | emissions cut forecast | no guard PF: saving / cut | no guard forecast: saving / cut | GPU-h late / queued at end (forecast) | guard fallbacks | forecast run |
| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |
${rows.join('\n')}

Mean saving over the ${rows.length} pairs: perfect foresight ${pct(mean(pfSavings))}, day-ahead forecasts ${pct(mean(fcSavings))}.
Smallest emissions cut on forecasts: ${pct(Math.min(...fcCuts))} (the guard: never below 0).
`;
process.stdout.write(md);
const out = join(dirname(fileURLToPath(import.meta.url)), 'site.results.md');
writeFileSync(out, md);
process.stderr.write(`wrote ${out}\n`);
