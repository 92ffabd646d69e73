import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { CAP_SLACK } from './guard.ts';
import { planWindow, simulateYear } from './simulate.ts';
import { defaultSite } from './sites.ts';
import { SITE_TYPES, type Forecaster, type SiteType, type ZoneId } from './types.ts';

const ZONES: ZoneId[] = ['DE-LU', 'IN-WE', 'JP-TK', 'SG', 'US-CAL-CISO'];
// Q4 2023 (Oct 1 .. Dec 31): the quarter the forecast models never saw; the guard's year-scale test runs on it too
const Q4 = { startHour: 273 * 24, hours: 92 * 24 };

test('guarded plan of a window never emits more than the rule-based controller on it (random zones, sites, days)', async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.constantFrom(...ZONES),
      fc.constantFrom(...SITE_TYPES),
      fc.integer({ min: 0, max: 362 }),
      async (zone, type, day) => {
        const site = defaultSite(type, zone);
        const w = { zone, site, startHour: day * 24, hours: 48 };
        const opt = await planWindow({ ...w, controller: 'optimizer' });
        const rule = await planWindow({ ...w, controller: 'rule' });
        const g = (steps: typeof opt.steps) => steps.reduce((s, r) => s + (r.importWh / 1000) * r.carbonGPerKwh, 0);
        // the cap's slack (CAP_SLACK) and nothing more
        assert.ok(
          g(opt.steps) <= g(rule.steps) + 2 * (CAP_SLACK.absG + CAP_SLACK.rel * g(rule.steps)),
          `${g(opt.steps)} g > rule ${g(rule.steps)} g`,
        );
        assert.equal(opt.result.emissionsGuard, true);
        // and not by serving less: no more compute dropped or car energy undelivered than the rule
        const o = opt.result.totals;
        const r = rule.result.totals;
        assert.ok(
          o.gpuHoursUnmet - o.gpuHoursQueuedAtEnd <= r.gpuHoursUnmet - r.gpuHoursQueuedAtEnd + 1e-4, // the LP's residue: the cap allows 1e-6 GPU-h a window
          'GPU-h dropped',
        );
        assert.ok(o.evUnmetWh - o.evOwedAtEndWh <= r.evUnmetWh - r.evOwedAtEndWh + 1, 'EV energy undelivered');
      },
    ),
    { numRuns: 25, seed: 20261203 },
  );
});

test('Singapore station, Q4 2023: the guard holds emissions at or below the rule, without it the optimizer raises them', async () => {
  const site = defaultSite('station', 'SG');
  const run = (o: object) => simulateYear({ zone: 'SG', site, ...Q4, ...o } as Parameters<typeof simulateYear>[0]);
  const rule = await run({ controller: 'rule' });
  const guarded = await run({ controller: 'optimizer' });
  const free = await run({ controller: 'optimizer', emissionsGuard: false });
  const r = rule.totals.emissionsGCo2;
  assert.ok(guarded.totals.emissionsGCo2 <= r, `guarded ${guarded.totals.emissionsGCo2} g > rule ${r} g`);
  assert.ok(free.totals.emissionsGCo2 > 1.1 * r, `unguarded ${free.totals.emissionsGCo2} g, rule ${r} g`);
  // and it still saves money against the rule, less than without the cap
  assert.ok(guarded.totals.netCostUsdc6 < rule.totals.netCostUsdc6);
  assert.ok(free.totals.netCostUsdc6 < guarded.totals.netCostUsdc6);
  assert.equal(guarded.guardFallbackBlocks, 0);
  // nor by turning paid work away: compute and car charging are served as the rule serves them
  const late = (r: typeof rule) => r.totals.gpuHoursUnmet - r.totals.gpuHoursQueuedAtEnd;
  assert.ok(late(guarded) <= late(rule) + 1e-4, `${late(guarded)} GPU-h dropped, rule ${late(rule)}`);
  assert.equal(free.emissionsGuard, false);
});

// a forecaster that is wrong in a known way: no sun and no compute demand at all, flat prices and carbon
const noSun: Forecaster = (req) => {
  return {
    wholesaleUsdPerMwh: new Array<number>(req.hours).fill(100),
    carbonGPerKwh: new Array<number>(req.hours).fill(400),
    pvWh: new Array<number>(req.hours).fill(0),
    demandTrace: new Array<number>(req.hours).fill(0),
  };
};

for (const type of SITE_TYPES) {
  test(`${type} on a forecaster that sees no sun: every step commits, no compute or car charge is lost, no load is shed`, async () => {
    const zone: ZoneId = 'IN-WE';
    const site = defaultSite(type, zone);
    const w = { zone, site, startHour: Q4.startHour, hours: 21 * 24 };
    const opt = await simulateYear({ ...w, controller: 'optimizer', forecaster: noSun });
    assert.equal(opt.plannedOn, 'forecast');
    assert.ok(
      opt.totals.gpuHoursUnmet - opt.totals.gpuHoursQueuedAtEnd < 1e-4,
      `${opt.totals.gpuHoursUnmet} GPU-h unmet`,
    );
    assert.equal(opt.totals.baseLoadUnservedWh, 0);
    const rule = await simulateYear({ ...w, controller: 'rule' });
    const evLate = (r: typeof opt) => r.totals.evUnmetWh - r.totals.evOwedAtEndWh;
    assert.ok(evLate(opt) <= evLate(rule) + 1, `EV ${evLate(opt)} Wh undelivered, rule ${evLate(rule)} Wh`);
  });
}

test('a forecaster that breaks its contract is rejected naming the field', async () => {
  const site = defaultSite('home', 'DE-LU');
  const bad =
    (f: Partial<ReturnType<Forecaster>>): Forecaster =>
    (req) => ({
      wholesaleUsdPerMwh: new Array<number>(req.hours).fill(80),
      carbonGPerKwh: new Array<number>(req.hours).fill(300),
      pvWh: new Array<number>(req.hours).fill(0),
      ...f,
    });
  const run = (f: Forecaster) =>
    simulateYear({ zone: 'DE-LU', site, controller: 'optimizer', startHour: 0, hours: 48, forecaster: f });
  await assert.rejects(run(bad({ pvWh: [1, 2, 3] })), /forecast\.pvWh: must be an array of 48 hourly values/);
  await assert.rejects(
    run(bad({ carbonGPerKwh: [-1, ...new Array<number>(47).fill(0)] })),
    /forecast\.carbonGPerKwh\[0\]: must be a finite number >= 0/,
  );
  await assert.rejects(
    run(bad({ wholesaleUsdPerMwh: [NaN, ...new Array<number>(47).fill(0)] })),
    /forecast\.wholesaleUsdPerMwh\[0\]/,
  );
});

test('a forecaster sees only the past of the site PV it calibrates on', async () => {
  const site = defaultSite('home', 'DE-LU');
  const seen: { start: number; length: number; first: number }[] = [];
  const spy: Forecaster = (req) => {
    seen.push({ start: req.startUtcS, length: req.sitePvWh.length, first: req.historyStartUtcS });
    return {
      wholesaleUsdPerMwh: new Array<number>(req.hours).fill(80),
      carbonGPerKwh: new Array<number>(req.hours).fill(300),
      pvWh: new Array<number>(req.hours).fill(0),
    };
  };
  await simulateYear({ zone: 'DE-LU', site, controller: 'optimizer', startHour: 100 * 24, hours: 72, forecaster: spy });
  assert.equal(seen.length, 3);
  for (const s of seen) assert.equal(s.first + s.length * 3600, s.start, 'history runs exactly up to the plan start');
});
