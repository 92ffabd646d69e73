import { test } from 'node:test';
import assert from 'node:assert/strict';
import { keccak_256 } from '@noble/hashes/sha3.js';
import { bytesToHex, type Address } from 'viem';
import { TelemetryHasher } from './message.ts';
import { aggregate, buildTree, greenShareBps, leafOf, verifyRecord } from './record.ts';
import { sampleWindow } from './fixtures.ts';

const hasher = new TelemetryHasher({ chainId: 1, verifyingContract: '0x0000000000000000000000000000000000000001' });
const device = '0x00000000000000000000000000000000000000aa' as Address;

test('aggregate charges grid imports to the loads first and hashes digests and signatures in order', () => {
  const windows = [
    sampleWindow(device, 1, { gpuWh: 700, evWh: 100, gridImportWh: 300 }), // 500 green, 300 grid
    sampleWindow(device, 2, { gpuWh: 600, evWh: 0, gridImportWh: 900 }), // imports beyond the load: 0 green, 600 grid
    sampleWindow(device, 3, { gpuWh: 0, evWh: 0, gridImportWh: 0, uptimeS: 30 }),
  ].map((message, i) => ({ message, digest: hasher.digest(message), signature: new Uint8Array(65).fill(i + 1) }));
  const r = aggregate(7, 498_792, windows);
  assert.deepEqual(
    { ...r, messagesHash: undefined },
    {
      nodeId: 7,
      slot: 498_792,
      greenWh: 500,
      gridWh: 900,
      gpuWh: 1300,
      uptimeS: 150,
      messageCount: 3,
      messagesHash: undefined,
    },
  );
  const concatenated = new Uint8Array(3 * 97);
  windows.forEach((w, i) => {
    concatenated.set(w.digest, 97 * i);
    concatenated.set(w.signature, 97 * i + 32);
  });
  assert.equal(r.messagesHash, bytesToHex(keccak_256(concatenated)));
  const otherSignature = [{ ...windows[0]!, signature: new Uint8Array(65) }, windows[1]!, windows[2]!];
  assert.notEqual(aggregate(7, 498_792, otherSignature).messagesHash, r.messagesHash);
  assert.throws(
    () => aggregate(7, 498_792, [{ ...windows[0]!, signature: new Uint8Array(64) }]),
    /signature of seq 1: must be 65 bytes/,
  );
  assert.notEqual(aggregate(7, 498_792, [windows[1]!, windows[0]!, windows[2]!]).messagesHash, r.messagesHash);
});

test('green share rounds down and is 0 for a node-hour that drew nothing', () => {
  assert.equal(greenShareBps({ greenWh: 2, gridWh: 1 }), 6666);
  assert.equal(greenShareBps({ greenWh: 0, gridWh: 0 }), 0);
  assert.equal(greenShareBps({ greenWh: 5, gridWh: 0 }), 10_000);
});

test('every record proves against the root; a changed record does not', () => {
  const records = Array.from({ length: 5 }, (_, i) => ({
    nodeId: i + 1,
    slot: 498_792,
    greenWh: 1000 * i,
    gridWh: 10,
    gpuWh: 42_000,
    uptimeS: 3600,
    messageCount: 60,
    messagesHash: bytesToHex(keccak_256(new Uint8Array([i]))),
  }));
  const tree = buildTree(records);
  tree.records.forEach((r, i) => assert.equal(verifyRecord(tree.root, r, tree.proofs[i]!), true));
  // The leaf computed alone is the tree's: a one-record tree's root is its leaf.
  assert.equal(leafOf(records[3]!), buildTree([records[3]!]).root);
  assert.equal(verifyRecord(tree.root, { ...records[2]!, greenWh: 999_999 }, tree.proofs[2]!), false);
  assert.throws(() => buildTree([]), /records: an attestation needs at least one record/);
});
