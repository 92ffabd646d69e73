// The site optimizer's view of the world when it plans on forecasts instead of perfect foresight: each window's
// wholesale price, grid carbon and PV (and the GPU fleet's workload trace) as the day-ahead models saw them.
import type { Forecaster, ForecastRequest, HourlyForecast } from '@greenhour/energy';
import { InputError } from '@greenhour/errors';
import { HISTORY_HOURS_NEEDED, ISSUE_SECOND_OF_DAY } from './features.ts';
import { forecastDemandDayAhead, forecastZoneDayAhead } from './forecast.ts';
import {
  DEMAND_TRACES,
  loadSeries,
  zoneHistory2023,
  type DemandTrace,
  type LoadedSeries,
  type ZoneHistory,
} from './series.ts';
import { MODELS_DIR } from './shipped.ts';

const DAY_S = 86_400;
/** Days of history the site's PV is calibrated on against the reference array (the month before the plan). */
export const PV_CALIBRATION_DAYS = 28;

interface Day {
  priceUsdPerMwh: number[];
  carbonGPerKwh: number[];
  pvWhPerKwp: number[];
  demand: number[] | null;
}

/**
 * A `Forecaster` for `simulateYear` from the shipped day-ahead models. A plan starting at t sees, for each hour of
 * its window, the forecast of that hour's day if it was issued by t (12:00 UTC the day before), else the latest
 * issued day's forecast of the same hour of day: at 00:00 UTC a 48 h window knows its first day and repeats it for
 * the second, whose forecast comes out at noon. Site PV is the reference 1 kWp array's forecast times the ratio of
 * the site's measured PV to the reference array's over the 28 days before the plan (orientation and size in one
 * factor, from the past only). The workload trace of a GPU fleet is forecast when it is one of the modelled traces.
 * Days whose history is too short for the models (the first week of 2023) get their actuals, as the job keeper's
 * outlook does; the held-out quarter the benchmark runs never needs that.
 */
export function dayAheadSiteForecaster(modelsDir = MODELS_DIR): Forecaster {
  const traces = new Map<DemandTrace, LoadedSeries>();
  const days = new Map<string, Day>();
  const traceHistory = (trace: DemandTrace): LoadedSeries => {
    let s = traces.get(trace);
    if (s === undefined) traces.set(trace, (s = loadSeries({ kind: 'demand', trace })));
    return s;
  };
  const day = (zone: string, trace: DemandTrace | null, dayStartUtcS: number): Day => {
    const key = `${zone}|${trace ?? ''}|${dayStartUtcS}`;
    const hit = days.get(key);
    if (hit) return hit;
    const h = zoneHistory2023(zone);
    const issueUtcS = dayStartUtcS - DAY_S + ISSUE_SECOND_OF_DAY;
    const first = Math.round((dayStartUtcS - h.startUtcS) / 3600);
    const actual = (v: ArrayLike<number>) => Array.from({ length: 24 }, (_, k) => v[first + k] ?? 0);
    let d: Day;
    if (issueUtcS - h.startUtcS >= HISTORY_HOURS_NEEDED * 3600) {
      const f = forecastZoneDayAhead(zone, h, issueUtcS, modelsDir);
      d = {
        priceUsdPerMwh: f.priceUsdPerMwh,
        carbonGPerKwh: f.carbonLcaGPerKwh.map((c) => Math.max(0, c)),
        pvWhPerKwp: f.pvWhPerKwp.map((w) => Math.max(0, w)),
        demand: trace ? forecastDemandDayAhead(trace, traceHistory(trace).history, issueUtcS, modelsDir) : null,
      };
    } else {
      d = {
        priceUsdPerMwh: actual(h.priceUsdPerMwh),
        carbonGPerKwh: actual(h.carbonLcaGPerKwh),
        pvWhPerKwp: actual(h.pvWhPerKwp),
        demand: trace ? actual(traceHistory(trace).history.values) : null,
      };
    }
    days.set(key, d);
    return d;
  };

  return (req: ForecastRequest): HourlyForecast => {
    const { zone, site, startUtcS, hours } = req;
    if (!Number.isSafeInteger(startUtcS) || startUtcS % 3600 !== 0)
      throw new InputError('startUtcS', `must be a whole UTC hour in seconds, got ${startUtcS}`);
    if (!Number.isSafeInteger(hours) || hours < 1)
      throw new InputError('hours', `must be a positive integer, got ${hours}`);
    const h = zoneHistory2023(zone);
    const trace =
      site.gpu && (DEMAND_TRACES as readonly string[]).includes(site.gpu.demandTrace)
        ? (site.gpu.demandTrace as DemandTrace)
        : null;
    const latestDay = Math.floor((startUtcS + DAY_S - ISSUE_SECOND_OF_DAY) / DAY_S) * DAY_S;
    const pvFactor = sitePvFactor(req, h);
    const out: HourlyForecast = { wholesaleUsdPerMwh: [], carbonGPerKwh: [], pvWh: [] };
    const demand: number[] = [];
    for (let i = 0; i < hours; i++) {
      const t = startUtcS + i * 3600;
      const dayStart = Math.min(Math.floor(t / DAY_S) * DAY_S, latestDay);
      const hour = Math.floor((t % DAY_S) / 3600);
      const d = day(zone, trace, dayStart);
      out.wholesaleUsdPerMwh.push(d.priceUsdPerMwh[hour] ?? 0);
      out.carbonGPerKwh.push(d.carbonGPerKwh[hour] ?? 0);
      out.pvWh.push((d.pvWhPerKwp[hour] ?? 0) * pvFactor);
      if (d.demand) demand.push(Math.max(0, d.demand[hour] ?? 0));
    }
    if (trace) out.demandTrace = demand;
    return out;
  };
}

/**
 * Site PV per reference-array Wh: measured site PV over measured reference PV in the 28 days before the plan (only
 * hours the site's history holds, which `simulateYear` cuts at the plan's start). Before any history: the site's DC
 * kWp, the reference array being 1 kWp.
 */
function sitePvFactor(req: ForecastRequest, h: ZoneHistory): number {
  const to = Math.min(req.sitePvWh.length, Math.round((req.startUtcS - req.historyStartUtcS) / 3600));
  const from = Math.max(0, to - PV_CALIBRATION_DAYS * 24);
  const offset = Math.round((req.historyStartUtcS - h.startUtcS) / 3600);
  let site = 0;
  let ref = 0;
  for (let i = from; i < to; i++) {
    site += req.sitePvWh[i] ?? 0;
    ref += h.pvWhPerKwp[i + offset] ?? 0;
  }
  if (ref > 0) return site / ref;
  return req.site.pv.reduce((s, a) => s + a.dcCapacityW, 0) / 1000;
}
