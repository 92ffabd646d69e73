/** Site type names to the index of the NodeRegistry SiteType enum (the contract's order). */
export const SITE_TYPE_ENUM = { station: 0, pile: 1, home: 2 } as const;
export type SiteTypeName = keyof typeof SITE_TYPE_ENUM;

/**
 * Minimum stake per site type, in micro-USD. Each is about 2 % of the site's GPU capex (station: 8 × H100 ≈ 250 kUSD
 * → 5,000 USD; pile: an L4-class edge server ≈ 10 kUSD → 200 USD; home: one consumer GPU ≈ 2 kUSD → 50 USD): enough
 * that a fake device costs real money, small beside what an honest site earns.
 */
export const DEFAULT_MINIMUM_STAKE_USDC6: Record<SiteTypeName, bigint> = {
  station: 5_000_000_000n,
  pile: 200_000_000n,
  home: 50_000_000n,
};
