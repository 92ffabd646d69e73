// The job keeper and routes on a real anvil: a buyer's job is quoted, assigned by the keeper to the node-hours the
// scheduler picks within the buyer's price, redeemed in its slot, settled after the confirmation window, and shown
// with its plan, expected carbon account and timeline; a job whose price the market is above is never assigned and
// expires with its escrow back to the buyer; bad requests are refused naming the field.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createTestClient, http, keccak256, stringToHex } from 'viem';
import { privateKeyToAccount } from 'viem/accounts';
import { pino } from 'pino';
import { jobMarketAbi } from '@greenhour/contracts';
import {
  addLiquidity,
  hourIdOf,
  jobView,
  mintHours,
  postJob,
  quoteBuy,
  redeemHours,
  registerNode,
  slotOf,
  startMarketSandbox,
  SANDBOX_CLASS_ID as CLASS_ID,
  type MarketSandbox,
  type PostJobParams,
} from '@greenhour/chain';
import { createApi } from '@greenhour/api';
import { createIndexer } from '@greenhour/indexer';
import { openDatabase, type Database } from '@greenhour/store';
import { JobKeeper } from './keeper.ts';
import { jobRoutes } from './routes.ts';
import { EMBODIED_MG_PER_GPU_HOUR } from './accounting.ts';

const H100_W = 700;

describe('job keeper on a real anvil: quote, assign, redeem, settle, expire', () => {
  let sandbox: MarketSandbox;
  let db: Database;
  let keeper: JobKeeper;
  let app: ReturnType<typeof createApi>;
  let first: number; // first slot with hours on the market
  const ids: Record<'curve' | 'cheap' | 'fair', bigint> = { curve: 0n, cheap: 0n, fair: 0n };
  const lines: string[] = [];
  const testClient = () => createTestClient({ mode: 'anvil', transport: http(sandbox.anvil.rpcUrl) });
  const moveClockTo = async (timestamp: number) => {
    await testClient().setNextBlockTimestamp({ timestamp: BigInt(timestamp) });
    await testClient().mine({ blocks: 1 });
  };
  const job = (over: Partial<PostJobParams> = {}): PostJobParams => ({
    kind: 'inference',
    specHash: keccak256(stringToHex('int8 mlp, batch 7')),
    specUri: 'ipfs://bafy-int8-mlp-7',
    gpuHours: 3,
    minClassId: CLASS_ID,
    earliestSlot: first,
    deadlineSlot: first + 4,
    minGreenShareBps: 0,
    maxPricePerGpuHourUsdc6: 5_000_000n,
    incentiveUsdc6: 2_000_000n,
    shardable: false,
    ...over,
  });
  const request = async (path: string, init?: { method: string; body: unknown }) => {
    const res = await app.request(
      path,
      init === undefined
        ? {}
        : { method: init.method, headers: { 'content-type': 'application/json' }, body: JSON.stringify(init.body) },
    );
    return { status: res.status, body: (await res.json()) as any };
  };
  const quoteBody = (over: Record<string, unknown> = {}) => ({
    kind: 'inference',
    gpuHours: 3,
    minClassId: CLASS_ID,
    earliestSlot: first,
    deadlineSlot: first + 4,
    minGreenShareBps: 0,
    maxPricePerGpuHourUsdc6: '5000000',
    shardable: false,
    ...over,
  });
  const index = async () => {
    const indexer = await createIndexer({
      db,
      client: sandbox.node.publicClient,
      deployment: sandbox.deployment,
      confirmations: 0,
    });
    await indexer.poll({ maxBatches: 1000 });
  };

  before(async () => {
    sandbox = await startMarketSandbox(8);
    db = await openDatabase({});
    const { node, deployment, nodeId } = sandbox;
    first = slotOf((await node.publicClient.getBlock()).timestamp) + 2;
    for (let slot = first; slot < first + 4; slot++) {
      await mintHours(node, deployment, nodeId, slot, 8n);
      await addLiquidity(node, deployment, { hourId: hourIdOf(CLASS_ID, slot), hoursIn: 8n });
    }
    keeper = new JobKeeper({
      clients: node,
      deployment,
      db,
      chainId: sandbox.anvil.chainId,
      log: (l) => lines.push(l),
    });
    app = createApi({ log: pino({ level: 'silent' }), rateLimitPerMinute: 0, version: 'test' });
    app.route('/', jobRoutes({ db, clients: node, deployment, chainId: sandbox.anvil.chainId, keeper }));
  });
  after(async () => {
    await db?.close();
    await sandbox?.stop();
  });

  it('quotes a job before it is posted: its node-hours, cost and expected emissions', async () => {
    const { status, body } = await request('/v1/jobs/quote', { method: 'POST', body: quoteBody() });
    assert.equal(status, 200, JSON.stringify(body));
    assert.equal(body.placeable, true, body.reason);
    assert.equal(body.escrowUsdc6, String(3n * 5_000_000n));
    assert.equal(
      body.hours.reduce((s: number, h: { gpuHours: number }) => s + h.gpuHours, 0),
      3,
    );
    assert.ok(
      body.hours.every((h: { zone: string }) => h.zone === 'SG'),
      'the station is in Singapore',
    );
    assert.equal(body.expected.energyWh, 3 * H100_W);
    assert.equal(body.expected.embodiedMg, 3 * EMBODIED_MG_PER_GPU_HOUR);
    assert.equal(body.expected.totalMg, body.expected.operationalMg + body.expected.embodiedMg);
  });

  it('refuses bad quotes and unknown jobs, naming the field', async () => {
    const bad = await request('/v1/jobs/quote', { method: 'POST', body: quoteBody({ deadlineSlot: first }) });
    assert.equal(bad.status, 400);
    assert.equal(bad.body.error.field, 'body.deadlineSlot');
    const kind = await request('/v1/jobs/quote', { method: 'POST', body: quoteBody({ kind: 'mining' }) });
    assert.equal(kind.status, 400);
    assert.equal(kind.body.error.field, 'body.kind');
    const price = await request('/v1/jobs/quote', {
      method: 'POST',
      body: quoteBody({ maxPricePerGpuHourUsdc6: '-1' }),
    });
    assert.equal(price.body.error.field, 'body.maxPricePerGpuHourUsdc6');
    const missing = await request('/v1/jobs/99');
    assert.equal(missing.status, 404);
    assert.equal(missing.body.error.field, 'path.jobId');
    const buyer = await request('/v1/jobs?buyer=0x12');
    assert.equal(buyer.body.error.field, 'query.buyer');
  });

  it('leaves a job unassigned when its hours would cost more than its price along the curve', async () => {
    const { buyer, deployment, node } = sandbox;
    // The first hour costs less than the price, two hours on the curve cost more than twice it.
    const [one, two] = await Promise.all([1n, 2n].map((h) => quoteBuy(node, deployment, hourIdOf(CLASS_ID, first), h)));
    // Halfway between the two: the time-aware curve drifts a little from block to block, the gap is far wider.
    const price = (one! + two! / 2n) / 2n;
    assert.ok(two! / 2n - one! > 10_000n, `the curve rises: ${one} then ${two! - one!}`);
    assert.ok(price >= one!, 'the next hour alone is within the price');
    const curve = await postJob(
      buyer,
      deployment,
      job({ gpuHours: 2, deadlineSlot: first + 1, maxPricePerGpuHourUsdc6: price }),
    );
    ids.curve = curve.jobId;
    const report = await keeper.tick();
    assert.deepEqual(report.assigned, []);
    assert.match(report.unplaced[0]!.reason, /cost more than the job's price/);
    assert.equal((await jobView(node, deployment, curve.jobId)).status, 'open');
    const { body } = await request(`/v1/jobs/${curve.jobId}`);
    assert.match(body.waitingReason, /cost more than the job's price/, 'the buyer sees why the job waits');
  });

  it('never buys above the buyer price, assigns within it, and records the plan', async () => {
    const { buyer, deployment, node } = sandbox;
    // 1 usdc6 a GPU-hour: below any price the curve reaches before the slot, however far it decays by then.
    assert.ok((await quoteBuy(node, deployment, hourIdOf(CLASS_ID, first), 1n)) > 1_000n);
    const cheap = await postJob(buyer, deployment, job({ maxPricePerGpuHourUsdc6: 1n, deadlineSlot: first + 2 }));
    const fair = await postJob(buyer, deployment, job());
    ids.cheap = cheap.jobId;
    ids.fair = fair.jobId;
    const report = await keeper.tick();
    assert.deepEqual(report.assigned, [fair.jobId]);
    assert.ok(report.unplaced.some((u) => u.jobId === cheap.jobId));
    assert.equal((await jobView(node, deployment, cheap.jobId)).status, 'open', 'the cheap job stays open, unspent');

    const fairView = await jobView(node, deployment, fair.jobId);
    assert.equal(fairView.status, 'assigned');
    assert.equal(
      fairView.placements.reduce((s, p) => s + p.gpuHours, 0),
      3,
    );
    assert.ok(fairView.spentUsdc6 <= 3n * 5_000_000n);
    assert.ok(fairView.placements.every((p) => p.slot >= first && p.slot < first + 4));

    await index();
    const { status, body } = await request(`/v1/jobs/${fair.jobId}`);
    assert.equal(status, 200, JSON.stringify(body));
    assert.equal(body.status, 'assigned');
    assert.equal(body.plan.hours.length, fairView.placements.length);
    assert.equal(body.expected.energyWh, 3 * H100_W);
    assert.deepEqual(
      body.timeline.map((e: { event: string }) => e.event),
      ['JobPosted', 'JobAssigned'],
    );
    assert.equal(body.placements[0].zone, 'SG');
    assert.ok(body.placements[0].latDeg > 1 && body.placements[0].latDeg < 2, 'placed on the map in Singapore');
    const list = await request(`/v1/jobs?buyer=${buyer.account.address}`);
    assert.deepEqual(
      list.body.items.map((j: { jobId: string }) => j.jobId),
      [String(fair.jobId), String(cheap.jobId), String(ids.curve)],
    );
  });

  it('redeems each placement in its slot and settles it after the confirmation window', async () => {
    const { node, deployment, buyer } = sandbox;
    const jobId = ids.fair;
    const placements = (await jobView(node, deployment, jobId)).placements;
    const last = Math.max(...placements.map((p) => p.slot));
    for (const slot of [...new Set(placements.map((p) => p.slot))]) {
      await moveClockTo(slot * 3600 + 10);
      const r = await keeper.tick();
      assert.equal(r.redeemed, placements.filter((p) => p.slot === slot).length);
    }
    assert.ok((await jobView(node, deployment, jobId)).placements.every((p) => p.status === 'redeemed'));

    const creditBefore = await node.publicClient.readContract({
      address: deployment.jobMarket,
      abi: jobMarketAbi,
      functionName: 'creditOf',
      args: [buyer.account.address],
    });
    await moveClockTo((last + 1) * 3600 + 24 * 3600 + 1);
    const r = await keeper.tick();
    assert.equal(r.settled, placements.length);
    const settled = await jobView(node, deployment, jobId);
    assert.equal(settled.status, 'settled');
    assert.equal(settled.incentiveUsdc6, 0n);
    // The cheap job's window (2 slots) can no longer be bought: it expired with its escrow back.
    assert.equal((await jobView(node, deployment, ids.cheap)).status, 'expired');
    assert.equal((await jobView(node, deployment, ids.curve)).status, 'expired');
    // No telemetry was attested for the node: nothing was delivered, so the incentive and the bonds go to the buyer.
    const creditAfter = await node.publicClient.readContract({
      address: deployment.jobMarket,
      abi: jobMarketAbi,
      functionName: 'creditOf',
      args: [buyer.account.address],
    });
    assert.ok(creditAfter - creditBefore >= 2_000_000n, 'the incentive came back to the buyer');

    await index();
    const { body } = await request(`/v1/jobs/${jobId}`);
    assert.equal(body.status, 'settled');
    assert.equal(body.timeline.at(-1).event, 'JobSettled');
    assert.ok(body.placements.every((p: { delivered: boolean }) => p.delivered === false));
  });
});

describe('job keeper: a placement whose node was drained by other holders moves to a node that owes the hours', () => {
  let sandbox: MarketSandbox;
  let db: Database;
  after(async () => {
    await db?.close();
    await sandbox?.stop();
  });

  it('redeems the placement naming another node of its class, which then owes it', async () => {
    sandbox = await startMarketSandbox(8);
    db = await openDatabase({});
    const { node, buyer, deployment, nodeId } = sandbox;
    const lines: string[] = [];
    const keeper = new JobKeeper({
      clients: node,
      deployment,
      db,
      chainId: sandbox.anvil.chainId,
      log: (l) => lines.push(l),
    });
    // A second station of the same class, owned by the buyer account, keeps its own 8 hours of the slot.
    const device = privateKeyToAccount(stringToHex('second-station-device', { size: 32 }));
    const second = await registerNode(
      buyer,
      deployment,
      {
        deviceSigner: device.address,
        siteType: 'station',
        geohash: 'w21z8',
        pvWp: 100_000,
        batteryWh: 0,
        chargerW: 0,
        gpuModel: 'NVIDIA H100 SXM5 80GB',
        gpuCount: 8,
      },
      100_000_000_000n,
      device,
    );
    const slot = slotOf((await node.publicClient.getBlock()).timestamp) + 2;
    const hourId = hourIdOf(CLASS_ID, slot);
    await mintHours(node, deployment, nodeId, slot, 8n);
    await addLiquidity(node, deployment, { hourId, hoursIn: 8n });
    await mintHours(buyer, deployment, second, slot, 8n);
    const { jobId } = await postJob(buyer, deployment, {
      kind: 'rendering',
      specHash: keccak256(stringToHex('tiles 0-63')),
      specUri: 'ipfs://tiles',
      gpuHours: 3,
      minClassId: CLASS_ID,
      earliestSlot: slot,
      deadlineSlot: slot + 1,
      minGreenShareBps: 0,
      maxPricePerGpuHourUsdc6: 5_000_000n,
      incentiveUsdc6: 0n,
      shardable: false,
    });
    assert.deepEqual((await keeper.tick()).assigned, [jobId]);
    const named = (await jobView(node, deployment, jobId)).placements[0]!.nodeId;
    const other = named === nodeId ? second : nodeId;

    // In the slot, the second station's owner redeems 6 of its own hours naming the job's node: it owes 2, not 3.
    const anvil = createTestClient({ mode: 'anvil', transport: http(sandbox.anvil.rpcUrl) });
    await anvil.setNextBlockTimestamp({ timestamp: BigInt(slot * 3600 + 5) });
    await anvil.mine({ blocks: 1 });
    await redeemHours(buyer, deployment, hourId, named, 6n);
    const r = await keeper.tick();
    assert.equal(r.redeemed, 1, lines.join('\n'));
    const p = (await jobView(node, deployment, jobId)).placements[0]!;
    assert.equal(p.status, 'redeemed');
    assert.equal(p.nodeId, other, 'the placement now names the node that owes the hours');
    assert.ok(lines.some((l) => l.includes(`moved from node ${named} to node ${other}`)));
  });
});
