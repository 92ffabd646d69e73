// Shared by the tests of telemetry, agent and ingest: a plausible one-minute window.
import type { Address } from 'viem';
import type { Telemetry } from './message.ts';
import { ZERO_HASH } from './message.ts';

// 2026-11-26T00:00:00Z, an hour boundary.
export const T0 = 1_795_651_200;

export function sampleWindow(device: Address, seq: number, overrides: Partial<Telemetry> = {}): Telemetry {
  const windowStart = T0 + (seq - 1) * 60;
  return {
    device: device.toLowerCase() as Address,
    seq,
    windowStart,
    windowEnd: windowStart + 60,
    pvWh: 1_000,
    batteryInWh: 200,
    batteryOutWh: 0,
    batterySocWh: 5_000,
    gridImportWh: 100,
    gridExportWh: 0,
    gpuWh: 700,
    evWh: 150,
    uptimeS: 60,
    jobsHash: ZERO_HASH,
    ...overrides,
  };
}
