// The public read API of ingest and attestation: anyone can fetch an hour's records with their proofs and the signed
// windows behind each, recompute them, and challenge a wrong one on chain.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { once } from 'node:events';
import type { Database } from './db.ts';
import type { Ingest } from './ingest.ts';
import { loadEvidence } from './challenger.ts';
import { recordOfRow, type NodeHourRow } from './rows.ts';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

function integerParam(name: string, raw: string): number {
  if (!/^\d{1,15}$/.test(raw)) throw new ApiError(400, `${name}: must be a non-negative integer, got "${raw}"`);
  return Number(raw);
}

/**
 * What the node agents running as light nodes report about their own records (docs/TELEMETRY.md, "Light node"): one
 * entry a device, its node id once proven from the registry, each checked hour's state and the challenge's outcome.
 */
export interface LightNodeReport {
  device: string;
  nodeId: number | null;
  [field: string]: unknown;
}

export interface ApiOptions {
  /** The light nodes' reports (in `npm start`, the demo agents in this process). Absent: the routes answer 404. */
  lightNodes?: () => readonly LightNodeReport[];
}

type Route = [RegExp, (db: Database, ingest: Ingest, params: string[], options: ApiOptions) => Promise<unknown>];

function lightNodesOf(options: ApiOptions): readonly LightNodeReport[] {
  if (options.lightNodes === undefined) throw new ApiError(404, 'path: no light nodes report to this service');
  return options.lightNodes();
}

const ROUTES: Route[] = [
  [/^\/v1\/telemetry\/stats$/, async (_db, ingest) => ingest.stats()],
  [/^\/v1\/telemetry\/gaps$/, async (_db, ingest) => ingest.openGaps()],
  [
    /^\/v1\/attestations$/,
    async (db) =>
      (
        await db.query<{
          slot: number;
          root: string | null;
          record_count: number;
          status: string;
          tx_hash: string | null;
        }>('SELECT slot, root, record_count, status, tx_hash FROM attestations ORDER BY slot DESC LIMIT 168')
      ).map((r) => ({
        slot: Number(r.slot),
        root: r.root,
        recordCount: Number(r.record_count),
        status: r.status,
        txHash: r.tx_hash,
      })),
  ],
  [
    /^\/v1\/attestations\/([^/]+)$/,
    async (db, _ingest, [rawSlot]) => {
      const slot = integerParam('slot', rawSlot!);
      const [hour] = await db.query<{ root: string | null; status: string; tx_hash: string | null }>(
        'SELECT root, status, tx_hash FROM attestations WHERE slot = $1',
        [slot],
      );
      if (hour === undefined) throw new ApiError(404, `slot: hour ${slot} is not attested (yet)`);
      const rows = await db.query<NodeHourRow>('SELECT * FROM node_hours WHERE slot = $1 ORDER BY leaf_index', [slot]);
      return {
        slot,
        root: hour.root,
        status: hour.status,
        txHash: hour.tx_hash,
        records: rows.map((r) => ({ record: recordOfRow(r), proof: JSON.parse(r.proof) })),
      };
    },
  ],
  [
    /^\/v1\/attestations\/([^/]+)\/nodes\/([^/]+)$/,
    async (db, _ingest, [rawSlot, rawNode]) => {
      const slot = integerParam('slot', rawSlot!);
      const nodeId = integerParam('nodeId', rawNode!);
      const evidence = await loadEvidence(db, slot, nodeId);
      if (evidence === undefined) throw new ApiError(404, `nodeId: node ${nodeId} has no record in hour ${slot}`);
      return evidence;
    },
  ],
  [/^\/v1\/light-nodes$/, async (_db, _ingest, _params, options) => lightNodesOf(options)],
  [
    /^\/v1\/light-nodes\/([^/]+)$/,
    async (_db, _ingest, [rawNode], options) => {
      const nodeId = integerParam('nodeId', rawNode!);
      const report = lightNodesOf(options).find((r) => r.nodeId === nodeId);
      if (report === undefined) throw new ApiError(404, `nodeId: no light node of node ${nodeId} reports here`);
      return report;
    },
  ],
];

async function route(
  db: Database,
  ingest: Ingest,
  options: ApiOptions,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  let status = 200;
  let body: unknown;
  try {
    if (req.method !== 'GET') throw new ApiError(405, `method: only GET is served, got ${req.method}`);
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    const match = ROUTES.map(([pattern, handler]) => [pattern.exec(path), handler] as const).find(([m]) => m);
    if (match === undefined) throw new ApiError(404, `path: no route for ${path}`);
    body = await match[1](db, ingest, match[0]!.slice(1), options);
  } catch (err) {
    status = err instanceof ApiError ? err.status : 500;
    body = { error: (err as Error).message };
  }
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

export interface ApiServer {
  url: string;
  close(): Promise<void>;
}

export async function startApi(db: Database, ingest: Ingest, port = 0, options: ApiOptions = {}): Promise<ApiServer> {
  const server: Server = createServer((req, res) => void route(db, ingest, options, req, res));
  server.listen(port, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('api: no TCP address');
  return {
    url: `http://127.0.0.1:${address.port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
