// The emissions guard: the optimizer may trade cost against carbon only inside the emissions budget of the rule-based
// controller. Without it, a $50/t carbon price is small against price spreads such as Singapore's 2023 USEP (271
// hours above $500/MWh, max $3,361): the optimizer grid-charges the battery and exports into the spikes, and the
// station's grid emissions rose 30.8 % over the self-consumption baseline. A carbon price high enough to stop that
// would have to be chosen per zone from spreads no one knows in advance (and would distort every other hour's
// trade-off); a cap needs no tuning and holds in every zone: each plan's grid emissions over its window, and over
// the hours it commits, are at most what the rule-based controller would emit from the same state on the same inputs.
// The plan may not meet the cap by serving less demand than the rule does. The rule's own path satisfies every
// constraint of the LP, so the capped LP always has a solution (the simulator
// still falls back to the rule for the block if HiGHS finds none, and counts it).
import { commitStep, pushArrivals, sessionsIn, type DispatchState, type StepRecord } from './dispatch.ts';
import type { EvSession } from './ev.ts';
import type { StepInputs } from './inputs.ts';
import { ruleStep } from './rule.ts';
import type { SiteConfig } from './types.ts';

/** Grid-emission caps of one plan, gCO2eq: over its first `commitSteps` steps and over the whole window. */
export interface EmissionsCap {
  commitSteps: number;
  commitG: number;
  windowG: number;
  /**
   * Demand the rule leaves unserved in the window (compute past its deadline, GPU-h; EV energy owed at departure,
   * Wh): the plan may drop no more, so that it cannot meet a cap by turning paid work away.
   */
  gpuUnmetHours: number;
  evUnmetWh: number;
}

/** Slack on a cap for the LP's round-off: 1 g plus one part per million. */
export const CAP_SLACK = { absG: 1, rel: 1e-6 } as const;

function cloneState(s: DispatchState): DispatchState {
  return {
    socWh: s.socWh,
    gpuQueue: s.gpuQueue.map((c) => ({ ...c })),
    evRemainingWh: new Map(s.evRemainingWh),
    monthPeakW: new Map(s.monthPeakW),
  };
}

/**
 * The caps for a plan of window `inp` from `state`: the grid emissions (import x the window's carbon intensity) of
 * the rule-based controller run on a copy of the state over the same inputs. `state` is not changed.
 */
export function ruleEmissionsCap(
  site: SiteConfig,
  inp: StepInputs,
  evSessions: readonly EvSession[],
  state: DispatchState,
  commitSteps: number,
): EmissionsCap {
  const s = cloneState(state);
  let commitG = 0;
  let windowG = 0;
  let gpuUnmetHours = 0;
  let evUnmetWh = 0;
  for (let k = 0; k < inp.startUtcS.length; k++) {
    const t0 = inp.startUtcS[k] ?? 0;
    const sessions = sessionsIn(evSessions, t0, t0 + inp.stepHours * 3600);
    const arrived = pushArrivals(s, site, inp, k);
    const rec = commitStep(site, inp, k, sessions, s, ruleStep(site, inp, k, sessions, s), arrived);
    const g = (rec.importWh / 1000) * (inp.carbonGPerKwh[k] ?? 0);
    windowG += g;
    if (k < commitSteps) commitG += g;
    gpuUnmetHours += rec.gpuUnmetHours;
    evUnmetWh += rec.evUnmetWh;
  }
  return { commitSteps, commitG, windowG, gpuUnmetHours, evUnmetWh };
}

/** Grid emissions of committed steps, gCO2eq (import x the hour's intensity, unrounded). */
export function gridEmissionsG(steps: readonly StepRecord[]): number {
  return steps.reduce((g, r) => g + (r.importWh / 1000) * r.carbonGPerKwh, 0);
}

/** `cap` moved by the guard's ledger: what the optimizer emitted less than the rule so far (negative: more). */
export function withCredit(cap: EmissionsCap, creditG: number): EmissionsCap {
  return { ...cap, commitG: Math.max(0, cap.commitG + creditG), windowG: Math.max(0, cap.windowG + creditG) };
}
