// Runs the stateless checks (check.ts) and receipt signing on worker threads (piscina), in batches: one task per
// batch, since a task's round trip costs ~50 µs here, as much as a signature. With `threads: 0` the same code runs on
// the calling thread (tests, and a one-core machine). Each worker keeps its own device keys (DeviceVerifier) and
// hashers; payloads travel as one concatenated buffer, not as views of the socket's chunks, which structured cloning
// would copy whole.
import { availableParallelism } from 'node:os';
import { Piscina } from 'piscina';
import type { TelemetryDomain } from '@greenhour/telemetry';
import {
  runTask,
  unpackChecks,
  type PackedChecks,
  type CheckTask,
  type CheckedWindow,
  type OutgoingMessage,
  type ReceiptInput,
  type WindowChecker,
  type WindowInput,
} from './check.ts';

export interface CheckPoolOptions {
  domain: TelemetryDomain;
  /** Worker threads; 0 runs every check on the calling thread. Default: one per core. */
  threads?: number;
}

/** Largest batch per task: small enough that both workers get work from one MQTT read. */
const MAX_TASK_WINDOWS = 256;

export class CheckPool {
  readonly threads: number;
  readonly domain: TelemetryDomain;
  private readonly piscina: Piscina | undefined;
  private readonly inline = new Map<string, WindowChecker>();
  private readonly running = new Set<Promise<unknown>>();

  constructor(options: CheckPoolOptions) {
    this.domain = options.domain;
    const threads = options.threads ?? availableParallelism();
    if (!Number.isSafeInteger(threads) || threads < 0 || threads > 256)
      throw new Error(`threads: must be a whole number 0..256, got ${String(threads)}`);
    this.threads = threads;
    if (threads > 0)
      this.piscina = new Piscina({
        // A JavaScript entry that registers tsx first: Node 20 does not run the parent's --import hooks in workers.
        filename: new URL('./checkWorker.mjs', import.meta.url).href,
        minThreads: threads,
        maxThreads: threads,
        idleTimeout: 60_000,
      });
  }

  /** The checks of each message, in the order given. */
  async check(inputs: readonly WindowInput[]): Promise<CheckedWindow[]> {
    if (inputs.length === 0) return [];
    const tasks: Promise<CheckedWindow[]>[] = [];
    for (let at = 0; at < inputs.length; at += MAX_TASK_WINDOWS) {
      const part = inputs.slice(at, at + MAX_TASK_WINDOWS);
      const ends: number[] = [];
      let end = 0;
      for (const input of part) ends.push((end += input.payload.byteLength));
      const payloads = Buffer.concat(
        part.map((input) => input.payload),
        end,
      );
      const task: CheckTask = {
        kind: 'check',
        domain: this.domain,
        topics: part.map((i) => i.topic),
        payloads,
        ends,
      };
      tasks.push(this.run(task) as Promise<CheckedWindow[]>);
    }
    return (await Promise.all(tasks)).flat();
  }

  /** Each window's signed receipt as an MQTT message to its device, in the order given. */
  async receipts(windows: readonly ReceiptInput[], attesterKey: Uint8Array): Promise<OutgoingMessage[]> {
    const tasks: Promise<OutgoingMessage[]>[] = [];
    for (let at = 0; at < windows.length; at += MAX_TASK_WINDOWS) {
      const task: CheckTask = {
        kind: 'receipts',
        domain: this.domain,
        attesterKey,
        windows: windows.slice(at, at + MAX_TASK_WINDOWS),
      };
      tasks.push(this.run(task) as Promise<OutgoingMessage[]>);
    }
    return (await Promise.all(tasks)).flat();
  }

  /**
   * Resolves once every worker has loaded its modules and taken a task (~1 s each: tsx compiles the checks in each
   * thread), so that the first windows do not wait for it.
   */
  async ready(): Promise<void> {
    if (this.piscina === undefined) return;
    const seen = new Set<number>();
    const deadline = Date.now() + 60_000;
    while (seen.size < this.threads) {
      if (Date.now() > deadline)
        throw new Error(`check pool: only ${seen.size} of ${this.threads} workers started in 60 s`);
      const ids = await Promise.all(
        Array.from(
          { length: this.threads },
          () => this.piscina!.run({ kind: 'warm' } satisfies CheckTask) as Promise<number>,
        ),
      );
      for (const id of ids) seen.add(id);
    }
  }

  /** Waits for the tasks under way (a worker stopped inside libsecp256k1 aborts the process), then stops the workers. */
  async close(): Promise<void> {
    while (this.running.size > 0) await Promise.allSettled([...this.running]);
    await this.piscina?.destroy();
  }

  private async run(task: CheckTask): Promise<CheckedWindow[] | OutgoingMessage[]> {
    if (this.piscina === undefined) return runTask(task, this.inline) as CheckedWindow[] | OutgoingMessage[];
    const run = this.piscina.run(task) as Promise<PackedChecks | OutgoingMessage[]>;
    this.running.add(run);
    const result = await run.finally(() => this.running.delete(run));
    return task.kind === 'check' ? unpackChecks(result as PackedChecks) : (result as OutgoingMessage[]);
  }
}
