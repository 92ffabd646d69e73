// One deploy for every chain: the embedded anvil or any RPC_URL. Writes deployments/<chainId>.json.
import { type Abi, type Address, type Hex, isAddress } from 'viem';
import {
  attestationOracleAbi,
  attestationOracleBytecode,
  computeHoursAbi,
  computeHoursBytecode,
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

export interface DeployOptions {
  /** An existing stablecoin; absent deploys SettlementToken (local chains and the demo faucet). */
  settlementToken?: Address | undefined;
  /** The attestation service's account: commits hourly roots (and confirms deliveries). Defaults to the deployer. */
  attestor?: Address;
  /** Bond the attester posts with each hourly commitment; defaults to DEFAULT_ATTESTER_BOND_USDC6. */
  attesterBondUsdc6?: bigint;
  capacityClasses: readonly CapacityClassRow[];
  gpuModels: readonly GpuModelRow[];
  minimumStakeUsdc6: Readonly<Record<SiteTypeName, bigint>>;
  metadataUri?: string;
  deploymentsDir: string;
  onStep?: (message: string) => void;
}

// A fraudulent commitment forfeits this to the first challenger. 100 USD: a challenge of 60 windows costs ~2M gas, at
// most a few USD on an L2, so proving fraud pays; it stays small next to the hourly revenue of the fleet it attests.
export const DEFAULT_ATTESTER_BOND_USDC6 = 100_000_000n;

export async function deploySystem(clients: Clients, options: DeployOptions): Promise<Deployment> {
  const { publicClient, walletClient, account } = clients;
  const log = options.onStep ?? (() => {});
  if (options.settlementToken !== undefined && !isAddress(options.settlementToken))
    throw new Error(`settlementToken: not an address: ${options.settlementToken}`);
  if (options.capacityClasses.length === 0) throw new Error('capacityClasses: at least one class is required');
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

  const attesterBondUsdc6 = options.attesterBondUsdc6 ?? DEFAULT_ATTESTER_BOND_USDC6;
  if (attesterBondUsdc6 <= 0n) throw new Error(`attesterBondUsdc6: must be positive, got ${attesterBondUsdc6}`);
  const attestationOracle = (
    await deployContract('AttestationOracle', attestationOracleAbi, attestationOracleBytecode, [
      nodeRegistry,
      computeHours,
      admin,
      attesterBondUsdc6,
    ])
  ).contractAddress!;

  const registry = { address: nodeRegistry, abi: nodeRegistryAbi } as const;
  const hours = { address: computeHours, abi: computeHoursAbi } as const;
  const oracle = { address: attestationOracle, abi: attestationOracleAbi } as const;
  const [obligationRole, registryAttestorRole, hoursAttestorRole, attesterRole] = await Promise.all([
    publicClient.readContract({ ...registry, functionName: 'OBLIGATION_ROLE' }),
    publicClient.readContract({ ...registry, functionName: 'ATTESTOR_ROLE' }),
    publicClient.readContract({ ...hours, functionName: 'ATTESTOR_ROLE' }),
    publicClient.readContract({ ...oracle, functionName: 'ATTESTER_ROLE' }),
  ]);
  await send('grant OBLIGATION_ROLE', { ...registry, functionName: 'grantRole', args: [obligationRole, computeHours] });
  // Only proven fraud slashes stake: the oracle is the registry's sole attestor.
  await send('grant registry ATTESTOR_ROLE', {
    ...registry,
    functionName: 'grantRole',
    args: [registryAttestorRole, attestationOracle],
  });
  // Green shares come from final attestations (the oracle); deliveries are confirmed by the attestation service.
  await send('grant hours ATTESTOR_ROLE', {
    ...hours,
    functionName: 'grantRole',
    args: [hoursAttestorRole, attestationOracle],
  });
  await send('grant hours ATTESTOR_ROLE', { ...hours, functionName: 'grantRole', args: [hoursAttestorRole, attestor] });
  await send('grant ATTESTER_ROLE', { ...oracle, functionName: 'grantRole', args: [attesterRole, attestor] });

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
    admin,
    attestor,
    deployedAtBlock: Number(firstBlock),
  };
  const path = writeDeployment(options.deploymentsDir, deployment);
  log(`wrote ${path}`);
  return deployment;
}
