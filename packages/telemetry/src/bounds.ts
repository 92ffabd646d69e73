// Physical bounds of one window (docs/TELEMETRY.md section 2). AttestationOracle.violationOf applies the same rules on
// chain; packages/attestation/src/crosscheck.test.ts compares the two on a real EVM.
import type { Telemetry } from './message.ts';

export const SECONDS_PER_SLOT = 3600;
/**
 * A node-hour record aggregates at most this many windows (one-minute windows), so that a challenge, which resubmits
 * every window of a record, fits a few million gas (AttestationOracle MAX_WINDOWS_PER_RECORD, docs/TELEMETRY.md).
 */
export const MAX_WINDOWS_PER_RECORD = 60;
/** The shortest window an agent may use: an hour of them is MAX_WINDOWS_PER_RECORD windows. */
export const MIN_WINDOW_SECONDS = SECONDS_PER_SLOT / MAX_WINDOWS_PER_RECORD;

/** What the registry says about a node, as the bounds need it. Power in W, energy in Wh. */
export interface NodeLimits {
  pvWp: number;
  batteryWh: number;
  chargerW: number;
  /** Power bound of the node's GPUs, W: its class's boardPowerWMax × gpuCount, fixed by the registry at registration. */
  gpuPowerWMax: number;
}

export const VIOLATIONS = [
  'None',
  'Window',
  'Pv',
  'BatteryIn',
  'BatteryOut',
  'Gpu',
  'Ev',
  'Uptime',
  'EnergyBalance',
  // Appended, as on chain (IAttestationOracle.Violation), so the earlier values keep their numbers.
  'BatterySoc',
] as const;
export type Violation = (typeof VIOLATIONS)[number];

export const slotOf = (t: number) => Math.floor(t / SECONDS_PER_SLOT);

// Battery power is bounded at 2C: commercial LFP storage is rated at most 1C continuous; 2× leaves room for peaks.
const BATTERY_C_RATE_BOUND = 2;

/**
 * The first violated rule, or 'None'. Once the window is inside one slot, d ≤ 3600 and every product of a uint32 with
 * 3600 or d stays below 2^53, so Numbers are exact.
 */
export function violationOf(limits: NodeLimits, m: Telemetry): Violation {
  if (m.windowEnd <= m.windowStart || slotOf(m.windowStart) !== slotOf(m.windowEnd - 1)) return 'Window';
  const d = m.windowEnd - m.windowStart;
  if (m.pvWh * SECONDS_PER_SLOT > limits.pvWp * d) return 'Pv';
  const batteryMax = BATTERY_C_RATE_BOUND * limits.batteryWh * d;
  if (m.batteryInWh * SECONDS_PER_SLOT > batteryMax) return 'BatteryIn';
  if (m.batteryOutWh * SECONDS_PER_SLOT > batteryMax) return 'BatteryOut';
  if (m.gpuWh * SECONDS_PER_SLOT > limits.gpuPowerWMax * d) return 'Gpu';
  if (m.evWh * SECONDS_PER_SLOT > limits.chargerW * d) return 'Ev';
  if (m.uptimeS > d) return 'Uptime';
  if (m.gridExportWh + m.batteryInWh + m.gpuWh + m.evWh > m.pvWh + m.gridImportWh + m.batteryOutWh)
    return 'EnergyBalance';
  if (m.batterySocWh > limits.batteryWh) return 'BatterySoc';
  return 'None';
}
