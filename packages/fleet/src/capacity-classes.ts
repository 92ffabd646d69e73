// Capacity classes: groups of GPU models whose hours are sold as one interchangeable ERC-1155 token per slot.
//
// Algorithm (deterministic, input-order independent):
//   1. Resolve inputs (catalog names, devices `{ gpuModel }`, or explicit GpuSpec rows), validate every spec,
//      de-duplicate by model name.
//   2. Partition by software stack (cuda / rocm / jetpack): a job image built for one cannot run on another, so
//      no spec similarity makes them interchangeable.
//   3. Throughput tiers: optimal 1-D clustering of the distinct TFLOPS values on a log scale with a bound on the
//      within-class max/min ratio (`maxTflopsRatio`). The clustering uses the fewest tiers, and among those
//      puts the boundaries at the widest gaps (maximises the smallest boundary gap). Exact DP, O(n^2).
//      Unlike a fixed geometric ladder it never splits two near-identical models that straddle a rung.
//   4. Each tier is split the same way on memory GB (`maxMemoryRatio`), then on board power W
//      (`maxPowerRatio`). Memory: a class only guarantees its smallest member's memory, so mixing 24 GB and
//      80 GB cards would sell the 80 GB cards as 24 GB ones. Power: the energy scheduler must budget each hour
//      at the class's max board power, so a 350 W card in a 700 W class wastes half its solar budget.
//   5. Guarantees per class: fp16TflopsMin = floor(min member TFLOPS), memoryGbMin = floor(min memory),
//      boardPowerWMax = ceil(max board power) — every member meets all three, so any member can serve any
//      hour of the class.
//   6. Bond: a multiple (`bondFractionBps`, default 4.4×) of the class reference price, which is the CHEAPEST
//      member's rental price, rounded up: it must cover the highest price the hour market lets a buyer pay.
//   7. Classes are ordered by (TFLOPS min desc, memory min desc, power max asc, stack) and numbered from 1.
//
// Identical values are never split (clustering runs on distinct values), so two models with identical specs
// always land in the same class.

import type { Hex } from 'viem';
import { stringToHex } from 'viem';
import { assertGpuModelName, encodeGpuModelName, getGpuSpec } from './gpus.ts';
import type { GpuSpec, GpuStack } from './gpus.ts';

export interface ClassingOptions {
  /** Max ratio fastest/slowest member TFLOPS within a class. */
  readonly maxTflopsRatio?: number;
  /** Max ratio largest/smallest member memory within a class. */
  readonly maxMemoryRatio?: number;
  /** Max ratio highest/lowest member board power within a class. */
  readonly maxPowerRatio?: number;
  /** Bond per GPU-hour as basis points of the class reference price. */
  readonly bondFractionBps?: number;
}

export const DEFAULT_CLASSING_OPTIONS: Readonly<Required<ClassingOptions>> = Object.freeze({
  // 1.5: a buyer always gets >= 2/3 of the fastest member's speed; tighter ratios fragment the catalog
  // into singletons, looser ones let an L40S and an RTX 5090 share a price.
  maxTflopsRatio: 1.5,
  maxMemoryRatio: 1.5,
  maxPowerRatio: 1.5,
  // 20 %: enough to make a missed hour costly, small enough for a home node to stake a month of hours.
  // 4.41 × the reference price: the hour market caps a class at 4 × its ask (the reference price), its largest fee is
  // 10 %, and a bond must cover any price a buyer can pay, rounding included (docs/ARCHITECTURE.md, "Delivery
  // guarantee"); the extra 0.01 × covers the 3 usdc6 of rounding for any ask above 0.0003 USD.
  bondFractionBps: 44_100,
});

/** A catalog model name, a device carrying one, or an explicit (validated) spec for a model not in the catalog. */
export type ClassingInput = string | GpuSpec | { readonly gpuModel: string };

export interface CapacityClass {
  /** 1-based, uint16 on chain. */
  readonly classId: number;
  /** Short ASCII label (<= 31 bytes), e.g. "CUDA-989TF-80GB-700W". */
  readonly label: string;
  readonly stack: GpuStack;
  /** floor(min member dense FP16/BF16 TFLOPS). */
  readonly fp16TflopsMin: number;
  /** floor(min member memory GB). */
  readonly memoryGbMin: number;
  /** ceil(max member board power W). */
  readonly boardPowerWMax: number;
  /** Actual max/min member TFLOPS (<= maxTflopsRatio). */
  readonly tflopsRatio: number;
  /** Cheapest member's reference rental price, USD per GPU-hour. */
  readonly refPriceUsdPerHour: number;
  readonly bondPerHourUsdc6: bigint;
  /** Member model names, fastest first (ties by name). */
  readonly members: readonly string[];
}

export interface CapacityClassAssignment {
  readonly classes: CapacityClass[];
  readonly classOfModel: Map<string, number>;
}

export interface ChainClassRow {
  readonly classId: number;
  readonly label: Hex;
  readonly fp16TflopsMin: number;
  readonly memoryGbMin: number;
  readonly boardPowerWMax: number;
  readonly bondPerHourUsdc6: bigint;
}

export interface ChainModelRow {
  readonly gpuModel: Hex;
  readonly classId: number;
}

const UINT16_MAX = 0xffff;
const UINT32_MAX = 0xffff_ffff;
const UINT64_MAX = (1n << 64n) - 1n;
const STACKS: readonly GpuStack[] = ['cuda', 'rocm', 'jetpack'];
const STACK_TAG: Record<GpuStack, string> = { cuda: 'CUDA', rocm: 'ROCM', jetpack: 'JETSON' };
// Relative slack for the ratio check so a bound like 1.5 is not broken by float rounding of the quotient.
const RATIO_EPS = 1e-12;

const POSITIVE_FIELDS = [
  'fp16TflopsDense',
  'memoryGb',
  'memoryBandwidthGbps',
  'boardPowerW',
  'refPriceUsdPerHour',
] as const;

/** Validate one spec; errors name the model, the field and the reason. */
export function validateGpuSpec(spec: GpuSpec, where = 'spec'): void {
  if (spec === null || typeof spec !== 'object') throw new Error(`${where}: must be an object`);
  assertGpuModelName(spec.name, `${where}.name`);
  const who = `${where} "${spec.name}"`;
  if (!STACKS.includes(spec.stack)) {
    throw new Error(`${who}: stack must be one of ${STACKS.join(', ')}, got ${String(spec.stack)}`);
  }
  for (const field of POSITIVE_FIELDS) {
    const v: unknown = spec[field];
    if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0) {
      throw new Error(`${who}: ${field} must be a finite number > 0, got ${String(v)}`);
    }
  }
  // On chain these are whole-unit uint32 guarantees: a value that floors to 0 would promise nothing.
  for (const field of ['fp16TflopsDense', 'memoryGb', 'boardPowerW'] as const) {
    if (spec[field] < 1) throw new Error(`${who}: ${field} must be >= 1 (stored on chain in whole units)`);
    if (spec[field] > UINT32_MAX) throw new Error(`${who}: ${field} exceeds uint32`);
  }
}

function validateOptions(options: ClassingOptions): Required<ClassingOptions> {
  const o = { ...DEFAULT_CLASSING_OPTIONS, ...options };
  for (const field of ['maxTflopsRatio', 'maxMemoryRatio', 'maxPowerRatio'] as const) {
    const v = o[field];
    if (typeof v !== 'number' || !Number.isFinite(v) || v < 1) {
      throw new Error(`options.${field}: must be a finite number >= 1, got ${String(v)}`);
    }
  }
  const bps = o.bondFractionBps;
  if (!Number.isInteger(bps) || bps < 0 || bps > 100_000) {
    throw new Error(`options.bondFractionBps: must be an integer in [0, 100000], got ${String(bps)}`);
  }
  return o;
}

function sameSpec(a: GpuSpec, b: GpuSpec): boolean {
  return (
    a.name === b.name &&
    a.stack === b.stack &&
    POSITIVE_FIELDS.every((f) => a[f] === b[f]) &&
    a.vendor === b.vendor &&
    a.segment === b.segment
  );
}

function resolveInputs(input: readonly ClassingInput[]): GpuSpec[] {
  if (!Array.isArray(input) || input.length === 0) {
    throw new Error('input: at least one GPU model name, GpuSpec or device is required');
  }
  const byName = new Map<string, GpuSpec>();
  input.forEach((item, i) => {
    const where = `input[${i}]`;
    let spec: GpuSpec;
    if (typeof item === 'string') {
      spec = withPrefix(where, () => getGpuSpec(item));
    } else if (item !== null && typeof item === 'object' && 'fp16TflopsDense' in item) {
      validateGpuSpec(item, where);
      spec = item;
    } else if (item !== null && typeof item === 'object' && 'gpuModel' in item) {
      spec = withPrefix(`${where}.gpuModel`, () => getGpuSpec(item.gpuModel));
    } else {
      throw new Error(`${where}: expected a GPU model name, a GpuSpec or a device with gpuModel`);
    }
    const prev = byName.get(spec.name);
    if (prev && !sameSpec(prev, spec)) {
      throw new Error(`${where}: conflicting specs for GPU model "${spec.name}"`);
    }
    byName.set(spec.name, spec);
  });
  return [...byName.values()];
}

function withPrefix<T>(where: string, fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    throw new Error(`${where}: ${(e as Error).message}`);
  }
}

/**
 * Optimal 1-D clustering of distinct positive values under a max/min ratio bound.
 * Returns groups of the input values, each sorted descending, groups in descending order.
 * Objective (lexicographic): fewest groups, then the largest smallest log-gap between adjacent groups.
 */
export function clusterByRatio(values: readonly number[], maxRatio: number): number[][] {
  const v = [...new Set(values)].sort((a, b) => b - a);
  const n = v.length;
  if (n === 0) return [];
  // best[i]: best segmentation of v[0..i-1]; prev[i]: start of its last group.
  const count = new Array<number>(n + 1).fill(Infinity);
  const minGap = new Array<number>(n + 1).fill(-Infinity);
  const prev = new Array<number>(n + 1).fill(-1);
  count[0] = 0;
  minGap[0] = Infinity;
  for (let i = 1; i <= n; i++) {
    const last = v[i - 1]!;
    for (let j = i - 1; j >= 0; j--) {
      if (v[j]! / last > maxRatio * (1 + RATIO_EPS)) break; // v is descending: earlier j only widens the group
      const c = count[j]! + 1;
      const g = j === 0 ? Infinity : Math.min(minGap[j]!, Math.log(v[j - 1]! / v[j]!));
      if (c < count[i]! || (c === count[i]! && g > minGap[i]!)) {
        count[i] = c;
        minGap[i] = g;
        prev[i] = j;
      }
    }
  }
  const groups: number[][] = [];
  for (let i = n; i > 0; i = prev[i]!) groups.unshift(v.slice(prev[i]!, i));
  return groups;
}

function splitBy(specs: readonly GpuSpec[], key: (s: GpuSpec) => number, maxRatio: number): GpuSpec[][] {
  return clusterByRatio(specs.map(key), maxRatio).map((group) => {
    const inGroup = new Set(group);
    return specs.filter((s) => inGroup.has(key(s)));
  });
}

function byThroughputThenName(a: GpuSpec, b: GpuSpec): number {
  return b.fp16TflopsDense - a.fp16TflopsDense || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);
}

/** Group GPU models (or the models of a fleet's devices) into interchangeable capacity classes. */
export function assignCapacityClasses(
  input: readonly ClassingInput[],
  options: ClassingOptions = {},
): CapacityClassAssignment {
  const opts = validateOptions(options);
  const specs = resolveInputs(input).sort(byThroughputThenName);

  const groups: GpuSpec[][] = [];
  for (const stack of STACKS) {
    const inStack = specs.filter((s) => s.stack === stack);
    if (inStack.length === 0) continue;
    for (const tier of splitBy(inStack, (s) => s.fp16TflopsDense, opts.maxTflopsRatio)) {
      for (const memGroup of splitBy(tier, (s) => s.memoryGb, opts.maxMemoryRatio)) {
        groups.push(...splitBy(memGroup, (s) => s.boardPowerW, opts.maxPowerRatio));
      }
    }
  }

  const drafts = groups.map((members) => {
    const tflops = members.map((m) => m.fp16TflopsDense);
    const cheapest = Math.min(...members.map((m) => m.refPriceUsdPerHour));
    const stack = members[0]!.stack;
    return {
      stack,
      fp16TflopsMin: Math.floor(Math.min(...tflops)),
      memoryGbMin: Math.floor(Math.min(...members.map((m) => m.memoryGb))),
      boardPowerWMax: Math.ceil(Math.max(...members.map((m) => m.boardPowerW))),
      tflopsRatio: Math.max(...tflops) / Math.min(...tflops),
      refPriceUsdPerHour: cheapest,
      bondPerHourUsdc6: (BigInt(Math.round(cheapest * 1e6)) * BigInt(opts.bondFractionBps) + 9_999n) / 10_000n,
      members: members.map((m) => m.name), // already fastest-first, ties by name
    };
  });
  drafts.sort(
    (a, b) =>
      b.fp16TflopsMin - a.fp16TflopsMin ||
      b.memoryGbMin - a.memoryGbMin ||
      a.boardPowerWMax - b.boardPowerWMax ||
      STACKS.indexOf(a.stack) - STACKS.indexOf(b.stack),
  );
  if (drafts.length > UINT16_MAX) throw new Error(`classes: ${drafts.length} classes exceed uint16 class ids`);

  const labels = new Set<string>();
  const classOfModel = new Map<string, number>();
  const classes = drafts.map((d, i): CapacityClass => {
    const classId = i + 1;
    const label = `${STACK_TAG[d.stack]}-${d.fp16TflopsMin}TF-${d.memoryGbMin}GB-${d.boardPowerWMax}W`;
    if (label.length > 31) throw new Error(`class ${classId}: label "${label}" exceeds 31 bytes`);
    // Guarantees differ between classes by construction; a clash would mean two classes promise the same thing.
    if (labels.has(label)) throw new Error(`class ${classId}: duplicate label "${label}"`);
    labels.add(label);
    for (const m of d.members) classOfModel.set(m, classId);
    return Object.freeze({ classId, label, ...d, members: Object.freeze([...d.members]) });
  });
  return { classes, classOfModel };
}

/** NodeRegistry class-table rows, in classId order. */
export function toChainClassRows(result: CapacityClassAssignment): ChainClassRow[] {
  return result.classes.map((c) => {
    for (const field of ['fp16TflopsMin', 'memoryGbMin', 'boardPowerWMax'] as const) {
      if (!Number.isInteger(c[field]) || c[field] < 0 || c[field] > UINT32_MAX) {
        throw new Error(`class ${c.classId}: ${field} ${c[field]} does not fit uint32`);
      }
    }
    if (c.bondPerHourUsdc6 < 0n || c.bondPerHourUsdc6 > UINT64_MAX) {
      throw new Error(`class ${c.classId}: bondPerHourUsdc6 does not fit uint64`);
    }
    if (!Number.isInteger(c.classId) || c.classId < 1 || c.classId > UINT16_MAX) {
      throw new Error(`class ${c.classId}: classId must be an integer in [1, ${UINT16_MAX}]`);
    }
    if (!/^[\x20-\x7e]{1,31}$/.test(c.label)) throw new Error(`class ${c.classId}: label must be 1..31 ASCII bytes`);
    return {
      classId: c.classId,
      label: stringToHex(c.label, { size: 32 }),
      fp16TflopsMin: c.fp16TflopsMin,
      memoryGbMin: c.memoryGbMin,
      boardPowerWMax: c.boardPowerWMax,
      bondPerHourUsdc6: c.bondPerHourUsdc6,
    };
  });
}

/** NodeRegistry gpuModel -> classId rows, in classId order then member order. */
export function toChainModelRows(result: CapacityClassAssignment): ChainModelRow[] {
  return result.classes.flatMap((c) =>
    c.members.map((name) => ({ gpuModel: encodeGpuModelName(name), classId: c.classId })),
  );
}

/** Markdown table of an assignment (used for the README; a test keeps the README in sync). */
export function formatClassTable(result: CapacityClassAssignment): string {
  const usd = (n: number): string => n.toFixed(3);
  const lines = [
    '| classId | label | fp16TflopsMin | memoryGbMin | boardPowerWMax | TFLOPS max/min | ref USD/h | bondPerHourUsdc6 | members |',
    '| ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |',
  ];
  for (const c of result.classes) {
    lines.push(
      `| ${c.classId} | ${c.label} | ${c.fp16TflopsMin} | ${c.memoryGbMin} | ${c.boardPowerWMax} | ` +
        `${c.tflopsRatio.toFixed(2)} | ${usd(c.refPriceUsdPerHour)} | ${c.bondPerHourUsdc6} | ${c.members.join(', ')} |`,
    );
  }
  return lines.join('\n');
}
