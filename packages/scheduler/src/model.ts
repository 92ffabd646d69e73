// Shared core of both optimisers: eligibility, the objective, placement accounting and an independent plan checker.
import { AGGREGATOR_KINDS, type Assignment, type Job, type NodeHour, type Placement, type Plan } from './types.ts';
import type { Settings } from './validate.ts';

/**
 * Carbon cost of grid energy, usdc6: Wh x gCO2/kWh x USD/t. Wh/1000 -> kWh, g/1e6 -> t, USD x 1e6 -> usdc6, so the
 * factor is 1/1000. Not rounded (an objective term, not an amount paid).
 */
export function carbonCostUsdc6(gridWh: number, gPerKwh: number, carbonPriceUsdPerT: number): number {
  return (gridWh * gPerKwh * carbonPriceUsdPerT) / 1000;
}

/** Whether a job may use a node-hour at all: window, class, price; sharded jobs only on home nodes. */
export function eligible(job: Job, nh: NodeHour): boolean {
  return (
    nh.slot >= job.earliestSlot &&
    nh.slot < job.deadlineSlot &&
    nh.classId >= job.minClass &&
    nh.priceUsdc6PerGpuHour <= job.maxPriceUsdc6PerGpuHour &&
    nh.freeGpus > 0 &&
    (!job.sharded || nh.siteType === 'home')
  );
}

export const nhKey = (nodeId: string, slot: number): string => `${nodeId}\u0000${slot}`;

/**
 * Aggregator rule for a sharded job placed in a zone: the 2B node (site type 'regional' or 'station') of that zone
 * with the lowest id. Aggregation (collecting shard results, averaging gradients) needs bandwidth, not GPUs, so any
 * 2B node of the zone serves; the lowest id makes the choice deterministic. Null when the zone has none, in which
 * case a sharded job may not be placed in that zone.
 */
export function aggregatorsByZone(nodeHours: readonly NodeHour[]): Map<string, string> {
  const out = new Map<string, string>();
  for (const n of nodeHours) {
    if (!AGGREGATOR_KINDS.includes(n.siteType)) continue;
    const cur = out.get(n.zone);
    if (cur === undefined || n.nodeId < cur) out.set(n.zone, n.nodeId);
  }
  return out;
}

/** Totals of a job's assignments: energy, green, grid, emissions, share, cost. */
export function makePlacement(
  job: Job,
  assignments: Assignment[],
  byKey: ReadonlyMap<string, NodeHour>,
  aggregatorNodeId: string | null,
): Placement {
  let energyWh = 0;
  let greenWh = 0;
  let emissionsG = 0;
  let costUsdc6 = 0;
  for (const a of assignments) {
    const nh = byKey.get(nhKey(a.nodeId, a.slot));
    if (!nh) throw new Error(`placement of ${job.id} uses unknown node-hour ${a.nodeId}@${a.slot}`);
    const e = a.gpus * nh.gpuPowerW;
    energyWh += e;
    greenWh += a.greenWh;
    emissionsG += ((e - a.greenWh) * nh.carbonGPerKwh) / 1000;
    costUsdc6 += a.gpus * nh.priceUsdc6PerGpuHour;
  }
  assignments.sort((x, y) => x.slot - y.slot || (x.nodeId < y.nodeId ? -1 : x.nodeId > y.nodeId ? 1 : 0));
  return {
    jobId: job.id,
    assignments,
    energyWh,
    greenWh,
    gridWh: energyWh - greenWh,
    emissionsG,
    greenShareBps: energyWh > 0 ? Math.floor((greenWh / energyWh) * 10_000 + 1e-9) : 0,
    costUsdc6,
    aggregatorNodeId,
  };
}

/** Objective of a set of placements and unplaced jobs, usdc6 (see Plan.objectiveUsdc6). */
export function objectiveUsdc6(placements: readonly Placement[], unplacedGpuHours: number, s: Settings): number {
  let o = unplacedGpuHours * s.unplacedPenaltyUsdc6PerGpuHour;
  // g x USD/t = 1e-6 USD per g-tonne-unit = usdc6, so emissions cost in usdc6 is g x USD/t
  for (const p of placements) o += p.costUsdc6 + p.emissionsG * s.carbonPriceUsdPerT;
  return o;
}

/**
 * Independent feasibility check of a plan against its problem (used by tests and callers that receive a plan from
 * elsewhere). Returns the violations found, empty when the plan is feasible. Tolerance 1e-6 Wh for green energy
 * (the LP returns floating-point allocations).
 */
export function checkPlan(jobs: readonly Job[], nodeHours: readonly NodeHour[], plan: Plan): string[] {
  const bad: string[] = [];
  const byKey = new Map(nodeHours.map((n) => [nhKey(n.nodeId, n.slot), n]));
  const jobById = new Map(jobs.map((j) => [j.id, j]));
  const usedGpus = new Map<string, number>();
  const usedGreen = new Map<string, number>();
  const aggs = aggregatorsByZone(nodeHours);
  const seen = new Set<string>();
  for (const p of plan.placements) {
    const j = jobById.get(p.jobId);
    if (!j) {
      bad.push(`${p.jobId}: unknown job`);
      continue;
    }
    seen.add(j.id);
    let gpuHours = 0;
    let energy = 0;
    let green = 0;
    const nodes = new Set<string>();
    const zones = new Set<string>();
    for (const a of p.assignments) {
      const nh = byKey.get(nhKey(a.nodeId, a.slot));
      if (!nh) {
        bad.push(`${j.id}: unknown node-hour ${a.nodeId}@${a.slot}`);
        continue;
      }
      if (!Number.isInteger(a.gpus) || a.gpus <= 0) bad.push(`${j.id}: ${a.gpus} GPUs on ${a.nodeId}@${a.slot}`);
      if (!eligible(j, nh)) bad.push(`${j.id}: not eligible for ${a.nodeId}@${a.slot}`);
      if (a.greenWh < -1e-6 || a.greenWh > a.gpus * nh.gpuPowerW + 1e-6)
        bad.push(`${j.id}: green ${a.greenWh} Wh outside [0, energy] on ${a.nodeId}@${a.slot}`);
      const k = nhKey(a.nodeId, a.slot);
      usedGpus.set(k, (usedGpus.get(k) ?? 0) + a.gpus);
      usedGreen.set(k, (usedGreen.get(k) ?? 0) + a.greenWh);
      gpuHours += a.gpus;
      energy += a.gpus * nh.gpuPowerW;
      green += a.greenWh;
      nodes.add(a.nodeId);
      zones.add(nh.zone);
    }
    if (gpuHours !== j.gpuHours) bad.push(`${j.id}: ${gpuHours} GPU-hours placed, ${j.gpuHours} needed`);
    if (green * 10_000 < j.minGreenBps * energy - 1e-6)
      bad.push(`${j.id}: green share ${(green / energy) * 10_000} bps < ${j.minGreenBps}`);
    if (!j.sharded && nodes.size > 1) bad.push(`${j.id}: not sharded but on ${nodes.size} nodes`);
    if (j.sharded) {
      if (zones.size > 1) bad.push(`${j.id}: sharded job over ${zones.size} zones`);
      const z = [...zones][0];
      if (z !== undefined && p.aggregatorNodeId !== aggs.get(z))
        bad.push(`${j.id}: aggregator ${p.aggregatorNodeId} is not the zone's 2B node ${aggs.get(z)}`);
    }
  }
  for (const u of plan.unplaced) if (seen.has(u.jobId)) bad.push(`${u.jobId}: both placed and unplaced`);
  for (const j of jobs)
    if (!seen.has(j.id) && !plan.unplaced.some((u) => u.jobId === j.id)) bad.push(`${j.id}: missing from plan`);
  for (const [k, g] of usedGpus) {
    const nh = byKey.get(k);
    if (nh && g > nh.freeGpus) bad.push(`${nh.nodeId}@${nh.slot}: ${g} GPUs used > ${nh.freeGpus} free`);
    const gr = usedGreen.get(k) ?? 0;
    if (nh && gr > nh.greenWh + 1e-6) bad.push(`${nh.nodeId}@${nh.slot}: ${gr} green Wh used > ${nh.greenWh}`);
  }
  return bad;
}
