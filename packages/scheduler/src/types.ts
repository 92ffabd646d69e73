// Data model of the carbon-aware scheduler. Units are in the names: GPU-hours and GPUs are integers, energy in Wh,
// money in usdc6 (1e-6 USD, integers where they are amounts), carbon intensity in gCO2/kWh, time in UTC hour slots
// (slot = floor(utcSeconds / 3600)). A job's window is [earliestSlot, deadlineSlot): it must finish before
// deadlineSlot starts.

export const JOB_KINDS = ['inference', 'training', 'rendering'] as const;
export type JobKind = (typeof JOB_KINDS)[number];

/** Site types of a node: 'home' (tier 2C) carries shards, 'regional' / 'station' (tier 2B) may aggregate. */
export const SITE_KINDS = ['home', 'regional', 'station', 'pile'] as const;
export type SiteKind = (typeof SITE_KINDS)[number];
/** Site types that may aggregate a sharded job (tier 2B). */
export const AGGREGATOR_KINDS: readonly SiteKind[] = ['regional', 'station'];

/**
 * Internal carbon price, USD/tCO2, used to weigh emissions against money: 50 USD/t, the low end of the USD 40-80/t
 * range the High-Level Commission on Carbon Prices (Stiglitz, Stern et al., 2017) found consistent with the Paris
 * targets for 2020 (the same default as @greenhour/energy's DEFAULT_CARBON_PRICE_USD_PER_T).
 */
export const DEFAULT_CARBON_PRICE_USD_PER_T = 50;

/**
 * Penalty for leaving a GPU-hour unplaced, usdc6 (1,000 USD). Far above any GPU-hour price plus its carbon cost
 * (700 W at 1,000 g/kWh and 50 USD/t is 0.035 USD), so an optimiser leaves a job unplaced only when no feasible
 * placement exists or when placing it would force a larger job out.
 */
export const DEFAULT_UNPLACED_PENALTY_USDC6_PER_GPU_HOUR = 1_000_000_000;

export interface Job {
  id: string;
  kind: JobKind;
  /** GPU-hours needed (integer >= 1): one GPU busy for one hour slot is one GPU-hour. */
  gpuHours: number;
  /** Lowest capacity class (ordered tier number) the job may run on; any class >= it is acceptable. */
  minClass: number;
  /** First slot the job may use. */
  earliestSlot: number;
  /** The job must be finished before this slot (exclusive). */
  deadlineSlot: number;
  /** Minimum share of the job's energy that is the node's own attested green energy, basis points 0..10000. */
  minGreenBps: number;
  /** Highest price the buyer pays per GPU-hour, usdc6. */
  maxPriceUsdc6PerGpuHour: number;
  /** Whether the job may be split into shards on several home nodes (run as a gang, see heuristic.ts). */
  sharded: boolean;
}

/** One node in one hour slot, as forecast. */
export interface NodeHour {
  nodeId: string;
  zone: string;
  siteType: SiteKind;
  /** Capacity class of the node's GPUs (ordered tier number). */
  classId: number;
  slot: number;
  /** GPUs free for the scheduler in this slot (integer). */
  freeGpus: number;
  /** Own green energy (PV / battery) forecast available to GPUs this slot, Wh. */
  greenWh: number;
  /** Power of one busy GPU including its share of cooling, W (= Wh per GPU-hour). */
  gpuPowerW: number;
  /** Price of one GPU-hour, usdc6. */
  priceUsdc6PerGpuHour: number;
  /** Grid carbon intensity forecast of the zone for the slot, gCO2/kWh. */
  carbonGPerKwh: number;
}

export interface Problem {
  jobs: readonly Job[];
  nodeHours: readonly NodeHour[];
  /** USD per tonne CO2; default DEFAULT_CARBON_PRICE_USD_PER_T. */
  carbonPriceUsdPerT?: number;
  /** usdc6 per GPU-hour of a job left unplaced; default DEFAULT_UNPLACED_PENALTY_USDC6_PER_GPU_HOUR. */
  unplacedPenaltyUsdc6PerGpuHour?: number;
}

export interface Assignment {
  nodeId: string;
  slot: number;
  gpus: number;
  /** Own green energy allocated to this job on this node-hour, Wh. */
  greenWh: number;
}

export interface Placement {
  jobId: string;
  assignments: Assignment[];
  /** Total energy of the job, Wh (sum of gpus x gpuPowerW x 1 h). */
  energyWh: number;
  /** Own green energy used, Wh. */
  greenWh: number;
  /** Grid energy, Wh (= energyWh - greenWh). */
  gridWh: number;
  /** Expected emissions, g: grid Wh x zone intensity / 1000; own green counts 0. */
  emissionsG: number;
  /** greenWh / energyWh in basis points, rounded down (so a reported share never overstates the green part). */
  greenShareBps: number;
  /** Sum of gpus x price, usdc6 (an integer: prices and GPU counts are integers). */
  costUsdc6: number;
  /** Aggregating regional/station node of a sharded job; null for a job that is not sharded. */
  aggregatorNodeId: string | null;
}

export interface Unplaced {
  jobId: string;
  reason: string;
}

export interface Plan {
  placements: Placement[];
  unplaced: Unplaced[];
  /**
   * Objective, usdc6 (not rounded: emissions cost is fractional): sum of cost + emissions x carbon price over
   * placements + unplaced GPU-hours x penalty.
   */
  objectiveUsdc6: number;
}
