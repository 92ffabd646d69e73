import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Address } from 'viem';
import { violationOf, type NodeLimits } from './bounds.ts';
import { sampleWindow } from './fixtures.ts';

// A pile: 30 kWp, 100 kWh battery, 2 × 60 kW chargers, one 700 W GPU.
const limits: NodeLimits = { pvWp: 30_000, batteryWh: 100_000, chargerW: 120_000, gpuPowerWMax: 700 };
// A window within these limits; each case overrides what it tests.
const base = { pvWh: 400, batteryInWh: 0, gridImportWh: 0, gpuWh: 11, evWh: 0 };
const w = (o: Parameters<typeof sampleWindow>[2]) =>
  sampleWindow('0x00000000000000000000000000000000000000aa' as Address, 1, { ...base, ...o });

test('each rule holds at its limit and fails one unit beyond it, in the documented order', () => {
  assert.equal(violationOf(limits, w({})), 'None');
  // 60 s: PV ≤ 30,000 × 60 / 3600 = 500 Wh; battery ≤ 2 × 100,000 × 60 / 3600 = 3,333.3 Wh; GPU ≤ 11.67 Wh; EV ≤ 2,000 Wh.
  const cases: [Parameters<typeof w>[0], Parameters<typeof w>[0], string][] = [
    [{ pvWh: 500, gpuWh: 11, evWh: 0, batteryInWh: 0, gridImportWh: 0 }, { pvWh: 501, gpuWh: 11, evWh: 0 }, 'Pv'],
    [
      { pvWh: 0, batteryInWh: 3333, gridImportWh: 3333, gpuWh: 0, evWh: 0 },
      { batteryInWh: 3334, pvWh: 0 },
      'BatteryIn',
    ],
    [
      { pvWh: 0, batteryOutWh: 3333, gridExportWh: 3333, batteryInWh: 0, gpuWh: 0, evWh: 0 },
      { batteryOutWh: 3334, pvWh: 0, batteryInWh: 0 },
      'BatteryOut',
    ],
    [{ pvWh: 400, gpuWh: 11, evWh: 0, batteryInWh: 0 }, { pvWh: 400, gpuWh: 12, evWh: 0, batteryInWh: 0 }, 'Gpu'],
    [
      { pvWh: 0, gridImportWh: 2000, evWh: 2000, gpuWh: 0, batteryInWh: 0 },
      { pvWh: 0, gridImportWh: 2001, evWh: 2001, gpuWh: 0, batteryInWh: 0 },
      'Ev',
    ],
    [{ uptimeS: 60, pvWh: 400, gpuWh: 11, evWh: 0 }, { uptimeS: 61, pvWh: 400, gpuWh: 11, evWh: 0 }, 'Uptime'],
    [
      { pvWh: 400, gridImportWh: 0, batteryInWh: 389, gpuWh: 11, evWh: 0 },
      { pvWh: 400, gridImportWh: 0, batteryInWh: 390, gpuWh: 11, evWh: 0 },
      'EnergyBalance',
    ],
    // A full 100 kWh battery is possible; one Wh more is not.
    [{ batterySocWh: 100_000 }, { batterySocWh: 100_001 }, 'BatterySoc'],
  ];
  for (const [atLimit, beyond, violation] of cases) {
    assert.equal(violationOf(limits, w(atLimit)), 'None', `${violation} at its limit`);
    assert.equal(violationOf(limits, w({ ...atLimit, ...beyond })), violation, `${violation} beyond`);
  }
});

test('a window must be non-empty and inside one hour slot; it may end on the slot boundary', () => {
  const start = 1_795_651_200 + 3540;
  assert.equal(violationOf(limits, w({ windowStart: start, windowEnd: start + 60, gpuWh: 0, evWh: 0 })), 'None');
  assert.equal(violationOf(limits, w({ windowStart: start, windowEnd: start + 61 })), 'Window');
  assert.equal(violationOf(limits, w({ windowStart: start, windowEnd: start })), 'Window');
  assert.equal(violationOf(limits, w({ windowStart: start, windowEnd: start - 1 })), 'Window');
});

test('a state of charge above capacity is named only when every earlier rule holds', () => {
  assert.equal(violationOf(limits, w({ batterySocWh: 100_001, pvWh: 501 })), 'Pv');
  assert.equal(violationOf({ ...limits, batteryWh: 0 }, w({ batterySocWh: 0 })), 'None');
  assert.equal(violationOf({ ...limits, batteryWh: 0 }, w({ batterySocWh: 1 })), 'BatterySoc');
});
