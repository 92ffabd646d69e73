import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseSiteFile } from './siteFile.ts';
import { defaultSite } from './sites.ts';
import { simulateYear } from './simulate.ts';

const HOME = {
  zone: 'DE-LU',
  type: 'home',
  pv: { kWp: 9.5, mounting: 'roof_mount', tiltDeg: 35, azimuthDeg: 200 },
  battery: { kWh: 10, kW: 5 },
  evChargers: { count: 1, kW: 11 },
  gpus: { count: 2, busyW: 500 },
  baseLoad: { kwhPerYear: 4380 },
  gridLimitKw: 15,
};

test('a tracker site: any PVWatts array type, its orientation defaulting to the tracker axis, not a fixed tilt', () => {
  const { site } = parseSiteFile({ zone: 'US-CAL-CISO', type: 'station', pv: { kWp: 500, mounting: 'one_axis' } });
  assert.equal(site.pv[0]!.mounting, 'one_axis');
  assert.equal(site.pv[0]!.tiltDeg, 0, 'a horizontal north-south axis');
  assert.equal(site.pv[0]!.azimuthDeg, 180);
  const fixed = parseSiteFile({ zone: 'US-CAL-CISO', type: 'station', pv: { kWp: 500, mounting: 'open_rack' } });
  assert.equal(fixed.site.pv[0]!.tiltDeg, defaultSite('station', 'US-CAL-CISO').pv[0]!.tiltDeg, 'fixed: as before');
});

test('a minimal site file: the zone, the type and the PV; everything else from the default site or absent', () => {
  const { zone, type, site } = parseSiteFile({ zone: 'SG', type: 'home', pv: { kWp: 5, mounting: 'roof_mount' } });
  const d = defaultSite('home', 'SG');
  assert.equal(zone, 'SG');
  assert.equal(type, 'home');
  assert.deepEqual(site.pv, [{ ...d.pv[0]!, dcCapacityW: 5000 }]);
  assert.equal(site.battery, undefined);
  assert.equal(site.ev, undefined);
  assert.equal(site.gpu, undefined);
  assert.deepEqual(site.tariff, d.tariff);
  assert.deepEqual(site.baseLoad, d.baseLoad);
});

test('a full site file maps every field onto the site', async () => {
  const { site } = parseSiteFile(structuredClone(HOME));
  const d = defaultSite('home', 'DE-LU');
  assert.deepEqual(site.pv[0], {
    ...d.pv[0]!,
    dcCapacityW: 9500,
    tiltDeg: 35,
    azimuthDeg: 200,
    mounting: 'roof_mount',
  });
  assert.deepEqual(site.battery, { ...d.battery!, capacityWh: 10_000, maxChargeW: 5000, maxDischargeW: 5000 });
  assert.equal(site.ev!.count, 1);
  assert.equal(site.ev!.powerW, 11_000);
  assert.equal(site.ev!.meanDwellHours, 10, 'a home wallbox: parked overnight');
  assert.equal(site.ev!.chargePriceUsdPerKwh, 0.62, "the zone's EV price");
  assert.deepEqual(site.gpu, { ...d.gpu!, count: 2, busyW: 500 });
  assert.deepEqual(site.baseLoad, { meanW: 500, profile: 'household' });
  assert.equal(site.gridLimitW, 15_000);
  const r = await simulateYear({ zone: 'DE-LU', site, controller: 'rule', hours: 48 });
  assert.ok(r.totals.gpuWh > 0 && r.totals.pvAvailableWh > 0);
});

const BAD: [string, (s: any) => unknown, string, RegExp][] = [
  [
    'unknown field',
    (s) => (s.pv.kwp = 3),
    'pv.kwp',
    /unknown field \(expected one of kWp, mounting, tiltDeg, azimuthDeg\)/,
  ],
  ['unknown top-level field', (s) => (s.solar = {}), 'solar', /unknown field/],
  ['missing field', (s) => delete s.pv.mounting, 'pv.mounting', /missing/],
  ['wrong type', (s) => (s.pv.kWp = '8'), 'pv.kWp', /must be a number in \[0, 1000000\], got "8"/],
  ['out of range', (s) => (s.pv.tiltDeg = 95), 'pv.tiltDeg', /in \[0, 90\], got 95/],
  [
    'bad mounting',
    (s) => (s.pv.mounting = 'tracker'),
    'pv.mounting',
    /must be one of "open_rack", "roof_mount", "one_axis", "one_axis_backtracking", "two_axis"/,
  ],
  ['bad type', (s) => (s.type = 'castle'), 'type', /must be one of "station", "pile", "home"/],
  ['unknown zone', (s) => (s.zone = 'XX'), 'zone', /unknown zone "XX" \(expected one of DE-LU, /],
  ['fractional GPU count', (s) => (s.gpus.count = 1.5), 'gpus.count', /must be an integer in \[1, 10000\], got 1.5/],
  ['battery without power', (s) => (s.battery.kW = 0), 'battery.kW', /must be a positive number, got 0/],
  [
    'GPU busy below idle',
    (s) => (s.gpus.idleW = 800),
    'gpus.busyW',
    /busy power \(500 W\) must be >= idle power \(800 W\)/,
  ],
  ['grid too small', (s) => (s.gridLimitKw = 0.5), 'gridLimitKw', /must cover the always-on load/],
  [
    'EV chargers busier than a day',
    (s) => (s.evChargers.sessionsPerChargerPerDay = 3),
    'evChargers.sessionsPerChargerPerDay',
    /must be < 24 h per charger-day, got 30/,
  ],
];

for (const [name, edit, field, reason] of BAD) {
  test(`a bad site file is rejected naming the field: ${name}`, () => {
    const s = structuredClone(HOME) as any;
    edit(s);
    assert.throws(
      () => parseSiteFile(s),
      (e: Error) => {
        assert.equal(e.name, 'SchemaError');
        assert.ok(e.message.startsWith(`field "${field}": `), e.message);
        assert.match(e.message, reason);
        return true;
      },
    );
  });
}

test('a site file that is not an object is rejected', () => {
  assert.throws(() => parseSiteFile([1]), { message: 'field "(top level)": must be an object, got [1]' });
});
