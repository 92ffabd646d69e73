// Signed ingest receipts (docs/TELEMETRY.md section 5): the attester's EIP-712 acknowledgement of one accepted window,
// in the oracle's domain (domainOf), which AttestationOracle checks in challengeDroppedWindow and openOmissionClaim.
// The wire form is strict like the telemetry's: unknown or missing fields and out-of-range values are rejected with the
// field named.
import { type Address, type Hex, bytesToHex } from 'viem';
import { keccak256 } from './keccak.ts';
import { TelemetryHasher, type TelemetryDomain } from './message.ts';
import { recoverSigner, signDigest } from './signature.ts';
import { BYTES32, parseWireObject, SIGNATURE, TOPIC_PREFIX, WireError } from './wire.ts';

export interface Receipt {
  nodeId: number;
  slot: number;
  seq: number;
  /** EIP-712 digest of the device's Telemetry message. */
  digest: Hex;
}

export interface SignedReceipt {
  receipt: Receipt;
  /** 65 bytes r ‖ s ‖ v by the attester account that commits the slot's root. */
  signature: Hex;
}

export const RECEIPT_TYPES = {
  Receipt: [
    { name: 'nodeId', type: 'uint64' },
    { name: 'slot', type: 'uint32' },
    { name: 'seq', type: 'uint64' },
    { name: 'digest', type: 'bytes32' },
  ],
} as const;

/** Where the ingest publishes a device's receipts. */
export const receiptTopic = (device: Address) => `${TOPIC_PREFIX}${device.toLowerCase()}/receipts`;

const RECEIPT_TYPE_HASH = keccak256(
  new TextEncoder().encode(`Receipt(${RECEIPT_TYPES.Receipt.map((f) => `${f.type} ${f.name}`).join(',')})`),
);

/**
 * EIP-712 digests of receipts for one domain, with the domain separator computed once: the ingest signs a receipt for
 * every stored window (viem's hashTypedData is the reference in receipt.test.ts; it costs ~0.2 ms a receipt).
 */
export class ReceiptHasher {
  private readonly struct = new Uint8Array(32 * 5);
  private readonly view = new DataView(this.struct.buffer);
  private readonly outer = new Uint8Array(66);

  constructor(readonly domain: TelemetryDomain) {
    this.struct.set(RECEIPT_TYPE_HASH, 0);
    this.outer[0] = 0x19;
    this.outer[1] = 0x01;
    this.outer.set(new TelemetryHasher(domain).domainSeparator, 2);
  }

  /** Fields must already be validated (safe non-negative integers, digest 32 bytes of hex). */
  digest(r: Receipt): Uint8Array {
    const s = this.struct;
    s.fill(0, 32, 128);
    this.word(32, r.nodeId);
    this.word(64, r.slot);
    this.word(96, r.seq);
    if (!BYTES32.test(r.digest)) throw new Error(`digest: must be 0x-prefixed 32-byte hex, got ${r.digest}`);
    s.set(Buffer.from(r.digest.slice(2), 'hex'), 128);
    this.outer.set(keccak256(s), 34);
    return keccak256(this.outer);
  }

  private word(offset: number, value: number): void {
    this.view.setUint32(offset + 24, Math.floor(value / 2 ** 32));
    this.view.setUint32(offset + 28, value >>> 0);
  }
}

const hashers = new Map<string, ReceiptHasher>();
const hasherOf = (domain: TelemetryDomain): ReceiptHasher => {
  const key = `${domain.chainId}:${domain.verifyingContract.toLowerCase()}`;
  let h = hashers.get(key);
  if (h === undefined) hashers.set(key, (h = new ReceiptHasher(domain)));
  return h;
};

export function receiptDigest(domain: TelemetryDomain, r: Receipt): Hex {
  return bytesToHex(hasherOf(domain).digest(r));
}

export function signReceipt(domain: TelemetryDomain, r: Receipt, attesterKey: Uint8Array): SignedReceipt {
  return { receipt: r, signature: signDigest(hasherOf(domain).digest(r), attesterKey) };
}

/** Whether `signed` is signed by `attester` (as the oracle checks it: low s, v ∈ {27, 28}). */
export function isReceiptOf(domain: TelemetryDomain, signed: SignedReceipt, attester: Address): boolean {
  const signer = recoverSigner(hasherOf(domain).digest(signed.receipt), signed.signature);
  return signer !== undefined && signer.toLowerCase() === attester.toLowerCase();
}

const FIELDS = new Set(['nodeId', 'slot', 'seq', 'digest', 'signature']);
const BITS = { nodeId: 64, slot: 32, seq: 64 } as const;

export function encodeReceipt(signed: SignedReceipt): string {
  return JSON.stringify({ ...signed.receipt, signature: signed.signature });
}

/** Parses one receipt payload; a bad one throws a WireError naming the field. */
export function decodeReceipt(payload: Uint8Array | string): SignedReceipt {
  const obj = parseWireObject(payload, FIELDS);
  const receipt = {} as Receipt;
  for (const [name, bits] of Object.entries(BITS) as [keyof typeof BITS, number][]) {
    const value = obj[name];
    if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0)
      throw new WireError('malformed', name, `must be a non-negative integer, got ${JSON.stringify(value)}`);
    if (bits < 53 && value >= 2 ** bits) throw new WireError('malformed', name, `exceeds uint${bits}`);
    receipt[name] = value;
  }
  if (receipt.seq === 0) throw new WireError('malformed', 'seq', 'sequence numbers start at 1');
  const digest = obj.digest;
  if (typeof digest !== 'string' || !BYTES32.test(digest))
    throw new WireError('malformed', 'digest', 'must be 0x-prefixed 32-byte hex');
  receipt.digest = digest.toLowerCase() as Hex;
  const signature = obj.signature;
  if (typeof signature !== 'string' || !SIGNATURE.test(signature))
    throw new WireError('malformed', 'signature', 'must be 0x-prefixed 65-byte hex');
  return { receipt, signature: signature.toLowerCase() as Hex };
}
