import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import pino from 'pino';
import { createApi } from '@greenhour/api';
import { defaultSite } from '@greenhour/energy';
import { InputError } from '@greenhour/errors';
import { mae } from './evaluate.ts';
import { forecastRoutes } from './routes.ts';
import { compareSite, forecastWindow, workInHandUsdc6 } from './window.ts';

const day = (iso: string) => Date.parse(`${iso}T00:00:00Z`) / 1000;

describe('forecastWindow: day-ahead forecasts against persistence and the actuals', () => {
  it('gives every hour of the window, persistence as defined, and the window MAEs of both', () => {
    const w = forecastWindow('DE-LU', day('2023-10-09'), 2);
    const before = forecastWindow('DE-LU', day('2023-10-02'), 7);
    assert.equal(w.hours.length, 48);
    assert.deepEqual(
      w.hours.map((h) => h.startUtcS),
      Array.from({ length: 48 }, (_, k) => day('2023-10-09') + k * 3600),
    );
    const actualAt = (t: number) => [...before.hours, ...w.hours].find((h) => h.startUtcS === t)!;
    for (const h of w.hours) {
      const hourOfDay = (h.startUtcS % 86_400) / 3600;
      // 24 h before where it is known at 12:00 the day before, else the same hour a week before
      const lagS = hourOfDay < 12 ? 86_400 : 7 * 86_400;
      for (const s of ['price', 'carbon', 'pv'] as const)
        assert.equal(h[s].persistence, actualAt(h.startUtcS - lagS)[s].actual, `${s} at ${h.startUtcS}`);
      assert.ok(h.carbon.forecast >= 0 && h.pv.forecast >= 0);
    }
    for (const s of ['price', 'carbon', 'pv'] as const) {
      const of = (k: 'forecast' | 'persistence' | 'actual') => w.hours.map((h) => h[s][k]);
      assert.equal(w.scores[s].maeModel, mae(of('forecast'), of('actual')));
      assert.equal(w.scores[s].skill, 1 - w.scores[s].maeModel / w.scores[s].maePersistence);
    }
    assert.equal(w.heldOutDays, 2);
    assert.equal(forecastWindow('SG', day('2023-09-28'), 5).heldOutDays, 2);
  });

  it('refuses a window the models cannot forecast, naming the field', () => {
    const refused = (f: () => unknown, field: string) =>
      assert.throws(f, (e: unknown) => e instanceof InputError && e.field === field);
    refused(() => forecastWindow('XX', day('2023-10-02'), 1), 'zone');
    refused(() => forecastWindow('SG', day('2023-10-02') + 3600, 1), 'from');
    refused(() => forecastWindow('SG', day('2023-01-07'), 1), 'from');
    refused(() => forecastWindow('SG', day('2024-01-01'), 1), 'from');
    refused(() => forecastWindow('SG', day('2023-10-02'), 0), 'days');
    refused(() => forecastWindow('SG', day('2023-10-02'), 15), 'days');
    refused(() => forecastWindow('SG', day('2023-10-02'), 1.5), 'days');
    refused(() => forecastWindow('SG', day('2023-12-30'), 3), 'days');
    assert.equal(forecastWindow('SG', day('2023-12-30'), 2).hours.length, 48);
  });
});

describe('compareSite: the rule, the optimizer on forecasts and with perfect foresight over one window', () => {
  it('runs a Singapore station for a held-out week: both optimizer runs cheaper and cleaner than the rule', async () => {
    const c = await compareSite('SG', 'station', day('2023-10-02'), 7);
    assert.deepEqual(
      c.runs.map((r) => r.run),
      ['rule', 'forecast', 'perfect'],
    );
    assert.equal(c.hourStartUtcS.length, 168);
    const [rule, forecast, perfect] = c.runs as [(typeof c.runs)[0], (typeof c.runs)[0], (typeof c.runs)[0]];
    for (const r of c.runs) {
      assert.equal(r.hourly.emissionsGCo2.length, 168);
      assert.equal(
        r.hourly.emissionsGCo2.reduce((a, b) => a + b, 0),
        r.emissionsGCo2,
      );
      assert.equal(r.gpuHoursLate, 0, `${r.run}: compute served late`);
    }
    assert.equal(rule.savingBps, 0);
    // the optimizer holds work for sunny hours: some of it is still queued when the week ends, and counted as in hand
    assert.ok(forecast.gpuHoursQueuedAtEnd > 0 && forecast.workInHandUsdc6 > 0);
    assert.equal(forecast.comparableNetCostUsdc6, forecast.netCostUsdc6 - forecast.workInHandUsdc6);
    for (const r of [forecast, perfect]) {
      assert.ok(r.savingBps > 0, `${r.run}: saving ${r.savingBps} bps`);
      assert.ok(r.emissionsCutBps > 0, `${r.run}: emissions cut ${r.emissionsCutBps} bps`);
    }
    assert.ok(perfect.comparableNetCostUsdc6 <= forecast.comparableNetCostUsdc6, 'foresight is worth something');
  });

  it('values work in hand at its revenue less its energy at the mean import price', () => {
    const site = { ...defaultSite('station', 'SG'), ev: defaultSite('pile', 'SG').ev };
    assert.ok(site.gpu && site.ev);
    const r = {
      totals: { gpuHoursQueuedAtEnd: 10, evOwedAtEndWh: 2000 },
      hourly: { importPriceUsdc6PerKwh: [100_000, 300_000] },
    } as unknown as Parameters<typeof workInHandUsdc6>[1];
    const gpu = 10 * (site.gpu!.revenueUsdPerGpuHour * 1e6 - (site.gpu!.busyW * site.gpu!.pue * 200_000) / 1000);
    const ev = 2 * (site.ev!.chargePriceUsdPerKwh * 1e6 - 200_000);
    assert.equal(workInHandUsdc6(site, r), Math.floor(gpu + ev));
  });

  it('refuses an unknown site type, naming the field', async () => {
    await assert.rejects(compareSite('SG', 'hut', day('2023-10-02'), 1), (e: unknown) => {
      return e instanceof InputError && e.field === 'site';
    });
  });
});

describe('forecast routes', () => {
  const app = createApi({ log: pino({ level: 'silent' }), rateLimitPerMinute: 0, version: 'test' });
  app.route('/', forecastRoutes());
  const get = async (path: string) => {
    const res = await app.request(path);
    return { status: res.status, body: (await res.json()) as Record<string, any> };
  };

  it('lists what can be asked for', async () => {
    const { status, body } = await get('/v1/forecast/catalogue');
    assert.equal(status, 200);
    assert.deepEqual(body.zones, ['DE-LU', 'IN-WE', 'JP-TK', 'SG', 'US-CAL-CISO']);
    assert.deepEqual(body.heldOut, { from: '2023-10-01', to: '2023-12-31' });
    assert.equal(body.firstDay, '2023-01-08');
  });

  it('answers a forecast window and a site comparison', async () => {
    const f = await get('/v1/forecast?zone=JP-TK&from=2023-12-01&days=3');
    assert.equal(f.status, 200);
    assert.equal(f.body.hours.length, 72);
    assert.deepEqual(f.body, forecastWindow('JP-TK', day('2023-12-01'), 3));
    const s = await get('/v1/forecast/site?zone=IN-WE&site=home&from=2023-12-01&days=1');
    assert.equal(s.status, 200);
    assert.equal(s.body.runs.length, 3);
    assert.equal(s.body.siteType, 'home');
    assert.equal((await get('/v1/forecast?zone=SG&from=2023-10-02')).body.days, 7);
  });

  it('refuses bad queries with 400 naming the field', async () => {
    const cases: [string, string][] = [
      ['/v1/forecast?zone=XX&from=2023-10-02', 'query.zone'],
      ['/v1/forecast?from=2023-10-02', 'query.zone'],
      ['/v1/forecast?zone=SG', 'query.from'],
      ['/v1/forecast?zone=SG&from=2023-02-30', 'query.from'],
      ['/v1/forecast?zone=SG&from=2022-12-30', 'query.from'],
      ['/v1/forecast?zone=SG&from=2023-01-03', 'query.from'],
      ['/v1/forecast?zone=SG&from=2023-10-02&days=-1', 'query.days'],
      ['/v1/forecast?zone=SG&from=2023-10-02&days=15', 'query.days'],
      ['/v1/forecast?zone=SG&from=2023-12-31&days=2', 'query.days'],
      ['/v1/forecast/site?zone=SG&from=2023-10-02', 'query.site'],
      ['/v1/forecast/site?zone=SG&from=2023-10-02&site=hut', 'query.site'],
    ];
    for (const [path, field] of cases) {
      const { status, body } = await get(path);
      assert.equal(status, 400, path);
      assert.equal(body.error.field, field, path);
      assert.ok(body.error.reason.length > 0);
    }
  });
});
