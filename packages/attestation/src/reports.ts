// Light-node reports from remote agents: a device signs what it found about its own records (EIP-712 under the
// oracle's chain and address, so a report for one deployment is worthless on another), the service checks that the
// signer is the node's registered device key, that the report is fresh (signed within MAX_REPORT_AGE_S of the
// service's clock) and newer than the last one it stored for the node (a replayed report is refused), then keeps it.
import { recoverTypedDataAddress, type Address, type Hex } from 'viem';
import { REPORT_TYPES, reportDomain, reportHashOf } from '@greenhour/telemetry';
import type { Database } from '@greenhour/store';
import { ApiError } from '@greenhour/api';
import type { NodeDirectory } from './directory.ts';

/** A report signed longer ago than this (or this far in the future) is refused: clocks agree to well under it. */
export const MAX_REPORT_AGE_S = 300;
/** A report is a status summary, not evidence: its JSON text is bounded. */
export const MAX_REPORT_BYTES = 256 * 1024;

export interface SignedReport {
  nodeId: number;
  issuedAt: number;
  /** The report as JSON text; it must be an object whose `device` is the signer and `nodeId` the node. */
  report: string;
  signature: Hex;
}

export class LightNodeReports {
  constructor(
    private readonly db: Database,
    private readonly directory: NodeDirectory,
    private readonly domain: ReturnType<typeof reportDomain>,
    private readonly nowS: () => number = () => Math.floor(Date.now() / 1000),
  ) {}

  /** Checks and stores a signed report; throws ApiError naming the field at fault. */
  async accept(signed: SignedReport): Promise<{ nodeId: number; issuedAt: number }> {
    const { nodeId, issuedAt, report, signature } = signed;
    if (report.length > MAX_REPORT_BYTES)
      throw new ApiError('bad_request', 'body.report', `at most ${MAX_REPORT_BYTES} bytes of JSON`);
    let parsed: unknown;
    try {
      parsed = JSON.parse(report);
    } catch {
      throw new ApiError('bad_request', 'body.report', 'not JSON text');
    }
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed))
      throw new ApiError('bad_request', 'body.report', 'must be a JSON object');
    const now = this.nowS();
    if (Math.abs(now - issuedAt) > MAX_REPORT_AGE_S)
      throw new ApiError(
        'unauthorized',
        'body.issuedAt',
        `signed at ${issuedAt}, ${now - issuedAt} s from the service's clock (at most ${MAX_REPORT_AGE_S} s either way)`,
      );
    let signer: Address;
    try {
      signer = await recoverTypedDataAddress({
        domain: this.domain,
        types: REPORT_TYPES,
        primaryType: 'LightNodeReport',
        message: { nodeId: BigInt(nodeId), issuedAt: BigInt(issuedAt), reportHash: reportHashOf(report) },
        signature,
      });
    } catch {
      throw new ApiError('unauthorized', 'body.signature', 'not a signature of this report');
    }
    const device = signer.toLowerCase();
    const node = await this.directory.lookup(device);
    if (node === undefined || node.nodeId !== nodeId)
      throw new ApiError('unauthorized', 'body.signature', `not signed by node ${nodeId}'s registered device key`);
    const body = parsed as { device?: unknown; nodeId?: unknown };
    if (typeof body.device !== 'string' || body.device.toLowerCase() !== device)
      throw new ApiError('bad_request', 'body.report.device', `must be the signing device ${device}`);
    if (body.nodeId !== nodeId) throw new ApiError('bad_request', 'body.report.nodeId', `must be ${nodeId}`);
    // Newer than the stored one, in one statement: two racing posts of one report cannot both land.
    const stored = await this.db.query<{ issued_at: number }>(
      `INSERT INTO light_node_reports (node_id, device, issued_at, report, received_at) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (node_id) DO UPDATE SET device = EXCLUDED.device, issued_at = EXCLUDED.issued_at,
         report = EXCLUDED.report, received_at = EXCLUDED.received_at
       WHERE light_node_reports.issued_at < EXCLUDED.issued_at
       RETURNING issued_at`,
      [nodeId, device, issuedAt, report, now],
    );
    if (stored.length === 0)
      throw new ApiError('conflict', 'body.issuedAt', `not newer than node ${nodeId}'s stored report: a replay`);
    return { nodeId, issuedAt };
  }

  /** The stored reports, by node id. */
  async all(): Promise<{ nodeId: number; report: Record<string, unknown>; issuedAt: number }[]> {
    const rows = await this.db.query<{ node_id: number; report: string; issued_at: number }>(
      'SELECT node_id, report, issued_at FROM light_node_reports ORDER BY node_id',
    );
    return rows.map((r) => ({
      nodeId: Number(r.node_id),
      report: JSON.parse(r.report) as Record<string, unknown>,
      issuedAt: Number(r.issued_at),
    }));
  }
}
