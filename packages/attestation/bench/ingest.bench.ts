// Ingest throughput: signed windows published over MQTT (QoS 1) by a separate process, received, checked and stored,
// against the raw signature throughput of the same library (libsecp256k1) measured in this run. Every combination of
// broker (embedded aedes, Mosquitto at MQTT_URL or 127.0.0.1:1883) and database (PGlite, PostgreSQL at
// TEST_DATABASE_URL or 127.0.0.1:5432). Options: --devices N (default 100), --windows N per device (default 200).
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import secp256k1 from 'secp256k1';
import { hexToBytes } from 'viem';
import { encodeTelemetry, signDigest, telemetryTopic, ZERO_HASH, type Telemetry } from '@greenhour/telemetry';
import { progressBar } from '@greenhour/energy';
import { Ingest, RegistryDirectory, startEmbeddedBroker, subscribeTelemetry } from '../src/index.ts';
import { startTestChain, testDatabases } from '../src/testing.ts';

const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(name);
  const v = i >= 0 ? Number(process.argv[i + 1]) : fallback;
  if (!Number.isSafeInteger(v) || v <= 0) throw new Error(`${name}: must be a positive integer`);
  return v;
};

if (process.argv[2] === '--publisher') {
  // Child: publishes the payloads it is sent as fast as the pipeline keeps up. The parent grants credit as messages are
  // checked, so that at most CREDIT are between publisher and ingest: Mosquitto's default queue per subscriber is 1,000
  // messages, beyond which it drops QoS 1 messages (devices' resends would fill those gaps; a benchmark would stall).
  const CREDIT = 800;
  const { default: mqtt } = await import('mqtt');
  let processed = 0;
  process.on('message', async (msg: { url: string; messages: [string, string][] } | { processed: number }) => {
    if ('processed' in msg) {
      processed = msg.processed;
      return;
    }
    const client = await mqtt.connectAsync(msg.url, { clientId: `bench-publisher-${process.pid}`, clean: true });
    let sent = 0;
    for (const [topic, payload] of msg.messages) {
      while (sent - processed >= CREDIT) await new Promise((r) => setTimeout(r, 1));
      client.publish(topic, payload, { qos: 1 });
      sent++;
    }
    await client.endAsync();
    process.disconnect();
  });
} else {
  const devicesN = arg('--devices', 100);
  const windowsN = arg('--windows', 200);
  const total = devicesN * windowsN;
  console.log(`ingest bench: ${devicesN} devices × ${windowsN} windows = ${total} signed messages`);
  const chain = await startTestChain(
    Array.from({ length: devicesN }, (_, i) => (['station', 'pile', 'home'] as const)[i % 3]!),
  );
  const { hasher, devices } = chain;

  // One-minute windows ending before the current hour, so that none is in the future.
  const start = (Math.floor(Date.now() / 1000 / 3600) - Math.ceil(windowsN / 60)) * 3600;
  const messages: [string, string][] = [];
  const digests: Uint8Array[] = [];
  const signatures: Uint8Array[] = [];
  for (let w = 0; w < windowsN; w++) {
    for (const d of devices) {
      const m: Telemetry = {
        device: d.address.toLowerCase() as Telemetry['device'],
        seq: w + 1,
        windowStart: start + w * 60,
        windowEnd: start + w * 60 + 60,
        pvWh: 50,
        batteryInWh: 0,
        batteryOutWh: 0,
        batterySocWh: 5_000,
        gridImportWh: 5,
        gridExportWh: 0,
        gpuWh: 10,
        evWh: 0,
        uptimeS: 60,
        jobsHash: ZERO_HASH,
      };
      const digest = hasher.digest(m);
      const signature = signDigest(digest, d.privateKey);
      messages.push([telemetryTopic(d.address), encodeTelemetry({ message: m, signature })]);
      digests.push(digest);
      signatures.push(hexToBytes(signature));
    }
  }

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

  const databases = await testDatabases();
  const brokers = [
    { name: 'aedes (embedded)', protocolVersion: 4 as const, start: () => startEmbeddedBroker() },
    {
      name: 'Mosquitto',
      protocolVersion: 5 as const,
      start: async () => ({ url: process.env.MQTT_URL ?? 'mqtt://127.0.0.1:1883', close: async () => {} }),
    },
  ];
  const rows: string[] = [];
  for (const broker of brokers) {
    for (const database of databases) {
      const db = await database.open();
      await db.query(
        'TRUNCATE telemetry_messages, device_state, telemetry_gaps, telemetry_rejections, attestations, node_hours',
      );
      const b = await broker.start();
      // The device directory is warmed (one chain read per device) outside the timed part.
      const directory = new RegistryDirectory(chain.clients.publicClient, chain.deployment.nodeRegistry);
      for (const d of devices) await directory.lookup(d.address.toLowerCase());
      const ingest = new Ingest({ db, directory, hasher });
      await ingest.start();
      const subscriber = await subscribeTelemetry(ingest, {
        mqttUrl: b.url,
        clientId: `bench-${Date.now()}`,
        protocolVersion: broker.protocolVersion,
      });
      const label = `${broker.name} + ${database.kind}`;
      const bar = progressBar(label);
      const child = fork(fileURLToPath(import.meta.url), ['--publisher'], { execArgv: ['--import', 'tsx'] });
      child.on('error', () => {}); // a credit update racing the child's exit
      t = performance.now();
      child.send({ url: b.url, messages });
      let first: number | undefined;
      for (;;) {
        await new Promise((r) => setTimeout(r, 5));
        const s = ingest.stats();
        if (first === undefined && s.accepted > 0) first = performance.now();
        const seen = s.accepted + Object.values(s.rejected).reduce((a, n) => a + n, 0);
        if (child.connected) child.send({ processed: seen }, () => {});
        bar(Math.min(1, seen / total));
        if (s.accepted >= total) break;
        if (performance.now() - t > 60_000)
          throw new Error(`${label}: only ${s.accepted} of ${total} after 60 s: ${JSON.stringify(s)}`);
      }
      await ingest.drain();
      // From the first message in: the publisher's process start is not the pipeline's cost.
      const ms = performance.now() - (first ?? t);
      const [{ n }] = (await db.query<{ n: number }>('SELECT count(*)::bigint AS n FROM telemetry_messages')) as [
        { n: number },
      ];
      if (Number(n) !== total) throw new Error(`${label}: stored ${n} of ${total}`);
      const throughput = rate(total, ms);
      rows.push(
        `| ${label} | ${throughput.toLocaleString('en-US')} | ${((throughput / verifyRate) * 100).toFixed(0)} % | ${((throughput / recoverRate) * 100).toFixed(0)} % |`,
      );
      if (child.exitCode === null) await new Promise((r) => child.once('exit', r));
      await subscriber.close();
      await ingest.stop();
      await b.close();
      await db.close();
    }
  }
  for (const d of databases) await d.drop();
  await chain.stop();
  console.log(
    `\n| broker + database | stored msgs/s | vs raw verify (${verifyRate}/s) | vs raw recover (${recoverRate}/s) |`,
  );
  console.log('|---|---:|---:|---:|');
  for (const r of rows) console.log(r);
}
