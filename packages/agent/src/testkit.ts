// Test helpers shared by the agent's tests: signed windows, real MQTT brokers that can go down and come back, and a
// subscriber that decodes what it receives. Nothing here replaces the broker: both brokers speak real MQTT over TCP.
import { createServer, connect as tcpConnect, type Server, type Socket } from 'node:net';
import { Aedes } from 'aedes';
import mqtt, { type MqttClient } from 'mqtt';
import type { Address } from 'viem';
import {
  addressOfPrivateKey,
  decodeTelemetry,
  deviceOfTopic,
  signDigest,
  telemetryTopic,
  TelemetryHasher,
  ZERO_HASH,
  type SignedTelemetry,
  type Telemetry,
} from '@greenhour/telemetry';
import { MOSQUITTO_MISSING } from '@greenhour/store/testing';
import { CLIENT_ID_PREFIX } from './agent.ts';

// 2026-11-26T00:00:00Z, an hour boundary.
export const T0 = 1_795_651_200;
export const TEST_DOMAIN = {
  chainId: 31337,
  verifyingContract: '0x5FbDB2315678afecb367f032d93F642f64180aa3' as Address,
};
export const MOSQUITTO_PORT = 1883;

const hasher = new TelemetryHasher(TEST_DOMAIN);

/** A plausible one-minute window signed by `key`. */
export function signedWindow(
  key: Uint8Array,
  seq: number,
  windowStart: number,
  overrides: Partial<Telemetry> = {},
): SignedTelemetry {
  const message: Telemetry = {
    device: addressOfPrivateKey(key),
    seq,
    windowStart,
    windowEnd: windowStart + 60,
    pvWh: 400,
    batteryInWh: 0,
    batteryOutWh: 0,
    batterySocWh: 5_000,
    gridImportWh: 0,
    gridExportWh: 389,
    gpuWh: 11,
    evWh: 0,
    uptimeS: 60,
    jobsHash: ZERO_HASH,
    ...overrides,
  };
  return { message, signature: signDigest(hasher.digest(message), key) };
}

export async function waitFor(what: string, predicate: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** Resolves with a port nothing listens on (bound, then released). */
export async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as { port: number };
  await new Promise((r) => server.close(r));
  return port;
}

/**
 * A broker the agent reaches at `url`, which `down()` makes unreachable (connections refused, live ones cut) and `up()`
 * reachable again on the same port. `directUrl` is the broker's own address (for Mosquitto 127.0.0.1:1883, which
 * stays up); test subscribers use it.
 */
export interface TestBroker {
  readonly name: string;
  readonly url: string;
  readonly directUrl: string;
  down(): Promise<void>;
  up(): Promise<void>;
  close(): Promise<void>;
}

function trackSockets(server: Server): Set<Socket> {
  const sockets = new Set<Socket>();
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  return sockets;
}

async function listen(server: Server, port: number): Promise<number> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  return (server.address() as { port: number }).port;
}

/**
 * aedes in-process on a free port. `down()` closes the broker and its server; `up()` starts a new broker on the same
 * port. A new in-memory broker has lost every subscription, so it admits agents only once a test subscriber has
 * subscribed again (as a broker with persistent sessions would have kept it subscribed); otherwise what an agent replays
 * the moment it reconnects could reach a broker with nobody listening yet.
 */
export async function startAedes(): Promise<TestBroker> {
  let broker: Aedes | undefined;
  let server: Server | undefined;
  let sockets = new Set<Socket>();
  let port = 0;
  const start = async (gated: boolean) => {
    let subscriberBack = !gated;
    broker = await Aedes.createBroker({
      preConnect: (_client, packet, callback) =>
        callback(null, subscriberBack || !packet.clientId.startsWith(CLIENT_ID_PREFIX)),
    });
    broker.on('subscribe', (_subs, client) => {
      if (!client.id.startsWith(CLIENT_ID_PREFIX)) subscriberBack = true;
    });
    const b = broker;
    server = createServer((socket) => b.handle(socket));
    sockets = trackSockets(server);
    port = await listen(server, port);
  };
  const stop = async () => {
    const b = broker;
    const s = server;
    broker = undefined;
    server = undefined;
    if (b) await new Promise<void>((r) => b.close(() => r()));
    for (const socket of sockets) socket.destroy();
    if (s) await new Promise((r) => s.close(r));
  };
  await start(false);
  return {
    name: 'aedes',
    get url() {
      return `mqtt://127.0.0.1:${port}`;
    },
    get directUrl() {
      return `mqtt://127.0.0.1:${port}`;
    },
    down: stop,
    up: () => start(true),
    close: stop,
  };
}

/**
 * The system's Mosquitto at 127.0.0.1:1883, reached by the agent through a TCP forwarder on a free port (bytes only, no
 * MQTT in between). `down()` closes the forwarder's port and cuts its connections, `up()` reopens it: to the agent
 * the broker disappears and comes back, while the real Mosquitto and the test subscriber connected to it directly stay
 * up.
 */
export async function startMosquitto(): Promise<TestBroker> {
  await new Promise<void>((resolve, reject) => {
    const probe = tcpConnect(MOSQUITTO_PORT, '127.0.0.1', () => {
      probe.destroy();
      resolve();
    });
    probe.on('error', (err) =>
      reject(new Error(`Mosquitto is not running at 127.0.0.1:${MOSQUITTO_PORT}: ${err.message}`)),
    );
  });
  let server: Server | undefined;
  let sockets = new Set<Socket>();
  let port = 0;
  const up = async () => {
    const s = createServer((client) => {
      const upstream = tcpConnect(MOSQUITTO_PORT, '127.0.0.1');
      sockets.add(upstream);
      upstream.on('close', () => sockets.delete(upstream));
      client.pipe(upstream).pipe(client);
      client.on('error', () => upstream.destroy());
      upstream.on('error', () => client.destroy());
      client.on('close', () => upstream.destroy());
      upstream.on('close', () => client.destroy());
    });
    sockets = trackSockets(s);
    server = s;
    port = await listen(s, port);
  };
  const down = async () => {
    const s = server;
    server = undefined;
    for (const socket of sockets) socket.destroy();
    if (s) await new Promise((r) => s.close(r));
  };
  await up();
  return {
    name: 'mosquitto',
    get url() {
      return `mqtt://127.0.0.1:${port}`;
    },
    directUrl: `mqtt://127.0.0.1:${MOSQUITTO_PORT}`,
    down,
    up,
    close: down,
  };
}

export const BROKERS: readonly { name: string; start: () => Promise<TestBroker> }[] = [
  { name: 'aedes', start: startAedes },
  // The machine's Mosquitto, when it is here (otherwise its suites are skipped, saying so).
  ...(MOSQUITTO_MISSING === undefined ? [{ name: 'mosquitto', start: startMosquitto }] : []),
];

/** Subscribes (QoS 1) to a device's telemetry and decodes every message; resubscribes after each reconnect. */
export class TelemetrySubscriber {
  readonly received: SignedTelemetry[] = [];
  /** The raw payloads, in arrival order. */
  readonly payloads: string[] = [];
  /** Topic, payload pairs that did not decode. */
  readonly rejected: string[] = [];
  private subscribed = false;

  private constructor(
    readonly client: MqttClient,
    readonly device: Address,
  ) {}

  static async connect(url: string, device: Address): Promise<TelemetrySubscriber> {
    const client = mqtt.connect(url, { clean: true, reconnectPeriod: 50, resubscribe: false, protocolVersion: 4 });
    const sub = new TelemetrySubscriber(client, device);
    client.on('error', () => {});
    client.on('close', () => (sub.subscribed = false));
    client.on('connect', () => {
      client.subscribe(telemetryTopic(device), { qos: 1 }, (err) => {
        if (!err) sub.subscribed = true;
      });
    });
    client.on('message', (topic, payload) => {
      sub.payloads.push(payload.toString('utf8'));
      try {
        sub.received.push(decodeTelemetry(payload, deviceOfTopic(topic)));
      } catch (err) {
        sub.rejected.push(`${topic} ${(err as Error).message}`);
      }
    });
    await sub.ready();
    return sub;
  }

  /** Resolves once subscribed on the current connection. */
  ready(timeoutMs = 10_000): Promise<void> {
    return waitFor(`subscription to ${telemetryTopic(this.device)}`, () => this.subscribed, timeoutMs);
  }

  /** Sequence numbers in arrival order. */
  get seqs(): number[] {
    return this.received.map((m) => m.message.seq);
  }

  /** Sequence numbers in arrival order without repeats (QoS 1 is at-least-once). */
  get distinctSeqs(): number[] {
    const seen = new Set<number>();
    return this.seqs.filter((s) => !seen.has(s) && seen.add(s));
  }

  waitForSeq(seq: number, timeoutMs = 10_000): Promise<void> {
    return waitFor(
      `seq ${seq} at the subscriber (have ${this.seqs.join(',')})`,
      () => this.seqs.includes(seq),
      timeoutMs,
    );
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.client.end(true, () => resolve()));
  }
}
