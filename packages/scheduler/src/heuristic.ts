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
// Then an improvement pass makes room for unplaced jobs by moving (or, if smaller, leaving out) a job holding
// GPU-hours they need, and exchanges pairs of single-node jobs where a later job gains more from an earlier job's
// node-hours than the earlier one loses by moving (see improve); it only ever lowers the objective.
//
// Fleet scale: nodes are indexed in blocks of one zone, class and site type, each with a segment tree over slots of
// its cheapest free GPU-hour, so a job costs only the blocks that could beat the best node found so far, not every
// node of the fleet.
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
  /** the node-hour's slot */
  slot: number;
}
interface Pick {
  costUsdc6: number;
  energyWh: number;
  greenWh: number;
  take: Map<number, { gpus: number; greenWh: number }>;
}

/**
 * Nodes of one zone, class and site type, at most BLOCK_NODES of them. `tree` is a min segment tree over the fleet's
 * slots of the unit cost of the cheapest GPU-hour still free on any of the block's node-hours (Infinity where none is
 * free): a lower bound for every node of the block in any window, kept current as GPUs and green Wh are taken, so a
 * job skips whole blocks that cannot beat the best node found instead of costing every node of the fleet.
 */
interface Block {
  classId: number;
  home: boolean;
  /** each node's node-hour indices, sorted by slot */
  lists: number[][];
  tree: Float64Array;
  /** the same tree over the node-hours as given (nothing taken): a bound on what emptying a node-hour could offer */
  tree0: Float64Array;
  /** the most GPUs any of the block's node-hours offers (as given): what one node can take in one slot */
  maxFree: number;
}
/** Nodes per block: small enough that a block's bound stays close to its nodes', large enough that 10k nodes are a
 * few hundred blocks per job. */
const BLOCK_NODES = 32;
/** Windows up to this many slots get blockBound's slot-by-slot bound; longer ones the window's floor x GPU-hours. */
const BOUND_SLOTS = 64;
const boundScratch: number[] = [];

/** First index of the sorted `xs` with xs[i] >= x. */
function lowerBound(xs: ArrayLike<number>, x: number, lo = 0, hi = xs.length): number {
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (xs[mid]! < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Fleet state during one heuristic run: remaining GPUs and green Wh per node-hour. */
class Fleet {
  readonly remFree: Int32Array;
  readonly remGreen: Float64Array;
  /** zone -> slot -> home node-hour indices */
  readonly homeBySlot = new Map<string, Map<number, number[]>>();
  readonly aggs: Map<string, string>;
  /** the distinct slots of the fleet, ascending; the segment trees' leaves */
  readonly slots: Float64Array;
  /** per node-hour: its slot's index in `slots`, and its block */
  readonly slotIdx: Int32Array;
  readonly blockOf: Int32Array;
  readonly blocks: Block[] = [];
  /** zone -> its blocks of home nodes (what a gang's shards run on) */
  readonly homeBlocks = new Map<string, number[]>();
  /** per block: its floor in the window being searched, and the search order (placeSingleNode's scratch) */
  readonly floorScratch: Float64Array;
  readonly orderScratch: Int32Array;
  constructor(
    readonly nh: readonly NodeHour[],
    readonly cpUsdPerT: number,
    blockNodes = BLOCK_NODES,
  ) {
    this.remFree = Int32Array.from(nh, (n) => n.freeGpus);
    this.remGreen = Float64Array.from(nh, (n) => n.greenWh);
    const nodeSlots = new Map<string, number[]>();
    nh.forEach((n, i) => {
      let l = nodeSlots.get(n.nodeId);
      if (!l) nodeSlots.set(n.nodeId, (l = []));
      l.push(i);
      if (n.siteType === 'home') {
        let z = this.homeBySlot.get(n.zone);
        if (!z) this.homeBySlot.set(n.zone, (z = new Map()));
        let s = z.get(n.slot);
        if (!s) z.set(n.slot, (s = []));
        s.push(i);
      }
    });
    this.aggs = aggregatorsByZone(nh);
    this.slots = Float64Array.from(new Set(nh.map((n) => n.slot))).sort();
    this.slotIdx = Int32Array.from(nh, (n) => lowerBound(this.slots, n.slot));
    this.blockOf = new Int32Array(nh.length);
    // a node's zone, class and site type are those of its first node-hour (the order of the input)
    const groups = new Map<string, number[][]>();
    for (const l of nodeSlots.values()) {
      l.sort((a, b) => nh[a]!.slot - nh[b]!.slot);
      const n = nh[l[0]!]!;
      const key = `${n.zone}\u0000${n.classId}\u0000${n.siteType}`;
      let g = groups.get(key);
      if (!g) groups.set(key, (g = []));
      g.push(l);
    }
    const S = this.slots.length;
    for (const g of groups.values())
      for (let q = 0; q < g.length; q += blockNodes) {
        const lists = g.slice(q, q + blockNodes);
        const first = nh[lists[0]![0]!]!;
        const tree = new Float64Array(2 * S).fill(Infinity);
        const b = this.blocks.length;
        let maxFree = 0;
        for (const l of lists)
          for (const i of l) {
            this.blockOf[i] = b;
            const leaf = S + this.slotIdx[i]!;
            tree[leaf] = Math.min(tree[leaf]!, this.unitFloor(i));
            maxFree = Math.max(maxFree, nh[i]!.freeGpus);
          }
        for (let p = S - 1; p >= 1; p--) tree[p] = Math.min(tree[2 * p]!, tree[2 * p + 1]!);
        this.blocks.push({
          classId: first.classId,
          home: first.siteType === 'home',
          lists,
          tree,
          tree0: tree.slice(),
          maxFree,
        });
        if (first.siteType === 'home') {
          let z = this.homeBlocks.get(first.zone);
          if (!z) this.homeBlocks.set(first.zone, (z = []));
          z.push(b);
        }
      }
    this.floorScratch = new Float64Array(this.blocks.length);
    this.orderScratch = new Int32Array(this.blocks.length);
  }

  /** Unit cost of the node-hour's next GPU (the one that gets the most of its green Wh); Infinity when it is full. */
  unitFloor(i: number): number {
    return this.floorOf(this.nh[i]!, this.remFree[i]!, this.remGreen[i]!);
  }

  /** unitFloor of node-hour i as given, before anything was taken from it. */
  unitFloor0(i: number): number {
    const n = this.nh[i]!;
    return this.floorOf(n, n.freeGpus, n.greenWh);
  }

  private floorOf(n: NodeHour, freeGpus: number, greenWh: number): number {
    if (freeGpus <= 0) return Infinity;
    return n.priceUsdc6PerGpuHour + (Math.max(0, n.gpuPowerW - greenWh) * n.carbonGPerKwh * this.cpUsdPerT) / 1000;
  }

  /** Lowest unitFloor (or, with `given`, unitFloor0) over block `b`'s node-hours in slot indices [lo, hi). */
  blockFloor(b: number, lo: number, hi: number, given = false): number {
    const t = given ? this.blocks[b]!.tree0 : this.blocks[b]!.tree;
    let m = Infinity;
    for (lo += this.slots.length, hi += this.slots.length; lo < hi; lo >>= 1, hi >>= 1) {
      if (lo & 1) m = Math.min(m, t[lo++]!);
      if (hi & 1) m = Math.min(m, t[--hi]!);
    }
    return m;
  }

  /**
   * Lower bound of what `need` GPU-hours on any one node of block `b` in slot indices [lo, hi) cost: a node takes at
   * most maxFree GPUs a slot, each at least the block's floor in that slot, so the bound fills the cheapest slots'
   * floors maxFree at a time. Over windows longer than BOUND_SLOTS it is the window's floor x need.
   */
  blockBound(b: number, lo: number, hi: number, need: number): number {
    const block = this.blocks[b]!;
    if (hi - lo > BOUND_SLOTS) return this.blockFloor(b, lo, hi) * need;
    const S = this.slots.length;
    const leaves = boundScratch;
    leaves.length = 0;
    for (let k = lo; k < hi; k++) leaves.push(block.tree[S + k]!);
    leaves.sort((x, y) => x - y);
    let sum = 0;
    for (const v of leaves) {
      if (need <= 0) break;
      const take = Math.min(need, block.maxFree);
      sum += take * v;
      need -= take;
    }
    return need > 0 ? Infinity : sum;
  }

  /** Position in a node's slot-sorted node-hour list of its first node-hour at or after `slot`. */
  firstAtOrAfter(list: readonly number[], slot: number): number {
    let lo = 0;
    let hi = list.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.nh[list[mid]!]!.slot < slot) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** Recompute the block bound of node-hour i's slot after GPUs or green Wh were taken from it. */
  private refresh(i: number): void {
    const block = this.blocks[this.blockOf[i]!]!;
    const slot = this.nh[i]!.slot;
    let m = Infinity;
    for (const l of block.lists) {
      const k = l[this.firstAtOrAfter(l, slot)];
      if (k !== undefined && this.nh[k]!.slot === slot) m = Math.min(m, this.unitFloor(k));
    }
    const t = block.tree;
    let p = this.slots.length + this.slotIdx[i]!;
    t[p] = m;
    for (p >>= 1; p >= 1; p >>= 1) t[p] = Math.min(t[2 * p]!, t[2 * p + 1]!);
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
    const slot = n.slot;
    if (full > 0) out.push({ idx: i, count: full, greenPerGpu: P, unitCost: n.priceUsdc6PerGpuHour, slot });
    let left = free - full;
    const part = Math.max(0, g - full * P);
    if (left > 0 && part > 1e-9) {
      out.push({ idx: i, count: 1, greenPerGpu: part, unitCost: n.priceUsdc6PerGpuHour + (P - part) * k, slot });
      left--;
    }
    if (left > 0) out.push({ idx: i, count: left, greenPerGpu: 0, unitCost: n.priceUsdc6PerGpuHour + P * k, slot });
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

  commit(p: Pick): void {
    for (const [i, t] of p.take) {
      this.remFree[i] = this.remFree[i]! - t.gpus;
      this.remGreen[i] = Math.max(0, this.remGreen[i]! - t.greenWh);
      this.refresh(i);
    }
  }

  /** Give back what `commit(p)` took. */
  release(p: Pick): void {
    for (const [i, t] of p.take) {
      this.remFree[i] = this.remFree[i]! + t.gpus;
      this.remGreen[i] = Math.min(this.nh[i]!.greenWh, this.remGreen[i]! + t.greenWh);
      this.refresh(i);
    }
  }

  assignments(p: Pick): Assignment[] {
    return [...p.take].map(([i, t]) => {
      const n = this.nh[i]!;
      return { nodeId: n.nodeId, slot: n.slot, gpus: t.gpus, greenWh: t.greenWh };
    });
  }
}

// ties (common where PV covers whole node-hours) go to the earliest slot: the one that expires first, while a later
// slot of the window may still serve a later job (earliest deadline first within the job)
const byCost = (a: Seg, b: Seg): number => a.unitCost - b.unitCost || b.greenPerGpu - a.greenPerGpu || a.slot - b.slot;
const byGreen = (a: Seg, b: Seg): number => b.greenPerGpu - a.greenPerGpu || a.unitCost - b.unitCost || a.slot - b.slot;

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

/** Costs within this relative difference are a tie (float noise of sums taken in different orders). */
const TIE_REL = 1e-12;
const floorsScratch: number[] = [];
const freeScratch: number[] = [];

/** Σ of the `need` lowest GPU floors over node-hours `idx` (each node-hour's free GPUs at its unitFloor): a lower
 * bound of what taking `need` GPU-hours from them costs. */
function cheapestFloors(f: Fleet, idx: readonly number[], need: number): number {
  floorsScratch.length = 0;
  freeScratch.length = 0;
  for (const i of idx) {
    floorsScratch.push(f.unitFloor(i));
    freeScratch.push(f.remFree[i]!);
  }
  // selection of the cheapest, `need` GPUs at most: jobs need few GPU-hours of a window of few slots
  let sum = 0;
  while (need > 0) {
    let q = -1;
    for (let k = 0; k < floorsScratch.length; k++)
      if (freeScratch[k]! > 0 && (q < 0 || floorsScratch[k]! < floorsScratch[q]!)) q = k;
    if (q < 0) return Infinity;
    const take = Math.min(need, freeScratch[q]!);
    sum += take * floorsScratch[q]!;
    need -= take;
    freeScratch[q] = 0;
  }
  return sum;
}

function placeSingleNode(f: Fleet, j: Job): Pick | string {
  let best: Pick | null = null;
  let sawCapacityOnly = true;
  const cand: number[] = [];
  const lo = lowerBound(f.slots, j.earliestSlot);
  const hi = lowerBound(f.slots, j.deadlineSlot);
  // blocks by their bound in the window, cheapest first; a block whose bound cannot beat the best found is skipped
  // (typed scratch arrays: this runs once per job and per move of the improvement pass)
  const floors = f.floorScratch;
  let n = 0;
  for (let b = 0; b < f.blocks.length; b++) {
    const block = f.blocks[b]!;
    if (block.classId < j.minClass || (j.sharded && !block.home)) continue;
    const floor = f.blockFloor(b, lo, hi);
    if (floor < Infinity) {
      floors[b] = floor;
      f.orderScratch[n++] = b;
    }
  }
  const order = f.orderScratch.subarray(0, n).sort((x, y) => floors[x]! - floors[y]! || x - y);
  for (const b of order) {
    const floor = floors[b]!;
    // the green-first retry only matters when nothing was found, so pruning starts with the first pick
    if (best && floor * j.gpuHours >= best.costUsdc6 * (1 - TIE_REL)) break;
    // the slot-by-slot bound is dearer: only for a block the window's floor cannot rule out
    if (best && f.blockBound(b, lo, hi, j.gpuHours) >= best.costUsdc6 * (1 - TIE_REL)) continue;
    for (const list of f.blocks[b]!.lists) {
      cand.length = 0;
      let cap = 0;
      // lower bound of any GPU-hour on this node: the first GPU of a node-hour gets the most green
      let minUnit = Infinity;
      for (let q = f.firstAtOrAfter(list, j.earliestSlot); q < list.length; q++) {
        const i = list[q]!;
        const n = f.nh[i]!;
        if (n.slot >= j.deadlineSlot) break;
        if (f.remFree[i]! > 0 && eligible(j, n)) {
          cand.push(i);
          cap += f.remFree[i]!;
          const u = f.unitFloor(i);
          if (u < minUnit) minUnit = u;
        }
      }
      if (cap < j.gpuHours) continue;
      if (best && minUnit * j.gpuHours >= best.costUsdc6) continue;
      // a tighter bound before costing the node: its gpuHours cheapest GPU-hours, each at its node-hour's floor (many
      // nodes of a fleet look alike, and one no cheaper than the best found need not be costed)
      if (best && cheapestFloors(f, cand, j.gpuHours) >= best.costUsdc6 * (1 - TIE_REL)) continue;
      const r = bestOf(f, j, cand, j.gpuHours);
      if (r === 'green') sawCapacityOnly = false;
      if (typeof r !== 'string' && (!best || r.costUsdc6 < best.costUsdc6)) best = r;
    }
  }
  if (best) return best;
  return sawCapacityOnly
    ? 'no single node has enough free GPU-hours of the class and price in the window'
    : 'minimum green share not reachable on any node with capacity';
}

/**
 * Segments of the eligible home node-hours of slot `s` among `blocks`, cheapest first, enough to hold the `need`
 * cheapest GPUs of the slot: blocks are visited by their bound in the slot, cheapest first, until `need` GPUs are
 * found that cost no more than the next block's bound (every GPU of a later block costs at least that).
 */
function cheapestInSlot(f: Fleet, j: Job, blocks: readonly number[], s: number, need: number): Seg[] {
  const si = lowerBound(f.slots, s);
  const segs: Seg[] = [];
  if (f.slots[si] !== s) return segs;
  const order: { b: number; floor: number }[] = [];
  for (const b of blocks) {
    const floor = f.blockFloor(b, si, si + 1);
    if (floor < Infinity) order.push({ b, floor });
  }
  order.sort((x, y) => x.floor - y.floor || x.b - y.b);
  for (let q = 0; q < order.length; q++) {
    for (const list of f.blocks[order[q]!.b]!.lists) {
      const i = list[f.firstAtOrAfter(list, s)];
      if (i !== undefined && f.nh[i]!.slot === s && f.remFree[i]! > 0 && eligible(j, f.nh[i]!)) f.segments(i, segs);
    }
    const next = order[q + 1]?.floor ?? Infinity;
    let atMostNext = 0;
    for (const g of segs) if (g.unitCost <= next) atMostNext += g.count;
    if (atMostNext >= need) break;
  }
  return segs.sort(byCost);
}

/** Every eligible home node-hour's segments of `zone` in slot `s`, greenest first (when the green share binds). */
function greenestInSlot(f: Fleet, j: Job, zone: string, s: number): Seg[] {
  const segs: Seg[] = [];
  for (const i of f.homeBySlot.get(zone)?.get(s) ?? [])
    if (f.remFree[i]! > 0 && eligible(j, f.nh[i]!)) f.segments(i, segs);
  return segs.sort(byGreen);
}

function placeGang(f: Fleet, j: Job): { pick: Pick; agg: string } | string {
  let best: { pick: Pick; agg: string } | null = null;
  let reason = 'no zone with an aggregator (regional/station node) has enough home-node capacity in the window';
  const window = j.deadlineSlot - j.earliestSlot;
  const lo = lowerBound(f.slots, j.earliestSlot);
  const hi = lowerBound(f.slots, j.deadlineSlot);
  // zones by a lower bound of any gang there (every GPU-hour costs at least the cheapest of the window), cheapest first
  const zones: { zone: string; agg: string; blocks: number[]; floor: number }[] = [];
  for (const [zone, all] of f.homeBlocks) {
    const agg = f.aggs.get(zone);
    if (agg === undefined) continue;
    const blocks = all.filter((b) => f.blocks[b]!.classId >= j.minClass);
    let floor = Infinity;
    for (const b of blocks) floor = Math.min(floor, f.blockFloor(b, lo, hi));
    if (floor < Infinity) zones.push({ zone, agg, blocks, floor });
  }
  zones.sort((x, y) => x.floor - y.floor || (x.zone < y.zone ? -1 : 1));
  for (const { zone, agg, blocks, floor } of zones) {
    if (best && floor * j.gpuHours >= best.pick.costUsdc6) break;
    // per slot of the window: the segments that can hold its gpuHours cheapest GPUs, cheapest first (every width
    // then takes a prefix), and the greenest-first list of the slot, built only when a width misses the green share
    const slots: { s: number; cheap: Seg[]; green: Seg[] | null }[] = [];
    for (let s = j.earliestSlot; s < j.deadlineSlot; s++) {
      const cheap = cheapestInSlot(f, j, blocks, s, j.gpuHours);
      if (cheap.length > 0) slots.push({ s, cheap, green: null });
    }
    for (let w = 1; w <= j.gpuHours; w++) {
      if (j.gpuHours % w !== 0) continue;
      const d = j.gpuHours / w;
      if (d > window || d > slots.length) continue;
      // per slot the cheapest w GPUs and, when those miss the green share, the greenest w: the slot's options
      const bySlot: Pick[][] = [];
      for (const sl of slots) {
        const p = f.pick(sl.cheap, w, false, true);
        if (!p) continue;
        const options = [p];
        if (j.minGreenBps > 0 && !meetsGreen(j, p)) {
          const g = f.pick((sl.green ??= greenestInSlot(f, j, zone, sl.s)), w, true, true);
          if (g) options.push(g);
        }
        bySlot.push(options);
      }
      if (bySlot.length < d) continue;
      const combos: Pick[] = [];
      for (const greenFirst of [false, true]) {
        const options = bySlot.map((l) =>
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

/** A job during one run: its pick (what it holds of the fleet), null while unplaced with the reason. */
interface Held {
  job: Job;
  pick: Pick | null;
  agg: string | null;
  reason: string;
}

/** Pair exchanges tried per placed job, and placed jobs tried to make room for each unplaced one (see improve). */
const SWAPS_PER_JOB = 3;
const EVICTIONS_PER_JOB = 8;
/** Costs are equal unless they differ by more than this, usdc6 (float noise of sums of unit costs). */
const COST_EPS_USDC6 = 1e-6;

/**
 * Improvement after the EDF pass, in two parts; each move keeps the plan valid and lowers the objective, so the pass
 * only improves the plan. Sharded gangs stay as placed.
 *  1. Room for unplaced jobs: an unplaced single-node job U may fit if a job J holding GPU-hours of U's window moves
 *     or, when J is smaller than U, is left out instead (the penalty is per GPU-hour). Up to EVICTIONS_PER_JOB such J,
 *     smallest first, are tried: J is released, U placed, J placed again if it can; kept when the objective falls.
 *  2. Pair exchanges: a later job K often finds the cheap node-hours of its window taken by an earlier job J that had
 *     other options nearly as good. For each single-node job K (latest deadline first), and for up to SWAPS_PER_JOB
 *     jobs J holding node-hours of K's window that cost less than K's mean GPU-hour as given (cheapest first), both
 *     are released, K is placed first and then J; kept when the two cost less together, undone otherwise.
 */
function improve(f: Fleet, held: Held[], penaltyUsdc6PerGpuHour: number): void {
  // node-hour -> indices into `held` of the single-node jobs holding GPUs on it
  const holders = new Map<number, Set<number>>();
  const hold = (h: number): void => {
    for (const i of held[h]!.pick?.take.keys() ?? []) {
      let set = holders.get(i);
      if (!set) holders.set(i, (set = new Set()));
      set.add(h);
    }
  };
  const unhold = (h: number): void => {
    for (const i of held[h]!.pick?.take.keys() ?? []) holders.get(i)?.delete(h);
  };
  held.forEach((x, h) => {
    if (!x.job.sharded) hold(h);
  });
  /** Jobs (indices into `held`, not `self`) holding node-hours of `job`'s window it may use whose unit cost as given
   * is below `belowUnit`, from the blocks with the cheapest such node-hours, at most `limit` blocks' worth. */
  const holdersFor = (job: Job, self: number, belowUnit: number, limit: number): { h: number; unit: number }[] => {
    const lo = lowerBound(f.slots, job.earliestSlot);
    const hi = lowerBound(f.slots, job.deadlineSlot);
    const blocks: { b: number; floor: number }[] = [];
    f.blocks.forEach((block, b) => {
      if (block.classId < job.minClass) return;
      const floor = f.blockFloor(b, lo, hi, true);
      if (floor < belowUnit) blocks.push({ b, floor });
    });
    blocks.sort((x, y) => x.floor - y.floor || x.b - y.b);
    const out: { h: number; unit: number }[] = [];
    const seen = new Set<number>([self]);
    for (const { b } of blocks) {
      if (out.length >= limit) break;
      for (const list of f.blocks[b]!.lists)
        for (let q = f.firstAtOrAfter(list, job.earliestSlot); q < list.length; q++) {
          const i = list[q]!;
          const n = f.nh[i]!;
          if (n.slot >= job.deadlineSlot) break;
          const unit = f.unitFloor0(i);
          if (unit >= belowUnit || !eligible(job, n)) continue;
          for (const h of holders.get(i) ?? []) {
            if (seen.has(h)) continue;
            seen.add(h);
            out.push({ h, unit });
          }
        }
    }
    return out;
  };

  // 1. room for unplaced jobs
  for (let u = 0; u < held.length; u++) {
    const U = held[u]!;
    if (U.pick || U.job.sharded) continue;
    const cand = holdersFor(U.job, u, Infinity, EVICTIONS_PER_JOB).sort(
      (x, y) => held[x.h]!.job.gpuHours - held[y.h]!.job.gpuHours || x.h - y.h,
    );
    for (const { h } of cand.slice(0, EVICTIONS_PER_JOB)) {
      const J = held[h]!;
      const jPick = J.pick!;
      f.release(jPick);
      const pu = placeSingleNode(f, U.job);
      if (typeof pu === 'string') {
        f.commit(jPick);
        continue;
      }
      f.commit(pu);
      const pj = placeSingleNode(f, J.job);
      const before = jPick.costUsdc6 + penaltyUsdc6PerGpuHour * U.job.gpuHours;
      const after = pu.costUsdc6 + (typeof pj === 'string' ? penaltyUsdc6PerGpuHour * J.job.gpuHours : pj.costUsdc6);
      if (after < before - COST_EPS_USDC6) {
        unhold(h);
        if (typeof pj === 'string') {
          J.pick = null;
          J.reason = `no placement left once ${U.job.id}, which needs more GPU-hours, took the node-hours it could use`;
        } else {
          f.commit(pj);
          J.pick = pj;
          hold(h);
        }
        U.pick = pu;
        U.reason = '';
        hold(u);
        break;
      }
      f.release(pu);
      f.commit(jPick);
    }
  }

  // 2. pair exchanges
  for (let k = held.length - 1; k >= 0; k--) {
    const K = held[k]!;
    if (K.job.sharded || !K.pick) continue;
    const kPick = K.pick;
    const meanUnit = kPick.costUsdc6 / K.job.gpuHours;
    const cand = holdersFor(K.job, k, meanUnit - COST_EPS_USDC6, SWAPS_PER_JOB).sort(
      (x, y) => x.unit - y.unit || x.h - y.h,
    );
    for (const { h } of cand.slice(0, SWAPS_PER_JOB)) {
      const J = held[h]!;
      const jPick = J.pick!;
      const before = kPick.costUsdc6 + jPick.costUsdc6;
      f.release(kPick);
      f.release(jPick);
      const pk = placeSingleNode(f, K.job);
      if (typeof pk !== 'string') {
        f.commit(pk);
        const pj = placeSingleNode(f, J.job);
        if (typeof pj !== 'string' && pk.costUsdc6 + pj.costUsdc6 < before - COST_EPS_USDC6) {
          f.commit(pj);
          unhold(k);
          unhold(h);
          K.pick = pk;
          J.pick = pj;
          hold(k);
          hold(h);
          break;
        }
        f.release(pk);
      }
      f.commit(jPick);
      f.commit(kPick);
    }
  }
}

/** Heuristic on already validated input (used by replan.ts with capacity already net of kept placements). */
export function heuristicCore(
  jobs: readonly Job[],
  nodeHours: readonly NodeHour[],
  s: Settings,
  /** For tests: nodes per block of the index, and whether the improvement pass runs. */
  opts: { blockNodes?: number; improve?: boolean } = {},
): Plan {
  const f = new Fleet(nodeHours, s.carbonPriceUsdPerT, opts.blockNodes);
  const byKey = new Map(nodeHours.map((n) => [nhKey(n.nodeId, n.slot), n]));
  const held: Held[] = [];
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
    if (pick) f.commit(pick);
    held.push({ job: j, pick, agg, reason });
  }
  if (opts.improve ?? true) improve(f, held, s.unplacedPenaltyUsdc6PerGpuHour);
  const placements: Placement[] = [];
  const unplaced: Unplaced[] = [];
  let unplacedGpuHours = 0;
  for (const x of held)
    if (x.pick) placements.push(makePlacement(x.job, f.assignments(x.pick), byKey, x.agg));
    else {
      unplaced.push({ jobId: x.job.id, reason: x.reason });
      unplacedGpuHours += x.job.gpuHours;
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
