// The devnet's buyers of AI work, so that the jobs page lives: each new slot a demo buyer posts jobs in proportion to
// the Google cluster trace's CPU utilisation at that hour of the year (data/workload: busier hours, more jobs), of
// every kind, 1-4 GPU-hours, each with a window over the slots the nodes have on the market, a minimum green share,
// a price well above the asks and a completion incentive; some training jobs may be sharded. The service's job
// keeper places, redeems and settles them. Local chains only: the buyer is paid from the deployer's faucet.
import { keccak256, stringToHex } from 'viem';
import {
  connect,
  faucet,
  oneLine,
  postJob,
  slotOf,
  type Clients,
  type Deployment,
  type JobKind,
} from '@greenhour/chain';
import { loadWorkloadTrace, mulberry32 } from '@greenhour/energy';
import { dataYearHour } from '@greenhour/jobs';
import { fundGas, ownerKey } from './demo.ts';

/** Mnemonic index of the demo buyer's account: after every demo node owner's. */
const BUYER_INDEX = 40;
/** What the buyer keeps in hand: the escrow of some hundred jobs at their price. */
const BUYER_FLOAT_USDC6 = 50_000_000_000n;
const MAX_PRICE_USDC6_PER_GPU_HOUR = 12_000_000n;
const INCENTIVE_USDC6 = 1_000_000n;
const KINDS: readonly JobKind[] = ['inference', 'training', 'rendering'];

export interface JobDemoOptions {
  rpcUrl: string;
  deployer: Clients;
  deployment: Deployment;
  /** Capacity classes of the demo nodes: each job asks for one of them as its minimum. */
  classIds: readonly number[];
  /** The last slot the nodes keep on the market, relative to the current one. */
  slotsAhead: number;
  intervalMs: number;
  log: (line: string) => void;
  seed?: number;
}

/** Jobs in a slot whose hour of the year has CPU utilisation `util` (0..1): 1 in the quietest hours, up to 4. */
export function jobsForUtilisation(util: number): number {
  return 1 + Math.round(3 * Math.min(1, Math.max(0, util)));
}

export async function startJobDemo(options: JobDemoOptions): Promise<{ stop(): Promise<void>; tick(): Promise<void> }> {
  const { deployer, deployment, log, classIds, slotsAhead } = options;
  const buyer = await connect(options.rpcUrl, ownerKey(BUYER_INDEX));
  await fundGas(deployer, buyer.account.address);
  const trace = loadWorkloadTrace('google');
  const random = mulberry32(options.seed ?? 7);
  let postedFor = -1;
  let running: Promise<void> = Promise.resolve();
  let stopped = false;

  async function postFor(slot: number): Promise<void> {
    const { day, hour } = dataYearHour(slot);
    const count = jobsForUtilisation(trace[day * 24 + hour] ?? 0);
    await faucet(deployer, deployment, buyer.account.address, BUYER_FLOAT_USDC6 / 100n);
    for (let i = 0; i < count; i++) {
      const kind = KINDS[Math.floor(random() * KINDS.length)]!;
      const gpuHours = 1 + Math.floor(random() * 4);
      const minClassId = classIds[Math.floor(random() * classIds.length)]!;
      const { jobId } = await postJob(buyer, deployment, {
        kind,
        specHash: keccak256(stringToHex(`greenhour-demo:${slot}:${i}`)),
        specUri: `demo://jobs/${slot}/${i}`,
        gpuHours,
        minClassId,
        earliestSlot: slot + 2,
        deadlineSlot: slot + slotsAhead + 1,
        minGreenShareBps: [0, 2_000, 5_000][Math.floor(random() * 3)]!,
        maxPricePerGpuHourUsdc6: MAX_PRICE_USDC6_PER_GPU_HOUR,
        incentiveUsdc6: INCENTIVE_USDC6,
        shardable: kind === 'training' && random() < 0.5,
      });
      log(`demo buyer: posted ${kind} job ${jobId} (${gpuHours} GPU-hours, class ≥ ${minClassId})`);
    }
  }

  const tick = () => {
    running = running.then(async () => {
      if (stopped) return;
      try {
        const current = slotOf((await buyer.publicClient.getBlock()).timestamp);
        if (current > postedFor) {
          postedFor = current;
          await postFor(current);
        }
      } catch (err) {
        log(`demo buyer: ${oneLine(err)}`);
      }
    });
    return running;
  };
  const timer = setInterval(() => void tick(), options.intervalMs);
  void tick();
  return {
    tick,
    async stop() {
      stopped = true;
      clearInterval(timer);
      await running;
    },
  };
}
