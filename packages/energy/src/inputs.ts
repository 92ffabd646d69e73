import { loadWorkloadTrace, loadZoneYear, type ZoneYearData } from './data.ts';
import { generateEvSessions, type EvSession } from './ev.ts';
import { gpuArrivalsFromTrace, gpuDemandArrivals, traceMean } from './gpu.ts';
import { baseLoadWh } from './load.ts';
import { localClock, type LocalClock } from './localTime.ts';
import { arrayPower, irradianceFromCloudCover, pvHourlyAcWh } from './pv/pvSystem.ts';
import { hourlyPrices } from './tariff.ts';
import type { HourlyForecast, SiteConfig, ZoneId } from './types.ts';
import { DATA_DIR } from './data.ts';
import { loadZone } from './zones.ts';

/** Exogenous inputs of a planning window, one entry per step (energies per step, Wh). */
export interface StepInputs {
  stepHours: number;
  startUtcS: number[];
  pvWh: number[];
  baseWh: number[];
  importUsdPerKwh: number[];
  exportUsdPerKwh: number[];
  carbonGPerKwh: number[];
  /** Billing month key (local year*12+month) for the demand charge. */
  monthKey: number[];
  /** GPU-hours arriving at the start of the step (each due within deadlineHours). */
  gpuArrivals: number[];
}

/** Whole-year context of a zone + site: data, clock, sessions, hourly series (computed once). */
export interface SiteYear {
  zone: ZoneId;
  site: SiteConfig;
  data: ZoneYearData;
  /** The zone's IANA time zone and clear-sky turbidity (zone.json). */
  timeZone: string;
  linkeTurbidity: number;
  clock: LocalClock;
  hours: number;
  pvWh: Float64Array;
  baseWh: number[];
  importUsdPerKwh: number[];
  exportUsdPerKwh: number[];
  gpuArrivals: number[];
  /** The GPU fleet's workload trace (null: flat demand or no GPUs). */
  demandTrace: Float64Array | null;
  evSessions: EvSession[];
}

export function buildSiteYear(zone: ZoneId, site: SiteConfig, year = 2023, dataDir = DATA_DIR): SiteYear {
  const data = loadZoneYear(zone, year, dataDir);
  const info = loadZone(zone, dataDir);
  const hours = data.priceUsdPerMwh.length;
  const clock = localClock(info.timeZone, data.startUtcS, hours);
  const loc = { ...data.location, linkeTurbidity: info.linkeTurbidity };
  const pvWh = new Float64Array(hours);
  if (site.pv.some((a) => a.dcCapacityW > 0)) {
    // one time series, so the PVWatts cell temperature carries its heat from hour to hour as PVWatts does
    const starts = Array.from({ length: hours }, (_, i) => data.startUtcS + i * 3600);
    const weather = starts.map((_, i) => ({
      cloudCoverPct: data.cloudCoverPct[i] ?? 0,
      tAirC: data.tAirC[i] ?? 20,
      windMs: data.windMs[i] ?? 1,
    }));
    pvWh.set(pvHourlyAcWh(site.pv, loc, starts, weather));
  }
  const prices = hourlyPrices(site.tariff, data.priceUsdPerMwh, clock, 0, hours);
  const trace = site.gpu && site.gpu.demandTrace !== 'flat' ? loadWorkloadTrace(site.gpu.demandTrace, hours) : null;
  return {
    zone,
    site,
    data,
    timeZone: info.timeZone,
    linkeTurbidity: info.linkeTurbidity,
    clock,
    hours,
    pvWh,
    baseWh: baseLoadWh(site.baseLoad, clock, 0, hours),
    importUsdPerKwh: prices.importUsdPerKwh,
    exportUsdPerKwh: prices.exportUsdPerKwh,
    gpuArrivals: site.gpu ? gpuDemandArrivals(site.gpu, trace, hours) : new Array<number>(hours).fill(0),
    demandTrace: site.gpu ? trace : null,
    evSessions:
      site.ev && site.ev.count > 0
        ? generateEvSessions(
            site.ev,
            data.startUtcS,
            data.startUtcS + hours * 3600,
            data.location.weatherUtcOffsetS / 3600,
          )
        : [],
  };
}

/** PV AC energy of all arrays over [t, t + durS), evaluated at the interval midpoint, Wh. */
function pvStepWh(
  site: SiteConfig,
  loc: { latDeg: number; lonDeg: number; altitudeM: number; linkeTurbidity: number },
  data: ZoneYearData,
  t: number,
  durS: number,
): number {
  const h = Math.min(data.cloudCoverPct.length - 1, Math.max(0, Math.floor((t - data.startUtcS) / 3600)));
  const { sun, irr } = irradianceFromCloudCover(t + durS / 2, loc, data.cloudCoverPct[h] ?? 0);
  if (irr.ghi <= 0) return 0;
  let w = 0;
  for (const a of site.pv) w += arrayPower(a, sun, irr, data.tAirC[h] ?? 20, data.windMs[h] ?? 1).acW;
  return (w * durS) / 3600;
}

/**
 * Step inputs for hours [startHour, startHour + hours) of the year at `stepMinutes` resolution
 * (60, 30 or 15). Sub-hourly PV is evaluated at each step's midpoint with the hour's weather;
 * prices, carbon and base load are hourly (piecewise constant).
 */
export function stepInputs(sy: SiteYear, startHour: number, hours: number, stepMinutes: number): StepInputs {
  if (![15, 30, 60].includes(stepMinutes)) throw new Error(`stepMinutes: must be 15, 30 or 60, got ${stepMinutes}`);
  if (startHour < 0 || startHour + hours > sy.hours) {
    throw new Error(`window: hours [${startHour}, ${startHour + hours}) outside the year (0..${sy.hours})`);
  }
  const per = 60 / stepMinutes;
  const dt = stepMinutes / 60;
  const loc = { ...sy.data.location, linkeTurbidity: sy.linkeTurbidity };
  const out: StepInputs = {
    stepHours: dt,
    startUtcS: [],
    pvWh: [],
    baseWh: [],
    importUsdPerKwh: [],
    exportUsdPerKwh: [],
    carbonGPerKwh: [],
    monthKey: [],
    gpuArrivals: [],
  };
  for (let h = startHour; h < startHour + hours; h++) {
    for (let k = 0; k < per; k++) {
      const t = sy.data.startUtcS + h * 3600 + k * stepMinutes * 60;
      out.startUtcS.push(t);
      out.pvWh.push(per === 1 ? (sy.pvWh[h] ?? 0) : pvStepWh(sy.site, loc, sy.data, t, stepMinutes * 60));
      out.baseWh.push((sy.baseWh[h] ?? 0) * dt);
      out.importUsdPerKwh.push(sy.importUsdPerKwh[h] ?? 0);
      out.exportUsdPerKwh.push(sy.exportUsdPerKwh[h] ?? 0);
      out.carbonGPerKwh.push(sy.data.carbonLcaGPerKwh[h] ?? 0);
      out.monthKey.push(sy.data.year * 12 + (sy.clock.month[h] ?? 0));
      out.gpuArrivals.push(k === 0 ? (sy.gpuArrivals[h] ?? 0) : 0);
    }
  }
  return out;
}

/**
 * The inputs a controller plans on when it sees `forecast` instead of the actual hours of `actual` (hourly steps
 * starting at `startHour`): prices through the site's tariff from the forecast wholesale price, the forecast carbon and
 * PV, and arrivals from the forecast workload trace; base load, clock and billing months are the actual ones (they
 * are known in advance). Throws naming the field when the forecast is not `hours` finite values (PV, trace >= 0).
 */
export function forecastInputs(
  sy: SiteYear,
  actual: StepInputs,
  startHour: number,
  forecast: HourlyForecast,
): StepInputs {
  const hours = actual.startUtcS.length;
  if (actual.stepHours !== 1) throw new Error(`forecastInputs: hourly steps only, got ${actual.stepHours} h`);
  const series = (name: keyof HourlyForecast, min: number): number[] => {
    const v = forecast[name];
    if (!Array.isArray(v) || v.length !== hours)
      throw new Error(`forecast.${name}: must be an array of ${hours} hourly values`);
    v.forEach((x, i) => {
      if (typeof x !== 'number' || !Number.isFinite(x) || x < min)
        throw new Error(
          `forecast.${name}[${i}]: must be a finite number${min > -Infinity ? ` >= ${min}` : ''}, got ${x}`,
        );
    });
    return v;
  };
  const wholesale = series('wholesaleUsdPerMwh', -Infinity);
  const carbon = series('carbonGPerKwh', 0);
  const pv = series('pvWh', 0);
  const byHour = new Float64Array(startHour + hours);
  byHour.set(wholesale, startHour);
  const prices = hourlyPrices(sy.site.tariff, byHour, sy.clock, startHour, hours);
  let gpuArrivals = actual.gpuArrivals;
  if (forecast.demandTrace !== undefined && sy.site.gpu && sy.demandTrace) {
    gpuArrivals = gpuArrivalsFromTrace(sy.site.gpu, series('demandTrace', 0), traceMean(sy.demandTrace));
  }
  return {
    ...actual,
    pvWh: pv,
    importUsdPerKwh: prices.importUsdPerKwh,
    exportUsdPerKwh: prices.exportUsdPerKwh,
    carbonGPerKwh: carbon,
    gpuArrivals,
  };
}
