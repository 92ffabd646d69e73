import assert from 'node:assert/strict';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { listZones, loadWorkloadTrace } from '@greenhour/energy';
import { InputError } from '@greenhour/errors';
import { clearSkyGhiWm2 } from './features.ts';
import { forecastDemandDayAhead, forecastZoneDayAhead } from './forecast.ts';
import { allSeriesRefs, seriesKey, zoneClearSkySite, zoneHistory2023 } from './series.ts';
import { MODELS_DIR, shippedModel } from './shipped.ts';

const issue = (m: number, d: number): number => Date.UTC(2023, m, d, 12) / 1000;
const ISSUES = [issue(9, 14), issue(10, 20), issue(11, 30)]; // held-out days
const span = (v: ArrayLike<number>): [number, number] => {
  const a = Array.from(v);
  const lo = Math.min(...a);
  const hi = Math.max(...a);
  return [lo - 0.1 * (hi - lo), hi + 0.1 * (hi - lo)];
};

test('a model ships for every series, restores with RandomForestRegression.load, a few MB in total', () => {
  const files = readdirSync(MODELS_DIR).filter((f) => f.endsWith('.json'));
  const keys = allSeriesRefs().map(seriesKey);
  assert.deepEqual(files.map((f) => f.replace(/\.json$/, '')).sort(), [...keys].sort());
  const bytes = files.reduce((s, f) => s + statSync(join(MODELS_DIR, f)).size, 0);
  assert.ok(bytes < 4 * 1024 * 1024, `${bytes} bytes`);
  for (const k of keys) {
    const m = shippedModel(k);
    assert.equal(m.meta.key, k);
    assert.equal(m.rf.estimators?.length, m.meta.forest.nEstimators);
  }
});

for (const zone of listZones()) {
  test(`${zone}: day-ahead forecasts are 24 finite values within the physical and observed range`, () => {
    const h = zoneHistory2023(zone);
    const site = zoneClearSkySite(zone);
    const [pLo, pHi] = span(h.priceUsdPerMwh);
    const [cLo, cHi] = span(h.carbonLcaGPerKwh);
    for (const t of ISSUES) {
      const f = forecastZoneDayAhead(zone, h, t);
      assert.equal(f.dayStartUtcS, t + 12 * 3600);
      for (const [name, v] of Object.entries({ p: f.priceUsdPerMwh, c: f.carbonLcaGPerKwh, pv: f.pvWhPerKwp })) {
        assert.equal(v.length, 24, name);
        assert.ok(v.every(Number.isFinite), name);
      }
      assert.ok(
        f.priceUsdPerMwh.every((p) => p >= pLo && p <= pHi),
        `price ${f.priceUsdPerMwh}`,
      );
      assert.ok(
        f.carbonLcaGPerKwh.every((c) => c >= Math.max(0, cLo) && c <= cHi),
        `carbon ${f.carbonLcaGPerKwh}`,
      );
      f.pvWhPerKwp.forEach((w, i) => {
        assert.ok(Number.isInteger(w) && w >= 0 && w <= 1000 / 1.2, `pv ${w}`); // AC capped at 1 kWp / DC:AC 1.2
        if (clearSkyGhiWm2(site, f.dayStartUtcS + i * 3600) === 0) assert.equal(w, 0, `pv at night hour ${i}`);
      });
      assert.ok(
        f.pvWhPerKwp.some((w) => w > 0),
        'some PV in daytime',
      );
    }
  });
}

test('demand forecasts lie in [0, 1] and follow the trace level', () => {
  for (const trace of ['alibaba', 'google'] as const) {
    const values = loadWorkloadTrace(trace, 8760);
    const history = { startUtcS: Date.UTC(2023, 0, 1) / 1000, values };
    const f = forecastDemandDayAhead(trace, history, ISSUES[0] as number);
    assert.equal(f.length, 24);
    assert.ok(f.every((u) => Number.isFinite(u) && u >= 0 && u <= 1));
  }
});

test('the public forecast ignores every value after the issue time', () => {
  const h = zoneHistory2023('US-CAL-CISO');
  const t = ISSUES[1] as number;
  const cut = (t - h.startUtcS) / 3600;
  const mangle = (v: ArrayLike<number>): Float64Array => {
    const out = Float64Array.from(v);
    for (let i = cut; i < out.length; i++) out[i] = 9999;
    return out;
  };
  const mangled = {
    startUtcS: h.startUtcS,
    priceUsdPerMwh: mangle(h.priceUsdPerMwh),
    carbonLcaGPerKwh: mangle(h.carbonLcaGPerKwh),
    pvWhPerKwp: mangle(h.pvWhPerKwp),
  };
  assert.deepEqual(forecastZoneDayAhead('US-CAL-CISO', mangled, t), forecastZoneDayAhead('US-CAL-CISO', h, t));
});

test('bad inputs: unknown zone, issue time not 12:00 UTC, too little history, unknown trace', () => {
  const h = zoneHistory2023('SG');
  const isInput = (field: string) => (e: unknown) => e instanceof InputError && e.field === field;
  assert.throws(() => forecastZoneDayAhead('XX', h, issue(9, 14)), isInput('zone'));
  assert.throws(() => forecastZoneDayAhead('SG', h, issue(9, 14) + 1800), isInput('issueUtcS'));
  assert.throws(() => forecastZoneDayAhead('SG', h, Date.UTC(2023, 9, 14) / 1000), isInput('issueUtcS'));
  // 2023-01-05 12:00 UTC is 108 h after the start of the data: 156 h are needed
  assert.throws(() => forecastZoneDayAhead('SG', h, issue(0, 5)), isInput('history.priceUsdPerMwh'));
  assert.throws(
    () => forecastZoneDayAhead('SG', { ...h, pvWhPerKwp: undefined as unknown as number[] }, issue(9, 14)),
    isInput('history.pvWhPerKwp'),
  );
  const history = { startUtcS: h.startUtcS, values: loadWorkloadTrace('google', 8760) };
  assert.throws(() => forecastDemandDayAhead('azure' as 'google', history, issue(9, 14)), isInput('trace'));
  assert.throws(() => forecastDemandDayAhead('google', history, issue(0, 3)), isInput('history'));
});
