// The stateless half of ingest (issue 14): what can be decided about one MQTT message without the ingest's state,
// the wire format, the EIP-712 digest and whether the device's key signed it. These are most of a window's cost (the
// signature recovery alone is ~70 µs of the ~90 µs; BENCHMARKS.md "Telemetry ingest"), so they run on worker threads
// (checkPool.ts) while the ingest applies the stateful checks in arrival order.
import {
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

/** A batch as it crosses to a worker. */
export type CheckTask =
  | { kind: 'check'; domain: TelemetryDomain; topics: string[]; payloads: Uint8Array; ends: number[] }
  | { kind: 'receipts'; domain: TelemetryDomain; attesterKey: Uint8Array; windows: ReceiptInput[] };

/** The worker's side: also what the pool runs inline with `threads: 0`. */
export function runTask(task: CheckTask, checkers: Map<string, WindowChecker>): CheckedWindow[] | OutgoingMessage[] {
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
