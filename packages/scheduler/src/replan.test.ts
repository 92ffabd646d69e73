import assert from 'node:assert/strict';
import { test } from 'node:test';
import { scheduleHeuristic } from './heuristic.ts';
import { checkPlan } from './model.ts';
import { replan } from './replan.ts';
import type { Job, NodeHour } from './types.ts';

const nh = (nodeId: string, slot: number, carbonGPerKwh: number, freeGpus = 1): NodeHour => ({
  nodeId,
  zone: 'A',
  siteType: 'station',
  classId: 1,
  slot,
  freeGpus,
  greenWh: 0,
  gpuPowerW: 500,
  priceUsdc6PerGpuHour: 1_000_000,
  carbonGPerKwh,
});
const job = (id: string, earliestSlot: number, deadlineSlot: number, gpuHours = 1): Job => ({
  id,
  kind: 'inference',
  gpuHours,
  minClass: 1,
  earliestSlot,
  deadlineSlot,
  minGreenBps: 0,
  maxPriceUsdc6PerGpuHour: 5_000_000,
  sharded: false,
});

test('re-plan keeps the started job whole and moves a not-started job to the new cleanest slot', () => {
  const jobs = [job('run', 10, 13, 2), job('wait', 10, 14)];
  const forecast = [10, 11, 12, 13].flatMap((s) => [
    nh('p', s, s === 10 || s === 11 ? 100 : 500),
    nh('q', s, s === 12 ? 50 : 600),
  ]);
  const prev = scheduleHeuristic({ jobs, nodeHours: forecast });
  const run = prev.placements.find((p) => p.jobId === 'run')!;
  assert.deepEqual(
    run.assignments.map((a) => [a.nodeId, a.slot]),
    [
      ['p', 10],
      ['p', 11],
    ],
  );
  assert.deepEqual(
    prev.placements.find((p) => p.jobId === 'wait')!.assignments.map((a) => [a.nodeId, a.slot]),
    [['q', 12]],
  );
  // at slot 10 the forecast changes: q@12 turns dirty, q@13 clean; and a new job arrives wanting p cheaply
  const updated = [11, 12, 13].flatMap((s) => [nh('p', s, 100), nh('q', s, s === 13 ? 20 : 900)]);
  const r = replan({ previous: prev, jobs, newJobs: [job('new', 11, 12)], currentSlot: 10, nodeHours: updated });
  assert.deepEqual(r.keptJobIds, ['run']);
  // the started job is kept exactly, including its future slot 11 on p
  assert.deepEqual(
    r.placements.find((p) => p.jobId === 'run'),
    run,
  );
  assert.deepEqual(
    r.placements.find((p) => p.jobId === 'wait')!.assignments.map((a) => [a.nodeId, a.slot]),
    [['q', 13]],
  );
  // p@11 is taken by the kept job, so the new job must use q@11
  assert.deepEqual(
    r.placements.find((p) => p.jobId === 'new')!.assignments.map((a) => [a.nodeId, a.slot]),
    [['q', 11]],
  );
  assert.deepEqual(r.overbooked, []);
  const future = r.placements.filter((p) => p.jobId !== 'run');
  assert.deepEqual(checkPlan([jobs[1]!, job('new', 11, 12)], updated, { ...r, placements: future }), []);
});

test('re-plan reports kept GPUs that the new forecast no longer has, and drops jobs whose deadline passed', () => {
  const jobs = [job('run', 10, 12, 2), job('short', 10, 11)];
  const prev = scheduleHeuristic({ jobs, nodeHours: [nh('p', 10, 100, 2), nh('p', 11, 100)] });
  // EDF: 'short' takes one GPU of p@10, 'run' the other plus p@11
  assert.equal(prev.unplaced.length, 0);
  const r = replan({
    previous: prev,
    jobs,
    newJobs: [job('too-late', 9, 11)],
    currentSlot: 10,
    nodeHours: [nh('p', 11, 100, 0)], // p lost its GPU in slot 11
  });
  assert.deepEqual(r.keptJobIds.sort(), ['run', 'short']);
  assert.deepEqual(r.overbooked, [{ nodeId: 'p', slot: 11, gpusShort: 1 }]);
  assert.deepEqual(r.unplaced, [{ jobId: 'too-late', reason: 'deadline passed before it could start' }]);
});
