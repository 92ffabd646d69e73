import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createTestClient, http, keccak256, toHex, type Address } from 'viem';
import { mnemonicToAccount } from 'viem/accounts';
import { attestationOracleAbi, computeHoursAbi, settlementTokenAbi } from '@greenhour/contracts';
import { connect, transact } from '@greenhour/chain';
import {
  buildTree,
  encodeTelemetry,
  greenShareBps,
  signDigest,
  telemetryTopic,
  verifyRecord,
  ZERO_HASH,
  type Telemetry,
} from '@greenhour/telemetry';
import { RegistryDirectory } from './directory.ts';
import { Ingest } from './ingest.ts';
import { Attester, recordArg } from './attester.ts';
import { challengeRecord, loadEvidence } from './challenger.ts';
import { startApi } from './api.ts';
import {
  DATABASE_KINDS,
  startTestChain,
  testDatabases,
  type TestChain,
  type TestDatabase,
  type TestDevice,
} from './testing.ts';
import type { Database } from '@greenhour/store';

const HOUR = 3600;
const CHALLENGER_KEY = toHex(
  mnemonicToAccount('test test test test test test test test test test test junk', { addressIndex: 2 }).getHdKey()
    .privateKey!,
);

/** A full hour of one-minute windows; `uptimeS` per window decides whether the hour earns a PoGCS credit. */
function hourOfWindows(device: TestDevice, slot: number, firstSeq: number, uptimeS: number): Telemetry[] {
  return Array.from({ length: 60 }, (_, i) => ({
    device: device.address.toLowerCase() as Address,
    seq: firstSeq + i,
    windowStart: slot * HOUR + i * 60,
    windowEnd: slot * HOUR + (i + 1) * 60,
    pvWh: 100 + (i % 30), // the home's 8 kWp makes at most 133 Wh a minute
    batteryInWh: 0,
    batteryOutWh: 0,
    batterySocWh: 6_000, // the home's 13,500 Wh battery, a little under half full
    gridImportWh: i % 3 === 0 ? 8 : 0,
    gridExportWh: 0,
    gpuWh: 10,
    evWh: 0,
    uptimeS,
    jobsHash: ZERO_HASH,
  }));
}

describe('hourly attestation on chain', () => {
  let chain: TestChain;
  let databases: TestDatabase[];
  before(async () => {
    chain = await startTestChain(['station', 'pile', 'home']);
    databases = await testDatabases();
  });
  after(async () => {
    await chain.stop();
    for (const d of databases ?? []) await d.drop();
  });

  for (const kind of DATABASE_KINDS) {
    it(`on ${kind}: builds, commits once, survives a challenge, is claimed; a false record is proven and excluded`, async (t) => {
      const db: Database = await databases.find((d) => d.kind === kind)!.open();
      t.after(() => db.close());
      const { clients, deployment, hasher } = chain;
      const oracle = { address: deployment.attestationOracle, abi: attestationOracleAbi } as const;
      // The chain's clock is the clock: each run moves it 6 h ahead of the wall clock.
      const chainNow = async () => Number((await clients.publicClient.getBlock()).timestamp);
      let now = await chainNow();
      const ingest = new Ingest({
        db,
        directory: new RegistryDirectory(clients.publicClient, deployment.nodeRegistry),
        hasher,
        now: () => now,
      });
      await ingest.start();
      const attester = new Attester({
        db,
        ingest,
        clients,
        oracle: deployment.attestationOracle,
        graceS: 0,
        now: () => now,
      });

      // Two ended hours: `falseSlot` is attested dishonestly by hand, `slot` by the attester.
      const slot = Math.floor(now / HOUR) - 1;
      const falseSlot = slot - 1;
      const [station, pile, home] = chain.devices as [TestDevice, TestDevice, TestDevice];
      const firstSeq = (await db.query('SELECT 1 FROM telemetry_messages')).length + 1;
      for (const [device, uptimeS] of [
        [station, 60],
        [pile, 55],
        [home, 30],
      ] as const) {
        for (const s of [falseSlot, slot]) {
          for (const m of hourOfWindows(device, s, firstSeq + (s - falseSlot) * 60, uptimeS)) {
            const signature = signDigest(hasher.digest(m), device.privateKey);
            await ingest.handle(telemetryTopic(device.address), encodeTelemetry({ message: m, signature }));
          }
        }
      }
      await ingest.drain();
      assert.equal(ingest.stats().accepted, 6 * 60);

      // The dishonest attestation of falseSlot: the station's green energy inflated, and the pile's record made one of no
      // windows (any messagesHash), which is a fault provable without messages.
      const built = await attester.buildDueHours();
      assert.deepEqual(built, [falseSlot, slot]);
      const honest = await loadEvidence(db, falseSlot, station.nodeId);
      const records = (await db.query('SELECT node_id FROM node_hours WHERE slot = $1', [falseSlot])).length;
      const inflated = { ...honest!.record, greenWh: honest!.record.greenWh + 5_000 };
      const pileRecord = (await loadEvidence(db, falseSlot, pile.nodeId))!.record;
      const empty = { ...pileRecord, messageCount: 0, messagesHash: keccak256(toHex('withheld')) };
      const homeRecord = (await loadEvidence(db, falseSlot, home.nodeId))!.record;
      const falseTree = buildTree([inflated, empty, homeRecord]);
      assert.equal(records, 3);
      await db.transaction(async (tx) => {
        await tx.query(`UPDATE attestations SET root = $2 WHERE slot = $1`, [falseSlot, falseTree.root]);
        for (const [i, r] of falseTree.records.entries())
          await tx.query(
            `UPDATE node_hours SET green_wh = $3, proof = $4, message_count = $5, messages_hash = $6
             WHERE slot = $1 AND node_id = $2`,
            [falseSlot, r.nodeId, r.greenWh, JSON.stringify(falseTree.proofs[i]), r.messageCount, r.messagesHash],
          );
      });
      await attester.commitBuilt();
      const committed = await clients.publicClient.readContract({
        ...oracle,
        functionName: 'commitment',
        args: [slot],
      });
      const [{ root }] = (await db.query<{ root: string }>('SELECT root FROM attestations WHERE slot = $1', [
        slot,
      ])) as [{ root: string }];
      assert.equal(committed.root, root);
      for (const d of [station, pile, home]) {
        const evidence = (await loadEvidence(db, slot, d.nodeId))!;
        assert.equal(verifyRecord(committed.root, evidence.record, evidence.proof), true);
      }
      // Built hours are closed to late windows; a second round builds and commits nothing.
      const late = hourOfWindows(station, slot, 1000, 60)[59]!;
      await ingest.handle(
        telemetryTopic(station.address),
        encodeTelemetry({ message: late, signature: signDigest(hasher.digest(late), station.privateKey) }),
      );
      await ingest.drain();
      assert.equal(ingest.stats().rejected.late_window, 1);
      assert.deepEqual(await attester.tick(), []);

      // The published records: every one proves against the committed root; bad requests name the field.
      const api = await startApi(db, ingest);
      t.after(() => api.close());
      const get = async (path: string) => {
        const res = await fetch(`${api.url}${path}`);
        return { status: res.status, body: (await res.json()) as any };
      };
      const published = await get(`/v1/attestations/${slot}`);
      assert.equal(published.status, 200);
      assert.equal(published.body.root, committed.root);
      assert.equal(published.body.records.length, 3);
      for (const { record, proof } of published.body.records)
        assert.equal(verifyRecord(committed.root, record, proof), true);
      assert.deepEqual(await get('/v1/attestations/abc'), {
        status: 400,
        body: { error: { code: 'bad_request', field: 'path.slot', reason: 'must be a non-negative integer' } },
      });
      assert.equal((await get(`/v1/attestations/${slot + 5}`)).status, 404);
      assert.equal((await get(`/v1/attestations/${slot}/nodes/999`)).status, 404);
      assert.equal((await fetch(`${api.url}/v1/attestations`, { method: 'POST' })).status, 404);
      assert.equal((await get('/v1/telemetry/stats')).body.rejected.late_window, 1);

      // The challenger, from the API: an honest record of `slot` stands (NoFraud); the inflated one of `falseSlot` falls.
      const challenger = await connect(chain.anvil.rpcUrl, CHALLENGER_KEY);
      // anvil mines only on transactions: the reveal needs a block after the commitment's.
      const mineOne = {
        nextBlock: () => createTestClient({ mode: 'anvil', transport: http(chain.anvil.rpcUrl) }).mine({ blocks: 1 }),
      };
      const honestEvidence = (await get(`/v1/attestations/${slot}/nodes/${station.nodeId}`)).body;
      assert.equal(honestEvidence.messages.length, 60);
      await assert.rejects(
        challengeRecord(challenger, deployment.attestationOracle, honestEvidence, mineOne),
        /NoFraud/,
      );
      const balance = () =>
        clients.publicClient.readContract({
          address: deployment.settlementToken,
          abi: settlementTokenAbi,
          functionName: 'balanceOf',
          args: [challenger.account.address],
        });
      const before = await balance();
      const { fault } = await challengeRecord(
        challenger,
        deployment.attestationOracle,
        {
          ...honest!,
          record: inflated,
          proof: falseTree.proofs[0]!,
        },
        mineOne,
      );
      assert.equal(fault, 'AggregateMismatch');
      // The challenger is paid a fifth of the forfeited bond (CHALLENGER_REWARD_BPS), the treasury the rest.
      const bond = await clients.publicClient.readContract({ ...oracle, functionName: 'bondPerRecordUsdc6' });
      const reward = (bond * 2_000n) / 10_000n;
      assert.equal((await balance()) - before, reward);
      const leaf = await clients.publicClient.readContract({
        ...oracle,
        functionName: 'leafOf',
        args: [recordArg(inflated)],
      });
      assert.equal(
        await clients.publicClient.readContract({ ...oracle, functionName: 'isExcluded', args: [leaf] }),
        true,
      );
      // The empty record, from the API as published: challenged without its messages, one more reward to the challenger.
      const emptyEvidence = (await get(`/v1/attestations/${falseSlot}/nodes/${pile.nodeId}`)).body;
      assert.equal(emptyEvidence.record.messageCount, 0);
      const beforeEmpty = await balance();
      assert.equal(
        (await challengeRecord(challenger, deployment.attestationOracle, emptyEvidence, mineOne)).fault,
        'MessageCount',
      );
      assert.equal((await balance()) - beforeEmpty, reward);

      // After the challenge window the attester claims: green shares set, credits only for enough uptime.
      const testClient = createTestClient({ mode: 'anvil', transport: http(chain.anvil.rpcUrl) });
      await testClient.increaseTime({ seconds: 6 * HOUR + 1 });
      await testClient.mine({ blocks: 1 });
      now = await chainNow();
      const creditsBefore = await Promise.all(
        [station, pile, home].map((d) =>
          clients.publicClient.readContract({ ...oracle, functionName: 'pogcsCredits', args: [BigInt(d.nodeId)] }),
        ),
      );
      await attester.claimFinal();
      // Station and pile: their false records of falseSlot are excluded. Home: too little uptime.
      for (const [d, credited] of [
        [station, 1n],
        [pile, 1n],
        [home, 0n],
      ] as const) {
        const evidence = (await loadEvidence(db, slot, d.nodeId))!;
        const nodeSlot = await clients.publicClient.readContract({
          address: deployment.computeHours,
          abi: computeHoursAbi,
          functionName: 'nodeSlot',
          args: [BigInt(d.nodeId), slot],
        });
        assert.equal(nodeSlot.greenShareBps, greenShareBps(evidence.record), `green share of node ${d.nodeId}`);
        const credits = await clients.publicClient.readContract({
          ...oracle,
          functionName: 'pogcsCredits',
          args: [BigInt(d.nodeId)],
        });
        assert.equal(credits - creditsBefore[chain.devices.indexOf(d)]!, credited, `credit of node ${d.nodeId}`);
      }
      const statuses = await db.query<{ slot: number; status: string }>(
        'SELECT slot, status FROM attestations ORDER BY slot',
      );
      assert.deepEqual(
        statuses.map((r) => [Number(r.slot), r.status]),
        [
          [falseSlot, 'final'],
          [slot, 'final'],
        ],
      );
      await transact(clients, { ...oracle, functionName: 'releaseBond', args: [slot] }).then(
        () => assert.fail('the bond of slot was already released'),
        (err: Error) => assert.match(err.message, /NoBondToRelease/),
      );
    });
  }
});
