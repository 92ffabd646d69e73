// Following a plan made on forecasts: the battery, compute and EV setpoints are the plan's, the grid takes what the
// actual PV and base load leave over, as a site controller that publishes setpoints to its inverter does (EMHASS's
// model). With perfect foresight the plan already balances and is committed as it is.
import { batteryHeadroom, evRemaining, type DispatchState, type StepDecision } from './dispatch.ts';
import { overlapHours, type EvSession } from './ev.ts';
import { gpuMarginalWhPerGpuHour } from './gpu.ts';
import type { StepInputs } from './inputs.ts';
import type { SiteConfig } from './types.ts';

/**
 * The decision to commit at step k of the actual inputs `inp` for the plan's decision `d`. Compute that could not
 * meet its deadline on the whole fleet unless it runs now is served even if the plan (on a demand forecast) left it out. A deficit the plan did not foresee is not met from the grid: battery charging is cut back, then the battery discharges, as far as
 * the plan's own import allows. A surplus the plan
 * did not foresee first spares the battery (less discharge, then charging within its headroom), then is exported at
 * a non-negative export price, else curtailed. An import above the plan's and the month's peak so far is covered by
 * the battery, then by deferring compute that can wait. Above the grid limit, battery charging, then compute, then EV
 * charging a car can still catch up on are cut back before base load is shed. While the emissions guard's ledger is
 * behind the rule-based controller (`behindRule`), the battery covers any import it can, as the rule's would, and
 * compute that can wait waits.
 */
export function followPlan(
  site: SiteConfig,
  inp: StepInputs,
  k: number,
  d: StepDecision,
  sessions: readonly EvSession[],
  state: DispatchState,
  behindRule = false,
): StepDecision {
  const dt = inp.stepHours;
  const t1 = (inp.startUtcS[k] ?? 0) + dt * 3600;
  const pv = inp.pvWh[k] ?? 0;
  const base = inp.baseWh[k] ?? 0;
  const g = site.gpu;
  const queued = state.gpuQueue.reduce((s, c) => s + c.remaining, 0);
  let gpuHours = g ? Math.min(g.count * dt, queued, Math.max(d.gpuHours, mustServeNow(state, g.count, t1))) : 0;
  const gpuMarg = g ? gpuMarginalWhPerGpuHour(g) : 0;
  const gpuIdle = g ? g.pue * g.count * g.idleW * dt : 0;
  const head = batteryHeadroom(site, state.socWh, dt);
  let chargeWh = Math.min(d.chargeWh, head.chargeWh);
  let dischargeWh = Math.min(d.dischargeWh, head.dischargeWh);
  // each car gets at least what it can no longer get after this step at the charger's power
  const evWh = new Map(d.evWh);
  const evMust = new Map<number, number>();
  const t0 = inp.startUtcS[k] ?? 0;
  for (const s of sessions) {
    const powerW = site.ev?.powerW ?? 0;
    const owed = evRemaining(state, s);
    const cap = Math.min(owed, powerW * overlapHours(s.arrivalUtcS, s.departureUtcS, t0, t1));
    const must = Math.min(cap, Math.max(0, owed - powerW * Math.max(0, (s.departureUtcS - t1) / 3600)));
    if (must > 0) evMust.set(s.id, must);
    const e = Math.min(cap, Math.max(evWh.get(s.id) ?? 0, must));
    if (e > 0) evWh.set(s.id, e);
    else evWh.delete(s.id);
  }
  let ev = [...evWh.values()].reduce((s, e) => s + e, 0);
  let shedWh = 0;
  const lim = site.gridLimitW * dt;
  const deficit = () => base - shedWh + gpuIdle + gpuHours * gpuMarg + ev + chargeWh - pv - dischargeWh;
  let unplanned = deficit() - Math.max(0, d.importWh);
  if (unplanned > 0) {
    const cut = Math.min(chargeWh, unplanned);
    chargeWh -= cut;
    unplanned -= cut;
    // what the plan meant to cover without the grid, the battery covers as far as it can
    if (unplanned > 0) dischargeWh += Math.max(0, Math.min(head.dischargeWh - dischargeWh, unplanned));
  }
  let over = deficit() - lim;
  if (over > 0) {
    const cut = Math.min(chargeWh, over);
    chargeWh -= cut;
    over -= cut;
  }
  if (over > 0 && gpuMarg > 0) {
    const cut = Math.min(gpuHours, over / gpuMarg);
    gpuHours -= cut;
    over -= cut * gpuMarg;
  }
  for (const [id, e] of evWh) {
    if (over <= 0) break;
    const cut = Math.min(over, e - (evMust.get(id) ?? 0));
    if (cut <= 0) continue;
    evWh.set(id, e - cut);
    ev -= cut;
    over -= cut;
  }
  if (over > 0) shedWh = Math.min(base, over);
  // the battery's net flow only: the bus sees charge - discharge either way, and both at once only loses energy
  const decision = (pvUsedWh: number, importWh: number, exportWh: number): StepDecision => {
    const bus = chargeWh - dischargeWh;
    const flows = { chargeWh: Math.max(0, bus), dischargeWh: Math.max(0, -bus) };
    return { pvUsedWh, importWh, exportWh, ...flows, gpuHours, evWh, shedWh };
  };
  let net = deficit();
  // an import above both the plan's and this month's peak so far sets a new demand charge: the battery covers it,
  // then compute that can wait waits
  const peakWh = Math.max(d.importWh, (state.monthPeakW.get(inp.monthKey[k] ?? 0) ?? 0) * dt);
  if (net > peakWh) {
    const more = Math.min(head.dischargeWh - dischargeWh, net - peakWh);
    if (more > 0) dischargeWh += more;
    net = deficit();
    if (net > peakWh && g && gpuMarg > 0) {
      const floor = Math.min(gpuHours, mustServeNow(state, g.count, t1));
      gpuHours -= Math.min(gpuHours - floor, (net - peakWh) / gpuMarg);
      net = deficit();
    }
  }
  if (behindRule && net > 0) {
    // the emissions guard's ledger is behind the rule-based controller: import only what the battery
    // and deferring compute that can wait cannot cover
    dischargeWh += Math.max(0, Math.min(head.dischargeWh - dischargeWh, net));
    net = deficit();
    if (net > 0 && g && gpuMarg > 0) {
      const floor = Math.min(gpuHours, mustServeNow(state, g.count, t1));
      gpuHours -= Math.min(gpuHours - floor, net / gpuMarg);
      net = deficit();
    }
  }
  if (net >= 0) return decision(pv, net, 0);
  let extra = -net - Math.max(0, d.exportWh);
  if (extra > 0) {
    const spare = Math.min(dischargeWh, extra);
    dischargeWh -= spare;
    extra -= spare;
    const store = Math.max(0, Math.min(head.chargeWh - chargeWh, extra));
    chargeWh += store;
  }
  net = deficit();
  if (net >= 0) return decision(pv, net, 0);
  const surplus = -net;
  const exportWh = (inp.exportUsdPerKwh[k] ?? 0) >= 0 ? Math.min(surplus, lim) : 0;
  let curtailWh = Math.min(pv, surplus - exportWh);
  // what neither export nor curtailment can take came from the battery: discharge less
  const left = surplus - exportWh - curtailWh;
  if (left > 0) dischargeWh -= Math.min(dischargeWh, left);
  curtailWh = Math.max(0, curtailWh);
  return decision(pv - curtailWh, 0, exportWh);
}

/** GPU-hours that must run in the step ending at t1 for every queued cohort (EDF order) to meet its deadline. */
function mustServeNow(state: DispatchState, fleet: number, t1: number): number {
  let queued = 0;
  let must = 0;
  for (const c of state.gpuQueue) {
    queued += c.remaining;
    must = Math.max(must, queued - fleet * Math.max(0, (c.deadlineUtcS - t1) / 3600));
  }
  return must;
}
