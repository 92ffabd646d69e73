import { DATA_DIR, assertZone } from './data.ts';
import {
  commitStep,
  initialState,
  pushArrivals,
  runEnd,
  sessionsIn,
  type DispatchState,
  type RunEnd,
  type StepDecision,
  type StepRecord,
} from './dispatch.ts';
import type { EvSession } from './ev.ts';
import { followPlan } from './follow.ts';
import { gridEmissionsG, ruleEmissionsCap, withCredit } from './guard.ts';
import { buildSiteYear, forecastInputs, stepInputs, type SiteYear, type StepInputs } from './inputs.ts';
import { planLp } from './optimizer.ts';
import { ruleStep } from './rule.ts';
import type {
  Controller,
  HourlySeries,
  SimulateYearOptions,
  SiteConfig,
  YearResult,
  YearTotals,
  ZoneId,
} from './types.ts';
import { validateSite } from './validate.ts';

/** Rolling horizon: plan this many hours, commit the first COMMIT_HOURS, re-plan (on the forecaster's view or the actual series). */
export const PLAN_HOURS = 48;
export const COMMIT_HOURS = 24;

const siteYearCache = new Map<string, SiteYear>();
function siteYear(zone: ZoneId, site: SiteConfig, dataDir: string): SiteYear {
  const key = `${dataDir}|${zone}|${JSON.stringify(site)}`;
  let sy = siteYearCache.get(key);
  if (!sy) {
    sy = buildSiteYear(zone, site, 2023, dataDir);
    if (siteYearCache.size > 16) siteYearCache.clear();
    siteYearCache.set(key, sy);
  }
  return sy;
}

function controllerOk(c: unknown): asserts c is Controller {
  if (c !== 'optimizer' && c !== 'rule') throw new Error(`controller: must be 'optimizer' or 'rule', got ${String(c)}`);
}

/**
 * Simulate a (part of a) year of 2023 at hourly steps with the chosen controller. The optimizer plans
 * PLAN_HOURS ahead with HiGHS and commits COMMIT_HOURS; the rule controller decides hour by hour.
 */
export async function simulateYear(opts: SimulateYearOptions): Promise<YearResult> {
  const { zone, site, controller } = opts;
  const dataDir = opts.dataDir ?? DATA_DIR;
  assertZone(zone, dataDir);
  validateSite(site);
  controllerOk(controller);
  const sy = siteYear(zone, site, dataDir);
  const startHour = opts.startHour ?? 0;
  const hours = opts.hours ?? sy.hours - startHour;
  if (!Number.isInteger(startHour) || startHour < 0 || startHour >= sy.hours) {
    throw new Error(`startHour: must be an integer in [0, ${sy.hours}), got ${startHour}`);
  }
  if (!Number.isInteger(hours) || hours < 1 || startHour + hours > sy.hours) {
    throw new Error(`hours: must be an integer in [1, ${sy.hours - startHour}], got ${hours}`);
  }
  const guard = opts.emissionsGuard ?? true;
  const state = initialState(site);
  const records: StepRecord[] = [];
  let planMs = 0;
  let fallbacks = 0;
  // the guard's ledger: the rule-based controller run alongside on the actual hours from the same start, and its
  // grid emissions minus the optimizer's so far (a forecast error overspent in one block is paid back in the next)
  const shadow = controller === 'optimizer' && guard ? initialState(site) : null;
  let creditG = 0;
  let reserveG = 0;
  for (let block = 0; block < hours; block += COMMIT_HOURS) {
    const commit = Math.min(COMMIT_HOURS, hours - block);
    if (controller === 'optimizer') {
      // look ahead past the simulated span when the year allows it (the data exist), so the last
      // block is not planned as if the world ended
      const h0 = startHour + block;
      const horizon = Math.min(PLAN_HOURS, sy.hours - h0);
      const actual = stepInputs(sy, h0, horizon, 60);
      const t0 = actual.startUtcS[0] ?? 0;
      const sessions = sessionsIn(sy.evSessions, t0, t0 + horizon * 3600);
      const tp = performance.now();
      const planned = opts.forecaster
        ? forecastInputs(
            sy,
            actual,
            h0,
            opts.forecaster({
              zone,
              site,
              startUtcS: t0,
              hours: horizon,
              historyStartUtcS: sy.data.startUtcS,
              // only the past: a forecaster cannot read the hours it forecasts
              sitePvWh: sy.pvWh.subarray(0, h0),
            }),
          )
        : actual;
      const ruleCap = guard ? ruleEmissionsCap(site, planned, sessions, state, commit) : undefined;
      let plan = await planLp(
        site,
        planned,
        sessions,
        state,
        ruleCap && withCredit(ruleCap, Math.min(0, creditG - reserveG)),
      );
      // a debt this window cannot pay back: hold it to the rule's emissions, repay in later windows
      if (!plan && ruleCap && creditG < reserveG) plan = await planLp(site, planned, sessions, state, ruleCap);
      planMs += performance.now() - tp;
      // the shadow rule's block first, so that a plan on forecasts can be followed knowing the ledger step by step
      const ruleSteps: StepRecord[] = [];
      if (shadow)
        runSteps(site, actual, commit, sy, shadow, ruleSteps, (k, ss) => ruleStep(site, actual, k, ss, shadow));
      const blockStart = records.length;
      const behind = (k: number) =>
        shadow !== null &&
        creditG + gridEmissionsG(ruleSteps.slice(0, k)) - gridEmissionsG(records.slice(blockStart)) < reserveG;
      if (plan) {
        // a plan on forecasts meets the actual hours through followPlan; a perfect-foresight plan balances as it is
        const follow = opts.forecaster
          ? (k: number, ss: EvSession[]) =>
              followPlan(site, actual, k, plan.decisions[k] as StepDecision, ss, state, behind(k))
          : (k: number) => plan.decisions[k] as StepDecision;
        runSteps(site, actual, commit, sy, state, records, follow);
      } else {
        fallbacks++;
        runSteps(site, actual, commit, sy, state, records, (k, ss) => ruleStep(site, actual, k, ss, state));
      }
      if (shadow) {
        const deltaG = gridEmissionsG(ruleSteps) - gridEmissionsG(records.slice(blockStart));
        creditG += deltaG;
        reserveG = Math.max(reserveG, -deltaG);
      }
    } else {
      const inp = stepInputs(sy, startHour + block, commit, 60);
      const tp = performance.now();
      runSteps(site, inp, commit, sy, state, records, (k, sessions) => ruleStep(site, inp, k, sessions, state));
      planMs += performance.now() - tp;
    }
    opts.onProgress?.((block + commit) / hours);
  }
  return {
    ...buildYearResult(zone, site, controller, sy, records, 1, planMs, endOf(sy, state, records, 1), fallbacks),
    plannedOn: controller === 'optimizer' && opts.forecaster ? 'forecast' : 'actual',
    emissionsGuard: controller === 'optimizer' && guard,
  };
}

/** The run's open obligations after its last step (see `RunEnd`). */
function endOf(sy: SiteYear, state: DispatchState, steps: readonly StepRecord[], stepHours: number): RunEnd {
  const endUtcS = (steps[0]?.startUtcS ?? 0) + steps.length * stepHours * 3600;
  return runEnd(state, sessionsIn(sy.evSessions, endUtcS, endUtcS), endUtcS);
}

function runSteps(
  site: SiteConfig,
  inp: StepInputs,
  steps: number,
  sy: SiteYear,
  state: DispatchState,
  records: StepRecord[],
  decide: (k: number, sessions: ReturnType<typeof sessionsIn>) => StepDecision,
): void {
  for (let k = 0; k < steps; k++) {
    const t0 = inp.startUtcS[k] ?? 0;
    const sessions = sessionsIn(sy.evSessions, t0, t0 + inp.stepHours * 3600);
    const arrived = pushArrivals(state, site, inp, k);
    records.push(commitStep(site, inp, k, sessions, state, decide(k, sessions), arrived));
  }
}

export interface PlanWindowOptions {
  zone: ZoneId;
  site: SiteConfig;
  controller: Controller;
  /** First hour of the window within 2023 (0 = 2023-01-01T00:00Z). */
  startHour: number;
  /** Window length, hours (default 48). */
  hours?: number;
  /** Step length, minutes: 15, 30 or 60 (default 60). */
  stepMinutes?: number;
  /** Data directory holding grid/<zone>/ (default: the shipped data/). */
  dataDir?: string;
  /** Cap the plan's grid emissions at the rule-based controller's over the window (default true, see guard.ts). */
  emissionsGuard?: boolean;
}

export interface WindowResult {
  steps: StepRecord[];
  stepHours: number;
  /** Time spent deciding (LP build + solve, or the rule evaluation), ms. */
  planMs: number;
  /** HiGHS solve time only (0 for the rule), ms. */
  solveMs: number;
  /** Same accounting as a year, over the window. */
  result: YearResult;
}

/**
 * Plan one window from the site's initial state (single plan, no rolling) and execute it. With the
 * optimizer this is one LP over the whole window; used for the solve-time benchmark and tests.
 */
export async function planWindow(opts: PlanWindowOptions): Promise<WindowResult> {
  const { zone, site, controller } = opts;
  const dataDir = opts.dataDir ?? DATA_DIR;
  assertZone(zone, dataDir);
  validateSite(site);
  controllerOk(controller);
  const sy = siteYear(zone, site, dataDir);
  const hours = opts.hours ?? 48;
  const inp = stepInputs(sy, opts.startHour, hours, opts.stepMinutes ?? 60);
  const T = inp.startUtcS.length;
  const state = initialState(site);
  const records: StepRecord[] = [];
  const t0 = inp.startUtcS[0] ?? 0;
  let planMs: number;
  let solveMs = 0;
  let fallbacks = 0;
  if (controller === 'optimizer') {
    const tp = performance.now();
    const sessions = sessionsIn(sy.evSessions, t0, t0 + hours * 3600);
    const cap = (opts.emissionsGuard ?? true) ? ruleEmissionsCap(site, inp, sessions, state, T) : undefined;
    const plan = await planLp(site, inp, sessions, state, cap);
    planMs = performance.now() - tp;
    solveMs = plan?.solveMs ?? 0;
    if (plan) runSteps(site, inp, T, sy, state, records, (k) => plan.decisions[k] as StepDecision);
    else {
      fallbacks = 1;
      runSteps(site, inp, T, sy, state, records, (k, ss) => ruleStep(site, inp, k, ss, state));
    }
  } else {
    const tp = performance.now();
    runSteps(site, inp, T, sy, state, records, (k, sessions) => ruleStep(site, inp, k, sessions, state));
    planMs = performance.now() - tp;
  }
  return {
    steps: records,
    stepHours: inp.stepHours,
    planMs,
    solveMs,
    result: {
      ...buildYearResult(
        zone,
        site,
        controller,
        sy,
        records,
        inp.stepHours,
        planMs,
        endOf(sy, state, records, inp.stepHours),
        fallbacks,
      ),
      plannedOn: 'actual',
      emissionsGuard: controller === 'optimizer' && (opts.emissionsGuard ?? true),
    },
  };
}

// the 1e-9 guard keeps float noise (e.g. 2.0000000001) from moving an exact value; `+ 0` turns -0 into 0
const ceil = (x: number) => Math.ceil(x - 1e-9) + 0;
const floor = (x: number) => Math.floor(x + 1e-9) + 0;

/**
 * Aggregate committed steps to hours and compute the money/carbon totals. Rounding: energies to the
 * nearest Wh per hour; costs and emissions rounded up per hour (demand charge per month), revenues
 * rounded down per hour; totals are sums of the rounded hourly integers.
 * Every demand is accounted in full (demanded = served + unmet): what the run still owes at its end
 * (`end`: compute still queued, EV energy still owed to cars plugged in) is unmet by the run, shown
 * apart, and not penalised, since it is not late yet.
 */
export function buildYearResult(
  zone: ZoneId,
  site: SiteConfig,
  controller: Controller,
  sy: SiteYear,
  steps: readonly StepRecord[],
  stepHours: number,
  planTimeMs: number,
  end: RunEnd,
  guardFallbackBlocks = 0,
): Omit<YearResult, 'plannedOn' | 'emissionsGuard'> {
  const per = Math.round(1 / stepHours);
  const H = Math.ceil(steps.length / per);
  const hs: HourlySeries = {
    startUtcS: [],
    pvAvailableWh: [],
    pvCurtailedWh: [],
    baseLoadWh: [],
    gpuWh: [],
    gpuHours: [],
    evWh: [],
    batteryChargeWh: [],
    batteryDischargeWh: [],
    batterySocWh: [],
    gridImportWh: [],
    gridExportWh: [],
    importPriceUsdc6PerKwh: [],
    exportPriceUsdc6PerKwh: [],
    carbonGPerKwh: [],
    energyCostUsdc6: [],
    emissionsGCo2: [],
  };
  const tot: YearTotals = {
    pvAvailableWh: 0,
    pvCurtailedWh: 0,
    pvSelfConsumedWh: 0,
    baseLoadDemandWh: 0,
    baseLoadWh: 0,
    baseLoadUnservedWh: 0,
    gpuWh: 0,
    evWh: 0,
    batteryChargeWh: 0,
    batteryDischargeWh: 0,
    gridImportWh: 0,
    gridExportWh: 0,
    greenShare: 0,
    gpuHoursDemanded: 0,
    gpuHoursServed: 0,
    gpuHoursUnmet: 0,
    gpuHoursQueuedAtEnd: 0,
    evSessions: 0,
    evDemandWh: 0,
    evDeliveredWh: 0,
    evUnmetWh: 0,
    evOwedAtEndWh: 0,
    importCostUsdc6: 0,
    demandChargeUsdc6: 0,
    fixedChargeUsdc6: 0,
    degradationCostUsdc6: 0,
    carbonCostUsdc6: 0,
    penaltyUsdc6: 0,
    exportRevenueUsdc6: 0,
    computeRevenueUsdc6: 0,
    evRevenueUsdc6: 0,
    electricityBillUsdc6: 0,
    netCostUsdc6: 0,
    emissionsGCo2: 0,
    avoidedGCo2: 0,
    peakImportWByMonth: new Array<number>(12).fill(0),
  };
  const monthPeakW = new Map<number, number>();
  let consumption = 0;
  let pvSelf = 0;
  const deg = site.battery?.degradationUsdPerKwh ?? 0;
  const gpuRev = site.gpu?.revenueUsdPerGpuHour ?? 0;
  const gpuPen = site.gpu?.unmetPenaltyUsdPerGpuHour ?? 0;
  const evPrice = site.ev?.chargePriceUsdPerKwh ?? 0;
  const evPen = site.ev?.unmetPenaltyUsdPerKwh ?? 0;
  for (let h = 0; h < H; h++) {
    const group = steps.slice(h * per, h * per + per);
    const first = group[0];
    if (!first) break;
    const sum = (f: (r: StepRecord) => number) => group.reduce((s, r) => s + f(r), 0);
    const imp = sum((r) => r.importWh);
    const exp = sum((r) => r.exportWh);
    const pvAvail = sum((r) => r.pvAvailableWh);
    const pvUsed = sum((r) => r.pvUsedWh);
    const base = sum((r) => r.baseWh);
    const shed = sum((r) => r.shedWh);
    const gpuWh = sum((r) => r.gpuWh);
    const gpuH = sum((r) => r.gpuHours);
    const evWh = sum((r) => r.evWh);
    const ch = sum((r) => r.chargeWh);
    const dis = sum((r) => r.dischargeWh);
    const ci = first.carbonGPerKwh;
    // import/export costs at step resolution (prices are hourly, so this equals hour x price)
    const impUsd = sum((r) => (r.importWh / 1000) * r.importUsdPerKwh);
    const expUsd = sum((r) => (r.exportWh / 1000) * r.exportUsdPerKwh);
    const impCost = ceil(impUsd * 1e6);
    const expRev = floor(expUsd * 1e6);
    const emissions = ceil((imp / 1000) * ci);
    const selfUsed = Math.max(0, pvUsed - exp);
    hs.startUtcS.push(first.startUtcS);
    hs.pvAvailableWh.push(Math.round(pvAvail));
    hs.pvCurtailedWh.push(Math.round(pvAvail - pvUsed));
    // served = demand − shed, each rounded once, so the hour's demand splits exactly
    const baseDemand = Math.round(base);
    const baseShed = Math.round(shed);
    hs.baseLoadWh.push(baseDemand - baseShed);
    hs.gpuWh.push(Math.round(gpuWh));
    hs.gpuHours.push(gpuH);
    hs.evWh.push(Math.round(evWh));
    hs.batteryChargeWh.push(Math.round(ch));
    hs.batteryDischargeWh.push(Math.round(dis));
    hs.batterySocWh.push(Math.round(group[group.length - 1]?.socWh ?? 0));
    hs.gridImportWh.push(Math.round(imp));
    hs.gridExportWh.push(Math.round(exp));
    hs.importPriceUsdc6PerKwh.push(ceil(first.importUsdPerKwh * 1e6));
    hs.exportPriceUsdc6PerKwh.push(floor(first.exportUsdPerKwh * 1e6));
    hs.carbonGPerKwh.push(Math.round(ci));
    hs.energyCostUsdc6.push(impCost - expRev);
    hs.emissionsGCo2.push(emissions);

    tot.pvAvailableWh += Math.round(pvAvail);
    tot.pvCurtailedWh += Math.round(pvAvail - pvUsed);
    tot.baseLoadDemandWh += baseDemand;
    tot.baseLoadWh += baseDemand - baseShed;
    tot.baseLoadUnservedWh += baseShed;
    tot.gpuWh += Math.round(gpuWh);
    tot.evWh += Math.round(evWh);
    tot.batteryChargeWh += Math.round(ch);
    tot.batteryDischargeWh += Math.round(dis);
    tot.gridImportWh += Math.round(imp);
    tot.gridExportWh += Math.round(exp);
    tot.gpuHoursDemanded += sum((r) => r.gpuArrivedHours);
    tot.gpuHoursServed += gpuH;
    const gpuUnmet = sum((r) => r.gpuUnmetHours);
    const evUnmet = sum((r) => r.evUnmetWh);
    tot.gpuHoursUnmet += gpuUnmet;
    tot.evDeliveredWh += Math.round(evWh);
    tot.evUnmetWh += Math.round(evUnmet);
    tot.importCostUsdc6 += impCost;
    tot.exportRevenueUsdc6 += expRev;
    tot.degradationCostUsdc6 += ceil((dis / 1000) * deg * 1e6);
    tot.carbonCostUsdc6 += ceil(emissions * site.carbonPriceUsdPerTonne); // g x USD/t = micro-USD
    tot.penaltyUsdc6 += ceil((gpuUnmet * gpuPen + (evUnmet / 1000) * evPen + (shed / 1000) * 10) * 1e6);
    tot.computeRevenueUsdc6 += floor(gpuH * gpuRev * 1e6);
    tot.evRevenueUsdc6 += floor((evWh / 1000) * evPrice * 1e6);
    tot.emissionsGCo2 += emissions;
    tot.avoidedGCo2 += floor((selfUsed / 1000) * ci);
    consumption += base - shed + gpuWh + evWh;
    pvSelf += selfUsed;
    for (const r of group) {
      const p = r.importWh / stepHours;
      if (p > (monthPeakW.get(r.monthKey) ?? 0)) monthPeakW.set(r.monthKey, p);
    }
  }
  for (const [key, peakW] of monthPeakW) {
    tot.peakImportWByMonth[key % 12] = Math.max(tot.peakImportWByMonth[key % 12] ?? 0, Math.round(peakW));
    tot.demandChargeUsdc6 += ceil((peakW / 1000) * site.tariff.demandChargeUsdPerKwMonth * 1e6);
  }
  const simulatedHours = steps.length * stepHours;
  tot.fixedChargeUsdc6 = ceil(site.tariff.fixedUsdPerMonth * 12 * (simulatedHours / 8760) * 1e6);
  tot.pvSelfConsumedWh = Math.round(pvSelf);
  tot.gpuHoursQueuedAtEnd = end.gpuQueuedHours;
  tot.gpuHoursUnmet += end.gpuQueuedHours;
  tot.evOwedAtEndWh = Math.round(end.evOwedWh);
  tot.evUnmetWh += tot.evOwedAtEndWh;
  const served = sessionsServed(sy, steps, stepHours);
  tot.evSessions = served.length;
  tot.evDemandWh = Math.round(served.reduce((s, x) => s + x.energyWh, 0));
  tot.greenShare = consumption > 0 ? Math.max(0, Math.min(1, 1 - tot.gridImportWh / consumption)) : 0;
  tot.electricityBillUsdc6 =
    tot.importCostUsdc6 + tot.demandChargeUsdc6 + tot.fixedChargeUsdc6 - tot.exportRevenueUsdc6;
  tot.netCostUsdc6 =
    tot.electricityBillUsdc6 +
    tot.degradationCostUsdc6 +
    tot.carbonCostUsdc6 +
    tot.penaltyUsdc6 -
    tot.computeRevenueUsdc6 -
    tot.evRevenueUsdc6;
  const firstStart = steps[0]?.startUtcS ?? sy.data.startUtcS;
  return {
    zone,
    timeZone: sy.timeZone,
    siteType: site.type,
    controller,
    year: sy.data.year,
    firstHourSlot: Math.floor(firstStart / 3600),
    hours: H,
    hourly: hs,
    totals: tot,
    planTimeMs,
    guardFallbackBlocks,
  };
}

/** The EV sessions the run served: plugged in at some time during the simulated span. */
function sessionsServed(sy: SiteYear, steps: readonly StepRecord[], stepHours: number) {
  const t0 = steps[0]?.startUtcS ?? 0;
  return steps.length === 0 ? [] : sessionsIn(sy.evSessions, t0, t0 + steps.length * stepHours * 3600);
}
