// Ingest under dashboard load, end to end on loopback: signed windows published over MQTT, verified, stored and
// acknowledged with the attester's signed receipt, which the publisher times (a window counts once its receipt is
// back: stored, never only received). Baseline, measured in the same run: the same windows into an identical fresh
// service with no HTTP load. The load: 10 concurrent clients polling the routes a dashboard page polls (autocannon).
// Run: npm run bench -w @greenhour/service (after api.bench.ts), or node --import tsx apps/service/bench/ingest.bench.ts
import autocannon from 'autocannon';
import mqtt from 'mqtt';
import pino from 'pino';
import type { Address } from 'viem';
import { startTestChain, type TestChain } from '@greenhour/attestation/testing';
import {
  decodeReceipt,
  encodeTelemetry,
  signDigest,
  telemetryTopic,
  ZERO_HASH,
  type Telemetry,
} from '@greenhour/telemetry';
import { loadServiceConfig } from '../src/config.ts';
import { startService } from '../src/service.ts';
import type { ServiceClock } from '../src/clock.ts';

/** Devices and windows: a record holds at most 60 windows a device-hour, so the volume comes from devices. */
const DEVICES = ((raw = process.env.BENCH_DEVICES ?? '60') => {
  if (!/^\d{1,4}$/.test(raw) || Number(raw) < 1 || Number(raw) > 1000)
    throw new Error(`BENCH_DEVICES: must be an integer from 1 to 1000, got ${JSON.stringify(raw)}`);
  return Number(raw);
})();
const WINDOWS_PER_DEVICE = 60;
const CONNECTIONS = 10;
const IN_FLIGHT = 500;

interface Round {
  windowsPerS: number;
  p50Ms: number;
  p99Ms: number;
  api?: { rps: number; p50: number; p99: number; non2xx: number };
}

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))]!;

async function round(chain: TestChain, withLoad: boolean): Promise<Round> {
  // Frozen a little after the hour starts: the previous hour (where the windows are) is not due for attestation yet
  // (its grace runs until 180 s into this hour), so no window is refused as late.
  const slot = Math.floor(Date.now() / 3_600_000);
  const clock: ServiceClock = { nowS: () => slot * 3600 + 100, speed: 1 };
  const config = loadServiceConfig({ API_PORT: '0', MQTT_PORT: '0', RATE_LIMIT_PER_MINUTE: '0' }, '/unused');
  const service = await startService(config, chain.deployment, chain.clients, pino({ level: 'silent' }), { clock });
  const client = await mqtt.connectAsync(service.mqttUrl, { protocolVersion: 4, clean: true });
  try {
    const sentAt = new Map<string, number>();
    const latencies: number[] = [];
    let done: () => void = () => {};
    const all = new Promise<void>((resolve) => (done = resolve));
    const total = DEVICES * WINDOWS_PER_DEVICE;
    client.on('message', (_topic, payload) => {
      const { receipt } = decodeReceipt(payload);
      const key = `${receipt.nodeId}:${receipt.seq}`;
      const t = sentAt.get(key);
      if (t === undefined) return;
      sentAt.delete(key);
      latencies.push(performance.now() - t);
      if (latencies.length === total) done();
    });
    await client.subscribeAsync('greenhour/v1/nodes/+/receipts', { qos: 1 });
    const windows: { topic: string; payload: string; key: string }[] = [];
    for (const device of chain.devices.slice(0, DEVICES))
      for (let i = 0; i < WINDOWS_PER_DEVICE; i++) {
        const windowStart = (slot - 1) * 3600 + i * 60;
        const message: Telemetry = {
          device: device.address.toLowerCase() as Address,
          seq: i + 1,
          windowStart,
          windowEnd: windowStart + 60,
          pvWh: 100,
          batteryInWh: 0,
          batteryOutWh: 0,
          batterySocWh: 5_000, // within every test device's battery (the home's is 13,500 Wh)
          gridImportWh: 5,
          gridExportWh: 0,
          gpuWh: 10,
          evWh: 0,
          uptimeS: 60,
          jobsHash: ZERO_HASH,
        };
        const signature = signDigest(chain.hasher.digest(message), device.privateKey);
        windows.push({
          topic: telemetryTopic(device.address),
          payload: encodeTelemetry({ message, signature }),
          key: `${device.nodeId}:${i + 1}`,
        });
      }
    let loadResult: Promise<autocannon.Result> | undefined;
    let loadInstance: { stop(): void } | undefined;
    if (withLoad)
      loadResult = new Promise((resolve, reject) => {
        loadInstance = autocannon(
          {
            connections: CONNECTIONS,
            duration: 3_600,
            requests: [
              { path: '/v1/telemetry/stats' },
              { path: '/v1/attestations?limit=100' },
              { path: `/v1/nodes/${chain.devices[0]!.nodeId}/telemetry?limit=500` },
              { path: '/v1/nodes' },
            ],
            url: service.apiUrl,
          },
          (err, result) => (err ? reject(err) : resolve(result)),
        );
      });
    const load = loadInstance;
    if (load) await new Promise((r) => setTimeout(r, 500)); // the load is running before the first window
    const started = performance.now();
    // A window of publishes in flight at QoS 1, in each device's sequence order.
    let next = 0;
    const publishOne = async (): Promise<void> => {
      while (next < windows.length) {
        const w = windows[next++]!;
        sentAt.set(w.key, performance.now());
        await client.publishAsync(w.topic, w.payload, { qos: 1 });
      }
    };
    await Promise.all(Array.from({ length: IN_FLIGHT }, publishOne));
    const timeout = setTimeout(() => done(), 120_000);
    await all;
    clearTimeout(timeout);
    const elapsedS = (performance.now() - started) / 1000;
    if (latencies.length !== total) throw new Error(`only ${latencies.length} of ${total} windows acknowledged`);
    let api: Round['api'];
    if (load && loadResult) {
      load.stop();
      const r = await loadResult;
      api = { rps: r.requests.average, p50: r.latency.p50, p99: r.latency.p99, non2xx: r.non2xx };
    }
    latencies.sort((a, b) => a - b);
    return {
      windowsPerS: total / elapsedS,
      p50Ms: percentile(latencies, 0.5),
      p99Ms: percentile(latencies, 0.99),
      ...(api ? { api } : {}),
    };
  } finally {
    await client.endAsync();
    await service.stop();
  }
}

async function main() {
  process.stderr.write(`ingest bench: registering ${DEVICES} devices on anvil ...\n`);
  const chain = await startTestChain(Array.from({ length: DEVICES }, () => 'home' as const));
  try {
    process.stderr.write(`  baseline: ${DEVICES * WINDOWS_PER_DEVICE} windows, no HTTP load ...\n`);
    const alone = await round(chain, false);
    process.stderr.write(`  the same windows under ${CONNECTIONS} dashboard clients ...\n`);
    const loaded = await round(chain, true);
    console.log(
      `\nIngest end to end (MQTT publish → verified, stored, receipt back), ${DEVICES * WINDOWS_PER_DEVICE} windows ` +
        `of ${DEVICES} devices, embedded broker and PGlite, loopback, 2 cores shared with anvil and the load.`,
    );
    console.log('| run | windows/s | publish → receipt p50 / p99 | read API req/s | API p50 / p99 |');
    console.log('| --- | --- | --- | --- | --- |');
    for (const [name, r] of [
      ['alone (baseline)', alone],
      [`under ${CONNECTIONS} dashboard clients`, loaded],
    ] as const)
      console.log(
        `| ${name} | ${Math.round(r.windowsPerS)} | ${r.p50Ms.toFixed(0)} / ${r.p99Ms.toFixed(0)} ms | ` +
          `${r.api ? Math.round(r.api.rps) : '—'} | ${r.api ? `${r.api.p50} / ${r.api.p99} ms` : '—'} |`,
      );
    console.log(`ingest under load / alone: ${(loaded.windowsPerS / alone.windowsPerS).toFixed(2)}`);
    if (loaded.api && loaded.api.non2xx > 0) throw new Error(`${loaded.api.non2xx} non-2xx answers under load`);
  } finally {
    await chain.stop();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
