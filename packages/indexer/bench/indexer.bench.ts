// Indexing throughput on anvil: events per second from an empty database to the head, against a raw getLogs baseline
// over the same block ranges measured in the same run. `npm run bench -w @greenhour/indexer`.
import { performance } from 'node:perf_hooks';
import type { PublicClient } from 'viem';
import { settlementTokenAbi } from '@greenhour/contracts';
import { addLiquidity, buyHours, mintHours, sellHours, slotOf, startMarketSandbox } from '@greenhour/chain';
import { openDatabase, type Database } from '@greenhour/store';
import { testDatabases } from '@greenhour/store/testing';
import { contractsOf, createIndexer, DEFAULT_BATCH_BLOCKS } from '../src/index.ts';

const TRANSFERS = Number(process.env.BENCH_TRANSFERS ?? 1_500);
const SLOTS = 10;

let dropPostgres = async () => {};
const sandbox = await startMarketSandbox(8);
try {
  const { node, buyer, deployment, nodeId } = sandbox;
  const client = node.publicClient as unknown as PublicClient;
  const now = Number((await client.getBlock()).timestamp);
  for (let i = 0; i < SLOTS; i++) {
    const hourId = await mintHours(node, deployment, nodeId, slotOf(now) + 3 + i, 8n);
    await addLiquidity(node, deployment, { hourId, hoursIn: 8n });
    await buyHours(buyer, deployment, { hourId, hours: 2n, slippageBps: 50 });
    await sellHours(buyer, deployment, { hourId, hours: 1n, slippageBps: 500 });
  }
  let last: `0x${string}` = '0x';
  for (let i = 0; i < TRANSFERS; i++)
    last = await node.walletClient.writeContract({
      address: deployment.settlementToken,
      abi: settlementTokenAbi,
      functionName: 'transfer',
      args: [buyer.account.address, 1n],
    });
  await client.waitForTransactionReceipt({ hash: last });
  const head = Number(await client.getBlockNumber({ cacheTime: 0 }));
  const addresses = contractsOf(deployment).map((c) => c.address);

  // Baseline: the same getLogs calls the indexer makes (one per batch of DEFAULT_BATCH_BLOCKS), nothing else.
  const t0 = performance.now();
  let rawEvents = 0;
  for (let from = deployment.deployedAtBlock; from <= head; from += DEFAULT_BATCH_BLOCKS) {
    const to = Math.min(head, from + DEFAULT_BATCH_BLOCKS - 1);
    rawEvents += (await client.getLogs({ address: addresses, fromBlock: BigInt(from), toBlock: BigInt(to) })).length;
  }
  const rawS = (performance.now() - t0) / 1000;
  console.log(
    `blocks ${head - deployment.deployedAtBlock + 1}, events ${rawEvents}; raw getLogs: ${rawS.toFixed(3)} s, ${Math.round(rawEvents / rawS)} events/s`,
  );

  const targets: { name: string; open: () => Promise<Database> }[] = [
    { name: 'PGlite (memory)', open: () => openDatabase({}) },
  ];
  try {
    const pg = (await testDatabases()).find((d) => d.kind === 'postgres')!;
    targets.push({ name: 'PostgreSQL 127.0.0.1', open: () => pg.open() });
    dropPostgres = pg.drop;
  } catch (err) {
    console.log(`PostgreSQL unreachable, skipped: ${(err as Error).message}`);
  }
  for (const target of targets) {
    const db = await target.open();
    try {
      const indexer = await createIndexer({ db, client, deployment, confirmations: 0 });
      const t1 = performance.now();
      const { events } = await indexer.poll();
      const s = (performance.now() - t1) / 1000;
      if (events !== rawEvents) throw new Error(`indexed ${events} events, getLogs returned ${rawEvents}`);
      console.log(
        `${target.name}: ${s.toFixed(3)} s, ${Math.round(events / s)} events/s, ${(rawS / s).toFixed(3)} × the raw getLogs rate`,
      );
    } finally {
      await db.close();
    }
  }
} finally {
  await dropPostgres();
  await sandbox.stop();
}
