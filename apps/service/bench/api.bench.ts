// Load on the read API over loopback: requests/s and latency percentiles of the routes the dashboard polls, under 10
// concurrent clients (autocannon, in this process), against the real service on a real chain, with PGlite and with the PostgreSQL server. Baseline,
// measured in the same run: a bare node:http server answering a fixed JSON body of the same size, which is the floor
// of what any Node HTTP API on this machine can do. Run: npm run bench -w @greenhour/service
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import autocannon from 'autocannon';
import pino from 'pino';
import { startTestChain, testDatabases, type TestChain, type TestDatabase } from '@greenhour/attestation/testing';
import { loadServiceConfig } from '../src/config.ts';
import { startService } from '../src/service.ts';

const CONNECTIONS = 10;
const DURATION_S = Number(process.env.BENCH_DURATION_S ?? 5);

async function load(url: string, title: string) {
  process.stderr.write(`  ${title}: ${DURATION_S} s, ${CONNECTIONS} clients ...\n`);
  const r = await autocannon({ url, connections: CONNECTIONS, duration: DURATION_S });
  if (r.non2xx > 0 || r.errors > 0) throw new Error(`${title}: ${r.non2xx} non-2xx and ${r.errors} errors`);
  return { rps: r.requests.average, p50: r.latency.p50, p99: r.latency.p99, bytes: r.throughput.average };
}

async function bench(chain: TestChain, database: TestDatabase) {
  const config = loadServiceConfig(
    {
      API_PORT: '0',
      MQTT_PORT: '0',
      RATE_LIMIT_PER_MINUTE: '0',
      DATABASE_URL: database.url,
      PGLITE_DIR: database.dataDir ?? '',
    },
    '/unused',
  );
  const service = await startService(config, chain.deployment, chain.clients, pino({ level: 'silent' }));
  try {
    // A week of attested hours and a day of one-minute windows of one node: what a dashboard's pages read.
    const now = Math.floor(Date.now() / 3600_000);
    for (let slot = now - 168; slot < now; slot++)
      await service.db.query(
        "INSERT INTO attestations (slot, root, record_count, status, tx_hash) VALUES ($1, NULL, 0, 'empty', NULL)",
        [slot],
      );
    const device = chain.devices[0]!;
    for (let i = 0; i < 1440; i++) {
      const start = (now - 24) * 3600 + i * 60;
      await service.db.query(
        `INSERT INTO telemetry_messages VALUES ($1, $2, $3, $4, $5, $6, 100, 0, 0, 5, 0, 40, 0, 60, $7, $8, $9)`,
        [
          device.address.toLowerCase(),
          i + 1,
          device.nodeId,
          Math.floor(start / 3600),
          start,
          start + 60,
          '0x' + '00'.repeat(32),
          '0x' + '11'.repeat(65),
          '0x' + '22'.repeat(32),
        ],
      );
    }
    const routes = [
      ['/health', 'health'],
      ['/v1/telemetry/stats', 'telemetry stats'],
      ['/v1/attestations?limit=100', 'attested hours, 100 a page'],
      [`/v1/nodes/${device.nodeId}/telemetry?limit=500`, 'telemetry windows, 500 a page'],
    ] as const;
    const results = [];
    for (const [path, title] of routes) {
      const body = await (await fetch(`${service.apiUrl}${path}`)).text();
      const bare = createServer((_req, res) => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(body);
      }).listen(0, '127.0.0.1');
      await new Promise((r) => bare.once('listening', r));
      const baseline = await load(
        `http://127.0.0.1:${(bare.address() as AddressInfo).port}${path}`,
        `${title} (bare http)`,
      );
      bare.close();
      const api = await load(`${service.apiUrl}${path}`, title);
      results.push({ title, bytes: body.length, api, baseline });
    }
    console.log(
      `\nRead API on ${database.kind} under ${CONNECTIONS} concurrent clients, ${DURATION_S} s a route, loopback, 2 cores shared with anvil.`,
    );
    console.log('| route | body | API req/s | API p50 / p99 | bare http req/s | API / bare |');
    console.log('| --- | --- | --- | --- | --- | --- |');
    for (const r of results)
      console.log(
        `| ${r.title} | ${(r.bytes / 1024).toFixed(1)} KiB | ${Math.round(r.api.rps)} | ${r.api.p50} / ${r.api.p99} ms | ${Math.round(r.baseline.rps)} | ${(r.api.rps / r.baseline.rps).toFixed(2)} |`,
      );
  } finally {
    await service.stop();
  }
}

async function main() {
  const chain = await startTestChain(['station', 'pile', 'home']);
  const databases = await testDatabases();
  try {
    for (const database of databases) await bench(chain, database);
  } finally {
    for (const d of databases) await d.drop();
    await chain.stop();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
