// The default meter driver: a simulated site on the zone's real 2023 weather, built from @greenhour/energy's models.
//
// Per hour of the year (taken from the window time, so a 2026 window uses the same hour of 2023's weather):
//   PV       PVWatts chain (arrayPower) on the hour's cloud cover, temperature and wind, the zone's default array with
//            the node's pvWp;
//   EV       seeded sessions (generateEvSessions), each charging at full charger power from plug-in until served;
//   GPU      hourly demand share from the site's workload trace (gpuDemandArrivals); each GPU is busy in a window with
//            that probability, drawn from a PRNG seeded by (seed, window), so readings are reproducible;
//   base     the default site's mean non-flexible load, constant.
// Within the hour, hourly energies are split evenly across the windows, then rounded down to whole Wh. Dispatch is
// integer: PV first to the loads (GPU, EV, base), surplus charges the battery up to its power and headroom, the rest is
// exported; a deficit is met by the battery, then the grid; the reading's batterySocWh is the battery's energy at the
// window's end. The balance pv + import + discharge = export + charge + gpu +
// ev + base holds exactly, so every reading satisfies the EnergyBalance bound; the other bounds hold because each
// energy is clamped to its limit before dispatch.
import { keccak256, stringToHex } from 'viem';
import {
  arrayPower,
  batteryStep,
  defaultSite,
  generateEvSessions,
  gpuDemandArrivals,
  gpuFleetPowerW,
  irradianceFromCloudCover,
  loadWorkloadTrace,
  loadZoneYear,
  mulberry32,
  socBoundsWh,
  SITE_TYPES,
  listZones,
  loadZone,
  type BatteryConfig,
  type EvChargersConfig,
  type GpuFleetConfig,
  type PvArrayConfig,
  type SiteType,
  type ZoneId,
  type ZoneYearData,
} from '@greenhour/energy';
import { ZERO_HASH, type NodeLimits } from '@greenhour/telemetry';
import type { MeterDriver, WindowReading } from './meter.ts';

/** A node's registered spec, integer units. */
export interface SiteSpec {
  pvWp: number;
  batteryWh: number;
  chargerW: number;
  gpuCount: number;
  /** Board power of one GPU, W (the catalog's boardPowerW). */
  gpuBoardPowerW: number;
}

export interface SimulatedSiteOptions {
  siteType: SiteType;
  zone: ZoneId;
  spec: SiteSpec;
  /** PRNG seed of GPU busy draws and EV sessions (default 20230101). Use a per-device seed for distinct devices. */
  seed?: number;
}

/**
 * GPU draw as a share of board power. Idle: an H100 SXM (700 W) idles at ~70 W, an RTX 4090 (450 W) at ~20–30 W; 0.10
 * covers both. Busy: sustained training and inference average 80–95 % of the power limit (nvidia-smi traces); 0.90.
 */
export const GPU_IDLE_SHARE = 0.1;
export const GPU_BUSY_SHARE = 0.9;

/** EV usage assumptions per site type where the default site has no chargers (the pile's come from defaultSite). */
type EvUsage = Pick<EvChargersConfig, 'sessionsPerChargerPerDay' | 'meanSessionEnergyWh' | 'meanDwellHours'>;
const EV_USAGE: Record<Exclude<SiteType, 'pile'>, { perChargerW: number; usage: EvUsage }> = {
  // Highway-style 150 kW HPC chargers: short stops, ~40 kWh each (Ionity/Electrify America typical session).
  station: {
    perChargerW: 150_000,
    usage: { sessionsPerChargerPerDay: 6, meanSessionEnergyWh: 40_000, meanDwellHours: 0.75 },
  },
  // One home wallbox (all of chargerW): ~0.8 sessions a day of ~12 kWh (≈ 40 km of daily driving at 0.18 kWh/km plus
  // losses), parked overnight.
  home: {
    perChargerW: Infinity,
    usage: { sessionsPerChargerPerDay: 0.8, meanSessionEnergyWh: 12_000, meanDwellHours: 10 },
  },
};

interface HourInputs {
  /** PV AC energy of the hour, Wh. */
  pvWh: number;
  /** EV energy delivered in the hour, Wh. */
  evWh: number;
  /** Probability that a GPU is busy in a window of the hour, 0..1. */
  gpuBusyShare: number;
}

function checkSpec(spec: SiteSpec): void {
  for (const field of ['pvWp', 'batteryWh', 'chargerW', 'gpuCount', 'gpuBoardPowerW'] as const) {
    const v = spec[field];
    if (!Number.isSafeInteger(v) || v < 0) throw new Error(`spec: ${field} must be a non-negative integer, got ${v}`);
  }
  if (spec.gpuCount > 0 && spec.gpuBoardPowerW === 0) throw new Error('spec: gpuBoardPowerW must be > 0 with GPUs');
}

/** Simulated readings for one site; see the file comment for the model. Keeps the battery state of charge. */
export class SimulatedSiteDriver implements MeterDriver {
  readonly siteType: SiteType;
  readonly zone: ZoneId;
  readonly spec: Readonly<SiteSpec>;
  readonly seed: number;
  private readonly data: ZoneYearData;
  private readonly pvArray: PvArrayConfig;
  private readonly location: { latDeg: number; lonDeg: number; altitudeM: number; linkeTurbidity: number };
  private readonly battery: BatteryConfig | undefined;
  private readonly gpu: GpuFleetConfig;
  private readonly gpuBusyShare: Float64Array;
  private readonly evHourWh: Float64Array;
  private readonly baseW: number;
  private readonly hours = new Map<number, HourInputs>();
  private soc: number;

  constructor(opts: SimulatedSiteOptions) {
    if (!(SITE_TYPES as readonly string[]).includes(opts.siteType))
      throw new Error(`siteType: must be one of ${SITE_TYPES.join(', ')}, got ${String(opts.siteType)}`);
    const zones = listZones();
    if (!zones.includes(opts.zone))
      throw new Error(`zone: must be one of ${zones.join(', ')}, got ${String(opts.zone)}`);
    checkSpec(opts.spec);
    this.siteType = opts.siteType;
    this.zone = opts.zone;
    this.spec = { ...opts.spec };
    this.seed = (opts.seed ?? 20230101) >>> 0;
    const site = defaultSite(opts.siteType, opts.zone);
    this.data = loadZoneYear(opts.zone);
    const hours = this.data.cloudCoverPct.length;
    this.location = { ...this.data.location, linkeTurbidity: loadZone(opts.zone).linkeTurbidity };
    this.pvArray = { ...site.pv[0]!, dcCapacityW: opts.spec.pvWp };
    this.baseW = site.baseLoad.meanW;

    const b = site.battery;
    if (b && opts.spec.batteryWh > 0) {
      // The default site's C-rate (at most 1C), scaled to this battery.
      const cRate = Math.min(1, b.maxChargeW / b.capacityWh);
      this.battery = {
        ...b,
        capacityWh: opts.spec.batteryWh,
        maxChargeW: opts.spec.batteryWh * cRate,
        maxDischargeW: opts.spec.batteryWh * cRate,
      };
    }
    this.soc = this.battery ? this.battery.capacityWh * this.battery.initialSoc : 0;

    const g = site.gpu!;
    this.gpu = {
      ...g,
      count: opts.spec.gpuCount,
      idleW: GPU_IDLE_SHARE * opts.spec.gpuBoardPowerW,
      busyW: GPU_BUSY_SHARE * opts.spec.gpuBoardPowerW,
      pue: 1,
    };
    this.gpuBusyShare = new Float64Array(hours);
    if (opts.spec.gpuCount > 0) {
      const trace = g.demandTrace === 'flat' ? null : loadWorkloadTrace(g.demandTrace, hours);
      gpuDemandArrivals(this.gpu, trace, hours).forEach((gpuHours, i) => {
        this.gpuBusyShare[i] = Math.min(1, gpuHours / opts.spec.gpuCount);
      });
    }
    this.evHourWh = this.evHours(site.ev);
  }

  /** Battery energy stored now, Wh. */
  get socWh(): number {
    return this.soc;
  }

  /** The bounds of docs/TELEMETRY.md section 2 for this spec, with the GPU's own board power as the class maximum. */
  limits(): NodeLimits {
    const { pvWp, batteryWh, chargerW, gpuCount, gpuBoardPowerW } = this.spec;
    return { pvWp, batteryWh, chargerW, gpuPowerWMax: gpuBoardPowerW * gpuCount };
  }

  async read(windowStart: number, windowEnd: number): Promise<WindowReading> {
    return this.readSync(windowStart, windowEnd);
  }

  /** The reading for [windowStart, windowEnd), advancing the battery. Windows should come in time order. */
  readSync(windowStart: number, windowEnd: number): WindowReading {
    if (!Number.isSafeInteger(windowStart) || !Number.isSafeInteger(windowEnd) || windowEnd <= windowStart)
      throw new Error(`window: [${windowStart}, ${windowEnd}) is not a non-empty range of integer seconds`);
    const d = windowEnd - windowStart;
    const { pvWp, chargerW, gpuCount, gpuBoardPowerW } = this.spec;

    // Hourly energies split evenly over the window's share of each hour it touches.
    let pvF = 0;
    let evF = 0;
    for (let t = windowStart; t < windowEnd;) {
      const hourEnd = (Math.floor(t / 3600) + 1) * 3600;
      const segment = Math.min(windowEnd, hourEnd) - t;
      const h = this.hour(t);
      pvF += (h.pvWh * segment) / 3600;
      evF += (h.evWh * segment) / 3600;
      t += segment;
    }
    const rand = mulberry32(Math.imul(this.seed ^ 0x9e3779b9, 0x85ebca6b) ^ (windowStart >>> 0));
    rand();
    const share = this.hour(windowStart).gpuBusyShare;
    let busy = 0;
    for (let i = 0; i < gpuCount; i++) if (rand() < share) busy++;
    const gpuF = gpuCount > 0 ? (gpuFleetPowerW(this.gpu, busy) * d) / 3600 : 0;

    // Round down, clamp to the physical limits (float noise must never cross one), then dispatch in whole Wh.
    const cap = (x: number, limitW: number) => Math.min(Math.floor(x), Math.floor((limitW * d) / 3600));
    const pvWh = cap(pvF, pvWp);
    const evWh = cap(evF, chargerW);
    const gpuWh = cap(gpuF, gpuBoardPowerW * gpuCount);
    const baseWh = Math.floor((this.baseW * d) / 3600);
    const loadWh = gpuWh + evWh + baseWh;

    let batteryInWh = 0;
    let batteryOutWh = 0;
    let gridImportWh = 0;
    let gridExportWh = 0;
    const b = this.battery;
    if (pvWh >= loadWh) {
      const surplus = pvWh - loadWh;
      if (b) {
        const { maxWh } = socBoundsWh(b);
        const headroom = Math.max(0, Math.floor((maxWh - this.soc) / b.chargeEfficiency));
        batteryInWh = Math.min(surplus, Math.floor((b.maxChargeW * d) / 3600), headroom);
      }
      gridExportWh = surplus - batteryInWh;
    } else {
      const deficit = loadWh - pvWh;
      if (b) {
        const { minWh } = socBoundsWh(b);
        const available = Math.max(0, Math.floor((this.soc - minWh) * b.dischargeEfficiency));
        batteryOutWh = Math.min(deficit, Math.floor((b.maxDischargeW * d) / 3600), available);
      }
      gridImportWh = deficit - batteryOutWh;
    }
    if (b) this.soc = batteryStep(b, this.soc, batteryInWh, batteryOutWh, d / 3600);
    // The state of charge at the window's end, rounded down like every energy and never above the registered capacity
    // (the BatterySoc bound), whatever the float arithmetic of the step left.
    const batterySocWh = Math.max(0, Math.min(this.spec.batteryWh, Math.floor(this.soc)));

    return {
      pvWh,
      batteryInWh,
      batteryOutWh,
      batterySocWh,
      gridImportWh,
      gridExportWh,
      gpuWh,
      evWh,
      uptimeS: d,
      jobsHash: busy > 0 ? keccak256(stringToHex(`greenhour-sim:${this.seed}:${windowStart}:${busy}`)) : ZERO_HASH,
    };
  }

  /** Index into the data year of the hour containing t: the same hour of the year (Dec 31 of a leap year → Dec 30). */
  private hourIndex(t: number): number {
    const year = new Date(t * 1000).getUTCFullYear();
    const h = Math.floor((t - Date.UTC(year, 0, 1) / 1000) / 3600);
    const hours = this.data.cloudCoverPct.length;
    return h < hours ? h : h - 24;
  }

  private hour(t: number): HourInputs {
    const i = this.hourIndex(t);
    let h = this.hours.get(i);
    if (h) return h;
    const start = this.data.startUtcS + i * 3600;
    let pvWh = 0;
    if (this.pvArray.dcCapacityW > 0) {
      const { sun, irr } = irradianceFromCloudCover(start + 1800, this.location, this.data.cloudCoverPct[i] ?? 0);
      // Mean power over the hour at the hour's midpoint (hourly weather values are interval means) -> Wh.
      if (irr.ghi > 0)
        pvWh = arrayPower(this.pvArray, sun, irr, this.data.tAirC[i] ?? 20, this.data.windMs[i] ?? 1).acW;
    }
    h = { pvWh, evWh: this.evHourWh[i] ?? 0, gpuBusyShare: this.gpuBusyShare[i] ?? 0 };
    if (this.hours.size >= 4096) this.hours.clear();
    this.hours.set(i, h);
    return h;
  }

  /** EV energy per hour of the data year: every session charges at full power from plug-in until it is served. */
  private evHours(pileEv: EvChargersConfig | undefined): Float64Array {
    const hours = this.data.cloudCoverPct.length;
    const out = new Float64Array(hours);
    const { chargerW } = this.spec;
    if (chargerW === 0) return out;
    const pile = pileEv ?? defaultSite('pile', this.zone).ev!;
    let ev: EvChargersConfig;
    if (this.siteType === 'pile') {
      const count = Math.max(1, Math.round(chargerW / pile.powerW));
      ev = { ...pile, count, powerW: chargerW / count, seed: this.seed };
    } else {
      const { perChargerW, usage } = EV_USAGE[this.siteType];
      const count = Math.max(1, Math.round(chargerW / perChargerW));
      ev = { ...pile, ...usage, count, powerW: chargerW / count, seed: this.seed };
    }
    const start = this.data.startUtcS;
    const sessions = generateEvSessions(ev, start, start + hours * 3600, this.data.location.weatherUtcOffsetS / 3600);
    for (const s of sessions) {
      let t = s.arrivalUtcS;
      const end = t + (s.energyWh / ev.powerW) * 3600;
      while (t < end) {
        const i = Math.floor((t - start) / 3600);
        if (i >= hours) break;
        const next = Math.min(end, start + (i + 1) * 3600);
        out[i] = (out[i] ?? 0) + (ev.powerW * (next - t)) / 3600;
        t = next;
      }
    }
    return out;
  }
}
