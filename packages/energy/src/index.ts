// Public API of @greenhour/energy.
export type * from './types.ts';
export { SITE_TYPES } from './types.ts';

export { simulateYear, planWindow, PLAN_HOURS, COMMIT_HOURS } from './simulate.ts';
export type { PlanWindowOptions, WindowResult } from './simulate.ts';
export type { StepRecord } from './dispatch.ts';
export { defaultSite, optimalTiltDeg, DEFAULT_CARBON_PRICE_USD_PER_T } from './sites.ts';
export { validateSite } from './validate.ts';
export { parseSiteFile } from './siteFile.ts';
export type { SiteFile } from './siteFile.ts';
export { zoneTariff, loadZone, parseZoneFile } from './zones.ts';
export type { ZoneInfo, ZoneCosts, Segment } from './zones.ts';
export { loadZoneYear, loadWorkloadTrace, listZones, assertZone, checkDataDir, DataError, DATA_DIR } from './data.ts';
export { SchemaError } from './schema.ts';
export * as schema from './schema.ts';
export type { ZoneYearData, ZoneLocation } from './data.ts';
export { progressBar, type ProgressSink } from './progress.ts';
export { getHighs } from './highs.ts';

// physical models
export { solarPosition, extraterrestrialIrradiance, relativeAirmass } from './pv/solarPosition.ts';
export type { SolarPosition } from './pv/solarPosition.ts';
export { ineichenClearSky } from './pv/clearSky.ts';
export type { Irradiance } from './pv/clearSky.ts';
export { kastenCzeplakGhi, erbs } from './pv/cloudCover.ts';
export { haydaviesPoa, cosAngleOfIncidence } from './pv/transposition.ts';
export {
  sapmCellTemperature,
  SAPM_OPEN_RACK_GLASS_POLYMER,
  SAPM_CLOSE_MOUNT_GLASS_GLASS,
  type SapmThermalParams,
} from './pv/cellTemperature.ts';
export {
  pvwattsCellTemperature,
  pvwattsCellTemperatureSeries,
  type PvwattsThermalState,
} from './pv/pvwattsCellTemperature.ts';
export {
  PV_ARRAY_TYPES,
  PVWATTS_ARRAY_TYPE,
  PVWATTS_DEFAULT_GCR,
  PVWATTS_ROTATION_LIMIT_DEG,
  defaultArrayOrientation,
  type PvArrayType,
} from './pv/arrayTypes.ts';
export { singleAxisTracker, twoAxisTracker, trackerSurfaceOrientation } from './pv/tracking.ts';
export type { TrackerPosition, SurfaceOrientation } from './pv/tracking.ts';
export { pvwattsDc, pvwattsInverter, physicalIam } from './pv/pvwatts.ts';
export { arrayPower, arraySurface, pvHourlyAcWh, irradianceFromCloudCover } from './pv/pvSystem.ts';
export { batteryStep, degradationUsd, socBoundsWh } from './battery.ts';
export { generateEvSessions, mulberry32 } from './ev.ts';
export type { EvSession } from './ev.ts';
export { gpuFleetPowerW, gpuDemandArrivals, gpuArrivalsFromTrace, traceMean } from './gpu.ts';
export { ruleEmissionsCap, CAP_SLACK, type EmissionsCap } from './guard.ts';
export { hourlyPrices, touPrice } from './tariff.ts';
