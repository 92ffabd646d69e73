// The dashboard's one API client: one function per route of the service, and the errors the pages show. Every
// request is same-origin (`/v1/...`): the service serves this app and its API together. Lists are pages
// `{ items, nextCursor }`; errors are `{ error: { code, field, reason } }` (packages/api).
//
// The paths and the response types are @greenhour/sdk's, generated from the service's own OpenAPI document at every
// build (packages/sdk/src/schema.d.ts): a route or a response field that changes in the service breaks this app's
// typecheck. Only the types are imported; the requests are a plain fetch (nothing of the SDK is bundled).
import type { components, paths } from '@greenhour/sdk';

type Schemas = components['schemas'];

export type Usdc6 = string;

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

export interface PageQuery {
  limit?: number;
  cursor?: string;
}

/** An error from the service, or from reaching it. `unavailable`: the service has no such route (yet). */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly field: string | null,
    readonly reason: string,
    readonly path: string,
  ) {
    super(`${path}: ${field === null ? '' : field + ': '}${reason} (${status === 0 ? 'no answer' : 'HTTP ' + status})`);
  }
  /** The service has no such route: a 404 naming no field, or the field `path`. A 404 naming another field (a node
   * id, a slot) is a missing resource, shown as an error. */
  get unavailable(): boolean {
    return this.status === 404 && (this.field === null || this.field === 'path');
  }
}

function errorOf(status: number, body: unknown, path: string): ApiError {
  const e = (body as { error?: unknown } | null)?.error;
  if (e !== null && typeof e === 'object') {
    const { code, field, reason } = e as { code?: string; field?: string | null; reason?: string };
    return new ApiError(status, code ?? String(status), field ?? null, reason ?? 'error', path);
  }
  return new ApiError(
    status,
    String(status),
    null,
    status === 404 ? 'no route for this path' : 'unexpected answer',
    path,
  );
}

/** The service's GET routes, as its OpenAPI document lists them. */
type GetPath = { [P in keyof paths]: paths[P] extends { get: object } ? P : never }[keyof paths];
type GetOf<P extends GetPath> = paths[P]['get'];
/** The body of a route's 200 answer. */
export type Ok<P extends GetPath> =
  GetOf<P> extends {
    responses: { 200: { content: { 'application/json': infer B } } };
  }
    ? B
    : never;
type PathParams<P extends GetPath> = GetOf<P> extends { parameters: { path: infer A } } ? A : undefined;
type QueryParams<P extends GetPath> = GetOf<P> extends { parameters: { query?: infer Q } } ? NonNullable<Q> : never;

/** GET `route` (a path of the OpenAPI document, `{name}` filled in from `params`) with `query`. */
async function get<P extends GetPath>(
  route: P,
  params: PathParams<P>,
  query: { [K in keyof QueryParams<P>]?: string | number } = {},
): Promise<Ok<P>> {
  const path = route.replace(/\{(\w+)\}/g, (_, name: string) =>
    encodeURIComponent(String((params as Record<string, unknown>)[name])),
  );
  const search = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (v !== undefined) search.set(k, String(v));
  const url = search.size > 0 ? `${path}?${search}` : path;
  let res: Response;
  try {
    res = await fetch(url, { headers: { accept: 'application/json' } });
  } catch (err) {
    throw new ApiError(0, 'network', null, `service not reachable (${(err as Error).message})`, path);
  }
  let body: unknown = null;
  try {
    body = await res.json();
  } catch {
    // A 404 from a static server (HTML) is a missing route too.
  }
  if (!res.ok || body === null) throw errorOf(res.ok ? 502 : res.status, body, path);
  return body as Ok<P>;
}

// ---- telemetry ----

export type TelemetryStats = Schemas['TelemetryStats'];

export const getTelemetryStats = () => get('/v1/telemetry/stats', undefined);

// ---- chain indexer ----

/** `cursorBlock`: the last block indexed; `headBlock` and `lagBlocks` are null until the chain's head is known. */
export type IndexerStatus = Schemas['IndexerStatus'];

export const getIndexerStatus = () => get('/v1/indexer/status', undefined);
/** The service's clock: real time, or the devnet's accelerated one that its chain follows (`speed` > 1). */
export const getClock = () => get('/v1/clock', undefined);
export type ServiceClock = Awaited<ReturnType<typeof getClock>>;

// ---- nodes ----

/** A node as the NodeRegistry has it (`/v1/nodes`). Its `spec` is raw: the geohash is the registry's left-aligned
 * bytes12, the GPU model its bytes32 (ASCII, zero-padded), the site type the contract's enum. */
export type Node = Schemas['Node'];
export type NodeStatus = Node['status'];
export type NodeSpec = Node['spec'];

export const listNodes = (q: PageQuery = {}) => get('/v1/nodes', undefined, q);
export const getNode = (nodeId: string) => get('/v1/nodes/{nodeId}', { nodeId });

/** One signed telemetry window as the device sent it (`/v1/nodes/{id}/telemetry`). */
export type TelemetryWindow = Schemas['TelemetryWindow'];

/** A node's windows starting in [from, to), oldest first, one page. */
export const listNodeTelemetry = (nodeId: string, from: number, to: number, q: PageQuery = {}) =>
  get('/v1/nodes/{nodeId}/telemetry', { nodeId }, { from, to, ...q });

/** Every page of a paged route, following `nextCursor` until the last (at most `maxPages`). */
export async function allPages<T>(load: (q: PageQuery) => Promise<Page<T>>, limit = 500, maxPages = 100): Promise<T[]> {
  const out: T[] = [];
  let cursor: string | undefined;
  for (let i = 0; i < maxPages; i++) {
    const page = await load({ limit, cursor });
    out.push(...page.items);
    if (page.nextCursor === null) return out;
    cursor = page.nextCursor;
  }
  return out;
}

// ---- attestation ----

export type AttestedHour = Schemas['AttestedHour'];

export const listAttestations = (q: PageQuery = {}) => get('/v1/attestations', undefined, q);

/** A record of an attested hour with its green share (greenWh / (greenWh + gridWh) in basis points, rounded down, as
 * the service computes it). */
export type HourRecord = Schemas['NodeHourRecord'] & {
  greenShareBps: number;
  /** Not in the API's hour records (the challenges are in the light nodes' reports): always absent here. */
  challenge?: { status: string; fault?: string } | null;
};

/** The records of one attested hour (`/v1/attestations/{slot}`: each record with its proof and green share). */
export async function listHourRecords(slot: number): Promise<Page<HourRecord>> {
  const hour = await get('/v1/attestations/{slot}', { slot: String(slot) });
  return { items: hour.records.map((r) => ({ ...r.record, greenShareBps: r.greenShareBps })), nextCursor: null };
}

/** What a device, as a light node, found about its own records (`/v1/light-nodes`). */
export type LightNode = Schemas['LightNodeReport'];
export type HourCheck = Schemas['LightNodeHourCheck'];
export type HourState = HourCheck['state'];
export type RecordSummary = Schemas['LightNodeRecordSummary'];

export const listLightNodes = (q: PageQuery = {}) => get('/v1/light-nodes', undefined, q);

// ---- market ----

/** A live hour market (`/v1/market/markets`), read from the chain now: price (null if not open), ask, reserves, the
 * providers' total liquidity shares. */
export type Market = Schemas['Market'];
/** A trade: `usdc6` paid (buy, fee included) or received (sell); `priceUsdc6PerHour` = usdc6 / hours, rounded down. */
export type Trade = Schemas['Trade'];
/** The green compute index now (`/v1/market/index`): 10,000 bps = every class at its ask; each class's TWAP in ppm of
 * its ask; null before a full window of history. */
export type GreenComputeIndex = Schemas['GreenComputeIndexNow'];

export const listMarkets = (classId?: number) => get('/v1/market/markets', undefined, { classId });
export const listTrades = (classId?: number, slot?: number, q: PageQuery = {}) =>
  get('/v1/market/trades', undefined, { classId, slot, ...q });
export const getIndex = (windowS = 3600) => get('/v1/market/index', undefined, { windowS });

// ---- portfolio ----

/** An address's hours, liquidity positions (`shares` of the slot's market) and the fees they collected. */
export type Portfolio = Schemas['Portfolio'];

export const getPortfolio = (address: string) => get('/v1/portfolio/{address}', { address });

// ---- jobs ----

/** A job (`/v1/jobs`): the chain's record, its placements on node-hours (with where each node is), the keeper's plan
 * with the expected carbon account, the measured account once its node-hours are attested, and its events. */
export type Job = Schemas['Job'];
export type CarbonAccount = Schemas['CarbonAccount'];

export const listJobs = (q: PageQuery & { buyer?: string } = {}) => get('/v1/jobs', undefined, q);
export const getJob = (jobId: string) => get('/v1/jobs/{jobId}', { jobId });

// ---- forecasts ----

/** The zones, site types and days of the data year 2023 the forecast routes answer for. */
export const getForecastCatalogue = () => get('/v1/forecast/catalogue', undefined);
export type ForecastCatalogue = Schemas['ForecastCatalogue'];
/** A zone's day-ahead forecasts of price, carbon and PV against persistence and the actuals, over `days` from `from`. */
export const getForecast = (zone: string, from: string, days: number) =>
  get('/v1/forecast', undefined, { zone, from, days });
export type ForecastWindow = Schemas['ForecastWindow'];
/** One of the project's sites run three ways over the window: the rule, the optimizer on forecasts, perfect foresight. */
export const getSiteComparison = (zone: string, site: string, from: string, days: number) =>
  get('/v1/forecast/site', undefined, { zone, site, from, days });
export type SiteComparison = Schemas['SiteComparison'];
