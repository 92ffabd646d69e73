import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DEMO_FLEET, getGpuSpec, type FleetDevice } from '@greenhour/fleet';
import { violationOf, ZERO_HASH, type Telemetry } from '@greenhour/telemetry';
import { SimulatedSiteDriver } from './simulated.ts';

const DEVICE = '0x00000000000000000000000000000000000000aa';
// 2026-06-21T00:00:00Z: a long day in the northern zones, so PV, battery charge and discharge all occur.
const DAY = Date.UTC(2026, 5, 21) / 1000;

function driverFor(d: FleetDevice, seed = 7): SimulatedSiteDriver {
  const spec = {
    pvWp: d.pvWp,
    batteryWh: d.batteryWh,
    chargerW: d.chargerW,
    gpuCount: d.gpuCount,
    gpuBoardPowerW: getGpuSpec(d.gpuModel).boardPowerW,
  };
  return new SimulatedSiteDriver({ siteType: d.siteType, zone: d.zone, spec, seed });
}

function asMessage(
  seq: number,
  windowStart: number,
  windowEnd: number,
  r: ReturnType<SimulatedSiteDriver['readSync']>,
) {
  return { device: DEVICE, seq, windowStart, windowEnd, ...r } as Telemetry;
}

test('every reading of a simulated day is physically possible, for every demo device (all three site types)', () => {
  const types = new Set<string>();
  for (const device of DEMO_FLEET) {
    const driver = driverFor(device);
    const limits = driver.limits();
    const totals = { pvWh: 0, batteryInWh: 0, batteryOutWh: 0, gridImportWh: 0, gpuWh: 0, evWh: 0, busyWindows: 0 };
    for (let i = 0; i < 1440; i++) {
      const start = DAY + i * 60;
      const r = driver.readSync(start, start + 60);
      const m = asMessage(i + 1, start, start + 60, r);
      assert.equal(violationOf(limits, m), 'None', `${device.id} window ${i}: ${JSON.stringify(r)}`);
      for (const [k, v] of Object.entries(r)) if (k !== 'jobsHash') assert.ok(Number.isInteger(v), `${k} integer`);
      assert.equal(r.uptimeS, 60);
      totals.pvWh += r.pvWh;
      totals.batteryInWh += r.batteryInWh;
      totals.batteryOutWh += r.batteryOutWh;
      totals.gridImportWh += r.gridImportWh;
      totals.gpuWh += r.gpuWh;
      totals.evWh += r.evWh;
      if (r.jobsHash !== ZERO_HASH) totals.busyWindows++;
    }
    // The day is not degenerate: the sun shone, the GPUs drew power and ran jobs, the battery cycled.
    assert.ok(totals.pvWh > 0, `${device.id} produced PV`);
    assert.ok(totals.gpuWh > 0 && totals.busyWindows > 0, `${device.id} GPUs ran`);
    assert.ok(totals.batteryInWh > 0 && totals.batteryOutWh > 0, `${device.id} battery charged and discharged`);
    // A day's PV never exceeds the nameplate for 24 h; the GPU never its board power.
    assert.ok(totals.pvWh < device.pvWp * 24);
    types.add(device.siteType);
  }
  assert.deepEqual([...types].sort(), ['home', 'pile', 'station']);
});

test("the battery's state of charge stays within [0, capacity] and moves with charge and discharge", () => {
  for (const device of DEMO_FLEET) {
    const driver = driverFor(device);
    let prev = Math.floor(driver.socWh);
    let lowest = Infinity;
    let highest = -Infinity;
    for (let i = 0; i < 1440; i++) {
      const start = DAY + i * 60;
      const r = driver.readSync(start, start + 60);
      const where = `${device.id} window ${i}: ${JSON.stringify(r)} after ${prev} Wh`;
      assert.ok(Number.isInteger(r.batterySocWh), where);
      assert.ok(r.batterySocWh >= 0 && r.batterySocWh <= device.batteryWh, `${where}: within [0, ${device.batteryWh}]`);
      if (r.batteryInWh >= 2) assert.ok(r.batterySocWh > prev, `${where}: charging raises it`);
      if (r.batteryOutWh > 0) assert.ok(r.batterySocWh < prev, `${where}: discharging lowers it`);
      if (r.batteryInWh === 0 && r.batteryOutWh === 0) assert.equal(r.batterySocWh, prev, `${where}: idle keeps it`);
      prev = r.batterySocWh;
      lowest = Math.min(lowest, prev);
      highest = Math.max(highest, prev);
    }
    // Over a long day the battery fills with PV and empties into the night's loads by a visible amount.
    assert.ok(highest - lowest > device.batteryWh / 10, `${device.id}: SoC from ${lowest} to ${highest} Wh`);
  }
});

test('EV chargers deliver energy over a day at sites that have them, never at sites without', () => {
  for (const device of DEMO_FLEET) {
    const driver = driverFor(device);
    let evWh = 0;
    for (let i = 0; i < 1440; i++) evWh += driver.readSync(DAY + i * 60, DAY + i * 60 + 60).evWh;
    if (device.chargerW === 0) assert.equal(evWh, 0, device.id);
  }
  // The busiest pile: 150 kW of chargers, a few sessions a day.
  const pile = DEMO_FLEET.find((d) => d.id === 'uscal-pile-sanjose')!;
  const driver = driverFor(pile);
  let evWh = 0;
  for (let day = 0; day < 3; day++)
    for (let i = 0; i < 1440; i++)
      evWh += driver.readSync(DAY + day * 86400 + i * 60, DAY + day * 86400 + i * 60 + 60).evWh;
  assert.ok(evWh > 10_000, `pile delivered ${evWh} Wh to EVs in 3 days`);
});

test('readings are deterministic for a seed, differ across seeds, and follow the hour within it evenly', () => {
  const home = DEMO_FLEET.find((d) => d.siteType === 'home')!;
  const a = driverFor(home, 1);
  const b = driverFor(home, 1);
  const c = driverFor(home, 2);
  const noon = DAY + 12 * 3600;
  const ra: string[] = [];
  const rc: string[] = [];
  for (let i = 0; i < 120; i++) {
    const x = a.readSync(noon + i * 60, noon + i * 60 + 60);
    assert.deepEqual(b.readSync(noon + i * 60, noon + i * 60 + 60), x);
    ra.push(x.jobsHash);
    rc.push(c.readSync(noon + i * 60, noon + i * 60 + 60).jobsHash);
  }
  assert.notDeepEqual(ra, rc);
  // PV is the hour's energy split evenly: every minute of one hour gets the same whole Wh.
  const pv = new Set<number>();
  const fresh = driverFor(home, 1);
  for (let i = 0; i < 60; i++) pv.add(fresh.readSync(noon + i * 60, noon + i * 60 + 60).pvWh);
  assert.equal(pv.size, 1);
});

test('a bad spec or window is rejected naming the field', () => {
  const spec = { pvWp: 6000, batteryWh: 0, chargerW: 0, gpuCount: 1, gpuBoardPowerW: 450 };
  assert.throws(() => new SimulatedSiteDriver({ siteType: 'home', zone: 'SG', spec: { ...spec, pvWp: -1 } }), /pvWp/);
  assert.throws(
    () => new SimulatedSiteDriver({ siteType: 'home', zone: 'SG', spec: { ...spec, gpuCount: 1.5 } }),
    /gpuCount/,
  );
  assert.throws(() => new SimulatedSiteDriver({ siteType: 'castle' as 'home', zone: 'SG', spec }), /siteType/);
  assert.throws(() => new SimulatedSiteDriver({ siteType: 'home', zone: 'XX' as 'SG', spec }), /zone/);
  const driver = new SimulatedSiteDriver({ siteType: 'home', zone: 'SG', spec });
  assert.throws(() => driver.readSync(DAY, DAY), /window/);
  // Without a battery the battery fields stay 0.
  const r = driver.readSync(DAY + 12 * 3600, DAY + 12 * 3600 + 60);
  assert.equal(r.batteryInWh + r.batteryOutWh, 0);
  assert.equal(r.batterySocWh, 0, 'no battery holds no charge');
});
