// Scale-out (issue 14, docs/ARCHITECTURE.md "Scaling out"): the same signed windows through one ingest process, then
// through two that split the fleet by device (partition.ts: each subscribes to its partition's device topics on the
// broker) and write to one PostgreSQL database. Shows that the work splits (each process takes its share and no
// window is rejected, missed or stored twice) and what two processes store together against one, in this run, on
// Mosquitto (MQTT_URL or 127.0.0.1:1883) and PostgreSQL (TEST_DATABASE_URL or 127.0.0.1:5432).
// Options: --devices N (default 100), --windows N per device (default 300).
import { fork, type ChildProcess } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { createPublicClient, http, type Address } from 'viem';
import { TelemetryHasher, type TelemetryDomain } from '@greenhour/telemetry';
import { openDatabase } from '@greenhour/store';
import { progressBar } from '@greenhour/energy';
import { CheckPool, Ingest, RegistryDirectory, partitionFilters, subscribeTelemetry } from '../src/index.ts';
import { startTestChain, testDatabases } from '../src/testing.ts';
import { arg, signedWindows, startPublisher } from './fixtures.ts';

interface IngestJob {
  rpcUrl: string;
  registry: Address;
  domain: TelemetryDomain;
  databaseUrl: string;
  mqttUrl: string;
  devices: string[];
  index: number;
  count: number;
  threads: number;
}

interface IngestReport {
  accepted: number;
  rejected: number;
  openGaps: number;
}

if (process.argv[2] === '--ingest') {
  // Child: one ingest process of a partitioned fleet, reporting its counters until told to stop.
  process.once('message', async (job: IngestJob) => {
    const db = await openDatabase({ databaseUrl: job.databaseUrl });
    const client = createPublicClient({ transport: http(job.rpcUrl) });
    const directory = new RegistryDirectory(client, job.registry);
    const filters = partitionFilters(job.devices, job.index, job.count);
    // Warmed outside the timed part, as in a running service.
    for (const topic of filters) await directory.lookup(topic.split('/')[3]!);
    const checks = new CheckPool({ domain: job.domain, threads: job.threads });
    await checks.ready();
    const ingest = new Ingest({ db, directory, hasher: new TelemetryHasher(job.domain), checks });
    await ingest.start();
    const session = await subscribeTelemetry(ingest, {
      mqttUrl: job.mqttUrl,
      clientId: `scaleout-${job.count}-${job.index}-${Date.now()}`,
      protocolVersion: 5,
      filters,
    });
    const report = () => {
      const s = ingest.stats();
      const r: IngestReport = {
        accepted: s.accepted,
        rejected: Object.values(s.rejected).reduce((a, n) => a + n, 0),
        openGaps: s.openGaps,
      };
      process.send!(r);
    };
    const timer = setInterval(report, 10);
    process.on('message', async () => {
      clearInterval(timer);
      await session.close();
      await ingest.stop();
      await checks.close();
      await db.close();
      report();
      process.disconnect();
    });
    process.send!('ready');
  });
} else {
  const devicesN = arg('--devices', 100);
  const windowsN = arg('--windows', 300);
  const total = devicesN * windowsN;
  const cores = availableParallelism();
  console.log(`scale-out bench: ${devicesN} devices × ${windowsN} windows = ${total} signed messages`);
  const postgres = (await testDatabases()).find((d) => d.kind === 'postgres');
  if (postgres === undefined)
    throw new Error('TEST_DATABASE_URL: the scale-out bench needs a PostgreSQL server the processes share');
  const mqttUrl = process.env.MQTT_URL ?? 'mqtt://127.0.0.1:1883';
  const chain = await startTestChain(
    Array.from({ length: devicesN }, (_, i) => (['station', 'pile', 'home'] as const)[i % 3]!),
  );
  const { messages } = signedWindows(chain, windowsN);
  const devices = chain.devices.map((d) => d.address.toLowerCase());
  const rate = (n: number, ms: number) => Math.round((n / ms) * 1000);

  const runWith = async (count: number) => {
    const db = await postgres.open();
    await db.query('TRUNCATE telemetry_messages, device_state, telemetry_gaps, telemetry_rejections, attestations');
    const reports: IngestReport[] = Array.from({ length: count }, () => ({ accepted: 0, rejected: 0, openGaps: 0 }));
    const children: ChildProcess[] = [];
    await Promise.all(
      Array.from({ length: count }, (_, index) => {
        const child = fork(fileURLToPath(import.meta.url), ['--ingest'], { execArgv: ['--import', 'tsx'] });
        children.push(child);
        const job: IngestJob = {
          rpcUrl: chain.anvil.rpcUrl,
          registry: chain.deployment.nodeRegistry,
          domain: chain.hasher.domain,
          databaseUrl: postgres.url,
          mqttUrl,
          devices,
          index,
          count,
          // The cores shared out: each process checks on its share of worker threads.
          threads: Math.max(1, Math.floor(cores / count)),
        };
        child.send(job);
        return new Promise<void>((resolve) =>
          child.on('message', (m: 'ready' | IngestReport) => {
            if (m === 'ready') resolve();
            else reports[index] = m;
          }),
        );
      }),
    );
    const bar = progressBar(`${count} ingest process${count > 1 ? 'es' : ''}`);
    const t = performance.now();
    const publisher = startPublisher(mqttUrl, messages);
    let first: number | undefined;
    for (;;) {
      await new Promise((r) => setTimeout(r, 5));
      const accepted = reports.reduce((a, r) => a + r.accepted, 0);
      const seen = accepted + reports.reduce((a, r) => a + r.rejected, 0);
      if (first === undefined && accepted > 0) first = performance.now();
      publisher.processed(seen);
      bar(Math.min(1, seen / total));
      if (accepted >= total) break;
      if (performance.now() - t > 120_000)
        throw new Error(`${count} processes: only ${accepted} of ${total} after 120 s: ${JSON.stringify(reports)}`);
    }
    // Stored means committed: poll the shared database until every window is in it.
    for (;;) {
      const [{ n }] = (await db.query<{ n: number }>('SELECT count(*)::bigint AS n FROM telemetry_messages')) as [
        { n: number },
      ];
      if (Number(n) === total) break;
      if (Number(n) > total) throw new Error(`${count} processes: ${n} rows for ${total} windows`);
      await new Promise((r) => setTimeout(r, 2));
    }
    const ms = performance.now() - (first ?? t);
    if (publisher.child.exitCode === null) await new Promise((r) => publisher.child.once('exit', r));
    for (const child of children) child.send('stop');
    await Promise.all(children.map((c) => new Promise((r) => (c.exitCode === null ? c.once('exit', r) : r(null)))));
    const [{ distinct }] = (await db.query<{ distinct: number }>(
      'SELECT count(DISTINCT (device, seq))::bigint AS distinct FROM telemetry_messages',
    )) as [{ distinct: number }];
    const [{ bytes }] = (await db.query<{ bytes: number }>(
      "SELECT pg_total_relation_size('telemetry_messages')::bigint AS bytes",
    )) as [{ bytes: number }];
    await db.close();
    return {
      bytesPerWindow: Number(bytes) / total,
      throughput: rate(total, ms),
      shares: reports.map((r) => r.accepted),
      rejected: reports.reduce((a, r) => a + r.rejected, 0),
      gaps: reports.reduce((a, r) => a + r.openGaps, 0),
      distinct: Number(distinct),
    };
  };

  const one = await runWith(1);
  const two = await runWith(2);
  await postgres.drop();
  await chain.stop();
  console.log(
    `PostgreSQL holds ${Math.round(two.bytesPerWindow)} bytes per stored window (telemetry_messages with its indexes)`,
  );
  console.log(
    `\n| ingest processes | check threads each | stored windows/s | ÷ one process | windows per process | rejected | open gaps | distinct windows stored |`,
  );
  console.log('|---:|---:|---:|---:|---|---:|---:|---:|');
  for (const [count, r] of [
    [1, one],
    [2, two],
  ] as const)
    console.log(
      `| ${count} | ${Math.max(1, Math.floor(cores / count))} | ${r.throughput.toLocaleString('en-US')} | ${(r.throughput / one.throughput).toFixed(2)} | ${r.shares.map((s) => s.toLocaleString('en-US')).join(' + ')} | ${r.rejected} | ${r.gaps} | ${r.distinct.toLocaleString('en-US')} of ${total.toLocaleString('en-US')} |`,
    );
}
