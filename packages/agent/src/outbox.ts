// The on-disk outbox: every signed window message is written here, fsync'd, before it is published, so nothing the
// device signed is lost to a crash or a broker outage, and no sequence number is ever reused.
//
// Files in the outbox directory:
//   outbox.jsonl  the journal. A message line is the exact MQTT payload (encodeTelemetry); an ack line is {"ack":<seq>};
//                 a receipt line is {"receipt":<the ingest's signed receipt>} (docs/TELEMETRY.md section 5).
//                 Message and receipt lines are fsync'd (a receipt is the device's evidence against the attester); ack
//                 lines are not (a lost ack only means one more publish, and QoS 1 delivers at least once anyway).
//   state.json    {"version":1,"device":…,"nextSeq":…,"lastWindowEnd":…}, written atomically before each compaction, so
//                 the sequence survives even when compaction removed every message.
//   outbox.lock   the pid of the process that has the outbox open; one writer per directory.
//
// Opening tolerates a crash during a write: an unterminated or unparsable last line is dropped and cut from the file.
// Any other bad line is corruption and opening fails naming the file and line.
import {
  closeSync,
  fdatasyncSync,
  fsyncSync,
  ftruncateSync,
  mkdirSync,
  openSync,
  readFileSync,
  renameSync,
  unlinkSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { join, resolve } from 'node:path';
import type { Address } from 'viem';
import {
  decodeReceipt,
  decodeTelemetry,
  encodeReceipt,
  encodeTelemetry,
  type SignedReceipt,
  type SignedTelemetry,
} from '@greenhour/telemetry';
import { fsyncDir } from './keystore.ts';

export const JOURNAL_FILE = 'outbox.jsonl';
export const STATE_FILE = 'state.json';
export const LOCK_FILE = 'outbox.lock';
/** Acknowledged messages are kept this long, by window time, so resend requests can be served: 2 hours of windows. */
export const DEFAULT_RETENTION_SECONDS = 7200;
/** Compact once this many acknowledged messages are past retention (one hour of one-minute windows). */
export const DEFAULT_COMPACT_AFTER = 60;

export interface OutboxOptions {
  /** The device whose messages this outbox holds; opening an outbox of another device fails. */
  device?: Address;
  retentionSeconds?: number;
  compactAfter?: number;
  /** Told about recoveries (a dropped torn line, a stale lock). */
  onWarning?: (message: string) => void;
  /**
   * UTC second from which messages are kept whatever their age (default: none): the light node pins the windows of
   * the hours it has not finished checking, since a challenge rebuilds the record from them.
   */
  retainFrom?: () => number;
}

export interface OutboxEntry {
  seq: number;
  signed: SignedTelemetry;
  /** The exact MQTT payload. */
  payload: string;
  acked: boolean;
  /** The attester's signed receipt of the window, once it arrived (checked by the agent before it is kept). */
  receipt?: SignedReceipt;
}

const receiptLine = (r: SignedReceipt) => `{"receipt":${encodeReceipt(r)}}\n`;

export class OutboxError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'OutboxError';
  }
}

interface State {
  version: 1;
  device: Address | null;
  nextSeq: number;
  lastWindowEnd: number;
}

const openInThisProcess = new Set<string>();

export class Outbox {
  readonly dir: string;
  readonly retentionSeconds: number;
  readonly compactAfter: number;
  private readonly journal: string;
  private readonly onWarning: (message: string) => void;
  /** Settable after opening (the light node opens after the agent); see OutboxOptions.retainFrom. */
  retainFrom: (() => number) | undefined;
  /** Messages in sequence order (insertion order is sequence order). */
  private readonly entries = new Map<number, OutboxEntry>();
  private fd: number | undefined;
  private device: Address | null;
  private next: number;
  private windowEnd: number;
  private unackedCount = 0;

  private constructor(dir: string, opts: OutboxOptions) {
    this.dir = dir;
    this.journal = join(dir, JOURNAL_FILE);
    this.retentionSeconds = opts.retentionSeconds ?? DEFAULT_RETENTION_SECONDS;
    this.compactAfter = opts.compactAfter ?? DEFAULT_COMPACT_AFTER;
    if (!Number.isSafeInteger(this.retentionSeconds) || this.retentionSeconds < 0)
      throw new OutboxError(`retentionSeconds: must be a non-negative integer, got ${this.retentionSeconds}`);
    if (!Number.isSafeInteger(this.compactAfter) || this.compactAfter < 1)
      throw new OutboxError(`compactAfter: must be a positive integer, got ${this.compactAfter}`);
    this.onWarning = opts.onWarning ?? (() => {});
    this.retainFrom = opts.retainFrom;
    const state = this.readState();
    this.device = state.device;
    this.next = state.nextSeq;
    this.windowEnd = state.lastWindowEnd;
  }

  /** Opens (creating when missing) the outbox in `dir` and recovers its journal. */
  static open(dir: string, opts: OutboxOptions = {}): Outbox {
    const abs = resolve(dir);
    try {
      mkdirSync(abs, { recursive: true, mode: 0o700 });
    } catch (err) {
      throw new OutboxError(`outbox ${abs}: cannot create directory (${(err as Error).message})`);
    }
    lock(abs, opts.onWarning);
    try {
      const outbox = new Outbox(abs, opts);
      outbox.recover();
      const device = opts.device?.toLowerCase() as Address | undefined;
      if (device && outbox.device && outbox.device !== device)
        throw new OutboxError(`outbox ${abs}: holds messages of device ${outbox.device}, not ${device}`);
      if (device) outbox.device = device;
      return outbox;
    } catch (err) {
      unlock(abs);
      throw err;
    }
  }

  /** The sequence number the next message must carry. Starts at 1. */
  get nextSeq(): number {
    return this.next;
  }

  /** windowEnd of the newest message ever appended (0 when none): the next window must not start before it. */
  get lastWindowEnd(): number {
    return this.windowEnd;
  }

  /** Messages held (unacknowledged, and acknowledged within retention). */
  get size(): number {
    return this.entries.size;
  }

  get unackedSize(): number {
    return this.unackedCount;
  }

  /** Appends a signed message with the next sequence number and a window after the last; durable on return. */
  append(signed: SignedTelemetry): OutboxEntry {
    const fd = this.openFd();
    const m = signed.message;
    if (m.seq !== this.next) throw new OutboxError(`append: seq ${m.seq} is not the next sequence number ${this.next}`);
    if (m.windowStart < this.windowEnd)
      throw new OutboxError(
        `append: window [${m.windowStart}, ${m.windowEnd}) starts before the last one ended (${this.windowEnd})`,
      );
    if (this.device && m.device.toLowerCase() !== this.device)
      throw new OutboxError(`append: message of device ${m.device} in the outbox of ${this.device}`);
    const payload = encodeTelemetry(signed);
    writeAll(fd, `${payload}\n`);
    fdatasyncSync(fd);
    const entry: OutboxEntry = { seq: m.seq, signed, payload, acked: false };
    this.entries.set(m.seq, entry);
    this.device ??= m.device.toLowerCase() as Address;
    this.next = m.seq + 1;
    this.windowEnd = m.windowEnd;
    this.unackedCount++;
    if (this.expiredCount() >= this.compactAfter) this.compact();
    return entry;
  }

  /** Records that the broker acknowledged `seq`. False when it is unknown or was already acknowledged. */
  ack(seq: number): boolean {
    const entry = this.entries.get(seq);
    if (!entry || entry.acked || this.fd === undefined) return false;
    writeAll(this.fd, `{"ack":${seq}}\n`);
    entry.acked = true;
    this.unackedCount--;
    if (this.expiredCount() >= this.compactAfter) this.compact();
    return true;
  }

  /**
   * Keeps the receipt of the held message with the receipt's sequence number (durable on return); the caller has
   * checked that it acknowledges that message. False when the message is not held or already has a receipt.
   */
  addReceipt(signed: SignedReceipt): boolean {
    const fd = this.openFd();
    const entry = this.entries.get(signed.receipt.seq);
    if (!entry || entry.receipt) return false;
    writeAll(fd, receiptLine(signed));
    fdatasyncSync(fd);
    entry.receipt = signed;
    return true;
  }

  isAcked(seq: number): boolean {
    return this.entries.get(seq)?.acked === true;
  }

  get(seq: number): OutboxEntry | undefined {
    return this.entries.get(seq);
  }

  /** Unacknowledged messages in sequence order. */
  unacked(): OutboxEntry[] {
    const out: OutboxEntry[] = [];
    if (this.unackedCount === 0) return out;
    for (const e of this.entries.values()) if (!e.acked) out.push(e);
    return out;
  }

  /** Acknowledged messages without a receipt, in sequence order. */
  unreceipted(): OutboxEntry[] {
    const out: OutboxEntry[] = [];
    for (const e of this.entries.values()) if (e.acked && !e.receipt) out.push(e);
    return out;
  }

  /** Held messages whose window starts in hour slot `slot` (floor(windowStart / 3600)), in sequence order. */
  inSlot(slot: number): OutboxEntry[] {
    const out: OutboxEntry[] = [];
    for (const e of this.entries.values()) if (Math.floor(e.signed.message.windowStart / 3600) === slot) out.push(e);
    return out;
  }

  /** The hour slots of the held messages, ascending. */
  slots(): number[] {
    const set = new Set<number>();
    for (const e of this.entries.values()) set.add(Math.floor(e.signed.message.windowStart / 3600));
    return [...set].sort((a, b) => a - b);
  }

  /** Held messages with fromSeq ≤ seq ≤ toSeq, in sequence order. */
  range(fromSeq: number, toSeq: number): OutboxEntry[] {
    const out: OutboxEntry[] = [];
    for (const e of this.entries.values()) if (e.seq >= fromSeq && e.seq <= toSeq) out.push(e);
    return out;
  }

  /**
   * Drops acknowledged messages whose window ended more than retentionSeconds before the newest window ended, and
   * rewrites the journal (temporary file, fsync, rename). Unacknowledged messages are always kept. Returns the number
   * of messages dropped.
   */
  compact(): number {
    this.openFd();
    const cutoff = this.cutoff();
    const keep: OutboxEntry[] = [];
    let dropped = 0;
    for (const e of this.entries.values()) {
      if (e.acked && e.signed.message.windowEnd <= cutoff) dropped++;
      else keep.push(e);
    }
    this.writeState();
    const lines = keep
      .map((e) => `${e.payload}\n${e.acked ? `{"ack":${e.seq}}\n` : ''}${e.receipt ? receiptLine(e.receipt) : ''}`)
      .join('');
    const tmp = `${this.journal}.tmp`;
    const fd = openSync(tmp, 'w', 0o600);
    try {
      writeAll(fd, lines);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, this.journal);
    fsyncDir(this.dir);
    closeSync(this.fd!);
    this.fd = openSync(this.journal, 'a', 0o600);
    this.entries.clear();
    for (const e of keep) this.entries.set(e.seq, e);
    return dropped;
  }

  /** Closes the journal and releases the lock. Idempotent. */
  close(): void {
    if (this.fd === undefined) return;
    closeSync(this.fd);
    this.fd = undefined;
    unlock(this.dir);
  }

  private openFd(): number {
    if (this.fd === undefined) throw new OutboxError(`outbox ${this.dir}: closed`);
    return this.fd;
  }

  /** Acknowledged messages whose window ended at or before this may be dropped. */
  private cutoff(): number {
    const byAge = this.windowEnd - this.retentionSeconds;
    const pinned = this.retainFrom?.();
    return pinned === undefined ? byAge : Math.min(byAge, pinned);
  }

  private expiredCount(): number {
    const cutoff = this.cutoff();
    let n = 0;
    for (const e of this.entries.values()) {
      if (e.signed.message.windowEnd > cutoff) break;
      if (e.acked) n++;
    }
    return n;
  }

  private readState(): State {
    const file = join(this.dir, STATE_FILE);
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT')
        return { version: 1, device: null, nextSeq: 1, lastWindowEnd: 0 };
      throw new OutboxError(`${file}: cannot read (${(err as Error).message})`);
    }
    let raw: unknown;
    try {
      raw = JSON.parse(text);
    } catch (err) {
      throw new OutboxError(`${file}: corrupt, not JSON (${(err as Error).message})`);
    }
    const s = raw as Partial<State> | null;
    const ok =
      s !== null &&
      typeof s === 'object' &&
      s.version === 1 &&
      (s.device === null || (typeof s.device === 'string' && /^0x[0-9a-f]{40}$/.test(s.device))) &&
      Number.isSafeInteger(s.nextSeq) &&
      s.nextSeq! >= 1 &&
      Number.isSafeInteger(s.lastWindowEnd) &&
      s.lastWindowEnd! >= 0;
    if (!ok) throw new OutboxError(`${file}: corrupt, expected {"version":1,"device","nextSeq","lastWindowEnd"}`);
    return s as State;
  }

  private writeState(): void {
    const file = join(this.dir, STATE_FILE);
    const state: State = { version: 1, device: this.device, nextSeq: this.next, lastWindowEnd: this.windowEnd };
    const tmp = `${file}.tmp`;
    const fd = openSync(tmp, 'w', 0o600);
    try {
      writeAll(fd, `${JSON.stringify(state)}\n`);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, file);
    fsyncDir(this.dir);
  }

  /** Reads the journal, drops a torn last line (and cuts it from the file), and opens it for appending. */
  private recover(): void {
    let buf = Buffer.alloc(0);
    try {
      buf = readFileSync(this.journal);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT')
        throw new OutboxError(`${this.journal}: cannot read (${(err as Error).message})`);
    }
    // Bytes after the last newline are a write that a crash cut short.
    let keepBytes = buf.lastIndexOf(0x0a) + 1;
    if (keepBytes < buf.length)
      this.onWarning(`${this.journal}: dropped an unterminated last line (a crash during a write)`);
    const lines = buf.subarray(0, keepBytes).toString('utf8').split('\n');
    lines.pop();
    let lastSeq = 0;
    for (let i = 0; i < lines.length; i++) {
      const line = lines[i]!;
      try {
        lastSeq = this.replay(line, lastSeq);
      } catch (err) {
        if (i < lines.length - 1)
          throw new OutboxError(`${this.journal}:${i + 1}: corrupt record (${(err as Error).message})`);
        // A last line that is complete but unreadable: the tail of a crashed write, too (e.g. zeros after power loss).
        this.onWarning(`${this.journal}:${i + 1}: dropped a corrupt last line (${(err as Error).message})`);
        keepBytes = keepBytes >= 2 ? buf.lastIndexOf(0x0a, keepBytes - 2) + 1 : 0;
      }
    }
    this.fd = openSync(this.journal, 'a', 0o600);
    if (keepBytes < buf.length) {
      ftruncateSync(this.fd, keepBytes);
      fsyncSync(this.fd);
    }
    if (lastSeq >= this.next) this.next = lastSeq + 1;
  }

  /** Applies one journal line; returns the highest seq seen. */
  private replay(line: string, lastSeq: number): number {
    let raw: unknown;
    try {
      raw = JSON.parse(line);
    } catch {
      throw new Error('not JSON');
    }
    if (typeof raw === 'object' && raw !== null && 'ack' in raw) {
      const seq = (raw as { ack: unknown }).ack;
      if (!Number.isSafeInteger(seq) || (seq as number) < 1) throw new Error('ack must be a positive integer');
      const e = this.entries.get(seq as number);
      if (e && !e.acked) {
        e.acked = true;
        this.unackedCount--;
      }
      return lastSeq;
    }
    if (typeof raw === 'object' && raw !== null && 'receipt' in raw) {
      const signed = decodeReceipt(JSON.stringify((raw as { receipt: unknown }).receipt));
      const e = this.entries.get(signed.receipt.seq);
      if (e) e.receipt ??= signed;
      return lastSeq;
    }
    const signed = decodeTelemetry(line);
    const m = signed.message;
    if (m.seq <= lastSeq) throw new Error(`seq ${m.seq} after ${lastSeq}`);
    if (this.device && m.device !== this.device) throw new Error(`device ${m.device}, outbox of ${this.device}`);
    this.device ??= m.device;
    this.entries.set(m.seq, { seq: m.seq, signed, payload: line, acked: false });
    this.unackedCount++;
    if (m.windowEnd > this.windowEnd) this.windowEnd = m.windowEnd;
    return m.seq;
  }
}

function writeAll(fd: number, text: string): void {
  const buf = Buffer.from(text);
  let off = 0;
  while (off < buf.length) off += writeSync(fd, buf, off, buf.length - off);
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function lock(dir: string, onWarning?: (message: string) => void): void {
  const file = join(dir, LOCK_FILE);
  if (openInThisProcess.has(dir)) throw new OutboxError(`outbox ${dir}: already open in this process`);
  try {
    writeFileSync(file, `${process.pid}\n`, { flag: 'wx', mode: 0o600 });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST')
      throw new OutboxError(`${file}: cannot create (${(err as Error).message})`);
    const pid = Number.parseInt(readFileSync(file, 'utf8'), 10);
    if (Number.isSafeInteger(pid) && pid > 0 && pid !== process.pid && alive(pid))
      throw new OutboxError(`outbox ${dir}: in use by process ${pid} (delete ${file} if that process is not an agent)`);
    onWarning?.(`${file}: taking over a stale lock of process ${Number.isNaN(pid) ? '?' : pid}`);
    writeFileSync(file, `${process.pid}\n`, { mode: 0o600 });
  }
  openInThisProcess.add(dir);
}

function unlock(dir: string): void {
  if (!openInThisProcess.delete(dir)) return;
  try {
    unlinkSync(join(dir, LOCK_FILE));
  } catch {
    // already gone
  }
}
