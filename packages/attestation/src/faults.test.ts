// Faults on the path from agent to attested hour, against real services: the coordinator dies mid-hour and comes back
// (in-process: its unwritten batch and its connection are dropped, as a kill would), the PostgreSQL server restarts, and
// the broker restarts (a new aedes on the same port; a Mosquitto stopped and started). The servers restarted are
// the test's own, started for it (never the machine's).
// Afterwards no window is lost and no hour is attested twice.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { attestationOracleAbi } from '@greenhour/contracts';
import { NodeAgent, SimulatedSiteDriver } from '@greenhour/agent';
import { RegistryDirectory } from './directory.ts';
import { Ingest } from './ingest.ts';
import { Attester } from './attester.ts';
import { startEmbeddedBroker } from './broker.ts';
import { subscribeTelemetry, type Subscriber } from './subscriber.ts';
import { openDatabase } from '@greenhour/store';
import { OWN_SERVERS_MISSING, startOwnMosquitto, startOwnPostgres, startTestChain, type TestChain } from './testing.ts';
import type { Database } from '@greenhour/store';

const WINDOWS = 20;

async function until(what: string | (() => string), check: () => boolean | Promise<boolean>, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${typeof what === 'string' ? what : what()}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('faults: coordinator crash, PostgreSQL restart, broker restart', () => {
  let chain: TestChain;
  before(async () => {
    chain = await startTestChain(['station', 'pile', 'home']);
  });
  after(async () => {
    await chain.stop();
  });

  interface TestBroker {
    url: string;
    restart(): Promise<void>;
    close(): Promise<void>;
  }
  const brokers: { name: string; protocolVersion: 4 | 5; start(): Promise<TestBroker> }[] = [
    {
      name: 'aedes',
      protocolVersion: 4,
      async start() {
        let broker = await startEmbeddedBroker();
        return {
          url: broker.url,
          // A new aedes on the same port: sessions and queued messages are gone with the old one.
          async restart() {
            await broker.close();
            broker = await startEmbeddedBroker(broker.port);
          },
          close: () => broker.close(),
        };
      },
    },
    {
      name: 'Mosquitto',
      protocolVersion: 5,
      async start() {
        const mosquitto = await startOwnMosquitto();
        return { url: mosquitto.url, restart: () => mosquitto.restart(), close: () => mosquitto.stop() };
      },
    },
  ];
  let combination = 0;
  /** The hour the first combination starts in: the slots count back from it, so a run that crosses an hour mark
   * between two combinations cannot give both the same hour (one commit per hour on chain). */
  let firstHour: number | undefined;
  for (const broker of brokers.filter((b) => b.name === 'aedes' || OWN_SERVERS_MISSING === undefined))
    for (const kind of OWN_SERVERS_MISSING === undefined ? (['pglite', 'postgres'] as const) : (['pglite'] as const)) {
      // Each combination attests its own ended hour.
      const hoursBack = 1 + combination++;
      it(`${broker.name} + ${kind}: nothing lost, the hour attested once`, async (t) => {
        const { clients, deployment, hasher, devices } = chain;
        const b = await broker.start();
        t.after(() => b.close());
        // A fresh database per combination; PostgreSQL is a server of this test's own, which it may restart.
        const postgres = kind === 'postgres' ? await startOwnPostgres() : undefined;
        if (postgres) t.after(() => postgres.stop());
        const open = () =>
          openDatabase(
            postgres ? { databaseUrl: postgres.url } : { dataDir: mkdtempSync(join(tmpdir(), 'gh-pglite-')) },
          );
        let db: Database = await open();
        const clientId = `faults-${broker.name}-${kind}-${Date.now()}`;
        const chainNow = Number((await clients.publicClient.getBlock()).timestamp);
        const start = async () => {
          const ingest = new Ingest({
            db,
            directory: new RegistryDirectory(clients.publicClient, deployment.nodeRegistry),
            hasher,
            now: () => chainNow,
            onGap: (gap) => subscriber?.requestResend(gap),
          });
          let subscriber: Subscriber | undefined;
          await ingest.start();
          subscriber = await subscribeTelemetry(ingest, {
            mqttUrl: b.url,
            clientId,
            protocolVersion: broker.protocolVersion,
          });
          return { ingest, subscriber };
        };
        let coordinator = await start();
        // On failure too: a subscriber left reconnecting would keep the test process alive.
        t.after(async () => {
          coordinator.subscriber.kill();
          coordinator.ingest.abort();
          await db.close().catch(() => {});
        });

        const outboxes = mkdtempSync(join(tmpdir(), 'gh-faults-'));
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
              mqttUrl: b.url,
              outboxDir: join(outboxes, d.address),
              limits: d.limits,
              clock: () => chainNow,
              log: () => {},
            }),
        );
        for (const a of agents) a.connect();
        t.after(() => Promise.all(agents.map((a) => a.stop(0))));
        firstHour ??= Math.floor(chainNow / 3600);
        const slot = firstHour - hoursBack;
        const tick = async (w: number) => {
          for (const a of agents) await a.tickWindow(slot * 3600 + w * 60);
        };

        for (let w = 0; w < WINDOWS / 2; w++) await tick(w);
        // Kill: the unwritten batch and the connection are gone; the broker keeps the session's messages.
        await until('some windows stored', async () => (await db.query('SELECT 1 FROM telemetry_messages')).length > 0);
        coordinator.subscriber.kill();
        coordinator.ingest.abort();
        if (kind === 'postgres') {
          await db.close();
          await postgres!.restart();
          db = await openDatabase({ databaseUrl: postgres!.url });
        }
        for (let w = WINDOWS / 2; w < WINDOWS - 4; w++) await tick(w);
        coordinator = await start();
        for (let w = WINDOWS - 4; w < WINDOWS - 2; w++) await tick(w);
        // The broker restarts: everyone reconnects, the agents replay what was not acknowledged.
        await b.restart();
        for (let w = WINDOWS - 2; w < WINDOWS; w++) await tick(w);

        // Devices keep reporting: a window lost at the tail of the outage shows up as a gap at the next one and is resent.
        let extra = WINDOWS;
        const complete = async () => {
          await coordinator.ingest.drain();
          const [row] = await db.query<{ n: number }>(
            'SELECT count(*)::bigint AS n FROM telemetry_messages WHERE seq <= $1',
            [WINDOWS],
          );
          if (Number(row!.n) === WINDOWS * devices.length && coordinator.ingest.openGaps().length === 0) return true;
          if (extra < 50) await tick(extra++);
          return false;
        };
        await until(
          () => `windows 1..${WINDOWS} of every device: ${JSON.stringify(coordinator.ingest.stats())}`,
          complete,
          60_000,
        );
        const perDevice = await db.query<{ device: string; n: number; max: number }>(
          'SELECT device, count(*)::bigint AS n, max(seq) AS max FROM telemetry_messages GROUP BY device',
        );
        for (const row of perDevice) assert.equal(Number(row.n), Number(row.max), `no seq missing for ${row.device}`);

        // Attest the hour, "crash" the attester after building, and again: it is committed once.
        const attester = () =>
          new Attester({
            db,
            ingest: coordinator.ingest,
            clients,
            oracle: deployment.attestationOracle,
            graceS: 0,
            now: () => chainNow,
            claim: false,
          });
        await attester().buildDueHours();
        await attester().commitBuilt();
        await attester().commitBuilt();
        const [row] = await db.query<{ status: string; root: string }>(
          'SELECT status, root FROM attestations WHERE slot = $1',
          [slot],
        );
        assert.equal(row!.status, 'committed');
        const committed = await clients.publicClient.readContract({
          address: deployment.attestationOracle,
          abi: attestationOracleAbi,
          functionName: 'commitment',
          args: [slot],
        });
        assert.equal(committed.root, row!.root);

        await coordinator.subscriber.close();
        await coordinator.ingest.stop();
        await db.close();
      });
    }
});
