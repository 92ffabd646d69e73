// Pure discounted-cash-flow math. Cash flows are plain numbers in any single unit; index t is the
// end of year t and index 0 is "now" (the investment), so npv() does NOT discount the first element
// (unlike spreadsheet NPV(), which discounts every element by at least one period).

/** Net present value at `rate` (fraction per period, e.g. 0.08) of flows at t = 0, 1, 2, ... */
export function npv(rate: number, cashFlows: readonly number[]): number {
  if (!(rate > -1)) throw new RangeError(`npv: rate must be > -1, got ${rate}`);
  let sum = 0;
  let factor = 1;
  for (const cf of cashFlows) {
    sum += cf / factor;
    factor *= 1 + rate;
  }
  return sum;
}

/** Result of an IRR search. `rate` is null ("none") when NPV never crosses zero for rates in (-1, maxRate]. */
export interface IrrResult {
  rate: number | null;
  /** Every root found; more than one only for non-conventional flows (several sign changes). */
  roots: number[];
  reason?: 'no-sign-change' | 'no-root-in-range';
}

const IRR_MIN = -0.999;
const IRR_MAX = 100; // 10,000 %/yr: anything above is not a meaningful investment return

/**
 * Internal rate of return by bracketing + bisection, which cannot diverge the way Newton's method
 * can. The rate axis is scanned on a dense grid (fine near 0, coarser at high rates) to find every
 * sign change of NPV, then each bracket is bisected to 1e-12. With one sign change in the flows
 * (Descartes' rule) there is exactly one root; with several, all found roots are returned and
 * `rate` is the one closest to zero (the economically most plausible reading).
 */
export function irr(cashFlows: readonly number[]): IrrResult {
  let pos = false;
  let neg = false;
  for (const cf of cashFlows) {
    if (cf > 0) pos = true;
    if (cf < 0) neg = true;
  }
  if (!pos || !neg) return { rate: null, roots: [], reason: 'no-sign-change' };

  const grid: number[] = [];
  for (let r = IRR_MIN; r < 1; r += 0.0025) grid.push(r);
  for (let r = 1; r <= IRR_MAX; r *= 1.02) grid.push(r);
  grid.push(IRR_MAX);

  const roots: number[] = [];
  let prevR = grid[0]!;
  let prevV = npv(prevR, cashFlows);
  if (prevV === 0) roots.push(prevR);
  for (let i = 1; i < grid.length; i++) {
    const r = grid[i]!;
    const v = npv(r, cashFlows);
    if (v === 0) roots.push(r);
    else if (prevV !== 0 && Math.sign(v) !== Math.sign(prevV)) roots.push(bisect(cashFlows, prevR, r, prevV));
    prevR = r;
    prevV = v;
  }
  if (roots.length === 0) return { rate: null, roots, reason: 'no-root-in-range' };
  const rate = roots.reduce((best, r) => (Math.abs(r) < Math.abs(best) ? r : best));
  return { rate, roots };
}

function bisect(cashFlows: readonly number[], lo: number, hi: number, fLo: number): number {
  for (let i = 0; i < 200 && hi - lo > 1e-13; i++) {
    const mid = (lo + hi) / 2;
    const fMid = npv(mid, cashFlows);
    if (fMid === 0) return mid;
    if (Math.sign(fMid) === Math.sign(fLo)) {
      lo = mid;
      fLo = fMid;
    } else hi = mid;
  }
  return (lo + hi) / 2;
}

/**
 * Years until the cumulative cash flow turns non-negative for good (the last crossing, so a later
 * battery replacement that pushes it negative again is not hidden), interpolating linearly within
 * the crossing year. Null when the cumulative flow ends negative.
 */
export function paybackYears(cashFlows: readonly number[]): number | null {
  const cum: number[] = [];
  let acc = 0;
  for (const cf of cashFlows) cum.push((acc += cf));
  if (cum.length === 0 || cum[cum.length - 1]! < 0) return null;
  let t = cum.length - 1;
  while (t > 0 && cum[t - 1]! >= 0) t--;
  if (t === 0) return 0;
  const before = cum[t - 1]!;
  const flow = cashFlows[t]!;
  return t - 1 + -before / flow;
}

/** Payback on flows discounted at `rate`. */
export function discountedPaybackYears(rate: number, cashFlows: readonly number[]): number | null {
  return paybackYears(discountFlows(rate, cashFlows));
}

export function discountFlows(rate: number, cashFlows: readonly number[]): number[] {
  return cashFlows.map((cf, t) => cf / (1 + rate) ** t);
}

/**
 * Levelised cost of energy: present value of costs divided by present value of energy, both
 * discounted at `rate` (energy is discounted too, the standard NREL/IRENA definition).
 * Units: cost unit per energy unit. Null when no energy is produced.
 */
export function lcoe(rate: number, costs: readonly number[], energy: readonly number[]): number | null {
  const e = npv(rate, energy);
  if (!(e > 0)) return null;
  return npv(rate, costs) / e;
}
