import type { Address } from 'viem';
import { hourMarketAbi, hourRouterAbi } from '@greenhour/contracts';
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

export interface SellBasketParams {
  /** Hours of the caller to sell, each id once; every market must still be Upcoming. */
  basket: readonly { hourId: bigint; hours: bigint }[];
  /**
   * Tolerated fall of the total below the quote, in basis points (0 to 10,000). Within the decay horizon the next
   * block pays a little less than the quote, so 0 then reverts with Slippage.
   */
  slippageBps: number;
  /** Receives the proceeds; defaults to the caller. */
  recipient?: Address;
  deadline?: bigint;
}

/**
 * Sells a basket of hours back through the router with one bound on the total: quotes each market (they are
 * independent, so the sum is the basket's quote), lets the router move the caller's hours if it may not yet, and sells
 * for at least the total less `slippageBps`. Resolves to the proceeds, from the BasketSold event.
 */
export async function sellBasket(
  clients: Clients,
  deployment: Pick<Deployment, 'hourRouter' | 'hourMarket' | 'computeHours'>,
  params: SellBasketParams,
): Promise<{ proceedsUsdc6: bigint; minTotalUsdc6: bigint }> {
  const { basket, slippageBps } = params;
  if (!Array.isArray(basket) || basket.length === 0) throw new Error('basket: at least one hour id is required');
  const ids = new Set<bigint>();
  basket.forEach((item, i) => {
    checkHourId(item.hourId, `basket[${i}].hourId`);
    checkPositive(item.hours, `basket[${i}].hours`);
    if (ids.has(item.hourId)) throw new Error(`basket[${i}].hourId: ${item.hourId} is already in the basket`);
    ids.add(item.hourId);
  });
  checkSlippageBps(slippageBps);
  const recipient = params.recipient ?? clients.account.address;
  checkAddress(recipient, 'recipient');
  checkDeadline(params.deadline);

  const quotes = await Promise.all(
    basket.map((item) =>
      clients.publicClient.readContract({
        address: deployment.hourMarket,
        abi: hourMarketAbi,
        functionName: 'quoteSell',
        args: [item.hourId, item.hours],
      }),
    ),
  );
  const minTotalUsdc6 = minWithSlippage(
    quotes.reduce((a, b) => a + b, 0n),
    slippageBps,
  );
  await ensureHoursApproval(clients, deployment.computeHours, deployment.hourRouter);
  const { receipt } = await transact(clients, {
    address: deployment.hourRouter,
    abi: hourRouterAbi,
    functionName: 'sellBasket',
    args: [
      basket.map((item) => item.hourId),
      basket.map((item) => item.hours),
      minTotalUsdc6,
      recipient,
      await deadlineOrDefault(clients, params.deadline),
    ],
  });
  const { args } = findEvent(receipt, deployment.hourRouter, hourRouterAbi, 'BasketSold');
  return { proceedsUsdc6: args.proceedsUsdc6, minTotalUsdc6 };
}
