import assert from 'node:assert/strict';
import { test } from 'node:test';
import { generateEvSessions } from './ev.ts';
import { defaultSite } from './sites.ts';

test('EV sessions are deterministic for a seed, one car per charger at a time, energy deliverable', () => {
  const ev = defaultSite('pile', 'SG').ev!;
  const t0 = Date.UTC(2023, 0, 1) / 1000;
  const a = generateEvSessions(ev, t0, t0 + 30 * 86400, 8);
  const b = generateEvSessions(ev, t0, t0 + 30 * 86400, 8);
  assert.deepEqual(a, b);
  const c = generateEvSessions({ ...ev, seed: ev.seed + 1 }, t0, t0 + 30 * 86400, 8);
  assert.notDeepEqual(a, c);
  // mean sessions per charger per day close to the configured rate (Poisson, 30 days x 6 chargers)
  const perDay = a.length / 30 / ev.count;
  assert.ok(Math.abs(perDay / ev.sessionsPerChargerPerDay - 1) < 0.2, `sessions/charger/day ${perDay}`);
  for (let ch = 0; ch < ev.count; ch++) {
    const own = a.filter((s) => s.charger === ch);
    for (let i = 1; i < own.length; i++) assert.ok(own[i]!.arrivalUtcS >= own[i - 1]!.departureUtcS);
  }
  for (const s of a) {
    assert.ok(s.energyWh > 0 && s.energyWh <= (ev.powerW * (s.departureUtcS - s.arrivalUtcS)) / 3600 + 1e-3); // float ulp of UTC seconds
  }
});
