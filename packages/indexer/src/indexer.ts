// The thin shell: polls the chain through a viem public client and writes chain_events, chain_blocks and the cursor,
// one transaction per block range. The projections are SQL views over chain_events (migration 0002).
import { BlockNotFoundError, type Hex, type PublicClient } from 'viem';
import type { Deployment } from '@greenhour/chain';
import type { Database, Sql } from '@greenhour/store';
import { ConfigError } from '@greenhour/errors';
import { CONTRACTS, contractsOf, decodeLog, type EventRow, type IndexedContract } from './decode.ts';
import { findCommonAncestor, nextRange, type BlockRef } from './reorg.ts';

/** Chain id of anvil and other local dev chains. */
export const LOCAL_CHAIN_ID = 31337;
/** Default confirmations on any chain but the local one: blocks within 2 of the head are not indexed yet. */
export const DEFAULT_CONFIRMATIONS = 2;
/** On local anvil (chain 31337) the default is 0, logged at start; see the package README for why. */
export const DEFAULT_LOCAL_CONFIRMATIONS = 0;
export const DEFAULT_POLL_MS = 1_000;
export const DEFAULT_BATCH_BLOCKS = 2_000;
/** Rows per INSERT: 10 parameters a row stays far below PostgreSQL's 65,535. */
const INSERT_CHUNK_ROWS = 500;

export interface IndexerLog {
  info(fields: object, message?: string): void;
  warn(fields: object, message?: string): void;
  error(fields: object, message?: string): void;
}

const silent: IndexerLog = { info() {}, warn() {}, error() {} };

export interface IndexerOptions {
  db: Database;
  client: PublicClient;
  deployment: Deployment;
  /** Blocks below the head left unindexed; default 2, or 0 on the local chain 31337. */
  confirmations?: number;
  /** Pause between polls once caught up, ms (≥ 1). */
  pollMs?: number;
  /** Most blocks per batch (one getLogs, one transaction). */
  batchBlocks?: number;
  log?: IndexerLog;
}

export interface IndexerStatus {
  chainId: number;
  cursorBlock: number;
  cursorHash: Hex | null;
  headBlock: number | null;
  lagBlocks: number | null;
  confirmations: number;
  eventsIndexed: number;
  reorgs: number;
  lastError: string | null;
}

export interface Indexer {
  /** Indexes until caught up with the safe head (or `maxBatches` batches), after checking the cursor for a reorg. */
  poll(options?: { maxBatches?: number }): Promise<{ batches: number; events: number; rolledBackTo: number | null }>;
  status(): IndexerStatus;
}

function checkInteger(value: unknown, field: string, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max)
    throw new ConfigError(field, `must be an integer from ${min} to ${max}, got ${String(value)}`);
  return value;
}

/** The validated options: every bad value names its field. */
export function indexerSettings(options: Omit<IndexerOptions, 'db' | 'client' | 'log'>) {
  const { deployment } = options;
  if (deployment === null || typeof deployment !== 'object') throw new ConfigError('deployment', 'missing');
  const chainId = checkInteger(deployment.chainId, 'deployment.chainId', 1, Number.MAX_SAFE_INTEGER);
  const deployedAtBlock = checkInteger(deployment.deployedAtBlock, 'deployment.deployedAtBlock', 0, 2 ** 48);
  const contracts = contractsOf(deployment);
  const confirmations = checkInteger(
    options.confirmations ?? (chainId === LOCAL_CHAIN_ID ? DEFAULT_LOCAL_CONFIRMATIONS : DEFAULT_CONFIRMATIONS),
    'confirmations',
    0,
    1_000,
  );
  const pollMs = checkInteger(options.pollMs ?? DEFAULT_POLL_MS, 'pollMs', 1, 3_600_000);
  const batchBlocks = checkInteger(options.batchBlocks ?? DEFAULT_BATCH_BLOCKS, 'batchBlocks', 1, 100_000);
  // The market and the first block identify the deployment: a database indexing another one on the same chain id
  // (a restarted anvil redeploys elsewhere) is refused rather than mixed.
  const deploymentKey = `${deployment.hourMarket.toLowerCase()}@${deployedAtBlock}`;
  return { chainId, deployedAtBlock, contracts, confirmations, pollMs, batchBlocks, deploymentKey };
}

async function hashAt(client: PublicClient, blockNumber: number): Promise<Hex | null> {
  try {
    return (await client.getBlock({ blockNumber: BigInt(blockNumber) })).hash;
  } catch (err) {
    if (err instanceof BlockNotFoundError) return null;
    throw err;
  }
}

/** Thrown inside a batch when the chain changed under it; the batch is dropped and the next poll starts over. */
class ChainMovedError extends Error {}

/**
 * Checks the options and the chain (its id is the deployment's, each address holds code) and returns an indexer whose
 * `poll` the caller drives. `startIndexer` polls it in a loop.
 */
export async function createIndexer(options: IndexerOptions): Promise<Indexer> {
  const settings = indexerSettings(options);
  const { db, client } = options;
  const log = options.log ?? silent;
  const { chainId, deployedAtBlock, contracts, confirmations, batchBlocks, deploymentKey } = settings;
  if (db === null || typeof db !== 'object' || typeof db.transaction !== 'function')
    throw new ConfigError('db', 'not a Database');
  if (client === null || typeof client !== 'object' || typeof client.getLogs !== 'function')
    throw new ConfigError('client', 'not a viem public client');

  const clientChainId = await client.getChainId();
  if (clientChainId !== chainId)
    throw new ConfigError(
      'deployment.chainId',
      `the deployment is on chain ${chainId}, the client on ${clientChainId}`,
    );
  await Promise.all(
    contracts.map(async (c, i) => {
      const code = await client.getCode({ address: c.address });
      if (code === undefined || code === '0x')
        throw new ConfigError(`deployment.${CONTRACTS[i]!.field}`, `no contract code at ${c.address} (${c.name})`);
    }),
  );

  const [cursorRow] = await db.query<{ deployment_key: string; block_number: unknown; block_hash: Hex }>(
    'SELECT deployment_key, block_number, block_hash FROM chain_cursor WHERE chain_id = $1',
    [chainId],
  );
  if (cursorRow && cursorRow.deployment_key !== deploymentKey)
    throw new ConfigError(
      'deployment',
      `the database indexes deployment ${cursorRow.deployment_key} on chain ${chainId}, not ${deploymentKey}: use a fresh database`,
    );
  let cursor: BlockRef | null = cursorRow
    ? { number: Number(cursorRow.block_number), hash: cursorRow.block_hash }
    : null;
  const [countRow] = await db.query<{ n: unknown }>('SELECT count(*) AS n FROM chain_events WHERE chain_id = $1', [
    chainId,
  ]);
  const status: IndexerStatus = {
    chainId,
    cursorBlock: cursor?.number ?? deployedAtBlock - 1,
    cursorHash: cursor?.hash ?? null,
    headBlock: null,
    lagBlocks: null,
    confirmations,
    eventsIndexed: Number(countRow!.n),
    reorgs: 0,
    lastError: null,
  };
  const addresses = contracts.map((c) => c.address);

  /** On a changed cursor hash: walk back to the common ancestor and delete everything above it, in one transaction. */
  async function rollBackIfReorged(): Promise<number | null> {
    if (cursor === null) return null;
    const current = await hashAt(client, cursor.number);
    if (current !== null && current.toLowerCase() === cursor.hash.toLowerCase()) return null;
    const stored = (
      await db.query<{ block_number: unknown; block_hash: Hex }>(
        'SELECT block_number, block_hash FROM chain_blocks WHERE chain_id = $1 ORDER BY block_number DESC',
        [chainId],
      )
    ).map((r) => ({ number: Number(r.block_number), hash: r.block_hash }));
    const floor = deployedAtBlock - 1;
    const ancestor = await findCommonAncestor(stored, (n) => hashAt(client, n), floor);
    const ancestorHash =
      ancestor.number === floor ? await hashAt(client, floor) : stored.find((b) => b.number === ancestor.number)!.hash;
    if (ancestorHash === null) throw new ChainMovedError(`block ${floor} is gone`);
    const deleted = await db.transaction(async (tx) => {
      const rows = await tx.query<{ n: unknown }>(
        'WITH d AS (DELETE FROM chain_events WHERE chain_id = $1 AND block_number > $2 RETURNING 1) SELECT count(*) AS n FROM d',
        [chainId, ancestor.number],
      );
      await tx.query('DELETE FROM chain_blocks WHERE chain_id = $1 AND block_number > $2', [chainId, ancestor.number]);
      await writeCursor(tx, { number: ancestor.number, hash: ancestorHash });
      return Number(rows[0]!.n);
    });
    log.warn(
      {
        chainId,
        from: cursor.number,
        ancestor: ancestor.number,
        checkedBlocks: ancestor.checked,
        deletedEvents: deleted,
      },
      'chain reorganised: rolled back to the common ancestor',
    );
    cursor = { number: ancestor.number, hash: ancestorHash };
    status.cursorBlock = cursor.number;
    status.cursorHash = cursor.hash;
    status.eventsIndexed -= deleted;
    status.reorgs++;
    return ancestor.number;
  }

  async function writeCursor(tx: Sql, block: BlockRef): Promise<void> {
    await tx.query(
      `INSERT INTO chain_cursor (chain_id, deployment_key, block_number, block_hash) VALUES ($1, $2, $3, $4)
       ON CONFLICT (chain_id) DO UPDATE SET block_number = EXCLUDED.block_number, block_hash = EXCLUDED.block_hash`,
      [chainId, deploymentKey, block.number, block.hash],
    );
  }

  async function indexRange(fromBlock: number, toBlock: number): Promise<number> {
    const logs = await client.getLogs({ address: addresses, fromBlock: BigInt(fromBlock), toBlock: BigInt(toBlock) });
    const numbers = [...new Set([...logs.map((l) => Number(l.blockNumber)), toBlock])];
    const headers = new Map(
      await Promise.all(
        numbers.map(async (n) => {
          const block = await client.getBlock({ blockNumber: BigInt(n) });
          return [n, { hash: block.hash, timestamp: Number(block.timestamp) }] as const;
        }),
      ),
    );
    const rows: EventRow[] = [];
    for (const l of logs) {
      const header = headers.get(Number(l.blockNumber))!;
      // The headers were read after the logs: a log of another hash means the chain moved between the two calls.
      if (l.blockHash?.toLowerCase() !== header.hash.toLowerCase())
        throw new ChainMovedError(`block ${l.blockNumber} changed while its logs were read`);
      const row = decodeLog(chainId, contracts, l, header.timestamp);
      if (row) rows.push(row);
    }
    const end = { number: toBlock, hash: headers.get(toBlock)!.hash };
    const expected = cursor;
    const inserted = await db.transaction(async (tx) => {
      const [now] = await tx.query<{ block_number: unknown; block_hash: Hex }>(
        'SELECT block_number, block_hash FROM chain_cursor WHERE chain_id = $1 FOR UPDATE',
        [chainId],
      );
      if (
        (now ? Number(now.block_number) : null) !== (expected ? expected.number : null) ||
        now?.block_hash !== expected?.hash
      )
        throw new ChainMovedError('another indexer moved the cursor of this chain');
      const n = await insertEvents(tx, rows);
      const blocks = [...new Set([...rows.map((r) => r.blockNumber), toBlock])];
      await tx.query(
        `INSERT INTO chain_blocks (chain_id, block_number, block_hash)
         SELECT $1, n, h FROM unnest($2::BIGINT[], $3::TEXT[]) AS b(n, h)
         ON CONFLICT (chain_id, block_number) DO UPDATE SET block_hash = EXCLUDED.block_hash`,
        [chainId, blocks, blocks.map((b) => headers.get(b)!.hash)],
      );
      await writeCursor(tx, end);
      return n;
    });
    cursor = end;
    status.cursorBlock = end.number;
    status.cursorHash = end.hash;
    status.eventsIndexed += inserted;
    return inserted;
  }

  return {
    status: () => ({ ...status }),
    async poll({ maxBatches = Infinity } = {}) {
      let batches = 0;
      let events = 0;
      let rolledBackTo: number | null = null;
      try {
        rolledBackTo = await rollBackIfReorged();
        for (;;) {
          // cacheTime 0: viem caches the block number for the client's polling interval, which would hide new blocks.
          const head = Number(await client.getBlockNumber({ cacheTime: 0 }));
          status.headBlock = head;
          const from = cursor?.number ?? deployedAtBlock - 1;
          status.lagBlocks = Math.max(0, head - from);
          if (batches >= maxBatches) break;
          const range = nextRange(from, head, confirmations, batchBlocks);
          if (range === null) break;
          events += await indexRange(range.fromBlock, range.toBlock);
          batches++;
          status.lagBlocks = Math.max(0, head - range.toBlock);
        }
        status.lastError = null;
      } catch (err) {
        if (!(err instanceof ChainMovedError)) {
          status.lastError = (err as Error).message;
          throw err;
        }
        log.warn({ chainId, reason: err.message }, 'batch dropped; the next poll starts again from the cursor');
      }
      return { batches, events, rolledBackTo };
    },
  };
}

async function insertEvents(tx: Sql, rows: readonly EventRow[]): Promise<number> {
  let inserted = 0;
  for (let i = 0; i < rows.length; i += INSERT_CHUNK_ROWS) {
    const chunk = rows.slice(i, i + INSERT_CHUNK_ROWS);
    const params: unknown[] = [];
    const values = chunk.map((r) => {
      const base = params.length;
      params.push(
        r.chainId,
        r.blockNumber,
        r.blockHash,
        r.blockTimestamp,
        r.txHash,
        r.logIndex,
        r.contract,
        r.address,
        r.event,
        JSON.stringify(r.args),
      );
      return `(${Array.from({ length: 10 }, (_, k) => `$${base + k + 1}`).join(', ')}::jsonb)`;
    });
    const result = await tx.query<{ n: unknown }>(
      `WITH ins AS (
         INSERT INTO chain_events (chain_id, block_number, block_hash, block_timestamp, tx_hash, log_index, contract,
                                   address, event, args)
         VALUES ${values.join(', ')} ON CONFLICT DO NOTHING RETURNING 1)
       SELECT count(*) AS n FROM ins`,
      params,
    );
    inserted += Number(result[0]!.n);
  }
  return inserted;
}

/**
 * Starts indexing in the background: polls until caught up, waits `pollMs`, polls again. A failed poll is logged and
 * retried after `pollMs`; `stop()` waits for the poll in flight.
 */
export async function startIndexer(
  options: IndexerOptions,
): Promise<{ stop(): Promise<void>; status(): IndexerStatus }> {
  const indexer = await createIndexer(options);
  const { pollMs, confirmations, chainId } = indexerSettings(options);
  const log = options.log ?? silent;
  if (options.confirmations === undefined)
    log.info(
      { chainId, confirmations },
      chainId === LOCAL_CHAIN_ID ? 'local chain: confirmations 0 by default' : 'confirmations by default',
    );
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let wake: (() => void) | undefined;
  let running: Promise<unknown> = Promise.resolve();
  const loop = async () => {
    while (!stopped) {
      running = indexer.poll().catch((err: unknown) => log.error({ chainId, err }, 'index poll failed'));
      await running;
      if (stopped) break;
      await new Promise<void>((resolve) => {
        wake = resolve;
        timer = setTimeout(resolve, pollMs);
      });
    }
  };
  const done = loop();
  return {
    status: () => indexer.status(),
    async stop() {
      stopped = true;
      clearTimeout(timer);
      wake?.();
      await running;
      await done;
    },
  };
}
