// The indexer against a real anvil with the system deployed, on PGlite and on the PostgreSQL server: its rows match
// the chain after registrations, mints, liquidity and trades; it survives a restart without duplicates or gaps; it
// rolls back and re-indexes after an anvil snapshot is reverted under it; bad options name their field.
import { after, before, describe, it } from 'node:test';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import assert from 'node:assert/strict';
import { createTestClient, http, stringToHex, zeroAddress, type Address, type Hex, type PublicClient } from 'viem';
import { privateKeyToAccount } from 'viem/accounts';
import { computeHoursAbi, hourMarketAbi, nodeRegistryAbi } from '@greenhour/contracts';
import {
  addLiquidity,
  buyHours,
  collectFees,
  mintHours,
  registerNode,
  sellHours,
  slotOf,
  startMarketSandbox,
  SANDBOX_CLASS_ID,
  hourIdOf,
  type MarketSandbox,
} from '@greenhour/chain';
import { openDatabase, type Database } from '@greenhour/store';
import { testDatabases, type TestDatabase } from '@greenhour/store/testing';
import { GreenhourError } from '@greenhour/errors';
import { createIndexer, startIndexer } from './indexer.ts';
import { contractsOf } from './decode.ts';
import { indexerRoutes } from './routes.ts';
import {
  listEvents,
  listNodes,
  listTrades,
  portfolio,
  getNode,
  attestationHistory,
  type EventListRow,
} from './queries.ts';

let sandbox: MarketSandbox;
let client: PublicClient;
let hourId: bigint;
let positionId: bigint;
let secondNodeId: bigint;
const made: TestDatabase[] = [];
let postgres: TestDatabase | undefined;
let postgresSkip: string | false = false;

const testClient = () => createTestClient({ mode: 'anvil', transport: http(sandbox.anvil.rpcUrl) });

/** Every log of the deployment's contracts from the deployment block to the head, straight from getLogs. */
async function rawLogs(): Promise<{ blockNumber: number; logIndex: number; blockHash: Hex }[]> {
  const logs = await client.getLogs({
    address: contractsOf(sandbox.deployment).map((c) => c.address),
    fromBlock: BigInt(sandbox.deployment.deployedAtBlock),
    toBlock: 'latest',
  });
  return logs.map((l) => ({ blockNumber: Number(l.blockNumber), logIndex: l.logIndex!, blockHash: l.blockHash! }));
}

async function allEvents(db: Database): Promise<EventListRow[]> {
  const out: EventListRow[] = [];
  let cursor: string | undefined;
  do {
    const page = await listEvents(db, sandbox.deployment.chainId, { limit: 37, ...(cursor ? { cursor } : {}) });
    out.push(...page.items);
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  return out;
}

/** The index equals the chain: the same logs, each once, and every projection agrees with the contracts' views. */
async function assertMatchesChain(db: Database, label: string): Promise<void> {
  const chainId = sandbox.deployment.chainId;
  const events = await allEvents(db);
  assert.deepEqual(
    events.map((e) => ({ blockNumber: e.blockNumber, logIndex: e.logIndex, blockHash: e.blockHash })),
    await rawLogs(),
    `${label}: events`,
  );
  // Hour balances of everyone who ever held hours equal ComputeHours.balanceOf.
  const holders = new Set<string>();
  for (const e of events)
    if (e.contract === 'ComputeHours' && e.event.startsWith('Transfer'))
      for (const k of ['from', 'to']) if (e.args[k] !== zeroAddress) holders.add(String(e.args[k]));
  assert.ok(holders.size >= 3, `${label}: node, market, buyer hold hours`);
  for (const holder of holders) {
    const p = await portfolio(db, chainId, holder);
    const onChain = await client.readContract({
      address: sandbox.deployment.computeHours,
      abi: computeHoursAbi,
      functionName: 'balanceOf',
      args: [holder as Address, hourId],
    });
    const indexed = p.hours.find((h) => h.hourId === hourId.toString());
    assert.equal(BigInt(indexed?.balance ?? '0'), onChain, `${label}: balance of ${holder}`);
    if (indexed) assert.deepEqual([indexed.classId, indexed.slot], [SANDBOX_CLASS_ID, Number(hourId & 0xffffffffn)]);
  }
  // Nodes: count, owner and stake as the registry has them.
  const nodes = (await listNodes(db, chainId, { limit: 1 })).items;
  const all = [...nodes, ...(await listNodes(db, chainId, { limit: 500, cursor: nodes[0]!.nodeId })).items];
  const count = await client.readContract({
    address: sandbox.deployment.nodeRegistry,
    abi: nodeRegistryAbi,
    functionName: 'nodeCount',
  });
  assert.equal(BigInt(all.length), count, `${label}: node count`);
  for (const n of all) {
    const chainNode = await client.readContract({
      address: sandbox.deployment.nodeRegistry,
      abi: nodeRegistryAbi,
      functionName: 'node',
      args: [BigInt(n.nodeId)],
    });
    assert.equal(n.owner, chainNode.owner, `${label}: owner of node ${n.nodeId}`);
    assert.equal(BigInt(n.stakeUsdc6), chainNode.stakeUsdc6, `${label}: stake of node ${n.nodeId}`);
    assert.equal(n.classId, chainNode.classId);
  }
  assert.deepEqual(await getNode(db, chainId, all[0]!.nodeId), all[0]);
  assert.equal(await getNode(db, chainId, 999n), null);
}

before(async () => {
  sandbox = await startMarketSandbox(8);
  client = sandbox.node.publicClient as unknown as PublicClient;
  const { node, buyer, deployment, nodeId } = sandbox;
  const now = Number((await client.getBlock()).timestamp);
  const slot = slotOf(now) + 3;
  hourId = await mintHours(node, deployment, nodeId, slot, 8n);
  assert.equal(hourId, hourIdOf(SANDBOX_CLASS_ID, slot));
  ({ positionId } = await addLiquidity(node, deployment, { hourId, hoursIn: 8n }));
  await buyHours(buyer, deployment, { hourId, hours: 3n, slippageBps: 50 });
  await sellHours(buyer, deployment, { hourId, hours: 1n, slippageBps: 500 });
  await collectFees(node, deployment, { positionId });
  // A second node, owned by the buyer.
  const deviceKey = privateKeyToAccount(stringToHex('indexer-second-device', { size: 32 }));
  secondNodeId = await registerNode(
    buyer,
    deployment,
    {
      deviceSigner: deviceKey.address,
      siteType: 'station',
      geohash: 'u4pru',
      pvWp: 100_000,
      batteryWh: 200_000,
      chargerW: 0,
      gpuModel: 'NVIDIA H100 SXM5 80GB',
      gpuCount: 2,
    },
    6_000_000_000n,
    deviceKey,
  );
  try {
    const pair = await testDatabases();
    made.push(...pair);
    postgres = pair.find((d) => d.kind === 'postgres');
  } catch (err) {
    postgresSkip = `PostgreSQL unreachable (${(err as Error).message}): the PostgreSQL cases are skipped`;
    console.log(`# ${postgresSkip}`);
  }
});

after(async () => {
  for (const d of made) await d.drop();
  await sandbox?.stop();
});

/** A fresh database on the PostgreSQL server for each test that asks (dropped after the run). */
async function freshPostgres(): Promise<TestDatabase> {
  const fresh = (await testDatabases()).find((d) => d.kind === 'postgres')!;
  made.push(fresh);
  return fresh;
}

const kinds = [
  { kind: 'pglite' as const, open: () => openDatabase({}) },
  { kind: 'postgres' as const, open: async () => (await freshPostgres()).open() },
];
const log = {
  info() {},
  warn: (fields: object, message?: string) => console.log(`# warn ${message} ${JSON.stringify(fields)}`),
  error: (fields: object, message?: string) => console.log(`# error ${message} ${JSON.stringify(fields)}`),
};

describe('indexer on anvil', () => {
  for (const { kind, open } of kinds) {
    it(`${kind}: indexes every event; nodes, balances, trades and positions match the chain`, async (t) => {
      if (kind === 'postgres' && postgresSkip) return t.skip(postgresSkip);
      const db = await open();
      try {
        const indexer = await startIndexer({
          db,
          client,
          deployment: sandbox.deployment,
          confirmations: 0,
          pollMs: 20,
        });
        const head = Number(await client.getBlockNumber({ cacheTime: 0 }));
        const deadline = Date.now() + 30_000;
        while (indexer.status().cursorBlock < head) {
          assert.equal(indexer.status().lastError, null);
          assert.ok(Date.now() < deadline, 'caught up within 30 s');
          await new Promise((r) => setTimeout(r, 20));
        }
        await indexer.stop();
        const status = indexer.status();
        assert.equal(status.lagBlocks, 0);
        assert.equal(status.eventsIndexed, (await rawLogs()).length);
        await assertMatchesChain(db, kind);

        const chainId = sandbox.deployment.chainId;
        const trades = (await listTrades(db, chainId, { classId: SANDBOX_CLASS_ID })).items;
        assert.deepEqual(
          trades.map((tr) => [tr.side, tr.hours, tr.trader]),
          [
            ['buy', '3', sandbox.buyer.account.address],
            ['sell', '1', sandbox.buyer.account.address],
          ],
        );
        assert.equal(BigInt(trades[0]!.priceUsdc6PerHour), BigInt(trades[0]!.usdc6) / 3n);
        assert.equal((await listTrades(db, chainId, { slot: 1 })).items.length, 0);
        const pageOne = await listTrades(db, chainId, { limit: 1 });
        const pageTwo = await listTrades(db, chainId, { limit: 1, cursor: pageOne.nextCursor! });
        assert.deepEqual([...pageOne.items, ...pageTwo.items], trades);
        assert.equal(pageTwo.nextCursor, null);

        const lp = await portfolio(db, chainId, sandbox.node.account.address.toLowerCase());
        assert.equal(lp.positions.length, 1);
        assert.equal(lp.positions[0]!.positionId, positionId.toString());
        const collected = (await listEvents(db, chainId, { contract: 'HourMarket', event: 'Collected' })).items;
        assert.equal(collected.length, 1);
        assert.equal(lp.feesCollectedUsdc6, collected[0]!.args.amountUsdc6);
        assert.ok(BigInt(lp.feesCollectedUsdc6) > 0n, 'the buy and the sell paid the LP fees');
        // The live market as the API serves it: its reserves and every provider's shares, as the chain has them, so
        // that a position's part of the pool (shares / totalShares) can be read off the two answers.
        const routes = indexerRoutes({
          db,
          clients: sandbox.node,
          deployment: sandbox.deployment,
          status: () => indexer.status(),
        });
        const res = await routes.request('/v1/market/markets');
        assert.equal(res.status, 200);
        const market = ((await res.json()) as { items: Record<string, unknown>[] }).items.find(
          (m) => m.hourId === hourId.toString(),
        );
        const [, state, , book] = await client.readContract({
          address: sandbox.deployment.hourMarket,
          abi: hourMarketAbi,
          functionName: 'market',
          args: [hourId],
        });
        assert.equal(market?.totalShares, book.totalShares.toString());
        assert.equal(market?.hoursReserve, state.hoursReserve);
        assert.equal(market?.cashUsdc6, state.cashUsdc6.toString());
        assert.equal(lp.positions[0]!.shares, market?.totalShares, 'the only provider holds every share');
        const second = await getNode(db, chainId, secondNodeId);
        assert.equal(second?.owner, sandbox.buyer.account.address);
        assert.equal(second?.stakeUsdc6, '6000000000');
        assert.deepEqual((await attestationHistory(db, chainId)).items, [], 'no attestation yet');
      } finally {
        await db.close();
      }
    });

    it(`${kind}: a restart resumes from the cursor with no duplicates and no gaps; a replayed batch adds nothing`, async (t) => {
      if (kind === 'postgres' && postgresSkip) return t.skip(postgresSkip);
      const target = kind === 'pglite' ? made.find((d) => d.kind === 'pglite') : await freshPostgres();
      // Without a server the PGlite case runs on a directory of its own.
      const dataDir = mkdtempSync(join(tmpdir(), 'gh-indexer-'));
      const reopen = target ? () => target.open() : () => openDatabase({ dataDir });
      const options = { client, deployment: sandbox.deployment, confirmations: 0, batchBlocks: 4, log };
      let db = await reopen();
      const first = await createIndexer({ db, ...options });
      assert.deepEqual((await first.poll({ maxBatches: 2 })).batches, 2);
      const cut = first.status().cursorBlock;
      assert.equal(cut, sandbox.deployment.deployedAtBlock - 1 + 8);
      await db.close();

      db = await reopen();
      try {
        const second = await createIndexer({ db, ...options });
        assert.equal(second.status().cursorBlock, cut, 'resumes at the stored cursor');
        await second.poll();
        await assertMatchesChain(db, `${kind} after restart`);
        const before = (await allEvents(db)).length;
        // Replay: move the cursor back four batches as a crash between commit and acknowledgement would; the batch
        // inserts nothing twice.
        const [row] = await db.query<{ block_number: unknown }>('SELECT block_number FROM chain_cursor');
        const back = Number(row!.block_number) - 16;
        const hash = (await client.getBlock({ blockNumber: BigInt(back) })).hash;
        await db.query('UPDATE chain_cursor SET block_number = $1, block_hash = $2', [back, hash]);
        const third = await createIndexer({ db, ...options });
        const replay = await third.poll();
        assert.ok(replay.batches >= 4);
        assert.equal(replay.events, 0, 'nothing inserted twice');
        assert.equal((await allEvents(db)).length, before);
      } finally {
        await db.close();
      }
    });
  }

  it('rejects bad options, naming the field', async () => {
    const db = await openDatabase({});
    try {
      const base = { db, client, deployment: sandbox.deployment };
      const rejects = (options: Record<string, unknown>, field: string, reason: RegExp) =>
        assert.rejects(
          createIndexer({ ...base, ...options } as never),
          (e: unknown) => e instanceof GreenhourError && e.field === field && reason.test(e.reason),
        );
      await rejects({ confirmations: -1 }, 'confirmations', /integer from 0/);
      await rejects({ confirmations: 1.5 }, 'confirmations', /integer/);
      await rejects({ pollMs: 0 }, 'pollMs', /integer from 1/);
      await rejects({ batchBlocks: 0 }, 'batchBlocks', /integer from 1/);
      const stranger = privateKeyToAccount(stringToHex('nobody', { size: 32 })).address;
      await rejects(
        { deployment: { ...sandbox.deployment, hourRouter: stranger } },
        'deployment.hourRouter',
        /no contract code/,
      );
      await rejects(
        { deployment: { ...sandbox.deployment, hourPositions: 'nope' } },
        'deployment.hourPositions',
        /not an address/,
      );
      await rejects({ deployment: { ...sandbox.deployment, chainId: 1 } }, 'deployment.chainId', /client on 31337/);
      await assert.rejects(
        portfolio(db, 31337, '0x12'),
        (e: unknown) => e instanceof GreenhourError && e.field === 'address',
      );
      await assert.rejects(
        listEvents(db, 31337, { limit: 0 }),
        (e: unknown) => e instanceof GreenhourError && e.field === 'limit',
      );
      await assert.rejects(
        listEvents(db, 31337, { cursor: 'x' }),
        (e: unknown) => e instanceof GreenhourError && e.field === 'cursor',
      );
      await assert.rejects(
        listEvents(db, 31337, { contract: 'Nope' }),
        (e: unknown) => e instanceof GreenhourError && e.field === 'contract',
      );
      // A database that indexes another deployment of the same chain is refused.
      const indexer = await createIndexer({ ...base, confirmations: 0 });
      await indexer.poll({ maxBatches: 1 });
      await rejects(
        { deployment: { ...sandbox.deployment, deployedAtBlock: 0 } },
        'deployment',
        /another|indexes deployment/,
      );
    } finally {
      await db.close();
    }
  });

  // Last: it rewrites the chain under the other tests' feet.
  it('rolls back to the common ancestor after anvil reverts a snapshot, and ends equal to the new chain', async () => {
    const dbs: Database[] = [await openDatabase({})];
    if (postgres && !postgresSkip) {
      dbs.push(await (await freshPostgres()).open());
    } else console.log(`# ${postgresSkip}: the reorg runs on PGlite only`);
    try {
      const indexers = await Promise.all(
        dbs.map((db) => createIndexer({ db, client, deployment: sandbox.deployment, confirmations: 0, log })),
      );
      for (const ix of indexers) await ix.poll();
      const forkBlock = Number(await client.getBlockNumber({ cacheTime: 0 }));
      const snapshot = await testClient().snapshot();
      // Branch A: a buy and two empty blocks, indexed.
      await buyHours(sandbox.buyer, sandbox.deployment, { hourId, hours: 1n, slippageBps: 50 });
      await testClient().mine({ blocks: 2 });
      for (const [i, ix] of indexers.entries()) {
        await ix.poll();
        assert.equal((await listTrades(dbs[i]!, 31337, {})).items.length, 3);
      }
      const branchAHead = indexers[0]!.status().cursorBlock;
      // Branch B from the fork: a sell instead, and more blocks than branch A had.
      await testClient().revert({ id: snapshot });
      await testClient().mine({ blocks: 1 });
      await sellHours(sandbox.buyer, sandbox.deployment, { hourId, hours: 1n, slippageBps: 500 });
      await testClient().mine({ blocks: 4 });
      assert.ok(Number(await client.getBlockNumber({ cacheTime: 0 })) > branchAHead);
      for (const [i, ix] of indexers.entries()) {
        const db = dbs[i]!;
        const { rolledBackTo } = await ix.poll();
        assert.equal(rolledBackTo, forkBlock, `${db.kind}: the common ancestor is the snapshot's block`);
        assert.equal(ix.status().reorgs, 1);
        await assertMatchesChain(db, `${db.kind} after the reorg`);
        const sides = (await listTrades(db, 31337, {})).items.map((tr) => tr.side);
        assert.deepEqual(sides, ['buy', 'sell', 'sell'], `${db.kind}: branch A's buy is gone, branch B's sell is in`);
        assert.equal(ix.status().eventsIndexed, (await rawLogs()).length);
      }
    } finally {
      for (const db of dbs) await db.close();
    }
  });
});
