import assert from 'node:assert/strict';
import { test } from 'node:test';
import { defaultSite, simulateYear, type SiteType, type ZoneId } from '@greenhour/energy';
import { InputError } from '@greenhour/errors';
import { forecastZoneDayAhead } from './forecast.ts';
import { HOLDOUT_DAYS } from './periods.ts';
import { zoneHistory2023 } from './series.ts';
import { dayAheadSiteForecaster } from './site.ts';

const YEAR_START_S = Date.UTC(2023, 0, 1) / 1000;
const pvHistory = (zone: ZoneId, type: SiteType, toUtcS: number) => {
  // the site's PV as simulateYear hands it over: the hours before the plan only
  const site = defaultSite(type, zone);
  const ref = zoneHistory2023(zone).pvWhPerKwp;
  const kwp = site.pv.reduce((s, a) => s + a.dcCapacityW, 0) / 1000;
  return { site, sitePvWh: Float64Array.from(ref, (w) => w * kwp).subarray(0, (toUtcS - YEAR_START_S) / 3600) };
};

test('a 48 h plan at midnight sees its day-ahead forecast and repeats it for the day not yet issued', () => {
  const f = dayAheadSiteForecaster();
  const start = Date.UTC(2023, 9, 10) / 1000;
  const { site, sitePvWh } = pvHistory('DE-LU', 'station', start);
  const out = f({ zone: 'DE-LU', site, startUtcS: start, hours: 48, historyStartUtcS: YEAR_START_S, sitePvWh });
  const issued = forecastZoneDayAhead('DE-LU', zoneHistory2023('DE-LU'), start - 12 * 3600);
  assert.deepEqual(out.wholesaleUsdPerMwh.slice(0, 24), issued.priceUsdPerMwh);
  assert.deepEqual(out.wholesaleUsdPerMwh.slice(24), issued.priceUsdPerMwh);
  assert.deepEqual(out.carbonGPerKwh.slice(24), out.carbonGPerKwh.slice(0, 24));
  assert.equal(out.demandTrace?.length, 48);
  // after noon the next day's forecast is out, and it is used
  const noon = start + 13 * 3600;
  const later = f({ zone: 'DE-LU', site, startUtcS: noon, hours: 24, historyStartUtcS: YEAR_START_S, sitePvWh });
  const next = forecastZoneDayAhead('DE-LU', zoneHistory2023('DE-LU'), start + 12 * 3600);
  assert.deepEqual(later.wholesaleUsdPerMwh.slice(11), next.priceUsdPerMwh.slice(0, 13));
});

test("site PV is the reference forecast scaled by the site's measured PV over the reference's", () => {
  const f = dayAheadSiteForecaster();
  const start = Date.UTC(2023, 10, 2) / 1000;
  const { site, sitePvWh } = pvHistory('JP-TK', 'home', start);
  const req = { zone: 'JP-TK' as ZoneId, site, startUtcS: start, hours: 24, historyStartUtcS: YEAR_START_S };
  const one = f({ ...req, sitePvWh });
  const two = f({ ...req, sitePvWh: sitePvWh.map((w) => 2 * w) });
  const kwp = site.pv.reduce((s, a) => s + a.dcCapacityW, 0) / 1000;
  const ref = forecastZoneDayAhead('JP-TK', zoneHistory2023('JP-TK'), start - 12 * 3600).pvWhPerKwp;
  one.pvWh.forEach((w, i) => assert.ok(Math.abs(w - kwp * ref[i]!) < 1e-6 * (1 + w), `hour ${i}`));
  two.pvWh.forEach((w, i) => assert.ok(Math.abs(w - 2 * one.pvWh[i]!) < 1e-6 * (1 + w), `hour ${i}`));
  assert.ok(one.pvWh.some((w) => w > 0));
});

test('bad windows are refused naming the field', () => {
  const f = dayAheadSiteForecaster();
  const start = Date.UTC(2023, 10, 2) / 1000;
  const { site, sitePvWh } = pvHistory('SG', 'home', start);
  const req = { zone: 'SG' as ZoneId, site, startUtcS: start, hours: 24, historyStartUtcS: YEAR_START_S, sitePvWh };
  assert.throws(
    () => f({ ...req, startUtcS: start + 60 }),
    (e: unknown) => e instanceof InputError && e.field === 'startUtcS',
  );
  assert.throws(
    () => f({ ...req, hours: 0 }),
    (e: unknown) => e instanceof InputError && e.field === 'hours',
  );
  assert.throws(
    () => f({ ...req, zone: 'XX' as ZoneId }),
    (e: unknown) => e instanceof InputError && e.field === 'zone',
  );
});

// the held-out quarter: the models never saw these days
const Q4 = {
  startHour: (HOLDOUT_DAYS.fromUtcS - YEAR_START_S) / 3600,
  hours: (HOLDOUT_DAYS.toUtcS - HOLDOUT_DAYS.fromUtcS) / 3600,
};
for (const [zone, type] of [
  ['SG', 'station'],
  ['IN-WE', 'home'],
  ['JP-TK', 'home'],
] as [ZoneId, SiteType][]) {
  test(`${zone} ${type}, Q4 2023 on day-ahead forecasts: cheaper than the rule, and never more emissions`, async () => {
    const site = defaultSite(type, zone);
    const rule = await simulateYear({ zone, site, controller: 'rule', ...Q4 });
    const opt = await simulateYear({
      zone,
      site,
      controller: 'optimizer',
      forecaster: dayAheadSiteForecaster(),
      ...Q4,
    });
    assert.equal(opt.plannedOn, 'forecast');
    assert.ok(
      opt.totals.emissionsGCo2 <= rule.totals.emissionsGCo2,
      `${opt.totals.emissionsGCo2} g > rule ${rule.totals.emissionsGCo2} g`,
    );
    assert.ok(
      opt.totals.netCostUsdc6 < rule.totals.netCostUsdc6,
      `${opt.totals.netCostUsdc6} >= rule ${rule.totals.netCostUsdc6}`,
    );
  });
}
