import { test } from 'node:test';
import assert from 'node:assert/strict';
import { discountedPaybackYears, irr, lcoe, npv, paybackYears } from './finance.ts';

const close = (actual: number | null, expected: number, tol: number) => {
  assert.ok(actual !== null, `expected ${expected}, got null`);
  assert.ok(Math.abs(actual - expected) <= tol, `expected ${expected} ± ${tol}, got ${actual}`);
};

test('npv: Excel NPV() documentation example (10%, -10000, 3000, 4200, 6800 → 1188.44)', () => {
  // Excel discounts the first value one period, so it sits at t = 1 here.
  close(npv(0.1, [0, -10000, 3000, 4200, 6800]), 1188.44, 0.005);
});

test('npv: zero rate is the plain sum; one-period loan at its own rate is zero', () => {
  assert.equal(npv(0, [-5, 2, 3, 4]), 4);
  close(npv(0.1, [-100, 110]), 0, 1e-12);
  assert.throws(() => npv(-1, [1]), /rate must be > -1/);
});

test('irr: Excel IRR() documentation examples', () => {
  close(irr([-70000, 12000, 15000, 18000, 21000, 26000]).rate, 0.086631, 1e-6);
  close(irr([-70000, 12000, 15000, 18000, 21000]).rate, -0.021245, 1e-6);
});

test('irr: the root makes npv zero', () => {
  const flows = [-1000, 500, 400, 300, 100];
  const r = irr(flows).rate;
  close(r, 0.144888, 1e-6);
  close(npv(r!, flows), 0, 1e-6);
});

test('irr: non-conventional flows return every root (-100, 230, -132 → 10% and 20%)', () => {
  const res = irr([-100, 230, -132]);
  assert.equal(res.roots.length, 2);
  close(res.roots[0]!, 0.1, 1e-9);
  close(res.roots[1]!, 0.2, 1e-9);
  close(res.rate, 0.1, 1e-9);
});

test('irr: "none" when the flows never change sign, or NPV never crosses zero', () => {
  assert.deepEqual(irr([100, 50, 10]), { rate: null, roots: [], reason: 'no-sign-change' });
  assert.deepEqual(irr([-100, -5]), { rate: null, roots: [], reason: 'no-sign-change' });
  // -100 + 50x - 10x² (x = 1/(1+r)) has a negative discriminant: NPV < 0 at every rate.
  assert.deepEqual(irr([-100, 50, -10]), { rate: null, roots: [], reason: 'no-root-in-range' });
});

test('payback: interpolated within the crossing year, null when never recovered', () => {
  close(paybackYears([-1000, 300, 400, 500]), 2.6, 1e-12);
  assert.equal(paybackYears([-1000, 300, 300]), null);
  assert.equal(paybackYears([0, 10]), 0);
  // A later negative year (e.g. battery replacement) pushing the cumulative back below zero moves payback.
  close(paybackYears([-100, 60, 60, -50, 100]), 3.3, 1e-12);
});

test('discounted payback at 10%', () => {
  // Discounted: -100, 45.45, 41.32, 37.57 → cumulative crosses in year 3 at 13.22/37.57.
  close(discountedPaybackYears(0.1, [-100, 50, 50, 50]), 2 + (100 - 50 / 1.1 - 50 / 1.21) / (50 / 1.331), 1e-12);
  assert.equal(discountedPaybackYears(0.1, [-1000, 300, 400, 500]), null);
});

test('lcoe: a flat annuity of cost over flat energy equals cost per unit', () => {
  // Capex 1000 repaid by the annuity factor: LCOE = (1000 / AF + 0) / 100 kWh.
  const rate = 0.07;
  const n = 20;
  const af = (1 - (1 + rate) ** -n) / rate;
  const costs = [1000, ...Array<number>(n).fill(0)];
  const energy = [0, ...Array<number>(n).fill(100)];
  close(lcoe(rate, costs, energy), 1000 / af / 100, 1e-12);
  assert.equal(lcoe(rate, [1], [0]), null);
});
