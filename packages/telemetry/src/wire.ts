// The MQTT wire format (docs/TELEMETRY.md section 1): a JSON object of at most 2,048 bytes on
// greenhour/v1/nodes/<device>/telemetry. Parsing is strict: unknown or missing fields, non-integers and out-of-range
// values are rejected with the field named.
import type { Address, Hex } from 'viem';
import { NUMERIC_FIELDS, type Telemetry } from './message.ts';

export const TOPIC_PREFIX = 'greenhour/v1/nodes/';
export const MAX_PAYLOAD_BYTES = 2048;
export const telemetryTopic = (device: Address) => `${TOPIC_PREFIX}${device.toLowerCase()}/telemetry`;
export const resendTopic = (device: Address) => `${TOPIC_PREFIX}${device.toLowerCase()}/resend`;
/** Subscription filter for every node's telemetry. */
export const TELEMETRY_FILTER = `${TOPIC_PREFIX}+/telemetry`;

export interface SignedTelemetry {
  message: Telemetry;
  /** 65 bytes r ‖ s ‖ v, v ∈ {27, 28}. */
  signature: Hex;
}

export type WireRejection = 'oversized' | 'malformed' | 'topic_mismatch';

export class WireError extends Error {
  constructor(
    readonly reason: WireRejection,
    readonly field: string,
    detail: string,
  ) {
    super(`${field}: ${detail}`);
    this.name = 'WireError';
  }
}

const FIELDS = new Set<string>([...NUMERIC_FIELDS.map((f) => f.name), 'device', 'jobsHash', 'signature']);
const ADDRESS = /^0x[0-9a-fA-F]{40}$/;
export const BYTES32 = /^0x[0-9a-fA-F]{64}$/;
export const SIGNATURE = /^0x[0-9a-fA-F]{130}$/;

/**
 * The first checks of every wire payload: within MAX_PAYLOAD_BYTES, JSON, an object, and only the `fields` known;
 * each failure a WireError naming what is wrong.
 */
export function parseWireObject(payload: Uint8Array | string, fields: ReadonlySet<string>): Record<string, unknown> {
  const size = typeof payload === 'string' ? Buffer.byteLength(payload) : payload.byteLength;
  if (size > MAX_PAYLOAD_BYTES)
    throw new WireError('oversized', 'payload', `${size} bytes, limit ${MAX_PAYLOAD_BYTES}`);
  let raw: unknown;
  try {
    raw = JSON.parse(typeof payload === 'string' ? payload : Buffer.from(payload).toString('utf8'));
  } catch (err) {
    throw new WireError('malformed', 'payload', `not JSON (${(err as Error).message})`);
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw))
    throw new WireError('malformed', 'payload', 'not a JSON object');
  const obj = raw as Record<string, unknown>;
  for (const key of Object.keys(obj)) if (!fields.has(key)) throw new WireError('malformed', key, 'unknown field');
  return obj;
}

export function encodeTelemetry(signed: SignedTelemetry): string {
  return JSON.stringify({ ...signed.message, signature: signed.signature });
}

/**
 * Parses one payload. `topicDevice` is the device segment of the topic it arrived on; it must name the same device as
 * the payload, so that an ACL on the topic (one device, one topic) also binds the payload.
 */
export function decodeTelemetry(payload: Uint8Array | string, topicDevice?: string): SignedTelemetry {
  const obj = parseWireObject(payload, FIELDS);

  const device = obj.device;
  if (typeof device !== 'string' || !ADDRESS.test(device))
    throw new WireError('malformed', 'device', 'must be a 0x-prefixed 20-byte hex address');
  const jobsHash = obj.jobsHash;
  if (typeof jobsHash !== 'string' || !BYTES32.test(jobsHash))
    throw new WireError('malformed', 'jobsHash', 'must be 0x-prefixed 32-byte hex');
  const signature = obj.signature;
  if (typeof signature !== 'string' || !SIGNATURE.test(signature))
    throw new WireError('malformed', 'signature', 'must be 0x-prefixed 65-byte hex');
  const message = { device: device.toLowerCase() as Address, jobsHash: jobsHash.toLowerCase() as Hex } as Telemetry;
  for (const { name, bits } of NUMERIC_FIELDS) {
    const value = obj[name];
    if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0)
      throw new WireError('malformed', name, `must be a non-negative integer, got ${JSON.stringify(value)}`);
    if (bits < 53 && value >= 2 ** bits) throw new WireError('malformed', name, `exceeds uint${bits}`);
    message[name] = value;
  }
  if (message.seq === 0) throw new WireError('malformed', 'seq', 'sequence numbers start at 1');
  if (topicDevice !== undefined && topicDevice.toLowerCase() !== message.device)
    throw new WireError(
      'topic_mismatch',
      'device',
      `payload device ${message.device} published on topic of ${topicDevice}`,
    );
  return { message, signature: signature.toLowerCase() as Hex };
}

/** The device segment of a telemetry topic, or undefined when the topic is not one. */
export function deviceOfTopic(topic: string): string | undefined {
  if (!topic.startsWith(TOPIC_PREFIX) || !topic.endsWith('/telemetry')) return undefined;
  const device = topic.slice(TOPIC_PREFIX.length, -'/telemetry'.length);
  return device.includes('/') ? undefined : device;
}
