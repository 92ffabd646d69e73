import { jobMarketAbi } from '@greenhour/contracts';
import type { Clients } from '../clients.ts';
import type { Deployment } from '../deployments.ts';
import { JOB_KINDS, type JobKind } from './postJob.ts';

const STATUSES = ['none', 'open', 'assigned', 'cancelled', 'expired', 'settled'] as const;
const PLACEMENT_STATUSES = ['bought', 'redeemed', 'settled'] as const;
const KIND_NAMES = Object.keys(JOB_KINDS) as JobKind[];

export type JobView = {
  jobId: bigint;
  buyer: `0x${string}`;
  kind: JobKind;
  status: (typeof STATUSES)[number];
  gpuHours: number;
  minClassId: number;
  earliestSlot: number;
  deadlineSlot: number;
  minGreenShareBps: number;
  maxPricePerGpuHourUsdc6: bigint;
  shardable: boolean;
  aggregatorNodeId: bigint;
  /** Escrowed for hours while open; 0 once assigned. */
  budgetUsdc6: bigint;
  /** Incentive still escrowed. */
  incentiveUsdc6: bigint;
  spentUsdc6: bigint;
  placements: {
    nodeId: bigint;
    classId: number;
    slot: number;
    gpuHours: number;
    status: (typeof PLACEMENT_STATUSES)[number];
    redemptionId: bigint;
  }[];
};

/** A job and its placements as the chain holds them; throws `jobId: unknown job` for an id never posted. */
export async function jobView(
  { publicClient }: Clients,
  deployment: Pick<Deployment, 'jobMarket'>,
  jobId: bigint,
): Promise<JobView> {
  const c = { address: deployment.jobMarket, abi: jobMarketAbi } as const;
  const j = await publicClient.readContract({ ...c, functionName: 'job', args: [jobId] });
  if (j.status === 0) throw new Error(`jobId: unknown job ${jobId}`);
  const placements = await Promise.all(
    Array.from({ length: j.placementCount }, (_, i) =>
      publicClient.readContract({ ...c, functionName: 'placement', args: [jobId, BigInt(i)] }),
    ),
  );
  return {
    jobId,
    buyer: j.buyer,
    kind: KIND_NAMES[j.kind]!,
    status: STATUSES[j.status]!,
    gpuHours: j.gpuHours,
    minClassId: j.minClassId,
    earliestSlot: j.earliestSlot,
    deadlineSlot: j.deadlineSlot,
    minGreenShareBps: j.minGreenShareBps,
    maxPricePerGpuHourUsdc6: j.maxPricePerGpuHourUsdc6,
    shardable: j.shardable,
    aggregatorNodeId: j.aggregatorNodeId,
    budgetUsdc6: j.budgetUsdc6,
    incentiveUsdc6: j.incentiveUsdc6,
    spentUsdc6: j.spentUsdc6,
    placements: placements.map((p) => ({
      nodeId: p.nodeId,
      classId: p.classId,
      slot: p.slot,
      gpuHours: p.gpuHours,
      status: PLACEMENT_STATUSES[p.status]!,
      redemptionId: p.redemptionId,
    })),
  };
}
