// The ingest's MQTT session (issue 14): a window is acknowledged only once it is stored, so a coordinator that dies
// with windows checked but not written gets them again from the broker; and no more than `maxInFlight` windows wait
// unacknowledged, however fast devices publish. On the embedded broker (MQTT 3.1.1, bounded by the paused socket) and
// on the machine's Mosquitto (MQTT 5, bounded by Receive Maximum as well).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import mqtt from 'mqtt';
import mqttPacket from 'mqtt-packet';
import type { Address } from 'viem';
import { telemetryTopic } from '@greenhour/telemetry';
import { openDatabase, type Database } from '@greenhour/store';
import { RegistryDirectory } from './directory.ts';
import { Ingest } from './ingest.ts';
import { startEmbeddedBroker } from './broker.ts';
import { subscribeTelemetry, writePuback } from './subscriber.ts';
import { MOSQUITTO_MISSING, signedWindows, startTestChain, type TestChain } from './testing.ts';

async function until(what: () => string, check: () => boolean | Promise<boolean>, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what()}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

it('PUBACK is the four bytes mqtt-packet encodes, in MQTT 3.1.1 and 5', () => {
  for (const messageId of [1, 2, 255, 256, 4_096, 65_534, 65_535])
    for (const protocolVersion of [4, 5] as const) {
      const out = Buffer.alloc(4);
      assert.equal(writePuback(out, 0, messageId), 4);
      // MQTT 5 allows leaving out reason code 0 and empty properties (3.4.2.1); mqtt-packet writes them.
      if (protocolVersion === 4)
        assert.deepEqual(out, mqttPacket.generate({ cmd: 'puback', messageId }, { protocolVersion }));
      const parsed: mqttPacket.Packet[] = [];
      const parser = mqttPacket.parser({ protocolVersion });
      parser.on('packet', (p) => parsed.push(p));
      parser.parse(out);
      assert.equal(parsed.length, 1);
      assert.equal((parsed[0] as mqttPacket.IPubackPacket).messageId, messageId);
      assert.equal((parsed[0] as mqttPacket.IPubackPacket).reasonCode ?? 0, 0);
    }
});

describe('ingest session: acknowledged once stored, bounded in flight', () => {
  let chain: TestChain;
  before(async () => {
    chain = await startTestChain(['pile', 'home', 'station']);
  });
  after(async () => {
    await chain.stop();
  });

  const payloads = (perDevice: number) => signedWindows(chain, perDevice).messages;

  /** A database whose writes fail while `failing` is set (a full disk, a lost server). */
  const flaky = (db: Database) => {
    const state = { failing: true };
    const wrapped: Database = {
      ...db,
      query: db.query.bind(db),
      transaction: (fn) => (state.failing ? Promise.reject(new Error('disk full')) : db.transaction(fn)),
    };
    return { db: wrapped, state };
  };

  const stored = async (db: Database) =>
    Number((await db.query<{ n: number }>('SELECT count(*)::bigint AS n FROM telemetry_messages'))[0]!.n);

  const brokers = [
    {
      name: 'the embedded broker (MQTT 3.1.1)',
      protocolVersion: 4 as const,
      skip: undefined,
      start: () => startEmbeddedBroker(),
    },
    {
      name: 'Mosquitto (MQTT 5)',
      protocolVersion: 5 as const,
      skip: MOSQUITTO_MISSING,
      start: async () => ({ url: 'mqtt://127.0.0.1:1883', close: async () => {} }),
    },
  ];

  for (const broker of brokers)
    describe(`on ${broker.name}`, { skip: broker.skip }, () => {
      it('a coordinator that dies before its windows are written gets them again', async () => {
        const b = await broker.start();
        const db = await openDatabase({});
        const clientId = `ack-test-${process.pid}-${Date.now()}`;
        const directory = new RegistryDirectory(chain.clients.publicClient, chain.deployment.nodeRegistry);
        const publisher = await mqtt.connectAsync(b.url, { clientId: `${clientId}-pub`, clean: true });
        try {
          const { db: failing, state } = flaky(db);
          const first = new Ingest({ db: failing, directory, hasher: chain.hasher });
          await first.start();
          const firstSession = await subscribeTelemetry(first, {
            mqttUrl: b.url,
            clientId,
            protocolVersion: broker.protocolVersion,
          });
          const messages = payloads(20);
          for (const [topic, payload] of messages) await publisher.publishAsync(topic, payload, { qos: 1 });
          await until(
            () => `all ${messages.length} checked, ${JSON.stringify(first.stats())}`,
            () => first.stats().accepted === messages.length,
          );
          await new Promise((r) => setTimeout(r, 300)); // several flush attempts, each failing
          assert.equal(firstSession.inFlight(), messages.length, 'nothing stored, so nothing acknowledged');
          assert.equal(await stored(db), 0);
          // The crash: its checked windows and its connection are gone.
          first.abort();
          firstSession.kill();
          state.failing = false;

          const second = new Ingest({ db, directory, hasher: chain.hasher });
          await second.start();
          const secondSession = await subscribeTelemetry(second, {
            mqttUrl: b.url,
            clientId,
            protocolVersion: broker.protocolVersion,
          });
          await until(
            () => `the broker to deliver the unacknowledged windows again (${second.stats().accepted} so far)`,
            async () => (await stored(db)) === messages.length,
          );
          await until(
            () => `every window acknowledged (${secondSession.inFlight()} in flight)`,
            () => secondSession.inFlight() === 0,
          );
          await secondSession.close();
          await second.stop();
        } finally {
          await publisher.endAsync();
          await db.close();
          await b.close();
        }
      });

      it("two ingest processes on disjoint topic filters each take only their own devices' windows, together all", async () => {
        const b = await broker.start();
        const dbs = [await openDatabase({}), await openDatabase({})];
        const devices = chain.devices.map((d) => d.address.toLowerCase());
        // Two partitions of the test chain's three devices: the first device, and the other two.
        const filtersOf = (index: number) =>
          (index === 0 ? devices.slice(0, 1) : devices.slice(1)).map((d) => telemetryTopic(d as Address));
        const partOf = (device: string) => (device === devices[0] ? 0 : 1);
        const stamp = `${process.pid}-${Date.now()}`;
        const publisher = await mqtt.connectAsync(b.url, { clientId: `part-${stamp}-pub`, clean: true });
        const parts = await Promise.all(
          dbs.map(async (db, index) => {
            const directory = new RegistryDirectory(chain.clients.publicClient, chain.deployment.nodeRegistry);
            const ingest = new Ingest({ db, directory, hasher: chain.hasher });
            await ingest.start();
            const session = await subscribeTelemetry(ingest, {
              mqttUrl: b.url,
              clientId: `part-${stamp}-${index}`,
              protocolVersion: broker.protocolVersion,
              filters: filtersOf(index),
            });
            return { db, ingest, session };
          }),
        );
        try {
          const messages = payloads(10);
          for (const [topic, payload] of messages) await publisher.publishAsync(topic, payload, { qos: 1 });
          await until(
            () => `all ${messages.length} stored between the two`,
            async () => (await stored(dbs[0]!)) + (await stored(dbs[1]!)) === messages.length,
          );
          for (const [index, { db, ingest }] of parts.entries()) {
            const rows = await db.query<{ device: string }>('SELECT DISTINCT device FROM telemetry_messages');
            assert.ok(rows.length > 0, `process ${index} stored windows`);
            for (const { device } of rows) assert.equal(partOf(device), index, `${device} stored by process ${index}`);
            assert.deepEqual(ingest.stats().rejected, {});
            assert.equal(ingest.stats().openGaps, 0);
          }
        } finally {
          for (const { session, ingest, db } of parts) {
            await session.close();
            await ingest.stop();
            await db.close();
          }
          await publisher.endAsync();
          await b.close();
        }
      });

      it('no more than maxInFlight windows wait unacknowledged, and all are stored once writes succeed', async () => {
        const b = await broker.start();
        const db = await openDatabase({});
        const clientId = `bound-test-${process.pid}-${Date.now()}`;
        const directory = new RegistryDirectory(chain.clients.publicClient, chain.deployment.nodeRegistry);
        const publisher = await mqtt.connectAsync(b.url, { clientId: `${clientId}-pub`, clean: true });
        try {
          const { db: failing, state } = flaky(db);
          const ingest = new Ingest({ db: failing, directory, hasher: chain.hasher });
          await ingest.start();
          const maxInFlight = 40;
          const session = await subscribeTelemetry(ingest, {
            mqttUrl: b.url,
            clientId,
            protocolVersion: broker.protocolVersion,
            maxInFlight,
          });
          const messages = payloads(100); // 300 windows
          let most = 0;
          const watch = setInterval(() => (most = Math.max(most, session.inFlight())), 2);
          await Promise.all(messages.map(([topic, payload]) => publisher.publishAsync(topic, payload, { qos: 1 })));
          await new Promise((r) => setTimeout(r, 500));
          most = Math.max(most, session.inFlight());
          // A paused socket still hands over the packets of the read under way (~100 windows of this size); Mosquitto
          // also holds to the Receive Maximum while nothing is acknowledged (once acknowledgements flow, 2.0.11 sends a
          // little beyond it, which the paused socket then bounds).
          const slack = 128;
          assert.ok(most >= maxInFlight, `the bound was reached (${most})`);
          const bound = broker.protocolVersion === 5 ? maxInFlight : maxInFlight + slack;
          assert.ok(most <= bound, `at most ${bound} in flight while nothing is stored, saw ${most}`);
          state.failing = false;
          await until(
            () => `all ${messages.length} stored (${ingest.stats().accepted} accepted)`,
            async () => (await stored(db)) === messages.length,
          );
          clearInterval(watch);
          assert.ok(most <= maxInFlight + slack, `at most ${maxInFlight} + ${slack} in flight, saw ${most}`);
          await until(
            () => `every stored window acknowledged (${session.inFlight()} in flight)`,
            () => session.inFlight() === 0,
          );
          await session.close();
          await ingest.stop();
        } finally {
          await publisher.endAsync();
          await db.close();
          await b.close();
        }
      });
    });
});
