import type { Address, Hex } from 'viem';
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

export type BuyHoursParams = {
  hourId: bigint;
  /** Exact hours to buy. */
  hours: bigint;
  /** Receives the hours; defaults to the caller. */
  recipient?: Address;
  deadline?: bigint;
} & (
  | {
      /** Tolerated rise of the cost above the quote, in basis points (0 to 10,000). */
      slippageBps: number;
      maxCostUsdc6?: undefined;
    }
  | {
      /** The most the buyer pays, fee included, whatever the quote (the buy reverts CostAboveMax above it). */
      maxCostUsdc6: bigint;
      slippageBps?: undefined;
    }
);

/**
 * Buys exactly `hours` hours of `hourId` while its market is Upcoming: quotes the cost (fee included), approves the
 * market for the quote plus `slippageBps` (or for `maxCostUsdc6`) and buys with that as the maximum. Resolves to the
 * cost paid and the fee in it, from the Bought event, and the buy's transaction hash.
 */
export async function buyHours(
  clients: Clients,
  deployment: Pick<Deployment, 'hourMarket' | 'settlementToken'>,
  params: BuyHoursParams,
): Promise<{ costUsdc6: bigint; feeUsdc6: bigint; maxCostUsdc6: bigint; txHash: Hex }> {
  const { hourId, hours, slippageBps } = params;
  checkHourId(hourId);
  checkPositive(hours, 'hours');
  if (params.maxCostUsdc6 === undefined) checkSlippageBps(slippageBps);
  else if (slippageBps !== undefined) throw new Error('slippageBps: give slippageBps or maxCostUsdc6, not both');
  else checkPositive(params.maxCostUsdc6, 'maxCostUsdc6');
  const recipient = params.recipient ?? clients.account.address;
  checkAddress(recipient, 'recipient');
  checkDeadline(params.deadline);

  const market = { address: deployment.hourMarket, abi: hourMarketAbi } as const;
  const maxCostUsdc6 =
    params.maxCostUsdc6 ?? maxWithSlippage(await quoteBuy(clients, deployment, hourId, hours), slippageBps!);
  await ensureAllowance(clients, deployment.settlementToken, deployment.hourMarket, maxCostUsdc6);
  const { receipt } = await transact(clients, {
    ...market,
    functionName: 'buy',
    args: [hourId, hours, maxCostUsdc6, recipient, await deadlineOrDefault(clients, params.deadline)],
  });
  const { args } = findEvent(receipt, deployment.hourMarket, hourMarketAbi, 'Bought');
  return { costUsdc6: args.costUsdc6, feeUsdc6: args.feeUsdc6, maxCostUsdc6, txHash: receipt.transactionHash };
}
