import assert from 'node:assert/strict';
import { test } from 'node:test';
import { simulateYear } from './simulate.ts';
import { defaultSite } from './sites.ts';
import type { SiteConfig, ZoneId } from './types.ts';
import { listZones } from './data.ts';
import { SITE_TYPES } from './types.ts';
import { validateSite } from './validate.ts';

const base = (): SiteConfig => structuredClone(defaultSite('station', 'DE-LU'));

test('every default site in every zone is valid', () => {
  for (const z of listZones()) for (const t of SITE_TYPES) validateSite(defaultSite(t, z));
});

test('negative capacity is rejected naming the field and the reason', () => {
  const s = base();
  s.pv[0]!.dcCapacityW = -5;
  assert.throws(() => validateSite(s), { message: 'site.pv[0].dcCapacityW: must be >= 0, got -5' });
  const b = base();
  b.battery!.capacityWh = -1;
  assert.throws(() => validateSite(b), { message: 'site.battery.capacityWh: must be > 0, got -1' });
});

test('efficiency above 1 is rejected naming the field and the reason', () => {
  const s = base();
  s.battery!.chargeEfficiency = 1.2;
  assert.throws(() => validateSite(s), { message: 'site.battery.chargeEfficiency: efficiency must be <= 1, got 1.2' });
  const p = base();
  p.pv[0]!.inverterEfficiencyNominal = 1.01;
  assert.throws(() => validateSite(p), /site\.pv\[0\]\.inverterEfficiencyNominal: efficiency must be <= 1/);
});

test('other inconsistent settings are rejected', () => {
  const s = base();
  s.battery!.minSoc = 0.9;
  s.battery!.maxSoc = 0.5;
  assert.throws(() => validateSite(s), /site\.battery\.minSoc: must be < maxSoc/);
  const g = base();
  g.gpu!.pue = 0.8;
  assert.throws(() => validateSite(g), { message: 'site.gpu.pue: must be >= 1, got 0.8' });
  const n = base();
  n.gridLimitW = Number.NaN;
  assert.throws(() => validateSite(n), /site\.gridLimitW: must be a finite number/);
});

test('unknown zone is rejected by defaultSite and simulateYear', async () => {
  assert.throws(() => defaultSite('station', 'XX' as ZoneId), {
    message: `zone: unknown zone "XX" (expected one of ${listZones().join(', ')})`,
  });
  await assert.rejects(
    simulateYear({ zone: 'Mars' as ZoneId, site: base(), controller: 'rule', hours: 24 }),
    /zone: unknown zone "Mars"/,
  );
  await assert.rejects(
    simulateYear({ zone: 'SG', site: base(), controller: 'magic' as 'rule', hours: 24 }),
    /controller: must be 'optimizer' or 'rule'/,
  );
});
