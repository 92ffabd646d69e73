// What planning reads from the chain, in one place for the keeper, the quote route and the CLI: the registered nodes,
// the market's offers of the slots a job could use, the hours each node still owes, and which classes meet a job's
// minimum class. Each reader caches within one snapshot (one keeper tick, one quote), never across them.
import { hexToString, type Hex } from 'viem';
import { computeHoursAbi, jobMarketAbi, nodeRegistryAbi } from '@greenhour/contracts';
import {
  hourIdOf,
  jobView,
  marketView,
  quoteBuy,
  slotOf,
  type Clients,
  type Deployment,
  type JobView,
} from '@greenhour/chain';
import { decodeGeohash, getGpuSpec, zoneAt } from '@greenhour/fleet';
import type { SiteKind } from '@greenhour/scheduler';
import type { FleetNode, Offer } from './plan.ts';

/** INodeRegistry.SiteType in order. */
const SITE_KINDS: readonly SiteKind[] = ['station', 'pile', 'home'];
const NODE_ONLINE = 1;

/** Slots ahead of the current one a plan may use: the demand a day-ahead forecast covers, and some. */
export const PLANNING_HORIZON_SLOTS = 48;

export type ChainDeployment = Pick<
  Deployment,
  'jobMarket' | 'hourMarket' | 'computeHours' | 'nodeRegistry' | 'settlementToken'
>;

const ascii = (hex: Hex) => hexToString(hex).replace(/\0+$/, '');

/** The zone of a geohash (bytes12, left-aligned ASCII), undefined when it is in no zone with data or malformed. */
export function zoneOfGeohash(geohashHex: Hex): string | undefined {
  try {
    const cell = decodeGeohash(ascii(geohashHex));
    return zoneAt(cell.latDeg, cell.lonDeg)?.id;
  } catch {
    return undefined;
  }
}

function gpuPowerW(gpuModelHex: Hex, gpuPowerWMax: number, gpuCount: number): number {
  try {
    return getGpuSpec(ascii(gpuModelHex)).boardPowerW;
  } catch {
    return Math.max(1, Math.floor(gpuPowerWMax / Math.max(1, gpuCount))); // the class's bound, for a model not listed
  }
}

/** One read of the chain's planning state. */
export class ChainSnapshot {
  readonly #offers = new Map<string, Promise<Offer | undefined>>();
  readonly #outstanding = new Map<string, Promise<number>>();
  readonly #meets = new Map<string, Promise<boolean>>();
  #nodes: Promise<FleetNode[]> | undefined;

  private constructor(
    readonly clients: Clients,
    readonly deployment: ChainDeployment,
    /** Block time of the snapshot, UTC seconds. */
    readonly nowS: number,
  ) {}

  static async take(clients: Clients, deployment: ChainDeployment): Promise<ChainSnapshot> {
    const block = await clients.publicClient.getBlock();
    return new ChainSnapshot(clients, deployment, Number(block.timestamp));
  }

  get currentSlot(): number {
    return slotOf(BigInt(this.nowS));
  }

  /** Online nodes, with their zone and GPU power. */
  nodes(): Promise<FleetNode[]> {
    this.#nodes ??= (async () => {
      const c = { address: this.deployment.nodeRegistry, abi: nodeRegistryAbi } as const;
      const count = Number(await this.clients.publicClient.readContract({ ...c, functionName: 'nodeCount' }));
      const ids = Array.from({ length: count }, (_, i) => BigInt(i + 1));
      const nodes = await Promise.all(
        ids.map((id) => this.clients.publicClient.readContract({ ...c, functionName: 'node', args: [id] })),
      );
      return nodes.flatMap((n, i) =>
        n.status !== NODE_ONLINE
          ? []
          : [
              {
                nodeId: ids[i]!,
                classId: n.classId,
                zone: zoneOfGeohash(n.geohash),
                siteType: SITE_KINDS[n.siteType] ?? 'home',
                gpuCount: n.gpuCount,
                gpuPowerW: gpuPowerW(n.gpuModel, n.gpuPowerWMax, n.gpuCount),
                pvWp: n.pvWp,
              },
            ],
      );
    })();
    return this.#nodes;
  }

  /** Whether hours of `classId` serve a job asking for `minClassId` (the job market's own rule). */
  meetsClass(classId: number, minClassId: number): Promise<boolean> {
    const key = `${classId}:${minClassId}`;
    let p = this.#meets.get(key);
    if (p === undefined) {
      p = this.clients.publicClient.readContract({
        address: this.deployment.jobMarket,
        abi: jobMarketAbi,
        functionName: 'meetsClass',
        args: [classId, minClassId],
      });
      this.#meets.set(key, p);
    }
    return p;
  }

  /** Hours of (class, slot) for sale and the price of the next one, fee included; undefined if not for sale now. */
  offer(classId: number, slot: number): Promise<Offer | undefined> {
    const key = `${classId}:${slot}`;
    let p = this.#offers.get(key);
    if (p === undefined) {
      p = (async () => {
        const hourId = hourIdOf(classId, slot);
        const view = await marketView(this.clients, this.deployment, hourId);
        if (!view.open || view.status !== 'Upcoming' || view.hoursReserve === 0) return undefined;
        const priceUsdc6PerHour = await quoteBuy(this.clients, this.deployment, hourId, 1n);
        return { classId, slot, hoursForSale: view.hoursReserve, priceUsdc6PerHour };
      })();
      this.#offers.set(key, p);
    }
    return p;
  }

  /** Hours the node has minted for the slot and nobody has redeemed yet. */
  outstanding(nodeId: bigint, slot: number): Promise<number> {
    const key = `${nodeId}:${slot}`;
    let p = this.#outstanding.get(key);
    if (p === undefined) {
      p = this.clients.publicClient
        .readContract({
          address: this.deployment.computeHours,
          abi: computeHoursAbi,
          functionName: 'nodeSlot',
          args: [nodeId, slot],
        })
        .then((s) => s.outstanding);
      this.#outstanding.set(key, p);
    }
    return p;
  }

  /** Every offer of the slots [from, to) of the classes that meet `minClassId`, for the nodes of those classes. */
  async planningInputs(
    minClassId: number,
    fromSlot: number,
    toSlot: number,
  ): Promise<{ nodes: FleetNode[]; offers: Offer[]; outstanding: Map<string, number> }> {
    const all = await this.nodes();
    const eligible = (await Promise.all(all.map((n) => this.meetsClass(n.classId, minClassId)))).map((ok, i) =>
      ok ? all[i]! : undefined,
    );
    const nodes = eligible.filter((n): n is FleetNode => n !== undefined && n.zone !== undefined);
    const end = Math.min(toSlot, this.currentSlot + 1 + PLANNING_HORIZON_SLOTS);
    const slots = Array.from({ length: Math.max(0, end - fromSlot) }, (_, i) => fromSlot + i);
    const classes = [...new Set(nodes.map((n) => n.classId))];
    const offers = (await Promise.all(classes.flatMap((c) => slots.map((s) => this.offer(c, s))))).filter(
      (o): o is Offer => o !== undefined,
    );
    const forSale = new Set(offers.map((o) => `${o.classId}:${o.slot}`));
    const outstanding = new Map<string, number>();
    await Promise.all(
      nodes.flatMap((n) =>
        slots
          .filter((s) => forSale.has(`${n.classId}:${s}`))
          .map(async (s) => outstanding.set(`${n.nodeId}:${s}`, await this.outstanding(n.nodeId, s))),
      ),
    );
    return { nodes, offers, outstanding };
  }

  jobCount(): Promise<number> {
    return this.clients.publicClient
      .readContract({ address: this.deployment.jobMarket, abi: jobMarketAbi, functionName: 'jobCount' })
      .then(Number);
  }

  job(jobId: bigint): Promise<JobView> {
    return jobView(this.clients, this.deployment, jobId);
  }
}
