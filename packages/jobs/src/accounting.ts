// Carbon accounting of a job, expected (from its plan) or measured (from the attested node-hours that served it).
//
// Software Carbon Intensity, Green Software Foundation, SCI specification v1.0 (ISO/IEC 21031:2024):
//   SCI = ((E × I) + M) per R
// E energy (kWh), I location-based marginal/average intensity (gCO2e/kWh), M embodied emissions' share (gCO2e), R the
// functional unit. Here E × I is summed hour by hour: the grid part of each node-hour at its zone's intensity for that
// hour, and the node's own attested green energy at 0 (it is generated on site; its life-cycle emissions are outside
// the GPU's operational boundary, as the spec allows for on-site generation). R is one GPU-hour, so jobs of different
// sizes compare; the per-job total is reported beside it.
//
// 24/7 carbon-free energy share (Google, "24/7 by 2030", and the EnergyTag granular certificate scheme): the share of
// consumption matched, hour by hour, by carbon-free supply in the same hour. Only the node's own attested green energy
// counts as carbon-free here; the grid's own carbon-free part is counted as 0 because the zone data gives intensities,
// not the grid's generation mix, so the figure never overstates the buyer's share.
//
// Integers throughout: energy in Wh, intensity in g/kWh, emissions in mg (Wh × g/kWh = mg exactly).

/**
 * Embodied emissions per GPU-hour, mg CO2e, rounded up so it never understates.
 * Source: Luccioni, Viguier, Ligozat (2023), "Estimating the Carbon Footprint of BLOOM, a 176B Parameter Language
 * Model", JMLR 24(253), section 4.1: 150 kg CO2e per GPU and 2,500 kg per 8-GPU server node, over a 6-year life at
 * 85 % use.  (150,000 g + 2,500,000 g / 8) / (6 × 8,760 h × 0.85) = 462,500 g / 44,676 h = 10.352 g per GPU-hour.
 * A datacentre figure, applied to every GPU: an upper bound for a home node's single consumer card.
 */
export const EMBODIED_MG_PER_GPU_HOUR = Math.ceil((462_500 * 1000) / (6 * 8760 * 0.85));

/** One node-hour of a job: its energy, the part of it that was the node's own attested green, the zone's intensity. */
export interface HourEnergy {
  gpuHours: number;
  energyWh: number;
  /** Own green energy of the node used by the job in the hour, Wh (≤ energyWh). */
  greenWh: number;
  /** Grid intensity of the node's zone in the hour, g/kWh. */
  carbonGPerKwh: number;
}

export interface CarbonAccount {
  gpuHours: number;
  energyWh: number;
  greenWh: number;
  gridWh: number;
  /** Σ grid Wh × intensity (operational emissions, E × I), mg. */
  operationalMg: number;
  /** gpuHours × EMBODIED_MG_PER_GPU_HOUR (M), mg. */
  embodiedMg: number;
  /** (E × I + M) for the whole job, mg. */
  totalMg: number;
  /** SCI per GPU-hour, mg CO2e, rounded up. */
  sciMgPerGpuHour: number;
  /** Hourly-matched carbon-free share, bps, rounded down. */
  cfeBps: number;
}

function checkHour(h: HourEnergy, i: number): void {
  for (const k of ['gpuHours', 'energyWh', 'greenWh', 'carbonGPerKwh'] as const) {
    const v = h[k];
    if (!Number.isSafeInteger(v) || v < 0) throw new RangeError(`hours[${i}].${k}: a non-negative integer, got ${v}`);
  }
  if (h.greenWh > h.energyWh) throw new RangeError(`hours[${i}].greenWh: exceeds energyWh (${h.energyWh})`);
}

/** SCI and 24/7 CFE of the hours that served a job (empty: a job that used nothing, all zero). */
export function carbonAccount(hours: readonly HourEnergy[]): CarbonAccount {
  let gpuHours = 0;
  let energyWh = 0;
  let greenWh = 0;
  let operationalMg = 0;
  hours.forEach((h, i) => {
    checkHour(h, i);
    gpuHours += h.gpuHours;
    energyWh += h.energyWh;
    greenWh += h.greenWh;
    operationalMg += (h.energyWh - h.greenWh) * h.carbonGPerKwh;
  });
  const embodiedMg = gpuHours * EMBODIED_MG_PER_GPU_HOUR;
  const totalMg = operationalMg + embodiedMg;
  return {
    gpuHours,
    energyWh,
    greenWh,
    gridWh: energyWh - greenWh,
    operationalMg,
    embodiedMg,
    totalMg,
    sciMgPerGpuHour: gpuHours === 0 ? 0 : Math.ceil(totalMg / gpuHours),
    // Matched within each hour already (greenWh ≤ energyWh per hour), so the sum is the hourly-matched total.
    cfeBps: energyWh === 0 ? 0 : Math.floor((greenWh * 10_000) / energyWh),
  };
}
