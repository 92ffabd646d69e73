// Online re-planning: at the start of a slot, with new jobs and updated forecasts.
//
// Rule: a job of the previous plan that has an assignment in a slot <= currentSlot has started and keeps its whole
// placement, future slots included (its process state lives on its nodes; moving a running job would need a
// checkpoint and migration that the scheduler does not model). Everything else — previous jobs not yet started,
// previously unplaced jobs and the new jobs — is planned again by the heuristic over the slots after currentSlot,
// on the updated forecast minus what the kept placements use. A kept future assignment that no longer fits the
// updated forecast (fewer free GPUs) is reported in `overbooked` rather than silently dropped.
import { InputError } from '@greenhour/errors';
import { heuristicCore } from './heuristic.ts';
import { nhKey, objectiveUsdc6 } from './model.ts';
import type { Job, NodeHour, Placement, Plan, Unplaced } from './types.ts';
import { validateProblem } from './validate.ts';

export interface ReplanInput {
  /** The plan made before. */
  previous: Plan;
  /** The jobs that plan was made for. */
  jobs: readonly Job[];
  /** Jobs posted since. */
  newJobs: readonly Job[];
  /** The slot that is starting now: placements touching it or earlier slots are kept. */
  currentSlot: number;
  /** Updated forecast: node-hours with capacity and green Wh before any of this scheduler's allocations. */
  nodeHours: readonly NodeHour[];
  carbonPriceUsdPerT?: number;
  unplacedPenaltyUsdc6PerGpuHour?: number;
}

export interface ReplanResult extends Plan {
  /** Ids of the jobs whose placements were kept unchanged (started). */
  keptJobIds: string[];
  /** Kept assignments beyond the updated free GPUs: GPUs short per node-hour. */
  overbooked: { nodeId: string; slot: number; gpusShort: number }[];
}

/** Re-plan (rule above). Validates every input (InputError naming the field). */
export function replan(input: ReplanInput): ReplanResult {
  if (input === null || typeof input !== 'object') throw new InputError('input', 'must be an object');
  const { previous, currentSlot } = input;
  if (!Number.isInteger(currentSlot) || currentSlot < 0)
    throw new InputError('currentSlot', `must be an integer >= 0, got ${String(currentSlot)}`);
  if (!Array.isArray(input.newJobs)) throw new InputError('newJobs', 'must be an array');
  if (!Array.isArray(input.jobs)) throw new InputError('jobs', 'must be an array');
  const all = [...input.jobs, ...input.newJobs];
  const s = validateProblem({
    jobs: all,
    nodeHours: input.nodeHours,
    carbonPriceUsdPerT: input.carbonPriceUsdPerT,
    unplacedPenaltyUsdc6PerGpuHour: input.unplacedPenaltyUsdc6PerGpuHour,
  });
  if (!previous || !Array.isArray(previous.placements) || !Array.isArray(previous.unplaced))
    throw new InputError('previous', 'must be a plan with placements and unplaced');
  const prevIds = new Set(input.jobs.map((j) => j.id));
  previous.placements.forEach((p, i) => {
    if (!prevIds.has(p.jobId))
      throw new InputError(`previous.placements[${i}].jobId`, `job ${JSON.stringify(p.jobId)} is not in jobs`);
  });

  const kept: Placement[] = previous.placements.filter((p) => p.assignments.some((a) => a.slot <= currentSlot));
  const keptIds = new Set(kept.map((p) => p.jobId));
  // capacity left on future slots after the kept placements
  const used = new Map<string, { gpus: number; greenWh: number }>();
  for (const p of kept)
    for (const a of p.assignments) {
      if (a.slot <= currentSlot) continue;
      const k = nhKey(a.nodeId, a.slot);
      const u = used.get(k) ?? { gpus: 0, greenWh: 0 };
      u.gpus += a.gpus;
      u.greenWh += a.greenWh;
      used.set(k, u);
    }
  const overbooked: ReplanResult['overbooked'] = [];
  const future: NodeHour[] = [];
  const futureKeys = new Set<string>();
  for (const n of input.nodeHours) {
    if (n.slot <= currentSlot) continue;
    const k = nhKey(n.nodeId, n.slot);
    futureKeys.add(k);
    const u = used.get(k);
    if (u && u.gpus > n.freeGpus) overbooked.push({ nodeId: n.nodeId, slot: n.slot, gpusShort: u.gpus - n.freeGpus });
    future.push(
      u ? { ...n, freeGpus: Math.max(0, n.freeGpus - u.gpus), greenWh: Math.max(0, n.greenWh - u.greenWh) } : n,
    );
  }
  for (const [k, u] of used)
    if (!futureKeys.has(k)) {
      const [nodeId, slot] = k.split('\u0000');
      overbooked.push({ nodeId: nodeId!, slot: Number(slot), gpusShort: u.gpus });
    }

  const unplaced: Unplaced[] = [];
  const open: Job[] = [];
  for (const j of all) {
    if (keptIds.has(j.id)) continue;
    const earliestSlot = Math.max(j.earliestSlot, currentSlot + 1);
    if (j.deadlineSlot <= earliestSlot) unplaced.push({ jobId: j.id, reason: 'deadline passed before it could start' });
    else open.push(earliestSlot === j.earliestSlot ? j : { ...j, earliestSlot });
  }
  const fresh = heuristicCore(open, future, s);
  const placements = [...kept, ...fresh.placements];
  unplaced.push(...fresh.unplaced);
  const byId = new Map(all.map((j) => [j.id, j]));
  const unplacedGpuHours = unplaced.reduce((a, u) => a + (byId.get(u.jobId)?.gpuHours ?? 0), 0);
  return {
    placements,
    unplaced,
    objectiveUsdc6: objectiveUsdc6(placements, unplacedGpuHours, s),
    keptJobIds: [...keptIds],
    overbooked,
  };
}
