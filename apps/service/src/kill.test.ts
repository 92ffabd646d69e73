// The telemetry service killed with SIGKILL mid-hour and started again, as a real process: with PGlite on disk and the
// embedded broker (which dies with it), and with the PostgreSQL server and Mosquitto. Afterwards every window of every
// device is stored once.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ANVIL_DEFAULT_PRIVATE_KEY, writeDeployment } from '@greenhour/chain';
import { NodeAgent, SimulatedSiteDriver } from '@greenhour/agent';
import { openDatabase } from '@greenhour/store';
import {
  DATABASE_KINDS,
  MOSQUITTO_MISSING,
  startTestChain,
  testDatabases,
  type TestChain,
  type TestDatabase,
} from '@greenhour/attestation/testing';

const entry = join(dirname(fileURLToPath(import.meta.url)), 'main.ts');
const WINDOWS = 20;

function startService(env: Record<string, string>) {
  const child = spawn(process.execPath, ['--import', 'tsx', entry], {
    env: { ...process.env, DATABASE_URL: '', PGLITE_DIR: '', MQTT_URL: '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (c: Buffer) => (output += c.toString()));
  child.stderr.on('data', (c: Buffer) => (output += c.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const ready = async () => {
    const deadline = Date.now() + 60_000;
    while (!/ready; Ctrl-C to stop/.test(output)) {
      if (child.exitCode !== null) throw new Error(`telemetry service exited ${child.exitCode}:\n${output}`);
      if (Date.now() > deadline) throw new Error(`telemetry service not ready:\n${output}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    return {
      mqttUrl: /mqtt\s+(\S+)/.exec(output)![1]!,
      apiUrl: /api\s+(\S+)/.exec(output)![1]!,
    };
  };
  return { child, exited, ready, output: () => output };
}

async function freePort(): Promise<number> {
  const server = createServer().listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  const { port } = server.address() as { port: number };
  await new Promise((r) => server.close(r));
  return port;
}

async function until(what: string, check: () => Promise<boolean>, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('telemetry service killed mid-hour (SIGKILL) and restarted', () => {
  let chain: TestChain;
  let databases: TestDatabase[];
  let deploymentsDir: string;
  before(async () => {
    chain = await startTestChain(['station', 'pile', 'home']);
    databases = await testDatabases();
    deploymentsDir = mkdtempSync(join(tmpdir(), 'gh-kill-deployments-'));
    writeDeployment(deploymentsDir, chain.deployment);
  });
  after(async () => {
    await chain.stop();
    for (const d of databases ?? []) await d.drop();
  });

  for (const kind of MOSQUITTO_MISSING === undefined ? DATABASE_KINDS : (['pglite'] as const)) {
    it(`${kind === 'pglite' ? 'PGlite on disk + embedded broker' : 'PostgreSQL + Mosquitto'}: no window lost`, async (t) => {
      const database = databases.find((d) => d.kind === kind)!;
      const env: Record<string, string> = {
        RPC_URL: chain.anvil.rpcUrl,
        DEPLOYER_PRIVATE_KEY: ANVIL_DEFAULT_PRIVATE_KEY,
        DEPLOYMENTS_DIR: deploymentsDir,
        API_PORT: '0',
        ...(kind === 'pglite'
          ? { PGLITE_DIR: database.dataDir!, MQTT_PORT: String(await freePort()) }
          : { DATABASE_URL: database.url, MQTT_URL: 'mqtt://127.0.0.1:1883' }),
      };
      let service = startService(env);
      t.after(() => service.child.kill('SIGKILL'));
      let { mqttUrl, apiUrl } = await service.ready();

      const { deployment, devices } = chain;
      const chainNow = Number((await chain.clients.publicClient.getBlock()).timestamp);
      // Each run attests nothing (the hour is still open for the attester's grace), so one hour serves both.
      const slot = Math.floor(chainNow / 3600) - 1;
      const outboxes = mkdtempSync(join(tmpdir(), 'gh-kill-outbox-'));
      const agents = devices.map(
        (d) =>
          new NodeAgent({
            privateKey: d.privateKey,
            chainId: deployment.chainId,
            verifyingContract: deployment.attestationOracle,
            meter: new SimulatedSiteDriver({
              siteType: d.siteType,
              zone: 'DE-LU',
              spec: d.site,
            }),
            mqttUrl,
            outboxDir: join(outboxes, `${kind}-${d.address}`),
            limits: d.limits,
            clock: () => chainNow,
            reconnectPeriodMs: 200,
            log: () => {},
          }),
      );
      for (const a of agents) a.connect();
      t.after(() => Promise.all(agents.map((a) => a.stop(0))));
      const tick = async (w: number) => {
        for (const a of agents) await a.tickWindow(slot * 3600 + w * 60);
      };
      const accepted = async (url: string) => {
        try {
          return ((await (await fetch(`${url}/v1/telemetry/stats`)).json()) as { accepted: number }).accepted;
        } catch {
          return -1;
        }
      };

      for (let w = 0; w < WINDOWS / 2; w++) await tick(w);
      await until('some windows accepted', async () => (await accepted(apiUrl)) > 0);
      service.child.kill('SIGKILL');
      await service.exited;
      for (let w = WINDOWS / 2; w < WINDOWS - 2; w++) await tick(w);
      service = startService(env);
      ({ apiUrl } = await service.ready());
      // Devices keep reporting: a window lost with the killed process shows up as a gap at the next one and is resent.
      let w = WINDOWS - 2;
      await until(`all ${WINDOWS * devices.length} windows`, async () => {
        if (w < 50) await tick(w++);
        const stats = await (await fetch(`${apiUrl}/v1/telemetry/stats`)).json();
        return w >= WINDOWS && stats.openGaps === 0 && stats.accepted >= w * devices.length;
      });
      service.child.kill('SIGINT');
      await service.exited;

      const db = await openDatabase(kind === 'pglite' ? { dataDir: database.dataDir! } : { databaseUrl: database.url });
      try {
        const rows = await db.query<{ device: string; n: number; first: number; last: number }>(
          'SELECT device, count(*)::bigint AS n, min(seq) AS first, max(seq) AS last FROM telemetry_messages GROUP BY device',
        );
        assert.equal(rows.length, devices.length);
        for (const r of rows) assert.deepEqual([Number(r.first), Number(r.n)], [1, Number(r.last)], r.device);
        for (const r of rows) assert.ok(Number(r.last) >= WINDOWS, `${r.device} reported through seq ${r.last}`);
      } finally {
        await db.close();
      }
    });
  }

  it('rejects bad configuration naming the variable', async () => {
    const key = { DEPLOYER_PRIVATE_KEY: ANVIL_DEFAULT_PRIVATE_KEY };
    for (const [env, message] of [
      [{ RPC_URL: '' }, /RPC_URL: required/],
      [{ RPC_URL: chain.anvil.rpcUrl, DEPLOYER_PRIVATE_KEY: '' }, /DEPLOYER_PRIVATE_KEY: required/],
      [
        { ...key, RPC_URL: chain.anvil.rpcUrl, DEPLOYMENTS_DIR: mkdtempSync(join(tmpdir(), 'gh-empty-')) },
        /31337\.json: cannot read deployment/,
      ],
      [
        { ...key, RPC_URL: chain.anvil.rpcUrl, DEPLOYMENTS_DIR: deploymentsDir, MQTT_PORT: 'x' },
        /MQTT_PORT: must be an integer port/,
      ],
    ] as const) {
      const service = startService(env);
      await service.exited;
      assert.equal(service.child.exitCode, 1, JSON.stringify(env));
      assert.match(service.output(), message);
    }
  });
});
