import assert from 'node:assert/strict';
import { test } from 'node:test';
import { solveExact } from './exact.ts';
import { scheduleHeuristic } from './heuristic.ts';
import { checkPlan } from './model.ts';
import { randomProblem } from './random.ts';
import type { Job, NodeHour } from './types.ts';

const nh = (o: Partial<NodeHour> & { nodeId: string; slot: number }): NodeHour => ({
  zone: 'A',
  siteType: 'station',
  classId: 1,
  freeGpus: 1,
  greenWh: 0,
  gpuPowerW: 500,
  priceUsdc6PerGpuHour: 1_000_000,
  carbonGPerKwh: 400,
  ...o,
});
const job = (o: Partial<Job> & { id: string }): Job => ({
  kind: 'inference',
  gpuHours: 1,
  minClass: 1,
  earliestSlot: 10,
  deadlineSlot: 12,
  minGreenBps: 0,
  maxPriceUsdc6PerGpuHour: 5_000_000,
  sharded: false,
  ...o,
});

test('exact model moves a job to the low-carbon slot and accounts its emissions', async () => {
  const r = await solveExact({
    jobs: [job({ id: 'a' })],
    nodeHours: [nh({ nodeId: 'n', slot: 10, carbonGPerKwh: 500 }), nh({ nodeId: 'n', slot: 11, carbonGPerKwh: 100 })],
  });
  const p = r.plan!.placements[0]!;
  assert.deepEqual(
    p.assignments.map((a) => a.slot),
    [11],
  );
  assert.equal(p.emissionsG, 50); // 500 Wh x 100 g/kWh
  assert.equal(p.costUsdc6, 1_000_000);
  assert.ok(Math.abs(r.objectiveUsdc6 - (1_000_000 + 50 * 50)) < 1e-3);
});

test('exact model shares green Wh between jobs to meet both minimum green shares', async () => {
  // 1000 Wh green on one node-hour, two 1-GPU jobs of 500 Wh each needing 100 %: both fit only if green is split
  const jobs = [
    job({ id: 'a', minGreenBps: 10_000, deadlineSlot: 11 }),
    job({ id: 'b', minGreenBps: 10_000, deadlineSlot: 11 }),
  ];
  const nodeHours = [nh({ nodeId: 'n', slot: 10, freeGpus: 2, greenWh: 1000 })];
  const r = await solveExact({ jobs, nodeHours });
  assert.equal(r.plan!.unplaced.length, 0);
  for (const p of r.plan!.placements) assert.equal(p.greenShareBps, 10_000);
  assert.deepEqual(checkPlan(jobs, nodeHours, r.plan!), []);
  // with 600 Wh only one of them can be fully green: the other is left unplaced
  const short = await solveExact({ jobs, nodeHours: [{ ...nodeHours[0]!, greenWh: 600 }] });
  assert.equal(short.plan!.unplaced.length, 1);
});

test('exact model keeps a non-sharded job on one node and leaves it unplaced if no node suffices', async () => {
  const nodes = [nh({ nodeId: 'p', slot: 10 }), nh({ nodeId: 'q', slot: 11 })];
  const r = await solveExact({ jobs: [job({ id: 'a', gpuHours: 2 })], nodeHours: nodes });
  assert.deepEqual(
    r.plan!.unplaced.map((u) => u.jobId),
    ['a'],
  );
  const homes: NodeHour[] = [
    ...nodes.map((n) => ({ ...n, siteType: 'home' as const })),
    nh({ nodeId: 'agg', slot: 10, freeGpus: 0 }),
  ];
  const s = await solveExact({ jobs: [job({ id: 'a', gpuHours: 2, sharded: true })], nodeHours: homes });
  // sharded: may span both home nodes; the zone's station aggregates
  assert.equal(s.plan!.placements[0]!.assignments.length, 2);
  assert.equal(s.plan!.placements[0]!.aggregatorNodeId, 'agg');
});

test('property: on 220 seeded random instances both plans are feasible and heuristic >= exact optimum', async () => {
  let gapSum = 0;
  let n = 0;
  let worst = 0;
  let both = 0;
  let extraUnplaced = 0;
  let jobsTotal = 0;
  for (let seed = 1; seed <= 220; seed++) {
    const p = randomProblem(seed);
    const ex = await solveExact(p);
    assert.equal(ex.status, 'Optimal', `seed ${seed}`);
    const h = scheduleHeuristic(p);
    assert.deepEqual(checkPlan(p.jobs, p.nodeHours, ex.plan!), [], `exact seed ${seed}`);
    assert.deepEqual(checkPlan(p.jobs, p.nodeHours, h), [], `heuristic seed ${seed}`);
    assert.ok(
      Math.abs(ex.plan!.objectiveUsdc6 - ex.objectiveUsdc6) <= 1e-6 * Math.max(1, ex.objectiveUsdc6) + 1,
      `seed ${seed}`,
    );
    assert.ok(
      h.objectiveUsdc6 >= ex.objectiveUsdc6 * (1 - 1e-9) - 1e-3,
      `seed ${seed}: ${h.objectiveUsdc6} < ${ex.objectiveUsdc6}`,
    );
    const gap = ex.objectiveUsdc6 > 0 ? h.objectiveUsdc6 / ex.objectiveUsdc6 - 1 : 0;
    n++;
    extraUnplaced += h.unplaced.length - ex.plan!.unplaced.length;
    jobsTotal += p.jobs.length;
    if (h.unplaced.length === ex.plan!.unplaced.length) {
      // same number of jobs placed: compare cost + carbon only
      gapSum += gap;
      worst = Math.max(worst, gap);
      both++;
    }
  }
  const mean = gapSum / both;
  console.log(
    `heuristic vs exact on ${n} instances: ${both} place as many jobs as the optimum, mean objective gap there ` +
      `${(mean * 100).toFixed(2)} % (worst ${(worst * 100).toFixed(1)} %); extra unplaced jobs ${extraUnplaced} of ${jobsTotal}`,
  );
  // stated gaps: when the heuristic places as many jobs, within 0.5 % of the optimum on average (0.19 % measured;
  // 0.80 % before the improvement pass); it places as many jobs on >= 98 % of instances and leaves unplaced at most
  // 0.5 % of jobs more than the optimum (2 of 802 measured; 6 before)
  assert.ok(mean < 0.005, `mean gap ${mean}`);
  assert.ok(both >= 0.98 * n, `same placed count on ${both} of ${n}`);
  assert.ok(extraUnplaced <= 0.005 * jobsTotal, `extra unplaced ${extraUnplaced}`);
});

test('a MILP stopped by its time limit before any feasible plan is an error, not an empty plan', async () => {
  const p = randomProblem(7, { nodes: 30, slots: 48, jobs: 400 });
  await assert.rejects(solveExact(p, { timeLimitS: 0.001 }), /time limit of 0.001 s reached before any feasible plan/);
});
