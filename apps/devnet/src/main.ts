// `npm start`: the local devnet. The local EVM (or RPC_URL), the contracts, the demo fleet, the Greenhour service
// (apps/service: database, MQTT broker, ingest, attester, API and dashboard) and one node agent per demo device.
// Stops cleanly on Ctrl-C.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createTestClient, http } from 'viem';
import { connect, startAnvil, type Anvil } from '@greenhour/chain';
import {
  createLogger,
  loadServiceConfig,
  openServiceDatabase,
  portFromEnv,
  startService,
  SYSTEM_CLOCK,
  type Service,
  type ServiceClock,
} from '@greenhour/service';
import { acceleratedClock, paceChain, parseClockSpeed } from './clock.ts';
import { bringUpDemo, DEMO_MINT_SLOTS_AHEAD, startDemoAgents } from './demo.ts';
import { startMarketKeeper } from './marketKeeper.ts';
import { startJobDemo } from './jobDemo.ts';

const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

async function main(): Promise<void> {
  // Every variable is checked, and the database opened, before anything starts or deploys.
  const serviceConfig = loadServiceConfig(process.env, join(repoRoot, 'deployments'));
  const config = serviceConfig.chain;
  const anvilPort = portFromEnv('ANVIL_PORT', process.env.ANVIL_PORT, 8545);
  const clockSpeed = parseClockSpeed(process.env.DEVNET_CLOCK_SPEED, config.rpcUrl !== undefined);
  const logger = createLogger({
    level: serviceConfig.logLevel,
    format: process.env.LOG_FORMAT,
    prefix: 'greenhour',
    defaultFormat: 'text',
  });
  const log = (line: string) => logger.info(line);
  const db = await openServiceDatabase(serviceConfig);

  let anvil: Anvil | undefined;
  let rpcUrl = config.rpcUrl;
  if (rpcUrl === undefined) {
    anvil = await startAnvil({ port: anvilPort });
    rpcUrl = anvil.rpcUrl;
    log(`local EVM (anvil) at ${rpcUrl}, chain id ${anvil.chainId}`);
  }
  let stopping = false;
  let services: Service | undefined;
  let agents: Awaited<ReturnType<typeof startDemoAgents>> | undefined;
  let keeper: ReturnType<typeof startMarketKeeper> | undefined;
  let buyers: Awaited<ReturnType<typeof startJobDemo>> | undefined;
  let pacer: ReturnType<typeof paceChain> | undefined;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log(`${signal}: stopping`);
    await buyers?.stop();
    await keeper?.stop();
    await agents?.stop();
    await pacer?.stop();
    if (services) await services.stop();
    else await db.close();
    await anvil?.stop();
    log('stopped');
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));

  try {
    const deployer = await connect(rpcUrl, config.deployerPrivateKey);
    // Against RPC_URL the devnet attaches to what it deployed there before; the embedded anvil starts empty.
    const system = await bringUpDemo(rpcUrl, deployer, config.deploymentsDir, log, { attach: anvil === undefined });
    const { deployment, nodes } = system;
    // The accelerated clock starts once the demo is up (deploying and registering on it would race the slots it mints).
    let clock: ServiceClock = SYSTEM_CLOCK;
    if (clockSpeed > 1 && anvil) {
      const startS = Number((await deployer.publicClient.getBlock({ blockTag: 'latest' })).timestamp);
      clock = acceleratedClock(startS, clockSpeed);
      pacer = paceChain(anvil.rpcUrl, clock, log);
      log(`devnet clock: ${clockSpeed}× real time (an hour slot every ${3600 / clockSpeed} s), the chain paced to it`);
    }
    // Intervals in wall-clock time, shorter on a fast clock so that each slot is seen.
    const fast = clock.speed > 1;
    // The demo's attester is dishonest on purpose for its first node (green energy inflated), unless ATTESTER_FAULT
    // says otherwise (`none`: honest): the devices, as light nodes, catch it and challenge it themselves.
    const first = nodes[0];
    const servicesConfig =
      serviceConfig.attesterFaultSet || first === undefined
        ? serviceConfig
        : { ...serviceConfig, attesterFault: { mode: 'inflate-green' as const, nodeIds: [Number(first.nodeId)] } };
    services = await startService(servicesConfig, deployment, deployer, logger, {
      db,
      clock,
      lightNodes: () => agents?.lightNodeReports() ?? [],
    });
    const localChain = anvil;
    agents = await startDemoAgents(system, {
      mqttUrl: services.mqttUrl,
      outboxRoot: mkdtempSync(join(tmpdir(), 'greenhour-agents-')),
      log,
      attester: deployer.account.address,
      clock,
      lightNode: {
        rpcUrl,
        apiUrls: [services.apiUrl],
        checkIntervalMs: fast ? 5_000 : 10_000,
        // anvil mines only on transactions: a challenge's reveal needs the next block.
        ...(localChain
          ? {
              nextBlock: () =>
                createTestClient({ mode: 'anvil', transport: http(localChain.rpcUrl) }).mine({ blocks: 1 }),
            }
          : {}),
      },
    });
    if (deployment.settlementTokenDeployed && nodes.length > 0)
      keeper = startMarketKeeper({
        deployment,
        trader: deployer,
        nodes: nodes.map((n) => ({
          nodeId: n.nodeId,
          classId: n.classId,
          gpuCount: n.device.gpuCount,
          owner: n.ownerClients,
        })),
        slotsAhead: DEMO_MINT_SLOTS_AHEAD,
        intervalMs: fast ? 4_000 : 10_000,
        log,
      });
    if (deployment.settlementTokenDeployed && nodes.length > 0)
      buyers = await startJobDemo({
        rpcUrl,
        deployer,
        deployment,
        classIds: [...new Set(nodes.map((n) => n.classId))].sort((a, b) => a - b),
        slotsAhead: DEMO_MINT_SLOTS_AHEAD,
        intervalMs: fast ? 4_000 : 30_000,
        log,
      });
    console.log('');
    console.log(`chain id          ${deployment.chainId}`);
    console.log(`rpc               ${rpcUrl}`);
    console.log(`SettlementToken   ${deployment.settlementToken}`);
    console.log(`NodeRegistry      ${deployment.nodeRegistry}`);
    console.log(`ComputeHours      ${deployment.computeHours}`);
    console.log(`AttestationOracle ${deployment.attestationOracle}`);
    console.log(`HourMarket        ${deployment.hourMarket}`);
    console.log(`HourRouter        ${deployment.hourRouter}`);
    console.log(`GreenComputeIndex ${deployment.greenComputeIndex}`);
    console.log(`JobMarket         ${deployment.jobMarket}`);
    console.log(`nodes registered  ${nodes.length}`);
    console.log(`database          ${services.databaseKind}`);
    console.log(`mqtt              ${services.mqttUrl}`);
    console.log(
      `api               ${services.apiUrl}/v1 (described at ${services.apiUrl}/openapi.json, read at /docs)`,
    );
    console.log(
      `clock             ${clock.speed === 1 ? 'real time' : `${clock.speed}× real time: an hour slot every ${3600 / clock.speed} s (DEVNET_CLOCK_SPEED)`}`,
    );
    console.log(`dashboard         ${services.dashboardUrl ?? '(not built: npm run build)'}`);
    console.log('');
    log('ready; Ctrl-C to stop');
  } catch (err) {
    await buyers?.stop();
    await keeper?.stop();
    await agents?.stop();
    await pacer?.stop();
    if (services) await services.stop();
    else await db.close();
    await anvil?.stop();
    throw err;
  }
}

main().catch((err: unknown) => {
  console.error(`greenhour: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
