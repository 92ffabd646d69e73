import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { appendFileSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { addressOfPrivateKey, encodeTelemetry } from '@greenhour/telemetry';
import { JOURNAL_FILE, LOCK_FILE, Outbox, OutboxError, STATE_FILE } from './outbox.ts';
import { signedWindow, T0 } from './testkit.ts';

const tmp = mkdtempSync(join(tmpdir(), 'gh-outbox-'));
test.after(() => rmSync(tmp, { recursive: true, force: true }));
let n = 0;
const freshDir = () => join(tmp, `outbox-${++n}`);
const key = randomBytes(32);
const device = addressOfPrivateKey(key);
const w = (seq: number) => signedWindow(key, seq, T0 + (seq - 1) * 60);
const seqs = (entries: { seq: number }[]) => entries.map((e) => e.seq);

test('restart mid-stream: acked and unacked messages, the next seq and the window order survive a reopen', () => {
  const dir = freshDir();
  let box = Outbox.open(dir, { device });
  assert.equal(box.nextSeq, 1);
  for (let seq = 1; seq <= 5; seq++) box.append(w(seq));
  box.ack(1);
  box.ack(2);
  box.ack(4);
  assert.deepEqual(seqs(box.unacked()), [3, 5]);
  box.close();

  box = Outbox.open(dir, { device });
  assert.equal(box.nextSeq, 6);
  assert.deepEqual(seqs(box.unacked()), [3, 5]);
  assert.equal(box.isAcked(4), true);
  // The payload is the exact wire message that was logged.
  assert.equal(box.get(3)!.payload, readFileSync(join(dir, JOURNAL_FILE), 'utf8').split('\n')[2]);
  assert.throws(() => box.append(w(5)), /seq 5 is not the next sequence number 6/);
  assert.throws(() => box.append(signedWindow(key, 6, T0)), /starts before the last one ended/);
  assert.throws(() => box.append(signedWindow(randomBytes(32), 6, T0 + 300)), /device/);
  box.append(w(6));
  box.ack(3);
  box.close();

  box = Outbox.open(dir, { device });
  assert.deepEqual(seqs(box.unacked()), [5, 6]);
  assert.equal(box.nextSeq, 7);
  box.close();
  // Another device's agent cannot take this outbox over.
  assert.throws(() => Outbox.open(dir, { device: addressOfPrivateKey(randomBytes(32)) }), /holds messages of device/);
});

test('a torn last line (crash during a write) is dropped and cut from the file; the next append continues from it', () => {
  const dir = freshDir();
  let box = Outbox.open(dir);
  for (let seq = 1; seq <= 3; seq++) box.append(w(seq));
  box.ack(1);
  box.close();
  const journal = join(dir, JOURNAL_FILE);
  const good = readFileSync(journal, 'utf8');
  // The crash cut the write of seq 4 short: the line has no newline.
  appendFileSync(journal, encodeTelemetry(w(4)).slice(0, 100));

  const warnings: string[] = [];
  box = Outbox.open(dir, { onWarning: (m) => warnings.push(m) });
  assert.match(warnings.join('\n'), /unterminated last line/);
  assert.equal(readFileSync(journal, 'utf8'), good, 'the torn bytes are cut from the file');
  assert.equal(box.nextSeq, 4, 'seq 4 was never durable, so it was never published: it is the next one');
  assert.deepEqual(seqs(box.unacked()), [2, 3]);
  box.append(w(4));
  box.close();
  box = Outbox.open(dir);
  assert.deepEqual(seqs(box.unacked()), [2, 3, 4]);
  box.close();
});

test('a complete but unreadable last line is dropped too; garbage in the middle refuses to open, naming the line', () => {
  const dir = freshDir();
  const box = Outbox.open(dir);
  for (let seq = 1; seq <= 2; seq++) box.append(w(seq));
  box.close();
  const journal = join(dir, JOURNAL_FILE);
  const good = readFileSync(journal, 'utf8');
  writeFileSync(journal, `${good}\0\0\0\0\n`);
  const warnings: string[] = [];
  const reopened = Outbox.open(dir, { onWarning: (m) => warnings.push(m) });
  assert.match(warnings.join('\n'), /outbox\.jsonl:3: dropped a corrupt last line/);
  assert.equal(readFileSync(journal, 'utf8'), good);
  reopened.close();

  const lines = good.split('\n');
  writeFileSync(journal, [lines[0], '{"ack":"x"}', lines[1], ''].join('\n'));
  assert.throws(
    () => Outbox.open(dir),
    (err: unknown) => err instanceof OutboxError && /outbox\.jsonl:2: corrupt record/.test(err.message),
  );
  writeFileSync(journal, [lines[1], lines[0], '{"ack":2}', ''].join('\n'));
  assert.throws(() => Outbox.open(dir), /outbox\.jsonl:2: corrupt record \(seq 1 after 2\)/);
  assert.equal(existsSync(join(dir, LOCK_FILE)), false, 'a failed open releases the lock');
});

test('compaction drops acked messages past retention, keeps unacked ones, and never forgets the sequence', () => {
  const dir = freshDir();
  // Retention 10 windows; compact once 5 are past it.
  let box = Outbox.open(dir, { retentionSeconds: 600, compactAfter: 5 });
  for (let seq = 1; seq <= 30; seq++) {
    box.append(w(seq));
    if (seq !== 3) box.ack(seq);
  }
  // Newest window ends at T0 + 1800; retention keeps windows ending after T0 + 1200 (seq 21..30), plus unacked seq 3.
  assert.ok(box.size <= 10 + 1 + 5, `held ${box.size}`);
  box.compact();
  assert.deepEqual(seqs(box.range(1, 100)), [3, ...Array.from({ length: 10 }, (_, i) => 21 + i)]);
  assert.deepEqual(seqs(box.unacked()), [3]);
  const journalLines = readFileSync(join(dir, JOURNAL_FILE), 'utf8').trim().split('\n');
  assert.equal(journalLines.length, 11 + 10, '11 messages and 10 ack records');
  box.close();

  box = Outbox.open(dir, { retentionSeconds: 600, compactAfter: 5 });
  assert.deepEqual(seqs(box.range(1, 100)), [3, ...Array.from({ length: 10 }, (_, i) => 21 + i)]);
  assert.equal(box.nextSeq, 31);
  // Everything acked and past retention: the journal empties, state.json still carries the sequence and window.
  box.ack(3);
  box.close();
  box = Outbox.open(dir, { retentionSeconds: 0 });
  box.compact();
  assert.equal(box.size, 0);
  assert.equal(statSync(join(dir, JOURNAL_FILE)).size, 0);
  box.close();
  const state = JSON.parse(readFileSync(join(dir, STATE_FILE), 'utf8'));
  assert.deepEqual(state, { version: 1, device, nextSeq: 31, lastWindowEnd: T0 + 1800 });
  box = Outbox.open(dir, { device });
  assert.equal(box.nextSeq, 31);
  assert.equal(box.lastWindowEnd, T0 + 1800);
  assert.throws(() => box.append(w(30)), /not the next sequence number 31/);
  box.append(w(31));
  box.close();
});

test('one writer per outbox: a second open fails while the first is open; a dead writer’s lock is taken over', async () => {
  const dir = freshDir();
  const box = Outbox.open(dir);
  assert.throws(() => Outbox.open(dir), /already open in this process/);
  box.close();

  // A writer process killed with SIGKILL mid-stream: its messages are durable, its lock is stale.
  const script = `
    import { Outbox } from ${JSON.stringify(new URL('./outbox.ts', import.meta.url).pathname)};
    import { signedWindow, T0 } from ${JSON.stringify(new URL('./testkit.ts', import.meta.url).pathname)};
    const key = Buffer.from(${JSON.stringify(key.toString('hex'))}, 'hex');
    const box = Outbox.open(${JSON.stringify(dir)});
    for (let seq = box.nextSeq; ; seq++) {
      box.append(signedWindow(key, seq, T0 + (seq - 1) * 60));
      if (seq === 20) process.stdout.write('20\\n');
      await new Promise((r) => setImmediate(r));
    }`;
  const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script]);
  await new Promise<void>((res, rej) => {
    child.stdout.on('data', () => res());
    child.on('exit', (code) => rej(new Error(`writer exited with ${code}`)));
  });
  assert.throws(() => Outbox.open(dir), /in use by process/);
  child.kill('SIGKILL');
  await new Promise((res) => child.on('exit', res));
  const warnings: string[] = [];
  const after = Outbox.open(dir, { onWarning: (m) => warnings.push(m) });
  assert.match(warnings.join('\n'), /stale lock/);
  const held = seqs(after.unacked());
  assert.ok(held.length >= 20);
  assert.deepEqual(
    held,
    Array.from({ length: held.length }, (_, i) => i + 1),
  );
  assert.equal(after.nextSeq, held.length + 1);
  after.close();
});

test('retainFrom pins the windows of hours the light node has not settled: compaction keeps them past retention', () => {
  const dir = freshDir();
  // 3 hours of one-minute windows from T0 (an hour boundary); retention of 10 minutes.
  let pinned = T0; // the light node has settled nothing yet
  const box = Outbox.open(dir, { retentionSeconds: 600, compactAfter: 5, retainFrom: () => pinned });
  for (let seq = 1; seq <= 180; seq++) {
    box.append(w(seq));
    box.ack(seq);
  }
  box.compact();
  assert.equal(box.size, 180, 'everything from T0 on is pinned');
  assert.deepEqual(box.slots(), [T0 / 3600, T0 / 3600 + 1, T0 / 3600 + 2]);
  assert.equal(box.inSlot(T0 / 3600 + 1).length, 60);
  assert.deepEqual(seqs(box.inSlot(T0 / 3600 + 1)).slice(0, 2), [61, 62]);
  // The first hour is settled: its windows may go; the second stays pinned although past retention.
  pinned = T0 + 3600;
  box.compact();
  assert.equal(box.inSlot(T0 / 3600).length, 0);
  assert.equal(box.inSlot(T0 / 3600 + 1).length, 60);
  // Nothing pinned (the light node off): plain retention.
  box.retainFrom = undefined;
  box.compact();
  assert.equal(box.inSlot(T0 / 3600 + 1).length, 0);
  assert.equal(box.size, 10);
  box.close();
});
