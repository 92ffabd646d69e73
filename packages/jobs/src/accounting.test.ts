// Carbon accounting by hand: SCI = (E × I + M) per GPU-hour, own green at 0, hourly-matched CFE.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { carbonAccount, EMBODIED_MG_PER_GPU_HOUR } from './accounting.ts';

describe('carbon account of a job', () => {
  it('counts own green at 0 and the grid part at its hour’s intensity', () => {
    // Hour 1: 700 Wh, 500 of them own green, grid 200 Wh at 400 g/kWh = 80 g. Hour 2: 1,400 Wh all grid at 100 g/kWh.
    const a = carbonAccount([
      { gpuHours: 1, energyWh: 700, greenWh: 500, carbonGPerKwh: 400 },
      { gpuHours: 2, energyWh: 1400, greenWh: 0, carbonGPerKwh: 100 },
    ]);
    assert.equal(a.operationalMg, 200 * 400 + 1400 * 100);
    assert.equal(a.embodiedMg, 3 * EMBODIED_MG_PER_GPU_HOUR);
    assert.equal(a.sciMgPerGpuHour, Math.ceil((220_000 + 3 * EMBODIED_MG_PER_GPU_HOUR) / 3));
    assert.equal(a.cfeBps, Math.floor((500 * 10_000) / 2100));
    assert.equal(a.gridWh, 1600);
  });

  it('takes the embodied share from the BLOOM study: 10.36 g per GPU-hour', () => {
    assert.equal(EMBODIED_MG_PER_GPU_HOUR, 10_353);
  });

  it('is zero for a job that used nothing, and refuses green above the energy', () => {
    assert.equal(carbonAccount([]).sciMgPerGpuHour, 0);
    assert.throws(
      () => carbonAccount([{ gpuHours: 1, energyWh: 100, greenWh: 101, carbonGPerKwh: 1 }]),
      /hours\[0\]\.greenWh/,
    );
    assert.throws(() => carbonAccount([{ gpuHours: 1, energyWh: -1, greenWh: 0, carbonGPerKwh: 1 }]), /energyWh/);
  });
});
