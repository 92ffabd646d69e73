import assert from 'node:assert/strict';
import { test } from 'node:test';
import { validatePvwatts } from './validation.ts';

test('PV chain reproduces NREL PVWatts (4 kWdc, Golden CO) within 3 % annual AC and 5 % hourly nRMSE', () => {
  const v = validatePvwatts();
  assert.equal(v.hours, 8760);
  assert.ok(Math.abs(v.annualError) < 0.03, `annual AC error ${(v.annualError * 100).toFixed(2)} %`);
  assert.ok(v.nrmse < 0.05, `hourly nRMSE ${(v.nrmse * 100).toFixed(2)} %`);
  assert.ok(Math.abs(v.nmbe) < 0.02, `NMBE ${(v.nmbe * 100).toFixed(2)} %`);
  assert.ok(Math.abs(v.cellTempBiasC) < 2, `cell temperature bias ${v.cellTempBiasC} C`);
});
