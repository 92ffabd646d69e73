import type { Address } from 'viem';
import { greenComputeIndexAbi, hourMarketAbi, hourPositionsAbi } from '@greenhour/contracts';
import type { Clients } from '../clients.ts';
import type { Deployment } from '../deployments.ts';
import { checkClassId, checkHourId, checkPositive, decodeHourId, MARKET_STATUS, type MarketStatus } from '../market.ts';

export interface MarketView {
  hourId: bigint;
  classId: number;
  slot: number;
  /** From block time alone: Upcoming before the slot, InProgress during it, Exited after. */
  status: MarketStatus;
  /** The block the view was read at, and its time (the "now" of the price). */
  blockNumber: bigint;
  timestamp: bigint;
  /** Whether the market has been opened (by its first deposit or an explicit open). */
  open: boolean;
  /** Price of the next hour now, fee excluded; undefined while the market is not open. */
  priceUsdc6: bigint | undefined;
  feeBps: number;
  /** The curve copied from the class when the market opened (zeros while it is not open). */
  askUsdc6: bigint;
  capUsdc6: bigint;
  floorUsdc6: bigint;
  decayHorizonS: number;
  /** Reserves: hours for sale, premium units bought, cash backing them and the protocol's fees. */
  hoursReserve: number;
  unitsReserve: bigint;
  cashUsdc6: bigint;
  protocolFeesUsdc6: bigint;
  totalShares: bigint;
  /** Providers' earnings settled and not yet collected (plus per-share rounding dust). */
  earnedUsdc6: bigint;
}

/** One market's status, price now and reserves, all read at the chain's latest block. No transaction. */
export async function marketView(
  clients: Clients,
  deployment: Pick<Deployment, 'hourMarket'>,
  hourId: bigint,
): Promise<MarketView> {
  checkHourId(hourId);
  const { classId, slot } = decodeHourId(hourId);
  const { publicClient } = clients;
  const block = await publicClient.getBlock();
  const at = { address: deployment.hourMarket, abi: hourMarketAbi, blockNumber: block.number } as const;
  const [status, [params, state, , book], feeBps] = await Promise.all([
    publicClient.readContract({ ...at, functionName: 'status', args: [hourId] }),
    publicClient.readContract({ ...at, functionName: 'market', args: [hourId] }),
    publicClient.readContract({ ...at, functionName: 'feeBps', args: [classId] }),
  ]);
  const open = params.askUsdc6 !== 0n;
  const priceUsdc6 = open
    ? await publicClient.readContract({ ...at, functionName: 'priceAt', args: [hourId, block.timestamp] })
    : undefined;
  const statusName = MARKET_STATUS[status];
  if (statusName === undefined) throw new Error(`status: unknown market status ${status} for hour id ${hourId}`);
  return {
    hourId,
    classId,
    slot,
    status: statusName,
    blockNumber: block.number,
    timestamp: block.timestamp,
    open,
    priceUsdc6,
    feeBps,
    askUsdc6: params.askUsdc6,
    capUsdc6: params.capUsdc6,
    floorUsdc6: params.floorUsdc6,
    decayHorizonS: params.decayHorizonS,
    hoursReserve: state.hoursReserve,
    unitsReserve: state.unitsReserve,
    cashUsdc6: state.cashUsdc6,
    protocolFeesUsdc6: state.protocolFeesUsdc6,
    totalShares: book.totalShares,
    earnedUsdc6: book.earnedUsdc6,
  };
}

/** Cost of buying `hours` hours of `hourId` now, fee included, as `buy` would charge in this block. */
export function quoteBuy(clients: Clients, deployment: Pick<Deployment, 'hourMarket'>, hourId: bigint, hours: bigint) {
  return quote(clients, deployment, 'quoteBuy', hourId, hours);
}

/** Proceeds of selling `hours` hours of `hourId` now, after fee, as `sell` would pay in this block. */
export function quoteSell(clients: Clients, deployment: Pick<Deployment, 'hourMarket'>, hourId: bigint, hours: bigint) {
  return quote(clients, deployment, 'quoteSell', hourId, hours);
}

async function quote(
  clients: Clients,
  deployment: Pick<Deployment, 'hourMarket'>,
  functionName: 'quoteBuy' | 'quoteSell',
  hourId: bigint,
  hours: bigint,
): Promise<bigint> {
  checkHourId(hourId);
  checkPositive(hours, 'hours');
  return clients.publicClient.readContract({
    address: deployment.hourMarket,
    abi: hourMarketAbi,
    functionName,
    args: [hourId, hours],
  });
}

/** A liquidity position: its owner (ERC-721), market, shares and earnings not yet collected. */
export async function positionView(
  clients: Clients,
  deployment: Pick<Deployment, 'hourMarket' | 'hourPositions'>,
  positionId: bigint,
): Promise<{ owner: Address; hourId: bigint; shares: bigint; owedUsdc6: bigint }> {
  checkPositive(positionId, 'positionId');
  const [owner, pos] = await Promise.all([
    clients.publicClient.readContract({
      address: deployment.hourPositions,
      abi: hourPositionsAbi,
      functionName: 'ownerOf',
      args: [positionId],
    }),
    clients.publicClient.readContract({
      address: deployment.hourMarket,
      abi: hourMarketAbi,
      functionName: 'position',
      args: [positionId],
    }),
  ]);
  return { owner, hourId: BigInt(pos.hourId), shares: pos.shares, owedUsdc6: pos.owedUsdc6 };
}

/** The longest index window, MAX_INDEX_WINDOW_S in Constants.sol: the ring of hourly observations spans it. */
export const MAX_INDEX_WINDOW_S = 7 * 24 * 3600;

function checkWindow(windowS: unknown): asserts windowS is number {
  if (
    typeof windowS !== 'number' ||
    !Number.isInteger(windowS) ||
    windowS <= 0 ||
    windowS % 3600 !== 0 ||
    windowS > MAX_INDEX_WINDOW_S
  )
    throw new Error(`windowS: must be whole hours (a multiple of 3600 s) up to 7 days, got ${String(windowS)}`);
}

/**
 * Time-weighted relative price of a class over the `windowS` seconds (whole hours) ending at the last hour boundary:
 * its index slots' spot over their ask, in ppm (1,000,000 = at the ask), decay and bond scaling left out.
 */
export async function classTwapPpm(
  clients: Clients,
  deployment: Pick<Deployment, 'greenComputeIndex'>,
  classId: number,
  windowS: number,
): Promise<bigint> {
  checkClassId(classId);
  checkWindow(windowS);
  return clients.publicClient.readContract({
    address: deployment.greenComputeIndex,
    abi: greenComputeIndexAbi,
    functionName: 'twapPpm',
    args: [classId, windowS],
  });
}

/**
 * The green compute index over the `windowS` seconds (whole hours) ending at the last hour boundary: the index-weighted
 * mean of each listed class's relative TWAP, in basis points (10,000 = every class at its ask). Reverts IndexEmpty when
 * no class has a full window of history.
 */
export async function greenIndexBps(
  clients: Clients,
  deployment: Pick<Deployment, 'greenComputeIndex'>,
  windowS: number,
): Promise<bigint> {
  checkWindow(windowS);
  return clients.publicClient.readContract({
    address: deployment.greenComputeIndex,
    abi: greenComputeIndexAbi,
    functionName: 'indexBps',
    args: [windowS],
  });
}
