// The contracts of a deployment, each with its name and ABI: the one table the indexer (which events to read) and the
// relay (which functions to send) both start from.
import type { Abi } from 'viem';
import {
  attestationOracleAbi,
  computeHoursAbi,
  greenComputeIndexAbi,
  hourMarketAbi,
  hourPositionsAbi,
  hourRouterAbi,
  nodeRegistryAbi,
  settlementTokenAbi,
} from '@greenhour/contracts';

export const DEPLOYED_CONTRACTS = [
  { name: 'SettlementToken', field: 'settlementToken', abi: settlementTokenAbi },
  { name: 'NodeRegistry', field: 'nodeRegistry', abi: nodeRegistryAbi },
  { name: 'ComputeHours', field: 'computeHours', abi: computeHoursAbi },
  { name: 'AttestationOracle', field: 'attestationOracle', abi: attestationOracleAbi },
  { name: 'HourMarket', field: 'hourMarket', abi: hourMarketAbi },
  { name: 'HourPositions', field: 'hourPositions', abi: hourPositionsAbi },
  { name: 'HourRouter', field: 'hourRouter', abi: hourRouterAbi },
  { name: 'GreenComputeIndex', field: 'greenComputeIndex', abi: greenComputeIndexAbi },
] as const satisfies readonly { name: string; field: string; abi: Abi }[];

export type DeployedContractName = (typeof DEPLOYED_CONTRACTS)[number]['name'];
/** The Deployment field holding the contract's address. */
export type DeployedContractField = (typeof DEPLOYED_CONTRACTS)[number]['field'];
