// The public read API of ingest and attestation (mounted by the service): anyone can fetch an hour's records with their
// proofs and the signed windows behind each, recompute them, and challenge a wrong one on chain; each node's telemetry
// windows; what the devices running as light nodes report about their own records.
import {
  ApiError,
  createRoute,
  createRouter,
  decodeIntegerCursor,
  errorResponses,
  integerParam,
  jsonContent,
  ErrorBody,
  PageQuery,
  pageOf,
  toPage,
  z,
  DEFAULT_PAGE_LIMIT,
} from '@greenhour/api';
import type { Database } from '@greenhour/store';
import type { Ingest } from './ingest.ts';
import { REJECTIONS } from './ingest.ts';
import { loadEvidence } from './challenger.ts';
import { MAX_REPORT_BYTES, type LightNodeReports } from './reports.ts';
import { messageOfRow, recordOfRow, type MessageRow, type NodeHourRow } from './rows.ts';
import { greenShareBps } from '@greenhour/telemetry';

/**
 * What the node agents running as light nodes report about their own records (docs/TELEMETRY.md, "Light node"): one
 * entry a device, its node id once proven from the registry, each checked hour's state and the challenge's outcome.
 */
export interface LightNodeReport {
  device: string;
  nodeId: number | null;
  [field: string]: unknown;
}

export interface AttestationRoutesOptions {
  /** The light nodes' reports of agents in this process (in `npm start`, the demo agents). */
  lightNodes?: () => readonly LightNodeReport[];
  /** Reports signed and posted by remote agents. Absent: POST answers 404 and only in-process reports are listed. */
  reports?: LightNodeReports;
}

const json = jsonContent;
const integer = integerParam;

const Hex = z.string().regex(/^0x[0-9a-fA-F]*$/);
const Address = z.string().regex(/^0x[0-9a-fA-F]{40}$/);

const Stats = z
  .object({
    accepted: z.number().int().openapi({ description: 'Signed windows accepted since the service started.' }),
    rejected: z
      .record(z.enum(REJECTIONS), z.number().int())
      .openapi({ description: 'Windows refused since the start, by reason.' }),
    openGaps: z.number().int().openapi({ description: 'Runs of missing sequence numbers still being re-requested.' }),
    devices: z.number().int().openapi({ description: 'Devices that sent at least one accepted window.' }),
  })
  .openapi('TelemetryStats');
const Gap = z
  .object({
    device: Address,
    fromSeq: z.number().int(),
    toSeq: z.number().int(),
    afterWindowEnd: z.number().int().openapi({ description: 'UTC seconds' }),
    beforeWindowStart: z.number().int().openapi({ description: 'UTC seconds' }),
  })
  .openapi('TelemetryGap');
const Hour = z
  .object({
    slot: z.number().int().openapi({ description: 'Hour slot: floor(UTC seconds / 3600).' }),
    root: Hex.nullable().openapi({ description: 'Merkle root committed on chain; null for an hour with no record.' }),
    recordCount: z.number().int(),
    status: z.string().openapi({ description: 'built, committed, claimed or empty.' }),
    txHash: Hex.nullable(),
  })
  .openapi('AttestedHour');
const NodeHourRecord = z
  .object({
    nodeId: z.number().int(),
    slot: z.number().int(),
    greenWh: z.number().int(),
    gridWh: z.number().int(),
    gpuWh: z.number().int(),
    uptimeS: z.number().int(),
    messageCount: z.number().int(),
    messagesHash: Hex,
  })
  .openapi('NodeHourRecord');
const HourRecords = z
  .object({
    slot: z.number().int(),
    root: Hex.nullable(),
    status: z.string(),
    txHash: Hex.nullable(),
    records: z.array(
      z.object({
        record: NodeHourRecord,
        greenShareBps: z
          .number()
          .int()
          .openapi({ description: 'greenWh / (greenWh + gridWh) in basis points, rounded down.' }),
        proof: z.array(Hex),
      }),
    ),
  })
  .openapi('HourRecords');
const Window = z
  .object({
    device: Address,
    seq: z.number().int(),
    windowStart: z.number().int().openapi({ description: 'UTC seconds' }),
    windowEnd: z.number().int().openapi({ description: 'UTC seconds' }),
    pvWh: z.number().int(),
    batteryInWh: z.number().int(),
    batteryOutWh: z.number().int(),
    batterySocWh: z
      .number()
      .int()
      .openapi({ description: "The battery's state of charge at windowEnd, Wh (at most the node's batteryWh)" }),
    gridImportWh: z.number().int(),
    gridExportWh: z.number().int(),
    gpuWh: z.number().int(),
    evWh: z.number().int(),
    uptimeS: z.number().int(),
    jobsHash: Hex,
  })
  .openapi('TelemetryWindow');
const Evidence = z
  .object({ record: NodeHourRecord, proof: z.array(Hex), messages: z.array(Window), signatures: z.array(Hex) })
  .openapi('NodeHourEvidence');
// The light-node report as the node agent builds it (packages/agent/src/report.ts, `lightNodeReport`). The service
// checks a remote report's `device` and `nodeId` only and passes the rest through as the device signed it.
const int = () => z.number().int();
const RecordSummary = z
  .object({
    greenWh: int(),
    gridWh: int(),
    gpuWh: int(),
    uptimeS: int(),
    messageCount: int(),
    messagesHash: Hex,
    greenShareBps: int().openapi({ description: 'greenWh / (greenWh + gridWh) in basis points, rounded down.' }),
    leaf: Hex,
  })
  .openapi('LightNodeRecordSummary');
const HourCheck = z
  .object({
    slot: int().openapi({ description: 'Hour slot: floor(UTC seconds / 3600).' }),
    state: z.enum(['verified', 'missing', 'misreported']),
    checkedAt: int().openapi({ description: 'UTC seconds of the check.' }),
    reason: z.string(),
    expected: RecordSummary.openapi({ description: "The record of the device's own signed, acknowledged windows." }),
    reported: RecordSummary.optional().openapi({ description: 'The record the service committed, if any.' }),
    receiptedWindows: int()
      .optional()
      .openapi({ description: "Acknowledged windows holding the slot attester's receipt (of expected.messageCount)." }),
    droppedSeqs: z.array(int()).optional().openapi({ description: 'Acknowledged windows the record leaves out.' }),
    foreignSeqs: z
      .array(int())
      .optional()
      .openapi({ description: 'Windows the record commits to that this device did not sign.' }),
    source: z.string().optional().openapi({ description: 'The service (or mirror) whose record proved.' }),
    rpcCalls: int().optional(),
    challenge: z
      .object({
        status: z.enum(['committing', 'committed', 'succeeded', 'failed', 'not-challengeable']),
        kind: z
          .enum(['fraud', 'dropped-window'])
          .optional()
          .openapi({
            description:
              '`fraud`: the record misstates the windows it commits to (challengeByDevice); `dropped-window`: it leaves ' +
              'out a window the attester acknowledged with a receipt (challengeDroppedWindow). Absent: fraud.',
          }),
        reason: z.string().optional(),
        attempts: int().optional().openapi({ description: 'Transactions tried and failed so far (three in all).' }),
        commitment: Hex.optional(),
        committedInBlock: int().optional(),
        commitTx: Hex.optional(),
        revealTx: Hex.optional(),
        commitGas: int().optional(),
        revealGas: int().optional(),
        fault: z.string().optional(),
        rewardUsdc6: int().optional().openapi({ description: "Paid to the node's owner, usdc6." }),
        rewardTo: Address.optional(),
      })
      .optional(),
    omission: z
      .object({
        status: z.enum(['claiming', 'open', 'proven', 'answered', 'closed', 'failed']).openapi({
          description:
            '`open` until answered or the window closes; `proven`: unanswered, paid to the owner; `answered`: the ' +
            'attester proved a record (the claim bond is its); `closed`: a challenge excluded a record of the hour.',
        }),
        reason: z.string().optional(),
        attempts: int().optional(),
        claimTx: Hex.optional(),
        claimGas: int().optional(),
        bondUsdc6: int().optional().openapi({ description: 'The claim bond, usdc6.' }),
        answerBy: int().optional().openapi({ description: 'UTC seconds: the attester must answer before this.' }),
        resolveTx: Hex.optional(),
        resolveGas: int().optional(),
        answerTx: Hex.optional(),
        rewardUsdc6: int().optional().openapi({ description: "Paid to the node's owner, usdc6." }),
        rewardTo: Address.optional(),
      })
      .optional()
      .openapi({ description: 'The omission claim of an hour whose record no service published (with a receipt).' }),
  })
  .openapi('LightNodeHourCheck');
const LightNode = z
  .object({
    device: Address,
    nodeId: int().nullable(),
    deviceId: z.string().optional().openapi({ description: "The device's name, for agents in this process." }),
    owner: Address.optional().openapi({ description: "The node's owner, for agents in this process." }),
    registration: z
      .object({
        nodeId: int(),
        owner: Address,
        status: z.string(),
        stakeUsdc6: z.string(),
        bondedUsdc6: z.string(),
        blockNumber: int(),
        blockHash: Hex,
        checkedAt: int(),
      })
      .nullable()
      .openapi({ description: "The node's registration as proven from the chain's storage; null before the first." }),
    hours: z.array(HourCheck),
    metrics: z.object({
      hoursVerified: int(),
      hoursMissing: int(),
      hoursMisreported: int(),
      challengesCommitted: int(),
      challengesSucceeded: int(),
      challengesFailed: int(),
      notChallengeable: int(),
      rpcCalls: int(),
      apiCalls: int(),
      challengeGas: int(),
      rewardsUsdc6: int(),
      omissionClaims: int(),
      omissionsProven: int(),
      omissionClaimsAnswered: int(),
      windowsUnreceipted: int().openapi({ description: "Acknowledged windows without the attester's receipt." }),
    }),
    reportedAt: int().optional().openapi({ description: 'For a signed report: UTC seconds it was signed at.' }),
    source: z.literal('signed report').optional().openapi({ description: 'Present for a remote agent’s report.' }),
  })
  .openapi('LightNodeReport', {
    description:
      "A device's own checks of its hourly records (docs/TELEMETRY.md §5), as the node agent reports them; a remote " +
      "agent's signed report is checked for `device` and `nodeId` and otherwise shown as signed.",
  });

/** An in-memory list (gaps, light nodes) paged by position: it is small and rebuilt on every read. */
function pageList<T>(list: readonly T[], limit: number, cursor: string | undefined) {
  const [from = 0] = decodeIntegerCursor(cursor, 1) ?? [];
  const rows = list.slice(from, from + limit + 1).map((item, i) => ({ item, at: from + i + 1 }));
  return toPage(
    rows,
    limit,
    (r) => r.item,
    (r) => [r.at],
  );
}

export function attestationRoutes(db: Database, ingest: Ingest, options: AttestationRoutesOptions = {}) {
  // In-process agents' reports first; a remote agent's signed report fills in a node no local agent reports on.
  const lightNodesOf = async (): Promise<LightNodeReport[]> => {
    const local = [...(options.lightNodes?.() ?? [])];
    const seen = new Set(local.map((r) => r.nodeId));
    for (const r of (await options.reports?.all()) ?? [])
      if (!seen.has(r.nodeId))
        local.push({
          ...(r.report as LightNodeReport),
          nodeId: r.nodeId,
          reportedAt: r.issuedAt,
          source: 'signed report',
        });
    return local.sort((a, b) => (a.nodeId ?? 0) - (b.nodeId ?? 0));
  };
  return createRouter()
    .openapi(
      createRoute({
        method: 'get',
        path: '/v1/telemetry/stats',
        tags: ['telemetry'],
        summary: 'Ingest counters: windows accepted and rejected by reason, open gaps',
        responses: { 200: json(Stats, 'Counters since the service started'), ...errorResponses },
      }),
      async (c) => c.json(ingest.stats() as z.infer<typeof Stats>, 200),
    )
    .openapi(
      createRoute({
        method: 'get',
        path: '/v1/telemetry/gaps',
        tags: ['telemetry'],
        summary: 'Runs of missing windows that ingest is asking devices to resend',
        request: { query: PageQuery },
        responses: { 200: json(pageOf(Gap, 'TelemetryGapPage'), 'Open gaps'), ...errorResponses },
      }),
      async (c) => {
        const { limit = DEFAULT_PAGE_LIMIT, cursor } = c.req.valid('query');
        return c.json(pageList(ingest.openGaps(), limit, cursor), 200);
      },
    )
    .openapi(
      createRoute({
        method: 'get',
        path: '/v1/nodes/{nodeId}/telemetry',
        tags: ['telemetry'],
        summary: "A node's accepted telemetry windows, oldest first, optionally within [from, to)",
        request: {
          params: z.object({ nodeId: integer('nodeId', 'path', 'Node id in the NodeRegistry.') }),
          query: PageQuery.extend({
            from: integer('from', 'query', 'Windows starting at or after this UTC second.').optional(),
            to: integer('to', 'query', 'Windows starting before this UTC second.').optional(),
          }),
        },
        responses: {
          200: json(pageOf(Window, 'TelemetryWindowPage'), 'Signed windows as the device sent them'),
          ...errorResponses,
        },
      }),
      async (c) => {
        const { nodeId } = c.req.valid('param');
        const { limit = DEFAULT_PAGE_LIMIT, cursor, from = 0, to = Number.MAX_SAFE_INTEGER } = c.req.valid('query');
        if (from > to) throw new ApiError('bad_request', 'query.from', `must not be after query.to (${to})`);
        const [afterStart = -1, afterSeq = -1] = decodeIntegerCursor(cursor, 2) ?? [];
        const rows = await db.query<MessageRow>(
          `SELECT * FROM telemetry_messages
            WHERE node_id = $1 AND window_start >= $2 AND window_start < $3 AND (window_start, seq) > ($4, $5)
            ORDER BY window_start, seq LIMIT $6`,
          [nodeId, from, to, afterStart, afterSeq, limit + 1],
        );
        return c.json(
          toPage(rows, limit, messageOfRow, (r) => [Number(r.window_start), Number(r.seq)]),
          200,
        );
      },
    )
    .openapi(
      createRoute({
        method: 'get',
        path: '/v1/attestations',
        tags: ['attestation'],
        summary: 'Attested hours, newest first',
        request: { query: PageQuery },
        responses: {
          200: json(pageOf(Hour, 'AttestedHourPage'), 'Hours built, committed or claimed'),
          ...errorResponses,
        },
      }),
      async (c) => {
        const { limit = DEFAULT_PAGE_LIMIT, cursor } = c.req.valid('query');
        const [beforeSlot = Number.MAX_SAFE_INTEGER] = decodeIntegerCursor(cursor, 1) ?? [];
        const rows = await db.query<{
          slot: number;
          root: string | null;
          record_count: number;
          status: string;
          tx_hash: string | null;
        }>(
          'SELECT slot, root, record_count, status, tx_hash FROM attestations WHERE slot < $1 ORDER BY slot DESC LIMIT $2',
          [beforeSlot, limit + 1],
        );
        return c.json(
          toPage(
            rows,
            limit,
            (r) => ({
              slot: Number(r.slot),
              root: r.root,
              recordCount: Number(r.record_count),
              status: r.status,
              txHash: r.tx_hash,
            }),
            (r) => [Number(r.slot)],
          ),
          200,
        );
      },
    )
    .openapi(
      createRoute({
        method: 'get',
        path: '/v1/attestations/{slot}',
        tags: ['attestation'],
        summary: "An hour's records, each with its Merkle proof against the committed root",
        request: { params: z.object({ slot: integer('slot', 'path', 'Hour slot: floor(UTC seconds / 3600).') }) },
        responses: { 200: json(HourRecords, 'The records of the hour'), ...errorResponses },
      }),
      async (c) => {
        const { slot } = c.req.valid('param');
        const [hour] = await db.query<{ root: string | null; status: string; tx_hash: string | null }>(
          'SELECT root, status, tx_hash FROM attestations WHERE slot = $1',
          [slot],
        );
        if (hour === undefined) throw new ApiError('not_found', 'path.slot', `hour ${slot} is not attested (yet)`);
        const rows = await db.query<NodeHourRow>('SELECT * FROM node_hours WHERE slot = $1 ORDER BY leaf_index', [
          slot,
        ]);
        return c.json(
          {
            slot,
            root: hour.root,
            status: hour.status,
            txHash: hour.tx_hash,
            records: rows.map((r) => {
              const record = recordOfRow(r);
              return { record, greenShareBps: greenShareBps(record), proof: JSON.parse(r.proof) as string[] };
            }),
          },
          200,
        );
      },
    )
    .openapi(
      createRoute({
        method: 'get',
        path: '/v1/attestations/{slot}/nodes/{nodeId}',
        tags: ['attestation'],
        summary: "A node-hour's record, its proof and the signed windows behind it: what a challenge needs",
        request: {
          params: z.object({
            slot: integer('slot', 'path', 'Hour slot: floor(UTC seconds / 3600).'),
            nodeId: integer('nodeId', 'path', 'Node id in the NodeRegistry.'),
          }),
        },
        responses: { 200: json(Evidence, 'The evidence'), ...errorResponses },
      }),
      async (c) => {
        const { slot, nodeId } = c.req.valid('param');
        const evidence = await loadEvidence(db, slot, nodeId);
        if (evidence === undefined)
          throw new ApiError('not_found', 'path.nodeId', `node ${nodeId} has no record in hour ${slot}`);
        return c.json(evidence as z.infer<typeof Evidence>, 200);
      },
    )
    .openapi(
      createRoute({
        method: 'get',
        path: '/v1/light-nodes',
        tags: ['attestation'],
        summary: 'What each device, as a light node, found when it checked its own records',
        request: { query: PageQuery },
        responses: { 200: json(pageOf(LightNode, 'LightNodePage'), 'One report a device'), ...errorResponses },
      }),
      async (c) => {
        const { limit = DEFAULT_PAGE_LIMIT, cursor } = c.req.valid('query');
        return c.json(
          pageList(await lightNodesOf(), limit, cursor) as {
            items: z.infer<typeof LightNode>[];
            nextCursor: string | null;
          },
          200,
        );
      },
    )
    .openapi(
      createRoute({
        method: 'get',
        path: '/v1/light-nodes/{nodeId}',
        tags: ['attestation'],
        summary: "One node's light-node report",
        request: { params: z.object({ nodeId: integer('nodeId', 'path', 'Node id in the NodeRegistry.') }) },
        responses: { 200: json(LightNode, 'The report'), ...errorResponses },
      }),
      async (c) => {
        const { nodeId } = c.req.valid('param');
        const report = (await lightNodesOf()).find((r) => r.nodeId === nodeId);
        if (report === undefined)
          throw new ApiError('not_found', 'path.nodeId', `no light node of node ${nodeId} reports here`);
        return c.json(report as z.infer<typeof LightNode>, 200);
      },
    )
    .openapi(
      createRoute({
        method: 'post',
        path: '/v1/light-nodes/{nodeId}/reports',
        tags: ['attestation'],
        summary: "A remote agent's light-node report, signed by the node's device key (EIP-712), newer than its last",
        description:
          'The device signs `LightNodeReport(uint64 nodeId, uint64 issuedAt, bytes32 reportHash)` under the domain ' +
          '`Greenhour light-node report`, version 1, the chain id and the AttestationOracle address; `reportHash` is ' +
          "keccak256 of `report`, the JSON text exactly as sent. Refused: a signer that is not the node's device key " +
          "(401), `issuedAt` more than 300 s from the service's clock (401), a report not newer than the stored one (409).",
        request: {
          params: z.object({ nodeId: integer('nodeId', 'path', 'Node id in the NodeRegistry.') }),
          body: {
            content: {
              'application/json': {
                schema: z
                  .object({
                    issuedAt: z
                      .number()
                      .int()
                      .nonnegative()
                      .openapi({ description: 'UTC seconds the device signed at.' }),
                    report: z
                      .string()
                      .max(MAX_REPORT_BYTES)
                      .openapi({ description: 'The report object as JSON text.' }),
                    signature: z
                      .string()
                      .regex(/^0x[0-9a-fA-F]{130}$/, 'must be a 65-byte signature, 0x and 130 hex digits')
                      .openapi({ description: 'EIP-712 signature by the device key.' }),
                  })
                  .openapi('SignedLightNodeReport'),
              },
            },
            required: true,
          },
        },
        responses: {
          201: json(z.object({ nodeId: z.number().int(), issuedAt: z.number().int() }), 'Stored'),
          401: errorResponses[400] && {
            description: 'Not signed by the node, or not fresh',
            content: errorResponses[400].content,
          },
          409: { description: 'Not newer than the stored report (a replay)', content: errorResponses[400].content },
          ...errorResponses,
        },
      }),
      async (c) => {
        if (options.reports === undefined) throw new ApiError('not_found', 'path', 'this service takes no reports');
        const { nodeId } = c.req.valid('param');
        const body = c.req.valid('json');
        const stored = await options.reports.accept({ nodeId, ...body, signature: body.signature as `0x${string}` });
        return c.json(stored, 201);
      },
    );
}
