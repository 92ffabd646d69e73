// The MQTT shell of ingest: one persistent session (clean session off) subscribed to every node's telemetry at QoS 1,
// so that the broker keeps messages for the coordinator while it restarts. A window is acknowledged (PUBACK) only once
// the ingest has committed what it changed, in the order received (MQTT 4.6): a crash loses nothing the broker counts
// as delivered. mqtt.js cannot do that without handling one message at a time (it reads the next packet only after
// the previous one's acknowledgement is sent), so the receiving session is this small client over mqtt-packet, the
// codec mqtt.js and aedes use; what the coordinator publishes (resend requests, receipts) goes through mqtt.js on a
// second connection. Back-pressure: at most `maxInFlight` windows are received and not yet acknowledged; beyond
// that the socket stops being read, so the broker (or TCP) holds the rest and memory stays bounded.
import { connect as tcpConnect, type Socket } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import mqttPacket, { type Packet } from 'mqtt-packet';
import mqtt, { type MqttClient } from 'mqtt';
import { TELEMETRY_FILTER, resendTopic } from '@greenhour/telemetry';
import type { Address } from 'viem';
import type { Gap, Ingest, StoredWindow } from './ingest.ts';
import type { WindowInput } from './check.ts';

export interface Subscriber {
  requestResend(gap: Gap): void;
  /**
   * Signs a receipt for each stored window with the attester key (the account that commits the hour's root) and
   * publishes it to the window's device at QoS 1 (docs/TELEMETRY.md section 5).
   */
  sendReceipts(windows: readonly StoredWindow[], attesterKey: Uint8Array): void;
  /** Windows received and not yet acknowledged. */
  inFlight(): number;
  /** Stops reading, waits (up to 10 s) for what was received to be stored and acknowledged, then disconnects. */
  close(): Promise<void>;
  /** Drops the connection without a DISCONNECT, as a killed process would. */
  kill(): void;
}

export interface SubscribeOptions {
  mqttUrl: string;
  clientId?: string;
  onError?: (err: Error) => void;
  /** Called on every (re)connection once the subscription is in place. */
  onConnect?: () => void;
  protocolVersion?: 4 | 5;
  /** Windows received and not yet acknowledged before the socket stops being read; default DEFAULT_MAX_IN_FLIGHT. */
  maxInFlight?: number;
  /**
   * What this session subscribes to: every node's telemetry by default; one partition's device topics when several
   * ingest processes share the fleet (partition.ts, docs/ARCHITECTURE.md "Scaling out").
   */
  filters?: readonly string[];
}

/** ~10 MB of payloads at the 2 KB limit; at 10,000 windows/s a second and a half of work. */
export const DEFAULT_MAX_IN_FLIGHT = 16_384;
/** Windows handed to the ingest at once (the check pool splits them into tasks). */
const MAX_SUBMIT = 1_024;
const KEEPALIVE_S = 30;
const RECONNECT_MS = 500;
const CONNECT_TIMEOUT_MS = 10_000;
const CLOSE_WAIT_MS = 10_000;

export async function subscribeTelemetry(ingest: Ingest, options: SubscribeOptions): Promise<Subscriber> {
  let url: URL;
  try {
    url = new URL(options.mqttUrl);
  } catch {
    throw new Error(`MQTT_URL: not a URL: ${options.mqttUrl}`);
  }
  if (url.protocol !== 'mqtt:' && url.protocol !== 'mqtts:')
    throw new Error(`MQTT_URL: must be an mqtt:// or mqtts:// URL, got ${url.protocol}`);
  const maxInFlight = options.maxInFlight ?? DEFAULT_MAX_IN_FLIGHT;
  if (!Number.isSafeInteger(maxInFlight) || maxInFlight < 1 || maxInFlight > 65_535)
    throw new Error(`maxInFlight: must be a whole number 1..65535, got ${String(maxInFlight)}`);
  const protocolVersion = options.protocolVersion ?? 5;
  const clientId = options.clientId ?? 'greenhour-coordinator';
  const filters = options.filters ?? [TELEMETRY_FILTER];
  if (filters.length === 0) throw new Error('filters: must name at least one topic filter');
  const session = new ReceivingSession(ingest, url, { ...options, protocolVersion, clientId, maxInFlight, filters });
  const out = mqtt.connect(options.mqttUrl, {
    clientId: `${clientId}-out`,
    clean: true,
    protocolVersion,
    reconnectPeriod: RECONNECT_MS,
    connectTimeout: 5_000,
  });
  out.on('error', (err) => options.onError?.(err));
  try {
    await Promise.all([session.start(), connected(out, options.mqttUrl)]);
  } catch (err) {
    session.kill();
    out.end(true);
    throw err;
  }
  return {
    requestResend(gap) {
      out.publish(resendTopic(gap.device as Address), JSON.stringify({ fromSeq: gap.fromSeq, toSeq: gap.toSeq }), {
        qos: 1,
      });
    },
    sendReceipts(windows, attesterKey) {
      if (windows.length === 0) return;
      // Signed in the ingest's domain (its check pool's), the oracle's: on worker threads when the pool has them.
      ingest.checks.receipts(windows, attesterKey).then(
        (messages) => {
          for (const m of messages) out.publish(m.topic, m.payload, { qos: 1 });
        },
        (err: Error) => options.onError?.(new Error(`receipts not signed: ${err.message}`)),
      );
    },
    inFlight: () => session.inFlight,
    async close() {
      await session.close();
      await new Promise<void>((resolve) => out.end(false, {}, () => resolve()));
    },
    kill() {
      session.kill();
      out.end(true);
    },
  };
}

function connected(client: MqttClient, mqttUrl: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`MQTT_URL: no broker answered at ${mqttUrl}`)), CONNECT_TIMEOUT_MS);
    client.once('connect', () => {
      clearTimeout(timer);
      resolve();
    });
  });
}

interface SessionOptions {
  filters: readonly string[];
  protocolVersion: 4 | 5;
  clientId: string;
  maxInFlight: number;
  onError?: (err: Error) => void;
  onConnect?: () => void;
}

/** CONNACK return codes (3.1.1) and reason codes (5) a broker refuses with. */
const REFUSED: Record<number, string> = {
  1: 'unacceptable protocol version',
  2: 'client identifier rejected',
  3: 'server unavailable',
  4: 'bad user name or password',
  5: 'not authorized',
  0x84: 'unsupported protocol version',
  0x85: 'client identifier not valid',
  0x86: 'bad user name or password',
  0x87: 'not authorized',
  0x88: 'server unavailable',
  0x89: 'server busy',
  0x8a: 'banned',
};

/**
 * PUBACK for `messageId` at `at`: fixed header 0x40, remaining length 2, the identifier (MQTT 3.1.1 3.4; in MQTT 5
 * the same four bytes mean reason code 0, success, no properties: 3.4.2.1). Returns the next offset.
 */
export function writePuback(out: Buffer, at: number, messageId: number): number {
  out[at] = 0x40;
  out[at + 1] = 2;
  out.writeUInt16BE(messageId, at + 2);
  return at + 4;
}

class ReceivingSession {
  inFlight = 0;
  private socket: Socket | undefined;
  private closing = false;
  private chunk: WindowInput[] = [];
  private chunkIds: (number | undefined)[] = [];
  private dispatchScheduled = false;
  /** Acknowledgements go out in the order the windows came in. */
  private acks: Promise<void> = Promise.resolve();
  private pingTimer: NodeJS.Timeout | undefined;
  private reconnectTimer: NodeJS.Timeout | undefined;
  private ready: { resolve: () => void; reject: (err: Error) => void } | undefined;

  constructor(
    private readonly ingest: Ingest,
    private readonly url: URL,
    private readonly options: SessionOptions,
  ) {}

  start(): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`MQTT_URL: no broker answered at ${this.url.href}`)),
        CONNECT_TIMEOUT_MS,
      );
      this.ready = {
        resolve: () => (clearTimeout(timer), resolve()),
        reject: (err) => (clearTimeout(timer), reject(err)),
      };
      this.connect();
    });
  }

  private connect(): void {
    const port = Number(this.url.port || (this.url.protocol === 'mqtts:' ? 8883 : 1883));
    const host = this.url.hostname;
    const socket =
      this.url.protocol === 'mqtts:' ? tlsConnect({ host, port, servername: host }) : tcpConnect({ host, port });
    socket.setNoDelay(true);
    this.socket = socket;
    const { protocolVersion } = this.options;
    const parser = mqttPacket.parser({ protocolVersion });
    parser.on('packet', (packet: Packet) => this.onPacket(socket, packet));
    parser.on('error', (err: Error) =>
      this.fail(socket, new Error(`mqtt: malformed packet from the broker: ${err.message}`)),
    );
    socket.on('data', (data: Buffer) => parser.parse(data));
    socket.on('error', (err) => this.options.onError?.(err));
    socket.on('close', () => this.onClose(socket));
    const username = decodeURIComponent(this.url.username);
    const password = decodeURIComponent(this.url.password);
    socket.once(this.url.protocol === 'mqtts:' ? 'secureConnect' : 'connect', () =>
      this.write(socket, {
        cmd: 'connect',
        protocolId: 'MQTT',
        protocolVersion,
        clean: false,
        clientId: this.options.clientId,
        keepalive: KEEPALIVE_S,
        ...(username ? { username } : {}),
        ...(password ? { password: Buffer.from(password) } : {}),
        // Receive Maximum bounds what the broker sends ahead of our acknowledgements (MQTT 5; aedes speaks 3.1.1
        // only, and there the paused socket bounds it).
        ...(protocolVersion === 5
          ? { properties: { sessionExpiryInterval: 86_400, receiveMaximum: this.options.maxInFlight } }
          : {}),
      }),
    );
  }

  private onPacket(socket: Socket, packet: Packet): void {
    if (socket !== this.socket) return;
    switch (packet.cmd) {
      case 'connack': {
        const code = packet.reasonCode ?? packet.returnCode ?? 0;
        if (code !== 0)
          return this.fail(
            socket,
            new Error(`MQTT_URL: the broker refused the connection: ${REFUSED[code] ?? `code ${code}`}`),
          );
        // A resumed session keeps its subscription; a new one (first start, or a broker that lost it) subscribes.
        if (packet.sessionPresent) return this.connected(socket);
        this.write(socket, {
          cmd: 'subscribe',
          messageId: 1,
          subscriptions: this.options.filters.map((topic) => ({ topic, qos: 1 as const })),
        });
        return;
      }
      case 'suback': {
        const refused = this.options.filters.filter((_, i) => {
          const granted = packet.granted[i];
          return typeof granted !== 'number' || granted >= 0x80;
        });
        if (refused.length > 0)
          return this.fail(socket, new Error(`mqtt: the broker refused the subscription to ${refused.join(', ')}`));
        return this.connected(socket);
      }
      case 'publish': {
        this.chunk.push({ topic: packet.topic, payload: packet.payload as Buffer });
        this.chunkIds.push(packet.qos > 0 ? packet.messageId : undefined);
        this.inFlight++;
        if (this.inFlight >= this.options.maxInFlight) socket.pause();
        if (this.chunk.length >= MAX_SUBMIT) this.dispatch(socket);
        else if (!this.dispatchScheduled) {
          this.dispatchScheduled = true;
          setImmediate(() => this.dispatch(socket));
        }
        return;
      }
      case 'disconnect':
        return this.fail(socket, new Error(`mqtt: the broker disconnected (reason ${packet.reasonCode ?? 0})`));
      default:
        return; // pingresp; nothing else is sent to a subscriber that publishes nothing on this connection
    }
  }

  private connected(socket: Socket): void {
    clearInterval(this.pingTimer);
    this.pingTimer = setInterval(() => this.write(socket, { cmd: 'pingreq' }), (KEEPALIVE_S * 1000) / 2);
    this.pingTimer.unref();
    this.options.onConnect?.();
    this.ready?.resolve();
    this.ready = undefined;
  }

  private dispatch(socket: Socket): void {
    this.dispatchScheduled = false;
    if (this.chunk.length === 0) return;
    const inputs = this.chunk;
    const ids = this.chunkIds;
    this.chunk = [];
    this.chunkIds = [];
    const { stored } = this.ingest.submit(inputs);
    this.acks = this.acks
      .then(() => stored)
      .then(
        () => this.acknowledge(socket, ids),
        (err: Error) => {
          // Not acknowledged: a new connection makes the broker deliver them again.
          this.inFlight -= ids.length;
          this.fail(socket, new Error(`ingest: ${ids.length} windows not stored (${err.message}); reconnecting`));
        },
      );
  }

  private acknowledge(socket: Socket, ids: readonly (number | undefined)[]): void {
    this.inFlight -= ids.length;
    // Packet identifiers belong to the connection they arrived on: the broker sends the rest again after a reconnect.
    if (socket === this.socket && !socket.destroyed) {
      const out = Buffer.allocUnsafe(4 * ids.length);
      let at = 0;
      for (const messageId of ids) if (messageId !== undefined) at = writePuback(out, at, messageId);
      if (at > 0) socket.write(out.subarray(0, at));
    }
    if (this.inFlight < this.options.maxInFlight / 2 && socket.isPaused() && !this.closing) socket.resume();
  }

  private write(socket: Socket, packet: Packet): void {
    if (socket.destroyed) return;
    socket.write(mqttPacket.generate(packet, { protocolVersion: this.options.protocolVersion }));
  }

  private fail(socket: Socket, err: Error): void {
    if (this.ready) {
      this.ready.reject(err);
      this.ready = undefined;
      this.closing = true;
    } else this.options.onError?.(err);
    socket.destroy();
  }

  private onClose(socket: Socket): void {
    if (socket !== this.socket) return;
    clearInterval(this.pingTimer);
    // What was received on this connection and not acknowledged comes again on the next.
    if (this.closing) return;
    this.options.onError?.(new Error('mqtt: connection to the broker lost; reconnecting'));
    this.reconnectTimer = setTimeout(() => this.connect(), RECONNECT_MS);
  }

  async close(): Promise<void> {
    this.closing = true;
    clearTimeout(this.reconnectTimer);
    const socket = this.socket;
    if (socket === undefined || socket.destroyed) return;
    socket.pause();
    this.dispatch(socket);
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([this.acks, new Promise((r) => (timer = setTimeout(r, CLOSE_WAIT_MS)))]);
    clearTimeout(timer);
    clearInterval(this.pingTimer);
    this.write(socket, { cmd: 'disconnect' });
    await new Promise<void>((resolve) => socket.end(() => resolve()));
    socket.destroy();
  }

  kill(): void {
    this.closing = true;
    clearTimeout(this.reconnectTimer);
    clearInterval(this.pingTimer);
    this.chunk = [];
    this.chunkIds = [];
    const socket = this.socket;
    this.socket = undefined;
    socket?.destroy();
  }
}
