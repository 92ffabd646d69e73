// The keeper's record of each assigned job's plan (table job_plans): what its node-hours were expected to use and emit.
import type { Sql } from '@greenhour/store';
import type { CarbonAccount } from './accounting.ts';
import type { JobPlan } from './plan.ts';

/** A plan as stored and served: ids and amounts as decimal strings. */
export interface StoredPlan {
  jobId: string;
  plannedAt: number;
  txHash: string;
  aggregatorNodeId: string;
  costUsdc6AtQuote: string;
  hours: {
    nodeId: string;
    classId: number;
    slot: number;
    zone: string;
    gpuHours: number;
    energyWh: number;
    greenWh: number;
    carbonGPerKwh: number;
    priceUsdc6PerHour: string;
  }[];
  expected: CarbonAccount;
}

export function toStoredPlan(jobId: bigint, plannedAt: number, txHash: string, plan: JobPlan): StoredPlan {
  return {
    jobId: jobId.toString(),
    plannedAt,
    txHash,
    aggregatorNodeId: plan.aggregatorNodeId.toString(),
    costUsdc6AtQuote: plan.costUsdc6AtQuote.toString(),
    hours: plan.hours.map((h) => ({
      ...h,
      nodeId: h.nodeId.toString(),
      priceUsdc6PerHour: h.priceUsdc6PerHour.toString(),
    })),
    expected: plan.expected,
  };
}

export async function saveJobPlan(
  db: Sql,
  chainId: number,
  jobId: bigint,
  plannedAt: number,
  txHash: string,
  plan: JobPlan,
): Promise<void> {
  await db.query(
    `INSERT INTO job_plans (chain_id, job_id, planned_at, tx_hash, plan) VALUES ($1, $2, $3, $4, $5)
     ON CONFLICT (chain_id, job_id) DO NOTHING`,
    [chainId, jobId.toString(), plannedAt, txHash, JSON.stringify(toStoredPlan(jobId, plannedAt, txHash, plan))],
  );
}

export async function loadJobPlans(
  db: Sql,
  chainId: number,
  jobIds: readonly string[],
): Promise<Map<string, StoredPlan>> {
  if (jobIds.length === 0) return new Map();
  const rows = await db.query<{ job_id: string; plan: unknown }>(
    `SELECT job_id::TEXT AS job_id, plan FROM job_plans WHERE chain_id = $1 AND job_id = ANY($2::NUMERIC[])`,
    [chainId, jobIds],
  );
  return new Map(rows.map((r) => [r.job_id, (typeof r.plan === 'string' ? JSON.parse(r.plan) : r.plan) as StoredPlan]));
}
