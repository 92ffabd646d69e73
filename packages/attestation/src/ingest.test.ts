import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import type { Address } from 'viem';
import {
  encodeTelemetry,
  MAX_WINDOWS_PER_RECORD,
  signDigest,
  telemetryTopic,
  ZERO_HASH,
  type Telemetry,
} from '@greenhour/telemetry';
import { RegistryDirectory } from './directory.ts';
import { Ingest, type Gap, type StoredWindow } from './ingest.ts';
import { messageOfRow, type MessageRow } from './rows.ts';
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
const now = () => Math.floor(Date.now() / 1000);
/** Windows of the hour before the current one: ended, so neither future nor (until attested) late. */
const hourStart = () => (Math.floor(now() / HOUR) - 1) * HOUR;

function windowOf(device: TestDevice, seq: number, overrides: Partial<Telemetry> = {}): Telemetry {
  const windowStart = hourStart() + (seq - 1) * 60;
  return {
    device: device.address.toLowerCase() as Address,
    seq,
    windowStart,
    windowEnd: windowStart + 60,
    pvWh: 300,
    batteryInWh: 50,
    batteryOutWh: 0,
    batterySocWh: 5_000,
    gridImportWh: 20,
    gridExportWh: 0,
    gpuWh: 10,
    evWh: 0,
    uptimeS: 60,
    jobsHash: ZERO_HASH,
    ...overrides,
  };
}

describe('telemetry ingest', () => {
  let chain: TestChain;
  let databases: TestDatabase[];
  before(async () => {
    chain = await startTestChain(['pile', 'home', 'station']);
    databases = await testDatabases();
  });
  after(async () => {
    await chain.stop();
    for (const d of databases ?? []) await d.drop();
  });

  const payload = (m: Telemetry, key: Uint8Array) =>
    encodeTelemetry({ message: m, signature: signDigest(chain.hasher.digest(m), key) });

  for (const kind of DATABASE_KINDS) {
    describe(`on ${kind}`, () => {
      let db: Database;
      const gaps: Gap[] = [];
      const newIngest = () =>
        new Ingest({
          db,
          directory: new RegistryDirectory(chain.clients.publicClient, chain.deployment.nodeRegistry),
          hasher: chain.hasher,
          onGap: (gap) => gaps.push(gap),
          resendRetryMs: 100,
        });
      before(async () => {
        db = await databases.find((d) => d.kind === kind)!.open();
      });
      after(async () => db?.close());

      it('stores good windows, rejects each bad class by reason, and keeps it all across a restart', async () => {
        const [pile, home] = chain.devices as [TestDevice, TestDevice];
        const ingest = newIngest();
        await ingest.start();
        const send = (device: TestDevice, m: Telemetry, key = device.privateKey) =>
          ingest.handle(telemetryTopic(device.address), payload(m, key));

        for (let seq = 1; seq <= 3; seq++) await send(pile, windowOf(pile, seq));
        // The home's first window seen is seq 200: the 120 windows before it that its agent can still resend are a gap.
        await send(
          home,
          windowOf(home, 200, { pvWh: 100, windowStart: hourStart() + 120, windowEnd: hourStart() + 180 }),
        );
        // Out of order: older than the last and not missing.
        await send(home, windowOf(home, 2, { pvWh: 100 }));

        // Forged: the pile's window signed by another key.
        await send(pile, windowOf(pile, 4), randomBytes(32));
        // Unregistered device key.
        const stranger = { ...pile, address: '0x00000000000000000000000000000000000000aa' as Address };
        await send(stranger, windowOf(stranger, 1), randomBytes(32));
        // Replay: the same signed window again.
        await send(pile, windowOf(pile, 2));
        // A used sequence number for a different window.
        await send(pile, windowOf(pile, 2, { gpuWh: 11 }));
        // Future window.
        const future = now() + 600;
        await send(pile, windowOf(pile, 5, { windowStart: future, windowEnd: future + 60 }));
        // Impossible: 30 kWp cannot make 600 Wh in a minute.
        await send(pile, windowOf(pile, 5, { pvWh: 600 }));
        // Overlap: seq 5 starting inside seq 3's window.
        const third = windowOf(pile, 3);
        await send(pile, windowOf(pile, 5, { windowStart: third.windowEnd - 30, windowEnd: third.windowEnd + 30 }));
        // Malformed, oversized, topic of another device.
        await ingest.handle(telemetryTopic(pile.address), '{"device":');
        await ingest.handle(telemetryTopic(pile.address), 'x'.repeat(3000));
        await ingest.handle(telemetryTopic(home.address), payload(windowOf(pile, 5), pile.privateKey));
        // Seq 7 opens the gap 4..6.
        await send(pile, windowOf(pile, 7));
        await ingest.drain();

        // Each gap asked for (open gaps are asked for again every few seconds: count each once).
        assert.deepEqual(
          [...new Set(gaps.map((g) => JSON.stringify([g.device, g.fromSeq, g.toSeq])))].map((g) => JSON.parse(g)),
          [
            [home.address.toLowerCase(), 80, 199],
            [pile.address.toLowerCase(), 4, 6],
          ],
        );
        // Unfilled, a gap is asked for again.
        const asked = () => gaps.filter((g) => g.device === pile.address.toLowerCase() && g.fromSeq === 4).length;
        const before = asked();
        await new Promise((r) => setTimeout(r, 350));
        assert.ok(asked() >= before + 2, `asked again: ${before} then ${asked()}`);
        // The resend fills seq 5 of the gap, its copy is a replay, and a changed seq 1 reuses a sequence number.
        await send(pile, windowOf(pile, 5));
        await send(pile, windowOf(pile, 5));
        await send(pile, windowOf(pile, 1, { gpuWh: 9 }));
        await ingest.drain();

        const expected = {
          bad_signature: 1,
          unregistered_device: 1,
          replay: 2,
          seq_reused: 2,
          out_of_order: 1,
          future_window: 1,
          impossible_pv: 1,
          window_overlap: 1,
          malformed: 1,
          oversized: 1,
          topic_mismatch: 1,
        };
        assert.deepEqual(ingest.stats().rejected, expected);
        assert.equal(ingest.stats().accepted, 6);
        assert.deepEqual(
          ingest.openGaps().map((g) => [g.device, g.fromSeq, g.toSeq]),
          [
            [home.address.toLowerCase(), 80, 199],
            [pile.address.toLowerCase(), 4, 4],
            [pile.address.toLowerCase(), 6, 6],
          ],
        );
        await ingest.stop();

        const rows = await db.query<{ device: string; seq: number }>(
          'SELECT device, seq FROM telemetry_messages ORDER BY device, seq',
        );
        assert.deepEqual(
          rows.filter((r) => r.device === pile.address.toLowerCase()).map((r) => Number(r.seq)),
          [1, 2, 3, 5, 7],
        );

        // A restarted ingest knows the counters, the sequence and the gaps.
        const restarted = newIngest();
        await restarted.start();
        assert.deepEqual(restarted.stats().rejected, expected);
        assert.equal(restarted.stats().accepted, 6);
        assert.equal(restarted.stats().openGaps, 3);
        // The restarted ingest asks for the gaps it loaded.
        gaps.length = 0;
        await new Promise((r) => setTimeout(r, 250));
        assert.ok(gaps.some((g) => g.device === pile.address.toLowerCase() && g.fromSeq === 6 && g.toSeq === 6));
        await restarted.handle(telemetryTopic(pile.address), payload(windowOf(pile, 3), pile.privateKey));
        await restarted.handle(telemetryTopic(pile.address), payload(windowOf(pile, 8), pile.privateKey));
        await restarted.stop();
        assert.equal(restarted.stats().rejected.replay, 3);
        assert.equal(restarted.stats().accepted, 7);
      });

      it("rejects and counts a device's windows beyond MAX_WINDOWS_PER_RECORD in one hour, across a restart", async () => {
        const home = chain.devices[1]!;
        // A later hour than the first test's, on a clock two hours ahead, in 30-second windows: 120 would fit the hour.
        const ahead = () => now() + 2 * HOUR;
        const slotStart = (Math.floor(now() / HOUR) + 1) * HOUR;
        const newAhead = () =>
          new Ingest({
            db,
            directory: new RegistryDirectory(chain.clients.publicClient, chain.deployment.nodeRegistry),
            hasher: chain.hasher,
            now: ahead,
          });
        const half = (i: number) =>
          windowOf(home, 1_001 + i, {
            windowStart: slotStart + 30 * i,
            windowEnd: slotStart + 30 * (i + 1),
            pvWh: 50,
            batteryInWh: 0,
            gridImportWh: 20,
            gpuWh: 3,
            uptimeS: 30,
          });
        const ingest = newAhead();
        await ingest.start();
        const base = ingest.stats();
        for (let i = 0; i <= MAX_WINDOWS_PER_RECORD; i++)
          await ingest.handle(telemetryTopic(home.address), payload(half(i), home.privateKey));
        await ingest.stop();
        assert.equal(ingest.stats().accepted - base.accepted, MAX_WINDOWS_PER_RECORD);
        assert.equal(ingest.stats().rejected.too_many_windows, 1);
        const [row] = await db.query<{ n: number }>(
          'SELECT count(*)::bigint AS n FROM telemetry_messages WHERE device = $1 AND slot = $2',
          [home.address.toLowerCase(), slotStart / HOUR],
        );
        assert.equal(Number(row!.n), MAX_WINDOWS_PER_RECORD, "the hour holds a record's worth");
        // After a restart the count comes from the database: the next window of the hour is rejected too, by reason
        // (not as out of order: the rejected window still moved the sequence on).
        const restarted = newAhead();
        await restarted.start();
        await restarted.handle(
          telemetryTopic(home.address),
          payload(half(MAX_WINDOWS_PER_RECORD + 1), home.privateKey),
        );
        await restarted.stop();
        assert.equal(restarted.stats().rejected.too_many_windows, 2);
        assert.equal(restarted.stats().rejected.out_of_order, base.rejected.out_of_order);
      });

      it('reports each window as stored only once its batch is written, and again when the device sends it again', async () => {
        // The station: a device of its own, which the other tests do not use.
        const station = chain.devices[2]!;
        const stored: StoredWindow[][] = [];
        let failWrites = false;
        const guarded: Database = {
          ...db,
          kind: db.kind,
          query: db.query.bind(db),
          close: db.close.bind(db),
          transaction: (fn) => (failWrites ? Promise.reject(new Error('disk full')) : db.transaction(fn)),
        } as Database;
        const ingest = new Ingest({
          db: guarded,
          directory: new RegistryDirectory(chain.clients.publicClient, chain.deployment.nodeRegistry),
          hasher: chain.hasher,
          onStored: (windows) => stored.push(windows),
        });
        await ingest.start();
        try {
          const seq = 1;
          const m = windowOf(station, seq);
          const send = (w: Telemetry) => ingest.handle(telemetryTopic(station.address), payload(w, station.privateKey));
          // The write fails: nothing is reported as stored (no receipt may promise it).
          failWrites = true;
          await send(m);
          await assert.rejects(ingest.flush(), /disk full/);
          assert.deepEqual(stored, []);
          failWrites = false;
          await ingest.drain();
          assert.deepEqual(stored, [
            [
              {
                device: station.address.toLowerCase(),
                nodeId: station.nodeId,
                seq,
                slot: Math.floor(m.windowStart / HOUR),
                digest: `0x${Buffer.from(chain.hasher.digest(m)).toString('hex')}`,
              },
            ],
          ]);
          // Sent again (its receipt was lost): reported again, and still stored once.
          await send(m);
          await ingest.drain();
          assert.equal(stored.length, 2);
          assert.deepEqual(stored[1], stored[0]);
          const rows = await db.query('SELECT 1 FROM telemetry_messages WHERE device = $1 AND seq = $2', [
            station.address.toLowerCase(),
            seq,
          ]);
          assert.equal(rows.length, 1);
        } finally {
          await ingest.stop();
        }
      });

      it("rejects a window whose battery holds more than the node's capacity, naming the reason; a full one is stored", async () => {
        // The station (1,000,000 Wh battery), after the window the test above stored.
        const station = chain.devices[2]!;
        assert.equal(station.limits.batteryWh, 1_000_000);
        const ingest = newIngest();
        await ingest.start();
        const send = (w: Telemetry) => ingest.handle(telemetryTopic(station.address), payload(w, station.privateKey));
        const rejectedBefore = ingest.stats().rejected.impossible_battery_soc ?? 0;
        const acceptedBefore = ingest.stats().accepted;
        await send(windowOf(station, 2, { batterySocWh: 1_000_001 }));
        await ingest.drain();
        assert.equal(ingest.stats().rejected.impossible_battery_soc, rejectedBefore + 1);
        assert.equal(ingest.stats().accepted, acceptedBefore);

        const full = windowOf(station, 2, { batterySocWh: 1_000_000 });
        await send(full);
        await ingest.drain();
        assert.equal(ingest.stats().accepted, acceptedBefore + 1);
        assert.equal(ingest.stats().rejected.impossible_battery_soc, rejectedBefore + 1);
        await ingest.stop();
        const [row] = await db.query<MessageRow>('SELECT * FROM telemetry_messages WHERE device = $1 AND seq = 2', [
          station.address.toLowerCase(),
        ]);
        assert.equal(Number(row!.battery_soc_wh), 1_000_000, 'the state of charge is stored');
        // What is stored is what the device signed: the evidence rebuilt from the row has the signed digest.
        assert.deepEqual(messageOfRow(row!), full);
        assert.equal(chain.hasher.digestHex(messageOfRow(row!)), row!.digest);
      });
    });
  }
});
