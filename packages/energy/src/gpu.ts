import type { GpuFleetConfig } from './types.ts';

/**
 * Facility power of a GPU fleet, W: every GPU draws idle power (nodes stay on to be rentable),
 * busy GPUs draw busyW; cooling and power distribution add (PUE - 1) on top (The Green Grid,
 * "PUE: a comprehensive examination of the metric", WP#49, 2012).
 *
 * @param busyGpus GPUs running jobs (fractional = average over the step), 0..count
 */
export function gpuFleetPowerW(g: GpuFleetConfig, busyGpus: number): number {
  return g.pue * (g.count * g.idleW + busyGpus * (g.busyW - g.idleW));
}

/** Energy per GPU-hour on top of idle, Wh (the flexible part of the load). */
export function gpuMarginalWhPerGpuHour(g: GpuFleetConfig): number {
  return g.pue * (g.busyW - g.idleW);
}

/**
 * Hourly arrival of compute demand, GPU-hours: count x demandUtilization scaled by a workload trace
 * normalised to mean 1, capped at the fleet size per hour.
 */
export function gpuDemandArrivals(g: GpuFleetConfig, trace: Float64Array | null, hours: number, offset = 0): number[] {
  if (!trace) return new Array<number>(hours).fill(Math.min(g.count, g.count * g.demandUtilization));
  const mean = traceMean(trace);
  return gpuArrivalsFromTrace(
    g,
    Array.from({ length: hours }, (_, i) => trace[(offset + i) % trace.length] ?? mean),
    mean,
  );
}

/** The mean a trace is normalised by (1 for an empty or all-zero trace). */
export function traceMean(trace: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < trace.length; i++) s += trace[i] ?? 0;
  return s / trace.length || 1;
}

/** GPU-hours arriving per hour for trace values `values` (e.g. a forecast of the trace) of a trace with mean `mean`. */
export function gpuArrivalsFromTrace(g: GpuFleetConfig, values: readonly number[], mean: number): number[] {
  return values.map((v) => Math.min(g.count, g.count * g.demandUtilization * (v / mean)));
}
