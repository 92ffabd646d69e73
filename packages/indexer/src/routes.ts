// The indexed chain over HTTP (mounted by the service): the fleet, the market's trades and live markets, the class
// index, any address's portfolio, every event, and how far the indexer is. Lists are pages of the queries in
// queries.ts; the live market figures are read from the chain at request time (marketView, twapPpm).
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
import { InputError } from '@greenhour/errors';
import { hourIdOf, marketView, slotOf, type Clients, type Deployment } from '@greenhour/chain';
import { greenComputeIndexAbi } from '@greenhour/contracts';
import type { Database } from '@greenhour/store';
import { getNode, listEvents, listNodes, listTrades, portfolio } from './queries.ts';
import type { IndexerStatus } from './indexer.ts';

const json = jsonContent;
const integer = integerParam;
const Amount = z
  .string()
  .regex(/^-?\d+$/)
  .openapi({ description: 'An integer amount as a decimal string.' });
const Address = z.string().regex(/^0x[0-9a-fA-F]{40}$/);

const Node = z
  .object({
    nodeId: z.string(),
    owner: Address,
    classId: z.number().int(),
    status: z.enum(['active', 'exiting', 'exited']),
    stakeUsdc6: Amount,
    slashedUsdc6: Amount,
    spec: z
      .object({
        deviceSigner: Address,
        siteType: z.number().int().openapi({ description: 'INodeRegistry.SiteType: 0 station, 1 pile, 2 home.' }),
        geohash: z.string().openapi({ description: 'bytes12: left-aligned ASCII, zero-padded.' }),
        pvWp: z.number().int(),
        batteryWh: z.number().int(),
        chargerW: z.number().int(),
        gpuModel: z.string().openapi({ description: 'bytes32: the model name as left-aligned ASCII, zero-padded.' }),
        gpuCount: z.number().int(),
      })
      .openapi({ description: 'As registered in the NodeRegistry (INodeRegistry.NodeSpec).' }),
    registeredBlock: z.number().int(),
    registeredAt: z.number().int().openapi({ description: 'UTC seconds' }),
  })
  .openapi('Node');
const Trade = z
  .object({
    blockNumber: z.number().int(),
    logIndex: z.number().int(),
    timestamp: z.number().int().openapi({ description: 'UTC seconds of the block' }),
    txHash: z.string(),
    side: z.enum(['buy', 'sell']),
    hourId: z.string(),
    classId: z.number().int(),
    slot: z.number().int(),
    trader: Address,
    hours: Amount,
    usdc6: Amount.openapi({ description: 'Paid (buy, fee included) or received (sell), usdc6.' }),
    feeUsdc6: Amount,
    priceUsdc6PerHour: Amount.openapi({ description: 'usdc6 / hours, rounded down.' }),
  })
  .openapi('Trade');
const Event = z
  .object({
    blockNumber: z.number().int(),
    blockHash: z.string(),
    timestamp: z.number().int(),
    txHash: z.string(),
    logIndex: z.number().int(),
    contract: z.string(),
    address: Address,
    event: z.string(),
    args: z.record(z.string(), z.unknown()),
  })
  .openapi('ChainEvent');
const Portfolio = z
  .object({
    address: Address,
    hours: z.array(
      z.object({ hourId: z.string(), classId: z.number().int(), slot: z.number().int(), balance: Amount }),
    ),
    positions: z.array(
      z.object({
        positionId: z.string(),
        hourId: z.string(),
        classId: z.number().int(),
        slot: z.number().int(),
        shares: Amount,
        feesCollectedUsdc6: Amount,
      }),
    ),
    feesCollectedUsdc6: Amount,
  })
  .openapi('Portfolio');
const Market = z
  .object({
    hourId: z.string(),
    classId: z.number().int(),
    slot: z.number().int(),
    status: z.string().openapi({ description: 'Upcoming, InProgress or Exited (from block time).' }),
    secondsToSlot: z.number().int().openapi({ description: 'Slot start minus block time; negative once it began.' }),
    priceUsdc6: Amount.nullable().openapi({
      description: 'Price of the next hour now, fee excluded; null if not open.',
    }),
    askUsdc6: Amount,
    hoursReserve: z.number().int().openapi({ description: 'Hours for sale.' }),
    cashUsdc6: Amount,
    totalShares: Amount.openapi({
      description:
        "Liquidity shares of every provider; a position's `shares` / `totalShares` is its part of the reserves.",
    }),
    feeBps: z.number().int(),
  })
  .openapi('Market');
const IndexNow = z
  .object({
    windowS: z.number().int(),
    timestamp: z.number().int().openapi({ description: 'Block time the values were read at.' }),
    indexBps: z
      .number()
      .int()
      .nullable()
      .openapi({ description: '10,000 = every class at its ask; null before a full window.' }),
    classes: z.array(z.object({ classId: z.number().int(), twapPpm: z.number().int().nullable() })),
  })
  .openapi('GreenComputeIndexNow');
const Status = z
  .object({
    chainId: z.number().int(),
    cursorBlock: z.number().int(),
    headBlock: z.number().int().nullable(),
    lagBlocks: z.number().int().nullable(),
    confirmations: z.number().int(),
    eventsIndexed: z.number().int(),
    reorgs: z.number().int(),
    lastError: z.string().nullable(),
  })
  .openapi('IndexerStatus');

/** The queries name their field bare (`limit`); over HTTP it is a query or path field. */
async function asRequest<T>(where: 'query' | 'path', run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (err) {
    if (err instanceof InputError) throw new ApiError('bad_request', `${where}.${err.field}`, err.reason);
    throw err;
  }
}

export interface IndexerRoutesOptions {
  db: Database;
  clients: Clients;
  deployment: Deployment;
  status: () => IndexerStatus;
}

export function indexerRoutes({ db, clients, deployment, status }: IndexerRoutesOptions) {
  const chainId = deployment.chainId;
  return createRouter()
    .openapi(
      createRoute({
        method: 'get',
        path: '/v1/nodes',
        tags: ['fleet'],
        summary: 'Registered nodes, by node id',
        request: { query: PageQuery },
        responses: { 200: json(pageOf(Node, 'NodePage'), 'Nodes as the chain has them'), ...errorResponses },
      }),
      async (c) => c.json(await asRequest('query', () => listNodes(db, chainId, c.req.valid('query'))), 200),
    )
    .openapi(
      createRoute({
        method: 'get',
        path: '/v1/nodes/{nodeId}',
        tags: ['fleet'],
        summary: 'One node',
        request: { params: z.object({ nodeId: integer('nodeId', 'path', 'Node id in the NodeRegistry.') }) },
        responses: { 200: json(Node, 'The node'), ...errorResponses },
      }),
      async (c) => {
        const { nodeId } = c.req.valid('param');
        const node = await getNode(db, chainId, String(nodeId));
        if (node === null) throw new ApiError('not_found', 'path.nodeId', `no node ${nodeId} is registered`);
        return c.json(node, 200);
      },
    )
    .openapi(
      createRoute({
        method: 'get',
        path: '/v1/market/trades',
        tags: ['market'],
        summary: 'Trades of the hour market in chain order, optionally of one class and slot',
        request: {
          query: PageQuery.extend({
            classId: integer('classId', 'query', 'Capacity class.').optional(),
            slot: integer('slot', 'query', 'Hour slot: floor(UTC seconds / 3600).').optional(),
          }),
        },
        responses: { 200: json(pageOf(Trade, 'TradePage'), 'Trades'), ...errorResponses },
      }),
      async (c) => c.json(await asRequest('query', () => listTrades(db, chainId, c.req.valid('query'))), 200),
    )
    .openapi(
      createRoute({
        method: 'get',
        path: '/v1/market/markets',
        tags: ['market'],
        summary: 'The live markets (slot not yet ended) that have had liquidity, read from the chain now',
        request: { query: z.object({ classId: integer('classId', 'query', 'Capacity class.').optional() }) },
        responses: { 200: json(z.object({ items: z.array(Market) }).openapi('Markets'), 'Markets'), ...errorResponses },
      }),
      async (c) => {
        const { classId } = c.req.valid('query');
        const block = await clients.publicClient.getBlock();
        const current = slotOf(block.timestamp);
        const rows = await db.query<{ hour_id: string }>(
          `SELECT DISTINCT hour_id::TEXT AS hour_id FROM idx_liquidity WHERE chain_id = $1 ORDER BY 1`,
          [chainId],
        );
        const ids = rows
          .map((r) => BigInt(r.hour_id))
          .map((id) => ({ id, classId: Number(id >> 32n), slot: Number(id & 0xffffffffn) }))
          .filter((m) => m.slot >= current && (classId === undefined || m.classId === classId))
          .sort((a, b) => a.classId - b.classId || a.slot - b.slot)
          .slice(0, 200);
        const items = await Promise.all(
          ids.map(async ({ classId: cls, slot }) => {
            const v = await marketView(clients, deployment, hourIdOf(cls, slot));
            return {
              hourId: v.hourId.toString(),
              classId: cls,
              slot,
              status: v.status,
              secondsToSlot: slot * 3600 - Number(v.timestamp),
              priceUsdc6: v.priceUsdc6 === undefined ? null : v.priceUsdc6.toString(),
              askUsdc6: v.askUsdc6.toString(),
              hoursReserve: v.hoursReserve,
              cashUsdc6: v.cashUsdc6.toString(),
              totalShares: v.totalShares.toString(),
              feeBps: v.feeBps,
            };
          }),
        );
        return c.json({ items }, 200);
      },
    )
    .openapi(
      createRoute({
        method: 'get',
        path: '/v1/market/index',
        tags: ['market'],
        summary: "The green compute index and each class's relative TWAP over a window, read from the chain now",
        request: {
          query: z.object({
            windowS: integer('windowS', 'query', 'Whole hours in seconds, 3600..604800 (3600).').optional(),
          }),
        },
        responses: { 200: json(IndexNow, 'The index now'), ...errorResponses },
      }),
      async (c) => {
        const { windowS = 3600 } = c.req.valid('query');
        if (windowS % 3600 !== 0 || windowS < 3600 || windowS > 7 * 24 * 3600)
          throw new ApiError('bad_request', 'query.windowS', 'must be whole hours from 3600 to 604800 seconds');
        const block = await clients.publicClient.getBlock();
        const classIds = (
          await db.query<{ class_id: number }>(
            'SELECT DISTINCT class_id FROM idx_nodes WHERE chain_id = $1 ORDER BY class_id',
            [chainId],
          )
        ).map((r) => Number(r.class_id));
        const read = async (functionName: 'indexBps' | 'twapPpm', args: readonly unknown[]) => {
          try {
            return Number(
              await clients.publicClient.readContract({
                address: deployment.greenComputeIndex,
                abi: greenComputeIndexAbi,
                functionName,
                args: args as never,
              }),
            );
          } catch {
            return null; // no full window of history yet (IndexEmpty / NoObservations)
          }
        };
        return c.json(
          {
            windowS,
            timestamp: Number(block.timestamp),
            indexBps: await read('indexBps', [windowS]),
            classes: await Promise.all(
              classIds.map(async (id) => ({ classId: id, twapPpm: await read('twapPpm', [id, windowS]) })),
            ),
          },
          200,
        );
      },
    )
    .openapi(
      createRoute({
        method: 'get',
        path: '/v1/portfolio/{address}',
        tags: ['market'],
        summary: "An address's hours, liquidity positions and the fees it collected",
        request: { params: z.object({ address: z.string().openapi({ param: { name: 'address', in: 'path' } }) }) },
        responses: { 200: json(Portfolio, 'The portfolio'), ...errorResponses },
      }),
      async (c) => c.json(await asRequest('path', () => portfolio(db, chainId, c.req.valid('param').address)), 200),
    )
    .openapi(
      createRoute({
        method: 'get',
        path: '/v1/events',
        tags: ['chain'],
        summary: 'Every indexed event in chain order, optionally of one contract and event name',
        request: {
          query: PageQuery.extend({
            contract: z
              .string()
              .optional()
              .openapi({ param: { name: 'contract', in: 'query' } }),
            event: z
              .string()
              .optional()
              .openapi({ param: { name: 'event', in: 'query' } }),
          }),
        },
        responses: { 200: json(pageOf(Event, 'ChainEventPage'), 'Events'), ...errorResponses },
      }),
      async (c) => c.json(await asRequest('query', () => listEvents(db, chainId, c.req.valid('query'))), 200),
    )
    .openapi(
      createRoute({
        method: 'get',
        path: '/v1/indexer/status',
        tags: ['chain'],
        summary: 'How far the indexer is behind the chain',
        responses: { 200: json(Status, 'Status'), ...errorResponses },
      }),
      (c) => {
        const { cursorHash: _hash, ...s } = status();
        return c.json(s, 200);
      },
    );
}
