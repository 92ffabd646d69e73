// Pure core: which contracts a deployment has, and one log decoded into one chain_events row.
import { decodeEventLog, getAddress, isAddress, type Abi, type Address, type Hex } from 'viem';
import { DEPLOYED_CONTRACTS, type Deployment } from '@greenhour/chain';
import { ConfigError } from '@greenhour/errors';

/** The contracts of a deployment the indexer reads, by the name stored in chain_events.contract. */
export const CONTRACTS = DEPLOYED_CONTRACTS;

export type ContractName = (typeof CONTRACTS)[number]['name'];

export interface IndexedContract {
  name: ContractName;
  address: Address;
  abi: Abi;
}

/** The deployment's contracts, each address checked; an address that is missing or malformed names its field. */
export function contractsOf(deployment: Deployment): IndexedContract[] {
  const seen = new Map<string, string>();
  return CONTRACTS.map(({ name, field, abi }) => {
    const address = deployment[field];
    if (typeof address !== 'string' || !isAddress(address, { strict: false }))
      throw new ConfigError(`deployment.${field}`, `not an address: ${String(address)}`);
    const key = address.toLowerCase();
    if (seen.has(key))
      throw new ConfigError(`deployment.${field}`, `same address as deployment.${seen.get(key)}: ${address}`);
    seen.set(key, field);
    return { name, address: getAddress(address), abi: abi as Abi };
  });
}

/** A log as getLogs returns it (only the fields the indexer reads). */
export interface RawLog {
  address: Address;
  blockNumber: bigint | null;
  blockHash: Hex | null;
  transactionHash: Hex | null;
  logIndex: number | null;
  data: Hex;
  topics: readonly Hex[];
}

/** One chain_events row. `args` is JSON: bigints as decimal strings, nested structs as objects. */
export interface EventRow {
  chainId: number;
  blockNumber: number;
  blockHash: Hex;
  blockTimestamp: number;
  txHash: Hex;
  logIndex: number;
  contract: ContractName;
  address: Address;
  event: string;
  args: Record<string, unknown>;
}

/** Makes a decoded value JSON-able: bigint → decimal string, arrays and structs recursively. */
export function toJsonValue(value: unknown): unknown {
  if (typeof value === 'bigint') return value.toString();
  if (Array.isArray(value)) return value.map(toJsonValue);
  if (value !== null && typeof value === 'object')
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, toJsonValue(v)]));
  return value;
}

/**
 * Decodes one log of one of `contracts` into a row; `null` for a log of another address (getLogs was asked for ours
 * only, so that means a misbehaving node) or a pending log. A log of our address that our ABI does not decode throws:
 * the ABI and the deployment disagree, and skipping it would lose an event silently.
 */
export function decodeLog(
  chainId: number,
  contracts: readonly IndexedContract[],
  log: RawLog,
  blockTimestamp: number,
): EventRow | null {
  const contract = contracts.find((c) => c.address.toLowerCase() === log.address.toLowerCase());
  if (!contract) return null;
  if (log.blockNumber === null || log.blockHash === null || log.transactionHash === null || log.logIndex === null)
    return null;
  let decoded: { eventName: string | undefined; args: unknown };
  try {
    decoded = decodeEventLog({
      abi: contract.abi,
      data: log.data,
      topics: log.topics as [Hex, ...Hex[]],
      strict: true,
    });
  } catch (err) {
    throw new Error(
      `${contract.name} at ${contract.address}: block ${log.blockNumber} log ${log.logIndex} does not decode with its ABI: ${(err as Error).message.split('\n')[0]}`,
      { cause: err },
    );
  }
  const args = decoded.args;
  return {
    chainId,
    blockNumber: Number(log.blockNumber),
    blockHash: log.blockHash,
    blockTimestamp,
    txHash: log.transactionHash,
    logIndex: log.logIndex,
    contract: contract.name,
    address: contract.address,
    event: decoded.eventName ?? 'unknown',
    args: (args === undefined || Array.isArray(args) ? {} : toJsonValue(args)) as Record<string, unknown>,
  };
}
