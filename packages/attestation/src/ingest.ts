// Telemetry ingest: every signed window from MQTT is checked (wire format, registered device, signature, clock,
// physical bounds, sequence) and either stored or rejected and counted by reason. The stateless checks (wire format,
// digest, signature) of a batch run on worker threads (checkPool.ts); the stateful ones then run one message at a time
// in arrival order. Accepted windows are written in batches, each batch in one transaction together with the device
// state, the open gaps and the rejection counters it changed. A message counts as stored only once that transaction
// has committed (`submit`'s `stored`): the MQTT shell acknowledges it then, so a crash loses nothing the broker
// believes delivered, and the broker sends the unacknowledged messages again.
import type { Hex } from 'viem';
import {
  TelemetryHasher,
  slotOf,
  MAX_WINDOWS_PER_RECORD,
  SECONDS_PER_SLOT,
  violationOf,
  type Telemetry,
  type Violation,
} from '@greenhour/telemetry';
import type { Database, Sql } from '@greenhour/store';
import type { NodeDirectory } from './directory.ts';
import type { CheckedWindow, WindowInput } from './check.ts';
import { CheckPool } from './checkPool.ts';

export const REJECTIONS = [
  'oversized',
  'malformed',
  'topic_mismatch',
  'unregistered_device',
  'bad_signature',
  'future_window',
  'late_window',
  'replay',
  'seq_reused',
  'out_of_order',
  'window_overlap',
  'impossible_window',
  'impossible_pv',
  'impossible_battery_in',
  'impossible_battery_out',
  'impossible_gpu',
  'impossible_ev',
  'impossible_uptime',
  'impossible_energy_balance',
  'impossible_battery_soc',
  'too_many_windows',
] as const;
export type Rejection = (typeof REJECTIONS)[number];

const IMPOSSIBLE: Record<Exclude<Violation, 'None'>, Rejection> = {
  Window: 'impossible_window',
  Pv: 'impossible_pv',
  BatteryIn: 'impossible_battery_in',
  BatteryOut: 'impossible_battery_out',
  Gpu: 'impossible_gpu',
  Ev: 'impossible_ev',
  Uptime: 'impossible_uptime',
  EnergyBalance: 'impossible_energy_balance',
  BatterySoc: 'impossible_battery_soc',
};

/** A window may end this far past the coordinator's clock: NTP-synchronised clocks agree to well under a second. */
export const MAX_CLOCK_SKEW_S = 60;
/**
 * Before the first window seen from a device, at most this many are asked for again: an agent keeps two hours of
 * windows for resends (packages/agent DEFAULT_RETENTION_SECONDS), 120 at the default one-minute window.
 */
export const MAX_INITIAL_GAP_WINDOWS = 120;
/** Open gaps are asked for again this often. */
const RESEND_RETRY_MS = 5_000;
/** Accepted messages are written when this many are waiting, or every FLUSH_INTERVAL_MS. */
const FLUSH_BATCH = 2_000;
const FLUSH_INTERVAL_MS = 50;

interface DeviceState {
  nodeId: number;
  lastSeq: number;
  lastWindowEnd: number;
}

/** Sequence numbers [fromSeq, toSeq] not received, between windows ending at afterWindowEnd and starting at beforeWindowStart. */
export interface Gap {
  device: string;
  fromSeq: number;
  toSeq: number;
  afterWindowEnd: number;
  beforeWindowStart: number;
}

interface Accepted {
  message: Telemetry;
  nodeId: number;
  signature: Hex;
  digest: Hex;
}

/** A window in the database: what a receipt acknowledges (docs/TELEMETRY.md section 5). */
export interface StoredWindow {
  device: string;
  nodeId: number;
  seq: number;
  slot: number;
  /** EIP-712 digest of the device's Telemetry message. */
  digest: Hex;
}

const storedWindow = (a: Accepted): StoredWindow => ({
  device: a.message.device,
  nodeId: a.nodeId,
  seq: a.message.seq,
  slot: slotOf(a.message.windowStart),
  digest: a.digest,
});

export interface IngestOptions {
  db: Database;
  directory: NodeDirectory;
  hasher: TelemetryHasher;
  /**
   * Where the stateless checks run: a pool of worker threads in the service; by default they run on the calling
   * thread. Its domain must be the hasher's.
   */
  checks?: CheckPool;
  /** UTC seconds. */
  now?: () => number;
  /** Called for each new gap, and again every few seconds while it is open, to ask the device to send it again. */
  onGap?: (gap: Gap) => void;
  onReject?: (reason: Rejection, detail: string) => void;
  /** How often open gaps are asked for again; default RESEND_RETRY_MS. */
  resendRetryMs?: number;
  /**
   * Called with the windows of each batch once its transaction has committed (never before: a receipt promises the
   * window is in the hour's record), and with a stored window again when its device sends it again (a device that
   * missed the receipt asks for it that way).
   */
  onStored?: (windows: StoredWindow[]) => void;
  onStoredError?: (err: Error) => void;
}

export interface IngestStats {
  accepted: number;
  rejected: Partial<Record<Rejection, number>>;
  openGaps: number;
  devices: number;
}

export class Ingest {
  /** Where the stateless checks and the receipts' signatures are computed. */
  readonly checks: CheckPool;
  private readonly devices = new Map<string, DeviceState>();
  private readonly gaps = new Map<string, Gap[]>();
  private pending: Accepted[] = [];
  private pendingBySeq = new Map<string, Accepted>();
  private pendingRejections = new Map<Rejection, number>();
  private touched = new Set<string>();
  /** Resolved when the next flush commits, with what is pending now. */
  private storedWaiters: (() => void)[] = [];
  /** Accepted windows per `${device}:${slot}`, stored or pending: loaded from the database at a key's first use. */
  private slotWindows = new Map<string, number>();
  private readonly rejectedTotals = new Map<Rejection, number>();
  private acceptedTotal = 0;
  /** Highest slot whose records are built: windows in it or before are late. */
  private closedSlot = -1;
  private queue: Promise<void> = Promise.resolve();
  private flushing: Promise<void> | undefined;
  private timer: NodeJS.Timeout | undefined;
  private resendTimer: NodeJS.Timeout | undefined;
  private readonly now: () => number;

  constructor(private readonly options: IngestOptions) {
    this.now = options.now ?? (() => Math.floor(Date.now() / 1000));
    const { domain } = options.hasher;
    if (
      options.checks !== undefined &&
      (options.checks.domain.chainId !== domain.chainId ||
        options.checks.domain.verifyingContract.toLowerCase() !== domain.verifyingContract.toLowerCase())
    )
      throw new Error('checks: the check pool signs and verifies in another domain than the hasher');
    this.checks = options.checks ?? new CheckPool({ domain, threads: 0 });
  }

  /** Loads device state, open gaps and counters from the database. */
  async start(): Promise<void> {
    const { db } = this.options;
    for (const row of await db.query<{ device: string; node_id: number; last_seq: number; last_window_end: number }>(
      'SELECT device, node_id, last_seq, last_window_end FROM device_state',
    ))
      this.devices.set(row.device, {
        nodeId: Number(row.node_id),
        lastSeq: Number(row.last_seq),
        lastWindowEnd: Number(row.last_window_end),
      });
    for (const row of await db.query<Record<string, unknown>>(
      'SELECT * FROM telemetry_gaps ORDER BY device, from_seq',
    )) {
      const gap: Gap = {
        device: String(row.device),
        fromSeq: Number(row.from_seq),
        toSeq: Number(row.to_seq),
        afterWindowEnd: Number(row.after_window_end),
        beforeWindowStart: Number(row.before_window_start),
      };
      this.gaps.set(gap.device, [...(this.gaps.get(gap.device) ?? []), gap]);
    }
    for (const row of await db.query<{ reason: Rejection; count: number }>(
      'SELECT reason, count FROM telemetry_rejections',
    ))
      this.rejectedTotals.set(row.reason, Number(row.count));
    const [accepted] = await db.query<{ n: number }>('SELECT count(*)::bigint AS n FROM telemetry_messages');
    this.acceptedTotal = Number(accepted?.n ?? 0);
    const [closed] = await db.query<{ slot: number | null }>('SELECT max(slot) AS slot FROM attestations');
    this.closedSlot = closed?.slot == null ? -1 : Number(closed.slot);
    if (this.closedSlot >= 0) this.markClosed(this.closedSlot);
    this.timer = setInterval(() => void this.flush().catch(() => {}), FLUSH_INTERVAL_MS);
    this.timer.unref();
    // A resend request can be lost (the device was offline, or subscribed again only after it was sent), and gaps
    // loaded from the database were asked for by an earlier process: ask again until the gap fills or its hour closes.
    this.resendTimer = setInterval(() => {
      for (const gap of this.openGaps()) this.options.onGap?.(gap);
    }, this.options.resendRetryMs ?? RESEND_RETRY_MS);
    this.resendTimer.unref();
  }

  /** Queues one MQTT message; resolves once it is checked (not necessarily written). */
  handle(topic: string, payload: Uint8Array | string): Promise<void> {
    return this.submit([{ topic, payload: typeof payload === 'string' ? Buffer.from(payload) : payload }]).checked;
  }

  /**
   * Queues MQTT messages in arrival order. Their stateless checks start at once (on the pool's threads, beside the
   * batches before them); `checked` resolves once each has been through the stateful checks, `stored` once everything
   * they changed (the windows, device state, gaps, rejection counts) is committed. `stored` rejects when a check or
   * the write failed: the messages are then not acknowledged, and the broker delivers them again.
   */
  submit(inputs: readonly WindowInput[]): { checked: Promise<void>; stored: Promise<void> } {
    const results = this.checks.check(inputs);
    results.catch(() => {}); // reported through `checked` below, once the queue reaches this batch
    const run = this.queue.then(async () => {
      const checked = await results;
      for (const c of checked) await this.apply(c);
      return { stored: this.committed() };
    });
    this.queue = run.then(
      () => {},
      () => {},
    );
    const checked = run.then(() => {});
    const stored = run.then((r) => r.stored);
    // A caller may await only one of them; the failure is reported through both.
    checked.catch(() => {});
    stored.catch(() => {});
    return { checked, stored };
  }

  /** Resolves once what is pending now is committed (at once when nothing is). */
  private committed(): Promise<void> {
    if (this.pending.length === 0 && this.pendingRejections.size === 0 && this.touched.size === 0)
      // What changed is in the flush under way, or committed; a failed flush puts it back in pending.
      return (
        this.flushing?.then(
          () => {},
          () => this.committed(),
        ) ?? Promise.resolve()
      );
    return new Promise<void>((resolve) => this.storedWaiters.push(resolve));
  }

  /** Waits for every queued message, then writes what is pending. */
  async drain(): Promise<void> {
    await this.queue;
    await this.flush();
  }

  /**
   * Runs `fn` with every queued message checked and written and no message processed meanwhile; the attester closes
   * hours inside it so that no window of a closing hour is accepted after its records are built.
   */
  exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.queue.then(async () => {
      await this.flush();
      return fn();
    });
    this.queue = run.then(
      () => {},
      () => {},
    );
    return run;
  }

  /**
   * Called inside `exclusive` by the attester: windows in `slot` and earlier are late from now on, so gaps that lie
   * wholly in them can no longer be filled and are dropped (the record of the hour shows what arrived).
   */
  markClosed(slot: number): void {
    this.closedSlot = Math.max(this.closedSlot, slot);
    for (const key of this.slotWindows.keys())
      if (Number(key.split(':')[1]) <= this.closedSlot) this.slotWindows.delete(key);
    const closedEnd = (this.closedSlot + 1) * SECONDS_PER_SLOT;
    for (const [device, gaps] of this.gaps) {
      const open = gaps.filter((g) => g.beforeWindowStart > closedEnd);
      if (open.length === gaps.length) continue;
      if (open.length === 0) this.gaps.delete(device);
      else this.gaps.set(device, open);
      this.touched.add(device);
    }
  }

  /** What a crash does: stop at once, dropping what is not written yet (tests use it to stand in for a kill). */
  abort(): void {
    clearInterval(this.timer);
    clearInterval(this.resendTimer);
    this.timer = undefined;
    this.pending = [];
    this.pendingBySeq = new Map();
    this.pendingRejections = new Map();
    this.touched = new Set();
    this.storedWaiters = [];
    this.slotWindows = new Map();
    this.queue = new Promise(() => {});
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    clearInterval(this.resendTimer);
    this.timer = undefined;
    await this.drain();
  }

  stats(): IngestStats {
    const rejected: Partial<Record<Rejection, number>> = {};
    for (const [reason, n] of this.rejectedTotals) rejected[reason] = n;
    let openGaps = 0;
    for (const list of this.gaps.values()) openGaps += list.length;
    return { accepted: this.acceptedTotal, rejected, openGaps, devices: this.devices.size };
  }

  openGaps(): Gap[] {
    return [...this.gaps.values()].flat();
  }

  /** What is stored stays stored: a failing listener is reported and does not undo the batch. */
  private notifyStored(windows: StoredWindow[]): void {
    try {
      this.options.onStored?.(windows);
    } catch (err) {
      this.options.onStoredError?.(err as Error);
    }
  }

  private reject(reason: Rejection, detail: string): void {
    this.rejectedTotals.set(reason, (this.rejectedTotals.get(reason) ?? 0) + 1);
    this.pendingRejections.set(reason, (this.pendingRejections.get(reason) ?? 0) + 1);
    this.options.onReject?.(reason, detail);
  }

  private async apply(c: CheckedWindow): Promise<void> {
    if (c.kind === 'rejected') return this.reject(c.reason, c.detail);
    const { message: m, signature, digest } = c;
    const node = await this.options.directory.lookup(m.device);
    if (node === undefined) return this.reject('unregistered_device', `${m.device} is not a registered device signer`);
    if (!c.signedByDevice)
      return this.reject('bad_signature', `${m.device} seq ${m.seq}: signature is not by the device`);
    if (m.windowEnd > this.now() + MAX_CLOCK_SKEW_S)
      return this.reject('future_window', `${m.device} seq ${m.seq}: window ends at ${m.windowEnd}, in the future`);
    const violation = violationOf(node.limits, m);
    if (violation !== 'None')
      return this.reject(IMPOSSIBLE[violation], `${m.device} seq ${m.seq}: violates the ${violation} bound`);
    if (slotOf(m.windowStart) <= this.closedSlot)
      return this.reject('late_window', `${m.device} seq ${m.seq}: hour ${slotOf(m.windowStart)} is already attested`);

    const state = this.devices.get(m.device);
    const accepted: Accepted = { message: m, nodeId: node.nodeId, signature, digest };
    // A device never heard from is treated as one whose sequence ended just before what its agent can still resend:
    // its windows before this one (lost with a crashed coordinator's unwritten batch, say) become a gap like any other.
    const last = state ?? {
      nodeId: node.nodeId,
      lastSeq: Math.max(0, m.seq - 1 - MAX_INITIAL_GAP_WINDOWS),
      lastWindowEnd: 0,
    };
    if (m.seq > last.lastSeq) {
      if (m.windowStart < last.lastWindowEnd)
        return this.reject('window_overlap', `${m.device} seq ${m.seq}: window overlaps seq ${last.lastSeq}`);
      if (m.seq > last.lastSeq + 1) {
        const gap: Gap = {
          device: m.device,
          fromSeq: last.lastSeq + 1,
          toSeq: m.seq - 1,
          afterWindowEnd: last.lastWindowEnd,
          beforeWindowStart: m.windowStart,
        };
        this.gaps.set(m.device, [...(this.gaps.get(m.device) ?? []), gap]);
        this.options.onGap?.(gap);
      }
      this.devices.set(m.device, { nodeId: node.nodeId, lastSeq: m.seq, lastWindowEnd: m.windowEnd });
      return this.admit(accepted);
    }
    // An older sequence number: it fills a gap, or it is a copy or a conflicting reuse of a stored window.
    const gaps = this.gaps.get(m.device) ?? [];
    const index = gaps.findIndex((g) => g.fromSeq <= m.seq && m.seq <= g.toSeq);
    if (index >= 0) {
      const gap = gaps[index]!;
      if (m.windowStart < gap.afterWindowEnd || m.windowEnd > gap.beforeWindowStart)
        return this.reject('window_overlap', `${m.device} seq ${m.seq}: window does not fit its gap`);
      const split: Gap[] = [];
      if (m.seq > gap.fromSeq) split.push({ ...gap, toSeq: m.seq - 1, beforeWindowStart: m.windowStart });
      if (m.seq < gap.toSeq) split.push({ ...gap, fromSeq: m.seq + 1, afterWindowEnd: m.windowEnd });
      gaps.splice(index, 1, ...split);
      this.gaps.set(m.device, gaps);
      return this.admit(accepted);
    }
    const pending = this.pendingBySeq.get(`${m.device}:${m.seq}`)?.signature;
    const stored = pending ?? (await this.storedSignature(m));
    if (stored === undefined)
      return this.reject('out_of_order', `${m.device} seq ${m.seq}: older than seq ${last.lastSeq} and not missing`);
    if (stored === signature) {
      // Written already (a pending one is acknowledged when its batch commits): acknowledge it again.
      if (pending === undefined) this.notifyStored([storedWindow(accepted)]);
      return this.reject('replay', `${m.device} seq ${m.seq}: already received`);
    }
    return this.reject('seq_reused', `${m.device} seq ${m.seq}: a different window with a used sequence number`);
  }

  private async storedSignature(m: Telemetry): Promise<Hex | undefined> {
    const [row] = await this.options.db.query<{ signature: Hex }>(
      'SELECT signature FROM telemetry_messages WHERE device = $1 AND seq = $2',
      [m.device, m.seq],
    );
    return row?.signature;
  }

  /**
   * Accepts a window that passed every check, unless its device already has MAX_WINDOWS_PER_RECORD windows in the
   * window's hour: a record holds no more (a longer one is a fault on chain). The window still counts as received (its
   * sequence number moved the device's state or filled its gap), so it is not asked for again.
   */
  private async admit(a: Accepted): Promise<void> {
    const slot = slotOf(a.message.windowStart);
    const key = `${a.message.device}:${slot}`;
    let n = this.slotWindows.get(key);
    if (n === undefined) {
      const [row] = await this.options.db.query<{ n: number }>(
        'SELECT count(*)::bigint AS n FROM telemetry_messages WHERE device = $1 AND slot = $2',
        [a.message.device, slot],
      );
      n = Number(row?.n ?? 0);
    }
    if (n >= MAX_WINDOWS_PER_RECORD) {
      this.slotWindows.set(key, n);
      this.touched.add(a.message.device);
      return this.reject(
        'too_many_windows',
        `${a.message.device} seq ${a.message.seq}: hour ${slot} already has ${n} windows, the most a record holds`,
      );
    }
    this.slotWindows.set(key, n + 1);
    this.accept(a);
  }

  private accept(a: Accepted): void {
    this.pending.push(a);
    this.pendingBySeq.set(`${a.message.device}:${a.message.seq}`, a);
    this.touched.add(a.message.device);
    this.acceptedTotal += 1;
    // A batch fills while the previous one is written: the flush after it (`finally` below) takes it.
    if (this.pending.length >= FLUSH_BATCH && this.flushing === undefined) void this.flush().catch(() => {});
  }

  /** Writes the pending batch in one transaction. On failure the batch stays pending and the error is thrown. */
  flush(): Promise<void> {
    if (this.flushing) return this.flushing.then(() => this.flush());
    if (this.pending.length === 0 && this.pendingRejections.size === 0 && this.touched.size === 0)
      return Promise.resolve();
    const batch = this.pending;
    const bySeq = this.pendingBySeq;
    const rejections = this.pendingRejections;
    const touched = this.touched;
    const waiters = this.storedWaiters;
    this.pending = [];
    this.pendingBySeq = new Map();
    this.pendingRejections = new Map();
    this.touched = new Set();
    this.storedWaiters = [];
    const states = [...touched].map((device) => ({ device, ...this.devices.get(device)! }));
    const gaps = [...touched].flatMap((device) => this.gaps.get(device) ?? []);
    this.flushing = this.options.db
      .transaction((tx) => writeBatch(tx, batch, states, [...touched], gaps, rejections))
      .then(() => {
        for (const resolve of waiters) resolve();
        if (batch.length > 0) this.notifyStored(batch.map(storedWindow));
      })
      .catch((err) => {
        // Put the batch back in front of what arrived meanwhile; it is written with the next flush.
        this.pending = [...batch, ...this.pending];
        for (const [k, v] of this.pendingBySeq) bySeq.set(k, v);
        this.pendingBySeq = bySeq;
        for (const [reason, n] of this.pendingRejections) rejections.set(reason, (rejections.get(reason) ?? 0) + n);
        this.pendingRejections = rejections;
        for (const device of this.touched) touched.add(device);
        this.touched = touched;
        this.storedWaiters = [...waiters, ...this.storedWaiters];
        throw err;
      })
      .finally(() => {
        this.flushing = undefined;
        if (this.pending.length >= FLUSH_BATCH) void this.flush().catch(() => {});
      });
    return this.flushing;
  }
}

const COLUMNS: [string, string, (a: Accepted) => unknown][] = [
  ['device', 'text', (a) => a.message.device],
  ['seq', 'bigint', (a) => a.message.seq],
  ['node_id', 'bigint', (a) => a.nodeId],
  ['slot', 'bigint', (a) => slotOf(a.message.windowStart)],
  ['window_start', 'bigint', (a) => a.message.windowStart],
  ['window_end', 'bigint', (a) => a.message.windowEnd],
  ['pv_wh', 'bigint', (a) => a.message.pvWh],
  ['battery_in_wh', 'bigint', (a) => a.message.batteryInWh],
  ['battery_out_wh', 'bigint', (a) => a.message.batteryOutWh],
  ['battery_soc_wh', 'bigint', (a) => a.message.batterySocWh],
  ['grid_import_wh', 'bigint', (a) => a.message.gridImportWh],
  ['grid_export_wh', 'bigint', (a) => a.message.gridExportWh],
  ['gpu_wh', 'bigint', (a) => a.message.gpuWh],
  ['ev_wh', 'bigint', (a) => a.message.evWh],
  ['uptime_s', 'bigint', (a) => a.message.uptimeS],
  ['jobs_hash', 'text', (a) => a.message.jobsHash],
  ['signature', 'text', (a) => a.signature],
  ['digest', 'text', (a) => a.digest],
];

const INSERT_MESSAGES = `INSERT INTO telemetry_messages (${COLUMNS.map(([c]) => c).join(', ')})
  SELECT * FROM unnest(${COLUMNS.map(([, type], i) => `$${i + 1}::${type}[]`).join(', ')})
  ON CONFLICT (device, seq) DO NOTHING`;

async function writeBatch(
  tx: Sql,
  batch: Accepted[],
  states: ({ device: string } & DeviceState)[],
  touched: string[],
  gaps: Gap[],
  rejections: Map<Rejection, number>,
): Promise<void> {
  if (batch.length > 0)
    await tx.query(
      INSERT_MESSAGES,
      COLUMNS.map(([, , get]) => batch.map(get)),
    );
  if (states.length > 0)
    await tx.query(
      `INSERT INTO device_state (device, node_id, last_seq, last_window_end)
       SELECT * FROM unnest($1::text[], $2::bigint[], $3::bigint[], $4::bigint[])
       ON CONFLICT (device) DO UPDATE SET last_seq = GREATEST(device_state.last_seq, EXCLUDED.last_seq),
         last_window_end = GREATEST(device_state.last_window_end, EXCLUDED.last_window_end)`,
      [
        states.map((s) => s.device),
        states.map((s) => s.nodeId),
        states.map((s) => s.lastSeq),
        states.map((s) => s.lastWindowEnd),
      ],
    );
  if (touched.length > 0) {
    await tx.query('DELETE FROM telemetry_gaps WHERE device = ANY($1::text[])', [touched]);
    if (gaps.length > 0)
      await tx.query(
        `INSERT INTO telemetry_gaps (device, from_seq, to_seq, after_window_end, before_window_start)
         SELECT * FROM unnest($1::text[], $2::bigint[], $3::bigint[], $4::bigint[], $5::bigint[])`,
        [
          gaps.map((g) => g.device),
          gaps.map((g) => g.fromSeq),
          gaps.map((g) => g.toSeq),
          gaps.map((g) => g.afterWindowEnd),
          gaps.map((g) => g.beforeWindowStart),
        ],
      );
  }
  for (const [reason, n] of rejections)
    await tx.query(
      `INSERT INTO telemetry_rejections (reason, count) VALUES ($1, $2)
       ON CONFLICT (reason) DO UPDATE SET count = telemetry_rejections.count + EXCLUDED.count`,
      [reason, n],
    );
}
