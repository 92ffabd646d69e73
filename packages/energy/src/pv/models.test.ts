import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SAPM_CLOSE_MOUNT_GLASS_GLASS, SAPM_OPEN_RACK_GLASS_POLYMER, sapmCellTemperature } from './cellTemperature.ts';
import { ineichenClearSky } from './clearSky.ts';
import { erbs, kastenCzeplakGhi } from './cloudCover.ts';
import { physicalIam, pvwattsDc, pvwattsInverter } from './pvwatts.ts';
import { haydaviesPoa } from './transposition.ts';

test('Ineichen clear sky: closure GHI = DNI cos z + DHI, bounded by extraterrestrial, more haze = less DNI', () => {
  const z = 30;
  const a = ineichenClearSky(z, 3, 0, 1361);
  const cz = Math.cos((z * Math.PI) / 180);
  assert.ok(Math.abs(a.ghi - (a.dni * cz + a.dhi)) < 1e-6);
  assert.ok(a.ghi < 1361 * cz && a.ghi > 800, `ghi ${a.ghi}`);
  const hazy = ineichenClearSky(z, 6, 0, 1361);
  assert.ok(hazy.dni < a.dni && hazy.dhi > a.dhi);
  assert.deepEqual(ineichenClearSky(95, 3, 0, 1361), { ghi: 0, dni: 0, dhi: 0 });
});

test('Kasten-Czeplak: clear -> unchanged, overcast -> 25 %; Erbs: closure and overcast all-diffuse', () => {
  assert.equal(kastenCzeplakGhi(800, 0), 800);
  assert.ok(Math.abs(kastenCzeplakGhi(800, 1) - 200) < 1e-9);
  const d = erbs(600, 40, 1361);
  assert.ok(Math.abs(d.ghi - (d.dni * Math.cos((40 * Math.PI) / 180) + d.dhi)) < 1e-6);
  const overcast = erbs(100, 40, 1361); // kt ~ 0.1 -> diffuse fraction ~0.99
  assert.ok(overcast.dhi / overcast.ghi > 0.98);
});

test('Hay-Davies: horizontal surface sees GHI; tilted toward the sun sees more beam', () => {
  const flat = haydaviesPoa(0, 180, 40, 180, 700, 700 * Math.cos((40 * Math.PI) / 180) + 100, 100, 1361, 0.2);
  assert.ok(Math.abs(flat.poaGlobal - (700 * Math.cos((40 * Math.PI) / 180) + 100)) < 1e-6);
  const tilted = haydaviesPoa(40, 180, 40, 180, 700, 636, 100, 1361, 0.2);
  assert.ok(Math.abs(tilted.aoiDeg) < 1e-6 && tilted.poaBeam > 699.9);
});

test('SAPM cell temperature at 1000 W/m2, 25 C, 1 m/s open rack = 25 + 1000 e^(-3.635) + 3', () => {
  const expected = 25 + 1000 * Math.exp(-3.56 - 0.075) + 3;
  assert.ok(Math.abs(sapmCellTemperature(1000, 25, 1, SAPM_OPEN_RACK_GLASS_POLYMER) - expected) < 1e-9);
  assert.ok(
    sapmCellTemperature(1000, 25, 1, SAPM_CLOSE_MOUNT_GLASS_GLASS) >
      sapmCellTemperature(1000, 25, 1, SAPM_OPEN_RACK_GLASS_POLYMER),
  );
});

test('PVWatts v5: STC gives nameplate x (1 - losses); inverter efficiency = nominal at rated DC; clipping', () => {
  assert.ok(Math.abs(pvwattsDc(1000, 25, 4000, -0.0047, 0.14) - 3440) < 1e-9);
  assert.ok(pvwattsDc(1000, 45, 4000, -0.0047, 0) < 4000);
  const pac0 = 3333;
  const pdc0Inv = pac0 / 0.96;
  // eta(zeta = 1) = 0.96 / 0.9637 * (0.9858 - 0.0162 - 0.0059) = 0.96 exactly
  assert.ok(Math.abs(pvwattsInverter(pdc0Inv, pac0, 0.96) - pac0) < 0.5);
  assert.equal(pvwattsInverter(2 * pdc0Inv, pac0, 0.96), pac0);
  assert.equal(pvwattsInverter(0, pac0, 0.96), 0);
  assert.ok(Math.abs(physicalIam(0) - 1) < 1e-12 && physicalIam(60) < 1 && physicalIam(89) < 0.5);
});
