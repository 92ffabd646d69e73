// The devnet's market life, so that a person watching the dashboard sees hours being provided and traded and prices
// moving: each node keeps its next hours minted and the later ones provided to the hour market (what a real site's
// keeper does), and a demo trader buys and sells single hours in the upcoming markets of a few classes, at random
// from a fixed seed. Local chains only: it trades with the deployer's faucet money.
import type { Address } from 'viem';
import { computeHoursAbi } from '@greenhour/contracts';
import {
  addLiquidity,
  buyHours,
  hourIdOf,
  marketView,
  mintHours,
  oneLine,
  sellHours,
  slotOf,
  transact,
  type Clients,
  type Deployment,
} from '@greenhour/chain';
import { mulberry32 } from '@greenhour/energy';

export interface KeptNode {
  nodeId: bigint;
  classId: number;
  gpuCount: number;
  owner: Clients;
}

export interface MarketKeeperOptions {
  deployment: Deployment;
  trader: Clients;
  nodes: readonly KeptNode[];
  /** Slots ahead of the current one each node keeps minted; all but the first are provided to the market. */
  slotsAhead: number;
  intervalMs: number;
  log: (line: string) => void;
  /** Seed of the trader's choices, so a run can be repeated. */
  seed?: number;
}

const usd = (usdc6: bigint) => (Number(usdc6) / 1e6).toFixed(2);

export function startMarketKeeper(options: MarketKeeperOptions): { stop(): Promise<void>; tick(): Promise<void> } {
  const { deployment, trader, nodes, slotsAhead, log } = options;
  const random = mulberry32(options.seed ?? 1);
  const classes = [...new Set(nodes.map((n) => n.classId))].sort((a, b) => a - b);
  let keptThrough = -1;
  /** Slots up to this one have had the bonds of their unsold hours released. */
  let releasedThrough: number | undefined;
  let running: Promise<void> = Promise.resolve();
  let stopped = false;

  async function keepHoursAhead(current: number): Promise<void> {
    for (let slot = Math.max(keptThrough + 1, current + 1); slot <= current + slotsAhead; slot++) {
      for (const node of nodes) {
        const minted = await node.owner.publicClient.readContract({
          address: deployment.computeHours,
          abi: computeHoursAbi,
          functionName: 'nodeSlot',
          args: [node.nodeId, slot],
        });
        if (minted.minted > 0) continue;
        const hourId = await mintHours(node.owner, deployment, node.nodeId, slot, BigInt(node.gpuCount));
        if (slot > current + 1) await addLiquidity(node.owner, deployment, { hourId, hoursIn: BigInt(node.gpuCount) });
      }
      log(`market keeper: nodes minted slot ${slot}${slot > current + 1 ? ' and provided it to the hour market' : ''}`);
      keptThrough = slot;
    }
  }

  /**
   * An hour nobody redeemed is worthless once its slot has passed, but its bond holds the owner's stake until someone
   * releases it (`releaseUnredeemed`, anyone): without this, a node's stake is soon all bonded and it can mint no more.
   */
  async function releasePastBonds(current: number): Promise<void> {
    releasedThrough ??= current - 1;
    for (let slot = releasedThrough + 1; slot < current; slot++) {
      let released = 0;
      for (const node of nodes) {
        const state = await node.owner.publicClient.readContract({
          address: deployment.computeHours,
          abi: computeHoursAbi,
          functionName: 'nodeSlot',
          args: [node.nodeId, slot],
        });
        if (state.outstanding === 0 || state.unredeemedReleased) continue;
        await transact(node.owner, {
          address: deployment.computeHours,
          abi: computeHoursAbi,
          functionName: 'releaseUnredeemed',
          args: [node.nodeId, slot],
        });
        released++;
      }
      if (released > 0) log(`market keeper: slot ${slot} over: the bonds of ${released} nodes' unsold hours released`);
      releasedThrough = slot;
    }
  }

  async function trade(current: number): Promise<void> {
    const classId = classes[Math.floor(random() * classes.length)];
    if (classId === undefined) return;
    const slot = current + 2 + Math.floor(random() * (slotsAhead - 1));
    const hourId = hourIdOf(classId, slot);
    const view = await marketView(trader, deployment, hourId);
    if (!view.open || view.status !== 'Upcoming') return;
    const held = await trader.publicClient.readContract({
      address: deployment.computeHours,
      abi: computeHoursAbi,
      functionName: 'balanceOf',
      args: [trader.account.address as Address, hourId],
    });
    const sell = held > 0n && random() < 0.45;
    if (sell) {
      const { proceedsUsdc6 } = await sellHours(trader, deployment, { hourId, hours: 1n, slippageBps: 100 });
      log(`demo trader: sold 1 hour of class ${classId} slot ${slot} for ${usd(proceedsUsdc6)} USD`);
    } else if (view.hoursReserve > 0) {
      const { costUsdc6 } = await buyHours(trader, deployment, { hourId, hours: 1n, slippageBps: 100 });
      log(`demo trader: bought 1 hour of class ${classId} slot ${slot} for ${usd(costUsdc6)} USD`);
    }
  }

  const tick = () => {
    running = running.then(async () => {
      if (stopped) return;
      try {
        const current = slotOf((await trader.publicClient.getBlock()).timestamp);
        await releasePastBonds(current);
        await keepHoursAhead(current);
        await trade(current);
      } catch (err) {
        log(`market keeper: ${oneLine(err)}`);
      }
    });
    return running;
  };
  const timer = setInterval(() => void tick(), options.intervalMs);
  return {
    tick,
    async stop() {
      stopped = true;
      clearInterval(timer);
      await running;
    },
  };
}
