// The agent against real MQTT brokers: aedes in-process and the system's Mosquitto at 127.0.0.1:1883. Every broker test
// runs against both.
import { after, before, describe, it, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mqtt from 'mqtt';
import { bytesToHex } from 'viem';
import {
  addressOfPrivateKey,
  DeviceVerifier,
  encodeReceipt,
  receiptTopic,
  resendTopic,
  signReceipt,
  TelemetryHasher,
  violationOf,
  ZERO_HASH,
  type SignedTelemetry,
} from '@greenhour/telemetry';
import {
  MAX_CATCH_UP_WINDOWS,
  NodeAgent,
  parseResendRequest,
  RECEIPT_WAIT_SECONDS,
  type NodeAgentOptions,
} from './agent.ts';
import { Outbox } from './outbox.ts';
import type { MeterDriver, WindowReading } from './meter.ts';
import { SimulatedSiteDriver } from './simulated.ts';
import { BROKERS, closedPort, T0, TelemetrySubscriber, TEST_DOMAIN, waitFor, type TestBroker } from './testkit.ts';

const tmp = mkdtempSync(join(tmpdir(), 'gh-agent-'));
// Every agent is stopped at the end even when its test failed half-way (a running agent keeps reconnecting).
const agents: NodeAgent[] = [];
test.after(async () => {
  for (const agent of agents) await agent.stop();
  rmSync(tmp, { recursive: true, force: true });
});
let dirs = 0;
const freshDir = () => join(tmp, `outbox-${++dirs}`);

// A 2C home in Germany: 9.8 kWp, 10 kWh battery, 11 kW wallbox, one RTX 4090 (450 W).
const SPEC = { pvWp: 9_800, batteryWh: 10_000, chargerW: 11_000, gpuCount: 1, gpuBoardPowerW: 450 };
const home = () => new SimulatedSiteDriver({ siteType: 'home', zone: 'DE-LU', spec: SPEC, seed: 3 });
const LIMITS = home().limits();
/** Every window of the tests has ended by then. */
const LATER = () => T0 + 30 * 86_400;
const win = (i: number) => T0 + i * 60;

interface Harness {
  agent: NodeAgent;
  logs: string[];
}

function makeAgent(overrides: Partial<NodeAgentOptions> & Pick<NodeAgentOptions, 'mqttUrl'>): Harness {
  const logs: string[] = [];
  const agent = new NodeAgent({
    privateKey: randomBytes(32),
    ...TEST_DOMAIN,
    meter: home(),
    outboxDir: freshDir(),
    clock: LATER,
    limits: LIMITS,
    reconnectPeriodMs: 100,
    log: (line) => logs.push(line),
    ...overrides,
  });
  agents.push(agent);
  return { agent, logs };
}

/** Every message verifies against the device, its windows follow the grid, and the seqs are exactly `expected`. */
function assertSignedInOrder(received: readonly SignedTelemetry[], device: string, expected: number[]) {
  const hasher = new TelemetryHasher(TEST_DOMAIN);
  const verifier = new DeviceVerifier();
  assert.deepEqual(
    received.map((m) => m.message.seq),
    expected,
  );
  for (const { message, signature } of received) {
    assert.equal(message.device, device);
    assert.equal(verifier.verify(device, hasher.digest(message), signature), true, `signature of seq ${message.seq}`);
    assert.equal(violationOf(LIMITS, message), 'None');
  }
}

for (const { name, start } of BROKERS) {
  describe(`node agent on ${name}`, () => {
    let broker: TestBroker;
    const open: { close(): unknown }[] = [];
    before(async () => {
      broker = await start();
    });
    after(async () => {
      for (const o of open) await o.close();
      await broker.close();
    });
    const subscribe = async (device: `0x${string}`) => {
      const sub = await TelemetrySubscriber.connect(broker.directUrl, device);
      open.push(sub);
      return sub;
    };

    it('a subscriber receives every window in order, each signed by the device', async () => {
      const { agent } = makeAgent({ mqttUrl: broker.url });
      const sub = await subscribe(agent.device);
      agent.connect();
      await waitFor('connection', () => agent.connected);
      for (let i = 0; i < 5; i++) {
        const signed = await agent.tickWindow(win(i));
        assert.equal(signed.message.seq, i + 1);
        assert.equal(signed.message.windowStart, win(i));
        assert.equal(signed.message.windowEnd, win(i) + 60);
      }
      await sub.waitForSeq(5);
      await agent.acked(5);
      assertSignedInOrder(sub.received, agent.device, [1, 2, 3, 4, 5]);
      assert.equal(agent.outbox.unackedSize, 0);
      assert.deepEqual(sub.rejected, []);
      // The payload on the wire is byte for byte what the outbox logged.
      assert.equal(sub.payloads[2], agent.outbox.get(3)!.payload);
      await agent.stop();
    });

    it('keeps the attester’s receipt of each window durably, ignores bad, foreign and mismatched ones, and sends a window again when its receipt does not come', async () => {
      const attesterKey = randomBytes(32);
      const attester = addressOfPrivateKey(attesterKey);
      let clockS = win(3) + 1;
      const dir = freshDir();
      const { agent, logs } = makeAgent({ mqttUrl: broker.url, outboxDir: dir, attester, clock: () => clockS });
      const sub = await subscribe(agent.device);
      agent.connect();
      await waitFor('connection', () => agent.connected);
      const hasher = new TelemetryHasher(TEST_DOMAIN);
      const signed: SignedTelemetry[] = [];
      for (let i = 0; i < 3; i++) signed.push(await agent.tickWindow(win(i)));
      await agent.acked(3);
      await sub.waitForSeq(3);
      const receiptOf = (i: number, key = attesterKey, digest?: `0x${string}`) =>
        signReceipt(
          TEST_DOMAIN,
          {
            nodeId: 7,
            slot: Math.floor(win(i) / 3600),
            seq: i + 1,
            digest: digest ?? bytesToHex(hasher.digest(signed[i]!.message)),
          },
          key,
        );
      const ingest = await mqtt.connectAsync(broker.directUrl, { protocolVersion: 4 });
      open.push({ close: () => ingest.endAsync() });
      const topic = receiptTopic(agent.device);
      await ingest.publishAsync(topic, '{"seq":', { qos: 1 });
      await ingest.publishAsync(topic, encodeReceipt(receiptOf(0, attesterKey, `0x${'ab'.repeat(32)}`)), { qos: 1 });
      await ingest.publishAsync(topic, encodeReceipt(receiptOf(1, randomBytes(32))), { qos: 1 });
      await ingest.publishAsync(topic, encodeReceipt(receiptOf(0)), { qos: 1 });
      await ingest.publishAsync(topic, encodeReceipt(receiptOf(1)), { qos: 1 });
      await waitFor('two receipts', () => agent.outbox.get(2)?.receipt !== undefined);
      assert.deepEqual(agent.outbox.get(1)!.receipt, receiptOf(0));
      assert.deepEqual(agent.outbox.get(2)!.receipt, receiptOf(1), 'the attester’s, not the foreign one');
      assert.equal(agent.outbox.get(3)!.receipt, undefined);
      assert.ok(logs.some((l) => /receipt: ignored a bad receipt/.test(l)));
      assert.ok(logs.some((l) => /receipt: ignored a receipt of seq 1 that does not acknowledge/.test(l)));
      assert.ok(
        logs.some((l) => /receipt: ignored a receipt of seq 2 signed by 0x[0-9a-f]{40}, not the attester/.test(l)),
      );

      // Seq 3 has no receipt: too recent to ask; once RECEIPT_WAIT_SECONDS have passed, it is sent again, once.
      assert.equal(agent.askForReceipts(), 0);
      clockS = win(3) + RECEIPT_WAIT_SECONDS + 1;
      assert.equal(agent.askForReceipts(), 1);
      assert.equal(agent.askForReceipts(), 0, 'not again until the wait has passed once more');
      await waitFor('seq 3 sent again', () => sub.seqs.filter((seq) => seq === 3).length >= 2);
      await ingest.publishAsync(topic, encodeReceipt(receiptOf(2)), { qos: 1 });
      await waitFor('the third receipt', () => agent.outbox.get(3)?.receipt !== undefined);
      assert.equal(agent.askForReceipts(), 0);
      await agent.stop();

      // Durable: the receipts are in the journal, also after a compaction.
      const reopened = Outbox.open(dir);
      try {
        assert.deepEqual(reopened.get(2)!.receipt, receiptOf(1));
        reopened.compact();
      } finally {
        reopened.close();
      }
      const compacted = Outbox.open(dir);
      try {
        assert.deepEqual(
          [1, 2, 3].map((seq) => compacted.get(seq)!.receipt),
          [receiptOf(0), receiptOf(1), receiptOf(2)],
        );
      } finally {
        compacted.close();
      }
    });

    it('while the broker is down windows go to the outbox; when it is back they all arrive, in order, none missing', async () => {
      const { agent, logs } = makeAgent({ mqttUrl: broker.url });
      const sub = await subscribe(agent.device);
      agent.connect();
      await waitFor('connection', () => agent.connected);
      await agent.tickWindow(win(0));
      await agent.tickWindow(win(1));
      // The broker acknowledges before it delivers: wait for the subscriber too.
      await agent.acked(2);
      await sub.waitForSeq(2);

      await broker.down();
      await waitFor('the agent to notice', () => !agent.connected);
      for (let i = 2; i < 7; i++) await agent.tickWindow(win(i));
      assert.deepEqual(
        agent.outbox.unacked().map((e) => e.seq),
        [3, 4, 5, 6, 7],
      );
      // Several reconnection attempts fail meanwhile.
      await new Promise((r) => setTimeout(r, 300));
      assert.equal(agent.connected, false);

      await broker.up();
      await sub.ready();
      await sub.waitForSeq(7);
      await agent.tickWindow(win(7));
      await sub.waitForSeq(8);
      await agent.acked(8);
      assertSignedInOrder(sub.received, agent.device, [1, 2, 3, 4, 5, 6, 7, 8]);
      assert.equal(agent.outbox.unackedSize, 0);
      assert.match(logs.join('\n'), /mqtt: lost mqtt:\/\/127.0.0.1:\d+; retrying/);
      assert.match(logs.join('\n'), /connected to .* 5 unacknowledged/);
      await agent.stop();
    });

    it('a connection cut with publishes in flight loses nothing: the outbox replays from the first unacknowledged', async () => {
      const { agent } = makeAgent({ mqttUrl: broker.url });
      const sub = await subscribe(agent.device);
      agent.connect();
      await waitFor('connection', () => agent.connected);
      // No waiting for acknowledgements: the cut comes while some are in flight.
      for (let i = 0; i < 3; i++) await agent.tickWindow(win(i));
      // At least the last one is published and not yet acknowledged (a PUBACK needs a round trip).
      assert.ok(agent.outbox.unackedSize >= 1);
      await broker.down();
      for (let i = 3; i < 5; i++) await agent.tickWindow(win(i));
      await broker.up();
      await sub.ready();
      await agent.acked(5);
      await sub.waitForSeq(5);
      // QoS 1 is at-least-once: a message whose PUBACK the cut swallowed comes again. First arrivals are in order.
      assert.deepEqual(sub.distinctSeqs, [1, 2, 3, 4, 5]);
      assertSignedInOrder(
        sub.received.filter((m, i) => sub.seqs.indexOf(m.message.seq) === i),
        agent.device,
        [1, 2, 3, 4, 5],
      );
      assert.equal(agent.outbox.unackedSize, 0);
      await agent.stop();
    });

    it('a restarted agent on the same outbox continues the sequence and replays what was not acknowledged', async () => {
      const key = randomBytes(32);
      const outboxDir = freshDir();
      // First run: the broker address is a closed port, so nothing is acknowledged.
      const first = makeAgent({ privateKey: key, outboxDir, mqttUrl: `mqtt://127.0.0.1:${await closedPort()}` });
      first.agent.connect();
      for (let i = 0; i < 3; i++) await first.agent.tickWindow(win(i));
      await new Promise((r) => setTimeout(r, 150));
      assert.equal(first.agent.connected, false);
      await first.agent.stop();

      // Second run: same key and outbox, the broker's own address (Mosquitto: 127.0.0.1:1883).
      const second = makeAgent({ privateKey: key, outboxDir, mqttUrl: broker.directUrl });
      const { agent } = second;
      assert.equal(agent.nextSeq, 4);
      await assert.rejects(agent.tickWindow(win(2)), /already reported/);
      const sub = await subscribe(agent.device);
      agent.connect();
      await waitFor('connection', () => agent.connected);
      const fourth = await agent.tickWindow(win(3));
      assert.equal(fourth.message.seq, 4);
      await sub.waitForSeq(4);
      await agent.acked(4);
      assertSignedInOrder(sub.received, agent.device, [1, 2, 3, 4]);
      await agent.stop();

      // A third run finds everything acknowledged and the sequence at 5.
      const third = makeAgent({ privateKey: key, outboxDir, mqttUrl: broker.url });
      assert.equal(third.agent.nextSeq, 5);
      assert.equal(third.agent.outbox.unackedSize, 0);
      await third.agent.stop();
    });

    it('serves a resend request from the outbox and ignores malformed ones', async () => {
      const { agent, logs } = makeAgent({ mqttUrl: broker.url });
      const sub = await subscribe(agent.device);
      agent.connect();
      await waitFor('connection', () => agent.connected);
      for (let i = 0; i < 4; i++) await agent.tickWindow(win(i));
      await agent.acked(4);
      await sub.waitForSeq(4);
      const request = (body: string) =>
        new Promise<void>((resolve, reject) =>
          sub.client.publish(resendTopic(agent.device), body, { qos: 1 }, (err) => (err ? reject(err) : resolve())),
        );

      await request('{"fromSeq":2,"toSeq":3}');
      await waitFor('the resent messages', () => sub.received.length === 6);
      assert.deepEqual(sub.seqs, [1, 2, 3, 4, 2, 3]);
      assert.deepEqual(sub.received.slice(4), sub.received.slice(1, 3), 'the same signed messages');

      const bad = [
        'resend please',
        '[1,2]',
        '{"fromSeq":3,"toSeq":2}',
        '{"fromSeq":0,"toSeq":1}',
        '{"fromSeq":1}',
        '{"fromSeq":1.5,"toSeq":2}',
        '{"fromSeq":"1","toSeq":2}',
        '{"fromSeq":1,"toSeq":2,"extra":true}',
        '{"fromSeq":1,"toSeq":100000}',
      ];
      for (const body of bad) await request(body);
      // Seq 5 and later were never issued: only 4 comes back.
      await request('{"fromSeq":4,"toSeq":9}');
      await waitFor('the last resend', () => sub.received.length === 7);
      assert.deepEqual(sub.seqs.slice(6), [4]);
      const ignored = logs.filter((l) => l.startsWith('resend: ignored bad request'));
      assert.equal(ignored.length, bad.length, logs.join('\n'));
      assert.ok(logs.includes('resend: seq 4..9: republishing 1'), logs.join('\n'));
      await agent.stop();
    });

    it('start() ticks each window as it ends on the clock’s grid; stop() stops cleanly and releases the outbox', async () => {
      const outboxDir = freshDir();
      const key = randomBytes(32);
      const published: SignedTelemetry[] = [];
      // One-second windows on the real clock.
      const { agent } = makeAgent({
        privateKey: key,
        outboxDir,
        mqttUrl: broker.url,
        windowSeconds: 1,
        maxWindowsPerHour: 3600, // never attested
        clock: () => Date.now() / 1000,
        limits: undefined,
        onPublished: (m) => published.push(m),
      });
      const sub = await subscribe(agent.device);
      const before = Math.floor(Date.now() / 1000);
      agent.start();
      const after = Math.floor(Date.now() / 1000);
      await sub.waitForSeq(2, 5_000);
      await agent.stop();
      const count = sub.received.length;
      const windows = sub.received.map((m) => m.message.windowStart);
      assert.deepEqual(
        sub.seqs,
        Array.from({ length: count }, (_, i) => i + 1),
      );
      assert.ok(windows[0]! >= before && windows[0]! <= after, 'the first window is the one the agent started in');
      windows.forEach((w, i) => assert.equal(w, windows[0]! + i, 'consecutive one-second windows'));
      assert.ok(sub.received.every((m) => m.message.windowEnd <= Date.now() / 1000));
      await new Promise((r) => setTimeout(r, 1_100));
      assert.equal(sub.received.length, count, 'nothing after stop()');
      assert.deepEqual(
        published.map((m) => m.message.seq),
        sub.seqs,
      );
      await assert.rejects(agent.tickWindow(Math.floor(Date.now() / 1000) - 2), /stopped/);
      // The outbox lock is released: a new agent opens it and continues the sequence.
      const next = makeAgent({
        privateKey: key,
        outboxDir,
        mqttUrl: broker.url,
        windowSeconds: 1,
        maxWindowsPerHour: 3600,
      });
      assert.equal(next.agent.nextSeq, count + 1);
      await next.agent.stop();
    });
  });
}

describe('node agent without a broker', () => {
  /** A meter that returns whatever the test sets. */
  class FixedMeter implements MeterDriver {
    reading: WindowReading = {
      pvWh: 100,
      batteryInWh: 0,
      batteryOutWh: 0,
      batterySocWh: 6_000,
      gridImportWh: 0,
      gridExportWh: 90,
      gpuWh: 7,
      evWh: 0,
      uptimeS: 60,
      jobsHash: ZERO_HASH,
    };
    async read(): Promise<WindowReading> {
      return this.reading;
    }
  }

  it('refuses windows that are unaligned, not over yet or already reported, and readings that are invalid or impossible, without using a seq', async () => {
    const meter = new FixedMeter();
    const { agent } = makeAgent({ meter, mqttUrl: 'mqtt://127.0.0.1:1', clock: () => win(3) + 30 });
    await assert.rejects(agent.tickWindow(win(0) + 1), /not a multiple of the 60 s window/);
    await assert.rejects(agent.tickWindow(win(3)), /has not ended yet/);
    meter.reading = { ...meter.reading, gpuWh: 7.5 };
    await assert.rejects(agent.tickWindow(win(0)), /gpuWh must be an integer/);
    meter.reading = { ...meter.reading, gpuWh: 7, uptimeS: 61 };
    await assert.rejects(agent.tickWindow(win(0)), /uptimeS 61 exceeds the window/);
    meter.reading = { ...meter.reading, uptimeS: 60, jobsHash: '0x12' };
    await assert.rejects(agent.tickWindow(win(0)), /jobsHash/);
    // 450 W × 60 s = 7.5 Wh at most for the GPU; 8 is impossible and would be slashable.
    meter.reading = { ...meter.reading, jobsHash: ZERO_HASH, gpuWh: 8 };
    await assert.rejects(agent.tickWindow(win(0)), /breaks the Gpu bound, not signed/);
    meter.reading = { ...meter.reading, gpuWh: 7, gridExportWh: 94 };
    await assert.rejects(agent.tickWindow(win(0)), /breaks the EnergyBalance bound/);
    meter.reading = { ...meter.reading, gridExportWh: 93 };
    // The state of charge: a reading must carry it, as a whole Wh, and never above the registered 10,000 Wh battery.
    const { batterySocWh: _dropped, ...noSoc } = meter.reading;
    meter.reading = noSoc as WindowReading;
    await assert.rejects(agent.tickWindow(win(0)), /batterySocWh must be an integer in \[0, 2\^32\), got undefined/);
    meter.reading = { ...meter.reading, batterySocWh: -1 };
    await assert.rejects(agent.tickWindow(win(0)), /batterySocWh must be an integer/);
    meter.reading = { ...meter.reading, batterySocWh: 10_001 };
    await assert.rejects(agent.tickWindow(win(0)), /breaks the BatterySoc bound, not signed/);
    meter.reading = { ...meter.reading, batterySocWh: 10_000 };
    assert.equal(agent.nextSeq, 1);
    const first = await agent.tickWindow(win(0));
    assert.equal(first.message.seq, 1);
    assert.equal(first.message.batterySocWh, 10_000, 'a full battery is signed');
    await assert.rejects(agent.tickWindow(win(0)), /already reported/);
    assert.equal((await agent.tickWindow(win(2))).message.seq, 2, 'a gap in windows is allowed, seqs stay contiguous');
    await agent.stop();
  });

  it('start() catches up the windows a late timer missed, and skips what is beyond the catch-up limit', async () => {
    let now = win(1) - 0.05;
    const { agent, logs } = makeAgent({ meter: new FixedMeter(), mqttUrl: 'mqtt://127.0.0.1:1', clock: () => now });
    agent.start();
    // The timer is due in ~55 ms; by the time it fires the clock says five windows have ended.
    now = win(5) + 0.5;
    await waitFor('five windows', () => agent.nextSeq === 6);
    const held = agent.outbox.unacked().map((e) => e.signed.message.windowStart);
    assert.deepEqual(held, [win(0), win(1), win(2), win(3), win(4)]);
    await agent.stop();

    // A timer more than MAX_CATCH_UP_WINDOWS late: the oldest missed windows are skipped, and the skip is logged.
    let later = win(100) - 0.05;
    const second = makeAgent({ meter: new FixedMeter(), mqttUrl: 'mqtt://127.0.0.1:1', clock: () => later });
    second.agent.start();
    later = win(100 + MAX_CATCH_UP_WINDOWS + 10) + 0.5;
    await waitFor('the catch-up', () => second.agent.nextSeq === MAX_CATCH_UP_WINDOWS + 1);
    assert.equal(second.agent.outbox.get(1)!.signed.message.windowStart, win(110));
    assert.match(second.logs.join('\n'), /timer: 11 missed windows from .* skipped/);
    assert.deepEqual(
      logs.filter((l) => l.startsWith('timer:')),
      [],
    );
    await second.agent.stop();
  });

  it('rejects bad options naming them', () => {
    const base = { meter: new FixedMeter(), mqttUrl: 'mqtt://127.0.0.1:1' };
    assert.throws(() => makeAgent({ ...base, windowSeconds: 7 }), /windowSeconds: must be a whole divisor of 3600/);
    // 120 windows an hour: more than a node-hour record may hold.
    assert.throws(
      () => makeAgent({ ...base, windowSeconds: 30 }),
      /windowSeconds: at least 60 \(at most 60 windows an hour\)/,
    );
    assert.throws(() => makeAgent({ ...base, chainId: 0 }), /chainId/);
    assert.throws(() => makeAgent({ ...base, verifyingContract: '0x12' }), /verifyingContract/);
    assert.throws(() => makeAgent({ ...base, privateKey: new Uint8Array(32) }), /privateKey/);
  });

  it('parses resend requests strictly', () => {
    assert.deepEqual(parseResendRequest('{"toSeq":9,"fromSeq":3}'), { fromSeq: 3, toSeq: 9 });
    assert.deepEqual(parseResendRequest(Buffer.from('{"fromSeq":5,"toSeq":5}')), { fromSeq: 5, toSeq: 5 });
    assert.throws(() => parseResendRequest('{"fromSeq":1,"toSeq":1441}'), /span of 1441 messages/);
    assert.throws(() => parseResendRequest(`{"fromSeq":1,"toSeq":2,"pad":"${'x'.repeat(300)}"}`), /limit 256/);
    assert.throws(() => parseResendRequest('{"fromSeq":2,"toSeq":1}'), /fromSeq 2 is after toSeq 1/);
    assert.throws(() => parseResendRequest('{"fromSeq":-1,"toSeq":1}'), /fromSeq must be a positive integer/);
  });

  it('an outbox belongs to one device', async () => {
    const outboxDir = freshDir();
    const { agent } = makeAgent({ meter: new FixedMeter(), outboxDir, mqttUrl: 'mqtt://127.0.0.1:1' });
    await agent.tickWindow(win(0));
    await agent.stop();
    const other = randomBytes(32);
    assert.throws(
      () => makeAgent({ privateKey: other, outboxDir, mqttUrl: 'mqtt://127.0.0.1:1' }),
      new RegExp(`holds messages of device ${agent.device}, not ${addressOfPrivateKey(other)}`),
    );
  });
});
