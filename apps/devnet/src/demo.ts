// Brings up the demo system on a chain: deploy (or reuse) the contracts, publish the capacity class table computed from
// the GPU catalog, and register the demo fleet, each device under its own owner account, then mint its next hours,
// provide the later ones to the hour market single-sided, and let a demo buyer buy a bundle through the router.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { keccak256, stringToHex, type Address, type Hex } from 'viem';
import { LightNode, lightNodeReport, NodeAgent, SimulatedSiteDriver } from '@greenhour/agent';
import type { LightNodeReport } from '@greenhour/attestation';
import { SYSTEM_CLOCK, type ServiceClock } from '@greenhour/service';
import { mnemonicToAccount, privateKeyToAccount } from 'viem/accounts';
import { attestationOracleAbi, computeHoursAbi, nodeRegistryAbi } from '@greenhour/contracts';
import {
  addLiquidity,
  buyBundle,
  connect,
  DEPLOYED_CONTRACTS,
  deploymentPath,
  deploySystem,
  DEFAULT_MINIMUM_STAKE_USDC6,
  faucet,
  hourIdOf,
  marketClassFor,
  mintHours,
  readDeployment,
  registerNode,
  slotOf,
  type Clients,
  type Deployment,
} from '@greenhour/chain';
import {
  assignCapacityClasses,
  DEMO_FLEET,
  GPU_CATALOG,
  toChainClassRows,
  toChainModelRows,
  type FleetDevice,
} from '@greenhour/fleet';

/** anvil's default mnemonic: accounts 1.. own the demo devices on a local chain (account 0 deploys). */
const ANVIL_MNEMONIC = 'test test test test test test test test test test test junk';

/** Hours the demo mints ahead for each node: the next few slots, so the market has something to show. */
export const DEMO_MINT_SLOTS_AHEAD = 4;
/** The first minted slot stays with each owner; the later ones go to the market, where the demo buyer buys. */
const DEMO_MARKET_SLOTS = DEMO_MINT_SLOTS_AHEAD - 1;
const DEMO_BUNDLE_HOURS = 2n;

export interface DemoNode {
  device: FleetDevice;
  nodeId: bigint;
  owner: Address;
  deviceSigner: Address;
  classId: number;
  /** The owner's wallet on the chain: it mints and provides the node's hours. */
  ownerClients: Clients;
}

export interface DemoSystem {
  deployment: Deployment;
  nodes: DemoNode[];
}

/** The device's signing address, derived from its id so that restarts find the same device. */
export function demoDeviceSigner(deviceId: string): Address {
  return privateKeyToAccount(demoDeviceKey(deviceId)).address;
}

export function ownerKey(index: number): Hex {
  const hd = mnemonicToAccount(ANVIL_MNEMONIC, { addressIndex: index + 1 }).getHdKey();
  return `0x${Buffer.from(hd.privateKey!).toString('hex')}` as Hex;
}

/** Gas money for a device owner: enough for registering and minting, topped up only when short. */
const OWNER_GAS_WEI = 10n ** 17n;
/** The small balance a device key holds to pay for its own challenges (a challenge is ~370,000 gas). */
export const DEVICE_GAS_WEI = 10n ** 16n;
/** What a device key holds for the bonds of its omission claims: five claims at the deployment's 1 USD. */
export const DEVICE_CLAIM_BONDS_USDC6 = 5_000_000n;

export async function fundGas(
  { publicClient, walletClient }: Clients,
  to: Address,
  amountWei = OWNER_GAS_WEI,
): Promise<void> {
  if ((await publicClient.getBalance({ address: to })) >= amountWei) return;
  const hash = await walletClient.sendTransaction({ to, value: amountWei });
  await publicClient.waitForTransactionReceipt({ hash });
}

/**
 * The deployment recorded in `deploymentsDir` for this chain, when every contract in it has code there (an existing
 * chain that the devnet deployed to before); undefined when there is none, or it belongs to another chain's history.
 */
export async function existingDeployment(deployer: Clients, deploymentsDir: string): Promise<Deployment | undefined> {
  const chainId = await deployer.publicClient.getChainId();
  if (!existsSync(deploymentPath(deploymentsDir, chainId))) return undefined;
  const deployment = readDeployment(deploymentsDir, chainId);
  for (const { field } of DEPLOYED_CONTRACTS) {
    const code = await deployer.publicClient.getCode({ address: deployment[field] });
    if (code === undefined || code === '0x') return undefined;
  }
  return deployment;
}

/**
 * Deploys the system (or, with `attach`, uses the one already on the chain, see existingDeployment) and brings the
 * demo fleet up on it: a device already registered keeps its node, a slot already minted is not minted again.
 */
export async function bringUpDemo(
  rpcUrl: string,
  deployer: Clients,
  deploymentsDir: string,
  log: (line: string) => void,
  options: { attach?: boolean } = {},
): Promise<DemoSystem> {
  const classes = assignCapacityClasses(GPU_CATALOG);
  const attached = options.attach ? await existingDeployment(deployer, deploymentsDir) : undefined;
  if (attached)
    log(
      `attached to the deployment in ${deploymentPath(deploymentsDir, attached.chainId)} (NodeRegistry ` +
        `${attached.nodeRegistry}): nothing redeployed`,
    );
  const deployment =
    attached ??
    (await deploySystem(deployer, {
      capacityClasses: toChainClassRows(classes),
      gpuModels: toChainModelRows(classes),
      // Each class's market asks its reference rental price per GPU-hour (the catalog's, which also sets the bond).
      marketClasses: classes.classes.map((c) => marketClassFor(c, BigInt(Math.round(c.refPriceUsdPerHour * 1e6)))),
      minimumStakeUsdc6: DEFAULT_MINIMUM_STAKE_USDC6,
      deploymentsDir,
      onStep: log,
    }));
  if (!deployment.settlementTokenDeployed) {
    log('settlement token is external: the demo fleet is not registered (no faucet)');
    return { deployment, nodes: [] };
  }

  // The attester (the deployer here) posts the oracle's bond for an hour of the demo fleet's records with every hourly
  // commitment (returned after the challenge window): a year of hours.
  const hourBondUsdc6 = await deployer.publicClient.readContract({
    address: deployment.attestationOracle,
    abi: attestationOracleAbi,
    functionName: 'bondOf',
    args: [DEMO_FLEET.length],
  });
  await faucet(deployer, deployment, deployer.account.address, 24n * 365n * hourBondUsdc6);
  const nodes: DemoNode[] = [];
  const now = (await deployer.publicClient.getBlock()).timestamp;
  const firstSlot = slotOf(now) + 1;
  for (const [index, device] of DEMO_FLEET.entries()) {
    const owner = await connect(rpcUrl, ownerKey(index));
    await fundGas(deployer, owner.account.address);
    const stake = DEFAULT_MINIMUM_STAKE_USDC6[device.siteType];
    const deviceSigner = demoDeviceSigner(device.id);
    await fundGas(deployer, deviceSigner, DEVICE_GAS_WEI);
    await faucet(deployer, deployment, deviceSigner, DEVICE_CLAIM_BONDS_USDC6);
    const registered = await deployer.publicClient.readContract({
      address: deployment.nodeRegistry,
      abi: nodeRegistryAbi,
      functionName: 'nodeOfDevice',
      args: [deviceSigner],
    });
    let nodeId = registered;
    if (registered === 0n) {
      await faucet(deployer, deployment, owner.account.address, stake);
      nodeId = await registerNode(
        owner,
        deployment,
        { ...device, deviceSigner },
        stake,
        privateKeyToAccount(demoDeviceKey(device.id)),
      );
    }
    const node = await owner.publicClient.readContract({
      address: deployment.nodeRegistry,
      abi: nodeRegistryAbi,
      functionName: 'node',
      args: [nodeId],
    });
    for (let s = 0; s < DEMO_MINT_SLOTS_AHEAD; s++) {
      const minted = await owner.publicClient.readContract({
        address: deployment.computeHours,
        abi: computeHoursAbi,
        functionName: 'nodeSlot',
        args: [nodeId, firstSlot + s],
      });
      if (minted.minted > 0) continue;
      const hourId = await mintHours(owner, deployment, nodeId, firstSlot + s, BigInt(device.gpuCount));
      if (s > 0) await addLiquidity(owner, deployment, { hourId, hoursIn: BigInt(device.gpuCount) });
    }
    nodes.push({
      device,
      nodeId,
      owner: owner.account.address,
      deviceSigner,
      classId: node.classId,
      ownerClients: owner,
    });
    log(
      `${registered === 0n ? 'registered' : 'already registered:'} node ${nodeId} ${device.id} (${device.siteType}, ` +
        `${device.zone}, class ${node.classId})`,
    );
  }
  const probe = nodes[0];
  if (probe) {
    const supply = await deployer.publicClient.readContract({
      address: deployment.computeHours,
      abi: computeHoursAbi,
      functionName: 'totalSupply',
      args: [hourIdOf(probe.classId, firstSlot)],
    });
    log(`class ${probe.classId}, slot ${firstSlot}: ${supply} hours in circulation`);
    // The deployer doubles as a demo buyer: the cheapest hours of the probe's class over the market slots.
    await faucet(deployer, deployment, deployer.account.address, 1_000_000_000n);
    const bundle = await buyBundle(deployer, deployment, {
      classId: probe.classId,
      fromSlot: firstSlot + 1,
      toSlot: firstSlot + DEMO_MARKET_SLOTS,
      hours: DEMO_BUNDLE_HOURS,
      slippageBps: 100,
    });
    log(
      `hour market: nodes provided slots ${firstSlot + 1}..${firstSlot + DEMO_MARKET_SLOTS}; a demo buyer bought ` +
        `${DEMO_BUNDLE_HOURS} hours of class ${probe.classId} for ${(Number(bundle.totalCostUsdc6) / 1e6).toFixed(2)} USD`,
    );
  }
  return { deployment, nodes };
}

/** The demo device's key: derived from its id, so that restarts find the same device (a demo, not key management). */
export function demoDeviceKey(deviceId: string): Hex {
  return keccak256(stringToHex(`greenhour-demo-device:${deviceId}`));
}

/** The light node's settings of the demo agents: the chain, the service's API, and how to get a block mined. */
export interface DemoLightNodeOptions {
  rpcUrl: string;
  apiUrls: string[];
  /** On the embedded anvil, which mines only on transactions, a challenge's reveal needs a block mined. */
  nextBlock?: (committedIn: bigint) => Promise<unknown>;
  checkIntervalMs: number;
}

/** Windows of an hour may still arrive this long after it ends (the attester's DEFAULT_GRACE_S) plus a margin. */
const BACKFILL_MARGIN_S = 180 + 30;

/**
 * One node agent per demo device, in this process, each reading a simulated meter of its site (energy models and the
 * zone's real weather) and publishing signed one-minute windows to the broker, and each a light node checking its own
 * records. Their outboxes live in `outboxRoot`. So that the demo shows an attested hour within a minute instead of
 * after the next full hour, every agent first reports the last hour that is already due for attestation (its
 * simulated meter's readings of that hour), as a device that had been running then would.
 */
export async function startDemoAgents(
  system: DemoSystem,
  options: {
    mqttUrl: string;
    outboxRoot: string;
    log: (line: string) => void;
    /** The attester account: the agents keep receipts signed by it only. */
    attester?: Address;
    /** The devnet's clock (default: the system clock): windows are signed and hours checked on it. */
    clock?: ServiceClock;
    lightNode?: DemoLightNodeOptions;
  },
): Promise<{ stop(): Promise<void>; lightNodeReports(): LightNodeReport[] }> {
  const agents: NodeAgent[] = [];
  const lightNodes: { node: DemoNode; lightNode: LightNode }[] = [];
  const clock = options.clock ?? SYSTEM_CLOCK;
  const nowS = Math.floor(clock.nowS());
  const backfillSlot = Math.floor((nowS - BACKFILL_MARGIN_S) / 3600) - 1;
  for (const node of system.nodes) {
    const gpu = GPU_CATALOG.find((g) => g.name === node.device.gpuModel);
    if (gpu === undefined) throw new Error(`gpuModel: ${node.device.gpuModel} is not in the GPU catalog`);
    const spec = {
      pvWp: node.device.pvWp,
      batteryWh: node.device.batteryWh,
      chargerW: node.device.chargerW,
      gpuCount: node.device.gpuCount,
      gpuBoardPowerW: gpu.boardPowerW,
    };
    const meter = new SimulatedSiteDriver({ siteType: node.device.siteType, zone: node.device.zone, spec });
    const agent = new NodeAgent({
      privateKey: demoDeviceKey(node.device.id),
      chainId: system.deployment.chainId,
      verifyingContract: system.deployment.attestationOracle,
      meter,
      mqttUrl: options.mqttUrl,
      outboxDir: join(options.outboxRoot, node.device.id),
      limits: meter.limits(),
      clock: () => clock.nowS(),
      clockSpeed: clock.speed,
      ...(options.attester ? { attester: options.attester } : {}),
      log: (line) => options.log(`agent ${node.device.id}: ${line}`),
    });
    agents.push(agent);
    // On an accelerated clock the first live hour ends within a minute, and a backfilled hour would be due at once (the
    // attester would build it from the first devices' windows and refuse the rest as late): no backfill there.
    if (clock.speed === 1 && agent.outbox.lastWindowEnd <= backfillSlot * 3600)
      for (let start = backfillSlot * 3600; start < (backfillSlot + 1) * 3600; start += agent.windowSeconds)
        await agent.tickWindow(start);
    agent.start();
    if (options.lightNode) {
      const lightNode = new LightNode({
        privateKey: demoDeviceKey(node.device.id),
        rpcUrl: options.lightNode.rpcUrl,
        chainId: system.deployment.chainId,
        oracle: system.deployment.attestationOracle,
        registry: system.deployment.nodeRegistry,
        apiUrls: options.lightNode.apiUrls,
        outbox: agent.outbox,
        now: () => Math.floor(clock.nowS()),
        ...(options.lightNode.nextBlock ? { nextBlock: options.lightNode.nextBlock } : {}),
        log: (line) => options.log(`agent ${node.device.id}: ${line}`),
      });
      lightNode.start(options.lightNode.checkIntervalMs);
      lightNodes.push({ node, lightNode });
    }
  }
  options.log(
    `${agents.length} node agents publishing signed one-minute windows to ${options.mqttUrl} (hour ${backfillSlot} ` +
      `${clock.speed === 1 ? 'reported at start' : 'not backfilled on the fast clock'})${options.lightNode ? ', each a light node checking its own records on chain' : ''}`,
  );
  return {
    async stop() {
      await Promise.all(lightNodes.map((l) => l.lightNode.stop()));
      await Promise.all(agents.map((a) => a.stop()));
    },
    lightNodeReports: () =>
      lightNodes.map(({ node, lightNode }) => ({
        ...lightNodeReport(lightNode),
        deviceId: node.device.id,
        nodeId: Number(node.nodeId),
        owner: node.owner,
      })),
  };
}
