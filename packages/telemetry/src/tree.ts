// The hour's Merkle tree of node-hour records, built fast (issue 14): the same tree as OpenZeppelin's
// StandardMerkleTree.of(values, RECORD_ENCODING, { sortLeaves: false }) (leaves double-hashed, in the records' order,
// pairs hashed sorted), but every record's ABI words are written into one buffer, keccak-256 runs in WebAssembly
// (hash-wasm), the tree's nodes live in one byte array laid out as OpenZeppelin's (node i's children are 2i + 1 and
// 2i + 2, leaf k at index 2n − 2 − k), and each node's hex string is made once and shared by every proof that holds
// it. tree.test.ts checks roots and proofs against @openzeppelin/merkle-tree; bench/tree.bench.ts measures both.
import { keccak256Into as hashInto } from './keccak.ts';
import type { Hex } from 'viem';
import type { AttestationTree, NodeHourRecord } from './record.ts';

const WORD = 32;
/** abi.encode(record): 8 static words. */
export const RECORD_BYTES = 8 * WORD;

/** The record's integer fields in RECORD_ENCODING's order (word index = position), with their bit widths. */
const INTEGER_FIELDS = [
  ['nodeId', 64],
  ['slot', 32],
  ['greenWh', 64],
  ['gridWh', 64],
  ['gpuWh', 64],
  ['uptimeS', 32],
  ['messageCount', 32],
] as const satisfies readonly (readonly [keyof NodeHourRecord, 32 | 64])[];
const MESSAGES_HASH_WORD = 7;
const BYTES32 = /^0x[0-9a-fA-F]{64}$/;
const TWO_32 = 2 ** 32;

/**
 * Writes the record's abi.encode into `out` at `offset` (256 zeroed bytes). The integers are taken as
 * @openzeppelin/merkle-tree takes them from record.ts's tuples, i.e. as the decimal text String(value): a safe integer
 * exactly, anything else through that text (so a number above 2^53 encodes the value its text names, as there), and
 * out of range, negative or not an integer is refused. messagesHash must be 32 bytes of hex.
 */
export function encodeRecordInto(r: NodeHourRecord, out: Buffer, offset: number, index = 0): void {
  const view = new DataView(out.buffer, out.byteOffset + offset, RECORD_BYTES);
  for (let w = 0; w < INTEGER_FIELDS.length; w++) {
    const [field, bits] = INTEGER_FIELDS[w]!;
    const v = r[field] as number;
    const at = w * WORD + 24; // the low 8 bytes of the word, big-endian
    if (Number.isSafeInteger(v) && v >= 0 && (bits === 64 || v < TWO_32)) {
      view.setUint32(at, Math.floor(v / TWO_32));
      view.setUint32(at + 4, v >>> 0);
      continue;
    }
    let big: bigint;
    try {
      big = BigInt(String(v));
    } catch {
      throw new Error(`records[${index}].${field}: not an integer: ${String(v)}`);
    }
    if (big < 0n || big >= 1n << BigInt(bits))
      throw new Error(`records[${index}].${field}: ${String(v)} is out of range for uint${bits}`);
    view.setBigUint64(at, big);
  }
  const hash = r.messagesHash;
  if (typeof hash !== 'string' || !BYTES32.test(hash))
    throw new Error(`records[${index}].messagesHash: must be 32 bytes of hex (0x and 64 digits), got ${String(hash)}`);
  out.write(hash.slice(2), offset + MESSAGES_HASH_WORD * WORD, WORD, 'hex');
}

/** Does the 32-byte node at a sort after the one at b (OpenZeppelin's byte order)? */
function after(nodes: Uint8Array, a: number, b: number): boolean {
  for (let k = 0; k < WORD; k++) {
    const x = nodes[a + k]!;
    const y = nodes[b + k]!;
    if (x !== y) return x > y;
  }
  return false;
}

/**
 * The hour's tree: root, the records in their given order, and proofs[i] proving records[i], each equal to
 * StandardMerkleTree.of(tuples, RECORD_ENCODING, { sortLeaves: false }).getProof(i).
 */
export function buildRecordTree(records: readonly NodeHourRecord[]): AttestationTree {
  const n = records.length;
  if (n === 0) throw new Error('records: an attestation needs at least one record');
  const encoded = Buffer.alloc(n * RECORD_BYTES);
  for (let i = 0; i < n; i++) encodeRecordInto(records[i]!, encoded, i * RECORD_BYTES, i);

  const size = 2 * n - 1;
  const nodes = Buffer.alloc(size * WORD);
  const inner = new Uint8Array(WORD);
  // Leaf k = keccak256(keccak256(abi.encode(record k))), at tree index size − 1 − k.
  for (let k = 0; k < n; k++) {
    hashInto(encoded.subarray(k * RECORD_BYTES, (k + 1) * RECORD_BYTES), inner, 0);
    hashInto(inner, nodes, (size - 1 - k) * WORD);
  }
  // Inner nodes from the last to the root: keccak256 of the two children, the smaller first. The children 2i + 1 and
  // 2i + 2 are adjacent, so in order they are hashed where they lie; otherwise swapped through a scratch pair.
  const pair = Buffer.alloc(2 * WORD);
  for (let i = size - 1 - n; i >= 0; i--) {
    const left = (2 * i + 1) * WORD;
    const right = left + WORD;
    if (after(nodes, left, right)) {
      nodes.copy(pair, 0, right, right + WORD);
      nodes.copy(pair, WORD, left, left + WORD);
      hashInto(pair, nodes, i * WORD);
    } else hashInto(nodes.subarray(left, right + WORD), nodes, i * WORD);
  }

  // Each node's hex once; the proofs share these strings.
  const hex = new Array<Hex>(size);
  for (let i = 0; i < size; i++) hex[i] = `0x${nodes.toString('hex', i * WORD, (i + 1) * WORD)}`;
  const proofs = new Array<Hex[]>(n);
  for (let k = 0; k < n; k++) {
    const proof: Hex[] = [];
    // From the leaf up: the sibling (odd index: the next, even: the previous), then the parent.
    for (let j = size - 1 - k; j > 0; j = (j - 1) >> 1) proof.push(hex[j % 2 === 1 ? j + 1 : j - 1]!);
    proofs[k] = proof;
  }
  return { root: hex[0]!, records: [...records], proofs };
}
