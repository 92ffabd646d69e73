import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { join } from 'node:path';
import { DATA_DIR } from '../data.ts';
import { pvwattsCellTemperature, pvwattsCellTemperatureSeries } from './pvwattsCellTemperature.ts';

test('PVWatts (Fuentes) cell temperature: pvlib test_fuentes_timezone, 1000 W/m2, 20 C, 1 m/s, INOCT 45', () => {
  // pvlib-python tests/test_temperature.py (BSD-3-Clause): [48.042, 51.845, 51.846]
  const t = pvwattsCellTemperatureSeries([1000, 1000, 1000], [20, 20, 20], [1, 1, 1], 45);
  [48.042, 51.845, 51.846].forEach((e, i) => assert.ok(Math.abs(t[i]! - e) < 5e-4, `hour ${i}: ${t[i]} vs ${e}`));
  // with no history the quasi-steady solution is the series' limit
  assert.ok(Math.abs(pvwattsCellTemperature(1000, 20, 1, 45, null).tCellC - 51.846) < 5e-4);
  // dark step: air temperature, state reset
  assert.deepEqual(pvwattsCellTemperature(0, 7, 3, 45, { tModuleC: 40, absorbedWm2: 500 }), {
    tCellC: 7,
    state: { tModuleC: 7, absorbedWm2: 0 },
  });
  // roof mount (INOCT 49) runs hotter than open rack (45); wind cools
  const roof = pvwattsCellTemperature(800, 25, 2, 49, null).tCellC;
  const rack = pvwattsCellTemperature(800, 25, 2, 45, null).tCellC;
  assert.ok(roof > rack + 2, `roof ${roof} rack ${rack}`);
  assert.ok(pvwattsCellTemperature(800, 25, 6, 45, null).tCellC < rack);
});

for (const [file, inoct] of [
  [join(DATA_DIR, 'pv', 'pvwatts_8760_rackmount.csv'), 45],
  [join(DATA_DIR, 'pv', 'pvwatts_8760_roofmount.csv'), 49],
] as const) {
  test(`PVWatts cell temperature reproduces the whole year of ${file.split('/').pop()} (INOCT ${inoct}) from its POA`, () => {
    const rows = readFileSync(file, 'utf8')
      .split(/\r?\n/)
      .slice(18)
      .filter((l) => /^\d/.test(l))
      .map((l) => l.split(',').map(Number));
    assert.equal(rows.length, 8760);
    const col = (k: number) => rows.map((r) => r[k]!);
    const poa = col(7);
    const tc = pvwattsCellTemperatureSeries(poa, col(5), col(6), inoct);
    const ref = col(8);
    let maxDay = 0;
    let maxDawn = 0;
    for (let i = 1; i < rows.length; i++) {
      const e = Math.abs(tc[i]! - ref[i]!);
      if (poa[i]! > 0 && poa[i - 1]! > 0) maxDay = Math.max(maxDay, e);
      else if (poa[i]! > 0) maxDawn = Math.max(maxDawn, e);
      else assert.equal(tc[i], ref[i], `dark hour ${i}: air temperature`);
    }
    // the file rounds POA to 3 decimals and temperatures to 3; PVWatts' dawn hour differs slightly
    assert.ok(maxDay < 0.02, `max error in sunlit hours ${maxDay} C`);
    assert.ok(maxDawn < 1, `max error in the first sunlit hour ${maxDawn} C`);
  });
}
