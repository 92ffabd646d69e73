// The meter driver: where a window's measurements come from. The agent signs whatever the driver returns, so a driver for
// real hardware must follow the rules below exactly.
import type { Hex } from 'viem';
import type { Telemetry } from '@greenhour/telemetry';

/** Window length unless configured: one minute (docs/TELEMETRY.md section 1). */
export const DEFAULT_WINDOW_SECONDS = 60;

/** The measured part of a Telemetry message (docs/TELEMETRY.md section 1). */
export type WindowReading = Pick<
  Telemetry,
  | 'pvWh'
  | 'batteryInWh'
  | 'batteryOutWh'
  | 'batterySocWh'
  | 'gridImportWh'
  | 'gridExportWh'
  | 'gpuWh'
  | 'evWh'
  | 'uptimeS'
  | 'jobsHash'
>;

/**
 * A source of window readings. Implement this to wire a real meter (inverter, battery BMS, grid meter, charger and GPU
 * power counters) to the agent; `SimulatedSiteDriver` is the default, driven by the energy models.
 *
 * `read(windowStart, windowEnd)` is called once per window, after the window has ended, with UTC seconds
 * `[windowStart, windowEnd)`; windows of one agent never overlap and come in increasing order. It resolves to the
 * energy that flowed during exactly that window:
 *
 * | field | unit | meaning |
 * |---|---|---|
 * | `pvWh` | Wh | AC energy produced by the PV inverters |
 * | `batteryInWh` | Wh | energy drawn from the site bus into the battery (charging) |
 * | `batteryOutWh` | Wh | energy delivered by the battery to the site bus (discharging) |
 * | `batterySocWh` | Wh | energy stored in the battery at `windowEnd` (the BMS's state of charge, not a flow); 0 without a battery |
 * | `gridImportWh` | Wh | energy imported from the grid (the import register of the grid meter) |
 * | `gridExportWh` | Wh | energy exported to the grid (the export register) |
 * | `gpuWh` | Wh | energy drawn by the GPUs (board power counters, not the host) |
 * | `evWh` | Wh | energy delivered to vehicles by the chargers |
 * | `uptimeS` | s | seconds of the window in which the GPUs were available for jobs |
 * | `jobsHash` | bytes32 | hash of the job results completed in the window; `ZERO_HASH` when none |
 *
 * Every energy is a non-negative integer below 2^32, **rounded down** (take the difference of the meter's cumulative
 * registers in Wh and floor it; carry the fraction into the next window rather than rounding up). Import and export,
 * charge and discharge are separate registers: report both directions, never a net value. `batterySocWh` is a level,
 * not a flow: the stored energy at the window's end, rounded down, never above the registered capacity.
 *
 * Readings must satisfy the physical bounds of docs/TELEMETRY.md section 2 for the node's registered spec
 * (`violationOf(limits, message) === 'None'`): PV at most pvWp, battery each way at most 2C of batteryWh, GPUs at most
 * their class's board power × gpuCount, EVs at most chargerW, all over the window's duration; uptime at most the
 * window; gridExportWh + batteryInWh + gpuWh + evWh ≤ pvWh + gridImportWh + batteryOutWh (the rest of the site's
 * load and the losses make up the difference); and batterySocWh at most batteryWh. A signed message that breaks a bound is proof of device fraud on chain
 * and slashes the node's stake, so the agent refuses to sign a reading that breaks one when it knows the limits.
 *
 * Reject (throw) rather than guess when the meter cannot answer for the window; the agent logs the error and the window
 * goes unreported.
 */
export interface MeterDriver {
  read(windowStart: number, windowEnd: number): Promise<WindowReading>;
}

export const READING_ENERGY_FIELDS = [
  'pvWh',
  'batteryInWh',
  'batteryOutWh',
  'gridImportWh',
  'gridExportWh',
  'gpuWh',
  'evWh',
] as const satisfies readonly (keyof WindowReading)[];

const BYTES32 = /^0x[0-9a-f]{64}$/;
const UINT32_LIMIT = 2 ** 32;

/**
 * Checks a driver's reading for a window of `durationS` seconds: integers in uint32 range (the energies, the battery's
 * state of charge and the uptime), uptime within the window, jobsHash as lower-case 0x bytes32 (upper-case hex is
 * normalised); a state of charge above the node's capacity is refused by the bounds (`violationOf`) before signing. Returns the reading with only the known fields;
 * throws an Error naming the field otherwise.
 */
export function checkReading(reading: WindowReading, durationS: number): WindowReading {
  if (typeof reading !== 'object' || reading === null) throw new Error('reading: not an object');
  const out = {} as WindowReading;
  for (const field of [...READING_ENERGY_FIELDS, 'batterySocWh', 'uptimeS'] as const) {
    const v = reading[field];
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v >= UINT32_LIMIT)
      throw new Error(`reading: ${field} must be an integer in [0, 2^32), got ${String(v)}`);
    out[field] = v;
  }
  if (out.uptimeS > durationS) throw new Error(`reading: uptimeS ${out.uptimeS} exceeds the window of ${durationS} s`);
  const jobsHash = typeof reading.jobsHash === 'string' ? (reading.jobsHash.toLowerCase() as Hex) : undefined;
  if (jobsHash === undefined || !BYTES32.test(jobsHash))
    throw new Error(`reading: jobsHash must be 0x-prefixed 32-byte hex, got ${String(reading.jobsHash)}`);
  out.jobsHash = jobsHash;
  return out;
}
