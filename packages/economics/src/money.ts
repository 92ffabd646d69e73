// Money is an integer count of micro-USD ("usdc6", the 6-decimal unit of USDC used on chain), held
// as bigint so sums over a 25-year life cannot lose cents. Physical quantities (kWh, hours) stay
// floating point; converting a quantity × price to money rounds conservatively: costs UP (ceil),
// revenues DOWN (floor), so a rounding error can only make an investment look worse.

/** Integer micro-USD (1 USD = 1_000_000 usdc6). */
export type Usdc6 = bigint;

export const USDC6_PER_USD = 1_000_000;

// Products like 0.1 * 1e6 come out as 100000.00000000001; snap values within 1e-6 micro-USD of an
// integer before rounding so ceil/floor do not move a whole unit on float noise.
function snap(x: number): number {
  const r = Math.round(x);
  return Math.abs(x - r) < 1e-6 ? r : x;
}

function check(x: number, what: string): void {
  if (!Number.isFinite(x)) throw new RangeError(`${what}: not a finite amount (${x})`);
}

/** A cost in usdc6 from an amount in micro-USD (float), rounded up. */
export function costUsdc6(microUsd: number): Usdc6 {
  check(microUsd, 'cost');
  return BigInt(Math.ceil(snap(microUsd)));
}

/** A revenue in usdc6 from an amount in micro-USD (float), rounded down. */
export function revenueUsdc6(microUsd: number): Usdc6 {
  check(microUsd, 'revenue');
  return BigInt(Math.floor(snap(microUsd)));
}

/** USD (float) → usdc6, rounded to nearest; for configuration defaults written in dollars. */
export function usd(amount: number): Usdc6 {
  check(amount, 'usd');
  return BigInt(Math.round(amount * USDC6_PER_USD));
}

/** usdc6 → USD as a float, for ratios and charts only (never summed back into money). */
export function toUsd(x: Usdc6): number {
  return Number(x) / USDC6_PER_USD;
}

/** "-1,234,567.89" style dollars with `decimals` places (default 0), truncated toward zero. */
export function formatUsd(x: Usdc6, decimals = 0): string {
  const neg = x < 0n;
  const abs = neg ? -x : x;
  const whole = abs / 1_000_000n;
  const frac = abs % 1_000_000n;
  const wholeStr = whole.toString().replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  const fracStr = decimals > 0 ? '.' + frac.toString().padStart(6, '0').slice(0, Math.min(decimals, 6)) : '';
  return `${neg ? '-' : ''}$${wholeStr}${fracStr}`;
}

export function sumUsdc6(xs: Iterable<Usdc6>): Usdc6 {
  let s = 0n;
  for (const x of xs) s += x;
  return s;
}
