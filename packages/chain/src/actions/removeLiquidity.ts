import type { Address } from 'viem';
import { hourMarketAbi } from '@greenhour/contracts';
import type { Clients } from '../clients.ts';
import type { Deployment } from '../deployments.ts';
import { findEvent, transact } from '../transact.ts';
import { checkAddress, checkDeadline, checkNonNegative, checkPositive, deadlineOrDefault } from '../market.ts';

export interface RemoveLiquidityParams {
  positionId: bigint;
  /** Shares to burn, at most the position's. Before the slot only the shares of whole hours are burned (see below). */
  shares: bigint;
  /** Fewest hours accepted; default 0. After the slot a withdrawal pays cash only. */
  minHoursOut?: bigint;
  /** Least cash accepted; default 0. */
  minCashUsdc6?: bigint;
  /** Receives the hours and cash; defaults to the caller. */
  recipient?: Address;
  deadline?: bigint;
}

/**
 * Burns `shares` of a position (owned by or approved to the caller) for its part of the market's hours (while Upcoming)
 * and of its premium units at their current value; not while the slot is in progress. Before the slot only whole hours
 * leave: when the shares' part of the hours is not whole, only the shares of its whole hours are burned (rounded up)
 * and the rest, with its fraction of an hour, stays on the position (R4); a part below one hour reverts
 * `LessThanOneHour`. Earnings stay on the position (collectFees). Resolves to what was withdrawn and the shares burned,
 * from the LiquidityRemoved event.
 */
export async function removeLiquidity(
  clients: Clients,
  deployment: Pick<Deployment, 'hourMarket'>,
  params: RemoveLiquidityParams,
): Promise<{ hoursOut: bigint; cashUsdc6: bigint; sharesBurned: bigint }> {
  const { positionId, shares, minHoursOut = 0n, minCashUsdc6 = 0n } = params;
  checkPositive(positionId, 'positionId');
  checkPositive(shares, 'shares');
  checkNonNegative(minHoursOut, 'minHoursOut');
  checkNonNegative(minCashUsdc6, 'minCashUsdc6');
  const recipient = params.recipient ?? clients.account.address;
  checkAddress(recipient, 'recipient');
  checkDeadline(params.deadline);
  const { receipt } = await transact(clients, {
    address: deployment.hourMarket,
    abi: hourMarketAbi,
    functionName: 'removeLiquidity',
    args: [positionId, shares, minHoursOut, minCashUsdc6, recipient, await deadlineOrDefault(clients, params.deadline)],
  });
  const { args } = findEvent(receipt, deployment.hourMarket, hourMarketAbi, 'LiquidityRemoved');
  return { hoursOut: args.hoursOut, cashUsdc6: args.cashUsdc6, sharesBurned: args.shares };
}
