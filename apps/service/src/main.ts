// `npm run service`: the Greenhour service (ingest, the attester, the API and the dashboard) for a system already
// deployed on RPC_URL (its deployments/<chainId>.json), without deploying or registering anything. Several can run in
// turn against one database; a restarted one resumes where the database says. Stops cleanly on Ctrl-C or SIGTERM.
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { connect, readDeployment } from '@greenhour/chain';
import { ConfigError } from '@greenhour/errors';
import { loadServiceConfig } from './config.ts';
import { createLogger } from './logger.ts';
import { startService } from './service.ts';

const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

async function main(): Promise<void> {
  const config = loadServiceConfig(process.env, join(repoRoot, 'deployments'));
  if (config.chain.rpcUrl === undefined)
    throw new ConfigError('RPC_URL', 'required: the chain the system is deployed on');
  const logger = createLogger({
    level: config.logLevel,
    format: process.env.LOG_FORMAT,
    prefix: 'greenhour service',
    defaultFormat: 'json',
  });
  const attester = await connect(config.chain.rpcUrl, config.chain.deployerPrivateKey);
  const deployment = readDeployment(config.chain.deploymentsDir, attester.chain.id);
  const service = await startService(config, deployment, attester, logger);
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info(`${signal}: stopping`);
    await service.stop();
    logger.info('stopped');
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
  console.log(`database          ${service.databaseKind}`);
  console.log(`mqtt              ${service.mqttUrl}`);
  console.log(`api               ${service.apiUrl}`);
  console.log(`dashboard         ${service.dashboardUrl ?? '(not built: npm run build)'}`);
  logger.info('ready; Ctrl-C to stop');
}

main().catch((err: unknown) => {
  console.error(`greenhour service: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
