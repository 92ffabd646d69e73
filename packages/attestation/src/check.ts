// The stateless half of ingest (issue 14): what can be decided about one MQTT message without the ingest's state,
// the wire format, the EIP-712 digest and whether the device's key signed it. These are most of a window's cost (the
// signature recovery alone is ~70 µs of the ~90 µs; BENCHMARKS.md "Telemetry ingest"), so they run on worker threads
// (checkPool.ts) while the ingest applies the stateful checks in arrival order.
import {
  NUMERIC_FIELDS,
  DeviceVerifier,
  encodeReceipt,
  receiptTopic,
  signReceipt,
  TelemetryHasher,
  WireError,
  decodeTelemetry,
  deviceOfTopic,
  type Telemetry,
  type TelemetryDomain,
  type WireRejection,
} from '@greenhour/telemetry';
import { threadId } from 'node:worker_threads';
import type { Address, Hex } from 'viem';

export type CheckedWindow =
  | { kind: 'rejected'; reason: WireRejection; detail: string }
  | {
      kind: 'decoded';
      message: Telemetry;
      signature: Hex;
      /** EIP-712 digest of the message. */
      digest: Hex;
      /**
       * Whether the payload's device key made the signature, with the acceptance of OpenZeppelin's ECDSA.recover. The
       * ingest rejects an unsigned window only after the registry lookup, so an unknown device reads as unregistered.
       */
      signedByDevice: boolean;
    };

export class WindowChecker {
  private readonly hasher: TelemetryHasher;
  private readonly verifier = new DeviceVerifier();

  constructor(domain: TelemetryDomain) {
    this.hasher = new TelemetryHasher(domain);
  }

  check(topic: string, payload: Uint8Array | string): CheckedWindow {
    let decoded;
    try {
      const topicDevice = deviceOfTopic(topic);
      if (topicDevice === undefined) throw new WireError('topic_mismatch', 'topic', `not a telemetry topic: ${topic}`);
      decoded = decodeTelemetry(payload, topicDevice);
    } catch (err) {
      if (err instanceof WireError) return { kind: 'rejected', reason: err.reason, detail: err.message };
      throw err;
    }
    const { message, signature } = decoded;
    const digest = this.hasher.digest(message);
    return {
      kind: 'decoded',
      message,
      signature,
      digest: `0x${Buffer.from(digest).toString('hex')}`,
      signedByDevice: this.verifier.verify(message.device, digest, signature),
    };
  }
}

export interface WindowInput {
  topic: string;
  payload: Uint8Array;
}

/** What a receipt is signed over, with the device it goes to. */
export interface ReceiptInput {
  device: string;
  nodeId: number;
  slot: number;
  seq: number;
  digest: Hex;
}

export interface OutgoingMessage {
  topic: string;
  payload: string;
}

/** A batch as it crosses to a worker (`warm`: hold the worker a moment and name it, so that every worker gets one). */
export type CheckTask =
  | { kind: 'warm' }
  | { kind: 'check'; domain: TelemetryDomain; topics: string[]; payloads: Uint8Array; ends: number[] }
  | { kind: 'receipts'; domain: TelemetryDomain; attesterKey: Uint8Array; windows: ReceiptInput[] };

/** The worker's side: also what the pool runs inline with `threads: 0`. */
export function runTask(
  task: CheckTask,
  checkers: Map<string, WindowChecker>,
): CheckedWindow[] | OutgoingMessage[] | number {
  if (task.kind === 'warm') {
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 20);
    return threadId;
  }
  if (task.kind === 'receipts')
    return task.windows.map((w) => ({
      topic: receiptTopic(w.device as Address),
      payload: encodeReceipt(
        signReceipt(task.domain, { nodeId: w.nodeId, slot: w.slot, seq: w.seq, digest: w.digest }, task.attesterKey),
      ),
    }));
  const key = `${task.domain.chainId}:${task.domain.verifyingContract.toLowerCase()}`;
  let checker = checkers.get(key);
  if (checker === undefined) checkers.set(key, (checker = new WindowChecker(task.domain)));
  const out: CheckedWindow[] = [];
  let start = 0;
  for (let i = 0; i < task.topics.length; i++) {
    out.push(checker.check(task.topics[i]!, task.payloads.subarray(start, task.ends[i]!)));
    start = task.ends[i]!;
  }
  return out;
}

/**
 * A batch's checks as they cross back from a worker: one fixed 256-byte slot per window in a single buffer, since
 * structured cloning ~1,000 small objects costs more than the checks' hashing (~20 µs a window here). The rare
 * rejection texts travel beside it. Slot layout: kind (0 decoded, 1 rejected), then the signed flag or the rejection's
 * index in WIRE_REJECTIONS; the numeric fields as float64 (all are safe integers) from byte 8; device, jobsHash,
 * signature and digest as raw bytes.
 */
export interface PackedChecks {
  packed: Uint8Array;
  details: (string | undefined)[];
}

const WIRE_REJECTIONS: readonly WireRejection[] = ['oversized', 'malformed', 'topic_mismatch'];
const SLOT = 256;
const NUMBERS_AT = 8;
const DEVICE_AT = NUMBERS_AT + 8 * NUMERIC_FIELDS.length; // 112
const JOBS_AT = DEVICE_AT + 20;
const SIGNATURE_AT = JOBS_AT + 32;
const DIGEST_AT = SIGNATURE_AT + 65; // ends at 241 ≤ SLOT

export function packChecks(checks: readonly CheckedWindow[]): PackedChecks {
  const packed = Buffer.alloc(SLOT * checks.length);
  const details: (string | undefined)[] = [];
  checks.forEach((c, i) => {
    const at = i * SLOT;
    if (c.kind === 'rejected') {
      packed[at] = 1;
      packed[at + 1] = WIRE_REJECTIONS.indexOf(c.reason);
      details[i] = c.detail;
      return;
    }
    packed[at + 1] = c.signedByDevice ? 1 : 0;
    for (let f = 0; f < NUMERIC_FIELDS.length; f++)
      packed.writeDoubleLE(c.message[NUMERIC_FIELDS[f]!.name], at + NUMBERS_AT + 8 * f);
    packed.write(c.message.device.slice(2), at + DEVICE_AT, 20, 'hex');
    packed.write(c.message.jobsHash.slice(2), at + JOBS_AT, 32, 'hex');
    packed.write(c.signature.slice(2), at + SIGNATURE_AT, 65, 'hex');
    packed.write(c.digest.slice(2), at + DIGEST_AT, 32, 'hex');
  });
  return { packed, details };
}

export function unpackChecks({ packed, details }: PackedChecks): CheckedWindow[] {
  const buf = Buffer.from(packed.buffer, packed.byteOffset, packed.byteLength);
  const out: CheckedWindow[] = [];
  for (let at = 0; at < buf.length; at += SLOT) {
    if (buf[at] === 1) {
      out.push({ kind: 'rejected', reason: WIRE_REJECTIONS[buf[at + 1]!]!, detail: details[at / SLOT]! });
      continue;
    }
    const message = {
      device: `0x${buf.toString('hex', at + DEVICE_AT, at + JOBS_AT)}`,
      jobsHash: `0x${buf.toString('hex', at + JOBS_AT, at + SIGNATURE_AT)}`,
    } as Telemetry;
    for (let f = 0; f < NUMERIC_FIELDS.length; f++)
      message[NUMERIC_FIELDS[f]!.name] = buf.readDoubleLE(at + NUMBERS_AT + 8 * f);
    out.push({
      kind: 'decoded',
      message,
      signature: `0x${buf.toString('hex', at + SIGNATURE_AT, at + DIGEST_AT)}`,
      digest: `0x${buf.toString('hex', at + DIGEST_AT, at + DIGEST_AT + 32)}`,
      signedByDevice: buf[at + 1] === 1,
    });
  }
  return out;
}
