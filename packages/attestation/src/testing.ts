// Test fixtures shared by the attestation and coordinator tests: a real anvil with the system deployed and nodes
// registered, and the two databases every storage test runs against (PGlite and the PostgreSQL server).
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
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
import { openDatabase, type Database } from './db.ts';

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

/** The PostgreSQL server the tests use; DATABASE_URL overrides it. */
export const TEST_POSTGRES_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

export interface TestDatabase {
  kind: 'pglite' | 'postgres';
  /** What DATABASE_URL would be set to ('' for PGlite). */
  url: string;
  /** PGlite's data directory, so that a restarted process finds the data. */
  dataDir?: string;
  open(): Promise<Database>;
  drop(): Promise<void>;
}

/** A fresh PGlite directory and a fresh database on the PostgreSQL server: every storage test runs on both. */
export async function testDatabases(): Promise<TestDatabase[]> {
  const dataDir = mkdtempSync(join(tmpdir(), 'gh-pglite-'));
  const name = `greenhour_test_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: TEST_POSTGRES_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(TEST_POSTGRES_URL);
  url.pathname = `/${name}`;
  return [
    { kind: 'pglite', url: '', dataDir, open: () => openDatabase({ dataDir }), drop: async () => {} },
    {
      kind: 'postgres',
      url: url.toString(),
      open: () => openDatabase({ databaseUrl: url.toString() }),
      async drop() {
        const c = new pg.Client({ connectionString: TEST_POSTGRES_URL });
        await c.connect();
        await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
        await c.end();
      },
    },
  ];
}
