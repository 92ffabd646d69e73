// A job as users see it: the chain's record (status, placements, money), the keeper's plan with its expected carbon
// account, the measured account from the attested node-hours that served it, where its nodes are, and its timeline of
// events. The measured account takes each placement's share of its node's attested GPU energy in the slot (the job's
// GPU-hours over the node's GPUs), split into own green and grid by the node-hour's attested green share, with the
// zone's actual intensity of that hour; a placement whose node-hour is not attested yet is not in it (hoursMeasured).
import type { JobView } from '@greenhour/chain';
import { decodeGeohash } from '@greenhour/fleet';
import type { Database } from '@greenhour/store';
import { carbonAccount, type CarbonAccount, type HourEnergy } from './accounting.ts';
import type { ZoneOutlook } from './outlook.ts';
import { loadJobPlans, type StoredPlan } from './plans.ts';
import { zoneOfGeohash } from './state.ts';

export interface PlacementReport {
  index: number;
  nodeId: string;
  classId: number;
  slot: number;
  gpuHours: number;
  status: JobView['placements'][number]['status'];
  zone: string | null;
  latDeg: number | null;
  lonDeg: number | null;
  /** From PlacementSettled: null until settled. */
  delivered: boolean | null;
  greenEnough: boolean | null;
  incentiveToNodeUsdc6: string | null;
}

export interface TimelineEntry {
  event: string;
  blockNumber: number;
  timestamp: number;
  txHash: string;
  args: Record<string, unknown>;
}

export interface JobReport {
  jobId: string;
  buyer: string;
  kind: JobView['kind'];
  status: JobView['status'];
  gpuHours: number;
  minClassId: number;
  earliestSlot: number;
  deadlineSlot: number;
  minGreenShareBps: number;
  maxPricePerGpuHourUsdc6: string;
  shardable: boolean;
  aggregatorNodeId: string;
  budgetUsdc6: string;
  incentiveUsdc6: string;
  spentUsdc6: string;
  placements: PlacementReport[];
  plan: StoredPlan | null;
  expected: CarbonAccount | null;
  measured: (CarbonAccount & { hoursMeasured: number; hoursPlaced: number }) | null;
  timeline: TimelineEntry[];
  /** Why an open job is still waiting, as the keeper found at its last look; null otherwise. */
  waitingReason: string | null;
}

interface NodeHourRow {
  node_id: string;
  slot: string;
  green_wh: string;
  grid_wh: string;
  gpu_wh: string;
}

interface EventRow {
  event: string;
  block_number: string;
  block_timestamp: string;
  tx_hash: string;
  args: unknown;
}

const parse = (v: unknown) => (typeof v === 'string' ? JSON.parse(v) : v) as Record<string, unknown>;

/** Reports of `jobs` (as read from the chain) with their plans, measured accounts, node places and timelines. */
export async function jobReports(
  db: Database,
  chainId: number,
  outlook: ZoneOutlook,
  jobs: readonly JobView[],
  waitingReason: (jobId: bigint) => string | undefined = () => undefined,
): Promise<JobReport[]> {
  const ids = jobs.map((j) => j.jobId.toString());
  const plans = await loadJobPlans(db, chainId, ids);
  const events =
    ids.length === 0
      ? []
      : await db.query<EventRow>(
          `SELECT event, block_number::TEXT AS block_number, block_timestamp::TEXT AS block_timestamp, tx_hash, args
             FROM chain_events WHERE chain_id = $1 AND contract = 'JobMarket' AND args->>'jobId' = ANY($2::TEXT[])
            ORDER BY block_number, log_index`,
          [chainId, ids],
        );
  const nodeIds = [...new Set(jobs.flatMap((j) => j.placements.map((p) => p.nodeId.toString())))];
  const nodeRows =
    nodeIds.length === 0
      ? []
      : await db.query<{ node_id: string; spec: unknown }>(
          `SELECT node_id::TEXT AS node_id, spec FROM idx_nodes WHERE chain_id = $1 AND node_id = ANY($2::NUMERIC[])`,
          [chainId, nodeIds],
        );
  const nodes = new Map(
    nodeRows.map((r) => {
      const spec = parse(r.spec) as { geohash: `0x${string}`; gpuCount: number };
      const zone = zoneOfGeohash(spec.geohash) ?? null;
      let place: { latDeg: number; lonDeg: number } | null = null;
      try {
        const text = Buffer.from(spec.geohash.slice(2), 'hex').toString('latin1').replace(/\0+$/, '');
        const cell = decodeGeohash(text);
        place = { latDeg: cell.latDeg, lonDeg: cell.lonDeg };
      } catch {
        place = null;
      }
      return [r.node_id, { zone, place, gpuCount: spec.gpuCount }];
    }),
  );
  const attested =
    nodeIds.length === 0
      ? []
      : await db.query<NodeHourRow>(
          `SELECT node_id::TEXT AS node_id, slot::TEXT AS slot, green_wh::TEXT AS green_wh, grid_wh::TEXT AS grid_wh,
                  gpu_wh::TEXT AS gpu_wh
             FROM node_hours WHERE node_id = ANY($1::BIGINT[])`,
          [nodeIds],
        );
  const nodeHours = new Map(attested.map((r) => [`${r.node_id}:${r.slot}`, r]));

  return jobs.map((job) => {
    const id = job.jobId.toString();
    const mine = events.filter((e) => parse(e.args).jobId === id);
    const settledOf = new Map(
      mine.filter((e) => e.event === 'PlacementSettled').map((e) => [Number(parse(e.args).index), parse(e.args)]),
    );
    const measuredHours: HourEnergy[] = [];
    const placements = job.placements.map((p, index): PlacementReport => {
      const node = nodes.get(p.nodeId.toString());
      const row = nodeHours.get(`${p.nodeId}:${p.slot}`);
      if (row !== undefined && node !== undefined && node.zone !== null && node.gpuCount > 0) {
        const energyWh = Math.floor((Number(row.gpu_wh) * p.gpuHours) / node.gpuCount);
        const total = Number(row.green_wh) + Number(row.grid_wh);
        const greenWh = total === 0 ? 0 : Math.floor((energyWh * Number(row.green_wh)) / total);
        measuredHours.push({
          gpuHours: p.gpuHours,
          energyWh,
          greenWh,
          carbonGPerKwh: outlook.actual(node.zone, p.slot).carbonGPerKwh,
        });
      }
      const settled = settledOf.get(index);
      return {
        index,
        nodeId: p.nodeId.toString(),
        classId: p.classId,
        slot: p.slot,
        gpuHours: p.gpuHours,
        status: p.status,
        zone: node?.zone ?? null,
        latDeg: node?.place?.latDeg ?? null,
        lonDeg: node?.place?.lonDeg ?? null,
        delivered: settled === undefined ? null : Boolean(settled.delivered),
        greenEnough: settled === undefined ? null : Boolean(settled.greenEnough),
        incentiveToNodeUsdc6: settled === undefined ? null : String(settled.incentiveToNodeUsdc6),
      };
    });
    const plan = plans.get(id) ?? null;
    return {
      jobId: id,
      buyer: job.buyer,
      kind: job.kind,
      status: job.status,
      gpuHours: job.gpuHours,
      minClassId: job.minClassId,
      earliestSlot: job.earliestSlot,
      deadlineSlot: job.deadlineSlot,
      minGreenShareBps: job.minGreenShareBps,
      maxPricePerGpuHourUsdc6: job.maxPricePerGpuHourUsdc6.toString(),
      shardable: job.shardable,
      aggregatorNodeId: job.aggregatorNodeId.toString(),
      budgetUsdc6: job.budgetUsdc6.toString(),
      incentiveUsdc6: job.incentiveUsdc6.toString(),
      spentUsdc6: job.spentUsdc6.toString(),
      placements,
      plan,
      expected: plan?.expected ?? null,
      measured:
        measuredHours.length === 0
          ? null
          : {
              ...carbonAccount(measuredHours),
              hoursMeasured: measuredHours.length,
              hoursPlaced: job.placements.length,
            },
      waitingReason: job.status === 'open' ? (waitingReason(job.jobId) ?? null) : null,
      timeline: mine.map((e) => ({
        event: e.event,
        blockNumber: Number(e.block_number),
        timestamp: Number(e.block_timestamp),
        txHash: e.tx_hash,
        args: parse(e.args),
      })),
    };
  });
}
