// Splitting the fleet between ingest processes (docs/ARCHITECTURE.md "Scaling out"): the ingest's checks of sequence
// numbers, gaps and windows per hour hold per device, so every window of a device must reach the same process. A
// device's partition is its address modulo the partition count (addresses are keccak-256 outputs, so devices spread
// evenly), and each process subscribes to its partition's device topics. EMQX's shared subscriptions with the
// hash_topic strategy give the same affinity on one filter; Mosquitto's round-robin shared subscriptions do not.
import { telemetryTopic } from '@greenhour/telemetry';
import type { Address } from 'viem';

/** The partition (0 ≤ p < count) whose ingest process takes `device`'s windows. */
export function partitionOf(device: string, count: number): number {
  if (!Number.isSafeInteger(count) || count < 1) throw new Error(`count: must be a whole number ≥ 1, got ${count}`);
  if (!/^0x[0-9a-fA-F]{40}$/.test(device)) throw new Error(`device: must be a 20-byte hex address, got ${device}`);
  return Number(BigInt(device) % BigInt(count));
}

/** The telemetry topics partition `index` of `count` subscribes to, for the devices given. */
export function partitionFilters(devices: readonly string[], index: number, count: number): string[] {
  if (!Number.isSafeInteger(index) || index < 0 || index >= count)
    throw new Error(`index: must be a whole number below ${count}, got ${index}`);
  return devices.filter((d) => partitionOf(d, count) === index).map((d) => telemetryTopic(d as Address));
}
