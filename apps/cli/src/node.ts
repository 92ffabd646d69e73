// `greenhour node register` (the owner registers a device on chain: specs, stake, the device's signed binding) and
// `greenhour node status` (a node as the service's API has it, or as the registry has it with --rpc-url).
import { hexToString, isAddressEqual, stringToHex, zeroAddress, type Address, type Hex } from 'viem';
import { privateKeyToAccount } from 'viem/accounts';
import { nodeRegistryAbi, settlementTokenAbi } from '@greenhour/contracts';
import { registerNode, SITE_TYPE_ENUM, type SiteTypeName } from '@greenhour/chain';
import { UsageError, helpText, parseFlags, type FlagSpecs } from '@greenhour/flags';
import { createGreenhourClient, GreenhourApiError, type Schemas } from '@greenhour/sdk';
import {
  CHAIN_FLAGS,
  KEY_FILE_FLAG,
  RefusedError,
  oneLine,
  openChain,
  readKeyFile,
  revertOf,
  usd,
  usdToUsdc6,
} from './chainArgs.ts';
import { toJson } from './format.ts';
import { httpUrl } from './telemetry.ts';

type Io = { stdout: (s: string) => void; stderr: (s: string) => void };

const SITE_TYPES = Object.keys(SITE_TYPE_ENUM) as SiteTypeName[];
const UINT32_MAX = 0xffff_ffff;
const DEFAULT_API_URL = 'http://127.0.0.1:8787';
const GEOHASH_RE = /^[0123456789bcdefghjkmnpqrstuvwxyz]{1,12}$/;

export const NODE_REGISTER_FLAGS = {
  ...KEY_FILE_FLAG,
  'device-key-file': {
    kind: 'string',
    metavar: 'PATH',
    required: true,
    help: "file with the device's private key (same form): its address becomes the device signer, and it signs the binding to the owner",
  },
  'site-type': { kind: 'enum', values: SITE_TYPES, required: true, help: 'site type (sets the minimum stake)' },
  geohash: { kind: 'string', metavar: 'HASH', required: true, help: 'site location, 1 to 12 geohash characters' },
  'gpu-model': {
    kind: 'string',
    metavar: 'NAME',
    required: true,
    help: 'canonical GPU model name of the on-chain GPU table, e.g. "NVIDIA H100 SXM5 80GB" (sets the capacity class)',
  },
  'gpu-count': { kind: 'integer', metavar: 'N', min: 1, max: 0xffff, required: true, help: 'GPUs: GPU-hours a slot' },
  'pv-wp': { kind: 'integer', metavar: 'W', min: 0, max: UINT32_MAX, default: 0, help: 'PV peak power, W' },
  'battery-wh': { kind: 'integer', metavar: 'WH', min: 0, max: UINT32_MAX, default: 0, help: 'usable battery, Wh' },
  'charger-w': { kind: 'integer', metavar: 'W', min: 0, max: UINT32_MAX, default: 0, help: 'EV charger power, W' },
  'stake-usd': {
    kind: 'string',
    metavar: 'USD',
    help: "stake in USD of the settlement token, taken from the owner (default the registry's minimum for the site type)",
  },
  ...CHAIN_FLAGS,
  json: { kind: 'boolean', help: 'print one JSON document to stdout (amounts as usdc6 integer strings)' },
  help: { kind: 'boolean', help: 'show this help' },
} as const satisfies FlagSpecs;

export const NODE_STATUS_FLAGS = {
  node: { kind: 'integer', metavar: 'ID', min: 1, max: Number.MAX_SAFE_INTEGER, required: true, help: 'node id' },
  api: {
    kind: 'string',
    metavar: 'URL',
    help: `the Greenhour service API, GET /v1/nodes/ID (default ${DEFAULT_API_URL} unless --rpc-url is given)`,
  },
  'rpc-url': { kind: 'string', metavar: 'URL', help: 'read the NodeRegistry on this chain instead of the API' },
  deployments: { ...CHAIN_FLAGS.deployments, help: `with --rpc-url: ${CHAIN_FLAGS.deployments.help}` },
  json: { kind: 'boolean', help: 'print one JSON document to stdout (amounts as usdc6 integer strings)' },
  help: { kind: 'boolean', help: 'show this help' },
} as const satisfies FlagSpecs;

export const NODE_REGISTER_HELP = helpText(
  'greenhour node register --key-file PATH --device-key-file PATH --site-type TYPE --geohash HASH\n' +
    '         --gpu-model NAME --gpu-count N [--pv-wp W] [--battery-wh WH] [--charger-w W] [--stake-usd USD] [options]',
  'Register a device as a node on chain: the owner (--key-file) approves and stakes the settlement token, the device\n' +
    'key signs its binding to the owner (EIP-712). The capacity class follows from the GPU model. Prints the node id.',
  NODE_REGISTER_FLAGS,
);
export const NODE_STATUS_HELP = helpText(
  'greenhour node status --node ID [--api URL | --rpc-url URL [--deployments DIR]] [--json]',
  "A node's registration: owner, device signer, capacity class, status and stake, from the service API, or from the\n" +
    'NodeRegistry on chain when --rpc-url is given (chain statuses: online, in-progress, exiting, exited; the API\n' +
    'says active, exiting, exited).',
  NODE_STATUS_FLAGS,
);
export const NODE_HELP = [
  'Usage: greenhour node <register|status> [options]',
  '',
  '  node register   register a device on chain with its specs and stake (--key-file)',
  '  node status     a node: owner, device signer, status, stake (--api URL or --rpc-url URL)',
  '',
  "Run 'greenhour node <subcommand> --help' for the options.",
].join('\n');

export async function nodeCommand(argv: readonly string[], io: Io): Promise<number> {
  if (argv[0] === '--help' || argv[0] === undefined) {
    io.stdout(NODE_HELP + '\n');
    return argv[0] === undefined ? 2 : 0;
  }
  if (argv[0] === 'register') return nodeRegister(argv.slice(1), io);
  if (argv[0] === 'status') return nodeStatus(argv.slice(1), io);
  throw new UsageError('command', `node: unknown subcommand ${JSON.stringify(argv[0])} (expected register or status)`);
}

/** Flag at fault for a registry revert the checks before sending did not catch (a race, another chain). */
const REGISTER_REVERT_FLAG: Record<string, string> = {
  UnknownGpuModel: '--gpu-model',
  DeviceAlreadyRegistered: '--device-key-file',
  StakeBelowMinimum: '--stake-usd',
  StakeAboveMax: '--stake-usd',
  InvalidGeohash: '--geohash',
  ERC20InsufficientBalance: '--stake-usd',
};

async function nodeRegister(argv: readonly string[], io: Io): Promise<number> {
  // Help first: the required flags are not checked when asking for it.
  if (argv.includes('--help')) {
    io.stdout(NODE_REGISTER_HELP + '\n');
    return 0;
  }
  const flags = parseFlags(argv, NODE_REGISTER_FLAGS);
  if (!GEOHASH_RE.test(flags.geohash))
    throw new UsageError(
      '--geohash',
      `not a geohash: ${JSON.stringify(flags.geohash)} (1 to 12 of 0-9 and b-z without a, i, l, o)`,
    );
  if (!/^[\x20-\x7e]+$/.test(flags['gpu-model']) || flags['gpu-model'].length > 31)
    throw new UsageError('--gpu-model', `must be 1 to 31 printable ASCII characters, got ${flags['gpu-model'].length}`);
  const stakeArg = flags['stake-usd'] === undefined ? undefined : usdToUsdc6('--stake-usd', flags['stake-usd']);
  const ownerKey = readKeyFile('--key-file', flags['key-file']);
  const device = privateKeyToAccount(readKeyFile('--device-key-file', flags['device-key-file']));
  const { clients, deployment } = await openChain(flags, ownerKey);
  const owner = clients.account.address;
  const siteType = flags['site-type'] as SiteTypeName;
  const registry = { address: deployment.nodeRegistry, abi: nodeRegistryAbi } as const;
  const read = clients.publicClient;

  // Everything the registry would refuse, checked before the first transaction, so a refusal costs nothing.
  const [classId, existing, minimumUsdc6, balanceUsdc6] = await Promise.all([
    read.readContract({
      ...registry,
      functionName: 'classOfGpuModel',
      args: [stringToHex(flags['gpu-model'], { size: 32 })],
    }),
    read.readContract({ ...registry, functionName: 'nodeOfDevice', args: [device.address] }),
    read.readContract({ ...registry, functionName: 'minimumStakeUsdc6', args: [SITE_TYPE_ENUM[siteType]] }),
    read.readContract({
      address: deployment.settlementToken,
      abi: settlementTokenAbi,
      functionName: 'balanceOf',
      args: [owner],
    }),
  ]);
  if (classId === 0)
    throw new UsageError('--gpu-model', `${JSON.stringify(flags['gpu-model'])} is not in this chain's GPU model table`);
  if (existing !== 0n)
    throw new UsageError('--device-key-file', `device ${device.address} is already registered as node ${existing}`);
  const stakeUsdc6 = stakeArg ?? minimumUsdc6;
  if (stakeUsdc6 === 0n || stakeUsdc6 < minimumUsdc6)
    throw new UsageError(
      '--stake-usd',
      `${usd(stakeUsdc6)} is below the minimum ${usd(minimumUsdc6)} of a ${siteType}`,
    );
  if (balanceUsdc6 < stakeUsdc6)
    throw new RefusedError(
      '--stake-usd',
      `the owner ${owner} holds ${usd(balanceUsdc6)}, less than the stake ${usd(stakeUsdc6)}; nothing was sent`,
    );

  io.stderr(
    `greenhour: registering device ${device.address} (${siteType}, class ${classId}) with ${usd(stakeUsdc6)} stake; ` +
      'waiting for the approve and register transactions…\n',
  );
  let nodeId: bigint;
  try {
    nodeId = await registerNode(
      clients,
      deployment,
      {
        deviceSigner: device.address,
        siteType,
        geohash: flags.geohash,
        pvWp: flags['pv-wp'],
        batteryWh: flags['battery-wh'],
        chargerW: flags['charger-w'],
        gpuModel: flags['gpu-model'],
        gpuCount: flags['gpu-count'],
      },
      stakeUsdc6,
      device,
    );
  } catch (e) {
    const flag = REGISTER_REVERT_FLAG[revertOf(e)?.name ?? ''];
    if (flag) throw new RefusedError(flag, `the registry refused: ${oneLine(e)}`, { cause: e });
    throw new RefusedError('register', oneLine(e), { cause: e });
  }
  const result = { nodeId, owner, deviceSigner: device.address, siteType, classId, stakeUsdc6 };
  if (flags.json) io.stdout(toJson(result) + '\n');
  else
    io.stdout(
      `Registered node ${nodeId}: device ${device.address}, owner ${owner}, ${siteType}, class ${classId}, ` +
        `stake ${usd(stakeUsdc6)}\n`,
    );
  return 0;
}

export interface NodeStatusView {
  source: 'api' | 'chain';
  nodeId: string;
  owner: Address;
  deviceSigner: Address;
  classId: number;
  status: string;
  stakeUsdc6: bigint;
  /** Chain only: stake bonded behind outstanding hours. */
  bondedUsdc6?: bigint;
  /** API only: stake slashed so far. */
  slashedUsdc6?: bigint;
  spec: {
    siteType: string;
    geohash: string;
    pvWp: number;
    batteryWh: number;
    chargerW: number;
    gpuModel: string;
    gpuCount: number;
  };
}

const CHAIN_STATUS = ['none', 'online', 'in-progress', 'exiting', 'exited'] as const;
const bytesText = (hex: Hex) => hexToString(hex).replace(/\0+$/, '');

async function nodeStatus(argv: readonly string[], io: Io): Promise<number> {
  // Help first: the required flags are not checked when asking for it.
  if (argv.includes('--help')) {
    io.stdout(NODE_STATUS_HELP + '\n');
    return 0;
  }
  const flags = parseFlags(argv, NODE_STATUS_FLAGS);
  if (flags['rpc-url'] !== undefined && flags.api !== undefined)
    throw new UsageError('--api', 'give --api (the service) or --rpc-url (the chain), not both');
  if (flags['rpc-url'] === undefined && flags.deployments !== undefined)
    throw new UsageError('--deployments', 'only with --rpc-url (the API knows its own deployment)');
  const api = flags.api ?? DEFAULT_API_URL;
  const view = flags['rpc-url'] !== undefined ? await fromChain(flags) : await fromApi({ node: flags.node, api });
  if (flags.json) {
    io.stdout(toJson(view) + '\n');
    return 0;
  }
  const s = view.spec;
  const stake =
    usd(view.stakeUsdc6) +
    (view.bondedUsdc6 !== undefined ? ` (bonded ${usd(view.bondedUsdc6)})` : '') +
    (view.slashedUsdc6 !== undefined ? ` (slashed ${usd(view.slashedUsdc6)})` : '');
  io.stdout(
    [
      `Node ${view.nodeId} (${view.source === 'chain' ? `NodeRegistry at ${flags['rpc-url']}` : `API ${api}`})`,
      `  owner          ${view.owner}`,
      `  device signer  ${view.deviceSigner}`,
      `  status         ${view.status}`,
      `  class          ${view.classId}`,
      `  stake          ${stake}`,
      `  site           ${s.siteType}, geohash ${s.geohash}, PV ${s.pvWp} Wp, battery ${s.batteryWh} Wh, chargers ${s.chargerW} W`,
      `  GPUs           ${s.gpuCount} × ${s.gpuModel}`,
    ].join('\n') + '\n',
  );
  return 0;
}

async function fromChain(flags: {
  node: number;
  'rpc-url'?: string | undefined;
  deployments?: string | undefined;
}): Promise<NodeStatusView> {
  const { clients, deployment } = await openChain({ 'rpc-url': flags['rpc-url']!, deployments: flags.deployments });
  const registry = { address: deployment.nodeRegistry, abi: nodeRegistryAbi } as const;
  const id = BigInt(flags.node);
  const [n, status] = await Promise.all([
    clients.publicClient.readContract({ ...registry, functionName: 'node', args: [id] }),
    clients.publicClient.readContract({ ...registry, functionName: 'statusOf', args: [id] }),
  ]);
  if (isAddressEqual(n.owner, zeroAddress))
    throw new UsageError('--node', `no node ${flags.node} is registered on chain ${clients.chain.id}`);
  return {
    source: 'chain',
    nodeId: String(flags.node),
    owner: n.owner,
    deviceSigner: n.deviceSigner,
    classId: n.classId,
    status: CHAIN_STATUS[status] ?? `unknown (${status})`,
    stakeUsdc6: n.stakeUsdc6,
    bondedUsdc6: n.bondedUsdc6,
    spec: {
      siteType: SITE_TYPES[n.siteType] ?? `unknown (${n.siteType})`,
      geohash: bytesText(n.geohash),
      pvWp: n.pvWp,
      batteryWh: n.batteryWh,
      chargerW: n.chargerW,
      gpuModel: bytesText(n.gpuModel),
      gpuCount: n.gpuCount,
    },
  };
}

async function fromApi(flags: { node: number; api: string }): Promise<NodeStatusView> {
  const api = createGreenhourClient(httpUrl('--api', flags.api));
  let node: Schemas['Node'];
  try {
    node = (await api.GET('/v1/nodes/{nodeId}', { params: { path: { nodeId: String(flags.node) } } })).data!;
  } catch (e) {
    if (e instanceof GreenhourApiError && e.status === 0) throw new UsageError('--api', `${flags.api}: no answer`);
    if (e instanceof GreenhourApiError && e.status === 404)
      throw new UsageError('--node', `no node ${flags.node} is registered (${flags.api}: ${e.reason})`);
    throw e;
  }
  // The spec is the NodeRegistered event's, as the indexer stored it: enum and integers as numbers or strings.
  const spec = node.spec as Record<string, unknown>;
  const int = (k: string) => Number(spec[k]);
  const siteType = Number(spec.siteType);
  return {
    source: 'api',
    nodeId: node.nodeId,
    owner: node.owner as Address,
    deviceSigner: spec.deviceSigner as Address,
    classId: node.classId,
    status: node.status,
    stakeUsdc6: BigInt(node.stakeUsdc6),
    slashedUsdc6: BigInt(node.slashedUsdc6),
    spec: {
      siteType: SITE_TYPES[siteType] ?? `unknown (${String(spec.siteType)})`,
      geohash: bytesText(spec.geohash as Hex),
      pvWp: int('pvWp'),
      batteryWh: int('batteryWh'),
      chargerW: int('chargerW'),
      gpuModel: bytesText(spec.gpuModel as Hex),
      gpuCount: int('gpuCount'),
    },
  };
}
