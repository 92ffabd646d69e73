import type { Address } from 'viem';
import { hourMarketAbi, hourRouterAbi } from '@greenhour/contracts';
import type { Clients } from '../clients.ts';
import type { Deployment } from '../deployments.ts';
import { findEvent, findEvents, transact } from '../transact.ts';
import {
  checkAddress,
  checkClassId,
  checkDeadline,
  checkPositive,
  checkSlippageBps,
  checkSlot,
  deadlineOrDefault,
  decodeHourId,
  ensureAllowance,
  maxWithSlippage,
} from '../market.ts';

/** The router's bound on a bundle's span (MAX_BUNDLE_SLOTS): one week of slots. */
export const MAX_BUNDLE_SLOTS = 168;

export interface BundleSpec {
  classId: number;
  /** First and last slot of the range, inclusive. */
  fromSlot: number;
  toSlot: number;
  /** Hours wanted in all, spread over the range at the lowest total cost. */
  hours: bigint;
}

export interface BuyBundleParams extends BundleSpec {
  /** Tolerated rise of the total above the quote, in basis points (0 to 10,000). */
  slippageBps: number;
  /** Receives the hours; defaults to the caller. */
  recipient?: Address;
  deadline?: bigint;
}

function checkBundle(spec: BundleSpec): void {
  checkClassId(spec.classId);
  checkSlot(spec.fromSlot, 'fromSlot');
  checkSlot(spec.toSlot, 'toSlot');
  if (spec.toSlot < spec.fromSlot) throw new Error(`toSlot: ${spec.toSlot} is before fromSlot ${spec.fromSlot}`);
  if (spec.toSlot - spec.fromSlot + 1 > MAX_BUNDLE_SLOTS)
    throw new Error(`toSlot: the range spans ${spec.toSlot - spec.fromSlot + 1} slots, at most ${MAX_BUNDLE_SLOTS}`);
  checkPositive(spec.hours, 'hours');
}

/** The router's cheapest split of a bundle now: hours per slot (index 0 = fromSlot) and the total, fees included. */
export async function quoteBundle(
  clients: Clients,
  deployment: Pick<Deployment, 'hourRouter'>,
  spec: BundleSpec,
): Promise<{ hoursPerSlot: bigint[]; totalCostUsdc6: bigint }> {
  checkBundle(spec);
  const [hoursPerSlot, totalCostUsdc6] = await clients.publicClient.readContract({
    address: deployment.hourRouter,
    abi: hourRouterAbi,
    functionName: 'quoteBundle',
    args: [spec.classId, spec.fromSlot, spec.toSlot, spec.hours],
  });
  return { hoursPerSlot: [...hoursPerSlot], totalCostUsdc6 };
}

/**
 * Buys `hours` hours of a class spread over slots [fromSlot, toSlot] through the router: quotes the bundle, approves
 * the router for the total plus `slippageBps` and buys with that as the maximum. Resolves to what each slot's market
 * sold and charged (from its Bought events) and the total (from BundleBought).
 */
export async function buyBundle(
  clients: Clients,
  deployment: Pick<Deployment, 'hourRouter' | 'hourMarket' | 'settlementToken'>,
  params: BuyBundleParams,
): Promise<{
  hoursPerSlot: bigint[];
  costPerSlotUsdc6: bigint[];
  totalCostUsdc6: bigint;
  maxTotalUsdc6: bigint;
}> {
  checkBundle(params);
  checkSlippageBps(params.slippageBps);
  const recipient = params.recipient ?? clients.account.address;
  checkAddress(recipient, 'recipient');
  checkDeadline(params.deadline);

  const { totalCostUsdc6: quote } = await quoteBundle(clients, deployment, params);
  const maxTotalUsdc6 = maxWithSlippage(quote, params.slippageBps);
  await ensureAllowance(clients, deployment.settlementToken, deployment.hourRouter, maxTotalUsdc6);
  const { receipt } = await transact(clients, {
    address: deployment.hourRouter,
    abi: hourRouterAbi,
    functionName: 'buyBundle',
    args: [
      params.classId,
      params.fromSlot,
      params.toSlot,
      params.hours,
      maxTotalUsdc6,
      recipient,
      await deadlineOrDefault(clients, params.deadline),
    ],
  });
  const span = params.toSlot - params.fromSlot + 1;
  const hoursPerSlot = new Array<bigint>(span).fill(0n);
  const costPerSlotUsdc6 = new Array<bigint>(span).fill(0n);
  for (const { args } of findEvents(receipt, deployment.hourMarket, hourMarketAbi, 'Bought')) {
    const i = decodeHourId(args.hourId).slot - params.fromSlot;
    hoursPerSlot[i]! += args.hoursOut;
    costPerSlotUsdc6[i]! += args.costUsdc6;
  }
  const { args } = findEvent(receipt, deployment.hourRouter, hourRouterAbi, 'BundleBought');
  return { hoursPerSlot, costPerSlotUsdc6, totalCostUsdc6: args.costUsdc6, maxTotalUsdc6 };
}
