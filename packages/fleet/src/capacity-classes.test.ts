import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { hexToString, size } from 'viem';
import {
  DEFAULT_CLASSING_OPTIONS,
  assignCapacityClasses,
  clusterByRatio,
  formatClassTable,
  toChainClassRows,
  toChainModelRows,
} from './capacity-classes.ts';
import type { CapacityClassAssignment } from './capacity-classes.ts';
import { DEMO_FLEET } from './demo-fleet.ts';
import { GPU_CATALOG, getGpuSpec, gpuModelId } from './gpus.ts';
import type { GpuSpec } from './gpus.ts';

const CATALOG_NAMES = GPU_CATALOG.map((g) => g.name);

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

function shuffled<T>(xs: readonly T[], rnd: () => number): T[] {
  const out = [...xs];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(rnd() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

/** Every structural guarantee an assignment must satisfy, for any input set. */
function assertSound(
  result: CapacityClassAssignment,
  specs: readonly GpuSpec[],
  opts = DEFAULT_CLASSING_OPTIONS,
): void {
  const byName = new Map(specs.map((s) => [s.name, s]));
  assert.equal(result.classOfModel.size, byName.size, 'every model assigned exactly once');
  result.classes.forEach((c, i) => {
    assert.equal(c.classId, i + 1);
    const members = c.members.map((m) => byName.get(m)!);
    assert.ok(members.length > 0);
    for (const m of members) {
      assert.equal(result.classOfModel.get(m.name), c.classId);
      assert.equal(m.stack, c.stack, `${m.name} stack`);
      assert.ok(m.fp16TflopsDense >= c.fp16TflopsMin, `${m.name} meets TFLOPS of ${c.label}`);
      assert.ok(m.memoryGb >= c.memoryGbMin, `${m.name} meets memory of ${c.label}`);
      assert.ok(m.boardPowerW <= c.boardPowerWMax, `${m.name} within power of ${c.label}`);
      assert.ok(m.refPriceUsdPerHour >= c.refPriceUsdPerHour);
    }
    const ratio = (xs: number[]): number => Math.max(...xs) / Math.min(...xs);
    const eps = 1 + 1e-9;
    assert.ok(ratio(members.map((m) => m.fp16TflopsDense)) <= opts.maxTflopsRatio * eps, `${c.label} TFLOPS ratio`);
    assert.ok(ratio(members.map((m) => m.memoryGb)) <= opts.maxMemoryRatio * eps, `${c.label} memory ratio`);
    assert.ok(ratio(members.map((m) => m.boardPowerW)) <= opts.maxPowerRatio * eps, `${c.label} power ratio`);
    assert.ok(Number.isInteger(c.fp16TflopsMin) && Number.isInteger(c.memoryGbMin));
    assert.ok(Number.isInteger(c.boardPowerWMax));
    assert.equal(c.fp16TflopsMin, Math.floor(Math.min(...members.map((m) => m.fp16TflopsDense))));
    assert.equal(c.boardPowerWMax, Math.ceil(Math.max(...members.map((m) => m.boardPowerW))));
  });
  assert.equal(new Set(result.classes.map((c) => c.label)).size, result.classes.length, 'labels unique');
}

test('catalog classes are sound and separate very different GPUs', () => {
  const r = assignCapacityClasses(CATALOG_NAMES);
  assertSound(r, GPU_CATALOG);
  const cls = (name: string): number => r.classOfModel.get(name)!;
  assert.notEqual(cls('NVIDIA H100 SXM'), cls('NVIDIA GeForce RTX 4090'));
  assert.notEqual(cls('NVIDIA H100 SXM'), cls('NVIDIA H200 SXM'), '80 GB vs 141 GB');
  assert.notEqual(cls('NVIDIA H100 SXM'), cls('NVIDIA H100 PCIe'), '700 W vs 350 W');
  assert.notEqual(cls('NVIDIA H100 SXM'), cls('AMD Instinct MI300X'), 'CUDA vs ROCm');
  assert.notEqual(cls('NVIDIA L4'), cls('NVIDIA Jetson AGX Orin 64GB'));
  assert.equal(cls('NVIDIA A100 SXM 80GB'), cls('NVIDIA A100 PCIe 80GB'), 'same chip, same memory, 400 vs 300 W');
  assert.equal(cls('NVIDIA L40S'), cls('NVIDIA RTX 6000 Ada'), 'same AD102 silicon');
  // Consumer cards never share a class with the H100/H200 tier.
  const top = r.classes.find((c) => c.members.includes('NVIDIA H100 SXM'))!;
  assert.ok(top.members.every((m) => getGpuSpec(m).segment === 'datacentre'));
});

test('assignment is deterministic and independent of input order and duplicates', () => {
  const base = assignCapacityClasses(CATALOG_NAMES);
  const rnd = rng(42);
  for (let i = 0; i < 20; i++) {
    const input = shuffled([...CATALOG_NAMES, ...CATALOG_NAMES.slice(0, i)], rnd);
    const r = assignCapacityClasses(input);
    assert.deepEqual(r.classes, base.classes);
    assert.deepEqual([...r.classOfModel].sort(), [...base.classOfModel].sort());
  }
  // Names and their specs are the same input.
  assert.deepEqual(assignCapacityClasses(GPU_CATALOG).classes, base.classes);
});

test('demo fleet gets sensible classes', () => {
  const r = assignCapacityClasses(DEMO_FLEET);
  const models = [...new Set(DEMO_FLEET.map((d) => d.gpuModel))].map(getGpuSpec);
  assertSound(r, models);
  for (const d of DEMO_FLEET) assert.ok(r.classOfModel.has(d.gpuModel), d.id);
  assert.notEqual(r.classOfModel.get('NVIDIA H100 SXM'), r.classOfModel.get('NVIDIA GeForce RTX 4090'));
  // Home GPUs are never classed with station GPUs.
  const siteOf = new Map(DEMO_FLEET.map((d) => [d.gpuModel, d.siteType]));
  for (const c of r.classes) {
    const sites = new Set(c.members.map((m) => siteOf.get(m)));
    assert.ok(!(sites.has('home') && sites.has('station')), c.label);
  }
  assert.deepEqual(
    assignCapacityClasses(shuffled(DEMO_FLEET, rng(1))).classes,
    r.classes,
    'fleet order does not matter',
  );
});

test('random spec sets always satisfy the class guarantees and bounds', () => {
  const rnd = rng(2024);
  const stacks = ['cuda', 'rocm', 'jetpack'] as const;
  for (let round = 0; round < 50; round++) {
    const specs: GpuSpec[] = Array.from({ length: 1 + Math.floor(rnd() * 30) }, (_, i) => ({
      name: `GPU ${round}-${i}`,
      vendor: 'Test',
      segment: 'datacentre',
      stack: stacks[Math.floor(rnd() * 3)]!,
      fp16TflopsDense: Math.round(10 ** (1 + rnd() * 2.2) * 10) / 10,
      memoryGb: [8, 12, 16, 24, 32, 40, 48, 64, 80, 141, 192][Math.floor(rnd() * 11)]!,
      memoryBandwidthGbps: 100 + Math.floor(rnd() * 5000),
      boardPowerW: 25 + Math.floor(rnd() * 700),
      refPriceUsdPerHour: 0.1 + rnd() * 5,
    }));
    const opts = { ...DEFAULT_CLASSING_OPTIONS, maxTflopsRatio: 1.2 + rnd(), maxPowerRatio: 1.1 + rnd() };
    assertSound(assignCapacityClasses(specs, opts), specs, opts);
  }
});

test('clusterByRatio uses the fewest groups and cuts at the widest gap', () => {
  assert.deepEqual(clusterByRatio([], 1.5), []);
  assert.deepEqual(clusterByRatio([5, 5, 5], 1.5), [[5]]);
  // Greedy from the top would give [[100, 67], [66, 45]] and split two near-identical values.
  assert.deepEqual(clusterByRatio([66, 100, 45, 67], 1.5), [[100], [67, 66, 45]]);
  // Three groups are needed; the cut goes at 66|50 (ratio 1.32) rather than 50|40 (1.25).
  assert.deepEqual(clusterByRatio([100, 66, 50, 40], 1.5), [[100], [66], [50, 40]]);
  const rnd = rng(9);
  for (let round = 0; round < 200; round++) {
    const values = Array.from({ length: 1 + Math.floor(rnd() * 25) }, () => 1 + Math.floor(rnd() * 2000));
    const ratio = 1 + rnd() * 2;
    const groups = clusterByRatio(values, ratio);
    // Greedy interval cover is optimal in count; the DP must match it.
    const sorted = [...new Set(values)].sort((a, b) => b - a);
    let greedy = 0;
    for (let i = 0; i < sorted.length; greedy++) {
      const top = sorted[i]!;
      while (i < sorted.length && top / sorted[i]! <= ratio * (1 + 1e-12)) i++;
    }
    assert.equal(groups.length, greedy);
    assert.deepEqual(groups.flat(), sorted);
    for (const g of groups) assert.ok(g[0]! / g[g.length - 1]! <= ratio * (1 + 1e-12));
  }
});

test('bond is the configured multiple of the cheapest member price, rounded up', () => {
  const r = assignCapacityClasses(CATALOG_NAMES);
  for (const c of r.classes) {
    const cheapest = Math.min(...c.members.map((m) => getGpuSpec(m).refPriceUsdPerHour));
    assert.equal(c.refPriceUsdPerHour, cheapest);
    assert.equal(c.bondPerHourUsdc6, (BigInt(Math.round(cheapest * 1e6)) * 44_100n + 9_999n) / 10_000n);
  }
  const half = assignCapacityClasses(CATALOG_NAMES, { bondFractionBps: 5000 });
  const h100 = half.classes.find((c) => c.members.includes('NVIDIA H100 SXM'))!;
  assert.equal(h100.bondPerHourUsdc6, BigInt(Math.round(getGpuSpec('NVIDIA H100 SXM').refPriceUsdPerHour * 1e6) / 2));
});

test('chain rows encode labels and model ids as bytes32 and fit the Solidity types', () => {
  const r = assignCapacityClasses(CATALOG_NAMES);
  const classRows = toChainClassRows(r);
  assert.equal(classRows.length, r.classes.length);
  classRows.forEach((row, i) => {
    const c = r.classes[i]!;
    assert.equal(row.classId, c.classId);
    assert.equal(size(row.label), 32);
    assert.equal(hexToString(row.label, { size: 32 }), c.label);
    assert.ok(row.classId >= 1 && row.classId <= 0xffff);
    for (const v of [row.fp16TflopsMin, row.memoryGbMin, row.boardPowerWMax]) {
      assert.ok(Number.isInteger(v) && v > 0 && v <= 0xffffffff);
    }
    assert.equal(typeof row.bondPerHourUsdc6, 'bigint');
    assert.ok(row.bondPerHourUsdc6 > 0n && row.bondPerHourUsdc6 < 1n << 64n);
  });
  const modelRows = toChainModelRows(r);
  assert.equal(modelRows.length, GPU_CATALOG.length);
  for (const row of modelRows) {
    const name = hexToString(row.gpuModel, { size: 32 });
    assert.equal(row.gpuModel, gpuModelId(name));
    assert.equal(row.classId, r.classOfModel.get(name));
  }
});

test('bad inputs are rejected with the field and the reason', () => {
  const good = getGpuSpec('NVIDIA L4');
  const bad = (patch: Partial<GpuSpec>): GpuSpec => ({ ...good, name: 'Custom GPU', ...patch });
  assert.throws(
    () => assignCapacityClasses([bad({ fp16TflopsDense: Number.NaN })]),
    /fp16TflopsDense must be a finite number > 0, got NaN/,
  );
  assert.throws(
    () => assignCapacityClasses([bad({ fp16TflopsDense: 0 })]),
    /input\[0\] "Custom GPU": fp16TflopsDense .* got 0/,
  );
  assert.throws(() => assignCapacityClasses([bad({ memoryGb: -16 })]), /memoryGb must be a finite number > 0, got -16/);
  assert.throws(() => assignCapacityClasses([bad({ boardPowerW: Infinity })]), /boardPowerW .* got Infinity/);
  assert.throws(() => assignCapacityClasses([bad({ memoryBandwidthGbps: 0 })]), /memoryBandwidthGbps/);
  assert.throws(() => assignCapacityClasses([bad({ refPriceUsdPerHour: -1 })]), /refPriceUsdPerHour/);
  assert.throws(() => assignCapacityClasses([bad({ fp16TflopsDense: 0.5 })]), /fp16TflopsDense must be >= 1/);
  assert.throws(() => assignCapacityClasses([bad({ stack: 'metal' as never })]), /stack must be one of/);
  assert.throws(() => assignCapacityClasses([bad({ name: 'N'.repeat(32) })]), /input\[0\]\.name: .* max is 31/);
  assert.throws(
    () => assignCapacityClasses(['NVIDIA L4', 'NVIDIA B300']),
    /input\[1\]: .*unknown GPU model "NVIDIA B300"/,
  );
  assert.throws(() => assignCapacityClasses([{ gpuModel: 'RTX 9090' }]), /input\[0\]\.gpuModel: .*unknown GPU model/);
  assert.throws(() => assignCapacityClasses([]), /input: at least one/);
  assert.throws(() => assignCapacityClasses([42 as never]), /input\[0\]: expected/);
  assert.throws(
    () => assignCapacityClasses(['NVIDIA L4', { ...good, memoryGb: 48 }]),
    /conflicting specs for GPU model "NVIDIA L4"/,
  );
  assert.throws(() => assignCapacityClasses(['NVIDIA L4'], { maxTflopsRatio: 0.9 }), /options\.maxTflopsRatio/);
  assert.throws(() => assignCapacityClasses(['NVIDIA L4'], { maxPowerRatio: Number.NaN }), /options\.maxPowerRatio/);
  assert.throws(() => assignCapacityClasses(['NVIDIA L4'], { bondFractionBps: 120_000 }), /options\.bondFractionBps/);
});

test('README class table is the one the algorithm produces for the catalog', () => {
  const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
  assert.ok(readme.includes(formatClassTable(assignCapacityClasses(CATALOG_NAMES))), 'regenerate the README table');
});
