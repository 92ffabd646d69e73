// The Greenhour service: the database (PGlite or DATABASE_URL), the MQTT broker (embedded aedes, or MQTT_URL), telemetry
// ingest, the attester loop, the chain indexer, and the HTTP API (every domain's routes, /openapi.json, /docs) that also serves the
// dashboard. The local devnet (apps/devnet) starts it beside its chain and demo fleet; `npm run service` starts it
// alone against a deployed system.
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Logger } from 'pino';
import type { Clients, Deployment } from '@greenhour/chain';
import {
  Attester,
  attestationRoutes,
  bindDeployment,
  Ingest,
  LightNodeReports,
  RegistryDirectory,
  startEmbeddedBroker,
  subscribeTelemetry,
  CheckPool,
  type Gap,
  type LightNodeReport,
  type StoredWindow,
} from '@greenhour/attestation';
import { createApi, publishOpenApi, serveApi, serveDashboard } from '@greenhour/api';
import { forecastRoutes } from '@greenhour/forecast';
import { indexerRoutes, startIndexer, type IndexerRoutesOptions } from '@greenhour/indexer';
import { JobKeeper, jobRoutes } from '@greenhour/jobs';
import { relayRoutes } from '@greenhour/relay';
import { openDatabase, type Database } from '@greenhour/store';
import { reportDomain, TelemetryHasher } from '@greenhour/telemetry';
import { ConfigError } from '@greenhour/errors';
import { hexToBytes } from 'viem';
import { privateKeyToAccount } from 'viem/accounts';
import type { ServiceConfig } from './config.ts';
import { clockRoutes, SYSTEM_CLOCK, type ServiceClock } from './clock.ts';

/** How often the attester looks for hours to build, commit and claim. */
const ATTESTER_INTERVAL_MS = 30_000;
/**
 * How often the job keeper plans, redeems and settles. A placement is redeemed in the first 6 minutes of its slot
 * (REDEMPTION_WINDOW_SECONDS), so the keeper looks at least 6 times in that window; on an accelerated clock it
 * looks more often (not below 1 s).
 */
const JOB_KEEPER_INTERVAL_MS = 60_000;
export const SERVICE_VERSION = '0.1.0';
const SHIPPED_DASHBOARD = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'dashboard', 'dist');

export interface Service {
  mqttUrl: string;
  apiUrl: string;
  databaseKind: string;
  /** Where the dashboard is served; undefined when no built dashboard was found. */
  dashboardUrl: string | undefined;
  db: Database;
  stop(): Promise<void>;
}

export interface ServiceExtras {
  lightNodes?: () => readonly LightNodeReport[];
  /** The clock of the ingest, the attester and `/v1/clock` (default: the system clock). */
  clock?: ServiceClock;
  /** A database already opened (the devnet opens it before deploying, so a bad one is reported first). */
  db?: Database;
}

export interface ApiDependencies {
  logger: Logger;
  rateLimitPerMinute: number;
  db: Database;
  ingest: Ingest;
  readiness: () => Promise<Record<string, string>>;
  lightNodes?: () => readonly LightNodeReport[];
  /** Signed reports of remote agents. */
  reports?: LightNodeReports;
  /** The chain and the indexer behind the fleet, market and portfolio routes. */
  chain: Omit<IndexerRoutesOptions, 'db'>;
  clock?: ServiceClock;
  /** The job keeper whose plans the quote route uses (a fresh one, idle, when not given). */
  jobs?: JobKeeper;
}

/**
 * The service's HTTP API (every domain's routes and /openapi.json, no dashboard) given its dependencies; it touches
 * them only inside handlers, so `packages/sdk/scripts/openapi.ts` builds it with idle ones to write the document.
 */
export function buildApi(deps: ApiDependencies): ReturnType<typeof createApi> {
  const app = createApi({
    log: deps.logger,
    rateLimitPerMinute: deps.rateLimitPerMinute,
    version: SERVICE_VERSION,
    readiness: deps.readiness,
  });
  app.route(
    '/',
    attestationRoutes(deps.db, deps.ingest, {
      ...(deps.reports ? { reports: deps.reports } : {}),
      ...(deps.lightNodes ? { lightNodes: deps.lightNodes } : {}),
    }),
  );
  app.route('/', indexerRoutes({ db: deps.db, ...deps.chain }));
  app.route('/', clockRoutes(deps.clock ?? SYSTEM_CLOCK));
  app.route('/', forecastRoutes());
  const { clients, deployment } = deps.chain;
  const jobs =
    deps.jobs ?? new JobKeeper({ clients, deployment, db: deps.db, chainId: deployment.chainId, log: () => {} });
  app.route('/', jobRoutes({ db: deps.db, clients, deployment, chainId: deployment.chainId, keeper: jobs }));
  const { publicClient } = deps.chain.clients;
  app.route('/', relayRoutes({ db: deps.db, publicClient, deployment: deps.chain.deployment, log: deps.logger }));
  publishOpenApi(app, SERVICE_VERSION);
  return app;
}

/** Opens the configured database (PostgreSQL server or PGlite) and applies its migrations. */
export function openServiceDatabase(config: ServiceConfig): Promise<Database> {
  return openDatabase({
    databaseUrl: config.databaseUrl,
    ...(config.pgliteDir ? { dataDir: config.pgliteDir } : {}),
  });
}

export async function startService(
  config: ServiceConfig,
  deployment: Deployment,
  attesterClients: Clients,
  logger: Logger,
  extras: ServiceExtras = {},
): Promise<Service> {
  const log = (line: string) => logger.info(line);
  const clock = extras.clock ?? SYSTEM_CLOCK;
  const nowS = () => Math.floor(clock.nowS());
  const db = extras.db ?? (await openServiceDatabase(config));
  // In stop order: the API first (no new requests; those in flight finish), then what feeds the database, then it.
  const stops: (() => Promise<void>)[] = [() => db.close()];
  const stopAll = async () => {
    for (const stop of stops.reverse()) await stop().catch((err: Error) => logger.error({ err }, 'stopping'));
  };
  try {
    await bindDeployment(db, deployment.chainId, deployment.attestationOracle);
    let mqttUrl = config.mqttUrl;
    if (mqttUrl === undefined) {
      const broker = await startEmbeddedBroker(config.mqttPort);
      stops.push(() => broker.close());
      mqttUrl = broker.url;
    }
    let requestResend: (gap: Gap) => void = () => {};
    let sendReceipts: (windows: StoredWindow[]) => void = () => {};
    // Receipts are signed by the account that commits the roots: the oracle checks them against the slot's attester.
    const attesterKey = hexToBytes(config.chain.deployerPrivateKey);
    if (privateKeyToAccount(config.chain.deployerPrivateKey).address !== attesterClients.account.address)
      throw new ConfigError('DEPLOYER_PRIVATE_KEY', 'is not the key of the attester account the service commits with');
    const domain = { chainId: deployment.chainId, verifyingContract: deployment.attestationOracle };
    const directory = new RegistryDirectory(attesterClients.publicClient, deployment.nodeRegistry);
    const checks = new CheckPool({ domain, threads: config.ingestWorkers });
    stops.push(() => checks.close());
    // The workers load (tsx compiles the checks in each thread, ~1 s) while the rest of the service starts.
    const checksReady = checks.ready();
    checksReady.catch(() => {}); // awaited below
    const ingest = new Ingest({
      db,
      directory,
      hasher: new TelemetryHasher(domain),
      checks,
      now: nowS,
      onGap: (gap) => {
        log(`ingest: ${gap.device} missed seq ${gap.fromSeq}..${gap.toSeq}; asking it to resend`);
        requestResend(gap);
      },
      onStored: (windows) => sendReceipts(windows),
      onStoredError: (err) => log(`ingest: receipts not sent: ${err.message}`),
    });
    await ingest.start();
    stops.push(() => ingest.stop());
    let brokerUp = false;
    const subscriber = await subscribeTelemetry(ingest, {
      mqttUrl,
      // The embedded broker speaks MQTT 3.1.1 only.
      protocolVersion: config.mqttUrl === undefined ? 4 : 5,
      onError: (err) => {
        brokerUp = false;
        log(`mqtt: ${err.message}`);
      },
      onConnect: () => {
        brokerUp = true;
      },
    });
    brokerUp = true;
    requestResend = (gap) => subscriber.requestResend(gap);
    sendReceipts = (windows) => subscriber.sendReceipts(windows, attesterKey);
    stops.push(() => subscriber.close());
    const fault = config.attesterFault;
    if (fault)
      log(`attester: DISHONEST on purpose (ATTESTER_FAULT=${fault.mode}) for node(s) ${fault.nodeIds.join(', ')}`);
    const attester = new Attester({
      db,
      ingest,
      clients: attesterClients,
      oracle: deployment.attestationOracle,
      now: nowS,
      log,
      ...(fault ? { fault } : {}),
    });
    // On an accelerated clock an hour passes in a minute or less: the attester looks more often (not below 2 s).
    let attesting: Promise<unknown> = Promise.resolve();
    const timer = setInterval(
      () => {
        attesting = attesting.then(() =>
          attester.tick().catch((err: Error) => log(`attester: ${err.message.split('\n')[0]}`)),
        );
      },
      Math.max(2_000, ATTESTER_INTERVAL_MS / clock.speed),
    );
    stops.push(async () => {
      clearInterval(timer);
      await attesting;
    });

    const indexer = await startIndexer({
      db,
      client: attesterClients.publicClient,
      deployment,
      ...(config.indexerConfirmations === undefined ? {} : { confirmations: config.indexerConfirmations }),
      log: logger,
    });
    stops.push(() => indexer.stop());

    // The job keeper sends from the attester's account (it holds the job market's SCHEDULER_ROLE), so its ticks run
    // in the attester's queue: one account, one sender at a time, no two transactions asking for the same nonce. A
    // tick is not queued while the last one waits.
    const jobs = new JobKeeper({ clients: attesterClients, deployment, db, chainId: deployment.chainId, log });
    let jobTickQueued = false;
    const jobTimer = setInterval(
      () => {
        if (jobTickQueued) return;
        jobTickQueued = true;
        attesting = attesting.then(() =>
          jobs
            .tick()
            .catch((err: Error) => log(`jobs: ${err.message.split('\n')[0]}`))
            .finally(() => {
              jobTickQueued = false;
            }),
        );
      },
      Math.max(1_000, JOB_KEEPER_INTERVAL_MS / clock.speed),
    );
    stops.push(async () => {
      clearInterval(jobTimer);
      await attesting;
    });

    const reports = new LightNodeReports(db, directory, reportDomain(deployment.chainId, deployment.attestationOracle));
    const app = buildApi({
      logger,
      reports,
      chain: { clients: attesterClients, deployment, status: () => indexer.status() },
      rateLimitPerMinute: config.rateLimitPerMinute,
      db,
      ingest,
      clock,
      jobs,
      ...(extras.lightNodes ? { lightNodes: extras.lightNodes } : {}),
      readiness: async () => ({
        database: await db.query('SELECT 1').then(
          () => 'ok',
          (err: Error) => `unreachable: ${err.message}`,
        ),
        chain: await attesterClients.publicClient.getBlockNumber().then(
          () => 'ok',
          () => 'the RPC endpoint does not answer',
        ),
        mqtt: brokerUp ? 'ok' : 'the broker connection failed',
        indexer: indexer.status().lastError === null ? 'ok' : `failing: ${indexer.status().lastError}`,
      }),
    });
    const dashboardDir = config.dashboardDir ?? SHIPPED_DASHBOARD;
    const withDashboard = existsSync(join(dashboardDir, 'index.html'));
    if (withDashboard) serveDashboard(app, dashboardDir);
    else if (config.dashboardDir !== undefined) throw new Error(`DASHBOARD_DIR: no index.html in ${dashboardDir}`);
    await checksReady;
    const api = await serveApi(app, config.apiPort, config.apiHost);
    stops.push(() => api.close());
    return {
      mqttUrl,
      apiUrl: api.url,
      databaseKind: db.kind,
      dashboardUrl: withDashboard ? `${api.url}/` : undefined,
      db,
      stop: stopAll,
    };
  } catch (err) {
    await stopAll();
    throw err;
  }
}
