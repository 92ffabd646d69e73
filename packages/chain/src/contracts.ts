// The contracts of a deployment, each with its name and ABI: the one table the indexer (which events to read) and the
// relay (which functions to send) both start from, and the errors they declare, which every revert is decoded against.
import { BaseError, ContractFunctionRevertedError, decodeErrorResult, type Abi } from 'viem';
import {
  attestationOracleAbi,
  computeHoursAbi,
  greenComputeIndexAbi,
  hourMarketAbi,
  hourPositionsAbi,
  hourRouterAbi,
  jobMarketAbi,
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
  { name: 'JobMarket', field: 'jobMarket', abi: jobMarketAbi },
] as const satisfies readonly { name: string; field: string; abi: Abi }[];

export type DeployedContractName = (typeof DEPLOYED_CONTRACTS)[number]['name'];
/** The Deployment field holding the contract's address. */
export type DeployedContractField = (typeof DEPLOYED_CONTRACTS)[number]['field'];

/** Every custom error of the deployment's contracts (and the OpenZeppelin ones they inherit), once each: a revert
 * raised by a contract a call went through (the registry under ComputeHours.mint) decodes too. */
export const DEPLOYED_ERRORS_ABI: Abi = (() => {
  const seen = new Set<string>();
  const out: Abi[number][] = [];
  for (const { abi } of DEPLOYED_CONTRACTS)
    for (const item of abi as Abi)
      if (item.type === 'error') {
        const signature = `${item.name}(${item.inputs.map((i) => i.type).join(',')})`;
        if (!seen.has(signature)) {
          seen.add(signature);
          out.push(item);
        }
      }
  return out;
})();

/** The custom error a contract call reverted with (name and arguments), decoded against every deployed contract's
 * errors; undefined when `err` is no revert, or one no deployed contract declares. */
export function revertOf(err: unknown): { name: string; args: readonly unknown[] } | undefined {
  if (!(err instanceof BaseError)) return undefined;
  const reverted = err.walk((e) => e instanceof ContractFunctionRevertedError);
  if (!(reverted instanceof ContractFunctionRevertedError)) return undefined;
  if (reverted.data) return { name: reverted.data.errorName, args: reverted.data.args ?? [] };
  if (reverted.raw === undefined) return undefined;
  try {
    const { errorName, args } = decodeErrorResult({ abi: DEPLOYED_ERRORS_ABI, data: reverted.raw });
    return { name: errorName, args: args ?? [] };
  } catch {
    return undefined;
  }
}

/** `err` in one line: a revert as `reverted Name(arg, …)`, otherwise the first line of its message. */
export function oneLine(err: unknown): string {
  const r = revertOf(err);
  if (r) return `reverted ${r.name}(${r.args.map(String).join(', ')})`;
  return (err instanceof Error ? err.message : String(err)).split('\n')[0]!;
}
