// A realistic demo fleet: Greenhour's three site types across the five zones we have energy data for.
// All specs are integers in the unit named by the field (Wp, Wh, W).

import type { SiteType, ZoneId } from '@greenhour/energy';
import { encodeGeohash } from './geohash.ts';
import { getGpuSpec } from './gpus.ts';
import { ZONE_AREAS, type DemoZoneId, type Zone } from './zones.ts';

export type { SiteType, ZoneId };
export { ZONE_AREAS, type DemoZoneId, type Zone };

export interface FleetDevice {
  readonly id: string;
  readonly siteType: SiteType;
  readonly zone: ZoneId;
  readonly latDeg: number;
  readonly lonDeg: number;
  /** Geohash of (latDeg, lonDeg), `GEOHASH_PRECISION` characters (~5 m cell). */
  readonly geohash: string;
  readonly pvWp: number;
  readonly batteryWh: number;
  /** Total EV charger capacity; 0 when the site has none. */
  readonly chargerW: number;
  /** Catalog GPU model name. */
  readonly gpuModel: string;
  readonly gpuCount: number;
}

export const GEOHASH_PRECISION = 9;

interface Range {
  readonly min: number;
  readonly max: number;
}

/**
 * Plausible spec envelope per site type (integer units). Wide on purpose: it exists to catch unit slips
 * (kWh typed as Wh, kWp as Wp) and a device filed under the wrong site type, not to forbid unusual sites.
 */
export const SITE_ENVELOPES: Readonly<
  Record<SiteType, { pvWp: Range; batteryWh: Range; chargerW: Range; gpuCount: Range }>
> = Object.freeze({
  // 2B green energy station: hundreds of kWp, MWh-scale storage, a rack of data-centre GPUs.
  station: {
    pvWp: { min: 100_000, max: 5_000_000 },
    batteryWh: { min: 500_000, max: 20_000_000 },
    chargerW: { min: 0, max: 2_000_000 },
    gpuCount: { min: 1, max: 64 },
  },
  // 2B EV charging + storage pile: tens of kWp, ~100-200 kWh, DC chargers of 60-150 kW, a few edge GPUs.
  pile: {
    pvWp: { min: 10_000, max: 150_000 },
    batteryWh: { min: 50_000, max: 400_000 },
    chargerW: { min: 50_000, max: 400_000 },
    gpuCount: { min: 1, max: 8 },
  },
  // 2C smart home: rooftop PV, one home battery, an optional AC wallbox, one consumer GPU.
  home: {
    pvWp: { min: 2_000, max: 20_000 },
    batteryWh: { min: 0, max: 30_000 },
    chargerW: { min: 0, max: 22_000 },
    gpuCount: { min: 1, max: 2 },
  },
});

function checkRange(where: string, field: string, value: number, range: Range): void {
  if (!Number.isSafeInteger(value)) throw new Error(`${where}: ${field} must be an integer, got ${value}`);
  if (value < range.min || value > range.max) {
    throw new Error(`${where}: ${field} ${value} is outside the plausible range [${range.min}, ${range.max}]`);
  }
}

/** Validate one device; errors name the device, the field and the reason. */
export function validateDevice(d: FleetDevice): void {
  const where = `device "${d.id}"`;
  if (typeof d.id !== 'string' || d.id.length === 0) throw new Error('device: id must be a non-empty string');
  const envelope = SITE_ENVELOPES[d.siteType];
  if (!envelope) throw new Error(`${where}: siteType must be station, pile or home, got ${String(d.siteType)}`);
  const zone = (ZONE_AREAS as Readonly<Record<string, Zone | undefined>>)[d.zone];
  if (!zone)
    throw new Error(`${where}: zone must be one of ${Object.keys(ZONE_AREAS).join(', ')}, got ${String(d.zone)}`);
  const { latMin, latMax, lonMin, lonMax } = zone.bbox;
  if (!(d.latDeg >= latMin && d.latDeg <= latMax && d.lonDeg >= lonMin && d.lonDeg <= lonMax)) {
    throw new Error(`${where}: latDeg/lonDeg (${d.latDeg}, ${d.lonDeg}) is outside zone ${d.zone}`);
  }
  const expected = encodeGeohash(d.latDeg, d.lonDeg, GEOHASH_PRECISION);
  if (d.geohash !== expected)
    throw new Error(`${where}: geohash "${d.geohash}" does not match coordinates (${expected})`);
  checkRange(where, 'pvWp', d.pvWp, envelope.pvWp);
  checkRange(where, 'batteryWh', d.batteryWh, envelope.batteryWh);
  checkRange(where, 'chargerW', d.chargerW, envelope.chargerW);
  checkRange(where, 'gpuCount', d.gpuCount, envelope.gpuCount);
  try {
    getGpuSpec(d.gpuModel);
  } catch (e) {
    throw new Error(`${where}: ${(e as Error).message}`);
  }
}

type DeviceDraft = Omit<FleetDevice, 'geohash'>;

function site(d: DeviceDraft): FleetDevice {
  const device = Object.freeze({ ...d, geohash: encodeGeohash(d.latDeg, d.lonDeg, GEOHASH_PRECISION) });
  validateDevice(device);
  return device;
}

export const DEMO_FLEET: readonly FleetDevice[] = Object.freeze([
  // ---- stations: rack of 8 data-centre GPUs (~6 kW GPU + host load) on hundreds of kWp ----
  site({
    id: 'sg-station-tuas',
    siteType: 'station',
    zone: 'SG',
    latDeg: 1.32,
    lonDeg: 103.65,
    pvWp: 600_000, // warehouse-roof PV; land is scarce in SG
    batteryWh: 2_000_000,
    chargerW: 0,
    gpuModel: 'NVIDIA H100 SXM',
    gpuCount: 8,
  }),
  site({
    id: 'inwe-station-charanka',
    siteType: 'station',
    zone: 'IN-WE',
    latDeg: 23.9,
    lonDeg: 71.2, // Charanka solar park, Gujarat
    pvWp: 900_000,
    batteryWh: 3_000_000,
    chargerW: 0,
    gpuModel: 'NVIDIA L40S',
    gpuCount: 8,
  }),
  site({
    id: 'delu-station-brandenburg',
    siteType: 'station',
    zone: 'DE-LU',
    latDeg: 52.4,
    lonDeg: 13.07,
    pvWp: 750_000,
    batteryWh: 1_500_000,
    chargerW: 300_000, // two 150 kW HPC chargers on site
    gpuModel: 'NVIDIA A100 SXM 80GB',
    gpuCount: 8,
  }),
  site({
    id: 'uscal-station-lancaster',
    siteType: 'station',
    zone: 'US-CAL-CISO',
    latDeg: 34.69,
    lonDeg: -118.15, // Antelope Valley
    pvWp: 1_200_000,
    batteryWh: 4_800_000, // 4 h of PV peak, typical of CAISO solar+storage
    chargerW: 0,
    gpuModel: 'AMD Instinct MI300X',
    gpuCount: 8,
  }),
  // ---- piles: DC fast charging + storage, a few inference GPUs ----
  site({
    id: 'jptk-pile-koto',
    siteType: 'pile',
    zone: 'JP-TK',
    latDeg: 35.67,
    lonDeg: 139.82,
    pvWp: 40_000,
    batteryWh: 150_000,
    chargerW: 150_000,
    gpuModel: 'NVIDIA L4',
    gpuCount: 2,
  }),
  site({
    id: 'inwe-pile-pune',
    siteType: 'pile',
    zone: 'IN-WE',
    latDeg: 18.52,
    lonDeg: 73.86,
    pvWp: 25_000,
    batteryWh: 120_000,
    chargerW: 60_000,
    gpuModel: 'NVIDIA Jetson AGX Orin 64GB',
    gpuCount: 2,
  }),
  site({
    id: 'delu-pile-munich',
    siteType: 'pile',
    zone: 'DE-LU',
    latDeg: 48.14,
    lonDeg: 11.58,
    pvWp: 30_000,
    batteryWh: 100_000,
    chargerW: 60_000,
    gpuModel: 'NVIDIA A10',
    gpuCount: 1,
  }),
  site({
    id: 'uscal-pile-sanjose',
    siteType: 'pile',
    zone: 'US-CAL-CISO',
    latDeg: 37.34,
    lonDeg: -121.89,
    pvWp: 60_000,
    batteryWh: 200_000,
    chargerW: 150_000,
    gpuModel: 'NVIDIA L4',
    gpuCount: 4,
  }),
  // ---- homes: rooftop PV, home battery, optional wallbox, one consumer GPU ----
  site({
    id: 'sg-home-bukittimah',
    siteType: 'home',
    zone: 'SG',
    latDeg: 1.33,
    lonDeg: 103.79,
    pvWp: 6_000,
    batteryWh: 10_000,
    chargerW: 7_400, // 32 A single-phase
    gpuModel: 'NVIDIA GeForce RTX 3090',
    gpuCount: 1,
  }),
  site({
    id: 'jptk-home-setagaya',
    siteType: 'home',
    zone: 'JP-TK',
    latDeg: 35.646,
    lonDeg: 139.653,
    pvWp: 5_500,
    batteryWh: 12_000,
    chargerW: 0, // no car
    gpuModel: 'NVIDIA GeForce RTX 4070',
    gpuCount: 1,
  }),
  site({
    id: 'delu-home-freiburg',
    siteType: 'home',
    zone: 'DE-LU',
    latDeg: 47.999,
    lonDeg: 7.842,
    pvWp: 9_800,
    batteryWh: 10_000,
    chargerW: 11_000, // 16 A three-phase
    gpuModel: 'NVIDIA GeForce RTX 4090',
    gpuCount: 1,
  }),
  site({
    id: 'uscal-home-fresno',
    siteType: 'home',
    zone: 'US-CAL-CISO',
    latDeg: 36.74,
    lonDeg: -119.79,
    pvWp: 8_000,
    batteryWh: 13_500, // one Powerwall 2
    chargerW: 9_600, // 40 A at 240 V
    gpuModel: 'NVIDIA GeForce RTX 4080',
    gpuCount: 1,
  }),
]);
