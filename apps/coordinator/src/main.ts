// `npm start`: the local EVM (or RPC_URL), the contracts, the demo fleet, telemetry ingest and hourly attestation
// (database, MQTT broker, API) and one node agent per demo device. Stops cleanly on Ctrl-C.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createTestClient, http } from 'viem';
import { chainConfigFromEnv, connect, startAnvil, type Anvil } from '@greenhour/chain';
import { bringUpDemo, startDemoAgents } from './demo.ts';
import { portFromEnv, startTelemetryServices, telemetryConfigFromEnv, type TelemetryServices } from './telemetry.ts';

const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

async function main(): Promise<void> {
  const config = chainConfigFromEnv(process.env, join(repoRoot, 'deployments'));
  const telemetryConfig = telemetryConfigFromEnv(process.env);
  const log = (line: string) => console.log(`[greenhour] ${line}`);

  let anvil: Anvil | undefined;
  let rpcUrl = config.rpcUrl;
  if (rpcUrl === undefined) {
    anvil = await startAnvil({ port: portFromEnv('ANVIL_PORT', process.env.ANVIL_PORT, 8545) });
    rpcUrl = anvil.rpcUrl;
    log(`local EVM (anvil) at ${rpcUrl}, chain id ${anvil.chainId}`);
  }
  let stopping = false;
  let services: TelemetryServices | undefined;
  let agents: Awaited<ReturnType<typeof startDemoAgents>> | undefined;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log(`${signal}: stopping`);
    await agents?.stop();
    await services?.stop();
    await anvil?.stop();
    log('stopped');
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));

  try {
    const deployer = await connect(rpcUrl, config.deployerPrivateKey);
    const system = await bringUpDemo(rpcUrl, deployer, config.deploymentsDir, log);
    const { deployment, nodes } = system;
    // The demo's attester is dishonest on purpose for its first node (green energy inflated), unless ATTESTER_FAULT
    // says otherwise (`none`: honest): the devices, as light nodes, catch it and challenge it themselves.
    const first = nodes[0];
    const servicesConfig =
      telemetryConfig.attesterFaultSet || first === undefined
        ? telemetryConfig
        : { ...telemetryConfig, attesterFault: { mode: 'inflate-green' as const, nodeIds: [Number(first.nodeId)] } };
    services = await startTelemetryServices(servicesConfig, deployment, deployer, log, {
      lightNodes: () => agents?.lightNodeReports() ?? [],
    });
    const localChain = anvil;
    agents = await startDemoAgents(system, {
      mqttUrl: services.mqttUrl,
      outboxRoot: mkdtempSync(join(tmpdir(), 'greenhour-agents-')),
      log,
      lightNode: {
        rpcUrl,
        apiUrls: [services.apiUrl],
        checkIntervalMs: 10_000,
        // anvil mines only on transactions: a challenge's reveal needs the next block.
        ...(localChain
          ? {
              nextBlock: () =>
                createTestClient({ mode: 'anvil', transport: http(localChain.rpcUrl) }).mine({ blocks: 1 }),
            }
          : {}),
      },
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
    console.log(`nodes registered  ${nodes.length}`);
    console.log(`database          ${services.databaseKind}`);
    console.log(`mqtt              ${services.mqttUrl}`);
    console.log(`api               ${services.apiUrl}/v1/telemetry/stats, /v1/attestations, /v1/light-nodes`);
    console.log('');
    log('ready; Ctrl-C to stop');
  } catch (err) {
    await agents?.stop();
    await services?.stop();
    await anvil?.stop();
    throw err;
  }
}

main().catch((err: unknown) => {
  console.error(`greenhour: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
