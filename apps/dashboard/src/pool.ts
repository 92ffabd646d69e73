// A liquidity position's part of its market's pool, the one figure of the Portfolio page that the API does not give
// as such: the position's `shares` over the market's `totalShares` (`/v1/portfolio/{address}`, `/v1/market/markets`),
// and that part of the market's reserves, each rounded down as the market's own withdrawal rounds
// (HourMarket._withdraw: hours × shares / totalShares, cash likewise). Integers only, no floating point.
import type { Market } from './api.ts';

export interface PoolPart {
  /** shares / totalShares in parts per million, rounded down. */
  ppm: number;
  /** The position's part of the hours for sale, in hundredths of an hour, rounded down. */
  hoursHundredths: bigint;
  /** The position's part of the market's cash, usdc6, rounded down. */
  cashUsdc6: bigint;
}

/** The part of `market`'s pool that `shares` liquidity shares are; null when the pool has no shares at all. */
export function poolPart(shares: string, market: Pick<Market, 'totalShares' | 'hoursReserve' | 'cashUsdc6'>) {
  const mine = BigInt(shares);
  const total = BigInt(market.totalShares);
  if (total === 0n) return null;
  return {
    ppm: Number((mine * 1_000_000n) / total),
    hoursHundredths: (BigInt(market.hoursReserve) * mine * 100n) / total,
    cashUsdc6: (BigInt(market.cashUsdc6) * mine) / total,
  } satisfies PoolPart;
}
