// One deploy for every chain: the embedded anvil or any RPC_URL. Writes deployments/<chainId>.json.
import { type Abi, type Address, type Hex, isAddress } from 'viem';
import {
  attestationOracleAbi,
  attestationOracleBytecode,
  computeHoursAbi,
  computeHoursBytecode,
  greenComputeIndexAbi,
  greenComputeIndexBytecode,
  jobMarketAbi,
  jobMarketBytecode,
  hourMarketAbi,
  hourMarketBytecode,
  hourRouterAbi,
  hourRouterBytecode,
  nodeRegistryAbi,
  nodeRegistryBytecode,
  settlementTokenAbi,
  settlementTokenBytecode,
} from '@greenhour/contracts';
import type { Clients } from './clients.ts';
import { writeDeployment, type Deployment } from './deployments.ts';
import { SITE_TYPE_ENUM, type SiteTypeName } from './types.ts';

export interface CapacityClassRow {
  classId: number;
  label: Hex;
  fp16TflopsMin: number;
  memoryGbMin: number;
  boardPowerWMax: number;
  bondPerHourUsdc6: bigint;
}

export interface GpuModelRow {
  gpuModel: Hex;
  classId: number;
}

/** Hour-market curve of one capacity class (HourMarket.ClassConfig), prices per GPU-hour of the class in usdc6. */
export interface MarketClassRow {
  classId: number;
  /** Price of an hour with no net sales, at full unit value: the bottom of the curve. */
  askUsdc6: bigint;
  /** Price of an hour with every hour sold: the top of the curve. */
  capUsdc6: bigint;
  /** The node's marginal energy cost of an hour: what an unsold hour's premium decays toward. */
  floorUsdc6: bigint;
  /** Seconds before the slot at which the decay starts. */
  decayHorizonS: number;
  /** Weight of the class in the green compute index; 0 leaves it out. */
  indexWeight: number;
  /** Trades set the class price (TWAP, index) only in markets at least this deep, in virtual hours. */
  indexMinDepthHours: number;
}

// Default hour-market curve of a capacity class, from its ask (the rental price of one GPU-hour of the class):
// - cap = 4 × ask: room for a scarcity premium of up to four times the list price before the curve runs out of hours;
//   datacenter H100-class ask 2.00 USD → cap 8.00; consumer class ask 0.40 → cap 1.60.
// - floor = energy cost of one GPU-hour at the class's board power and 0.15 USD/kWh, rounded up to a whole usdc6:
//   700 W (H100 SXM) = 0.7 kWh → 0.105 USD = 105_000; 450 W (RTX 4090-class) = 0.45 kWh → 67_500. Unsold capacity is
//   worth its energy to the node and no less: below that it would rather stay idle.
// - decay horizon 24 h: the day-ahead window, in which a node's solar supply is forecast and unsold hours lose value.
// - index weight 1: every listed class counts equally in the green compute index.
// - index minimum depth 12 virtual hours: a one-hour trade moves such a market's price by at most (12/11)² − 1 = 19 %;
//   a station's 8 GPU-hours provided at cap = 4 × ask make 16 virtual hours, deep enough until half are sold. A trade in
//   a thinner market does not set the class price (TWAP, index).
/** Ask of a datacenter H100-class GPU-hour (700 W): 2.00 USD. */
export const DATACENTER_ASK_USDC6 = 2_000_000n;
/** Ask of a consumer GPU-hour (RTX 4090-class, 450 W): 0.40 USD. */
export const CONSUMER_ASK_USDC6 = 400_000n;
/** Electricity price of the floor: 0.15 USD/kWh, in usdc6. */
export const FLOOR_ENERGY_PRICE_USDC6_PER_KWH = 150_000n;
export const MARKET_CAP_PER_ASK = 4n;
export const DEFAULT_MARKET_DECAY_HORIZON_S = 24 * 3600;
export const DEFAULT_INDEX_MIN_DEPTH_HOURS = 12;

/** The default market curve (see above) of a capacity class at `askUsdc6` per GPU-hour. */
export function marketClassFor(
  capacityClass: Pick<CapacityClassRow, 'classId' | 'boardPowerWMax'>,
  askUsdc6: bigint,
): MarketClassRow {
  const { classId, boardPowerWMax } = capacityClass;
  if (!Number.isInteger(boardPowerWMax) || boardPowerWMax <= 0)
    throw new Error(`boardPowerWMax: must be a positive integer, got ${boardPowerWMax}`);
  if (askUsdc6 <= 0n) throw new Error(`askUsdc6: must be positive, got ${askUsdc6}`);
  // W × usdc6/kWh / 1000 = usdc6 per hour, rounded up.
  const floorUsdc6 = (BigInt(boardPowerWMax) * FLOOR_ENERGY_PRICE_USDC6_PER_KWH + 999n) / 1000n;
  if (floorUsdc6 > askUsdc6)
    throw new Error(`askUsdc6: class ${classId} asks ${askUsdc6}, below its energy floor ${floorUsdc6}`);
  return {
    classId,
    askUsdc6,
    capUsdc6: askUsdc6 * MARKET_CAP_PER_ASK,
    floorUsdc6,
    decayHorizonS: DEFAULT_MARKET_DECAY_HORIZON_S,
    indexWeight: 1,
    indexMinDepthHours: DEFAULT_INDEX_MIN_DEPTH_HOURS,
  };
}

// HourMarket's largest fee (MAX_FEE_BPS): a buyer pays at most cap × (1 + 10 %) per hour, fee included.
const MAX_FEE_BPS = 1_000n;

/**
 * The smallest bond per hour that covers every price a market with cap `capUsdc6` can charge, fee and rounding
 * included: ⌈cap × (10,000 + MAX_FEE_BPS) / 10,000⌉ + 3 usdc6 (a buy rounds its cost up twice). HourMarket lowers an
 * hour id's cap to fit under its bond (docs/ARCHITECTURE.md, "Delivery guarantee"); a smaller bond lowers the cap.
 */
export function bondCoveringCap(capUsdc6: bigint): bigint {
  return (capUsdc6 * (10_000n + MAX_FEE_BPS) + 9_999n) / 10_000n + 3n;
}

const UINT64_MAX = (1n << 64n) - 1n;
// HourMarket's bounds (contracts/src/libraries/Constants.sol): cap ≤ 1,000,000 USD, decay horizon ≤ 90 days.
const MAX_PRICE_USDC6 = 1_000_000_000_000n;
const MAX_DECAY_HORIZON_S = 90 * 24 * 3600;

/** Rejects a market class the contract would refuse, before anything is deployed; errors name the class and field. */
function checkMarketClasses(rows: readonly MarketClassRow[], capacityClasses: readonly CapacityClassRow[]): void {
  const seen = new Set<number>();
  for (const m of rows) {
    const where = `marketClasses[class ${m.classId}]`;
    if (!capacityClasses.some((c) => c.classId === m.classId))
      throw new Error(`${where}.classId: not one of the capacity classes`);
    if (seen.has(m.classId)) throw new Error(`${where}.classId: listed twice`);
    seen.add(m.classId);
    if (m.askUsdc6 <= 0n || m.askUsdc6 > UINT64_MAX)
      throw new Error(`${where}.askUsdc6: must be positive, got ${m.askUsdc6}`);
    if (m.floorUsdc6 <= 0n || m.floorUsdc6 > m.askUsdc6)
      throw new Error(`${where}.floorUsdc6: must be in (0, askUsdc6 = ${m.askUsdc6}], got ${m.floorUsdc6}`);
    if (m.capUsdc6 <= m.askUsdc6 || m.capUsdc6 > MAX_PRICE_USDC6)
      throw new Error(
        `${where}.capUsdc6: must be above askUsdc6 = ${m.askUsdc6} and at most ${MAX_PRICE_USDC6}, got ${m.capUsdc6}`,
      );
    const bond = capacityClasses.find((c) => c.classId === m.classId)!.bondPerHourUsdc6;
    if (bond < bondCoveringCap(m.capUsdc6))
      throw new Error(
        `capacityClasses[class ${m.classId}].bondPerHourUsdc6: ${bond} does not cover the market's cap with its ` +
          `largest fee; at least ${bondCoveringCap(m.capUsdc6)}`,
      );
    if (!Number.isInteger(m.decayHorizonS) || m.decayHorizonS <= 0 || m.decayHorizonS > MAX_DECAY_HORIZON_S)
      throw new Error(
        `${where}.decayHorizonS: must be an integer in [1, ${MAX_DECAY_HORIZON_S}], got ${m.decayHorizonS}`,
      );
    if (!Number.isInteger(m.indexWeight) || m.indexWeight < 0 || m.indexWeight > 0xffff)
      throw new Error(`${where}.indexWeight: must be an integer in [0, 65535], got ${m.indexWeight}`);
    if (!Number.isInteger(m.indexMinDepthHours) || m.indexMinDepthHours < 0 || m.indexMinDepthHours > 0xffff)
      throw new Error(`${where}.indexMinDepthHours: must be an integer in [0, 65535], got ${m.indexMinDepthHours}`);
  }
}

export interface DeployOptions {
  /** An existing stablecoin; absent deploys SettlementToken (local chains and the demo faucet). */
  settlementToken?: Address | undefined;
  /** The attestation service's account: commits hourly roots (and confirms deliveries). Defaults to the deployer. */
  attestor?: Address;
  /**
   * Bond the attester posts per bonded record of each hourly commitment (bondOf(recordCount) in all), paid to the
   * challenger of each record proven false; defaults to DEFAULT_ATTESTER_BOND_PER_RECORD_USDC6.
   */
  attesterBondPerRecordUsdc6?: bigint;
  capacityClasses: readonly CapacityClassRow[];
  gpuModels: readonly GpuModelRow[];
  /** Hour-market curves listed at deploy, each for one of `capacityClasses` (see marketClassFor for defaults). */
  marketClasses: readonly MarketClassRow[];
  minimumStakeUsdc6: Readonly<Record<SiteTypeName, bigint>>;
  metadataUri?: string;
  deploymentsDir: string;
  onStep?: (message: string) => void;
}

// Each record proven false forfeits this to its challenger. 10 USD: the costliest challenge (60 windows, a 32-hash proof)
// is 1.2M gas under EIP-7623 (docs/TELEMETRY.md), about 3.6 USD at 1 gwei and 3,000 USD/ETH and cents on an L2, so
// proving any false record pays; a commit of n records locks 2^ceil(log2 n) of them for the 6-hour window (10,240 USD
// for 1,000 nodes), returned but for the records excluded.
export const DEFAULT_ATTESTER_BOND_PER_RECORD_USDC6 = 10_000_000n;

export async function deploySystem(clients: Clients, options: DeployOptions): Promise<Deployment> {
  const { publicClient, walletClient, account } = clients;
  const log = options.onStep ?? (() => {});
  if (options.settlementToken !== undefined && !isAddress(options.settlementToken))
    throw new Error(`settlementToken: not an address: ${options.settlementToken}`);
  if (options.capacityClasses.length === 0) throw new Error('capacityClasses: at least one class is required');
  checkMarketClasses(options.marketClasses, options.capacityClasses);
  const admin = account.address;
  const attestor = options.attestor ?? admin;

  const deployContract = async (name: string, abi: Abi, bytecode: Hex, args: readonly unknown[]) => {
    const hash = await walletClient.deployContract({ abi, bytecode, args });
    const receipt = await publicClient.waitForTransactionReceipt({ hash });
    if (receipt.status !== 'success' || !receipt.contractAddress) throw new Error(`deploy ${name}: reverted (${hash})`);
    log(`deployed ${name} at ${receipt.contractAddress}`);
    return receipt;
  };
  const send = async (what: string, request: Parameters<typeof walletClient.writeContract>[0]) => {
    const hash = await walletClient.writeContract(request);
    const receipt = await publicClient.waitForTransactionReceipt({ hash });
    if (receipt.status !== 'success') throw new Error(`${what}: reverted (${hash})`);
  };

  let settlementToken = options.settlementToken;
  const settlementTokenDeployed = settlementToken === undefined;
  let firstBlock: bigint | undefined;
  if (settlementToken === undefined) {
    const receipt = await deployContract('SettlementToken', settlementTokenAbi, settlementTokenBytecode, [admin]);
    settlementToken = receipt.contractAddress!;
    firstBlock = receipt.blockNumber;
  }
  const registryReceipt = await deployContract('NodeRegistry', nodeRegistryAbi, nodeRegistryBytecode, [
    settlementToken,
    admin,
  ]);
  const nodeRegistry = registryReceipt.contractAddress!;
  firstBlock ??= registryReceipt.blockNumber;
  const computeHours = (
    await deployContract('ComputeHours', computeHoursAbi, computeHoursBytecode, [
      nodeRegistry,
      admin,
      options.metadataUri ?? 'https://greenhour.example/hours/{id}.json',
    ])
  ).contractAddress!;

  const bondPerRecordUsdc6 = options.attesterBondPerRecordUsdc6 ?? DEFAULT_ATTESTER_BOND_PER_RECORD_USDC6;
  if (bondPerRecordUsdc6 <= 0n)
    throw new Error(`attesterBondPerRecordUsdc6: must be positive, got ${bondPerRecordUsdc6}`);
  const attestationOracle = (
    await deployContract('AttestationOracle', attestationOracleAbi, attestationOracleBytecode, [
      nodeRegistry,
      computeHours,
      admin,
      bondPerRecordUsdc6,
    ])
  ).contractAddress!;

  // The hour market after the existing contracts, so that their addresses on a fresh chain do not move.
  const hourMarket = (
    await deployContract('HourMarket', hourMarketAbi, hourMarketBytecode, [settlementToken, computeHours, admin])
  ).contractAddress!;
  const market = { address: hourMarket, abi: hourMarketAbi } as const;
  // Lower case like the receipt addresses above, so the deployments file has one spelling.
  const hourPositions = (
    await publicClient.readContract({ ...market, functionName: 'positions' })
  ).toLowerCase() as Address;
  log(`HourMarket deployed HourPositions at ${hourPositions}`);
  const hourRouter = (await deployContract('HourRouter', hourRouterAbi, hourRouterBytecode, [hourMarket]))
    .contractAddress!;
  const greenComputeIndex = (
    await deployContract('GreenComputeIndex', greenComputeIndexAbi, greenComputeIndexBytecode, [hourMarket])
  ).contractAddress!;
  const jobMarket = (
    await deployContract('JobMarket', jobMarketAbi, jobMarketBytecode, [hourMarket, nodeRegistry, admin])
  ).contractAddress!;

  const registry = { address: nodeRegistry, abi: nodeRegistryAbi } as const;
  const hours = { address: computeHours, abi: computeHoursAbi } as const;
  const oracle = { address: attestationOracle, abi: attestationOracleAbi } as const;
  const [obligationRole, slasherRole, registryWiringRole, greenShareRole, deliveryRole, hoursWiringRole, attesterRole] =
    await Promise.all([
      publicClient.readContract({ ...registry, functionName: 'OBLIGATION_ROLE' }),
      publicClient.readContract({ ...registry, functionName: 'SLASHER_ROLE' }),
      publicClient.readContract({ ...registry, functionName: 'WIRING_ROLE' }),
      publicClient.readContract({ ...hours, functionName: 'GREEN_SHARE_ROLE' }),
      publicClient.readContract({ ...hours, functionName: 'DELIVERY_ROLE' }),
      publicClient.readContract({ ...hours, functionName: 'WIRING_ROLE' }),
      publicClient.readContract({ ...oracle, functionName: 'ATTESTER_ROLE' }),
    ]);
  // Roles and who holds them: docs/ARCHITECTURE.md, "Roles". The compute hours alone move bonded stake; only proven
  // fraud (the oracle) slashes stake and writes green shares; the attestation service commits roots and confirms
  // deliveries. The deployer then renounces the wiring roles, so nobody (the admin included) can grant those again.
  await send('grant OBLIGATION_ROLE', { ...registry, functionName: 'grantRole', args: [obligationRole, computeHours] });
  await send('grant SLASHER_ROLE', { ...registry, functionName: 'grantRole', args: [slasherRole, attestationOracle] });
  await send('grant GREEN_SHARE_ROLE', {
    ...hours,
    functionName: 'grantRole',
    args: [greenShareRole, attestationOracle],
  });
  await send('grant DELIVERY_ROLE', { ...hours, functionName: 'grantRole', args: [deliveryRole, attestor] });
  await send('grant ATTESTER_ROLE', { ...oracle, functionName: 'grantRole', args: [attesterRole, attestor] });
  // The service runs the scheduler with the attestation service's account: it assigns jobs and nothing else there.
  const jobs = { address: jobMarket, abi: jobMarketAbi } as const;
  const schedulerRole = await publicClient.readContract({ ...jobs, functionName: 'SCHEDULER_ROLE' });
  await send('grant SCHEDULER_ROLE', { ...jobs, functionName: 'grantRole', args: [schedulerRole, attestor] });
  await send('renounce registry WIRING_ROLE', {
    ...registry,
    functionName: 'renounceRole',
    args: [registryWiringRole, admin],
  });
  await send('renounce hours WIRING_ROLE', { ...hours, functionName: 'renounceRole', args: [hoursWiringRole, admin] });

  for (const c of options.capacityClasses) {
    await send(`setCapacityClass ${c.classId}`, {
      ...registry,
      functionName: 'setCapacityClass',
      args: [
        c.classId,
        {
          label: c.label,
          fp16TflopsMin: c.fp16TflopsMin,
          memoryGbMin: c.memoryGbMin,
          boardPowerWMax: c.boardPowerWMax,
          bondPerHourUsdc6: c.bondPerHourUsdc6,
        },
      ],
    });
  }
  for (const m of options.gpuModels) {
    await send(`setGpuModelClass ${m.gpuModel}`, {
      ...registry,
      functionName: 'setGpuModelClass',
      args: [m.gpuModel, m.classId],
    });
  }
  log(`published ${options.capacityClasses.length} capacity classes and ${options.gpuModels.length} GPU models`);
  for (const m of options.marketClasses) {
    await send(`listClass ${m.classId}`, {
      ...market,
      functionName: 'listClass',
      args: [
        m.classId,
        {
          askUsdc6: m.askUsdc6,
          capUsdc6: m.capUsdc6,
          floorUsdc6: m.floorUsdc6,
          decayHorizonS: m.decayHorizonS,
          indexWeight: m.indexWeight,
          indexMinDepthHours: m.indexMinDepthHours,
        },
      ],
    });
  }
  log(`listed ${options.marketClasses.length} hour-market classes`);
  for (const [name, siteType] of Object.entries(SITE_TYPE_ENUM) as [SiteTypeName, number][]) {
    await send(`setMinimumStake ${name}`, {
      ...registry,
      functionName: 'setMinimumStake',
      args: [siteType, options.minimumStakeUsdc6[name]],
    });
  }

  const deployment: Deployment = {
    chainId: clients.chain.id,
    settlementToken,
    settlementTokenDeployed,
    nodeRegistry,
    computeHours,
    attestationOracle,
    hourMarket,
    hourPositions,
    hourRouter,
    greenComputeIndex,
    jobMarket,
    admin,
    attestor,
    deployedAtBlock: Number(firstBlock),
  };
  const path = writeDeployment(options.deploymentsDir, deployment);
  log(`wrote ${path}`);
  return deployment;
}
