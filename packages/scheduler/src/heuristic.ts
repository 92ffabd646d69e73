// Fast greedy scheduler for fleet scale.
//
// Rule: jobs in earliest-deadline-first order (ties: earliest start, then id). Each job takes the cheapest feasible
// GPU-hours of its window, where one GPU-hour on a node-hour costs price + grid Wh x intensity x carbon price, and
// green energy is consumed as it is allocated (the first GPUs on a node-hour get its green Wh, so later GPUs there
// cost more). If the cheapest choice misses the job's minimum green share, it retries taking the greenest GPU-hours
// first; if that also misses (or capacity is short) the job is left unplaced with the reason.
//
//  - Not sharded: the job runs on one node; every node with capacity in the window is costed and the cheapest wins.
//  - Sharded: placed as a gang. Shards run on home nodes (site type 'home', tier 2C) of one zone, all shards in the
//    same slots: the job uses a set T of slots and in every slot of T holds the same number w of GPUs (its gang
//    width), spread over home nodes, with |T| x w = gpuHours. Equal width keeps the shards in lockstep (one
//    synchronisation per slot at the aggregator). Widths tried: every divisor w of gpuHours with gpuHours / w slots
//    fitting in the window; per (zone, w) the cheapest gpuHours / w slots are taken. The aggregator is the zone's 2B
//    node (aggregatorsByZone); a zone without one is not used.
//
// The result is always feasible for the exact model (exact.ts), so its objective is >= the exact optimum.
import { aggregatorsByZone, eligible, makePlacement, nhKey, objectiveUsdc6 } from './model.ts';
import type { Assignment, Job, NodeHour, Placement, Plan, Problem, Unplaced } from './types.ts';
import { validateProblem, type Settings } from './validate.ts';

interface Seg {
  idx: number;
  count: number;
  greenPerGpu: number;
  unitCost: number;
}
interface Pick {
  costUsdc6: number;
  energyWh: number;
  greenWh: number;
  take: Map<number, { gpus: number; greenWh: number }>;
}

/** Fleet state during one heuristic run: remaining GPUs and green Wh per node-hour. */
class Fleet {
  readonly remFree: Int32Array;
  readonly remGreen: Float64Array;
  /** node -> its node-hour indices sorted by slot */
  readonly nodeSlots = new Map<string, number[]>();
  /** zone -> slot -> home node-hour indices */
  readonly homeBySlot = new Map<string, Map<number, number[]>>();
  readonly aggs: Map<string, string>;
  constructor(
    readonly nh: readonly NodeHour[],
    readonly cpUsdPerT: number,
  ) {
    this.remFree = Int32Array.from(nh, (n) => n.freeGpus);
    this.remGreen = Float64Array.from(nh, (n) => n.greenWh);
    nh.forEach((n, i) => {
      let l = this.nodeSlots.get(n.nodeId);
      if (!l) this.nodeSlots.set(n.nodeId, (l = []));
      l.push(i);
      if (n.siteType === 'home') {
        let z = this.homeBySlot.get(n.zone);
        if (!z) this.homeBySlot.set(n.zone, (z = new Map()));
        let s = z.get(n.slot);
        if (!s) z.set(n.slot, (s = []));
        s.push(i);
      }
    });
    for (const l of this.nodeSlots.values()) l.sort((a, b) => (nh[a]?.slot ?? 0) - (nh[b]?.slot ?? 0));
    this.aggs = aggregatorsByZone(nh);
  }

  /** Up to three unit-cost segments of a node-hour: full-green GPUs, one partly green GPU, grid GPUs. */
  segments(i: number, out: Seg[]): void {
    const n = this.nh[i]!;
    const free = this.remFree[i]!;
    if (free <= 0) return;
    const P = n.gpuPowerW;
    const g = this.remGreen[i]!;
    const k = (this.cpUsdPerT * n.carbonGPerKwh) / 1000;
    const full = Math.min(free, Math.floor(g / P + 1e-9));
    if (full > 0) out.push({ idx: i, count: full, greenPerGpu: P, unitCost: n.priceUsdc6PerGpuHour });
    let left = free - full;
    const part = Math.max(0, g - full * P);
    if (left > 0 && part > 1e-9) {
      out.push({ idx: i, count: 1, greenPerGpu: part, unitCost: n.priceUsdc6PerGpuHour + (P - part) * k });
      left--;
    }
    if (left > 0) out.push({ idx: i, count: left, greenPerGpu: 0, unitCost: n.priceUsdc6PerGpuHour + P * k });
  }

  /** Take `need` GPUs from segments, cheapest first or greenest first. Null if capacity is short. */
  pick(segs: Seg[], need: number, greenFirst: boolean, presorted = false): Pick | null {
    if (!presorted) segs.sort(greenFirst ? byGreen : byCost);
    const take = new Map<number, { gpus: number; greenWh: number }>();
    let costUsdc6 = 0;
    let energyWh = 0;
    let greenWh = 0;
    for (const s of segs) {
      if (need <= 0) break;
      const q = Math.min(need, s.count);
      need -= q;
      costUsdc6 += q * s.unitCost;
      energyWh += q * this.nh[s.idx]!.gpuPowerW;
      greenWh += q * s.greenPerGpu;
      const t = take.get(s.idx);
      if (t) {
        t.gpus += q;
        t.greenWh += q * s.greenPerGpu;
      } else take.set(s.idx, { gpus: q, greenWh: q * s.greenPerGpu });
    }
    return need > 0 ? null : { costUsdc6, energyWh, greenWh, take };
  }

  commit(p: Pick): Assignment[] {
    const out: Assignment[] = [];
    for (const [i, t] of p.take) {
      this.remFree[i] = this.remFree[i]! - t.gpus;
      this.remGreen[i] = Math.max(0, this.remGreen[i]! - t.greenWh);
      const n = this.nh[i]!;
      out.push({ nodeId: n.nodeId, slot: n.slot, gpus: t.gpus, greenWh: t.greenWh });
    }
    return out;
  }
}

const byCost = (a: Seg, b: Seg): number => a.unitCost - b.unitCost || b.greenPerGpu - a.greenPerGpu;
const byGreen = (a: Seg, b: Seg): number => b.greenPerGpu - a.greenPerGpu || a.unitCost - b.unitCost;

const meetsGreen = (j: Job, p: Pick): boolean => p.greenWh * 10_000 >= j.minGreenBps * p.energyWh - 1e-6;

/** Best pick for a job from candidate node-hours: cheapest, else greenest if the cheapest misses the green share. */
function bestOf(f: Fleet, j: Job, idx: readonly number[], need: number): Pick | 'capacity' | 'green' {
  const segs: Seg[] = [];
  for (const i of idx) f.segments(i, segs);
  const cheap = f.pick(segs, need, false);
  if (!cheap) return 'capacity';
  if (meetsGreen(j, cheap)) return cheap;
  if (j.minGreenBps === 0) return cheap;
  const green = f.pick(segs, need, true);
  return green && meetsGreen(j, green) ? green : 'green';
}

function placeSingleNode(f: Fleet, j: Job): Pick | string {
  let best: Pick | null = null;
  let sawCapacityOnly = true;
  const cand: number[] = [];
  for (const list of f.nodeSlots.values()) {
    const first = f.nh[list[0]!]!;
    if (first.classId < j.minClass || (j.sharded && first.siteType !== 'home')) continue;
    cand.length = 0;
    let cap = 0;
    // lower bound of any GPU-hour on this node: the first GPU of a node-hour gets the most green
    let minUnit = Infinity;
    const k = f.cpUsdPerT / 1000;
    // binary search the first slot of the window (lists are sorted by slot)
    let lo = 0;
    let hi = list.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (f.nh[list[mid]!]!.slot < j.earliestSlot) lo = mid + 1;
      else hi = mid;
    }
    for (let q = lo; q < list.length; q++) {
      const i = list[q]!;
      const n = f.nh[i]!;
      if (n.slot >= j.deadlineSlot) break;
      if (f.remFree[i]! > 0 && eligible(j, n)) {
        cand.push(i);
        cap += f.remFree[i]!;
        const u = n.priceUsdc6PerGpuHour + Math.max(0, n.gpuPowerW - f.remGreen[i]!) * n.carbonGPerKwh * k;
        if (u < minUnit) minUnit = u;
      }
    }
    if (cap < j.gpuHours) continue;
    // prune: this node cannot beat the best found (the green-first retry only matters when nothing was found)
    if (best && minUnit * j.gpuHours >= best.costUsdc6) continue;
    const r = bestOf(f, j, cand, j.gpuHours);
    if (r === 'green') sawCapacityOnly = false;
    if (typeof r !== 'string' && (!best || r.costUsdc6 < best.costUsdc6)) best = r;
  }
  if (best) return best;
  return sawCapacityOnly
    ? 'no single node has enough free GPU-hours of the class and price in the window'
    : 'minimum green share not reachable on any node with capacity';
}

function placeGang(f: Fleet, j: Job): { pick: Pick; agg: string } | string {
  let best: { pick: Pick; agg: string } | null = null;
  let reason = 'no zone with an aggregator (regional/station node) has enough home-node capacity in the window';
  const window = j.deadlineSlot - j.earliestSlot;
  for (const [zone, bySlot] of f.homeBySlot) {
    const agg = f.aggs.get(zone);
    if (agg === undefined) continue;
    // per slot of the window: segments of its eligible home node-hours, sorted once cheapest-first and (when the
    // green share binds) once greenest-first; every width then takes a prefix
    const slots: { cheap: Seg[]; green: Seg[] | null; cap: number }[] = [];
    for (let s = j.earliestSlot; s < j.deadlineSlot; s++) {
      const l = bySlot.get(s);
      if (!l) continue;
      const cheap: Seg[] = [];
      let cap = 0;
      for (const i of l)
        if (f.remFree[i]! > 0 && eligible(j, f.nh[i]!)) {
          f.segments(i, cheap);
          cap += f.remFree[i]!;
        }
      if (cap === 0) continue;
      cheap.sort(byCost);
      slots.push({ cheap, green: j.minGreenBps > 0 ? [...cheap].sort(byGreen) : null, cap });
    }
    for (let w = 1; w <= j.gpuHours; w++) {
      if (j.gpuHours % w !== 0) continue;
      const d = j.gpuHours / w;
      if (d > window || d > slots.length) continue;
      // cheapest w GPUs in each slot, then the d cheapest slots
      const perSlot: Pick[] = [];
      for (const sl of slots) {
        if (sl.cap < w) continue;
        const p = f.pick(sl.cheap, w, false, true);
        if (p) perSlot.push(p);
        // greenest option of the slot as an alternative when the green share binds
        if (p && sl.green && !meetsGreen(j, p)) {
          const g = f.pick(sl.green, w, true, true);
          if (g) perSlot.push(g);
        }
      }
      if (perSlot.length < d) continue;
      const combos: Pick[] = [];
      const bySlotKey = new Map<number, Pick[]>();
      for (const p of perSlot) {
        const s = f.nh[p.take.keys().next().value!]!.slot;
        let l = bySlotKey.get(s);
        if (!l) bySlotKey.set(s, (l = []));
        l.push(p);
      }
      if (bySlotKey.size < d) continue;
      for (const greenFirst of [false, true]) {
        const options = [...bySlotKey.values()].map((l) =>
          l.reduce((a, b) =>
            greenFirst ? (b.greenWh / b.energyWh > a.greenWh / a.energyWh ? b : a) : b.costUsdc6 < a.costUsdc6 ? b : a,
          ),
        );
        options.sort(
          greenFirst
            ? (a, b) => b.greenWh / b.energyWh - a.greenWh / a.energyWh || a.costUsdc6 - b.costUsdc6
            : (a, b) => a.costUsdc6 - b.costUsdc6,
        );
        combos.push(merge(options.slice(0, d)));
      }
      for (const c of combos) {
        if (!meetsGreen(j, c)) {
          reason = 'minimum green share not reachable as a gang on home nodes of any zone';
          continue;
        }
        if (!best || c.costUsdc6 < best.pick.costUsdc6) best = { pick: c, agg };
      }
    }
  }
  return best ?? reason;
}

function merge(ps: readonly Pick[]): Pick {
  const take = new Map<number, { gpus: number; greenWh: number }>();
  let costUsdc6 = 0;
  let energyWh = 0;
  let greenWh = 0;
  for (const p of ps) {
    costUsdc6 += p.costUsdc6;
    energyWh += p.energyWh;
    greenWh += p.greenWh;
    for (const [i, t] of p.take) take.set(i, { ...t });
  }
  return { costUsdc6, energyWh, greenWh, take };
}

/** EDF order: deadline, then earliest start, then id. */
export function edfOrder(jobs: readonly Job[]): Job[] {
  return [...jobs].sort(
    (a, b) =>
      a.deadlineSlot - b.deadlineSlot || a.earliestSlot - b.earliestSlot || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0),
  );
}

/** Heuristic on already validated input (used by replan.ts with capacity already net of kept placements). */
export function heuristicCore(jobs: readonly Job[], nodeHours: readonly NodeHour[], s: Settings): Plan {
  const f = new Fleet(nodeHours, s.carbonPriceUsdPerT);
  const byKey = new Map(nodeHours.map((n) => [nhKey(n.nodeId, n.slot), n]));
  const placements: Placement[] = [];
  const unplaced: Unplaced[] = [];
  let unplacedGpuHours = 0;
  for (const j of edfOrder(jobs)) {
    let pick: Pick | null = null;
    let agg: string | null = null;
    let reason = '';
    if (j.sharded) {
      const r = placeGang(f, j);
      if (typeof r === 'string') reason = r;
      else ({ pick, agg } = r);
    } else {
      const r = placeSingleNode(f, j);
      if (typeof r === 'string') reason = r;
      else pick = r;
    }
    if (!pick) {
      unplaced.push({ jobId: j.id, reason });
      unplacedGpuHours += j.gpuHours;
      continue;
    }
    placements.push(makePlacement(j, f.commit(pick), byKey, agg));
  }
  return { placements, unplaced, objectiveUsdc6: objectiveUsdc6(placements, unplacedGpuHours, s) };
}

/**
 * Greedy carbon-aware schedule (see the rule at the top of this file). Validates the problem (InputError naming the
 * field). Deterministic for a given input.
 */
export function scheduleHeuristic(problem: Problem): Plan {
  const s = validateProblem(problem);
  return heuristicCore(problem.jobs, problem.nodeHours, s);
}
