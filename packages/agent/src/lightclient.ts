// Light-client reads: contract storage proven with eth_getProof (EIP-1186) against a block header, instead of trusting an
// RPC's eth_call answer. The header is checked to hash to its block hash; the account proof to the header's stateRoot;
// each storage proof to the account's storageRoot (Merkle-Patricia proofs verified by @ethereumjs/mpt).
//
// What remains trusted (docs/TELEMETRY.md, "Light node"): the block hash itself. The RPC chooses which block it
// answers for; a lying RPC could hand over a fabricated header whose stateRoot commits to fabricated state, and it
// would verify. A real light client follows the chain's consensus (for Ethereum the beacon chain's sync committee) to
// know which block hash is canonical; here the block hash comes from the same RPC, optionally cross-checked against a
// second RPC (`trustedBlockHash`).
import { verifyMerkleProof } from '@ethereumjs/mpt';
import {
  bytesToBigInt,
  encodeAbiParameters,
  fromRlp,
  hexToBytes,
  keccak256,
  toRlp,
  type Address,
  type Hex,
  type PublicClient,
} from 'viem';

/** Header fields in RLP order; the fork-dependent tail is encoded only when the block has it. */
const HEADER_FIELDS = [
  ['parentHash', 'bytes'],
  ['sha3Uncles', 'bytes'],
  ['miner', 'bytes'],
  ['stateRoot', 'bytes'],
  ['transactionsRoot', 'bytes'],
  ['receiptsRoot', 'bytes'],
  ['logsBloom', 'bytes'],
  ['difficulty', 'int'],
  ['number', 'int'],
  ['gasLimit', 'int'],
  ['gasUsed', 'int'],
  ['timestamp', 'int'],
  ['extraData', 'bytes'],
  ['mixHash', 'bytes'],
  ['nonce', 'bytes'],
  ['baseFeePerGas', 'int', 'optional'], // London
  ['withdrawalsRoot', 'bytes', 'optional'], // Shanghai
  ['blobGasUsed', 'int', 'optional'], // Cancun
  ['excessBlobGas', 'int', 'optional'],
  ['parentBeaconBlockRoot', 'bytes', 'optional'],
  ['requestsHash', 'bytes', 'optional'], // Prague
] as const;

export class LightClientError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'LightClientError';
  }
}

/** A JSON-RPC quantity as RLP wants it: minimal big-endian bytes, 0 as the empty string. */
function rlpInt(hex: string): Hex {
  const v = BigInt(hex);
  if (v === 0n) return '0x';
  const s = v.toString(16);
  return `0x${s.length % 2 ? '0' : ''}${s}`;
}

export interface VerifiedHeader {
  number: bigint;
  hash: Hex;
  stateRoot: Hex;
  timestamp: bigint;
}

/** Checks that the raw JSON-RPC block's header fields hash (keccak256 of their RLP) to its `hash`. */
export function verifyHeader(raw: Record<string, unknown>): VerifiedHeader {
  const items: Hex[] = [];
  let missing = false;
  for (const [name, kind, optional] of HEADER_FIELDS) {
    const value = raw[name];
    if (value === undefined || value === null) {
      if (!optional) throw new LightClientError(`header: field ${name} missing`);
      missing = true;
      continue;
    }
    // A later fork's field after an absent earlier one is not a header any fork defines.
    if (missing) throw new LightClientError(`header: ${name} present after an absent earlier field`);
    if (typeof value !== 'string' || !/^0x[0-9a-fA-F]*$/.test(value))
      throw new LightClientError(`header: field ${name} is not hex`);
    items.push(kind === 'int' ? rlpInt(value) : (value as Hex));
  }
  const hash = keccak256(toRlp(items));
  if (typeof raw.hash !== 'string' || hash.toLowerCase() !== raw.hash.toLowerCase())
    throw new LightClientError(`header: fields hash to ${hash}, not to the block hash ${String(raw.hash)}`);
  return {
    number: BigInt(raw.number as string),
    hash,
    stateRoot: raw.stateRoot as Hex,
    timestamp: BigInt(raw.timestamp as string),
  };
}

interface RawProof {
  address: Address;
  accountProof: Hex[];
  balance: Hex;
  codeHash: Hex;
  nonce: Hex;
  storageHash: Hex;
  storageProof: { key: Hex; value: Hex; proof: Hex[] }[];
}

export interface ProvenStorage {
  header: VerifiedHeader;
  /** Proven storage words, in the order of the slots asked for. */
  values: bigint[];
}

export interface ReadOptions {
  /** Block to read at (default: the latest). */
  blockNumber?: bigint;
  /** The block hash from a source trusted more than the RPC (a second RPC, a checkpoint); must match. */
  trustedBlockHash?: Hex;
}

/**
 * Reads `slots` of `address` at a block, proven: header → stateRoot → account → storageRoot → each slot. Two RPC
 * calls (eth_getBlockByNumber, eth_getProof). Throws LightClientError when any step does not verify.
 */
export async function readProvenStorage(
  client: Pick<PublicClient, 'request'>,
  address: Address,
  slots: readonly Hex[],
  options: ReadOptions = {},
): Promise<ProvenStorage> {
  const tag = options.blockNumber === undefined ? 'latest' : (`0x${options.blockNumber.toString(16)}` as Hex);
  const raw = (await client.request({
    method: 'eth_getBlockByNumber',
    params: [tag, false],
  } as never)) as Record<string, unknown> | null;
  if (raw === null) throw new LightClientError(`header: no block ${tag}`);
  const header = verifyHeader(raw);
  if (options.trustedBlockHash !== undefined && options.trustedBlockHash.toLowerCase() !== header.hash.toLowerCase())
    throw new LightClientError(`header: block ${header.number} is ${header.hash}, trusted ${options.trustedBlockHash}`);
  const blockTag = `0x${header.number.toString(16)}` as Hex;
  const proof = (await client.request({
    method: 'eth_getProof',
    params: [address, slots, blockTag],
  } as never)) as RawProof;
  const account = await verifyMerkleProof(
    hexToBytes(address),
    proof.accountProof.map((h) => hexToBytes(h)),
    {
      root: hexToBytes(header.stateRoot),
      useKeyHashing: true,
    },
  ).catch((err: Error) => {
    throw new LightClientError(`account ${address}: proof does not verify against stateRoot (${err.message})`);
  });
  if (account === null) throw new LightClientError(`account ${address}: proven absent at block ${header.number}`);
  const fields = fromRlp(account, 'hex') as Hex[];
  const storageRoot = fields[2];
  if (fields.length !== 4 || storageRoot === undefined)
    throw new LightClientError(`account ${address}: not an account (${fields.length} fields)`);
  if (storageRoot.toLowerCase() !== proof.storageHash.toLowerCase())
    throw new LightClientError(`account ${address}: storageHash ${proof.storageHash} is not the proven ${storageRoot}`);
  if (proof.storageProof.length !== slots.length)
    throw new LightClientError(`storage: ${proof.storageProof.length} proofs for ${slots.length} slots`);
  const values: bigint[] = [];
  for (const [i, slot] of slots.entries()) {
    const p = proof.storageProof[i]!;
    if (BigInt(p.key) !== BigInt(slot)) throw new LightClientError(`storage: proof ${i} is of ${p.key}, not ${slot}`);
    const value = await verifyMerkleProof(
      hexToBytes(slot),
      p.proof.map((h) => hexToBytes(h)),
      {
        root: hexToBytes(storageRoot),
        useKeyHashing: true,
      },
    ).catch((err: Error) => {
      throw new LightClientError(`storage ${slot}: proof does not verify against storageRoot (${err.message})`);
    });
    // Absent: a valid proof of exclusion, the word is 0.
    let word = 0n;
    if (value !== null && value.length > 0) {
      const decoded = fromRlp(value, 'hex');
      if (typeof decoded !== 'string') throw new LightClientError(`storage ${slot}: proven value is not an RLP string`);
      word = decoded === '0x' ? 0n : bytesToBigInt(hexToBytes(decoded));
    }
    if (word !== BigInt(p.value))
      throw new LightClientError(`storage ${slot}: the RPC said ${p.value}, the proof says ${word}`);
    values.push(word);
  }
  return { header, values };
}

/** Slot of `mapping(key => …)` at `base`: keccak256(abi.encode(key, base)), then + `word` into the value's struct. */
export function mappingSlot(
  key: bigint | Address | Hex,
  keyType: 'uint256' | 'address' | 'bytes32',
  base: bigint,
  word = 0n,
): Hex {
  const start = BigInt(keccak256(encodeAbiParameters([{ type: keyType }, { type: 'uint256' }], [key as never, base])));
  return `0x${(start + word).toString(16).padStart(64, '0')}` as Hex;
}

/** `bytes` bytes at byte `offset` (from the low end) of a storage word, as Solidity packs a struct. */
export function field(word: bigint, offset: number, bytes: number): bigint {
  return (word >> BigInt(offset * 8)) & ((1n << BigInt(bytes * 8)) - 1n);
}

// Storage layout (`cd contracts && npx forge inspect NodeRegistry storage-layout --json`): cross-checked against
// eth_call in lightclient.test.ts, so a change of the contracts' layout fails that test.
export const NODE_REGISTRY_LAYOUT = {
  nodesSlot: 5n, // mapping(uint256 nodeId => NodeRecord) _nodes
  devicesSlot: 6n, // mapping(address deviceSigner => uint256): node id (low 16 bytes), binding nonce (high 16)
  nodeId: { offset: 0, bytes: 16 },
  // NodeRecord: word 0 owner(20) exitRequestedAt(5) status(1) siteType(1) classId(2) gpuCount(2); word 1
  // deviceSigner(20) geohash(12); word 2 pvWp(4) batteryWh(4) chargerW(3) gpuPowerWMax(3) gpuModelIndex(2)
  // stakeUsdc6(8) bondedUsdc6(8); word 3 slashDebtUsdc6(12) slashDebtRecipient(20)
  owner: { word: 0n, offset: 0, bytes: 20 },
  status: { word: 0n, offset: 25, bytes: 1 },
  deviceSigner: { word: 1n, offset: 0, bytes: 20 },
  stakeUsdc6: { word: 2n, offset: 16, bytes: 8 },
  bondedUsdc6: { word: 2n, offset: 24, bytes: 8 },
} as const;

export const ATTESTATION_ORACLE_LAYOUT = {
  commitmentsSlot: 3n, // mapping(uint32 slot => Commitment) _commitments
  recordsSlot: 4n, // mapping(bytes32 leaf => RecordStatus) _records: 0 none, 1 excluded, 2 claimed
  // Commitment: word 0 root; word 1 attester(20) committedAt(5) recordCount(4) bondReleased(1)
  attester: { word: 1n, offset: 0, bytes: 20 },
  committedAt: { word: 1n, offset: 20, bytes: 5 },
  recordCount: { word: 1n, offset: 25, bytes: 4 },
} as const;

export const NODE_STATUSES = ['None', 'Online', 'InProgress', 'Exiting', 'Exited'] as const;
export type NodeStatusName = (typeof NODE_STATUSES)[number];

export interface ProvenNode {
  blockNumber: bigint;
  blockHash: Hex;
  nodeId: number;
  owner: Address;
  status: NodeStatusName;
  deviceSigner: Address;
  stakeUsdc6: bigint;
  bondedUsdc6: bigint;
}

const toAddress = (v: bigint) => `0x${v.toString(16).padStart(40, '0')}` as Address;

/**
 * The node bound to `device` and its registration, proven from NodeRegistry's storage: nodeOfDevice(device), then the
 * node's owner, status, signer and stake. Two proofs (the node id first, then its struct), four RPC calls.
 */
export async function readProvenNode(
  client: Pick<PublicClient, 'request'>,
  registry: Address,
  device: Address,
  options: ReadOptions = {},
): Promise<ProvenNode | undefined> {
  const L = NODE_REGISTRY_LAYOUT;
  const first = await readProvenStorage(client, registry, [mappingSlot(device, 'address', L.devicesSlot)], options);
  const nodeId = field(first.values[0]!, L.nodeId.offset, L.nodeId.bytes);
  if (nodeId === 0n) return undefined;
  const words = [0n, 1n, 2n].map((w) => mappingSlot(nodeId, 'uint256', L.nodesSlot, w));
  const { header, values } = await readProvenStorage(client, registry, words, {
    ...options,
    blockNumber: first.header.number,
    trustedBlockHash: first.header.hash,
  });
  const [w0, w1, w2] = values as [bigint, bigint, bigint];
  return {
    blockNumber: header.number,
    blockHash: header.hash,
    nodeId: Number(nodeId),
    owner: toAddress(field(w0, L.owner.offset, L.owner.bytes)),
    status: NODE_STATUSES[Number(field(w0, L.status.offset, L.status.bytes))] ?? 'None',
    deviceSigner: toAddress(field(w1, L.deviceSigner.offset, L.deviceSigner.bytes)),
    stakeUsdc6: field(w2, L.stakeUsdc6.offset, L.stakeUsdc6.bytes),
    bondedUsdc6: field(w2, L.bondedUsdc6.offset, L.bondedUsdc6.bytes),
  };
}

export interface ProvenCommitment {
  blockNumber: bigint;
  blockHash: Hex;
  blockTimestamp: bigint;
  root: Hex;
  /** The account that committed the root: the one whose receipts the oracle accepts for the slot. */
  attester: Address;
  committedAt: number;
  recordCount: number;
}

/** An hour's commitment (root, time, record count), proven from AttestationOracle's storage; committedAt 0: none. */
export async function readProvenCommitment(
  client: Pick<PublicClient, 'request'>,
  oracle: Address,
  slot: number,
  options: ReadOptions = {},
): Promise<ProvenCommitment> {
  const L = ATTESTATION_ORACLE_LAYOUT;
  const { header, values } = await readProvenStorage(
    client,
    oracle,
    [
      mappingSlot(BigInt(slot), 'uint256', L.commitmentsSlot, 0n),
      mappingSlot(BigInt(slot), 'uint256', L.commitmentsSlot, 1n),
    ],
    options,
  );
  const [root, w1] = values as [bigint, bigint];
  return {
    blockNumber: header.number,
    blockHash: header.hash,
    blockTimestamp: header.timestamp,
    root: `0x${root.toString(16).padStart(64, '0')}` as Hex,
    attester: `0x${field(w1, L.attester.offset, L.attester.bytes).toString(16).padStart(40, '0')}` as Address,
    committedAt: Number(field(w1, L.committedAt.offset, L.committedAt.bytes)),
    recordCount: Number(field(w1, L.recordCount.offset, L.recordCount.bytes)),
  };
}

/** Whether a record's leaf is excluded (1) or claimed (2) in AttestationOracle, proven. */
export async function readProvenRecordStatus(
  client: Pick<PublicClient, 'request'>,
  oracle: Address,
  leaf: Hex,
  options: ReadOptions = {},
): Promise<'none' | 'excluded' | 'claimed'> {
  const { values } = await readProvenStorage(
    client,
    oracle,
    [mappingSlot(leaf, 'bytes32', ATTESTATION_ORACLE_LAYOUT.recordsSlot)],
    options,
  );
  return (['none', 'excluded', 'claimed'] as const)[Number(values[0])] ?? 'none';
}
