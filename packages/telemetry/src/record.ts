// Node-hour records and their Merkle tree (docs/TELEMETRY.md section 3). AttestationOracle.aggregate and leafOf compute
// the same on chain; packages/attestation/src/crosscheck.test.ts compares them on a real EVM.
import { StandardMerkleTree } from '@openzeppelin/merkle-tree';
import { keccak256 as keccakBytes } from './keccak.ts';
import { bytesToHex, encodeAbiParameters, keccak256, parseAbiParameters, type Hex } from 'viem';
import type { Telemetry } from './message.ts';
import { MAX_WINDOWS_PER_RECORD } from './bounds.ts';
import { buildRecordTree } from './tree.ts';

export interface NodeHourRecord {
  nodeId: number;
  slot: number;
  greenWh: number;
  gridWh: number;
  gpuWh: number;
  uptimeS: number;
  messageCount: number;
  messagesHash: Hex;
}

export const RECORD_ENCODING = ['uint64', 'uint32', 'uint64', 'uint64', 'uint64', 'uint32', 'uint32', 'bytes32'];
type RecordTuple = [string, string, string, string, string, string, string, Hex];

/**
 * Aggregates one node-hour's messages, given in sequence order with their EIP-712 digests and 65-byte signatures. The
 * record commits to the signatures too, so that a window the device never signed is a provable fault of the attester.
 */
export function aggregate(
  nodeId: number,
  slot: number,
  messages: readonly { message: Telemetry; digest: Uint8Array; signature: Uint8Array }[],
): NodeHourRecord {
  // A record of no window or of more than the bound is a fault provable on chain from the record alone.
  if (messages.length === 0 || messages.length > MAX_WINDOWS_PER_RECORD)
    throw new Error(
      `node ${nodeId} hour ${slot}: a record has 1 to ${MAX_WINDOWS_PER_RECORD} windows, got ${messages.length}`,
    );
  let greenWh = 0;
  let gridWh = 0;
  let gpuWh = 0;
  let uptimeS = 0;
  const committed = new Uint8Array(97 * messages.length);
  messages.forEach(({ message: m, digest, signature }, i) => {
    if (signature.length !== 65)
      throw new Error(`signature of seq ${m.seq}: must be 65 bytes, got ${signature.length}`);
    const loadWh = m.gpuWh + m.evWh;
    // Grid imports are charged to the loads first, so green energy is never overstated.
    const fromGridWh = Math.min(m.gridImportWh, loadWh);
    gridWh += fromGridWh;
    greenWh += loadWh - fromGridWh;
    gpuWh += m.gpuWh;
    uptimeS += m.uptimeS;
    committed.set(digest, 97 * i);
    committed.set(signature, 97 * i + 32);
  });
  const messagesHash = bytesToHex(keccakBytes(committed));
  return { nodeId, slot, greenWh, gridWh, gpuWh, uptimeS, messageCount: messages.length, messagesHash };
}

/** Green share in basis points, rounded down; 0 for a node-hour that drew nothing. */
export function greenShareBps(r: Pick<NodeHourRecord, 'greenWh' | 'gridWh'>): number {
  const total = r.greenWh + r.gridWh;
  return total === 0 ? 0 : Number((BigInt(r.greenWh) * 10_000n) / BigInt(total));
}

const toTuple = (r: NodeHourRecord): RecordTuple => [
  String(r.nodeId),
  String(r.slot),
  String(r.greenWh),
  String(r.gridWh),
  String(r.gpuWh),
  String(r.uptimeS),
  String(r.messageCount),
  r.messagesHash,
];

export interface AttestationTree {
  root: Hex;
  records: NodeHourRecord[];
  /** proofs[i] proves records[i]. */
  proofs: Hex[][];
}

/** OpenZeppelin's standard tree: leaves double-hashed, pairs hashed sorted. Records keep their given order. */
export function buildTree(records: readonly NodeHourRecord[]): AttestationTree {
  return buildRecordTree(records); // tree.ts: the same tree as StandardMerkleTree.of(tuples, RECORD_ENCODING, unsorted)
}

export function verifyRecord(root: Hex, record: NodeHourRecord, proof: readonly Hex[]): boolean {
  return StandardMerkleTree.verify(root, RECORD_ENCODING, toTuple(record), [...proof]);
}

const RECORD_PARAMETERS = parseAbiParameters(RECORD_ENCODING.join(','));

/** keccak256(bytes.concat(keccak256(abi.encode(record)))): the tree's leaf, and AttestationOracle.leafOf. */
export function leafOf(r: NodeHourRecord): Hex {
  const encoded = encodeAbiParameters(RECORD_PARAMETERS, [
    BigInt(r.nodeId),
    r.slot,
    BigInt(r.greenWh),
    BigInt(r.gridWh),
    BigInt(r.gpuWh),
    r.uptimeS,
    r.messageCount,
    r.messagesHash,
  ]);
  return keccak256(keccak256(encoded));
}

/** IAttestationOracle.Fault, in the contract's enum order: what a fraud proof showed (None: the record is honest). */
export const FAULTS = [
  'None',
  'BadSignature',
  'WrongDevice',
  'OutsideSlot',
  'NotIncreasing',
  'Impossible',
  'AggregateMismatch',
  'MessageCount',
  'DuplicateNodeHour',
  'DroppedWindow',
] as const;
export type Fault = (typeof FAULTS)[number];
