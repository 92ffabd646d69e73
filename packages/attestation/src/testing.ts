// Test fixtures shared by the attestation and coordinator tests: a real anvil with the system deployed and nodes
// registered; the two databases every storage test runs against come from @greenhour/store/testing.
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect as connectNet, createServer as createNetServer } from 'node:net';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { hexToBytes, stringToHex, toHex, type Address } from 'viem';
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
import {
  addressOfPrivateKey,
  encodeTelemetry,
  signDigest,
  telemetryTopic,
  TelemetryHasher,
  ZERO_HASH,
  type NodeLimits,
  type Telemetry,
} from '@greenhour/telemetry';

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

export {
  testDatabases,
  startOwnPostgres,
  DATABASE_KINDS,
  POSTGRES_MISSING,
  MOSQUITTO_MISSING,
  OWN_SERVERS_MISSING,
  postgresBinaries,
  TEST_POSTGRES_URL,
  type TestDatabase,
  type OwnPostgres,
} from '@greenhour/store/testing';

/** A Mosquitto broker a test started for itself (to restart it), persistence on, stopped by its own process id. */
export interface OwnMosquitto {
  url: string;
  restart(): Promise<void>;
  stop(): Promise<void>;
}

export const MOSQUITTO_BIN = '/usr/sbin/mosquitto';

export async function startOwnMosquitto(): Promise<OwnMosquitto> {
  const dir = mkdtempSync(join(tmpdir(), 'gh-mosquitto-'));
  const probe = createNetServer().listen(0, '127.0.0.1');
  await once(probe, 'listening');
  const { port } = probe.address() as { port: number };
  await new Promise((r) => probe.close(r));
  const config = join(dir, 'mosquitto.conf');
  writeFileSync(
    config,
    [
      `listener ${port} 127.0.0.1`,
      'allow_anonymous true',
      'persistence true',
      `persistence_location ${dir}/`,
      // As root it would switch to the mosquitto user, which cannot write this directory.
      'user root',
      '',
    ].join('\n'),
  );
  let child: ChildProcess | undefined;
  const start = async () => {
    child = spawn(MOSQUITTO_BIN, ['-c', config], { stdio: 'ignore' });
    const deadline = Date.now() + 10_000;
    while (!(await portAccepts(port))) {
      if (child.exitCode !== null) throw new Error(`own Mosquitto exited with ${child.exitCode}`);
      if (Date.now() > deadline) throw new Error('own Mosquitto did not listen within 10 s');
      await new Promise((r) => setTimeout(r, 50));
    }
  };
  const stop = async () => {
    const c = child;
    if (c === undefined || c.exitCode !== null) return;
    c.kill('SIGTERM'); // Mosquitto saves its persistence file on SIGTERM.
    await once(c, 'exit');
  };
  await start();
  return {
    url: `mqtt://127.0.0.1:${port}`,
    async restart() {
      await stop();
      await start();
    },
    async stop() {
      await stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

function portAccepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connectNet(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

export interface SignedWindows {
  /** [topic, payload] in publishing order: window by window, every device in each. */
  messages: [string, string][];
  digests: Uint8Array[];
  signatures: Uint8Array[];
}

/** `windowsN` one-minute windows of every device, ending before the current hour so that none is in the future. */
export function signedWindows(chain: TestChain, windowsN: number): SignedWindows {
  const start = (Math.floor(Date.now() / 1000 / 3600) - Math.ceil(windowsN / 60)) * 3600;
  const out: SignedWindows = { messages: [], digests: [], signatures: [] };
  for (let w = 0; w < windowsN; w++)
    for (const d of chain.devices) {
      const m: Telemetry = {
        device: d.address.toLowerCase() as Telemetry['device'],
        seq: w + 1,
        windowStart: start + w * 60,
        windowEnd: start + w * 60 + 60,
        pvWh: 50,
        batteryInWh: 0,
        batteryOutWh: 0,
        batterySocWh: 5_000,
        gridImportWh: 5,
        gridExportWh: 0,
        gpuWh: 10,
        evWh: 0,
        uptimeS: 60,
        jobsHash: ZERO_HASH,
      };
      const digest = chain.hasher.digest(m);
      const signature = signDigest(digest, d.privateKey);
      out.messages.push([telemetryTopic(d.address), encodeTelemetry({ message: m, signature })]);
      out.digests.push(digest);
      out.signatures.push(hexToBytes(signature));
    }
  return out;
}
