// The dashboard's one API client: one function per route of the service, the type of each response, and the errors
// the pages show. Every request is same-origin (`/v1/...`): the service serves this app and its API together.
// Lists are pages `{ items, nextCursor }`; errors are `{ error: { code, field, reason } }` (packages/api).

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

async function get<T>(path: string, query: Record<string, string | number | undefined> = {}): Promise<T> {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (v !== undefined) params.set(k, String(v));
  const url = params.size > 0 ? `${path}?${params}` : path;
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
  return body as T;
}

const getPage = <T>(path: string, query: Record<string, string | number | undefined>) => get<Page<T>>(path, query);

// ---- telemetry ----

export interface TelemetryStats {
  accepted: number;
  rejected: Record<string, number>;
  openGaps: number;
  devices: number;
}

export const getTelemetryStats = () => get<TelemetryStats>('/v1/telemetry/stats');

// ---- chain indexer ----

export interface IndexerStatus {
  chainId: number;
  /** The last block indexed. */
  cursorBlock: number;
  headBlock: number;
  lagBlocks: number;
  confirmations: number;
  eventsIndexed: number;
  reorgs: number;
  lastError: string | null;
}

export const getIndexerStatus = () => get<IndexerStatus>('/v1/indexer/status');

// ---- nodes ----

export type NodeStatus = 'active' | 'exiting' | 'exited';

/** A node's spec as registered in the NodeRegistry (`spec` of `/v1/nodes`), raw: the geohash is the registry's
 * left-aligned bytes12, the GPU model its bytes32 (ASCII, zero-padded), the site type the contract's enum. */
export interface NodeSpec {
  siteType: number;
  geohash: string;
  pvWp: number;
  batteryWh: number;
  chargerW: number;
  gpuModel: string;
  gpuCount: number;
  deviceSigner: string;
}

export interface Node {
  nodeId: string;
  owner: string;
  classId: number;
  status: NodeStatus;
  stakeUsdc6: Usdc6;
  slashedUsdc6: Usdc6;
  spec: NodeSpec;
  registeredBlock: number;
  /** UTC seconds. */
  registeredAt: number;
}

export const listNodes = (q: PageQuery = {}) => getPage<Node>('/v1/nodes', { ...q });
export const getNode = (nodeId: string) => get<Node>(`/v1/nodes/${encodeURIComponent(nodeId)}`);

/** One signed telemetry window as the device sent it (`/v1/nodes/{id}/telemetry`). */
export interface TelemetryWindow {
  device: string;
  seq: number;
  /** UTC seconds. */
  windowStart: number;
  windowEnd: number;
  pvWh: number;
  batteryInWh: number;
  batteryOutWh: number;
  gridImportWh: number;
  gridExportWh: number;
  gpuWh: number;
  evWh: number;
  uptimeS: number;
  jobsHash: string;
}

/** A node's windows starting in [from, to), oldest first, one page. */
export const listNodeTelemetry = (nodeId: string, from: number, to: number, q: PageQuery = {}) =>
  getPage<TelemetryWindow>(`/v1/nodes/${encodeURIComponent(nodeId)}/telemetry`, { from, to, ...q });

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

export interface AttestedHour {
  slot: number;
  root: string | null;
  recordCount: number;
  status: string;
  txHash: string | null;
}

export const listAttestations = (q: PageQuery = {}) => getPage<AttestedHour>('/v1/attestations', { ...q });

export interface HourRecord {
  nodeId: number;
  slot: number;
  greenWh: number;
  gridWh: number;
  gpuWh: number;
  uptimeS: number;
  messageCount: number;
  /** greenWh / (greenWh + gridWh) in basis points, rounded down: as the service computes it. */
  greenShareBps: number;
  /** The record's challenge state, when the service knows it. */
  challenge?: { status: string; fault?: string } | null;
}

/** The records of one attested hour (`/v1/attestations/{slot}`: each record with its proof and green share). */
export async function listHourRecords(slot: number): Promise<Page<HourRecord>> {
  const hour = await get<{ records: { record: Omit<HourRecord, 'greenShareBps'>; greenShareBps: number }[] }>(
    `/v1/attestations/${slot}`,
  );
  return { items: hour.records.map((r) => ({ ...r.record, greenShareBps: r.greenShareBps })), nextCursor: null };
}

export type HourState = 'verified' | 'missing' | 'misreported';

export interface RecordSummary {
  greenWh: number;
  gridWh: number;
  gpuWh: number;
  uptimeS: number;
  messageCount: number;
  greenShareBps: number;
}

export interface HourCheck {
  slot: number;
  state: HourState;
  checkedAt: number;
  reason: string;
  expected: RecordSummary;
  reported?: RecordSummary;
  challenge?: {
    status: 'committing' | 'committed' | 'succeeded' | 'failed' | 'not-challengeable';
    reason?: string;
    fault?: string;
    rewardUsdc6?: number | string;
    rewardTo?: string;
    commitTx?: string;
    revealTx?: string;
  };
}

export interface LightNode {
  device: string;
  deviceId?: string;
  nodeId: number | null;
  owner?: string;
  registration: { nodeId: number; status: string; stakeUsdc6: Usdc6; bondedUsdc6: Usdc6 } | null;
  hours: HourCheck[];
  metrics: {
    hoursVerified: number;
    hoursMissing: number;
    hoursMisreported: number;
    challengesCommitted: number;
    challengesSucceeded: number;
    challengesFailed: number;
    notChallengeable: number;
    rewardsUsdc6: number | string;
  };
}

export const listLightNodes = (q: PageQuery = {}) => getPage<LightNode>('/v1/light-nodes', { ...q });

// ---- market ----

/** A live hour market (`/v1/market/markets`), read from the chain now. */
export interface Market {
  hourId: string;
  classId: number;
  slot: number;
  /** Upcoming, InProgress or Exited (from block time). */
  status: string;
  /** Slot start minus block time; negative once it began. */
  secondsToSlot: number;
  /** Price of the next hour now, fee excluded, usdc6; null if the market is not open. */
  priceUsdc6: Usdc6 | null;
  /** The market's ask (its reference price) per hour, usdc6. */
  askUsdc6: Usdc6;
  /** Hours for sale. */
  hoursReserve: number;
  /** Cash the market holds, usdc6. */
  cashUsdc6: Usdc6;
  feeBps: number;
}

export interface Trade {
  blockNumber: number;
  logIndex: number;
  /** UTC seconds of the block. */
  timestamp: number;
  txHash: string;
  side: 'buy' | 'sell';
  hourId: string;
  classId: number;
  slot: number;
  trader: string;
  hours: string;
  /** Paid (buy, fee included) or received (sell), usdc6. */
  usdc6: Usdc6;
  feeUsdc6: Usdc6;
  /** usdc6 / hours, rounded down. */
  priceUsdc6PerHour: Usdc6;
}

/** The green compute index now (`/v1/market/index`). */
export interface GreenComputeIndex {
  windowS: number;
  /** Block time the values were read at, UTC seconds. */
  timestamp: number;
  /** 10,000 = every class at its ask; null before a full window of history. */
  indexBps: number | null;
  /** Each class's time-weighted average price over the window, in ppm of its ask; null before a full window. */
  classes: { classId: number; twapPpm: number | null }[];
}

export const listMarkets = (classId?: number) => get<{ items: Market[] }>('/v1/market/markets', { classId });
export const listTrades = (classId?: number, slot?: number, q: PageQuery = {}) =>
  getPage<Trade>('/v1/market/trades', { classId, slot, ...q });
export const getIndex = (windowS = 3600) => get<GreenComputeIndex>('/v1/market/index', { windowS });

// ---- portfolio ----

export interface Portfolio {
  address: string;
  hours: { hourId: string; classId: number; slot: number; balance: string }[];
  positions: {
    positionId: string;
    hourId: string;
    classId: number;
    slot: number;
    /** The position's liquidity shares in its market. */
    shares: string;
    feesCollectedUsdc6: Usdc6;
  }[];
  /** Fees collected over every position, usdc6. */
  feesCollectedUsdc6: Usdc6;
}

export const getPortfolio = (address: string) => get<Portfolio>(`/v1/portfolio/${encodeURIComponent(address)}`);
