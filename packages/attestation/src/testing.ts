// Test fixtures shared by the attestation and coordinator tests: a real anvil with the system deployed and nodes
// registered; the two databases every storage test runs against come from @greenhour/store/testing.
import { mkdtempSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringToHex, toHex, type Address } from 'viem';
import { privateKeyToAccount } from 'viem/accounts';
import {
  ANVIL_DEFAULT_PRIVATE_KEY,
  connect,
  DATACENTER_ASK_USDC6,
  deploySystem,
  DEFAULT_MINIMUM_STAKE_USDC6,
  faucet,
  marketClassFor,
  registerNode,
  startAnvil,
  type Anvil,
  type Clients,
  type Deployment,
  type SiteTypeName,
} from '@greenhour/chain';
import { addressOfPrivateKey, TelemetryHasher, type NodeLimits } from '@greenhour/telemetry';

export const TEST_CLASSES = [
  {
    classId: 1,
    label: stringToHex('dc-tier', { size: 32 }),
    fp16TflopsMin: 756,
    memoryGbMin: 80,
    boardPowerWMax: 700,
    bondPerHourUsdc6: 9_000_000n, // at least bondCoveringCap(8 USD cap = 4 × the 2 USD ask)
  },
];
const H100 = 'NVIDIA H100 SXM5 80GB';

export interface TestDevice {
  privateKey: Uint8Array;
  address: Address;
  nodeId: number;
  siteType: SiteTypeName;
  /** What a simulated meter of the device needs. */
  site: DeviceSite;
  limits: NodeLimits;
}

export interface DeviceSite {
  pvWp: number;
  batteryWh: number;
  chargerW: number;
  gpuCount: number;
  gpuBoardPowerW: number;
}

export interface TestChain {
  anvil: Anvil;
  clients: Clients;
  deployment: Deployment;
  hasher: TelemetryHasher;
  devices: TestDevice[];
  stop(): Promise<void>;
}

const SPECS: Record<SiteTypeName, Omit<DeviceSite, 'gpuBoardPowerW'>> = {
  station: { pvWp: 500_000, batteryWh: 1_000_000, chargerW: 0, gpuCount: 8 },
  pile: { pvWp: 30_000, batteryWh: 100_000, chargerW: 120_000, gpuCount: 1 },
  home: { pvWp: 8_000, batteryWh: 13_500, chargerW: 11_000, gpuCount: 1 },
};

/** anvil + the deployed system + one registered node per site type in `siteTypes`, each with its own device key. */
export async function startTestChain(siteTypes: SiteTypeName[] = ['station', 'pile', 'home']): Promise<TestChain> {
  const anvil = await startAnvil();
  const clients = await connect(anvil.rpcUrl, ANVIL_DEFAULT_PRIVATE_KEY);
  const deployment = await deploySystem(clients, {
    capacityClasses: TEST_CLASSES,
    gpuModels: [{ gpuModel: stringToHex(H100, { size: 32 }), classId: 1 }],
    marketClasses: TEST_CLASSES.map((c) => marketClassFor(c, DATACENTER_ASK_USDC6)),
    minimumStakeUsdc6: DEFAULT_MINIMUM_STAKE_USDC6,
    deploymentsDir: mkdtempSync(join(tmpdir(), 'gh-deployments-')),
  });
  await faucet(clients, deployment, clients.account.address, 1_000_000_000_000n);
  const devices: TestDevice[] = [];
  for (const siteType of siteTypes) {
    const privateKey = randomBytes(32);
    const address = addressOfPrivateKey(privateKey);
    const spec = SPECS[siteType];
    const nodeId = await registerNode(
      clients,
      deployment,
      { deviceSigner: address, siteType, geohash: 'u33db', gpuModel: H100, ...spec },
      DEFAULT_MINIMUM_STAKE_USDC6[siteType],
      privateKeyToAccount(toHex(privateKey)),
    );
    devices.push({
      privateKey,
      address,
      nodeId: Number(nodeId),
      siteType,
      site: { ...spec, gpuBoardPowerW: TEST_CLASSES[0]!.boardPowerWMax },
      limits: {
        pvWp: spec.pvWp,
        batteryWh: spec.batteryWh,
        chargerW: spec.chargerW,
        gpuPowerWMax: TEST_CLASSES[0]!.boardPowerWMax * spec.gpuCount,
      },
    });
  }
  const hasher = new TelemetryHasher({ chainId: clients.chain.id, verifyingContract: deployment.attestationOracle });
  return { anvil, clients, deployment, hasher, devices, stop: () => anvil.stop() };
}

export { testDatabases, TEST_POSTGRES_URL, type TestDatabase } from '@greenhour/store/testing';
