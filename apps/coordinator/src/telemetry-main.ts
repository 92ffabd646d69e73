// `npm run telemetry`: ingest, the attester and the API for a system already deployed on RPC_URL (its
// deployments/<chainId>.json), without deploying or registering anything. Several can run in turn against one database;
// a restarted one resumes where the database says. Stops cleanly on Ctrl-C or SIGTERM.
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chainConfigFromEnv, ConfigError, connect, readDeployment } from '@greenhour/chain';
import { startTelemetryServices, telemetryConfigFromEnv } from './telemetry.ts';

const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

async function main(): Promise<void> {
  const config = chainConfigFromEnv(process.env, join(repoRoot, 'deployments'));
  const telemetryConfig = telemetryConfigFromEnv(process.env);
  if (config.rpcUrl === undefined) throw new ConfigError('RPC_URL', 'required: the chain the system is deployed on');
  const log = (line: string) => console.log(`[greenhour telemetry] ${line}`);
  const attester = await connect(config.rpcUrl, config.deployerPrivateKey);
  const deployment = readDeployment(config.deploymentsDir, attester.chain.id);
  const services = await startTelemetryServices(telemetryConfig, deployment, attester, log);
  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    await services.stop();
    log('stopped');
    process.exit(0);
  };
  process.on('SIGINT', () => void stop());
  process.on('SIGTERM', () => void stop());
  console.log(`database          ${services.databaseKind}`);
  console.log(`mqtt              ${services.mqttUrl}`);
  console.log(`api               ${services.apiUrl}`);
  log('ready; Ctrl-C to stop');
}

main().catch((err: unknown) => {
  console.error(`greenhour telemetry: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
