// Jobs over HTTP (mounted by the service): the list and each job with its placement, plan, expected and measured carbon
// account and timeline, and a quote that plans a job not yet posted on what the market offers now. A job is posted by
// its buyer's own signed `post` transaction (sent to the chain, or through POST /v1/transactions, the relay): the
// service never holds a buyer's key.
import {
  ApiError,
  createRoute,
  createRouter,
  errorResponses,
  integerParam,
  jsonContent,
  PageQuery,
  pageOf,
  z,
} from '@greenhour/api';
import type { Clients } from '@greenhour/chain';
import type { Database } from '@greenhour/store';
import { getAddress, isAddress } from 'viem';
import type { JobKeeper } from './keeper.ts';
import { jobReports } from './report.ts';
import { ChainSnapshot, type ChainDeployment } from './state.ts';

const Amount = z
  .string()
  .regex(/^\d{1,30}$/, 'must be a non-negative integer as a decimal string')
  .openapi({ description: 'An integer amount as a decimal string.' });

const Account = z
  .object({
    gpuHours: z.number().int(),
    energyWh: z.number().int(),
    greenWh: z.number().int().openapi({ description: "The nodes' own attested (or forecast) green energy, Wh." }),
    gridWh: z.number().int(),
    operationalMg: z
      .number()
      .int()
      .openapi({ description: 'Σ grid Wh × zone intensity of the hour (E × I), mg CO2e.' }),
    embodiedMg: z.number().int().openapi({ description: 'GPU-hours × embodied share (M), mg CO2e.' }),
    totalMg: z.number().int(),
    sciMgPerGpuHour: z.number().int().openapi({ description: 'SCI = (E × I + M) per GPU-hour, mg CO2e, rounded up.' }),
    cfeBps: z
      .number()
      .int()
      .openapi({ description: 'Hourly-matched carbon-free share (24/7 CFE), bps, rounded down.' }),
  })
  .openapi('CarbonAccount');

const PlannedHour = z.object({
  nodeId: z.string(),
  classId: z.number().int(),
  slot: z.number().int(),
  zone: z.string(),
  gpuHours: z.number().int(),
  energyWh: z.number().int(),
  greenWh: z.number().int(),
  carbonGPerKwh: z.number().int(),
  priceUsdc6PerHour: Amount,
});

const Plan = z
  .object({
    jobId: z.string(),
    plannedAt: z.number().int(),
    txHash: z.string(),
    aggregatorNodeId: z.string(),
    costUsdc6AtQuote: Amount,
    hours: z.array(PlannedHour),
    expected: Account,
  })
  .openapi('JobPlan');

const Job = z
  .object({
    jobId: z.string(),
    buyer: z.string(),
    kind: z.enum(['inference', 'training', 'rendering']),
    status: z.enum(['none', 'open', 'assigned', 'cancelled', 'expired', 'settled']),
    gpuHours: z.number().int(),
    minClassId: z.number().int(),
    earliestSlot: z.number().int(),
    deadlineSlot: z.number().int(),
    minGreenShareBps: z.number().int(),
    maxPricePerGpuHourUsdc6: Amount,
    shardable: z.boolean(),
    aggregatorNodeId: z.string(),
    budgetUsdc6: Amount.openapi({ description: 'Escrowed for hours while open; 0 once assigned.' }),
    incentiveUsdc6: Amount.openapi({ description: 'Completion incentive still escrowed.' }),
    spentUsdc6: Amount.openapi({ description: "What the job's hours cost on the market." }),
    placements: z.array(
      z.object({
        index: z.number().int(),
        nodeId: z.string(),
        classId: z.number().int(),
        slot: z.number().int(),
        gpuHours: z.number().int(),
        status: z.enum(['bought', 'redeemed', 'settled']),
        zone: z.string().nullable(),
        latDeg: z.number().nullable(),
        lonDeg: z.number().nullable(),
        delivered: z.boolean().nullable(),
        greenEnough: z.boolean().nullable(),
        incentiveToNodeUsdc6: Amount.nullable(),
      }),
    ),
    plan: Plan.nullable(),
    expected: Account.nullable(),
    measured: Account.extend({ hoursMeasured: z.number().int(), hoursPlaced: z.number().int() })
      .nullable()
      .openapi({ description: 'From the attested node-hours that served the job; null until one is attested.' }),
    waitingReason: z
      .string()
      .nullable()
      .openapi({ description: "Why an open job is still waiting, from the keeper's last look; null otherwise." }),
    timeline: z.array(
      z.object({
        event: z.string(),
        blockNumber: z.number().int(),
        timestamp: z.number().int(),
        txHash: z.string(),
        args: z.record(z.string(), z.unknown()),
      }),
    ),
  })
  .openapi('Job');

const slotField = (description: string) => z.number().int().min(0).max(0xffff_ffff).openapi({ description });

export const QuoteRequest = z
  .object({
    kind: z.enum(['inference', 'training', 'rendering']),
    gpuHours: z.number().int().min(1).max(65_536),
    minClassId: z.number().int().min(0).max(0xffff),
    earliestSlot: slotField('First slot the job may run in: floor(UTC seconds / 3600).'),
    deadlineSlot: slotField('The job runs in slots [earliestSlot, deadlineSlot).'),
    minGreenShareBps: z.number().int().min(0).max(10_000),
    maxPricePerGpuHourUsdc6: Amount,
    incentiveUsdc6: Amount.optional(),
    shardable: z.boolean(),
  })
  .openapi('JobQuoteRequest');

const Quote = z
  .object({
    placeable: z.boolean(),
    reason: z.string().nullable().openapi({ description: 'Why no placement exists now, when placeable is false.' }),
    escrowUsdc6: Amount.openapi({ description: 'What posting it escrows: gpuHours × max price + incentive.' }),
    costUsdc6AtQuote: Amount.nullable(),
    aggregatorNodeId: z.string().nullable(),
    hours: z.array(PlannedHour),
    expected: Account.nullable(),
    blockTimestamp: z.number().int(),
  })
  .openapi('JobQuote');

export interface JobRoutesOptions {
  db: Database;
  clients: Clients;
  deployment: ChainDeployment;
  chainId: number;
  keeper: JobKeeper;
}

/** The ids of posted jobs, newest first, from the index. */
async function postedIds(
  db: Database,
  chainId: number,
  buyer: string | undefined,
  below: bigint | undefined,
  limit: number,
): Promise<bigint[]> {
  const rows = await db.query<{ job_id: string }>(
    `SELECT args->>'jobId' AS job_id FROM chain_events
      WHERE chain_id = $1 AND contract = 'JobMarket' AND event = 'JobPosted'
        AND ($2::TEXT IS NULL OR lower(args->>'buyer') = lower($2))
        AND ($3::NUMERIC IS NULL OR (args->>'jobId')::NUMERIC < $3::NUMERIC)
      ORDER BY (args->>'jobId')::NUMERIC DESC LIMIT $4`,
    [chainId, buyer ?? null, below === undefined ? null : below.toString(), limit],
  );
  return rows.map((r) => BigInt(r.job_id));
}

export function jobRoutes({ db, clients, deployment, chainId, keeper }: JobRoutesOptions) {
  const read = (ids: readonly bigint[]) =>
    Promise.all(ids.map((id) => ChainSnapshot.take(clients, deployment).then((s) => s.job(id))));
  return createRouter()
    .openapi(
      createRoute({
        method: 'get',
        path: '/v1/jobs',
        tags: ['jobs'],
        summary: 'Posted jobs, newest first, optionally of one buyer',
        request: {
          query: PageQuery.extend({
            buyer: z
              .string()
              .optional()
              .openapi({ param: { name: 'buyer', in: 'query' }, description: "The buyer's address." }),
          }),
        },
        responses: { 200: jsonContent(pageOf(Job, 'JobPage'), 'Jobs'), ...errorResponses },
      }),
      async (c) => {
        const { limit = 20, cursor, buyer } = c.req.valid('query');
        if (limit > 100) throw new ApiError('bad_request', 'query.limit', 'at most 100 jobs a page');
        if (buyer !== undefined && !isAddress(buyer, { strict: false }))
          throw new ApiError('bad_request', 'query.buyer', `not an address: ${buyer}`);
        if (cursor !== undefined && !/^\d{1,20}$/.test(cursor))
          throw new ApiError('bad_request', 'query.cursor', 'not a cursor this route gave out');
        const ids = await postedIds(
          db,
          chainId,
          buyer === undefined ? undefined : getAddress(buyer),
          cursor === undefined ? undefined : BigInt(cursor),
          limit + 1,
        );
        const shown = ids.slice(0, limit);
        const items = await jobReports(db, chainId, keeper.outlook, await read(shown), (id) =>
          keeper.waitingReason(id),
        );
        return c.json({ items, nextCursor: ids.length > limit ? shown[shown.length - 1]!.toString() : null }, 200);
      },
    )
    .openapi(
      createRoute({
        method: 'get',
        path: '/v1/jobs/{jobId}',
        tags: ['jobs'],
        summary: 'One job: status, placement on node-hours, plan, expected and measured carbon account, timeline',
        request: { params: z.object({ jobId: integerParam('jobId', 'path', 'Job id in the JobMarket.') }) },
        responses: { 200: jsonContent(Job, 'The job'), ...errorResponses },
      }),
      async (c) => {
        const { jobId } = c.req.valid('param');
        const snap = await ChainSnapshot.take(clients, deployment);
        if (jobId < 1 || jobId > (await snap.jobCount()))
          throw new ApiError('not_found', 'path.jobId', `no job ${jobId} has been posted`);
        const [report] = await jobReports(db, chainId, keeper.outlook, [await snap.job(BigInt(jobId))], (id) =>
          keeper.waitingReason(id),
        );
        return c.json(report!, 200);
      },
    )
    .openapi(
      createRoute({
        method: 'post',
        path: '/v1/jobs/quote',
        tags: ['jobs'],
        summary: 'Plan a job on what the market offers now: its node-hours, cost at the quote and expected emissions',
        request: { body: { content: { 'application/json': { schema: QuoteRequest } }, required: true } },
        responses: { 200: jsonContent(Quote, 'The quote'), ...errorResponses },
      }),
      async (c) => {
        const body = c.req.valid('json');
        if (body.deadlineSlot <= body.earliestSlot)
          throw new ApiError('bad_request', 'body.deadlineSlot', 'must be after earliestSlot');
        const maxPrice = BigInt(body.maxPricePerGpuHourUsdc6);
        if (maxPrice === 0n) throw new ApiError('bad_request', 'body.maxPricePerGpuHourUsdc6', 'must be above 0');
        const escrowUsdc6 = BigInt(body.gpuHours) * maxPrice + BigInt(body.incentiveUsdc6 ?? '0');
        const snap = await ChainSnapshot.take(clients, deployment);
        const job: Parameters<JobKeeper['plan']>[1] = {
          jobId: 0n,
          kind: body.kind,
          gpuHours: body.gpuHours,
          minClassId: body.minClassId,
          earliestSlot: body.earliestSlot,
          deadlineSlot: body.deadlineSlot,
          minGreenShareBps: body.minGreenShareBps,
          maxPricePerGpuHourUsdc6: maxPrice,
          shardable: body.shardable,
        };
        const result = await keeper.plan(snap, job);
        const plan = 'plan' in result ? result.plan : null;
        return c.json(
          {
            placeable: plan !== null,
            reason: 'unplaced' in result ? result.unplaced : null,
            escrowUsdc6: escrowUsdc6.toString(),
            costUsdc6AtQuote: plan?.costUsdc6AtQuote.toString() ?? null,
            aggregatorNodeId: plan?.aggregatorNodeId.toString() ?? null,
            hours: (plan?.hours ?? []).map((h) => ({
              ...h,
              nodeId: h.nodeId.toString(),
              priceUsdc6PerHour: h.priceUsdc6PerHour.toString(),
            })),
            expected: plan?.expected ?? null,
            blockTimestamp: snap.nowS,
          },
          200,
        );
      },
    );
}
