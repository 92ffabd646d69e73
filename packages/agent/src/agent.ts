// The node agent: every window it reads the meter, signs the window's Telemetry message with the device key, writes it
// to the outbox and publishes it (QoS 1) on the device's telemetry topic; it replays what the broker has not
// acknowledged and serves resend requests (docs/TELEMETRY.md section 1).
import mqtt, { type MqttClient } from 'mqtt';
import secp256k1 from 'secp256k1';
import { bytesToHex, hexToBytes, isAddress, type Address, type Hex } from 'viem';
import {
  addressOfPrivateKey,
  decodeReceipt,
  MAX_WINDOWS_PER_RECORD,
  receiptTopic,
  recoverSigner,
  receiptDigest,
  resendTopic,
  signDigest,
  telemetryTopic,
  TelemetryHasher,
  violationOf,
  type NodeLimits,
  type SignedTelemetry,
  type Telemetry,
} from '@greenhour/telemetry';
import { checkReading, DEFAULT_WINDOW_SECONDS, type MeterDriver } from './meter.ts';
import { Outbox, type OutboxEntry } from './outbox.ts';

export { DEFAULT_WINDOW_SECONDS };
/** MQTT client ids are this prefix and the device address: one session per device. */
export const CLIENT_ID_PREFIX = 'greenhour-agent-';
/** Publishes awaiting their PUBACK at once; the rest of a backlog follows as acknowledgements come in. */
export const DEFAULT_MAX_IN_FLIGHT = 100;
/** A resend request may span at most this many sequence numbers (a day of one-minute windows). */
export const MAX_RESEND_SPAN = 1440;
/** When the timer fires late, at most this many missed windows are caught up; older ones are skipped (and logged). */
export const MAX_CATCH_UP_WINDOWS = 60;
/**
 * An acknowledged window without a receipt this long after it ended is sent again: the ingest answers a window it
 * holds with its receipt again (a receipt published while the agent was offline is lost, its session being clean).
 */
export const RECEIPT_WAIT_SECONDS = 120;
/** At most this many windows are sent again for their receipts at each window tick. */
export const MAX_RECEIPT_REQUESTS = 20;

export interface NodeAgentOptions {
  /** The device key (32 bytes, or 0x hex); its address is the node's registered deviceSigner. */
  privateKey: Uint8Array | Hex;
  chainId: number;
  /** The AttestationOracle: the EIP-712 domain's verifyingContract. */
  verifyingContract: Address;
  meter: MeterDriver;
  /** mqtt://host:port (or mqtts://, ws://, wss://). */
  mqttUrl: string;
  outboxDir: string;
  /**
   * Window length in seconds; must divide 3600 so every window stays inside one hour slot, and give at most
   * `maxWindowsPerHour` windows an hour. Default 60.
   */
  windowSeconds?: number;
  /**
   * Default MAX_WINDOWS_PER_RECORD, the most windows a node-hour record may hold on chain. Only a test rig whose hours
   * are never attested raises it (to tick short windows on the real clock).
   */
  maxWindowsPerHour?: number;
  /** Current UTC time in seconds (default: the system clock). A window is signed only once it has ended. */
  clock?: () => number;
  /**
   * Seconds of `clock` per second of the system clock (default 1): the devnet's accelerated clock runs faster, and the
   * window timer waits accordingly.
   */
  clockSpeed?: number;
  /** The node's registered limits: a reading that breaks a physical bound is not signed (it would be slashable). */
  limits?: NodeLimits;
  /** How long acknowledged messages stay in the outbox for resend requests, seconds (default 7200). */
  retentionSeconds?: number;
  /** Delay between reconnection attempts, ms (default 1000). */
  reconnectPeriodMs?: number;
  maxInFlight?: number;
  /** Diagnostics, one line each (default: stderr). */
  log?: (line: string) => void;
  /** Called once per message when the broker acknowledges it. */
  onPublished?: (signed: SignedTelemetry) => void;
  /**
   * The attester account whose receipts are kept (the one committing the roots); receipts signed by another key are
   * ignored. Unset: any receipt that acknowledges the device's own window is kept, the first one per window.
   */
  attester?: Address;
}

export interface ResendRequest {
  fromSeq: number;
  toSeq: number;
}

/** Parses a resend request `{"fromSeq":n,"toSeq":m}`; throws naming what is wrong. */
export function parseResendRequest(payload: Uint8Array | string): ResendRequest {
  const text = typeof payload === 'string' ? payload : Buffer.from(payload).toString('utf8');
  if (text.length > 256) throw new Error(`payload of ${text.length} bytes (limit 256)`);
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw new Error('not JSON');
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new Error('not a JSON object');
  const keys = Object.keys(raw).sort().join(',');
  if (keys !== 'fromSeq,toSeq') throw new Error(`expected exactly the fields fromSeq and toSeq, got {${keys}}`);
  const { fromSeq, toSeq } = raw as Record<string, unknown>;
  for (const [name, v] of [
    ['fromSeq', fromSeq],
    ['toSeq', toSeq],
  ] as const)
    if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 1)
      throw new Error(`${name} must be a positive integer, got ${JSON.stringify(v)}`);
  const from = fromSeq as number;
  const to = toSeq as number;
  if (from > to) throw new Error(`fromSeq ${from} is after toSeq ${to}`);
  if (to - from + 1 > MAX_RESEND_SPAN) throw new Error(`span of ${to - from + 1} messages (limit ${MAX_RESEND_SPAN})`);
  return { fromSeq: from, toSeq: to };
}

const isoWindow = (start: number, end: number) =>
  `${new Date(start * 1000).toISOString().replace('.000Z', 'Z')}/${end - start}s`;

export class NodeAgent {
  readonly device: Address;
  readonly windowSeconds: number;
  readonly mqttUrl: string;
  readonly outbox: Outbox;
  private readonly key: Uint8Array;
  private readonly hasher: TelemetryHasher;
  private readonly meter: MeterDriver;
  private readonly clock: () => number;
  private readonly clockSpeed: number;
  private readonly limits: NodeLimits | undefined;
  private readonly reconnectPeriodMs: number;
  private readonly maxInFlight: number;
  private readonly log: (line: string) => void;
  private readonly onPublished: ((signed: SignedTelemetry) => void) | undefined;
  private client: MqttClient | undefined;
  /** seq → token of the publish awaiting its PUBACK on the current connection. */
  private readonly inFlight = new Map<number, number>();
  private publishToken = 0;
  private readonly waiters = new Map<number, (() => void)[]>();
  private tail: Promise<unknown> = Promise.resolve();
  private timer: NodeJS.Timeout | undefined;
  private firstWindow = 0;
  private stopped = false;
  private stopping: Promise<void> | undefined;
  private unreachableLogged = false;
  private readonly attester: Address | undefined;
  private foreignReceiptLogged = false;
  /** seq → clock second at which it was last sent again for its receipt. */
  private readonly receiptAsked = new Map<number, number>();

  /** Validates the options and opens (and locks) the outbox; the network is untouched until connect() or start(). */
  constructor(opts: NodeAgentOptions) {
    const key = typeof opts.privateKey === 'string' ? hexToBytes(opts.privateKey) : opts.privateKey;
    if (key.length !== 32 || !secp256k1.privateKeyVerify(key)) throw new Error('privateKey: not a valid secp256k1 key');
    if (!Number.isSafeInteger(opts.chainId) || opts.chainId < 1)
      throw new Error(`chainId: must be a positive integer, got ${opts.chainId}`);
    if (!isAddress(opts.verifyingContract, { strict: false }))
      throw new Error(`verifyingContract: not an address: ${String(opts.verifyingContract)}`);
    const windowSeconds = opts.windowSeconds ?? DEFAULT_WINDOW_SECONDS;
    if (!Number.isSafeInteger(windowSeconds) || windowSeconds < 1 || 3600 % windowSeconds !== 0)
      throw new Error(`windowSeconds: must be a whole divisor of 3600, got ${windowSeconds}`);
    // More windows an hour than a record may hold: the ingest would reject the hour's windows past the bound.
    const maxWindows = opts.maxWindowsPerHour ?? MAX_WINDOWS_PER_RECORD;
    if (3600 / windowSeconds > maxWindows)
      throw new Error(
        `windowSeconds: at least ${3600 / maxWindows} (at most ${maxWindows} windows an hour), got ${windowSeconds}`,
      );
    this.key = Uint8Array.from(key);
    this.device = addressOfPrivateKey(this.key);
    this.hasher = new TelemetryHasher({ chainId: opts.chainId, verifyingContract: opts.verifyingContract });
    this.windowSeconds = windowSeconds;
    this.meter = opts.meter;
    this.mqttUrl = opts.mqttUrl;
    this.clock = opts.clock ?? (() => Date.now() / 1000);
    this.clockSpeed = opts.clockSpeed ?? 1;
    if (!Number.isFinite(this.clockSpeed) || this.clockSpeed <= 0)
      throw new Error(`clockSpeed: must be a positive number, got ${opts.clockSpeed}`);
    this.limits = opts.limits;
    this.reconnectPeriodMs = opts.reconnectPeriodMs ?? 1000;
    this.maxInFlight = opts.maxInFlight ?? DEFAULT_MAX_IN_FLIGHT;
    this.log = opts.log ?? ((line) => process.stderr.write(`${line}\n`));
    this.onPublished = opts.onPublished;
    if (opts.attester !== undefined && !isAddress(opts.attester, { strict: false }))
      throw new Error(`attester: not an address: ${String(opts.attester)}`);
    this.attester = opts.attester?.toLowerCase() as Address | undefined;
    this.outbox = Outbox.open(opts.outboxDir, {
      device: this.device,
      ...(opts.retentionSeconds === undefined ? {} : { retentionSeconds: opts.retentionSeconds }),
      onWarning: (m) => this.log(`outbox: ${m}`),
    });
  }

  /** True while connected to the broker. */
  get connected(): boolean {
    return this.client?.connected === true;
  }

  /** Sequence number of the next window. */
  get nextSeq(): number {
    return this.outbox.nextSeq;
  }

  /**
   * Reads the meter for [windowStart, windowStart + windowSeconds), signs the window with the next sequence number,
   * appends it to the outbox (durable) and publishes it when connected. Calls are serialised. Rejects, consuming no
   * sequence number, when the window is not aligned, has not ended, overlaps the last one, or the reading is invalid or
   * physically impossible.
   */
  tickWindow(windowStart: number): Promise<SignedTelemetry> {
    const run = this.tail.then(() => this.tick(windowStart));
    this.tail = run.catch(() => {});
    return run;
  }

  private async tick(windowStart: number): Promise<SignedTelemetry> {
    if (this.stopped) throw new Error('agent: stopped');
    const w = this.windowSeconds;
    if (!Number.isSafeInteger(windowStart) || windowStart < 0 || windowStart % w !== 0)
      throw new Error(`window: start ${windowStart} is not a multiple of the ${w} s window`);
    const windowEnd = windowStart + w;
    const window = isoWindow(windowStart, windowEnd);
    if (windowEnd > this.clock()) throw new Error(`window ${window}: has not ended yet`);
    if (windowStart < this.outbox.lastWindowEnd)
      throw new Error(
        `window ${window}: already reported (the last reported window ended at ${this.outbox.lastWindowEnd})`,
      );
    let reading;
    try {
      reading = checkReading(await this.meter.read(windowStart, windowEnd), w);
    } catch (err) {
      throw new Error(`window ${window}: meter: ${(err as Error).message}`);
    }
    const message: Telemetry = { device: this.device, seq: this.outbox.nextSeq, windowStart, windowEnd, ...reading };
    if (this.limits) {
      const violation = violationOf(this.limits, message);
      if (violation !== 'None')
        throw new Error(
          `window ${window}: reading breaks the ${violation} bound, not signed: ${JSON.stringify(reading)}`,
        );
    }
    const signed: SignedTelemetry = { message, signature: signDigest(this.hasher.digest(message), this.key) };
    this.outbox.append(signed);
    this.pump();
    return signed;
  }

  /** Resolves once the broker has acknowledged `seq`. */
  acked(seq: number): Promise<void> {
    const held = this.outbox.get(seq);
    // Not held but already issued: compaction only drops acknowledged messages.
    if (held ? held.acked : seq < this.outbox.nextSeq) return Promise.resolve();
    return new Promise((resolve) => {
      const list = this.waiters.get(seq) ?? [];
      list.push(resolve);
      this.waiters.set(seq, list);
    });
  }

  /** Opens the MQTT connection (idempotent). While the broker is unreachable, windows go to the outbox. */
  connect(): void {
    if (this.client || this.stopped) return;
    const client = mqtt.connect(this.mqttUrl, {
      clientId: `${CLIENT_ID_PREFIX}${this.device}`,
      clean: true,
      protocolVersion: 4,
      keepalive: 30,
      connectTimeout: 10_000,
      reconnectPeriod: this.reconnectPeriodMs,
      // Subscriptions are renewed in our 'connect' handler; replay comes from the outbox, not mqtt.js's memory.
      resubscribe: false,
    });
    this.client = client;
    client.on('connect', () => {
      this.unreachableLogged = false;
      this.log(`mqtt: connected to ${this.mqttUrl} as ${this.device}; ${this.outbox.unackedSize} unacknowledged`);
      for (const topic of [resendTopic(this.device), receiptTopic(this.device)])
        client.subscribe(topic, { qos: 1 }, (err) => {
          if (err && !this.stopped) this.log(`mqtt: subscribe to ${topic} failed: ${err.message}`);
        });
      this.pump();
    });
    client.on('close', () => {
      // mqtt.js would resend its in-flight publishes first on reconnect; drop them so that the outbox alone replays,
      // in sequence order.
      for (const [id, out] of Object.entries(client.outgoing))
        if (out && (out as { cmd?: string }).cmd === 'publish') client.removeOutgoingMessage(Number(id));
      this.inFlight.clear();
    });
    client.on('offline', () => {
      if (this.stopped || this.unreachableLogged) return;
      this.unreachableLogged = true;
      this.log(`mqtt: lost ${this.mqttUrl}; retrying every ${this.reconnectPeriodMs} ms, windows go to the outbox`);
    });
    client.on('error', (err) => {
      if (this.stopped || this.unreachableLogged) return;
      this.unreachableLogged = true;
      this.log(
        `mqtt: ${this.mqttUrl} unreachable (${err.message}); retrying every ${this.reconnectPeriodMs} ms, windows go to the outbox`,
      );
    });
    client.on('message', (topic, payload) => this.onMessage(topic, payload));
  }

  /** Connects and ticks every window as it ends (timer aligned to the window grid of the clock). */
  start(): void {
    if (this.stopped) throw new Error('agent: stopped');
    if (this.timer) return;
    this.connect();
    const w = this.windowSeconds;
    this.firstWindow = Math.max(Math.floor(this.clock() / w) * w, this.outbox.lastWindowEnd);
    this.schedule();
  }

  /** Stops ticking, lets a tick in progress finish, gives in-flight publishes up to `drainMs` for their PUBACK, disconnects and closes the outbox. */
  stop(drainMs = 1000): Promise<void> {
    if (this.stopping) return this.stopping;
    this.stopped = true;
    clearTimeout(this.timer);
    this.timer = undefined;
    this.stopping = (async () => {
      await this.tail;
      const client = this.client;
      if (client) {
        const deadline = Date.now() + drainMs;
        while (this.inFlight.size > 0 && client.connected && Date.now() < deadline)
          await new Promise((r) => setTimeout(r, 10));
        const force = !client.connected || Object.keys(client.outgoing).length > 0;
        await new Promise<void>((resolve) => client.end(force, () => resolve()));
      }
      this.outbox.close();
    })();
    return this.stopping;
  }

  private schedule(): void {
    const w = this.windowSeconds;
    const now = this.clock();
    const boundary = (Math.floor(now / w) + 1) * w;
    // A few ms past the boundary, so that the clock has reached it when the timer fires.
    this.timer = setTimeout(() => this.onTimer(), Math.max(0, ((boundary - now) * 1000) / this.clockSpeed) + 5);
  }

  private onTimer(): void {
    if (this.stopped) return;
    const w = this.windowSeconds;
    const current = Math.floor(this.clock() / w) * w;
    let from = Math.max(this.firstWindow, this.outbox.lastWindowEnd);
    const oldest = current - MAX_CATCH_UP_WINDOWS * w;
    if (from < oldest) {
      this.log(`timer: ${(oldest - from) / w} missed windows from ${isoWindow(from, from + w)} skipped (too late)`);
      from = oldest;
    }
    for (let start = from; start < current; start += w) {
      this.tickWindow(start).catch((err: Error) => this.log(`tick: ${err.message}`));
    }
    this.firstWindow = Math.max(this.firstWindow, current);
    this.askForReceipts();
    this.schedule();
  }

  /** Windows acknowledged by the broker whose receipt has not come: sent again, a few at a time (see RECEIPT_WAIT_SECONDS). */
  askForReceipts(): number {
    const client = this.client;
    if (!client || !client.connected || this.stopped) return 0;
    const now = this.clock();
    let asked = 0;
    for (const entry of this.outbox.unreceipted()) {
      if (asked >= MAX_RECEIPT_REQUESTS) break;
      const m = entry.signed.message;
      if (m.windowEnd > now - RECEIPT_WAIT_SECONDS) break;
      // The hour is attested once it ended and its grace passed; the ingest takes no window of it then.
      if (Math.floor(m.windowStart / 3600) < Math.floor((now - RECEIPT_WAIT_SECONDS) / 3600) - 1) continue;
      if ((this.receiptAsked.get(entry.seq) ?? -Infinity) > now - RECEIPT_WAIT_SECONDS) continue;
      this.receiptAsked.set(entry.seq, now);
      this.publish(client, entry, false);
      asked++;
    }
    return asked;
  }

  /** Keeps a receipt that acknowledges one of this device's held windows (signed by the attester, when it is set). */
  private onReceipt(payload: Uint8Array): void {
    let signed;
    try {
      signed = decodeReceipt(payload);
    } catch (err) {
      this.log(`receipt: ignored a bad receipt: ${(err as Error).message}`);
      return;
    }
    const r = signed.receipt;
    const entry = this.outbox.get(r.seq);
    if (!entry || entry.receipt) return;
    const m = entry.signed.message;
    if (r.digest !== bytesToHex(this.hasher.digest(m)) || r.slot !== Math.floor(m.windowStart / 3600)) {
      this.log(`receipt: ignored a receipt of seq ${r.seq} that does not acknowledge this device's window`);
      return;
    }
    const signer = recoverSigner(hexToBytes(receiptDigest(this.hasher.domain, r)), signed.signature);
    if (signer === undefined || (this.attester !== undefined && signer.toLowerCase() !== this.attester)) {
      if (!this.foreignReceiptLogged)
        this.log(
          `receipt: ignored a receipt of seq ${r.seq} signed by ${signer ?? 'nobody'}, not the attester ${this.attester}`,
        );
      this.foreignReceiptLogged = true;
      return;
    }
    this.outbox.addReceipt(signed);
    this.receiptAsked.delete(r.seq);
  }

  /** Publishes unacknowledged messages in sequence order, up to maxInFlight awaiting a PUBACK. */
  private pump(): void {
    const client = this.client;
    if (!client || !client.connected || this.stopped) return;
    if (this.inFlight.size >= this.maxInFlight) return;
    for (const entry of this.outbox.unacked()) {
      if (this.inFlight.size >= this.maxInFlight) break;
      if (!this.inFlight.has(entry.seq)) this.publish(client, entry, true);
    }
  }

  private publish(client: MqttClient, entry: OutboxEntry, tracked: boolean): void {
    const token = ++this.publishToken;
    if (tracked) this.inFlight.set(entry.seq, token);
    client.publish(telemetryTopic(this.device), entry.payload, { qos: 1 }, (err) => {
      if (tracked && this.inFlight.get(entry.seq) === token) this.inFlight.delete(entry.seq);
      if (err) {
        // 'Message removed': the connection closed first; the outbox replays it on reconnect.
        if (err.message !== 'Message removed' && !this.stopped)
          this.log(`mqtt: publish of seq ${entry.seq} failed: ${err.message}`);
        return;
      }
      if (this.outbox.ack(entry.seq)) {
        this.onPublished?.(entry.signed);
        for (const resolve of this.waiters.get(entry.seq) ?? []) resolve();
        this.waiters.delete(entry.seq);
      }
      // Refill the window in batches rather than per acknowledgement.
      if (this.inFlight.size <= this.maxInFlight / 2) this.pump();
    });
  }

  private onMessage(topic: string, payload: Uint8Array): void {
    if (this.stopped) return;
    if (topic === receiptTopic(this.device)) return this.onReceipt(payload);
    if (topic !== resendTopic(this.device)) return;
    const client = this.client;
    if (!client) return;
    let request: ResendRequest;
    try {
      request = parseResendRequest(payload);
    } catch (err) {
      const preview = Buffer.from(payload).toString('utf8').slice(0, 80);
      this.log(`resend: ignored bad request ${JSON.stringify(preview)}: ${(err as Error).message}`);
      return;
    }
    const entries = this.outbox.range(request.fromSeq, request.toSeq);
    const issued = Math.min(request.toSeq, this.outbox.nextSeq - 1) - request.fromSeq + 1;
    const missing = Math.max(0, issued) - entries.length;
    this.log(
      `resend: seq ${request.fromSeq}..${request.toSeq}: republishing ${entries.length}` +
        (missing > 0 ? `, ${missing} no longer held (past retention)` : ''),
    );
    for (const entry of entries) this.publish(client, entry, false);
  }
}
