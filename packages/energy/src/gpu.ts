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
  const out = new Array<number>(hours);
  let mean = 1;
  if (trace) {
    let s = 0;
    for (const x of trace) s += x;
    mean = s / trace.length || 1;
  }
  for (let i = 0; i < hours; i++) {
    const shape = trace ? (trace[(offset + i) % trace.length] ?? mean) / mean : 1;
    out[i] = Math.min(g.count, g.count * g.demandUtilization * shape);
  }
  return out;
}
