// A site description file (`greenhour site simulate --site my-site.json`): what an operator knows about
// their site (zone, PV size and mounting, battery, EV chargers, GPUs, grid connection), validated field by
// field. Everything it does not say comes from the default site of its type in its zone (`defaultSite`),
// so a file can be as short as a zone, a type and a PV size. Fields: docs/SITE_FILE.md.

import { DATA_DIR, listZones, loadZoneYear } from './data.ts';
import { PV_ARRAY_TYPES, defaultArrayOrientation } from './pv/arrayTypes.ts';
import { SchemaError, number, object, oneOf, string } from './schema.ts';
import { defaultSite } from './sites.ts';
import { SITE_TYPES, type EvChargersConfig, type SiteConfig, type SiteType, type ZoneId } from './types.ts';
import { validateSite } from './validate.ts';
import { loadZone } from './zones.ts';

const positive = number({ min: 0, minExclusive: true });
const nonNeg = number({ min: 0 });
const count = number({ min: 1, max: 10_000, integer: true });

const siteSchema = object(
  {
    zone: string(),
    type: oneOf(SITE_TYPES),
    pv: object(
      { kWp: number({ min: 0, max: 1_000_000 }), mounting: oneOf(PV_ARRAY_TYPES) },
      { tiltDeg: number({ min: 0, max: 90 }), azimuthDeg: number({ min: 0, max: 360 }) },
    ),
  },
  {
    battery: object({ kWh: positive, kW: positive }),
    evChargers: object(
      { count, kW: positive },
      {
        sessionsPerChargerPerDay: nonNeg,
        meanSessionKwh: positive,
        meanDwellHours: positive,
        priceUsdPerKwh: nonNeg,
      },
    ),
    gpus: object(
      { count },
      {
        busyW: positive,
        idleW: nonNeg,
        pue: number({ min: 1, max: 3 }),
        rentalUsdPerGpuHour: nonNeg,
        utilisation: number({ min: 0, max: 1 }),
      },
    ),
    baseLoad: object({ kwhPerYear: nonNeg }, { profile: oneOf(['flat', 'household', 'commercial']) }),
    gridLimitKw: positive,
  },
);

/** The site file's content, as validated. */
export type SiteFile = ReturnType<typeof siteSchema>;

/**
 * EV usage where the type's default site has no chargers (the pile's come from defaultSite): the same
 * assumptions as the node agent's simulated meter. Home: one wallbox, ~0.8 sessions a day of ~12 kWh
 * (≈ 40 km of daily driving), parked overnight. Station: highway-style chargers, short stops of ~40 kWh
 * (Ionity / Electrify America typical session).
 */
const EV_USAGE: Record<
  SiteType,
  Pick<EvChargersConfig, 'sessionsPerChargerPerDay' | 'meanSessionEnergyWh' | 'meanDwellHours'>
> = {
  home: { sessionsPerChargerPerDay: 0.8, meanSessionEnergyWh: 12_000, meanDwellHours: 10 },
  station: { sessionsPerChargerPerDay: 6, meanSessionEnergyWh: 40_000, meanDwellHours: 0.75 },
  pile: { sessionsPerChargerPerDay: 5, meanSessionEnergyWh: 30_000, meanDwellHours: 1.5 },
};

const fail = (path: string, reason: string): never => {
  throw new SchemaError(path, reason);
};

/**
 * Validate a parsed site file and build the site it describes on top of `defaultSite(type, zone)`.
 * Throws SchemaError naming the file's field and the reason; a broken zone folder throws DataError.
 */
export function parseSiteFile(json: unknown, dataDir = DATA_DIR): { zone: ZoneId; type: SiteType; site: SiteConfig } {
  const f = siteSchema(json, '');
  const zones = listZones(dataDir);
  if (!zones.includes(f.zone))
    fail('zone', `unknown zone ${JSON.stringify(f.zone)} (expected one of ${zones.join(', ')})`);
  const base = defaultSite(f.type, f.zone, dataDir);
  const pv0 = base.pv[0]!;
  // an orientation not given is the array type's default at the zone's latitude (a tracker's axis, not a fixed tilt)
  const orientation = defaultArrayOrientation(loadZoneYear(f.zone, 2023, dataDir).location.latDeg, f.pv.mounting);
  const site: SiteConfig = {
    ...base,
    pv: [
      {
        ...pv0,
        dcCapacityW: f.pv.kWp * 1000,
        mounting: f.pv.mounting,
        tiltDeg: f.pv.tiltDeg ?? orientation.tiltDeg,
        azimuthDeg: f.pv.azimuthDeg ?? orientation.azimuthDeg,
      },
    ],
  };
  delete site.battery;
  delete site.ev;
  delete site.gpu;
  // every default site has a battery and GPUs: their efficiencies, wear and power curves are the defaults here
  if (f.battery) {
    const b = f.battery;
    site.battery = { ...base.battery!, capacityWh: b.kWh * 1000, maxChargeW: b.kW * 1000, maxDischargeW: b.kW * 1000 };
  }
  if (f.evChargers) {
    const e = f.evChargers;
    const usage = base.ev ?? { ...EV_USAGE[f.type], unmetPenaltyUsdPerKwh: 5, seed: 20230101 };
    site.ev = {
      count: e.count,
      powerW: e.kW * 1000,
      sessionsPerChargerPerDay: e.sessionsPerChargerPerDay ?? usage.sessionsPerChargerPerDay,
      meanSessionEnergyWh: e.meanSessionKwh !== undefined ? e.meanSessionKwh * 1000 : usage.meanSessionEnergyWh,
      meanDwellHours: e.meanDwellHours ?? usage.meanDwellHours,
      chargePriceUsdPerKwh: e.priceUsdPerKwh ?? loadZone(f.zone, dataDir).evChargePriceUsdPerKwh,
      unmetPenaltyUsdPerKwh: usage.unmetPenaltyUsdPerKwh,
      seed: usage.seed,
    };
    const busy = site.ev.sessionsPerChargerPerDay * site.ev.meanDwellHours;
    if (busy >= 24) {
      fail('evChargers.sessionsPerChargerPerDay', `sessions x dwell hours must be < 24 h per charger-day, got ${busy}`);
    }
  }
  if (f.gpus) {
    const g = f.gpus;
    const d = base.gpu!;
    site.gpu = {
      ...d,
      count: g.count,
      busyW: g.busyW ?? d.busyW,
      idleW: g.idleW ?? d.idleW,
      pue: g.pue ?? d.pue,
      revenueUsdPerGpuHour: g.rentalUsdPerGpuHour ?? d.revenueUsdPerGpuHour,
      demandUtilization: g.utilisation ?? d.demandUtilization,
    };
    if (site.gpu.busyW < site.gpu.idleW) {
      fail(
        g.busyW !== undefined ? 'gpus.busyW' : 'gpus.idleW',
        `busy power (${site.gpu.busyW} W) must be >= idle power (${site.gpu.idleW} W)`,
      );
    }
  }
  if (f.baseLoad) {
    site.baseLoad = {
      meanW: (f.baseLoad.kwhPerYear * 1000) / 8760,
      profile: f.baseLoad.profile ?? base.baseLoad.profile,
    };
  }
  if (f.gridLimitKw !== undefined) site.gridLimitW = f.gridLimitKw * 1000;
  const g = site.gpu;
  const alwaysOnW = (g ? g.pue * g.count * g.idleW : 0) + site.baseLoad.meanW;
  if (alwaysOnW > site.gridLimitW) {
    fail(
      f.gridLimitKw !== undefined ? 'gridLimitKw' : 'gpus.count',
      `the grid limit (${site.gridLimitW / 1000} kW) must cover the always-on load (GPU idle x PUE + mean base load = ${Math.round(alwaysOnW) / 1000} kW)`,
    );
  }
  validateSite(site);
  return { zone: f.zone, type: f.type, site };
}
