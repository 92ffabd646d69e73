import type { Hex } from 'viem';
import { jobMarketAbi } from '@greenhour/contracts';
import type { Clients } from '../clients.ts';
import type { Deployment } from '../deployments.ts';
import { findEvent, transact } from '../transact.ts';
import { checkClassId, checkNonNegative, checkPositive, checkSlot, ensureAllowance } from '../market.ts';

export const JOB_KINDS = { inference: 0, training: 1, rendering: 2 } as const;
export type JobKind = keyof typeof JOB_KINDS;

export type PostJobParams = {
  kind: JobKind;
  /** keccak256 of the job spec (module, input, parameters); the URI is where it can be fetched. */
  specHash: Hex;
  specUri: string;
  gpuHours: number;
  minClassId: number;
  /** The job runs in slots [earliestSlot, deadlineSlot); slots are floor(UTC s / 3600). */
  earliestSlot: number;
  deadlineSlot: number;
  /** Measured own-green share each serving node-hour must reach for its node to earn the incentive, 0..10,000. */
  minGreenShareBps: number;
  maxPricePerGpuHourUsdc6: bigint;
  incentiveUsdc6: bigint;
  shardable: boolean;
};

/**
 * Posts a job: approves the job market for gpuHours × maxPricePerGpuHourUsdc6 + incentiveUsdc6 (what the contract
 * escrows) and sends `post`. Resolves to the job id from the JobPosted event and the escrowed amount.
 */
export async function postJob(
  clients: Clients,
  deployment: Pick<Deployment, 'jobMarket' | 'settlementToken'>,
  params: PostJobParams,
): Promise<{ jobId: bigint; escrowUsdc6: bigint; txHash: Hex }> {
  if (!(params.kind in JOB_KINDS)) throw new Error(`kind: one of ${Object.keys(JOB_KINDS).join(', ')}`);
  if (!/^0x[0-9a-fA-F]{64}$/.test(params.specHash)) throw new Error('specHash: 32 bytes as 0x-prefixed hex');
  if (typeof params.specUri !== 'string' || params.specUri.length === 0) throw new Error('specUri: required');
  if (!Number.isInteger(params.gpuHours) || params.gpuHours < 1 || params.gpuHours > 65_536)
    throw new Error(`gpuHours: an integer from 1 to 65,536, got ${String(params.gpuHours)}`);
  checkClassId(params.minClassId, 'minClassId');
  checkSlot(params.earliestSlot, 'earliestSlot');
  checkSlot(params.deadlineSlot, 'deadlineSlot');
  if (params.deadlineSlot <= params.earliestSlot) throw new Error('deadlineSlot: must be after earliestSlot');
  if (!Number.isInteger(params.minGreenShareBps) || params.minGreenShareBps < 0 || params.minGreenShareBps > 10_000)
    throw new Error('minGreenShareBps: an integer from 0 to 10,000');
  checkPositive(params.maxPricePerGpuHourUsdc6, 'maxPricePerGpuHourUsdc6');
  checkNonNegative(params.incentiveUsdc6, 'incentiveUsdc6');

  const escrowUsdc6 = BigInt(params.gpuHours) * params.maxPricePerGpuHourUsdc6 + params.incentiveUsdc6;
  await ensureAllowance(clients, deployment.settlementToken, deployment.jobMarket, escrowUsdc6);
  const { receipt } = await transact(clients, {
    address: deployment.jobMarket,
    abi: jobMarketAbi,
    functionName: 'post',
    args: [{ ...params, kind: JOB_KINDS[params.kind] }],
  });
  const { args } = findEvent(receipt, deployment.jobMarket, jobMarketAbi, 'JobPosted');
  return { jobId: args.jobId, escrowUsdc6, txHash: receipt.transactionHash };
}
