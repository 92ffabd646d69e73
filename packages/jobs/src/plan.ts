// One open job planned on what the chain offers now: the node-hours of eligible classes that have hours for sale on
// the market and owe them (outstanding), each with its forecast own green energy and zone intensity, solved by the
// scheduler's heuristic (EDF greedy, gang placement for sharded jobs), and turned into the job market's placement
// requests with the expected carbon account. Pure: the keeper (keeper.ts) reads the chain and sends the assignment.
import { scheduleHeuristic, type NodeHour, type SiteKind } from '@greenhour/scheduler';
import { carbonAccount, type CarbonAccount } from './accounting.ts';
import type { SlotOutlook } from './outlook.ts';

/** A job as the chain holds it, the fields planning needs. */
export interface OpenJob {
  jobId: bigint;
  kind: 'inference' | 'training' | 'rendering';
  gpuHours: number;
  earliestSlot: number;
  deadlineSlot: number;
  minGreenShareBps: number;
  maxPricePerGpuHourUsdc6: bigint;
  shardable: boolean;
}

/** A registered node as planning sees it. */
export interface FleetNode {
  nodeId: bigint;
  classId: number;
  /** Grid zone of its site; undefined when it lies in no zone the project has data for (not planned on). */
  zone: string | undefined;
  siteType: SiteKind;
  gpuCount: number;
  /** Board power of one GPU, W (= Wh per GPU-hour). */
  gpuPowerW: number;
  pvWp: number;
}

/** Hours of (classId, slot) for sale on the market, at the price of the next one (fee included). */
export interface Offer {
  classId: number;
  slot: number;
  hoursForSale: number;
  priceUsdc6PerHour: bigint;
}

export interface PlanInput {
  job: OpenJob;
  /** Nodes whose class meets the job's minimum class (the job market's `meetsClass`). */
  nodes: readonly FleetNode[];
  offers: readonly Offer[];
  /** Hours the node owes in the slot that no other job has claimed yet. */
  freeHours: (nodeId: bigint, slot: number) => number;
  outlook: (zone: string, slot: number) => SlotOutlook;
  /** First slot whose hours can still be bought (the market sells a slot only before it starts). */
  firstBuyableSlot: number;
  carbonPriceUsdPerT?: number;
}

export interface PlannedHour {
  nodeId: bigint;
  classId: number;
  slot: number;
  zone: string;
  gpuHours: number;
  energyWh: number;
  greenWh: number;
  carbonGPerKwh: number;
  priceUsdc6PerHour: bigint;
}

export interface JobPlan {
  /** Sorted by (slot, node), one per node-hour: what `assign` takes. */
  placements: { nodeId: bigint; classId: number; slot: number; gpuHours: number }[];
  /** The 2B node aggregating a sharded job spread over several nodes; 0n when one node serves it. */
  aggregatorNodeId: bigint;
  hours: PlannedHour[];
  expected: CarbonAccount;
  /** Σ hours × the next hour's price: a lower bound of the cost (the curve rises as hours are bought). */
  costUsdc6AtQuote: bigint;
}

export type PlanResult = { plan: JobPlan } | { unplaced: string };

/** Plans one job; `unplaced` says why no placement exists now (the keeper tries again as hours and forecasts move). */
export function planJob(input: PlanInput): PlanResult {
  const { job } = input;
  const offers = new Map(input.offers.map((o) => [`${o.classId}:${o.slot}`, o]));
  const nodeHours: NodeHour[] = [];
  const byKey = new Map<string, { node: FleetNode; offer: Offer; outlook: SlotOutlook }>();
  const from = Math.max(job.earliestSlot, input.firstBuyableSlot);
  for (const node of input.nodes) {
    if (node.zone === undefined) continue;
    for (let slot = from; slot < job.deadlineSlot; slot++) {
      const offer = offers.get(`${node.classId}:${slot}`);
      if (offer === undefined || offer.hoursForSale <= 0) continue;
      const freeGpus = Math.min(input.freeHours(node.nodeId, slot), offer.hoursForSale, node.gpuCount);
      if (freeGpus <= 0) continue;
      const outlook = input.outlook(node.zone, slot);
      byKey.set(`${node.nodeId}:${slot}`, { node, offer, outlook });
      nodeHours.push({
        nodeId: node.nodeId.toString(),
        zone: node.zone,
        siteType: node.siteType,
        classId: 0, // eligibility by class is decided by the caller's node list
        slot,
        freeGpus,
        // The GPUs have the first call on the site's own PV (floor: never more green than forecast).
        greenWh: Math.floor((node.pvWp * outlook.pvWhPerKwp) / 1000),
        gpuPowerW: node.gpuPowerW,
        priceUsdc6PerGpuHour: Number(offer.priceUsdc6PerHour),
        carbonGPerKwh: outlook.carbonGPerKwh,
      });
    }
  }
  if (nodeHours.length === 0) return { unplaced: 'no eligible node has hours for sale in the window' };
  const result = scheduleHeuristic({
    jobs: [
      {
        id: job.jobId.toString(),
        kind: job.kind,
        gpuHours: job.gpuHours,
        minClass: 0,
        earliestSlot: job.earliestSlot,
        deadlineSlot: job.deadlineSlot,
        minGreenBps: job.minGreenShareBps,
        maxPriceUsdc6PerGpuHour: Number(job.maxPricePerGpuHourUsdc6),
        sharded: job.shardable,
      },
    ],
    nodeHours,
    ...(input.carbonPriceUsdPerT === undefined ? {} : { carbonPriceUsdPerT: input.carbonPriceUsdPerT }),
  });
  const placed = result.placements[0];
  if (placed === undefined) return { unplaced: result.unplaced[0]?.reason ?? 'no feasible placement' };

  const hours: PlannedHour[] = placed.assignments
    .map((a) => {
      const { node, offer, outlook } = byKey.get(`${a.nodeId}:${a.slot}`)!;
      return {
        nodeId: node.nodeId,
        classId: node.classId,
        slot: a.slot,
        zone: node.zone!,
        gpuHours: a.gpus,
        energyWh: a.gpus * node.gpuPowerW,
        greenWh: Math.floor(a.greenWh),
        carbonGPerKwh: outlook.carbonGPerKwh,
        priceUsdc6PerHour: offer.priceUsdc6PerHour,
      };
    })
    .sort((x, y) => x.slot - y.slot || (x.nodeId < y.nodeId ? -1 : x.nodeId > y.nodeId ? 1 : 0));

  // Several nodes of one class in one slot share that market's hours for sale.
  const perMarket = new Map<string, number>();
  for (const h of hours) {
    const key = `${h.classId}:${h.slot}`;
    const total = (perMarket.get(key) ?? 0) + h.gpuHours;
    perMarket.set(key, total);
    if (total > offers.get(key)!.hoursForSale)
      return { unplaced: `class ${h.classId} slot ${h.slot} has only ${offers.get(key)!.hoursForSale} hours for sale` };
  }
  const oneNode = hours.every((h) => h.nodeId === hours[0]!.nodeId);
  return {
    plan: {
      placements: hours.map(({ nodeId, classId, slot, gpuHours }) => ({ nodeId, classId, slot, gpuHours })),
      aggregatorNodeId: oneNode || placed.aggregatorNodeId === null ? 0n : BigInt(placed.aggregatorNodeId),
      hours,
      expected: carbonAccount(hours),
      costUsdc6AtQuote: hours.reduce((s, h) => s + BigInt(h.gpuHours) * h.priceUsdc6PerHour, 0n),
    },
  };
}
