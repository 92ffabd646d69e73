import { InputError } from '@greenhour/errors';
import {
  DEFAULT_CARBON_PRICE_USD_PER_T,
  DEFAULT_UNPLACED_PENALTY_USDC6_PER_GPU_HOUR,
  JOB_KINDS,
  SITE_KINDS,
  type Problem,
} from './types.ts';

function int(field: string, v: unknown, min: number, max = Number.MAX_SAFE_INTEGER): number {
  if (typeof v !== 'number' || !Number.isInteger(v))
    throw new InputError(field, `must be an integer, got ${String(v)}`);
  if (v < min || v > max) throw new InputError(field, `must be in [${min}, ${max}], got ${v}`);
  return v;
}
function nonNeg(field: string, v: unknown): number {
  if (typeof v !== 'number' || !Number.isFinite(v))
    throw new InputError(field, `must be a finite number, got ${String(v)}`);
  if (v < 0) throw new InputError(field, `must be >= 0, got ${v}`);
  return v;
}
function id(field: string, v: unknown): string {
  if (typeof v !== 'string' || v.length === 0) throw new InputError(field, 'must be a non-empty string');
  return v;
}

/** Settings of a validated problem with defaults applied. */
export interface Settings {
  carbonPriceUsdPerT: number;
  unplacedPenaltyUsdc6PerGpuHour: number;
}

/**
 * Check a problem; throws InputError naming the first bad field (`jobs[3].deadlineSlot`). Also rejects duplicate
 * job ids, duplicate (nodeId, slot) pairs, and a node whose zone, site type, class or GPU power changes between slots.
 */
export function validateProblem(p: Problem): Settings {
  if (p === null || typeof p !== 'object') throw new InputError('problem', 'must be an object');
  if (!Array.isArray(p.jobs)) throw new InputError('jobs', 'must be an array');
  if (!Array.isArray(p.nodeHours)) throw new InputError('nodeHours', 'must be an array');
  const jobIds = new Set<string>();
  p.jobs.forEach((j, i) => {
    const f = `jobs[${i}]`;
    if (j === null || typeof j !== 'object') throw new InputError(f, 'must be an object');
    id(`${f}.id`, j.id);
    if (jobIds.has(j.id)) throw new InputError(`${f}.id`, `duplicate job id ${JSON.stringify(j.id)}`);
    jobIds.add(j.id);
    if (!(JOB_KINDS as readonly string[]).includes(j.kind))
      throw new InputError(`${f}.kind`, `must be one of ${JOB_KINDS.join(', ')}, got ${JSON.stringify(j.kind)}`);
    int(`${f}.gpuHours`, j.gpuHours, 1);
    int(`${f}.minClass`, j.minClass, 0);
    int(`${f}.earliestSlot`, j.earliestSlot, 0);
    int(`${f}.deadlineSlot`, j.deadlineSlot, 0);
    if (j.deadlineSlot <= j.earliestSlot)
      throw new InputError(`${f}.deadlineSlot`, `must be > earliestSlot (${j.earliestSlot}), got ${j.deadlineSlot}`);
    int(`${f}.minGreenBps`, j.minGreenBps, 0, 10_000);
    int(`${f}.maxPriceUsdc6PerGpuHour`, j.maxPriceUsdc6PerGpuHour, 0);
    if (typeof j.sharded !== 'boolean') throw new InputError(`${f}.sharded`, 'must be a boolean');
  });
  const seen = new Set<string>();
  const nodes = new Map<string, { zone: string; siteType: string; classId: number; gpuPowerW: number }>();
  p.nodeHours.forEach((n, i) => {
    const f = `nodeHours[${i}]`;
    if (n === null || typeof n !== 'object') throw new InputError(f, 'must be an object');
    id(`${f}.nodeId`, n.nodeId);
    id(`${f}.zone`, n.zone);
    if (!(SITE_KINDS as readonly string[]).includes(n.siteType))
      throw new InputError(
        `${f}.siteType`,
        `must be one of ${SITE_KINDS.join(', ')}, got ${JSON.stringify(n.siteType)}`,
      );
    int(`${f}.classId`, n.classId, 0);
    int(`${f}.slot`, n.slot, 0);
    int(`${f}.freeGpus`, n.freeGpus, 0);
    nonNeg(`${f}.greenWh`, n.greenWh);
    nonNeg(`${f}.gpuPowerW`, n.gpuPowerW);
    if (n.gpuPowerW <= 0) throw new InputError(`${f}.gpuPowerW`, `must be > 0, got ${n.gpuPowerW}`);
    int(`${f}.priceUsdc6PerGpuHour`, n.priceUsdc6PerGpuHour, 0);
    nonNeg(`${f}.carbonGPerKwh`, n.carbonGPerKwh);
    const key = `${n.nodeId}\u0000${n.slot}`;
    if (seen.has(key)) throw new InputError(`${f}.slot`, `node ${n.nodeId} already has slot ${n.slot}`);
    seen.add(key);
    const prev = nodes.get(n.nodeId);
    if (!prev) nodes.set(n.nodeId, n);
    else
      for (const k of ['zone', 'siteType', 'classId', 'gpuPowerW'] as const)
        if (prev[k] !== n[k])
          throw new InputError(`${f}.${k}`, `node ${n.nodeId} has ${k} ${String(prev[k])} in another slot`);
  });
  const carbonPriceUsdPerT =
    p.carbonPriceUsdPerT === undefined
      ? DEFAULT_CARBON_PRICE_USD_PER_T
      : nonNeg('carbonPriceUsdPerT', p.carbonPriceUsdPerT);
  const unplacedPenaltyUsdc6PerGpuHour =
    p.unplacedPenaltyUsdc6PerGpuHour === undefined
      ? DEFAULT_UNPLACED_PENALTY_USDC6_PER_GPU_HOUR
      : nonNeg('unplacedPenaltyUsdc6PerGpuHour', p.unplacedPenaltyUsdc6PerGpuHour);
  return { carbonPriceUsdPerT, unplacedPenaltyUsdc6PerGpuHour };
}
