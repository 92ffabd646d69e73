import type { Address } from 'viem';
import { hourMarketAbi } from '@greenhour/contracts';
import type { Clients } from '../clients.ts';
import type { Deployment } from '../deployments.ts';
import { findEvent, transact } from '../transact.ts';
import {
  checkAddress,
  checkDeadline,
  checkHourId,
  checkPositive,
  checkSlippageBps,
  deadlineOrDefault,
  ensureHoursApproval,
  minWithSlippage,
} from '../market.ts';
import { quoteSell } from './marketView.ts';

export interface SellHoursParams {
  hourId: bigint;
  /** Exact hours of the caller to sell. */
  hours: bigint;
  /**
   * Tolerated fall of the proceeds below the quote, in basis points (0 to 10,000). Within the decay horizon a unit
   * loses value every second, so the next block pays a little less than the quote: 0 then reverts ProceedsBelowMin.
   */
  slippageBps: number;
  /** Receives the proceeds; defaults to the caller. */
  recipient?: Address;
  deadline?: bigint;
}

/**
 * Sells exactly `hours` hours of `hourId` back to its market before the slot: quotes the proceeds (after fee), lets the
 * market move the caller's hours if it may not yet, and sells for at least the quote less `slippageBps`. Resolves to
 * the proceeds and the fee, from the Sold event.
 */
export async function sellHours(
  clients: Clients,
  deployment: Pick<Deployment, 'hourMarket' | 'computeHours'>,
  params: SellHoursParams,
): Promise<{ proceedsUsdc6: bigint; feeUsdc6: bigint; minProceedsUsdc6: bigint }> {
  const { hourId, hours, slippageBps } = params;
  checkHourId(hourId);
  checkPositive(hours, 'hours');
  checkSlippageBps(slippageBps);
  const recipient = params.recipient ?? clients.account.address;
  checkAddress(recipient, 'recipient');
  checkDeadline(params.deadline);

  const market = { address: deployment.hourMarket, abi: hourMarketAbi } as const;
  const quote = await quoteSell(clients, deployment, hourId, hours);
  const minProceedsUsdc6 = minWithSlippage(quote, slippageBps);
  await ensureHoursApproval(clients, deployment.computeHours, deployment.hourMarket);
  const { receipt } = await transact(clients, {
    ...market,
    functionName: 'sell',
    args: [hourId, hours, minProceedsUsdc6, recipient, await deadlineOrDefault(clients, params.deadline)],
  });
  const { args } = findEvent(receipt, deployment.hourMarket, hourMarketAbi, 'Sold');
  return { proceedsUsdc6: args.proceedsUsdc6, feeUsdc6: args.feeUsdc6, minProceedsUsdc6 };
}
