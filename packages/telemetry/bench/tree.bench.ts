// The attester's hourly tree (issue 14): buildTree (src/tree.ts) against @openzeppelin/merkle-tree, the builder it
// replaced, called as record.ts called it (StandardMerkleTree.of over the record tuples, unsorted, then getProof of
// every record), in the same run on the same records. Goals: 10,000 records in ≤ 1 s, 100,000 in ≤ 10 s.
// The baseline at 100,000 records takes minutes: it is extrapolated from 10,000 (× 10, a lower bound: its proofs grow
// with log n) unless BENCH_TREE_BASELINE_100K=1 measures it.
import { StandardMerkleTree } from '@openzeppelin/merkle-tree';
import { bytesToHex } from 'viem';
import { buildTree, RECORD_ENCODING, type NodeHourRecord } from '../src/record.ts';

const RUNS = Number(process.env.BENCH_TREE_RUNS ?? 5);
const MEASURE_BASELINE_100K = process.env.BENCH_TREE_BASELINE_100K === '1';
const GOALS_MS: Record<number, number> = { 10_000: 1_000, 100_000: 10_000 };

/** A seeded hour of records shaped like the attester's: node ids, Wh sums, 60 windows, random messagesHash. */
function hourOf(n: number, seed: number): NodeHourRecord[] {
  let a = seed >>> 0;
  const rnd = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
  return Array.from({ length: n }, (_, i) => ({
    nodeId: i + 1,
    slot: 498_792,
    greenWh: Math.floor(rnd() * 60_000),
    gridWh: Math.floor(rnd() * 20_000),
    gpuWh: Math.floor(rnd() * 60_000),
    uptimeS: 3_600,
    messageCount: 60,
    messagesHash: bytesToHex(Uint8Array.from({ length: 32 }, () => Math.floor(rnd() * 256))),
  }));
}

function openZeppelin(records: readonly NodeHourRecord[]) {
  const tuples = records.map((r) => [
    String(r.nodeId),
    String(r.slot),
    String(r.greenWh),
    String(r.gridWh),
    String(r.gpuWh),
    String(r.uptimeS),
    String(r.messageCount),
    r.messagesHash,
  ]);
  const tree = StandardMerkleTree.of(tuples, RECORD_ENCODING, { sortLeaves: false });
  return { root: tree.root, proofs: records.map((_, i) => tree.getProof(i)) };
}

function timeMs<T>(f: () => T): [number, T] {
  const t = performance.now();
  const result = f();
  return [performance.now() - t, result];
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const fmt = (ms: number) => `${Math.round(ms).toLocaleString('en-US')} ms`;

// Warm both up (JIT, the WebAssembly module) on a small hour.
for (let i = 0; i < 3; i++) {
  buildTree(hourOf(1_000, 1));
  openZeppelin(hourOf(200, 1));
}

console.log(`tree build: ${RUNS} runs of buildTree per size (median, min); baseline @openzeppelin/merkle-tree 1.0.8`);
const rows: string[] = [];
let baselinePerRecordMs = 0;
let allMet = true;
for (const n of [10_000, 100_000]) {
  const records = hourOf(n, n);
  const times: number[] = [];
  let root = '';
  for (let r = 0; r < RUNS; r++) {
    const [ms, tree] = timeMs(() => buildTree(records));
    times.push(ms);
    root = tree.root;
  }
  let baselineMs: number;
  let baselineNote: string;
  if (n === 10_000 || MEASURE_BASELINE_100K) {
    const [ms, ref] = timeMs(() => openZeppelin(records));
    if (ref.root !== root) throw new Error(`${n} records: buildTree's root ${root} is not the reference's ${ref.root}`);
    baselineMs = ms;
    baselineNote = 'measured';
    if (n === 10_000) baselinePerRecordMs = ms / n;
  } else {
    baselineMs = baselinePerRecordMs * n;
    baselineNote = 'extrapolated from 10,000 (× 10)';
  }
  const med = median(times);
  const goal = GOALS_MS[n]!;
  const met = med <= goal;
  allMet &&= met;
  console.log(
    `${n.toLocaleString('en-US')} records: buildTree ${fmt(med)} (min ${fmt(Math.min(...times))}), ` +
      `OpenZeppelin ${fmt(baselineMs)} (${baselineNote}), ${(baselineMs / med).toFixed(1)}x faster; ` +
      `goal ≤ ${fmt(goal)}: ${met ? 'met' : 'NOT met'}`,
  );
  rows.push(
    `| ${n.toLocaleString('en-US')} | ${fmt(med)} | ${fmt(Math.min(...times))} | ${fmt(baselineMs)}${baselineNote === 'measured' ? '' : ' (extrapolated)'} | ${(baselineMs / med).toFixed(1)}× | ≤ ${fmt(goal)}: ${met ? 'met' : 'not met'} |`,
  );
}
console.log('\n| records | buildTree (median) | min | OpenZeppelin | ratio | goal |\n|---:|---:|---:|---:|---:|---|');
for (const row of rows) console.log(row);
console.log(allMet ? 'tree build goals: met' : 'tree build goals: NOT met');
