import type { Address, Hex } from 'viem';
import { hourMarketAbi } from '@greenhour/contracts';
import type { Clients } from '../clients.ts';
import type { Deployment } from '../deployments.ts';
import { findEvent, transact } from '../transact.ts';
import {
  checkAddress,
  checkDeadline,
  checkHourId,
  checkNonNegative,
  checkPositive,
  checkSlippageBps,
  deadlineOrDefault,
  ensureHoursApproval,
  minWithSlippage,
} from '../market.ts';
import { quoteSell } from './marketView.ts';

export type SellHoursParams = {
  hourId: bigint;
  /** Exact hours of the caller to sell. */
  hours: bigint;
  /** Receives the proceeds; defaults to the caller. */
  recipient?: Address;
  deadline?: bigint;
} & (
  | {
      /**
       * Tolerated fall of the proceeds below the quote, in basis points (0 to 10,000). Within the decay horizon a unit
       * loses value every second, so the next block pays a little less than the quote: 0 then reverts ProceedsBelowMin.
       */
      slippageBps: number;
      minProceedsUsdc6?: undefined;
    }
  | {
      /** The least the seller accepts, after the fee, whatever the quote (the sell reverts ProceedsBelowMin below). */
      minProceedsUsdc6: bigint;
      slippageBps?: undefined;
    }
);

/**
 * Sells exactly `hours` hours of `hourId` back to its market before the slot: quotes the proceeds (after fee), lets the
 * market move the caller's hours if it may not yet, and sells for at least the quote less `slippageBps` (or at least
 * `minProceedsUsdc6`). Resolves to the proceeds and the fee, from the Sold event, and the sell's transaction hash.
 */
export async function sellHours(
  clients: Clients,
  deployment: Pick<Deployment, 'hourMarket' | 'computeHours'>,
  params: SellHoursParams,
): Promise<{ proceedsUsdc6: bigint; feeUsdc6: bigint; minProceedsUsdc6: bigint; txHash: Hex }> {
  const { hourId, hours, slippageBps } = params;
  checkHourId(hourId);
  checkPositive(hours, 'hours');
  if (params.minProceedsUsdc6 === undefined) checkSlippageBps(slippageBps);
  else if (slippageBps !== undefined) throw new Error('slippageBps: give slippageBps or minProceedsUsdc6, not both');
  else checkNonNegative(params.minProceedsUsdc6, 'minProceedsUsdc6');
  const recipient = params.recipient ?? clients.account.address;
  checkAddress(recipient, 'recipient');
  checkDeadline(params.deadline);

  const market = { address: deployment.hourMarket, abi: hourMarketAbi } as const;
  const minProceedsUsdc6 =
    params.minProceedsUsdc6 ?? minWithSlippage(await quoteSell(clients, deployment, hourId, hours), slippageBps!);
  await ensureHoursApproval(clients, deployment.computeHours, deployment.hourMarket);
  const { receipt } = await transact(clients, {
    ...market,
    functionName: 'sell',
    args: [hourId, hours, minProceedsUsdc6, recipient, await deadlineOrDefault(clients, params.deadline)],
  });
  const { args } = findEvent(receipt, deployment.hourMarket, hourMarketAbi, 'Sold');
  return {
    proceedsUsdc6: args.proceedsUsdc6,
    feeUsdc6: args.feeUsdc6,
    minProceedsUsdc6,
    txHash: receipt.transactionHash,
  };
}
