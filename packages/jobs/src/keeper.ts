// The service's job keeper, one tick at a time on the service's scheduler account (SCHEDULER_ROLE):
//  1. redeem every placement whose slot has begun, inside the slot's redemption window, naming its node;
//  2. settle every placement whose slot's confirmation window has closed (slot end + 24 h);
//  3. expire open jobs whose window can no longer be bought (the escrow goes back to the buyer);
//  4. plan the open jobs in earliest-deadline-first order on what the market offers now (plan.ts) and assign each
//     plan whose hours still cost at most the buyer's price, recording the plan with its expected carbon account.
// Redeeming comes first: its window is the first minutes of a slot, and a tick that plans many jobs must not miss it.
// Each transaction that fails is logged and left for the next tick; the chain's checks decide what is allowed.
import { jobMarketAbi } from '@greenhour/contracts';
import { assignJob, hourIdOf, oneLine, quoteBuy, transact, type Clients, type JobView } from '@greenhour/chain';
import type { Database } from '@greenhour/store';
import { ZoneOutlook } from './outlook.ts';
import { planJob, type JobPlan, type OpenJob } from './plan.ts';
import { ChainSnapshot, type ChainDeployment } from './state.ts';
import { saveJobPlan } from './plans.ts';

/** IJobMarket: settlement opens this long after a slot ends (Constants.sol DELIVERY_CONFIRMATION_WINDOW_SECONDS). */
export const DELIVERY_CONFIRMATION_WINDOW_S = 24 * 3600;
/** What planning needs of a job, posted (a JobView) or only asked about (a quote). */
export type PlannableJob = OpenJob & { minClassId: number };

const FINAL = new Set<JobView['status']>(['cancelled', 'expired', 'settled']);

export interface JobKeeperOptions {
  clients: Clients;
  deployment: ChainDeployment;
  db: Database;
  chainId: number;
  outlook?: ZoneOutlook;
  carbonPriceUsdPerT?: number;
  log: (line: string) => void;
}

export interface TickReport {
  assigned: bigint[];
  redeemed: number;
  settled: number;
  expired: bigint[];
  /** Open jobs left unplaced this tick, and why. */
  unplaced: { jobId: bigint; reason: string }[];
}

/** Whether hours of the plan cost at most the buyer's price on the market now, market by market as assign buys them. */
async function withinPrice(snap: ChainSnapshot, job: PlannableJob, plan: JobPlan): Promise<string | undefined> {
  const bought = new Map<string, bigint>();
  for (const p of plan.placements) {
    const hourId = hourIdOf(p.classId, p.slot);
    const before = bought.get(hourId.toString()) ?? 0n;
    const after = before + BigInt(p.gpuHours);
    const [costBefore, costAfter] = await Promise.all([
      before === 0n ? 0n : quoteBuy(snap.clients, snap.deployment, hourId, before),
      quoteBuy(snap.clients, snap.deployment, hourId, after),
    ]);
    if (costAfter - costBefore > BigInt(p.gpuHours) * job.maxPricePerGpuHourUsdc6)
      return `the ${p.gpuHours} hours of class ${p.classId} slot ${p.slot} cost more than the job's price`;
    bought.set(hourId.toString(), after);
  }
  return undefined;
}

/**
 * Plans `job` on the snapshot, its node-hours' free hours less those `claimed` by placements not yet redeemed, and
 * checks the plan's hours cost at most the buyer's price as assign will buy them (the keeper, the quote route, the CLI).
 */
export async function planOnChain(
  snap: ChainSnapshot,
  job: PlannableJob,
  options: { outlook: ZoneOutlook; claimed?: ReadonlyMap<string, number>; carbonPriceUsdPerT?: number },
): Promise<{ plan: JobPlan } | { unplaced: string }> {
  const claimed = options.claimed ?? new Map<string, number>();
  const current = snap.currentSlot;
  if (job.deadlineSlot <= current + 1) return { unplaced: 'the window has no slot left that can still be bought' };
  const from = Math.max(job.earliestSlot, current + 1);
  const inputs = await snap.planningInputs(job.minClassId, from, job.deadlineSlot);
  const result = planJob({
    job,
    nodes: inputs.nodes,
    offers: inputs.offers,
    freeHours: (nodeId, slot) =>
      (inputs.outstanding.get(`${nodeId}:${slot}`) ?? 0) - (claimed.get(`${nodeId}:${slot}`) ?? 0),
    outlook: (zone, slot) => options.outlook.forSlot(zone, slot),
    firstBuyableSlot: current + 1,
    ...(options.carbonPriceUsdPerT === undefined ? {} : { carbonPriceUsdPerT: options.carbonPriceUsdPerT }),
  });
  if ('unplaced' in result) return result;
  const tooDear = await withinPrice(snap, job, result.plan);
  return tooDear === undefined ? result : { unplaced: tooDear };
}

export class JobKeeper {
  readonly outlook: ZoneOutlook;
  /** Jobs in a final state are never read again. */
  readonly #final = new Set<bigint>();
  /** Hours of (node, slot) held by placements not yet redeemed, as of the last tick. */
  #claimed = new Map<string, number>();
  /** Why each open job was left unplaced at the last tick. */
  #waiting = new Map<bigint, string>();

  constructor(readonly options: JobKeeperOptions) {
    this.outlook = options.outlook ?? new ZoneOutlook();
  }

  async #send(
    what: string,
    functionName: 'redeem' | 'redeemElsewhere' | 'settle' | 'expire',
    args: readonly bigint[],
  ): Promise<boolean> {
    try {
      await transact(this.options.clients, {
        address: this.options.deployment.jobMarket,
        abi: jobMarketAbi,
        functionName,
        args: args as never,
      });
      return true;
    } catch (err) {
      this.options.log(`jobs: ${what} failed: ${oneLine(err)}`);
      return false;
    }
  }

  /**
   * Redeems placement `i` naming its node, or, when holders of the same hours have redeemed them first naming that
   * node so that it no longer owes the placement's, naming another online node of the class that still owes them
   * (`redeemElsewhere`; a job that is not shardable moves only when it has one placement).
   */
  async #redeem(snap: ChainSnapshot, job: JobView, i: number): Promise<boolean> {
    const p = job.placements[i]!;
    const index = BigInt(i);
    if ((await snap.outstanding(p.nodeId, p.slot)) >= p.gpuHours)
      return this.#send(`redeem job ${job.jobId} #${i}`, 'redeem', [job.jobId, index]);
    if (!job.shardable && job.placements.length > 1) {
      this.options.log(
        `jobs: job ${job.jobId} #${i}: node ${p.nodeId} no longer owes its hours and the job stays on it`,
      );
      return false;
    }
    for (const node of await snap.nodes()) {
      if (node.classId !== p.classId || node.nodeId === p.nodeId) continue;
      if ((await snap.outstanding(node.nodeId, p.slot)) < p.gpuHours) continue;
      const moved = await this.#send(`move job ${job.jobId} #${i} to node ${node.nodeId}`, 'redeemElsewhere', [
        job.jobId,
        index,
        node.nodeId,
      ]);
      if (moved) this.options.log(`jobs: job ${job.jobId} #${i} moved from node ${p.nodeId} to node ${node.nodeId}`);
      return moved;
    }
    this.options.log(`jobs: job ${job.jobId} #${i}: no node of class ${p.classId} owes ${p.gpuHours} hours now`);
    return false;
  }

  async tick(): Promise<TickReport> {
    const { clients, deployment, db, chainId, log } = this.options;
    const report: TickReport = { assigned: [], redeemed: 0, settled: 0, expired: [], unplaced: [] };
    const snap = await ChainSnapshot.take(clients, deployment);
    const now = snap.nowS;
    const current = snap.currentSlot;
    const count = await snap.jobCount();
    const jobs: JobView[] = [];
    for (let id = 1n; id <= BigInt(count); id++) {
      if (this.#final.has(id)) continue;
      const job = await snap.job(id);
      if (FINAL.has(job.status)) this.#final.add(id);
      else jobs.push(job);
    }

    // 1 and 2: the assigned jobs' placements.
    const claimed = new Map<string, number>();
    for (const job of jobs.filter((j) => j.status === 'assigned')) {
      for (const [i, p] of job.placements.entries()) {
        const index = BigInt(i);
        if (p.status === 'bought' && p.slot > current) {
          const key = `${p.nodeId}:${p.slot}`;
          claimed.set(key, (claimed.get(key) ?? 0) + p.gpuHours);
        }
        if (p.status === 'bought' && p.slot === current) {
          if (await this.#redeem(snap, job, i)) report.redeemed++;
        } else if (p.status !== 'settled' && now >= (p.slot + 1) * 3600 + DELIVERY_CONFIRMATION_WINDOW_S) {
          if (await this.#send(`settle job ${job.jobId} #${i}`, 'settle', [job.jobId, index])) report.settled++;
        }
      }
    }

    if (report.redeemed + report.settled > 0)
      log(`jobs: ${report.redeemed} placement(s) redeemed in slot ${current}, ${report.settled} settled`);

    // 3 and 4: the open jobs, earliest deadline first; after each assignment the market's reserves and prices have
    // moved, so the next job plans on a new snapshot.
    const open = jobs
      .filter((j) => j.status === 'open')
      .sort((a, b) => a.deadlineSlot - b.deadlineSlot || a.earliestSlot - b.earliestSlot || Number(a.jobId - b.jobId));
    this.#claimed = claimed;
    let view = snap;
    for (const job of open) {
      if (now >= (job.deadlineSlot - 1) * 3600) {
        if (await this.#send(`expire job ${job.jobId}`, 'expire', [job.jobId])) report.expired.push(job.jobId);
        continue;
      }
      const planned = await planOnChain(view, job, {
        outlook: this.outlook,
        claimed,
        ...(this.options.carbonPriceUsdPerT === undefined
          ? {}
          : { carbonPriceUsdPerT: this.options.carbonPriceUsdPerT }),
      });
      if ('unplaced' in planned) {
        report.unplaced.push({ jobId: job.jobId, reason: planned.unplaced });
        continue;
      }
      const { plan } = planned;
      try {
        const { txHash, spentUsdc6 } = await assignJob(
          clients,
          deployment,
          job.jobId,
          plan.placements,
          plan.aggregatorNodeId,
        );
        await saveJobPlan(db, chainId, job.jobId, now, txHash, plan);
        for (const p of plan.placements) {
          const key = `${p.nodeId}:${p.slot}`;
          claimed.set(key, (claimed.get(key) ?? 0) + p.gpuHours);
        }
        report.assigned.push(job.jobId);
        log(
          `jobs: job ${job.jobId} assigned to ${plan.placements.length} node-hour(s) for ${(Number(spentUsdc6) / 1e6).toFixed(2)} USD, expected green share ${(plan.expected.cfeBps / 100).toFixed(1)} %`,
        );
        view = await ChainSnapshot.take(clients, deployment);
      } catch (err) {
        report.unplaced.push({ jobId: job.jobId, reason: `assign failed: ${oneLine(err)}` });
      }
    }
    this.#waiting = new Map(report.unplaced.map((u) => [u.jobId, u.reason]));
    return report;
  }

  /** Why the open job `jobId` was not placed at the last tick; undefined when it was not looked at or was placed. */
  waitingReason(jobId: bigint): string | undefined {
    return this.#waiting.get(jobId);
  }

  /** Plans `job` on the snapshot with the keeper's outlook and the hours claimed as of its last tick. */
  plan(snap: ChainSnapshot, job: PlannableJob): Promise<{ plan: JobPlan } | { unplaced: string }> {
    return planOnChain(snap, job, {
      outlook: this.outlook,
      claimed: this.#claimed,
      ...(this.options.carbonPriceUsdPerT === undefined ? {} : { carbonPriceUsdPerT: this.options.carbonPriceUsdPerT }),
    });
  }
}
