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

// ---- nodes ----

export type NodeStatus = 'active' | 'unbonding' | 'exited';

export interface Node {
  nodeId: number;
  owner: string;
  device: string;
  siteType: string;
  geohash: string;
  zone: string;
  pvW: number;
  batteryWh: number;
  chargerW: number;
  gpuModel: string;
  gpuCount: number;
  classId: number;
  stakeUsdc6: Usdc6;
  status: NodeStatus;
}

export const listNodes = (q: PageQuery = {}) => getPage<Node>('/v1/nodes', { ...q });

export interface EnergyWindow {
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
}

export const getNodeEnergy = (nodeId: number, from: number, to: number, q: PageQuery = {}) =>
  getPage<EnergyWindow>(`/v1/nodes/${nodeId}/telemetry`, { from, to, ...q });

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

export interface Market {
  classId: number;
  slot: number;
  /** Spot price of one hour, usdc6. */
  spotUsdc6: Usdc6;
  /** The market's ask (its reference price) per hour, usdc6. */
  askUsdc6: Usdc6;
  /** Hours the market holds for sale. */
  hoursReserve: string;
  /** Cash the market holds, usdc6. */
  cashReserveUsdc6: Usdc6;
  /** Seconds until the slot starts (negative: started). */
  secondsToSlot: number;
}

export interface Trade {
  classId: number;
  slot: number;
  /** UTC seconds of the block. */
  timestamp: number;
  side: 'buy' | 'sell';
  trader: string;
  hours: string;
  /** What the trader paid (buy) or received (sell), usdc6, fee included. */
  amountUsdc6: Usdc6;
  /** Price per hour of this trade, usdc6. */
  priceUsdc6: Usdc6;
  txHash: string;
}

export interface IndexPoint {
  classId: number;
  /** UTC seconds the value was published for. */
  timestamp: number;
  /** Averaging window, seconds. */
  windowSeconds: number;
  /** The class's index value: TWAP of the spot price per hour, usdc6. */
  valueUsdc6: Usdc6;
}

export const listMarkets = (classId?: number, q: PageQuery = {}) =>
  getPage<Market>('/v1/market/markets', { classId, ...q });
export const listTrades = (classId?: number, slot?: number, q: PageQuery = {}) =>
  getPage<Trade>('/v1/market/trades', { classId, slot, ...q });
export const listIndex = (q: PageQuery = {}) => getPage<IndexPoint>('/v1/market/index', { ...q });

// ---- portfolio ----

export interface Portfolio {
  address: string;
  hours: { classId: number; slot: number; balance: string }[];
  positions: {
    positionId: string;
    classId: number;
    slot: number;
    hours: string;
    cashUsdc6: Usdc6;
    feesUsdc6: Usdc6;
  }[];
  /** Fees earned over every position, usdc6. */
  feesUsdc6: Usdc6;
}

export const getPortfolio = (address: string) => get<Portfolio>(`/v1/portfolio/${encodeURIComponent(address)}`);
