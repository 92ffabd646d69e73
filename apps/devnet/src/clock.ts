// The devnet's accelerated clock: on the local chain one hour slot passes in a minute by default (DEVNET_CLOCK_SPEED),
// so a person watching the dashboard sees slots open, trade, run, get attested and claimed within minutes. One clock
// for everything: the chain's block timestamps are paced to it, and the agents, the ingest, the attester, the light
// nodes and the dashboard read it. Against a real chain (RPC_URL) the clock is real.
import { createPublicClient, createTestClient, http } from 'viem';
import { ConfigError } from '@greenhour/errors';
import type { ServiceClock } from '@greenhour/service';

/** Seconds of devnet time per wall-clock second by default: a slot (3,600 s) a minute. */
export const DEFAULT_DEVNET_CLOCK_SPEED = 60;
/** At most a slot a second: beyond it the agents' one-minute windows (60 a second per device) outrun the ingest. */
export const MAX_DEVNET_CLOCK_SPEED = 3600;
/** How often the chain's next block timestamp is moved up to the clock, wall-clock ms. */
export const CHAIN_PACE_MS = 1000;

/**
 * DEVNET_CLOCK_SPEED: an integer 1..MAX_DEVNET_CLOCK_SPEED; default DEFAULT_DEVNET_CLOCK_SPEED on the embedded chain,
 * 1 against RPC_URL (a real chain keeps real time: anything else there is refused).
 */
export function parseClockSpeed(raw: string | undefined, realChain: boolean): number {
  const text = raw?.trim() ?? '';
  if (text === '') return realChain ? 1 : DEFAULT_DEVNET_CLOCK_SPEED;
  if (!/^\d{1,5}$/.test(text) || Number(text) < 1 || Number(text) > MAX_DEVNET_CLOCK_SPEED)
    throw new ConfigError(
      'DEVNET_CLOCK_SPEED',
      `must be an integer from 1 to ${MAX_DEVNET_CLOCK_SPEED} (seconds of devnet time per second), got ${JSON.stringify(raw)}`,
    );
  const speed = Number(text);
  if (realChain && speed !== 1)
    throw new ConfigError('DEVNET_CLOCK_SPEED', 'must be 1 with RPC_URL: a real chain keeps real time');
  return speed;
}

/** A clock that starts at `startS` (UTC seconds) and runs `speed` times as fast as the system clock. */
export function acceleratedClock(startS: number, speed: number, wallMs: () => number = Date.now): ServiceClock {
  const wallStart = wallMs();
  return { speed, nowS: () => startS + ((wallMs() - wallStart) / 1000) * speed };
}

/**
 * Keeps the local chain's time on `clock`: every CHAIN_PACE_MS it sets the next block's timestamp to the clock's second
 * (when that is later than the last block's) and mines it, so block.timestamp lags the clock by at most one pace. anvil
 * continues from a set timestamp at its own pace, so blocks mined by transactions in between stay in order.
 */
export function paceChain(
  rpcUrl: string,
  clock: ServiceClock,
  log: (line: string) => void,
): { stop(): Promise<void>; pace(): Promise<void> } {
  const anvil = createTestClient({ mode: 'anvil', transport: http(rpcUrl) });
  const chain = createPublicClient({ transport: http(rpcUrl) });
  let running: Promise<void> = Promise.resolve();
  let stopped = false;
  let failing = false;
  const pace = () => {
    running = running.then(async () => {
      if (stopped) return;
      try {
        const target = BigInt(Math.floor(clock.nowS()));
        const last = await chain.getBlock({ blockTag: 'latest' });
        if (target > BigInt(last.timestamp)) {
          await anvil.setNextBlockTimestamp({ timestamp: target });
          await anvil.mine({ blocks: 1 });
        }
        failing = false;
      } catch (err) {
        // A transaction mined between the read and the set may have taken the second: the next pace catches up.
        if (!failing) log(`devnet clock: ${(err as Error).message.split('\n')[0]}`);
        failing = true;
      }
    });
    return running;
  };
  const timer = setInterval(() => void pace(), CHAIN_PACE_MS);
  return {
    pace,
    async stop() {
      stopped = true;
      clearInterval(timer);
      await running;
    },
  };
}
