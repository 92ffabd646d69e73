// Shared dispatch machinery: controller state, the per-step decision record, and `commitStep`, which
// applies a decision physically (limits checked, SoC updated, compute queue and EV sessions advanced).
// Both controllers go through commitStep, so their results are accounted identically.
import { batteryStep, socBoundsWh } from './battery.ts';
import type { EvSession } from './ev.ts';
import { overlapHours } from './ev.ts';
import { gpuMarginalWhPerGpuHour } from './gpu.ts';
import type { StepInputs } from './inputs.ts';
import type { SiteConfig } from './types.ts';

export interface GpuCohort {
  /** GPU-hours still to serve. */
  remaining: number;
  /** Must be served before this time (UTC s). */
  deadlineUtcS: number;
}

export interface DispatchState {
  socWh: number;
  /** Compute demand that has arrived and is not yet served or expired, earliest deadline first. */
  gpuQueue: GpuCohort[];
  /** Energy still owed to EV sessions seen so far, by session id. */
  evRemainingWh: Map<number, number>;
  /** Highest hourly-average import so far in each billing month, W. */
  monthPeakW: Map<number, number>;
}

export interface StepDecision {
  pvUsedWh: number;
  importWh: number;
  exportWh: number;
  chargeWh: number;
  dischargeWh: number;
  gpuHours: number;
  /** EV energy by session id, Wh. */
  evWh: Map<number, number>;
  /** Base load not served (only if the grid limit makes it unavoidable), Wh. */
  shedWh: number;
}

/** What actually happened in one committed step (Wh, GPU-h). */
export interface StepRecord {
  startUtcS: number;
  pvAvailableWh: number;
  pvUsedWh: number;
  baseWh: number;
  shedWh: number;
  gpuHours: number;
  gpuWh: number;
  evWh: number;
  chargeWh: number;
  dischargeWh: number;
  socWh: number;
  importWh: number;
  exportWh: number;
  importUsdPerKwh: number;
  exportUsdPerKwh: number;
  carbonGPerKwh: number;
  monthKey: number;
  gpuArrivedHours: number;
  gpuUnmetHours: number;
  evUnmetWh: number;
}

export function initialState(site: SiteConfig): DispatchState {
  return {
    socWh: site.battery ? site.battery.capacityWh * site.battery.initialSoc : 0,
    gpuQueue: [],
    evRemainingWh: new Map(),
    monthPeakW: new Map(),
  };
}

/** Sessions present during [t0, t1) (arrived before t1, departing after t0). Input sorted by arrival. */
export function sessionsIn(sessions: readonly EvSession[], t0: number, t1: number): EvSession[] {
  // binary search for the first arrival >= t0 - 2 days (no session dwells longer than that)
  let lo = 0;
  let hi = sessions.length;
  const from = t0 - 2 * 86400;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((sessions[mid]?.arrivalUtcS ?? 0) < from) lo = mid + 1;
    else hi = mid;
  }
  const out: EvSession[] = [];
  for (let i = lo; i < sessions.length; i++) {
    const s = sessions[i];
    if (!s || s.arrivalUtcS >= t1) break;
    if (s.departureUtcS > t0) out.push(s);
  }
  return out;
}

export function evRemaining(state: DispatchState, s: EvSession): number {
  return state.evRemainingWh.get(s.id) ?? s.energyWh;
}

/** What a run still owes when it ends: neither served nor expired, so counted as unmet by the run (not penalised). */
export interface RunEnd {
  /** Compute demand still queued, deadline not yet passed, GPU-h. */
  gpuQueuedHours: number;
  /** Energy still owed to EV sessions plugged in at the end, Wh. */
  evOwedWh: number;
}

/** The run's open obligations at `endUtcS`: the compute queue and the EV sessions still plugged in. */
export function runEnd(state: DispatchState, sessions: readonly EvSession[], endUtcS: number): RunEnd {
  // below a millionth of a GPU-hour a cohort's rest is the float residue of serving it, not work
  const gpuQueuedHours = state.gpuQueue.reduce((s, c) => s + (c.remaining > 1e-6 ? c.remaining : 0), 0);
  let evOwedWh = 0;
  for (const s of sessions) {
    if (s.arrivalUtcS < endUtcS && s.departureUtcS > endUtcS) evOwedWh += evRemaining(state, s);
  }
  return { gpuQueuedHours, evOwedWh };
}

/** Add the compute demand arriving at the start of step k to the queue (EDF order). */
export function pushArrivals(state: DispatchState, site: SiteConfig, inp: StepInputs, k: number): number {
  const a = inp.gpuArrivals[k] ?? 0;
  if (a > 0 && site.gpu) {
    const deadline = (inp.startUtcS[k] ?? 0) + site.gpu.deadlineHours * 3600;
    state.gpuQueue.push({ remaining: a, deadlineUtcS: deadline });
    state.gpuQueue.sort((x, y) => x.deadlineUtcS - y.deadlineUtcS);
  }
  return a;
}

const EPS_WH = 1e-6;

/**
 * Apply decision `d` for step k: net out simultaneous import/export and charge/discharge (never
 * beneficial, see optimizer.ts), check every limit, close the energy balance exactly (LP round-off
 * of at most 1 Wh goes to import/export/curtailment), advance battery, queue and sessions.
 */
export function commitStep(
  site: SiteConfig,
  inp: StepInputs,
  k: number,
  sessions: readonly EvSession[],
  state: DispatchState,
  d: StepDecision,
  gpuArrivedHours: number,
): StepRecord {
  const dt = inp.stepHours;
  const t0 = inp.startUtcS[k] ?? 0;
  const t1 = t0 + dt * 3600;
  const pvAvail = inp.pvWh[k] ?? 0;
  const base = inp.baseWh[k] ?? 0;
  let { importWh, exportWh, chargeWh, dischargeWh, pvUsedWh } = d;
  const clampSmall = (x: number) => (Math.abs(x) < EPS_WH ? 0 : x);
  importWh = clampSmall(importWh);
  exportWh = clampSmall(exportWh);
  chargeWh = clampSmall(chargeWh);
  dischargeWh = clampSmall(dischargeWh);
  pvUsedWh = Math.min(pvAvail, Math.max(0, pvUsedWh));
  const shed = Math.min(base, Math.max(0, d.shedWh));

  // Battery: replace simultaneous charge c and discharge x by the net flow; the SoC path is kept
  // by adjusting the bus flows (the surplus is curtailed), so this never increases cost.
  const b = site.battery;
  if (b && chargeWh > 0 && dischargeWh > 0) {
    const dSoc = b.chargeEfficiency * chargeWh - dischargeWh / b.dischargeEfficiency;
    const [c2, x2] = dSoc >= 0 ? [dSoc / b.chargeEfficiency, 0] : [0, -dSoc * b.dischargeEfficiency];
    // bus surplus created: (chargeWh - c2) less drawn, (dischargeWh - x2) less delivered
    const surplus = chargeWh - c2 - (dischargeWh - x2);
    chargeWh = c2;
    dischargeWh = x2;
    pvUsedWh = Math.max(0, pvUsedWh - Math.max(0, surplus));
  }
  if (!b && (chargeWh > 0 || dischargeWh > 0)) throw new Error('dispatch: battery flow without a battery');

  // Compute: serve the queue earliest-deadline-first.
  const g = site.gpu;
  let gpuHours = Math.max(0, d.gpuHours);
  if (g) {
    if (gpuHours > g.count * dt * (1 + 1e-9) + 1e-9) throw new Error(`dispatch: ${gpuHours} GPU-h > fleet capacity`);
    let left = gpuHours;
    for (const c of state.gpuQueue) {
      const take = Math.min(c.remaining, left);
      c.remaining -= take;
      left -= take;
      if (left <= 1e-12) break;
    }
    gpuHours -= Math.max(0, left); // cannot serve more than has arrived
  } else gpuHours = 0;
  const gpuWh = g ? g.pue * g.count * g.idleW * dt + gpuHours * gpuMarginalWhPerGpuHour(g) : 0;

  // EV: deliver at most the charger power over the overlap and at most what is owed.
  let evWh = 0;
  for (const s of sessions) {
    const want = d.evWh.get(s.id) ?? 0;
    if (want <= 0) continue;
    const cap = (site.ev?.powerW ?? 0) * overlapHours(s.arrivalUtcS, s.departureUtcS, t0, t1);
    if (want > cap + 1e-6 * cap + EPS_WH)
      throw new Error(`dispatch: EV session ${s.id} ${want} Wh > charger limit ${cap}`);
    const rem = evRemaining(state, s);
    const e = Math.min(want, cap, rem);
    state.evRemainingWh.set(s.id, rem - e);
    evWh += e;
  }

  // Close the balance: supply = pvUsed + import + discharge, demand = base - shed + gpu + ev + charge + export.
  const residual = base - shed + gpuWh + evWh + chargeWh + exportWh - (pvUsedWh + importWh + dischargeWh);
  const tol = 1 + 1e-7 * (base + gpuWh + evWh + pvAvail + importWh + exportWh);
  if (residual > 0) {
    // more demand than supply: use unused PV first, then import (tolerance covers LP round-off;
    // larger gaps come from the GPU/EV clipping above, which only lowers demand, or from a bug)
    const fromPv = Math.min(residual, pvAvail - pvUsedWh);
    pvUsedWh += fromPv;
    const rest = residual - fromPv;
    if (rest > tol) throw new Error(`dispatch: energy balance short by ${rest} Wh at step ${k}`);
    importWh += rest;
  } else if (residual < 0) {
    // surplus: cancel import, then curtail PV, then export
    let s = -residual;
    const dImp = Math.min(s, importWh);
    importWh -= dImp;
    s -= dImp;
    const dPv = Math.min(s, pvUsedWh);
    pvUsedWh -= dPv;
    s -= dPv;
    if (s > tol) throw new Error(`dispatch: energy balance surplus of ${s} Wh at step ${k}`);
    exportWh += s;
  }
  if (importWh > 0 && exportWh > 0) {
    const m = Math.min(importWh, exportWh);
    importWh -= m;
    exportWh -= m;
  }
  const lim = site.gridLimitW * dt;
  if (importWh > lim * (1 + 1e-6) + EPS_WH) throw new Error(`dispatch: import ${importWh} Wh > grid limit ${lim}`);
  if (exportWh > lim * (1 + 1e-6) + EPS_WH) throw new Error(`dispatch: export ${exportWh} Wh > grid limit ${lim}`);

  if (b) state.socWh = batteryStep(b, state.socWh, chargeWh, dischargeWh, dt);

  // Expire compute demand whose deadline has passed, and close departed EV sessions.
  let gpuUnmet = 0;
  state.gpuQueue = state.gpuQueue.filter((c) => {
    if (c.remaining <= 1e-9) return false;
    if (c.deadlineUtcS <= t1) {
      gpuUnmet += c.remaining;
      return false;
    }
    return true;
  });
  let evUnmet = 0;
  for (const s of sessions) {
    // `sessions` are those present in this step, so each departure is closed exactly once
    if (s.departureUtcS <= t1) {
      const rem = evRemaining(state, s);
      if (rem > 1e-3) evUnmet += rem;
      state.evRemainingWh.set(s.id, 0);
    }
  }
  const month = inp.monthKey[k] ?? 0;
  const peak = importWh / dt;
  if (peak > (state.monthPeakW.get(month) ?? 0)) state.monthPeakW.set(month, peak);

  return {
    startUtcS: t0,
    pvAvailableWh: pvAvail,
    pvUsedWh,
    baseWh: base,
    shedWh: shed,
    gpuHours,
    gpuWh,
    evWh,
    chargeWh,
    dischargeWh,
    socWh: state.socWh,
    importWh,
    exportWh,
    importUsdPerKwh: inp.importUsdPerKwh[k] ?? 0,
    exportUsdPerKwh: inp.exportUsdPerKwh[k] ?? 0,
    carbonGPerKwh: inp.carbonGPerKwh[k] ?? 0,
    monthKey: month,
    gpuArrivedHours,
    gpuUnmetHours: gpuUnmet,
    evUnmetWh: evUnmet,
  };
}

/** Battery headroom for the rule controller, Wh on the bus side. */
export function batteryHeadroom(
  site: SiteConfig,
  socWh: number,
  dt: number,
): { chargeWh: number; dischargeWh: number } {
  const b = site.battery;
  if (!b) return { chargeWh: 0, dischargeWh: 0 };
  const { minWh, maxWh } = socBoundsWh(b);
  return {
    chargeWh: Math.max(0, Math.min(b.maxChargeW * dt, (maxWh - socWh) / b.chargeEfficiency)),
    dischargeWh: Math.max(0, Math.min(b.maxDischargeW * dt, (socWh - minWh) * b.dischargeEfficiency)),
  };
}
