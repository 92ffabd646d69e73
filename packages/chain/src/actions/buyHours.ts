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
  ensureAllowance,
  maxWithSlippage,
} from '../market.ts';
import { quoteBuy } from './marketView.ts';

export interface BuyHoursParams {
  hourId: bigint;
  /** Exact hours to buy. */
  hours: bigint;
  /** Tolerated rise of the cost above the quote, in basis points (0 to 10,000). */
  slippageBps: number;
  /** Receives the hours; defaults to the caller. */
  recipient?: Address;
  deadline?: bigint;
}

/**
 * Buys exactly `hours` hours of `hourId` while its market is Upcoming: quotes the cost (fee included), approves the
 * market for the quote plus `slippageBps` and buys with that as the maximum. Resolves to the cost paid and the fee in
 * it, from the Bought event.
 */
export async function buyHours(
  clients: Clients,
  deployment: Pick<Deployment, 'hourMarket' | 'settlementToken'>,
  params: BuyHoursParams,
): Promise<{ costUsdc6: bigint; feeUsdc6: bigint; maxCostUsdc6: bigint }> {
  const { hourId, hours, slippageBps } = params;
  checkHourId(hourId);
  checkPositive(hours, 'hours');
  checkSlippageBps(slippageBps);
  const recipient = params.recipient ?? clients.account.address;
  checkAddress(recipient, 'recipient');
  checkDeadline(params.deadline);

  const market = { address: deployment.hourMarket, abi: hourMarketAbi } as const;
  const quote = await quoteBuy(clients, deployment, hourId, hours);
  const maxCostUsdc6 = maxWithSlippage(quote, slippageBps);
  await ensureAllowance(clients, deployment.settlementToken, deployment.hourMarket, maxCostUsdc6);
  const { receipt } = await transact(clients, {
    ...market,
    functionName: 'buy',
    args: [hourId, hours, maxCostUsdc6, recipient, await deadlineOrDefault(clients, params.deadline)],
  });
  const { args } = findEvent(receipt, deployment.hourMarket, hourMarketAbi, 'Bought');
  return { costUsdc6: args.costUsdc6, feeUsdc6: args.feeUsdc6, maxCostUsdc6 };
}
