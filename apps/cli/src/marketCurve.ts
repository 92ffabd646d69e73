// The hour market's price surface read from the contract itself: a fresh anvil, one dc market with `HOURS` hours
// provided single-sided, and for each fraction sold the contract's `priceAt` at every hour before the slot.
import { createTestClient, http } from 'viem';
import { hourMarketAbi } from '@greenhour/contracts';
import {
  addLiquidity,
  buyHours,
  hourIdOf,
  mintHours,
  SANDBOX_CLASS_ID,
  slotOf,
  startMarketSandbox,
} from '@greenhour/chain';
import { lineChart } from './svg.ts';

const HOURS = 40;
export const SOLD_FRACTIONS = [0, 0.25, 0.5, 0.75] as const;
export const HOURS_BEFORE = Array.from({ length: 49 }, (_, i) => 48 - i); // 48 h before the slot … its start

export interface CurveSurface {
  floorUsdc6: bigint;
  askUsdc6: bigint;
  /** pricesUsdc6[f][i]: price of the next hour with SOLD_FRACTIONS[f] sold, HOURS_BEFORE[i] hours before the slot. */
  pricesUsdc6: bigint[][];
}

export async function readCurveSurface(progress: (line: string) => void = () => {}): Promise<CurveSurface> {
  const sandbox = await startMarketSandbox(HOURS);
  try {
    const { node, buyer, deployment, nodeId, anvil } = sandbox;
    const market = { address: deployment.hourMarket, abi: hourMarketAbi } as const;
    const now = (await node.publicClient.getBlock()).timestamp;
    const slot = slotOf(now) + 72;
    const hourId = hourIdOf(SANDBOX_CLASS_ID, slot);
    await mintHours(node, deployment, nodeId, slot, BigInt(HOURS));
    await addLiquidity(node, deployment, { hourId, hoursIn: BigInt(HOURS) });
    const config = await node.publicClient.readContract({
      ...market,
      functionName: 'classConfig',
      args: [SANDBOX_CLASS_ID],
    });
    const testClient = createTestClient({ mode: 'anvil', transport: http(anvil.rpcUrl) });
    const pricesUsdc6: bigint[][] = [];
    for (const fraction of SOLD_FRACTIONS) {
      progress(`curve: ${fraction * 100} % sold`);
      const snapshot = await testClient.snapshot();
      const sold = BigInt(Math.round(fraction * HOURS));
      if (sold > 0n) await buyHours(buyer, deployment, { hourId, hours: sold, slippageBps: 0 });
      const row: bigint[] = [];
      for (const h of HOURS_BEFORE) {
        row.push(
          await node.publicClient.readContract({
            ...market,
            functionName: 'priceAt',
            args: [hourId, BigInt(slot * 3600 - h * 3600)],
          }),
        );
      }
      pricesUsdc6.push(row);
      await testClient.revert({ id: snapshot });
    }
    return { floorUsdc6: config.floorUsdc6, askUsdc6: config.askUsdc6, pricesUsdc6 };
  } finally {
    await sandbox.stop();
  }
}

const COLORS = ['#2ca02c', '#1f77b4', '#ff7f0e', '#d62728'];

export function curveChart(surface: CurveSurface): string {
  return lineChart({
    title: `Hour market: price of the next hour before its slot (dc class, ${HOURS} h provided)`,
    yLabel: 'USD per GPU-hour',
    xLabels: HOURS_BEFORE.map((h) => (h % 6 === 0 ? `−${h} h` : '')),
    series: SOLD_FRACTIONS.map((fraction, f) => ({
      name: `${fraction * 100} % sold`,
      values: surface.pricesUsdc6[f]!.map((p) => Number(p) / 1e6),
      color: COLORS[f]!,
    })),
  });
}
