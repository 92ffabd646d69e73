// Site optimizer benchmark: HiGHS rolling-horizon optimizer vs the rule-based baseline over 2023 in
// every zone and for every site type, plus the solve time of one 48 h x 15 min plan. Prints a
// markdown report; with --write also replaces the "## Site optimizer" section of BENCHMARKS.md.
// Options: --sites station,pile,home  --zones SG,DE-LU  (defaults: all).
import { cpus } from 'node:os';
import { defaultSite, planWindow, progressBar, simulateYear, SITE_TYPES, listZones } from '../src/index.ts';
import type { SiteType, YearResult, ZoneId } from '../src/index.ts';
import { updateSection } from './benchmarksMd.ts';

function arg(name: string): string[] | null {
  const i = process.argv.indexOf(name);
  const v = i >= 0 ? process.argv[i + 1] : undefined;
  return v ? v.split(',') : null;
}
const sites = (arg('--sites') ?? [...SITE_TYPES]) as SiteType[];
const zones = (arg('--zones') ?? listZones()) as ZoneId[];

/** Costs a site pays in the year (bill + battery wear + carbon + penalties), micro-USD. */
const costSide = (r: YearResult) =>
  r.totals.electricityBillUsdc6 + r.totals.degradationCostUsdc6 + r.totals.carbonCostUsdc6 + r.totals.penaltyUsdc6;
const pct = (x: number) => `${(x * 100).toFixed(1)} %`;
const usd = (usdc6: number) => `$${Math.round(usdc6 / 1e6).toLocaleString('en-US')}`;

const rows: string[] = [];
const savings: number[] = [];
const cuts: number[] = [];
const t00 = performance.now();
for (const site of sites) {
  for (const zone of zones) {
    const cfg = defaultSite(site, zone);
    const t0 = performance.now();
    const opt = await simulateYear({
      zone,
      site: cfg,
      controller: 'optimizer',
      onProgress: progressBar(`${zone} ${site} optimizer`),
    });
    const optS = (performance.now() - t0) / 1000;
    const rule = await simulateYear({ zone, site: cfg, controller: 'rule' });
    const free = await simulateYear({ zone, site: cfg, controller: 'optimizer', emissionsGuard: false });
    // saving counts everything the controllers trade off: bill, wear, carbon, penalties AND revenue
    // (a controller that drops paid compute or EV energy loses that revenue)
    const saving = (r: YearResult) => (rule.totals.netCostUsdc6 - r.totals.netCostUsdc6) / costSide(rule);
    const bill =
      (rule.totals.electricityBillUsdc6 - opt.totals.electricityBillUsdc6) / Math.abs(rule.totals.electricityBillUsdc6);
    const em = (r: YearResult) => (rule.totals.emissionsGCo2 - r.totals.emissionsGCo2) / rule.totals.emissionsGCo2;
    savings.push(saving(opt));
    cuts.push(em(opt));
    rows.push(
      `| ${zone} | ${site} | ${usd(costSide(rule))} | ${usd(costSide(opt))} | ${pct(saving(opt))} | ${pct(bill)} | ${pct(em(opt))} | ` +
        `${(rule.totals.emissionsGCo2 / 1e6).toFixed(1)} -> ${(opt.totals.emissionsGCo2 / 1e6).toFixed(1)} | ` +
        `${pct(saving(free))} / ${pct(em(free))} | ` +
        `${opt.totals.gpuHoursUnmet.toFixed(1)} / ${rule.totals.gpuHoursUnmet.toFixed(1)} | ` +
        `${(opt.totals.evUnmetWh / 1000).toFixed(0)} / ${(rule.totals.evUnmetWh / 1000).toFixed(0)} | ${optS.toFixed(1)} s |`,
    );
  }
}
const totalS = (performance.now() - t00) / 1000;

// One 48 h x 15 min plan (192 steps): optimizer (LP build + HiGHS solve) vs rule, same window.
const planRows: string[] = [];
for (const site of ['station', 'pile', 'home'] as SiteType[]) {
  const cfg = defaultSite(site, 'DE-LU');
  const startHour = 24 * 180; // 2023-06-30, a summer weekday
  await planWindow({ zone: 'DE-LU', site: cfg, controller: 'optimizer', startHour, stepMinutes: 15 }); // warm-up (load HiGHS, data)
  const runs = [];
  for (let i = 0; i < 5; i++)
    runs.push(await planWindow({ zone: 'DE-LU', site: cfg, controller: 'optimizer', startHour, stepMinutes: 15 }));
  const ruleRuns = [];
  for (let i = 0; i < 5; i++)
    ruleRuns.push(await planWindow({ zone: 'DE-LU', site: cfg, controller: 'rule', startHour, stepMinutes: 15 }));
  const med = (a: number[]) => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)] ?? 0;
  const planMs = med(runs.map((r) => r.planMs));
  const solveMs = med(runs.map((r) => r.solveMs));
  const ruleMs = med(ruleRuns.map((r) => r.planMs));
  planRows.push(
    `| ${site} | ${runs[0]?.steps.length} | ${solveMs.toFixed(0)} ms | ${planMs.toFixed(0)} ms | ${ruleMs.toFixed(2)} ms | ${(planMs / ruleMs).toFixed(0)}x |`,
  );
}

const mean = savings.reduce((a, b) => a + b, 0) / Math.max(1, savings.length);
const body = `Command: \`npm run bench -w packages/energy -- --write\` (= \`node --import tsx packages/energy/bench/site.bench.ts --write\`;
the root \`npm run bench\` runs it without \`--write\`). Machine: ${cpus().length} cores, ${cpus()[0]?.model ?? 'unknown CPU'}, Node ${process.version}.

Year 2023 (8,760 h) per zone with the default site of each type (\`defaultSite(type, zone)\`), real hourly prices,
carbon intensity and weather. GPU rental price, demand utilisation and EV charging price are \`defaultSite\`'s, the
same the investment models (\`greenhour invest\`) use. Optimizer: HiGHS LP, rolling horizon (plan 48 h, commit 24 h,
60-min steps, perfect foresight of prices/PV/demand inside the window; the same on day-ahead forecasts is the next
section) with the emissions guard on (each plan's grid emissions at most the rule-based controller's on the same window
from the same state, with a ledger against the rule run alongside; \`packages/energy/src/guard.ts\` says why). Baseline:
rule-based self-consumption controller (same accounting, same physics via the same commit step).

*cost* = electricity bill (import + demand charge + fixed - export) + battery wear + carbon at $50/t + unmet-demand
penalties; *saving* = (net cost_rule - net cost_opt) / cost_rule, where net cost also subtracts compute and EV
revenue (so a controller cannot "save" by dropping paid work). *bill saving* compares the electricity bill alone
(above 100 %: the optimized bill is negative, export earnings exceed import, demand and fixed charges).
Emissions: grid import x Electricity Maps life-cycle intensity.

| zone | site | cost rule | cost opt | saving | bill saving | emissions cut | tCO2 rule -> opt | without the guard: saving / emissions cut | unmet GPU-h opt / rule | unmet EV kWh opt / rule | opt year run |
| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |
${rows.join('\n')}

Mean saving over the ${savings.length} zone-site pairs: ${pct(mean)} (goal >= 10 %; EMHASS reports 5-8 % over
rule-based). Whole table: ${totalS.toFixed(0)} s.

Smallest emissions cut over the pairs: ${pct(Math.min(...cuts))} (the guard: never below 0).

Reading the numbers: the optimizer has perfect foresight inside its 48 h window (the next section plans on
forecasts), and the baseline neither shaves peaks nor arbitrages, so demand charges (stations: GPU racks set the
monthly peak) and price spreads are where most of the saving comes from. Without the guard, SG's 2023 USEP (271
hours above $500/MWh, max $3,361) pays the optimizer to grid-charge the battery and export into the spikes, which
raises the station's emissions by about 30 %, since a $50/t carbon price is small against such spreads. With the
guard the optimizer keeps the trades that do not add emissions (peak shaving, shifting compute into PV and cheap
hours); what it gives up is the saving column's difference. Emission cuts elsewhere come from shifting compute and
charging into PV and low-carbon hours.

Single plan, 48 h at 15-min steps (DE-LU, 2023-06-30), median of 5 runs after a warm-up; goal <= 1 s:

| site | steps | HiGHS solve | plan (LP build + solve) | rule-based plan | ratio plan/rule |
| --- | --- | --- | --- | --- | --- |
${planRows.join('\n')}
`;
console.log(body);
if (process.argv.includes('--write')) {
  updateSection('## Site optimizer', body);
  console.error('updated BENCHMARKS.md section "## Site optimizer"');
}
