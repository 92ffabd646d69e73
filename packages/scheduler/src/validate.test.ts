import assert from 'node:assert/strict';
import { test } from 'node:test';
import { InputError } from '@greenhour/errors';
import { solveExact } from './exact.ts';
import { scheduleHeuristic } from './heuristic.ts';
import { replan } from './replan.ts';
import type { Job, NodeHour, Problem } from './types.ts';

const node: NodeHour = {
  nodeId: 'n',
  zone: 'A',
  siteType: 'home',
  classId: 1,
  slot: 10,
  freeGpus: 1,
  greenWh: 0,
  gpuPowerW: 500,
  priceUsdc6PerGpuHour: 1_000_000,
  carbonGPerKwh: 300,
};
const good: Job = {
  id: 'a',
  kind: 'inference',
  gpuHours: 1,
  minClass: 1,
  earliestSlot: 10,
  deadlineSlot: 11,
  minGreenBps: 0,
  maxPriceUsdc6PerGpuHour: 2_000_000,
  sharded: false,
};

function rejects(p: Problem, field: string): void {
  assert.throws(
    () => scheduleHeuristic(p),
    (e: unknown) => e instanceof InputError && e.field === field,
    `expected InputError on ${field}`,
  );
}

test('bad job fields are rejected naming the field', () => {
  const cases: [Partial<Job>, string][] = [
    [{ deadlineSlot: 10 }, 'jobs[1].deadlineSlot'],
    [{ gpuHours: 0 }, 'jobs[1].gpuHours'],
    [{ gpuHours: 1.5 }, 'jobs[1].gpuHours'],
    [{ minGreenBps: 10_001 }, 'jobs[1].minGreenBps'],
    [{ maxPriceUsdc6PerGpuHour: -1 }, 'jobs[1].maxPriceUsdc6PerGpuHour'],
    [{ kind: 'mining' as Job['kind'] }, 'jobs[1].kind'],
    [{ sharded: 'yes' as unknown as boolean }, 'jobs[1].sharded'],
    [{ earliestSlot: Number.NaN }, 'jobs[1].earliestSlot'],
    [{ id: 'a' }, 'jobs[1].id'],
  ];
  for (const [patch, field] of cases)
    rejects({ jobs: [good, { ...good, id: 'b', ...patch }], nodeHours: [node] }, field);
});

test('bad node-hour fields and settings are rejected naming the field', () => {
  const cases: [Partial<NodeHour>, string][] = [
    [{ freeGpus: -1 }, 'nodeHours[1].freeGpus'],
    [{ greenWh: Number.POSITIVE_INFINITY }, 'nodeHours[1].greenWh'],
    [{ gpuPowerW: 0 }, 'nodeHours[1].gpuPowerW'],
    [{ carbonGPerKwh: -5 }, 'nodeHours[1].carbonGPerKwh'],
    [{ siteType: 'castle' as NodeHour['siteType'] }, 'nodeHours[1].siteType'],
    [{ slot: 10 }, 'nodeHours[1].slot'], // duplicate (nodeId, slot)
    [{ slot: 11, zone: 'B' }, 'nodeHours[1].zone'], // a node does not change zone
  ];
  for (const [patch, field] of cases)
    rejects({ jobs: [good], nodeHours: [node, { ...node, slot: 11, ...patch }] }, field);
  rejects({ jobs: [good], nodeHours: [node], carbonPriceUsdPerT: -1 }, 'carbonPriceUsdPerT');
  rejects({ jobs: 'x' as unknown as Job[], nodeHours: [node] }, 'jobs');
});

test('the exact model and re-planning validate too', async () => {
  await assert.rejects(solveExact({ jobs: [{ ...good, minClass: -1 }], nodeHours: [node] }), {
    field: 'jobs[0].minClass',
  });
  const previous = { placements: [], unplaced: [], objectiveUsdc6: 0 };
  assert.throws(() => replan({ previous, jobs: [], newJobs: [], currentSlot: -1, nodeHours: [] }), {
    field: 'currentSlot',
  });
  assert.throws(() => replan({ previous, jobs: [good], newJobs: [good], currentSlot: 1, nodeHours: [] }), {
    field: 'jobs[1].id',
  });
  const stray = { ...previous, placements: [{ jobId: 'ghost' } as never] };
  assert.throws(() => replan({ previous: stray, jobs: [good], newJobs: [], currentSlot: 1, nodeHours: [] }), {
    field: 'previous.placements[0].jobId',
  });
});
