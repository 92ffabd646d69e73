// Public API of @greenhour/jobs: the buyer side in the service. Plans open jobs on the market's node-hours with the
// carbon-aware scheduler, assigns, redeems and settles them (the keeper), accounts their carbon (SCI, 24/7 CFE), and
// serves them over HTTP.
export { EMBODIED_MG_PER_GPU_HOUR, carbonAccount, type CarbonAccount, type HourEnergy } from './accounting.ts';
export { ZoneOutlook, dataYearHour, type SlotOutlook, type HourActual } from './outlook.ts';
export {
  planJob,
  type FleetNode,
  type Offer,
  type OpenJob,
  type PlanInput,
  type JobPlan,
  type PlannedHour,
} from './plan.ts';
export { ChainSnapshot, PLANNING_HORIZON_SLOTS, zoneOfGeohash, type ChainDeployment } from './state.ts';
export {
  JobKeeper,
  planOnChain,
  DELIVERY_CONFIRMATION_WINDOW_S,
  type JobKeeperOptions,
  type TickReport,
  type PlannableJob,
} from './keeper.ts';
export { saveJobPlan, loadJobPlans, toStoredPlan, type StoredPlan } from './plans.ts';
export { jobReports, type JobReport, type PlacementReport, type TimelineEntry } from './report.ts';
export { jobRoutes, QuoteRequest, type JobRoutesOptions } from './routes.ts';
