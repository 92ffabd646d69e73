import { test } from 'node:test';
import assert from 'node:assert/strict';
import { StandardMerkleTree } from '@openzeppelin/merkle-tree';
import { bytesToHex, type Hex } from 'viem';
import { buildTree, leafOf, RECORD_ENCODING, verifyRecord, type NodeHourRecord } from './record.ts';

// The reference: the tree record.ts built with @openzeppelin/merkle-tree before issue 14, called exactly as it was.
const toTuple = (r: NodeHourRecord) => [
  String(r.nodeId),
  String(r.slot),
  String(r.greenWh),
  String(r.gridWh),
  String(r.gpuWh),
  String(r.uptimeS),
  String(r.messageCount),
  r.messagesHash,
];
const reference = (records: readonly NodeHourRecord[]) => {
  const tree = StandardMerkleTree.of(records.map(toTuple), RECORD_ENCODING, { sortLeaves: false });
  return { root: tree.root, proofs: records.map((_, i) => tree.getProof(i)) };
};

/** mulberry32: the same records on every run. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}

function randomRecords(n: number, seed: number): NodeHourRecord[] {
  const rnd = prng(seed);
  const u32 = () => Math.floor(rnd() * 2 ** 32);
  // Up to 2^53 − 1, and small values too, so that both halves of a uint64 word are exercised.
  const u53 = () => (rnd() < 0.5 ? Math.floor(rnd() * 100_000) : Math.floor(rnd() * 2 ** 21) * 2 ** 32 + u32());
  const hash = () => bytesToHex(Uint8Array.from({ length: 32 }, () => Math.floor(rnd() * 256)));
  return Array.from({ length: n }, () => ({
    nodeId: u53(),
    slot: u32(),
    greenWh: u53(),
    gridWh: u53(),
    gpuWh: u53(),
    uptimeS: u32(),
    messageCount: u32(),
    messagesHash: hash(),
  }));
}

function assertSameTree(records: NodeHourRecord[], label: string): void {
  const tree = buildTree(records);
  const ref = reference(records);
  assert.equal(tree.root, ref.root, `${label}: root`);
  assert.deepEqual(tree.records, records, `${label}: records in their order`);
  assert.equal(tree.proofs.length, records.length, `${label}: one proof a record`);
  tree.proofs.forEach((proof, i) => {
    assert.deepEqual(proof, ref.proofs[i], `${label}: proof of record ${i}`);
    assert.equal(verifyRecord(tree.root, records[i]!, proof), true, `${label}: record ${i} verifies`);
  });
}

test('root and every proof equal @openzeppelin/merkle-tree for 1 to 1000 records', () => {
  for (const n of [1, 2, 3, 4, 5, 7, 8, 9, 31, 32, 33, 1000]) assertSameTree(randomRecords(n, 14_000 + n), `${n}`);
});

test('a record given twice gets both its proofs, as in the reference', () => {
  const [a, b, c] = randomRecords(3, 7);
  assertSameTree([a!, b!, a!, c!, a!], 'duplicates');
});

test('records at the extremes of the encoding build the reference tree', () => {
  const max = {
    nodeId: Number.MAX_SAFE_INTEGER,
    slot: 2 ** 32 - 1,
    greenWh: Number.MAX_SAFE_INTEGER,
    gridWh: Number.MAX_SAFE_INTEGER,
    gpuWh: Number.MAX_SAFE_INTEGER,
    uptimeS: 2 ** 32 - 1,
    messageCount: 2 ** 32 - 1,
    messagesHash: `0x${'ff'.repeat(32)}` as Hex,
  };
  const zero = { nodeId: 0, slot: 0, greenWh: 0, gridWh: 0, gpuWh: 0, uptimeS: 0, messageCount: 0 };
  const records: NodeHourRecord[] = [
    max,
    { ...zero, messagesHash: `0x${'00'.repeat(32)}` },
    { ...max, messagesHash: `0x${'AB'.repeat(32)}` }, // upper-case hex is the same bytes32
    // Above 2^53 a number is encoded as its decimal text says, as the reference does: the largest double below 2^64
    // (its text 18446744073709550000 is still a uint64) and 2^63.
    { ...zero, nodeId: 2 ** 64 - 2048, greenWh: 2 ** 63, gpuWh: 2 ** 53, messagesHash: `0x${'01'.repeat(32)}` },
    { ...max, nodeId: 1, slot: 2 ** 31, uptimeS: 3600, messageCount: 60 },
  ];
  assertSameTree(records, 'extremes');
  // Each record alone: a one-record tree's root is its leaf, the on-chain AttestationOracle.leafOf.
  for (const r of records.slice(0, 3)) assert.equal(buildTree([r]).root, leafOf(r));
});

test('a value the encoding cannot hold is refused, naming the record and the field, as the reference refuses it', () => {
  const [good] = randomRecords(1, 3);
  const cases: [Partial<NodeHourRecord>, RegExp][] = [
    [{ slot: 2 ** 32 }, /records\[1\]\.slot: 4294967296 is out of range for uint32/],
    [{ messageCount: 2 ** 32 }, /records\[1\]\.messageCount: 4294967296 is out of range for uint32/],
    [{ gridWh: 2 ** 64 }, /records\[1\]\.gridWh: 18446744073709552000 is out of range for uint64/],
    [{ nodeId: -1 }, /records\[1\]\.nodeId: -1 is out of range for uint64/],
    [{ greenWh: 1.5 }, /records\[1\]\.greenWh: not an integer: 1\.5/],
    [{ gpuWh: Number.NaN }, /records\[1\]\.gpuWh: not an integer: NaN/],
    [{ uptimeS: 1e21 }, /records\[1\]\.uptimeS: not an integer: 1e\+21/],
  ];
  for (const [change, message] of cases) {
    const records = [good!, { ...good!, ...change }];
    assert.throws(() => buildTree(records), message);
    assert.throws(() => reference(records), Error, `the reference refuses ${JSON.stringify(change)} too`);
  }
  // A messagesHash that is not 32 bytes is refused (the reference would zero-pad a short one, which viem and so
  // leafOf and the chain refuse).
  for (const messagesHash of ['0xabcd', `0x${'ab'.repeat(33)}`, 'ab'.repeat(32), `0x${'g'.repeat(64)}`])
    assert.throws(
      () => buildTree([good!, { ...good!, messagesHash: messagesHash as Hex }]),
      /records\[1\]\.messagesHash: must be 32 bytes of hex/,
    );
});

test('an empty hour is refused', () => {
  assert.throws(() => buildTree([]), /records: an attestation needs at least one record/);
});
