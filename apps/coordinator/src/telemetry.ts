// The telemetry side of the coordinator: the database, the MQTT broker (embedded aedes, or MQTT_URL), ingest, the
// attester loop and the public API. Each embedded service is replaced by configuration: DATABASE_URL, MQTT_URL.
import type { Clients, Deployment } from '@greenhour/chain';
import {
  Attester,
  bindDeployment,
  Ingest,
  RegistryDirectory,
  openDatabase,
  parseAttesterFault,
  startApi,
  type AttesterFault,
  type LightNodeReport,
  startEmbeddedBroker,
  subscribeTelemetry,
  type Gap,
} from '@greenhour/attestation';
import { TelemetryHasher } from '@greenhour/telemetry';

/** How often the attester looks for hours to build, commit and claim. */
const ATTESTER_INTERVAL_MS = 30_000;

export interface TelemetryConfig {
  databaseUrl?: string;
  /** PGlite's data directory when DATABASE_URL is not set; absent keeps PGlite in memory. */
  pgliteDir?: string;
  mqttUrl?: string;
  /** Port of the embedded broker when MQTT_URL is not set (0: any free port). */
  mqttPort: number;
  apiPort: number;
  /** ATTESTER_FAULT / ATTESTER_FAULT_NODES: a deliberately dishonest attester (tests and demos only). */
  attesterFault?: AttesterFault;
  /** Whether ATTESTER_FAULT was set at all (`none` included): the demo's own default applies only when it was not. */
  attesterFaultSet: boolean;
}

export function portFromEnv(name: string, raw: string | undefined, fallback: number): number {
  if (raw === undefined || raw.trim() === '') return fallback;
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new Error(`${name}: must be an integer port 0..65535 (0 = any free port), got "${raw}"`);
  return port;
}

export function telemetryConfigFromEnv(env: NodeJS.ProcessEnv): TelemetryConfig {
  return {
    databaseUrl: env.DATABASE_URL?.trim() || undefined,
    pgliteDir: env.PGLITE_DIR?.trim() || undefined,
    mqttUrl: env.MQTT_URL?.trim() || undefined,
    mqttPort: portFromEnv('MQTT_PORT', env.MQTT_PORT, 0),
    apiPort: portFromEnv('API_PORT', env.API_PORT, 8787),
    attesterFault: parseAttesterFault(env.ATTESTER_FAULT, env.ATTESTER_FAULT_NODES),
    attesterFaultSet: (env.ATTESTER_FAULT ?? '').trim() !== '',
  };
}

export interface TelemetryServices {
  mqttUrl: string;
  apiUrl: string;
  databaseKind: string;
  stop(): Promise<void>;
}

export async function startTelemetryServices(
  config: TelemetryConfig,
  deployment: Deployment,
  attesterClients: Clients,
  log: (line: string) => void,
  extras: { lightNodes?: () => readonly LightNodeReport[] } = {},
): Promise<TelemetryServices> {
  const db = await openDatabase({
    databaseUrl: config.databaseUrl,
    ...(config.pgliteDir ? { dataDir: config.pgliteDir } : {}),
  });
  const stops: (() => Promise<void>)[] = [() => db.close()];
  const stopAll = async () => {
    for (const stop of stops.reverse()) await stop().catch(() => {});
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
    const ingest = new Ingest({
      db,
      directory: new RegistryDirectory(attesterClients.publicClient, deployment.nodeRegistry),
      hasher: new TelemetryHasher({ chainId: deployment.chainId, verifyingContract: deployment.attestationOracle }),
      onGap: (gap) => {
        log(`ingest: ${gap.device} missed seq ${gap.fromSeq}..${gap.toSeq}; asking it to resend`);
        requestResend(gap);
      },
    });
    await ingest.start();
    stops.push(() => ingest.stop());
    const subscriber = await subscribeTelemetry(ingest, {
      mqttUrl,
      // The embedded broker speaks MQTT 3.1.1 only.
      protocolVersion: config.mqttUrl === undefined ? 4 : 5,
      onError: (err) => log(`mqtt: ${err.message}`),
    });
    requestResend = (gap) => subscriber.requestResend(gap);
    stops.push(() => subscriber.close());
    const fault = config.attesterFault;
    if (fault)
      log(`attester: DISHONEST on purpose (ATTESTER_FAULT=${fault.mode}) for node(s) ${fault.nodeIds.join(', ')}`);
    const attester = new Attester({
      db,
      ingest,
      clients: attesterClients,
      oracle: deployment.attestationOracle,
      log,
      ...(fault ? { fault } : {}),
    });
    const timer = setInterval(() => {
      attester.tick().catch((err: Error) => log(`attester: ${err.message.split('\n')[0]}`));
    }, ATTESTER_INTERVAL_MS);
    stops.push(async () => clearInterval(timer));
    const api = await startApi(db, ingest, config.apiPort, extras.lightNodes ? { lightNodes: extras.lightNodes } : {});
    stops.push(() => api.close());
    return { mqttUrl, apiUrl: api.url, databaseKind: db.kind, stop: stopAll };
  } catch (err) {
    await stopAll();
    throw err;
  }
}
