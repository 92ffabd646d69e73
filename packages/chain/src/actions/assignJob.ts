import type { Hex } from 'viem';
import { jobMarketAbi } from '@greenhour/contracts';
import type { Clients } from '../clients.ts';
import type { Deployment } from '../deployments.ts';
import { findEvent, transact } from '../transact.ts';

export type PlacementRequest = { nodeId: bigint; classId: number; slot: number; gpuHours: number };

/**
 * The scheduler's assignment (its account holds SCHEDULER_ROLE): buys each placement's hours on the hour market within
 * the job's price cap and refunds the rest of the budget. Placements sorted by (slot, node); `aggregatorNodeId` 0n
 * unless a sharded job runs on several nodes. Resolves to what the hours cost and what went back to the buyer.
 */
export async function assignJob(
  clients: Clients,
  deployment: Pick<Deployment, 'jobMarket'>,
  jobId: bigint,
  placements: readonly PlacementRequest[],
  aggregatorNodeId = 0n,
): Promise<{ spentUsdc6: bigint; refundUsdc6: bigint; txHash: Hex }> {
  if (placements.length === 0) throw new Error('placements: at least one');
  const { receipt } = await transact(clients, {
    address: deployment.jobMarket,
    abi: jobMarketAbi,
    functionName: 'assign',
    args: [jobId, placements, aggregatorNodeId],
  });
  const { args } = findEvent(receipt, deployment.jobMarket, jobMarketAbi, 'JobAssigned');
  return { spentUsdc6: args.spentUsdc6, refundUsdc6: args.refundUsdc6, txHash: receipt.transactionHash };
}
