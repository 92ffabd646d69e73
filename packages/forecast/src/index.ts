// Public API of @greenhour/forecast: day-ahead (issued 12:00 UTC D-1) forecasts of price, carbon, PV and demand.
export {
  SERIES_KINDS,
  ISSUE_SECOND_OF_DAY,
  HISTORY_HOURS_NEEDED,
  featureNames,
  dayAheadFeatures,
  persistenceDayAhead,
  clearSkyGhiWm2,
  assertIssueTime,
  type SeriesKind,
  type HourlyHistory,
  type ClearSkySite,
} from './features.ts';
export {
  MODEL_FORMAT,
  DEFAULT_FOREST,
  TARGET_TRANSFORMS,
  buildDataset,
  trainForest,
  compactForest,
  loadModel,
  predictRows,
  type ForestOptions,
  type ShippedModel,
  type LoadedModel,
  type TargetTransform,
} from './model.ts';
export { evaluateSeries, scoresMarkdown, mae, type SeriesScore } from './evaluate.ts';
export { forecastZoneDayAhead, forecastDemandDayAhead, type ZoneDayAhead } from './forecast.ts';
export {
  DEMAND_TRACES,
  allSeriesRefs,
  loadSeries,
  referencePvArray,
  referencePvWh,
  zoneClearSkySite,
  zoneHistory2023,
  seriesKey,
  type SeriesRef,
  type LoadedSeries,
  type DemandTrace,
  type ZoneHistory,
} from './series.ts';
export { MODELS_DIR, shippedModel } from './shipped.ts';
export { TRAIN_DAYS, HOLDOUT_DAYS } from './periods.ts';
export { dayAheadSiteForecaster, PV_CALIBRATION_DAYS } from './site.ts';
export {
  FORECAST_SERIES,
  SERIES_UNITS,
  SITE_RUNS,
  FIRST_FORECAST_DAY_S,
  MAX_WINDOW_DAYS,
  assertWindow,
  forecastWindow,
  compareSite,
  type ForecastSeries,
  type ForecastPoint,
  type ForecastHour,
  type ForecastWindow,
  type WindowScore,
  type SiteRun,
  type SiteRunName,
  type SiteComparison,
} from './window.ts';
export { forecastRoutes } from './routes.ts';
