// Public API of @greenhour/scheduler: carbon-aware placement of GPU jobs on node-hours.
export type * from './types.ts';
export {
  JOB_KINDS,
  SITE_KINDS,
  AGGREGATOR_KINDS,
  DEFAULT_CARBON_PRICE_USD_PER_T,
  DEFAULT_UNPLACED_PENALTY_USDC6_PER_GPU_HOUR,
} from './types.ts';
export { validateProblem, type Settings } from './validate.ts';
export { carbonCostUsdc6, eligible, aggregatorsByZone, checkPlan } from './model.ts';
export { scheduleHeuristic, edfOrder } from './heuristic.ts';
export { solveExact, type ExactOptions, type ExactResult } from './exact.ts';
export { replan, type ReplanInput, type ReplanResult } from './replan.ts';
export { randomProblem } from './random.ts';
