import type { Address } from 'viem';
import { hourMarketAbi } from '@greenhour/contracts';
import type { Clients } from '../clients.ts';
import type { Deployment } from '../deployments.ts';
import { findEvent, transact } from '../transact.ts';
import {
  checkAddress,
  checkDeadline,
  checkHourId,
  checkNonNegative,
  deadlineOrDefault,
  ensureAllowance,
  ensureHoursApproval,
} from '../market.ts';

export interface AddLiquidityParams {
  hourId: bigint;
  /** Hours of `hourId` the caller deposits; 0n or absent for a cash-only deposit. */
  hoursIn?: bigint;
  /** Settlement token the caller deposits; 0n or absent for a single-sided deposit of hours (a node's case). */
  cashUsdc6?: bigint;
  /** An existing position of the same market to add to; absent mints a new position to `recipient`. */
  positionId?: bigint;
  /** Fewest shares accepted; default 1 (any). */
  minShares?: bigint;
  /** Owner of a new position; defaults to the caller. */
  recipient?: Address;
  /** Unix seconds; defaults to the chain's latest block time plus DEFAULT_DEADLINE_S. */
  deadline?: bigint;
}

/**
 * Deposits hours and/or cash into the market of `hourId` while it is Upcoming, approving the market for the caller's
 * hours and cash as needed. Resolves to the position (an ERC-721 of HourPositions) and the shares minted, read from
 * the LiquidityAdded event.
 */
export async function addLiquidity(
  clients: Clients,
  deployment: Pick<Deployment, 'hourMarket' | 'computeHours' | 'settlementToken'>,
  params: AddLiquidityParams,
): Promise<{ positionId: bigint; shares: bigint }> {
  const { hourId, hoursIn = 0n, cashUsdc6 = 0n, positionId = 0n, minShares = 1n } = params;
  checkHourId(hourId);
  checkNonNegative(hoursIn, 'hoursIn');
  checkNonNegative(cashUsdc6, 'cashUsdc6');
  if (hoursIn === 0n && cashUsdc6 === 0n) throw new Error('hoursIn, cashUsdc6: at least one must be positive');
  checkNonNegative(positionId, 'positionId');
  checkNonNegative(minShares, 'minShares');
  const recipient = params.recipient ?? clients.account.address;
  checkAddress(recipient, 'recipient');
  checkDeadline(params.deadline);

  if (hoursIn > 0n) await ensureHoursApproval(clients, deployment.computeHours, deployment.hourMarket);
  if (cashUsdc6 > 0n) await ensureAllowance(clients, deployment.settlementToken, deployment.hourMarket, cashUsdc6);
  const { receipt } = await transact(clients, {
    address: deployment.hourMarket,
    abi: hourMarketAbi,
    functionName: 'addLiquidity',
    args: [
      positionId,
      hourId,
      hoursIn,
      cashUsdc6,
      minShares,
      recipient,
      await deadlineOrDefault(clients, params.deadline),
    ],
  });
  // From the event, not the simulation: another deposit may have been mined first on a busy chain.
  const { args } = findEvent(receipt, deployment.hourMarket, hourMarketAbi, 'LiquidityAdded');
  return { positionId: args.positionId, shares: args.shares };
}
