// Every demand is accounted in full, in any run length and zone: demanded = served + unmet for compute, EV energy and
// base load. The demanded side is recomputed from the site's inputs (arrivals, sessions, load profile), not from the
// run's own counters, so a run that drops work it has not finished shows up as a gap.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { sessionsIn } from './dispatch.ts';
import { buildSiteYear } from './inputs.ts';
import { simulateYear } from './simulate.ts';
import { defaultSite } from './sites.ts';
import { listZones } from './data.ts';
import { SITE_TYPES, type Controller, type SiteType, type YearResult, type ZoneId } from './types.ts';

/** Checks the three identities of a run of `hours` from `startHour`; returns the compute still queued at the end. */
function checkAccounts(zone: ZoneId, type: SiteType, startHour: number, hours: number, r: YearResult): void {
  const t = r.totals;
  const sy = buildSiteYear(zone, defaultSite(type, zone));
  const label = `${zone} ${type} ${r.controller} from hour ${startHour} for ${hours} h`;

  const arrived = sy.gpuArrivals.slice(startHour, startHour + hours).reduce((s, x) => s + x, 0);
  assert.ok(Math.abs(t.gpuHoursDemanded - arrived) <= 1e-6 * Math.max(1, arrived), `${label}: GPU demand = arrivals`);
  const gpuGap = t.gpuHoursDemanded - t.gpuHoursServed - t.gpuHoursUnmet;
  assert.ok(
    Math.abs(gpuGap) <= 1e-6 * Math.max(1, arrived),
    `${label}: GPU-h demanded = served + unmet (gap ${gpuGap})`,
  );
  assert.ok(t.gpuHoursQueuedAtEnd >= 0 && t.gpuHoursQueuedAtEnd <= t.gpuHoursUnmet + 1e-9, `${label}: queued ⊂ unmet`);

  const t0 = sy.data.startUtcS + startHour * 3600;
  const asked = sessionsIn(sy.evSessions, t0, t0 + hours * 3600).reduce((s, x) => s + x.energyWh, 0);
  assert.ok(Math.abs(t.evDemandWh - asked) <= 1, `${label}: EV demand = the energy of the sessions plugged in`);
  // delivered and unmet are sums of hourly values rounded to the Wh
  const evGap = t.evDemandWh - t.evDeliveredWh - t.evUnmetWh;
  assert.ok(Math.abs(evGap) <= hours + 1, `${label}: EV demanded = delivered + unmet (gap ${evGap} Wh)`);
  assert.ok(t.evOwedAtEndWh >= 0 && t.evOwedAtEndWh <= t.evUnmetWh, `${label}: owed at the end ⊂ unmet`);

  const profile = sy.baseWh.slice(startHour, startHour + hours).reduce((s, x) => s + x, 0);
  assert.ok(Math.abs(t.baseLoadDemandWh - profile) <= hours / 2 + 1, `${label}: base demand = the load profile`);
  assert.equal(t.baseLoadDemandWh, t.baseLoadWh + t.baseLoadUnservedWh, `${label}: base demanded = served + shed`);
}

// The case a new user reported: 48 h of a DE-LU station from hour 4000 showed 1,579.8 GPU-h demanded, 1,554.7
// served and 0.0 unmet; the 25.1 GPU-h still queued at the end were in no total.
test('a short optimizer run counts the compute still queued at its end as unmet', async () => {
  const r = await simulateYear({
    zone: 'DE-LU',
    site: defaultSite('station', 'DE-LU'),
    controller: 'optimizer',
    startHour: 4000,
    hours: 48,
  });
  const t = r.totals;
  assert.ok(t.gpuHoursQueuedAtEnd > 1, `work still queued at the end: ${t.gpuHoursQueuedAtEnd}`);
  assert.ok(Math.abs(t.gpuHoursDemanded - t.gpuHoursServed - t.gpuHoursUnmet) < 1e-6, 'demanded = served + unmet');
  checkAccounts('DE-LU', 'station', 4000, 48, r);
});

test('property: demanded = served + unmet over random windows, zones, sites and the rule controller', async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.constantFrom(...listZones()),
      fc.constantFrom(...SITE_TYPES),
      fc.integer({ min: 0, max: 8759 }),
      fc.integer({ min: 1, max: 24 * 21 }),
      async (zone, type, startHour, length) => {
        const hours = Math.min(length, 8760 - startHour);
        const r = await simulateYear({ zone, site: defaultSite(type, zone), controller: 'rule', startHour, hours });
        checkAccounts(zone, type, startHour, hours, r);
      },
    ),
    { numRuns: 60, seed: 20261201 },
  );
});

test('property: demanded = served + unmet over random windows with the optimizer', async () => {
  const controller: Controller = 'optimizer';
  await fc.assert(
    fc.asyncProperty(
      fc.constantFrom(...listZones()),
      fc.constantFrom(...SITE_TYPES),
      fc.integer({ min: 0, max: 8759 }),
      fc.integer({ min: 1, max: 72 }),
      async (zone, type, startHour, length) => {
        const hours = Math.min(length, 8760 - startHour);
        const r = await simulateYear({ zone, site: defaultSite(type, zone), controller, startHour, hours });
        checkAccounts(zone, type, startHour, hours, r);
      },
    ),
    { numRuns: 12, seed: 20261201 },
  );
});
