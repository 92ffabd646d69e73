import assert from 'node:assert/strict';
import { test } from 'node:test';
import { InputError } from '@greenhour/errors';
import {
  dayAheadFeatures,
  featureNames,
  HISTORY_HOURS_NEEDED,
  persistenceDayAhead,
  utcDayOfWeek,
  type HourlyHistory,
} from './features.ts';
import { loadSeries } from './series.ts';

const ISSUE = Date.UTC(2023, 2, 14, 12) / 1000; // Tue 2023-03-14 12:00 UTC, forecasting Wed 03-15
const pv = loadSeries({ kind: 'pv', zone: 'DE-LU' });
const price = loadSeries({ kind: 'price', zone: 'DE-LU' });
const issueIdx = (h: HourlyHistory): number => (ISSUE - h.startUtcS) / 3600;

function withValues(h: HourlyHistory, f: (v: Float64Array, issue: number) => void): HourlyHistory {
  const v = Float64Array.from(h.values as ArrayLike<number>);
  f(v, issueIdx(h));
  return { startUtcS: h.startUtcS, values: v };
}

for (const s of [pv, price]) {
  test(`no leakage (${s.key}): changing any actual at or after the issue time leaves the features unchanged`, () => {
    const base = dayAheadFeatures(s.kind, s.history, ISSUE, s.site);
    // every hour from the issue slot (D-1 12:00) to the end of the year, including all of day D itself
    const mangled = withValues(s.history, (v, I) => {
      for (let i = I; i < v.length; i++) v[i] = 1e6 + i;
    });
    assert.deepEqual(dayAheadFeatures(s.kind, mangled, ISSUE, s.site), base);
    // a history cut exactly at the issue time gives the same rows: nothing later is needed
    const cut = { startUtcS: s.history.startUtcS, values: Array.from(s.history.values).slice(0, issueIdx(s.history)) };
    assert.deepEqual(dayAheadFeatures(s.kind, cut, ISSUE, s.site), base);
  });
}

test('the last hour before the issue time is used (the leakage test can see a change)', () => {
  const base = dayAheadFeatures('price', price.history, ISSUE, price.site);
  const changed = withValues(price.history, (v, I) => {
    v[I - 1] = (v[I - 1] as number) + 100;
  });
  assert.notDeepEqual(dayAheadFeatures('price', changed, ISSUE, price.site), base);
});

test('lags: hours 00-11 read D-1, hours 12-23 read D-2, D-7 for all; calendar of day D', () => {
  const rows = dayAheadFeatures('price', price.history, ISSUE, price.site);
  const n = featureNames('price');
  const I = issueIdx(price.history);
  const v = price.history.values;
  assert.equal(rows.length, 24);
  for (let h = 0; h < 24; h++) {
    const r = rows[h] as number[];
    const target = I + 12 + h;
    assert.equal(r[n.indexOf('hourOfDay')], h);
    assert.equal(r[n.indexOf('lagLatestSameHour')], v[h < 12 ? target - 24 : target - 48]);
    assert.equal(r[n.indexOf('lagD7SameHour')], v[target - 168]);
    assert.equal(r[n.indexOf('lastKnown')], v[I - 1]);
    assert.equal(r[n.indexOf('dayOfWeek')], 3); // Wednesday
  }
  assert.equal(utcDayOfWeek(Date.UTC(2023, 0, 1) / 1000), 0); // 2023-01-01 was a Sunday
});

test('clear-sky GHI is 0 at night and positive at midday for PV in Germany', () => {
  const rows = dayAheadFeatures('pv', pv.history, ISSUE, pv.site);
  const col = featureNames('pv').indexOf('clearSkyGhiWm2');
  assert.equal(rows[0]?.[col], 0); // 00:00 UTC
  assert.ok((rows[11]?.[col] as number) > 300); // ~12:30 local in March
});

test('persistence: 24 h before for hours 00-11, 168 h before for 12-23', () => {
  const p = persistenceDayAhead(price.history, ISSUE);
  const I = issueIdx(price.history);
  assert.equal(p[0], price.history.values[I + 12 - 24]);
  assert.equal(p[11], price.history.values[I + 23 - 24]);
  assert.equal(p[12], price.history.values[I + 24 - 168]);
});

test('bad inputs are rejected with InputError naming the field', () => {
  const isInput = (field: string) => (e: unknown) => e instanceof InputError && e.field === field;
  assert.throws(() => dayAheadFeatures('price', price.history, ISSUE + 3600, price.site), isInput('issueUtcS'));
  assert.throws(() => dayAheadFeatures('price', price.history, ISSUE + 0.5, price.site), isInput('issueUtcS'));
  // 155 h of history before the issue time is one too few
  const short = { startUtcS: ISSUE - (HISTORY_HOURS_NEEDED - 1) * 3600, values: new Array(400).fill(1) };
  assert.throws(() => dayAheadFeatures('demand', short, ISSUE, null), isInput('history'));
  const enough = { startUtcS: ISSUE - HISTORY_HOURS_NEEDED * 3600, values: new Array(HISTORY_HOURS_NEEDED).fill(1) };
  assert.equal(dayAheadFeatures('demand', enough, ISSUE, null).length, 24);
  const ends = { startUtcS: ISSUE - 200 * 3600, values: new Array(100).fill(1) };
  assert.throws(() => dayAheadFeatures('demand', ends, ISSUE, null), isInput('history.values'));
  const nan = withValues(price.history, (v, I) => {
    v[I - 5] = Number.NaN;
  });
  assert.throws(
    () => dayAheadFeatures('price', nan, ISSUE, price.site),
    (e: unknown) => e instanceof InputError,
  );
  assert.throws(() => dayAheadFeatures('price', price.history, ISSUE, null), isInput('site'));
  assert.throws(() => dayAheadFeatures('wind' as 'price', price.history, ISSUE, price.site), isInput('kind'));
  const offHour = { startUtcS: price.history.startUtcS + 60, values: price.history.values };
  assert.throws(() => dayAheadFeatures('price', offHour, ISSUE, price.site), isInput('history.startUtcS'));
});
