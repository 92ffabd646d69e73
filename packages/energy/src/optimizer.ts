// Site optimizer: one LP over a planning window, solved by HiGHS.
//
// Variables per step t (energies in kWh per step, money in USD):
//   imp_t, exp_t  grid import/export (<= grid limit x dt)     pv_t   PV used (<= available: the rest is curtailed)
//   ch_t, dis_t   battery charge from / discharge to the bus  soc_t  stored energy, kWh, within the SoC window
//   g_t           GPU-hours served (<= fleet x dt)            cg_t   cumulative GPU-hours served
//   u_t           cumulative compute demand dropped (non-decreasing; penalised once, at the end)
//   e_s_t         energy to EV session s (<= charger power x presence)   eu_s  unmet energy of s
//   shed_t        base load not served (value of lost load: only if the grid limit leaves no choice)
//   pk_m          peak hourly import in billing month m, kW (>= the peak already reached this month)
// Objective: import cost + carbon price x emissions - export revenue + degradation x discharge
//            - compute revenue - EV revenue + penalties + demand charge x monthly peak.
// Constraints: energy balance, SoC dynamics, compute deadlines (cumulative served + dropped >= due;
// <= arrived), EV energy by departure, peak definition; with an emissions cap (guard.ts): grid emissions over
// the committed steps and over the window at most the caps, compute dropped and EV energy unmet at most the rule's.
//
// No binaries for charge/discharge or import/export: with one-way efficiencies < 1 and free
// curtailment, lowering ch and dis together by (d, d*eta_c*eta_d) keeps the SoC path, frees bus
// energy that can be curtailed, and lowers degradation cost, so an optimum never needs both
// (and commitStep nets out any round-off). Export is priced at most the import price of the same
// hour (tariff.ts), so simultaneous import and export never earns anything either.
import { socBoundsWh } from './battery.ts';
import { evRemaining, type DispatchState, type StepDecision } from './dispatch.ts';
import { overlapHours, type EvSession } from './ev.ts';
import { gpuMarginalWhPerGpuHour } from './gpu.ts';
import { CAP_SLACK, type EmissionsCap } from './guard.ts';
import { getHighs } from './highs.ts';
import type { StepInputs } from './inputs.ts';
import { LpModel } from './lp.ts';
import type { SiteConfig } from './types.ts';

/** Value of lost base load, USD/kWh: far above any tariff so shedding is a last resort. */
const VOLL_USD_PER_KWH = 10;
/** Tie-break, USD per unit per step of delay: prefer serving compute/EV earlier when costs are equal. */
const EARLY_EPS = 1e-6;

export interface LpPlan {
  decisions: StepDecision[];
  objectiveUsd: number;
  solveMs: number;
  lp: string;
}

/** Build the LP text for a window (exposed for inspection and tests). */
export function buildLp(
  site: SiteConfig,
  inp: StepInputs,
  sessions: readonly EvSession[],
  state: DispatchState,
  cap?: EmissionsCap,
) {
  const T = inp.startUtcS.length;
  const dt = inp.stepHours;
  const m = new LpModel();
  const limKwh = (site.gridLimitW / 1000) * dt;
  const cp = site.carbonPriceUsdPerTonne / 1e6; // USD per gram
  const b = site.battery;
  const g = site.gpu;
  const ev = site.ev;
  const tEnd = (inp.startUtcS[T - 1] ?? 0) + dt * 3600;

  const gpuIdleKwh = g ? (g.pue * g.count * g.idleW * dt) / 1000 : 0;
  const gpuMargKwh = g ? gpuMarginalWhPerGpuHour(g) / 1000 : 0;

  // compute demand: cohorts (backlog and arrivals in the window) -> cumulative arrived / due per step
  const arrivedCum = new Array<number>(T).fill(0);
  const dueCum = new Array<number>(T).fill(0);
  let hasGpu = false;
  if (g && g.count > 0) {
    const t0 = inp.startUtcS[0] ?? 0;
    const addCohort = (arriveStep: number, amount: number, deadline: number) => {
      if (amount <= 0) return;
      hasGpu = true;
      // due by the end of the last step that ends at or before the deadline
      const dueStep = Math.floor((deadline - t0) / (dt * 3600)) - 1;
      for (let t = arriveStep; t < T; t++) arrivedCum[t] = (arrivedCum[t] ?? 0) + amount;
      for (let t = Math.max(0, dueStep); t < T; t++) dueCum[t] = (dueCum[t] ?? 0) + amount;
    };
    for (const c of state.gpuQueue) addCohort(0, c.remaining, c.deadlineUtcS);
    for (let t = 0; t < T; t++) {
      addCohort(t, inp.gpuArrivals[t] ?? 0, (inp.startUtcS[t] ?? 0) + g.deadlineHours * 3600);
    }
  }

  const months = new Map<number, string>();
  const peakVar = (key: number): string => {
    let v = months.get(key);
    if (!v) {
      v = m.variable(`pk_${months.size}`, (state.monthPeakW.get(key) ?? 0) / 1000);
      m.cost(v, site.tariff.demandChargeUsdPerKwMonth);
      months.set(key, v);
    }
    return v;
  };

  const evTerms = new Map<number, [number, string][]>();
  for (let t = 0; t < T; t++) {
    const ts = inp.startUtcS[t] ?? 0;
    const imp = m.variable(`imp_${t}`, 0, limKwh);
    const exp = m.variable(`exp_${t}`, 0, limKwh);
    const pv = m.variable(`pv_${t}`, 0, (inp.pvWh[t] ?? 0) / 1000);
    const shed = m.variable(`shed_${t}`, 0, (inp.baseWh[t] ?? 0) / 1000);
    m.cost(imp, (inp.importUsdPerKwh[t] ?? 0) + (inp.carbonGPerKwh[t] ?? 0) * cp);
    m.cost(exp, -(inp.exportUsdPerKwh[t] ?? 0));
    m.cost(shed, VOLL_USD_PER_KWH);
    const balance: [number, string][] = [
      [1, pv],
      [1, imp],
      [-1, exp],
      [1, shed],
    ];
    if (b) {
      const { minWh, maxWh } = socBoundsWh(b);
      const ch = m.variable(`ch_${t}`, 0, (b.maxChargeW / 1000) * dt);
      const dis = m.variable(`dis_${t}`, 0, (b.maxDischargeW / 1000) * dt);
      const soc = m.variable(`soc_${t}`, minWh / 1000, maxWh / 1000);
      m.cost(dis, b.degradationUsdPerKwh);
      balance.push([-1, ch], [1, dis]);
      const dyn: [number, string][] = [
        [1, soc],
        [-b.chargeEfficiency, ch],
        [1 / b.dischargeEfficiency, dis],
      ];
      if (t > 0) dyn.push([-1, `soc_${t - 1}`]);
      m.row(`socdyn_${t}`, dyn, '=', t === 0 ? state.socWh / 1000 : 0);
    }
    if (hasGpu && g) {
      const gv = m.variable(`g_${t}`, 0, g.count * dt);
      const cg = m.variable(`cg_${t}`, 0);
      const u = m.variable(`u_${t}`, 0);
      m.cost(gv, -g.revenueUsdPerGpuHour - EARLY_EPS * (T - t));
      balance.push([-gpuMargKwh, gv]);
      m.row(
        `gcum_${t}`,
        t > 0
          ? [
              [1, cg],
              [-1, gv],
              [-1, `cg_${t - 1}`],
            ]
          : [
              [1, cg],
              [-1, gv],
            ],
        '=',
        0,
      );
      m.row(
        `gdue_${t}`,
        [
          [1, cg],
          [1, u],
        ],
        '>=',
        dueCum[t] ?? 0,
      );
      m.row(
        `garr_${t}`,
        [
          [1, cg],
          [1, u],
        ],
        '<=',
        arrivedCum[t] ?? 0,
      );
      if (t > 0)
        m.row(
          `gmono_${t}`,
          [
            [1, u],
            [-1, `u_${t - 1}`],
          ],
          '>=',
          0,
        );
      if (t === T - 1) {
        m.cost(u, g.unmetPenaltyUsdPerGpuHour);
        if (cap) m.row('gcap', [[1, u]], '<=', cap.gpuUnmetHours + 1e-6);
      }
    }
    if (ev) {
      for (const s of sessions) {
        const cap = (ev.powerW / 1000) * overlapHours(s.arrivalUtcS, s.departureUtcS, ts, ts + dt * 3600);
        if (cap <= 0) continue;
        const e = m.variable(`e_${s.id}_${t}`, 0, cap);
        m.cost(e, -ev.chargePriceUsdPerKwh - EARLY_EPS * (T - t));
        balance.push([-1, e]);
        let list = evTerms.get(s.id);
        if (!list) evTerms.set(s.id, (list = []));
        list.push([1, e]);
      }
    }
    m.row(`bal_${t}`, balance, '=', (inp.baseWh[t] ?? 0) / 1000 + gpuIdleKwh);
    if (site.tariff.demandChargeUsdPerKwMonth > 0) {
      m.row(
        `peak_${t}`,
        [
          [1, peakVar(inp.monthKey[t] ?? 0)],
          [-1 / dt, imp],
        ],
        '>=',
        0,
      );
    }
  }
  if (cap) {
    // grid emissions (kWh x g/kWh) at most the caps, see guard.ts
    const em = (from: number, to: number): [number, string][] =>
      Array.from({ length: to - from }, (_, i) => [inp.carbonGPerKwh[from + i] ?? 0, `imp_${from + i}`]);
    const slack = (g: number) => g + CAP_SLACK.absG + CAP_SLACK.rel * g;
    m.row('emcommit', em(0, Math.min(T, cap.commitSteps)), '<=', slack(cap.commitG));
    m.row('emwindow', em(0, T), '<=', slack(cap.windowG));
  }
  const evUnmet: [number, string][] = [];
  if (ev) {
    for (const s of sessions) {
      const list = evTerms.get(s.id);
      if (!list) continue;
      const rem = evRemaining(state, s) / 1000;
      if (s.departureUtcS <= tEnd) {
        // departs inside the window: deliver what is owed or pay the penalty
        const eu = m.variable(`eu_${s.id}`, 0);
        evUnmet.push([1, eu]);
        m.cost(eu, ev.unmetPenaltyUsdPerKwh);
        m.row(`evneed_${s.id}`, [...list, [1, eu]], '=', rem);
      } else {
        m.row(`evcap_${s.id}`, list, '<=', rem);
      }
    }
  }
  if (cap && evUnmet.length > 0) m.row('evcapunmet', evUnmet, '<=', cap.evUnmetWh / 1000 + 1e-3);
  return { lp: m.toString(), hasGpu };
}

/**
 * Solve the window and return per-step decisions (Wh, GPU-h). With `cap`, returns null when HiGHS finds the capped
 * window infeasible (the caller runs the rule instead); throws on any other status.
 */
export async function planLp(
  site: SiteConfig,
  inp: StepInputs,
  sessions: readonly EvSession[],
  state: DispatchState,
  cap?: EmissionsCap,
): Promise<LpPlan | null> {
  const highs = await getHighs();
  const { lp, hasGpu } = buildLp(site, inp, sessions, state, cap);
  const t0 = performance.now();
  const sol = highs.solve(lp, { output_flag: false });
  const solveMs = performance.now() - t0;
  if (cap && sol.Status === 'Infeasible') return null;
  if (sol.Status !== 'Optimal') throw new Error(`optimizer: HiGHS status ${sol.Status}`);
  const col = (name: string): number => {
    const c = sol.Columns[name];
    return c && 'Primal' in c ? (c.Primal as number) : 0;
  };
  const decisions: StepDecision[] = [];
  for (let t = 0; t < inp.startUtcS.length; t++) {
    const evWh = new Map<number, number>();
    for (const s of sessions) {
      const v = col(`e_${s.id}_${t}`);
      if (v > 0) evWh.set(s.id, v * 1000);
    }
    decisions.push({
      pvUsedWh: col(`pv_${t}`) * 1000,
      importWh: col(`imp_${t}`) * 1000,
      exportWh: col(`exp_${t}`) * 1000,
      chargeWh: site.battery ? col(`ch_${t}`) * 1000 : 0,
      dischargeWh: site.battery ? col(`dis_${t}`) * 1000 : 0,
      gpuHours: hasGpu ? col(`g_${t}`) : 0,
      evWh,
      shedWh: col(`shed_${t}`) * 1000,
    });
  }
  return { decisions, objectiveUsd: sol.ObjectiveValue, solveMs, lp };
}
