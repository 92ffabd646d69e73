// Exact model: a mixed-integer program (MILP) solved by HiGHS, for small instances and as the lower bound of the
// heuristic. Integrality is needed: GPUs are whole, a job is placed entirely or not at all, and "on one node" is a
// choice among nodes. With `relax: true` the same model is solved as an LP (all integrality dropped), which gives a
// weaker lower bound for instances too big for the MILP.
//
// Indices: job j, eligible node-hour i (window, class, max price, free GPUs > 0; sharded: home nodes of zones that
// have an aggregator). P_i = GPU power W (Wh per GPU-hour), c_i = carbon cost of one grid Wh, usdc6.
//   x_j_i  integer GPUs of j on i, 0..free_i        g_j_i  green Wh given to j on i, 0..min(green_i, P_i free_i)
//   v_j    binary, 1 = j unplaced                   y_j_k  binary, j uses group k (its node; sharded: its zone)
// minimise   sum (price_i + P_i c_i) x_j_i - c_i g_j_i  +  penalty x gpuHours_j x v_j
// subject to sum_i x_j_i + gpuHours_j v_j = gpuHours_j               (all GPU-hours in the window, or unplaced)
//            g_j_i <= P_i x_j_i                                      (green only for energy actually used)
//            sum_j x_j_i <= free_i,  sum_j g_j_i <= green_i          (node-hour GPUs and green Wh shared by jobs)
//            10000 sum_i g_j_i >= minGreenBps_j sum_i P_i x_j_i      (minimum green share)
//            sum_k y_j_k + v_j = 1,  x_j_i <= free_i y_j_k(i)        (one node; sharded: one zone)
// Sharded jobs are not forced to equal width per slot here (the heuristic's gang rule), so the model is a
// relaxation of every heuristic plan and its optimum is a valid lower bound.
import { getHighs } from '@greenhour/energy';
import { aggregatorsByZone, eligible, makePlacement, nhKey, objectiveUsdc6 } from './model.ts';
import type { Assignment, Placement, Plan, Problem, Unplaced } from './types.ts';
import { InputError } from '@greenhour/errors';
import { validateProblem } from './validate.ts';

export interface ExactOptions {
  /** Solve the LP relaxation instead of the MILP (plan is then null). Default false. */
  relax?: boolean;
  /** HiGHS wall-clock limit, s. Default 60. */
  timeLimitS?: number;
}

export interface ExactResult {
  /** HiGHS model status ('Optimal' when proved). */
  status: string;
  /** Optimal objective, usdc6 (the lower bound for any plan of the same problem). */
  objectiveUsdc6: number;
  /** Expected emissions of the solution, g (fractional for the relaxation). */
  emissionsG: number;
  /** The plan (MILP only; null for the relaxation). */
  plan: Plan | null;
  /** Wall time spent in HiGHS, ms. */
  solveMs: number;
  /** Rows / columns of the model, for sizing. */
  rows: number;
  columns: number;
}

const fmt = (x: number): string => (Math.abs(x) < 1e-12 ? '0' : String(Number(x.toPrecision(15))));
function expr(terms: readonly (readonly [number, string])[]): string {
  const out: string[] = [];
  terms.forEach(([c, v], k) => {
    if (c === 0) return;
    const s = c < 0 ? '-' : '+';
    out.push(`${k === 0 && s === '+' ? '' : s + ' '}${fmt(Math.abs(c))} ${v}`);
    if (out.length % 6 === 0) out.push('\n  ');
  });
  return out.join(' ');
}

/** Build and solve the exact model. Validates the problem (InputError naming the field). */
export async function solveExact(problem: Problem, opts: ExactOptions = {}): Promise<ExactResult> {
  const s = validateProblem(problem);
  const timeLimitS = opts.timeLimitS ?? 60;
  if (typeof timeLimitS !== 'number' || !(timeLimitS > 0)) throw new InputError('timeLimitS', 'must be > 0');
  const { jobs, nodeHours } = problem;
  const cp = s.carbonPriceUsdPerT / 1000; // usdc6 per (Wh x g/kWh)
  const aggs = aggregatorsByZone(nodeHours);
  const obj: [number, string][] = [];
  const rows: string[] = [];
  const bounds: string[] = [];
  const ints: string[] = [];
  const capTerms = nodeHours.map(() => [] as [number, string][]);
  const greenTerms = nodeHours.map(() => [] as [number, string][]);
  const vars: { j: number; i: number }[][] = jobs.map(() => []);
  jobs.forEach((job, j) => {
    const v = `v${j}`;
    bounds.push(` 0 <= ${v} <= 1`);
    ints.push(v);
    obj.push([s.unplacedPenaltyUsdc6PerGpuHour * job.gpuHours, v]);
    const demand: [number, string][] = [[job.gpuHours, v]];
    const share: [number, string][] = [];
    const groups = new Map<string, number[]>();
    nodeHours.forEach((n, i) => {
      if (!eligible(job, n)) return;
      if (job.sharded && !aggs.has(n.zone)) return;
      const x = `x${j}_${i}`;
      const g = `g${j}_${i}`;
      vars[j]!.push({ j, i });
      bounds.push(` 0 <= ${x} <= ${n.freeGpus}`, ` 0 <= ${g} <= ${fmt(Math.min(n.greenWh, n.freeGpus * n.gpuPowerW))}`);
      ints.push(x);
      obj.push([n.priceUsdc6PerGpuHour + n.gpuPowerW * n.carbonGPerKwh * cp, x], [-n.carbonGPerKwh * cp, g]);
      demand.push([1, x]);
      rows.push(
        ` gc${j}_${i}: ${expr([
          [1, g],
          [-n.gpuPowerW, x],
        ])} <= 0`,
      );
      share.push([10_000, g], [-job.minGreenBps * n.gpuPowerW, x]);
      capTerms[i]!.push([1, x]);
      greenTerms[i]!.push([1, g]);
      const k = job.sharded ? n.zone : n.nodeId;
      let l = groups.get(k);
      if (!l) groups.set(k, (l = []));
      l.push(i);
    });
    rows.push(` d${j}: ${expr(demand)} = ${job.gpuHours}`);
    if (share.length && job.minGreenBps > 0) rows.push(` s${j}: ${expr(share)} >= 0`);
    if (groups.size > 1) {
      const pick: [number, string][] = [[1, v]];
      let k = 0;
      for (const idx of groups.values()) {
        const y = `y${j}_${k++}`;
        bounds.push(` 0 <= ${y} <= 1`);
        ints.push(y);
        pick.push([1, y]);
        for (const i of idx)
          rows.push(
            ` l${j}_${i}: ${expr([
              [1, `x${j}_${i}`],
              [-nodeHours[i]!.freeGpus, y],
            ])} <= 0`,
          );
      }
      rows.push(` p${j}: ${expr(pick)} = 1`);
    }
  });
  nodeHours.forEach((n, i) => {
    if (capTerms[i]!.length > 1) rows.push(` c${i}: ${expr(capTerms[i]!)} <= ${n.freeGpus}`);
    if (greenTerms[i]!.length > 1) rows.push(` e${i}: ${expr(greenTerms[i]!)} <= ${fmt(n.greenWh)}`);
  });
  const lp = [
    'Minimize',
    ` obj: ${obj.length ? expr(obj) : '0'}`,
    'Subject To',
    ...(rows.length ? rows : [' r0: v0 >= 0']),
    'Bounds',
    ...bounds,
    ...(opts.relax || ints.length === 0 ? [] : ['General', ...ints.map((x) => ` ${x}`)]),
    'End',
  ].join('\n');
  if (jobs.length === 0) {
    return {
      status: 'Optimal',
      objectiveUsdc6: 0,
      emissionsG: 0,
      plan: { placements: [], unplaced: [], objectiveUsdc6: 0 },
      solveMs: 0,
      rows: 0,
      columns: 0,
    };
  }
  const highs = await getHighs();
  const t0 = performance.now();
  // tight gaps: the penalty puts the objective near 1e9 x GPU-hours, so the default 1e-4 relative gap would allow
  // sub-optimal placements worth thousands of USD
  const sol = highs.solve(lp, {
    time_limit: timeLimitS,
    mip_rel_gap: 1e-9,
    mip_abs_gap: 1e-6,
    output_flag: false,
  });
  const solveMs = performance.now() - t0;
  const status = sol.Status;
  if (status !== 'Optimal' && status !== 'Time limit reached')
    throw new Error(`HiGHS: exact model not solved (${status})`);
  // a MILP stopped by its time limit before HiGHS found any feasible point has no plan to read
  if (!opts.relax && status === 'Time limit reached' && !Number.isFinite(sol.ObjectiveValue))
    throw new Error(`HiGHS: time limit of ${timeLimitS} s reached before any feasible plan was found`);
  const col = (name: string): number => (sol.Columns[name] as { Primal?: number } | undefined)?.Primal ?? 0;
  let emissionsG = 0;
  const byKey = new Map(nodeHours.map((n) => [nhKey(n.nodeId, n.slot), n]));
  const placements: Placement[] = [];
  const unplaced: Unplaced[] = [];
  let unplacedGpuHours = 0;
  jobs.forEach((job, j) => {
    const assignments: Assignment[] = [];
    for (const { i } of vars[j]!) {
      const n = nodeHours[i]!;
      const x = col(`x${j}_${i}`);
      const g = col(`g${j}_${i}`);
      emissionsG += ((x * n.gpuPowerW - g) * n.carbonGPerKwh) / 1000;
      const gpus = Math.round(x);
      if (gpus > 0)
        assignments.push({
          nodeId: n.nodeId,
          slot: n.slot,
          gpus,
          greenWh: Math.min(Math.max(0, g), gpus * n.gpuPowerW),
        });
    }
    if (opts.relax) return;
    if (col(`v${j}`) > 0.5) {
      unplaced.push({ jobId: job.id, reason: 'no feasible placement (or placing it would displace more GPU-hours)' });
      unplacedGpuHours += job.gpuHours;
      return;
    }
    const first = assignments[0];
    if (!first) throw new Error(`HiGHS: the solution places job ${job.id} but assigns it no GPU-hour`);
    const zone = byKey.get(nhKey(first.nodeId, first.slot))!.zone;
    placements.push(makePlacement(job, assignments, byKey, job.sharded ? (aggs.get(zone) ?? null) : null));
  });
  const plan = opts.relax
    ? null
    : { placements, unplaced, objectiveUsdc6: objectiveUsdc6(placements, unplacedGpuHours, s) };
  return {
    status,
    objectiveUsdc6: sol.ObjectiveValue,
    emissionsG,
    plan,
    solveMs,
    rows: rows.length,
    columns: bounds.length,
  };
}
