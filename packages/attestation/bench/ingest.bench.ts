// Ingest throughput (issue 14): signed windows published over MQTT (QoS 1) by a separate process, received, checked,
// stored and acknowledged (a window's PUBACK waits for its commit), against the raw signature throughput of the same
// library (libsecp256k1, one core) measured in this run. First the cost of each stage on one core (where the time
// goes), then every combination of broker (embedded aedes, Mosquitto at MQTT_URL or 127.0.0.1:1883), database (PGlite,
// PostgreSQL at TEST_DATABASE_URL or 127.0.0.1:5432) and check threads (0: on the ingest's thread; 2: a worker pool),
// then receipts signed and published for every stored window, and a publisher that outruns the ingest (no credit):
// the windows received and not acknowledged stay under the subscriber's bound. Options: --devices N (default 100),
// --windows N per device (default 300), --workers N (default: one per core).
import { availableParallelism } from 'node:os';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Session } from 'node:inspector/promises';
import { performance as perfHooks } from 'node:perf_hooks';
import secp256k1 from 'secp256k1';
import mqttPacket from 'mqtt-packet';
import { keccak_256 } from '@noble/hashes/sha3.js';
import { decodeTelemetry, signReceipt } from '@greenhour/telemetry';
import { progressBar } from '@greenhour/energy';
import { CheckPool, Ingest, RegistryDirectory, startEmbeddedBroker, subscribeTelemetry } from '../src/index.ts';
import type { StoredWindow } from '../src/ingest.ts';
import { startTestChain, testDatabases } from '../src/testing.ts';
import { arg, signedWindows, startPublisher } from './fixtures.ts';

const devicesN = arg('--devices', 100);
const windowsN = arg('--windows', 300);
const workersN = arg('--workers', availableParallelism());
const onlyAt = process.argv.indexOf('--only');
// Runs whose label holds this text, e.g. --only "Mosquitto + postgres, 2" (profiling one combination).
const only = onlyAt >= 0 ? process.argv[onlyAt + 1] : undefined;
const profileAt = process.argv.indexOf('--cpu-profile');
// A directory for a CPU profile of the ingest's thread over each run's timed part.
const profileDir = profileAt >= 0 ? process.argv[profileAt + 1] : undefined;
const total = devicesN * windowsN;
console.log(`ingest bench: ${devicesN} devices × ${windowsN} windows = ${total} signed messages`);
const chain = await startTestChain(
  Array.from({ length: devicesN }, (_, i) => (['station', 'pile', 'home'] as const)[i % 3]!),
);
const { hasher, devices } = chain;

const { messages, digests, signatures } = signedWindows(chain, windowsN);

// Baselines: the library alone, on precomputed digests.
const rate = (n: number, ms: number) => Math.round((n / ms) * 1000);
const publicKeys = devices.map((d) => secp256k1.publicKeyCreate(d.privateKey, false));
let t = performance.now();
for (let i = 0; i < total; i++)
  secp256k1.ecdsaVerify(signatures[i]!.subarray(0, 64), digests[i]!, publicKeys[i % devicesN]!);
const verifyRate = rate(total, performance.now() - t);
t = performance.now();
for (let i = 0; i < total; i++)
  secp256k1.ecdsaRecover(signatures[i]!.subarray(0, 64), signatures[i]![64]! - 27, digests[i]!, false);
const recoverRate = rate(total, performance.now() - t);
console.log(`baseline: libsecp256k1 verify ${verifyRate}/s, recover ${recoverRate}/s (one core)`);

// Where a window's time goes, on one core: each stage alone over every message (µs per window).
const stage = (fn: (i: number) => void) => {
  const n = Math.min(total, 10_000);
  for (let i = 0; i < Math.min(n, 1_000); i++) fn(i);
  const t0 = performance.now();
  for (let i = 0; i < n; i++) fn(i);
  return ((performance.now() - t0) * 1000) / n;
};
const publishPackets = Buffer.concat(
  messages.map(([topic, payload], i) =>
    mqttPacket.generate(
      {
        cmd: 'publish',
        topic,
        payload: Buffer.from(payload),
        qos: 1,
        messageId: (i % 65_535) + 1,
        retain: false,
        dup: false,
      },
      { protocolVersion: 5 },
    ),
  ),
);
const decoded = messages.map(([, payload]) => decodeTelemetry(payload).message);
const structs = decoded.map(() => new Uint8Array(480));
const stages: [string, number][] = [
  [
    'MQTT PUBLISH decode (mqtt-packet)',
    (() => {
      const parser = mqttPacket.parser({ protocolVersion: 5 });
      const t0 = performance.now();
      parser.parse(publishPackets);
      return ((performance.now() - t0) * 1000) / total;
    })(),
  ],
  ['JSON and wire checks (decodeTelemetry)', stage((i) => decodeTelemetry(messages[i]![1]))],
  ['EIP-712 digest, keccak in WebAssembly (hash-wasm)', stage((i) => hasher.digest(decoded[i]!))],
  ['EIP-712 digest, keccak in JS (@noble/hashes, before)', stage((i) => keccak_256(keccak_256(structs[i]!)))],
  [
    'signature recovery (libsecp256k1 ecdsaRecover)',
    stage((i) => secp256k1.ecdsaRecover(signatures[i]!.subarray(0, 64), signatures[i]![64]! - 27, digests[i]!, false)),
  ],
  [
    'receipt: EIP-712 digest and signature',
    stage((i) =>
      signReceipt(
        hasher.domain,
        { nodeId: 1, slot: 1, seq: i + 1, digest: `0x${Buffer.from(digests[i]!).toString('hex')}` },
        devices[0]!.privateKey,
      ),
    ),
  ],
  [
    'PUBACK encode (mqtt-packet)',
    stage((i) => mqttPacket.generate({ cmd: 'puback', messageId: (i % 65_535) + 1 }, { protocolVersion: 5 })),
  ],
];
console.log('\n| stage (one core) | µs per window |\n|---|---:|');
for (const [name, us] of stages) console.log(`| ${name} | ${us.toFixed(1)} |`);

const databases = await testDatabases();
const brokers = [
  { name: 'aedes (embedded)', protocolVersion: 4 as const, start: () => startEmbeddedBroker() },
  {
    name: 'Mosquitto',
    protocolVersion: 5 as const,
    start: async () => ({ url: process.env.MQTT_URL ?? 'mqtt://127.0.0.1:1883', close: async () => {} }),
  },
];
const directory = new RegistryDirectory(chain.clients.publicClient, chain.deployment.nodeRegistry);
// The device directory is warmed (one chain read per device) outside the timed part.
for (const d of devices) await directory.lookup(d.address.toLowerCase());

interface Run {
  broker: (typeof brokers)[number];
  database: (typeof databases)[number];
  threads: number;
  receipts?: boolean;
  outrun?: boolean;
}
interface Result {
  throughput: number;
  stored: number;
  receiptsPerS?: number;
  maxInFlight: number;
  heapGrowthMb: number;
  /** Share of the timed part the ingest's thread was busy (event-loop utilisation). */
  busy: number;
  /** CPU time of the ingest's process (every thread, the embedded broker's included) per stored window. */
  cpuUsPerWindow: number;
}
const MAX_IN_FLIGHT = 16_384;
const measure = async (
  { broker, database, threads, receipts, outrun }: Run,
  label: string,
): Promise<Result | undefined> => {
  if (only !== undefined && !label.includes(only)) return undefined;
  const db = await database.open();
  await db.query(
    'TRUNCATE telemetry_messages, device_state, telemetry_gaps, telemetry_rejections, attestations, node_hours',
  );
  const b = await broker.start();
  const checks = new CheckPool({ domain: hasher.domain, threads });
  // Let the workers load before the clock starts: a service starts its pool once.
  await checks.ready();
  let receiptsSent = 0;
  let sendReceipts: (w: StoredWindow[]) => void = () => {};
  const ingest = new Ingest({ db, directory, hasher, checks, onStored: (w) => sendReceipts(w) });
  await ingest.start();
  const subscriber = await subscribeTelemetry(ingest, {
    mqttUrl: b.url,
    clientId: `bench-${Date.now()}`,
    protocolVersion: broker.protocolVersion,
    maxInFlight: MAX_IN_FLIGHT,
  });
  if (receipts) {
    // Counted as they leave for the broker: the bench's devices do not listen.
    const key = devices[0]!.privateKey;
    sendReceipts = (w) => {
      subscriber.sendReceipts(w, key);
      receiptsSent += w.length;
    };
  }
  const bar = progressBar(label);
  global.gc?.();
  const heapBefore = process.memoryUsage().heapUsed;
  let heapPeak = heapBefore;
  let polls = 0;
  let maxInFlight = 0;
  const profiler = profileDir === undefined ? undefined : new Session();
  if (profiler) {
    profiler.connect();
    await profiler.post('Profiler.enable');
    await profiler.post('Profiler.start');
  }
  const elu = perfHooks.eventLoopUtilization();
  const cpu = process.cpuUsage();
  t = performance.now();
  const { child, processed } = startPublisher(b.url, messages, outrun);
  let first: number | undefined;
  let lastProgress = performance.now();
  let lastSeen = 0;
  for (;;) {
    await new Promise((r) => setTimeout(r, 5));
    const s = ingest.stats();
    if (first === undefined && s.accepted > 0) first = performance.now();
    const seen = s.accepted + Object.values(s.rejected).reduce((a, n) => a + n, 0);
    processed(seen);
    maxInFlight = Math.max(maxInFlight, subscriber.inFlight());
    if (++polls % 10 === 0) heapPeak = Math.max(heapPeak, process.memoryUsage().heapUsed);
    bar(Math.min(1, seen / total));
    if (seen > lastSeen) [lastSeen, lastProgress] = [seen, performance.now()];
    if (s.accepted >= total) break;
    // An outrunning publisher loses what the broker drops beyond its queue: stop once nothing more arrives.
    if (outrun && child.exitCode !== null && performance.now() - lastProgress > 2_000) break;
    if (performance.now() - t > 120_000)
      throw new Error(`${label}: only ${s.accepted} of ${total} after 120 s: ${JSON.stringify(s)}`);
  }
  await ingest.drain();
  // From the first message in: the publisher's process start is not the pipeline's cost.
  const ms = performance.now() - (first ?? t);
  const busy = perfHooks.eventLoopUtilization(elu).utilization;
  const cpuUsed = process.cpuUsage(cpu);
  if (profiler) {
    const { profile } = await profiler.post('Profiler.stop');
    writeFileSync(join(profileDir!, `${label.replace(/[^a-z0-9]+/gi, '-')}.cpuprofile`), JSON.stringify(profile));
    profiler.disconnect();
  }
  const [{ n }] = (await db.query<{ n: number }>('SELECT count(*)::bigint AS n FROM telemetry_messages')) as [
    { n: number },
  ];
  if (!outrun && Number(n) !== total) throw new Error(`${label}: stored ${n} of ${total}`);
  if (child.exitCode === null) await new Promise((r) => child.once('exit', r));
  await subscriber.close();
  await ingest.stop();
  await checks.close();
  await b.close();
  await db.close();
  return {
    throughput: rate(Number(n), ms),
    stored: Number(n),
    ...(receipts ? { receiptsPerS: rate(receiptsSent, ms) } : {}),
    maxInFlight,
    heapGrowthMb: (heapPeak - heapBefore) / 2 ** 20,
    busy,
    cpuUsPerWindow: (cpuUsed.user + cpuUsed.system) / Number(n),
  };
};

const rows: string[] = [];
for (const threads of [0, workersN])
  for (const broker of brokers)
    for (const database of databases) {
      const label = `${broker.name} + ${database.kind}, ${threads} check threads`;
      const r = await measure({ broker, database, threads }, label);
      if (r)
        rows.push(
          `| ${broker.name} + ${database.kind} | ${threads} | ${r.throughput.toLocaleString('en-US')} | ${((r.throughput / verifyRate) * 100).toFixed(0)} % | ${((r.throughput / recoverRate) * 100).toFixed(0)} % | ${r.maxInFlight.toLocaleString('en-US')} | ${(r.busy * 100).toFixed(0)} % | ${r.cpuUsPerWindow.toFixed(0)} µs |`,
        );
    }
const receiptRows: string[] = [];
for (const broker of brokers) {
  const database = databases.find((d) => d.kind === 'postgres') ?? databases[0]!;
  const r = await measure({ broker, database, threads: workersN, receipts: true }, `${broker.name} + receipts`);
  if (r)
    receiptRows.push(
      `| ${broker.name} + ${database.kind} | ${workersN} | ${r.throughput.toLocaleString('en-US')} | ${r.receiptsPerS!.toLocaleString('en-US')} | ${((r.throughput / verifyRate) * 100).toFixed(0)} % |`,
    );
}
const outrunRows: string[] = [];
for (const broker of brokers) {
  const database = databases.find((d) => d.kind === 'postgres') ?? databases[0]!;
  const r = await measure({ broker, database, threads: workersN, outrun: true }, `${broker.name}, publisher outruns`);
  if (r)
    outrunRows.push(
      `| ${broker.name} + ${database.kind} | ${r.stored.toLocaleString('en-US')} of ${total.toLocaleString('en-US')} | ${r.maxInFlight.toLocaleString('en-US')} (bound ${MAX_IN_FLIGHT.toLocaleString('en-US')}) | ${r.heapGrowthMb.toFixed(0)} MB |`,
    );
}
for (const d of databases) await d.drop();
await chain.stop();
console.log(
  `\n| broker + database | check threads | stored windows/s | vs raw verify (${verifyRate}/s) | vs raw recover (${recoverRate}/s) | most in flight | ingest thread busy | ingest CPU per window |`,
);
console.log('|---|---:|---:|---:|---:|---:|---:|---:|');
for (const r of rows) console.log(r);
console.log(
  `\nwith a receipt signed and published for every stored window:\n\n| broker + database | check threads | stored windows/s | receipts/s | vs raw verify |`,
);
console.log('|---|---:|---:|---:|---:|');
for (const r of receiptRows) console.log(r);
console.log(
  `\npublisher without credit (as fast as it can send ${total} windows; what the broker drops beyond its queue devices send again on request):\n\n| broker + database | stored | most in flight | heap growth |`,
);
console.log('|---|---:|---:|---:|');
for (const r of outrunRows) console.log(r);
