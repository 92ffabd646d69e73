// The read side the API calls: paginated queries over chain_events and its views (migration 0002). Every list has a
// stable order and an opaque cursor (the last row's order key); rows are plain JSON: token amounts and ids as decimal
// strings, block numbers, slots and timestamps as numbers.
import { getAddress, isAddress, type Address } from 'viem';
import type { Sql } from '@greenhour/store';
import { InputError } from '@greenhour/errors';
import { CONTRACTS } from './decode.ts';

export const MAX_PAGE_LIMIT = 500;
export const DEFAULT_PAGE_LIMIT = 100;

export interface PageParams {
  limit?: number;
  /** `nextCursor` of the previous page. */
  cursor?: string;
}

export interface Page<T> {
  items: T[];
  /** Pass as `cursor` for the next page; null on the last one. */
  nextCursor: string | null;
}

function limitOf(limit: unknown): number {
  if (limit === undefined) return DEFAULT_PAGE_LIMIT;
  if (typeof limit !== 'number' || !Number.isInteger(limit) || limit < 1 || limit > MAX_PAGE_LIMIT)
    throw new InputError('limit', `must be an integer from 1 to ${MAX_PAGE_LIMIT}, got ${String(limit)}`);
  return limit;
}

/** A cursor of (block, log index) pairs, `b.l`, or of one decimal id. */
function blockCursor(cursor: unknown): [number, number] {
  if (cursor === undefined) return [-1, -1];
  const m = typeof cursor === 'string' ? /^(\d{1,15})\.(\d{1,9})$/.exec(cursor) : null;
  if (!m) throw new InputError('cursor', `not a cursor of this list: ${String(cursor)}`);
  return [Number(m[1]), Number(m[2])];
}

function idCursor(cursor: unknown): string {
  if (cursor === undefined) return '-1';
  if (typeof cursor !== 'string' || !/^\d{1,78}$/.test(cursor))
    throw new InputError('cursor', `not a cursor of this list: ${String(cursor)}`);
  return cursor;
}

function addressOf(value: unknown, field: string): Address {
  if (typeof value !== 'string' || !isAddress(value, { strict: false }))
    throw new InputError(field, `not an address: ${String(value)}`);
  return getAddress(value);
}

function integerOf(value: unknown, field: string, max: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > max)
    throw new InputError(field, `must be an integer from 0 to ${max}, got ${String(value)}`);
  return value;
}

function page<R, T>(rows: R[], limit: number, map: (r: R) => T, key: (r: R) => string): Page<T> {
  const more = rows.length > limit;
  const items = rows.slice(0, limit);
  return { items: items.map(map), nextCursor: more ? key(items[items.length - 1]!) : null };
}

const str = (v: unknown) => (v === null || v === undefined ? null : String(v));
const num = (v: unknown) => (v === null || v === undefined ? null : Number(v));

/** A node's spec as the NodeRegistered event carries it (INodeRegistry.NodeSpec, decoded by viem). */
export interface NodeSpecRow {
  deviceSigner: string;
  /** INodeRegistry.SiteType: 0 station, 1 pile, 2 home. */
  siteType: number;
  /** bytes12, left-aligned ASCII, zero-padded. */
  geohash: string;
  pvWp: number;
  batteryWh: number;
  chargerW: number;
  /** bytes32, left-aligned ASCII, zero-padded. */
  gpuModel: string;
  gpuCount: number;
}

export interface NodeRow {
  nodeId: string;
  owner: Address;
  classId: number;
  status: 'active' | 'exiting' | 'exited';
  stakeUsdc6: string;
  slashedUsdc6: string;
  spec: NodeSpecRow;
  registeredBlock: number;
  registeredAt: number;
}

interface DbNode {
  node_id: unknown;
  owner: string;
  class_id: unknown;
  status: NodeRow['status'];
  stake_usdc6: unknown;
  slashed_usdc6: unknown;
  spec: unknown;
  registered_block: unknown;
  registered_at: unknown;
}

const NODE_COLUMNS = `node_id::TEXT AS node_id, owner, class_id, status, stake_usdc6::TEXT AS stake_usdc6,
  slashed_usdc6::TEXT AS slashed_usdc6, spec, registered_block, registered_at`;

const nodeOf = (r: DbNode): NodeRow => ({
  nodeId: String(r.node_id),
  owner: getAddress(r.owner),
  classId: Number(r.class_id),
  status: r.status,
  stakeUsdc6: String(r.stake_usdc6),
  slashedUsdc6: String(r.slashed_usdc6),
  spec: (typeof r.spec === 'string' ? JSON.parse(r.spec) : r.spec) as NodeSpecRow,
  registeredBlock: Number(r.registered_block),
  registeredAt: Number(r.registered_at),
});

/** Registered nodes by node id. */
export async function listNodes(db: Sql, chainId: number, params: PageParams = {}): Promise<Page<NodeRow>> {
  const limit = limitOf(params.limit);
  const after = idCursor(params.cursor);
  const rows = await db.query<DbNode>(
    `SELECT ${NODE_COLUMNS} FROM idx_nodes WHERE chain_id = $1 AND node_id > $2::NUMERIC ORDER BY node_id LIMIT $3`,
    [chainId, after, limit + 1],
  );
  return page(rows, limit, nodeOf, (r) => String(r.node_id));
}

/** One node, or null when no such node is registered. */
export async function getNode(db: Sql, chainId: number, nodeId: string | bigint): Promise<NodeRow | null> {
  const id = String(nodeId);
  if (!/^\d{1,78}$/.test(id)) throw new InputError('nodeId', `not a node id: ${id}`);
  const [row] = await db.query<DbNode>(
    `SELECT ${NODE_COLUMNS} FROM idx_nodes WHERE chain_id = $1 AND node_id = $2::NUMERIC`,
    [chainId, id],
  );
  return row ? nodeOf(row) : null;
}

export interface TradeRow {
  blockNumber: number;
  logIndex: number;
  timestamp: number;
  txHash: string;
  side: 'buy' | 'sell';
  hourId: string;
  classId: number;
  slot: number;
  trader: Address;
  hours: string;
  /** What the buyer paid or the seller received, fee included in a buy and deducted in a sell. */
  usdc6: string;
  feeUsdc6: string;
  /** usdc6 / hours, rounded down. */
  priceUsdc6PerHour: string;
}

/** Hour market trades, oldest first; optionally of one class and/or one slot. */
export async function listTrades(
  db: Sql,
  chainId: number,
  params: PageParams & { classId?: number; slot?: number } = {},
): Promise<Page<TradeRow>> {
  const limit = limitOf(params.limit);
  const [b, l] = blockCursor(params.cursor);
  const args: unknown[] = [chainId, b, l, limit + 1];
  let filter = '';
  if (params.classId !== undefined) {
    args.push(integerOf(params.classId, 'classId', 65_535));
    filter += ` AND class_id = $${args.length}`;
  }
  if (params.slot !== undefined) {
    args.push(integerOf(params.slot, 'slot', 2 ** 32 - 1));
    filter += ` AND slot = $${args.length}`;
  }
  const rows = await db.query<Record<string, unknown>>(
    `SELECT block_number, log_index, block_timestamp, tx_hash, side, hour_id::TEXT AS hour_id, class_id, slot, trader,
            hours::TEXT AS hours, usdc6::TEXT AS usdc6, fee_usdc6::TEXT AS fee_usdc6,
            div(usdc6, hours)::TEXT AS price
       FROM idx_trades WHERE chain_id = $1 AND (block_number, log_index) > ($2, $3)${filter}
      ORDER BY block_number, log_index LIMIT $4`,
    args,
  );
  return page(
    rows,
    limit,
    (r) => ({
      blockNumber: Number(r.block_number),
      logIndex: Number(r.log_index),
      timestamp: Number(r.block_timestamp),
      txHash: String(r.tx_hash),
      side: r.side === 'Bought' ? 'buy' : 'sell',
      hourId: String(r.hour_id),
      classId: Number(r.class_id),
      slot: Number(r.slot),
      trader: getAddress(String(r.trader)),
      hours: String(r.hours),
      usdc6: String(r.usdc6),
      feeUsdc6: String(r.fee_usdc6),
      priceUsdc6PerHour: String(r.price),
    }),
    (r) => `${Number(r.block_number)}.${Number(r.log_index)}`,
  );
}

export interface EventListRow {
  blockNumber: number;
  blockHash: string;
  timestamp: number;
  txHash: string;
  logIndex: number;
  contract: string;
  address: Address;
  event: string;
  args: Record<string, unknown>;
}

const CONTRACT_NAMES: readonly string[] = CONTRACTS.map((c) => c.name);

/** Every indexed event in chain order; optionally of one contract and/or one event name. */
export async function listEvents(
  db: Sql,
  chainId: number,
  params: PageParams & { contract?: string; event?: string } = {},
): Promise<Page<EventListRow>> {
  const limit = limitOf(params.limit);
  const [b, l] = blockCursor(params.cursor);
  const args: unknown[] = [chainId, b, l, limit + 1];
  let filter = '';
  if (params.contract !== undefined) {
    if (!CONTRACT_NAMES.includes(params.contract))
      throw new InputError('contract', `one of ${CONTRACT_NAMES.join(', ')}; got ${String(params.contract)}`);
    args.push(params.contract);
    filter += ` AND contract = $${args.length}`;
  }
  if (params.event !== undefined) {
    if (typeof params.event !== 'string' || !/^[A-Za-z][A-Za-z0-9]{0,63}$/.test(params.event))
      throw new InputError('event', `not an event name: ${String(params.event)}`);
    args.push(params.event);
    filter += ` AND event = $${args.length}`;
  }
  const rows = await db.query<Record<string, unknown>>(
    `SELECT block_number, block_hash, block_timestamp, tx_hash, log_index, contract, address, event, args
       FROM chain_events WHERE chain_id = $1 AND (block_number, log_index) > ($2, $3)${filter}
      ORDER BY block_number, log_index LIMIT $4`,
    args,
  );
  return page(rows, limit, eventOf, (r) => `${Number(r.block_number)}.${Number(r.log_index)}`);
}

const eventOf = (r: Record<string, unknown>): EventListRow => ({
  blockNumber: Number(r.block_number),
  blockHash: String(r.block_hash),
  timestamp: Number(r.block_timestamp),
  txHash: String(r.tx_hash),
  logIndex: Number(r.log_index),
  contract: String(r.contract),
  address: getAddress(String(r.address)),
  event: String(r.event),
  args: (typeof r.args === 'string' ? JSON.parse(r.args) : r.args) as Record<string, unknown>,
});

export interface Portfolio {
  address: Address;
  hours: { hourId: string; classId: number; slot: number; balance: string }[];
  positions: {
    positionId: string;
    hourId: string;
    classId: number;
    slot: number;
    shares: string;
    feesCollectedUsdc6: string;
  }[];
  feesCollectedUsdc6: string;
}

/** An address's hour balances per (class, slot), the LP positions it owns and the fees it collected on them. */
export async function portfolio(db: Sql, chainId: number, address: string): Promise<Portfolio> {
  const who = addressOf(address, 'address');
  const lower = who.toLowerCase();
  const hours = await db.query<Record<string, unknown>>(
    `SELECT hour_id::TEXT AS hour_id, balance::TEXT AS balance FROM idx_hour_balances
      WHERE chain_id = $1 AND holder = $2 ORDER BY hour_id`,
    [chainId, lower],
  );
  const positions = await db.query<Record<string, unknown>>(
    `SELECT position_id::TEXT AS position_id, hour_id::TEXT AS hour_id, shares::TEXT AS shares,
            fees_collected_usdc6::TEXT AS fees FROM idx_positions
      WHERE chain_id = $1 AND owner = $2 ORDER BY position_id`,
    [chainId, lower],
  );
  const split = (id: string) => ({ classId: Number(BigInt(id) >> 32n), slot: Number(BigInt(id) & 0xffffffffn) });
  return {
    address: who,
    hours: hours.map((r) => ({ hourId: String(r.hour_id), ...split(String(r.hour_id)), balance: String(r.balance) })),
    positions: positions.map((r) => ({
      positionId: String(r.position_id),
      hourId: String(r.hour_id),
      ...split(String(r.hour_id)),
      shares: String(r.shares),
      feesCollectedUsdc6: String(r.fees),
    })),
    feesCollectedUsdc6: positions.reduce((s, r) => s + BigInt(String(r.fees)), 0n).toString(),
  };
}

/** The attestation oracle's history in chain order: commits, exclusions, claims, challenges, bond releases. */
export async function attestationHistory(
  db: Sql,
  chainId: number,
  params: PageParams & { slot?: number; nodeId?: string } = {},
): Promise<Page<EventListRow & { slot: number | null; nodeId: string | null }>> {
  const limit = limitOf(params.limit);
  const [b, l] = blockCursor(params.cursor);
  const args: unknown[] = [chainId, b, l, limit + 1];
  let filter = '';
  if (params.slot !== undefined) {
    args.push(integerOf(params.slot, 'slot', 2 ** 32 - 1));
    filter += ` AND a.slot = $${args.length}`;
  }
  if (params.nodeId !== undefined) {
    if (typeof params.nodeId !== 'string' || !/^\d{1,78}$/.test(params.nodeId))
      throw new InputError('nodeId', `not a node id: ${String(params.nodeId)}`);
    args.push(params.nodeId);
    filter += ` AND a.node_id = $${args.length}::NUMERIC`;
  }
  const rows = await db.query<Record<string, unknown>>(
    `SELECT e.block_number, e.block_hash, e.block_timestamp, e.tx_hash, e.log_index, e.contract, e.address, e.event,
            e.args, a.slot, a.node_id::TEXT AS node_id
       FROM idx_attestations a JOIN chain_events e
         ON e.chain_id = a.chain_id AND e.block_number = a.block_number AND e.log_index = a.log_index
      WHERE a.chain_id = $1 AND (a.block_number, a.log_index) > ($2, $3)${filter}
      ORDER BY a.block_number, a.log_index LIMIT $4`,
    args,
  );
  return page(
    rows,
    limit,
    (r) => ({ ...eventOf(r), slot: num(r.slot), nodeId: str(r.node_id) }),
    (r) => `${Number(r.block_number)}.${Number(r.log_index)}`,
  );
}
