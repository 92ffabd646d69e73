// Rule-based baseline controller (what a stock hybrid inverter + simple EMS does):
// PV -> load -> battery -> export; the battery discharges to cover load only (never grid-charged,
// never exports); compute runs as soon as demand exists (earliest deadline first, up to the fleet);
// EVs charge at full power from arrival. If the grid limit binds, compute then EV charging are cut
// back, then base load is shed. Export happens only at a non-negative export price (else curtail).
import { batteryHeadroom, evRemaining, type DispatchState, type StepDecision } from './dispatch.ts';
import { overlapHours, type EvSession } from './ev.ts';
import { gpuMarginalWhPerGpuHour } from './gpu.ts';
import type { StepInputs } from './inputs.ts';
import type { SiteConfig } from './types.ts';

export function ruleStep(
  site: SiteConfig,
  inp: StepInputs,
  k: number,
  sessions: readonly EvSession[],
  state: DispatchState,
): StepDecision {
  const dt = inp.stepHours;
  const t0 = inp.startUtcS[k] ?? 0;
  const pv = inp.pvWh[k] ?? 0;
  const base = inp.baseWh[k] ?? 0;
  const g = site.gpu;
  const backlog = state.gpuQueue.reduce((s, c) => s + c.remaining, 0);
  let gpuHours = g ? Math.min(g.count * dt, backlog) : 0;
  const gpuIdleWh = g ? g.pue * g.count * g.idleW * dt : 0;
  const gpuMarg = g ? gpuMarginalWhPerGpuHour(g) : 0;
  const evWh = new Map<number, number>();
  let evTotal = 0;
  for (const s of sessions) {
    const cap = (site.ev?.powerW ?? 0) * overlapHours(s.arrivalUtcS, s.departureUtcS, t0, t0 + dt * 3600);
    const e = Math.min(cap, evRemaining(state, s));
    if (e > 0) {
      evWh.set(s.id, e);
      evTotal += e;
    }
  }
  const head = batteryHeadroom(site, state.socWh, dt);
  const lim = site.gridLimitW * dt;
  let load = base + gpuIdleWh + gpuHours * gpuMarg + evTotal;
  let shedWh = 0;
  if (load >= pv) {
    const deficit = load - pv;
    const dischargeWh = Math.min(deficit, head.dischargeWh);
    let importWh = deficit - dischargeWh;
    if (importWh > lim) {
      // cut flexible loads first: compute, then EV (pro rata), then base load
      let over = importWh - lim;
      if (gpuMarg > 0) {
        const cut = Math.min(gpuHours, over / gpuMarg);
        gpuHours -= cut;
        over -= cut * gpuMarg;
      }
      if (over > 0 && evTotal > 0) {
        const f = Math.max(0, 1 - over / evTotal);
        for (const [id, e] of evWh) evWh.set(id, e * f);
        over -= evTotal * (1 - f);
        evTotal *= f;
      }
      if (over > 0) shedWh = Math.min(base, over);
      importWh = lim;
      load = base - shedWh + gpuIdleWh + gpuHours * gpuMarg + evTotal;
      importWh = Math.max(0, load - pv - dischargeWh);
    }
    return { pvUsedWh: pv, importWh, exportWh: 0, chargeWh: 0, dischargeWh, gpuHours, evWh, shedWh };
  }
  const surplus = pv - load;
  const chargeWh = Math.min(surplus, head.chargeWh);
  const rest = surplus - chargeWh;
  const exportWh = (inp.exportUsdPerKwh[k] ?? 0) >= 0 ? Math.min(rest, lim) : 0;
  const curtail = rest - exportWh;
  return { pvUsedWh: pv - curtail, importWh: 0, exportWh, chargeWh, dischargeWh: 0, gpuHours, evWh, shedWh };
}
