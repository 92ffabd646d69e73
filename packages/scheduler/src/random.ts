// Seeded random instances for property tests and benches (small enough for the exact MILP).
import { mulberry32 } from '@greenhour/energy';
import type { Job, NodeHour, Problem, SiteKind } from './types.ts';

/**
 * A random problem: `nodes` nodes in 2 zones over `slots` slots starting at slot 1000, `jobs` jobs. Node 0 of each
 * zone is a station (aggregator), the rest mostly homes; about a fifth of the jobs are sharded, a third ask for
 * a green share. Deterministic for a seed (mulberry32).
 */
export function randomProblem(seed: number, opts: { nodes?: number; slots?: number; jobs?: number } = {}): Problem {
  const r = mulberry32(seed);
  const ri = (lo: number, hi: number): number => lo + Math.floor(r() * (hi - lo + 1));
  const nNodes = opts.nodes ?? ri(2, 4);
  const nSlots = opts.slots ?? ri(2, 4);
  const nJobs = opts.jobs ?? ri(2, 5);
  const base = 1000;
  const zones = ['A', 'B'];
  const zoneCarbon = zones.map(() => Array.from({ length: nSlots }, () => ri(50, 600)));
  const nodeHours: NodeHour[] = [];
  for (let k = 0; k < nNodes; k++) {
    const zi = k % 2;
    const siteType: SiteKind = k < 2 ? 'station' : r() < 0.8 ? 'home' : 'regional';
    const classId = ri(1, 3);
    const gpuPowerW = [300, 450, 700][ri(0, 2)]!;
    for (let s = 0; s < nSlots; s++) {
      if (r() < 0.15) continue;
      nodeHours.push({
        nodeId: `n${k}`,
        zone: zones[zi]!,
        siteType,
        classId,
        slot: base + s,
        freeGpus: ri(0, 3),
        greenWh: r() < 0.5 ? 0 : ri(0, 3 * gpuPowerW),
        gpuPowerW,
        priceUsdc6PerGpuHour: ri(200_000, 2_000_000),
        carbonGPerKwh: zoneCarbon[zi]![s]!,
      });
    }
  }
  const jobs: Job[] = [];
  for (let k = 0; k < nJobs; k++) {
    const e = base + ri(0, nSlots - 1);
    jobs.push({
      id: `j${k}`,
      kind: (['inference', 'training', 'rendering'] as const)[ri(0, 2)]!,
      gpuHours: ri(1, 4),
      minClass: ri(1, 3),
      earliestSlot: e,
      deadlineSlot: ri(e + 1, base + nSlots),
      minGreenBps: r() < 0.35 ? ri(1, 8) * 1000 : 0,
      maxPriceUsdc6PerGpuHour: ri(500_000, 2_500_000),
      sharded: r() < 0.2,
    });
  }
  return { jobs, nodeHours, carbonPriceUsdPerT: 50, unplacedPenaltyUsdc6PerGpuHour: 50_000_000 };
}
