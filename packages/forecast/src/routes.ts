// Forecasts over HTTP (mounted by the service): which zones and days can be asked for, a zone's day-ahead forecasts
// against persistence and the actuals, and a site simulated on them next to the rule and perfect foresight. Both read
// the data year 2023 that the models were trained and held out on; nothing here touches the chain or the database.
import { ApiError, createRoute, createRouter, errorResponses, jsonContent, z } from '@greenhour/api';
import { listZones, SITE_TYPES } from '@greenhour/energy';
import { InputError } from '@greenhour/errors';
import { HOLDOUT_DAYS } from './periods.ts';
import {
  compareSite,
  FIRST_FORECAST_DAY_S,
  forecastWindow,
  isoDay,
  LAST_FORECAST_DAY_S,
  MAX_WINDOW_DAYS,
  SITE_RUNS,
  type ForecastWindow,
  type SiteComparison,
} from './window.ts';

const Day = z
  .string()
  .regex(/^2023-\d{2}-\d{2}$/, 'must be a day of 2023 as YYYY-MM-DD')
  .openapi({ example: '2023-10-02', description: 'First day (UTC) of the window, in the data year 2023.' });

const WindowQuery = z.object({
  zone: z.string().openapi({ param: { name: 'zone', in: 'query' }, example: 'DE-LU', description: 'A zone id.' }),
  from: Day.openapi({ param: { name: 'from', in: 'query' } }),
  days: z
    .string()
    .regex(/^\d{1,2}$/, `must be an integer from 1 to ${MAX_WINDOW_DAYS}`)
    .transform(Number)
    .optional()
    .openapi({
      param: { name: 'days', in: 'query' },
      example: '7',
      description: `Days, 1 to ${MAX_WINDOW_DAYS} (default 7).`,
    }),
});

const Point = z.object({ forecast: z.number(), persistence: z.number(), actual: z.number() });
const Score = z.object({
  unit: z.string(),
  maeModel: z.number(),
  maePersistence: z.number(),
  skill: z.number().nullable().openapi({
    description: '1 − MAE model / MAE persistence; > 0 beats persistence; null when persistence is exact.',
  }),
});

const ForecastWindowSchema = z
  .object({
    zone: z.string(),
    fromUtcS: z.number().int(),
    days: z.number().int(),
    heldOutDays: z
      .number()
      .int()
      .openapi({ description: 'Days of the window in the held-out quarter (Oct–Dec 2023), never seen in training.' }),
    hours: z.array(
      z.object({
        startUtcS: z.number().int(),
        price: Point.openapi({ description: 'Wholesale price, USD/MWh.' }),
        carbon: Point.openapi({ description: 'Grid carbon intensity (life cycle), gCO2eq/kWh.' }),
        pv: Point.openapi({ description: "The zone's 1 kWp reference array, Wh in the hour." }),
      }),
    ),
    scores: z.object({ price: Score, carbon: Score, pv: Score }),
  })
  .openapi('ForecastWindow');

const Run = z.object({
  run: z.enum(SITE_RUNS).openapi({
    description:
      "'rule': the rule-based controller; 'forecast': the optimizer planning on the day-ahead forecasts; 'perfect': the optimizer with perfect foresight.",
  }),
  netCostUsdc6: z.number().int().openapi({ description: 'What the controllers minimise; negative: the site earns.' }),
  electricityBillUsdc6: z.number().int(),
  emissionsGCo2: z.number().int(),
  gridImportWh: z.number().int(),
  greenShareBps: z.number().int(),
  gpuHoursServed: z.number(),
  gpuHoursQueuedAtEnd: z.number().openapi({ description: 'Compute still queued at the end, its deadline not passed.' }),
  gpuHoursLate: z.number().openapi({ description: 'Compute whose deadline passed unserved.' }),
  evUnmetWh: z.number().int(),
  workInHandUsdc6: z.number().int().openapi({
    description:
      "What the work still in hand at the end will earn less its energy at the window's mean import price, rounded down.",
  }),
  comparableNetCostUsdc6: z.number().int().openapi({ description: 'netCostUsdc6 − workInHandUsdc6.' }),
  savingBps: z
    .number()
    .int()
    .openapi({ description: 'comparableNetCostUsdc6 saved against the rule run, bps of |rule|.' }),
  emissionsCutBps: z.number().int().openapi({ description: "Emissions cut against the rule run, bps of the rule's." }),
  hourly: z.object({
    energyCostUsdc6: z.array(z.number().int()),
    emissionsGCo2: z.array(z.number().int()),
    gridImportWh: z.array(z.number().int()),
    batterySocWh: z.array(z.number()),
  }),
});

const SiteComparisonSchema = z
  .object({
    zone: z.string(),
    siteType: z.enum(SITE_TYPES),
    fromUtcS: z.number().int(),
    days: z.number().int(),
    hourStartUtcS: z.array(z.number().int()),
    pvAvailableWh: z.array(z.number().int()),
    runs: z.array(Run),
  })
  .openapi('SiteComparison');

const Catalogue = z
  .object({
    zones: z.array(z.string()),
    siteTypes: z.array(z.enum(SITE_TYPES)),
    firstDay: z.string().openapi({ description: 'The first day a forecast can be asked for (a week of history).' }),
    lastDay: z.string(),
    heldOut: z
      .object({ from: z.string(), to: z.string() })
      .openapi({ description: 'The held-out quarter, inclusive.' }),
    maxDays: z.number().int(),
  })
  .openapi('ForecastCatalogue');

/** The window of a request, its InputErrors turned into 400s naming the query field. */
function windowOf(q: { from: string; days?: number | undefined }): { fromUtcS: number; days: number } {
  const fromUtcS = Date.parse(`${q.from}T00:00:00Z`) / 1000;
  if (!Number.isFinite(fromUtcS) || isoDay(fromUtcS) !== q.from)
    throw new ApiError('bad_request', 'query.from', `not a calendar day: ${q.from}`);
  return { fromUtcS, days: q.days ?? 7 };
}

async function asBadRequest<T>(f: () => T | Promise<T>): Promise<T> {
  try {
    return await f();
  } catch (e) {
    if (e instanceof InputError) throw new ApiError('bad_request', `query.${e.field}`, e.reason);
    throw e;
  }
}

export function forecastRoutes() {
  return createRouter()
    .openapi(
      createRoute({
        method: 'get',
        path: '/v1/forecast/catalogue',
        tags: ['forecast'],
        summary: 'The zones, site types and days the forecast and site-simulation routes answer for',
        responses: { 200: jsonContent(Catalogue, 'What can be asked for'), ...errorResponses },
      }),
      (c) =>
        c.json(
          {
            zones: listZones(),
            siteTypes: [...SITE_TYPES],
            firstDay: isoDay(FIRST_FORECAST_DAY_S),
            lastDay: isoDay(LAST_FORECAST_DAY_S),
            heldOut: { from: isoDay(HOLDOUT_DAYS.fromUtcS), to: isoDay(HOLDOUT_DAYS.toUtcS - 86_400) },
            maxDays: MAX_WINDOW_DAYS,
          },
          200,
        ),
    )
    .openapi(
      createRoute({
        method: 'get',
        path: '/v1/forecast',
        tags: ['forecast'],
        summary: "A zone's day-ahead forecasts of price, carbon and PV against persistence and the actuals",
        request: { query: WindowQuery },
        responses: { 200: jsonContent(ForecastWindowSchema, 'Forecasts, persistence and actuals'), ...errorResponses },
      }),
      async (c) => {
        const q = c.req.valid('query');
        const { fromUtcS, days } = windowOf(q);
        const body: ForecastWindow = await asBadRequest(() => forecastWindow(q.zone, fromUtcS, days));
        return c.json(body, 200);
      },
    )
    .openapi(
      createRoute({
        method: 'get',
        path: '/v1/forecast/site',
        tags: ['forecast'],
        summary:
          'A default site of a zone run three ways over the window: the rule, the optimizer on the forecasts, and with perfect foresight',
        request: {
          query: WindowQuery.extend({
            site: z.string().openapi({
              param: { name: 'site', in: 'query' },
              example: 'station',
              description: SITE_TYPES.join(' | '),
            }),
          }),
        },
        responses: { 200: jsonContent(SiteComparisonSchema, 'The three runs'), ...errorResponses },
      }),
      async (c) => {
        const q = c.req.valid('query');
        const { fromUtcS, days } = windowOf(q);
        const body: SiteComparison = await asBadRequest(() => compareSite(q.zone, q.site, fromUtcS, days));
        return c.json(body, 200);
      },
    );
}
