import { mkdirSync, readFileSync, writeFileSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import { isAddress, type Address } from 'viem';

export interface Deployment {
  chainId: number;
  settlementToken: Address;
  /** True when the token is our SettlementToken (local chains), false for an external stablecoin. */
  settlementTokenDeployed: boolean;
  nodeRegistry: Address;
  computeHours: Address;
  attestationOracle: Address;
  /** The hour market: one AMM per (capacity class, slot) of compute hours against the settlement token. */
  hourMarket: Address;
  /** ERC-721 liquidity positions of the hour market, deployed by its constructor. */
  hourPositions: Address;
  /** Bundle buys and basket sells over the hour market. */
  hourRouter: Address;
  /** TWAPs of the hour market's classes and the green compute index. */
  greenComputeIndex: Address;
  /** Buyers' jobs with escrowed payment; the attestation service's account holds its scheduler role. */
  jobMarket: Address;
  admin: Address;
  attestor: Address;
  deployedAtBlock: number;
}

export function deploymentPath(dir: string, chainId: number): string {
  return join(dir, `${chainId}.json`);
}

/** Writes atomically (temp file + rename) so that a crash never leaves half a deployments file. */
export function writeDeployment(dir: string, deployment: Deployment): string {
  mkdirSync(dir, { recursive: true });
  const path = deploymentPath(dir, deployment.chainId);
  writeFileSync(`${path}.tmp`, JSON.stringify(deployment, null, 2) + '\n');
  renameSync(`${path}.tmp`, path);
  return path;
}

export function readDeployment(dir: string, chainId: number): Deployment {
  const path = deploymentPath(dir, chainId);
  let parsed: Record<string, unknown>;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new Error(`${path}: cannot read deployment: ${(err as Error).message}`);
  }
  for (const field of [
    'settlementToken',
    'nodeRegistry',
    'computeHours',
    'attestationOracle',
    'hourMarket',
    'hourPositions',
    'hourRouter',
    'greenComputeIndex',
    'jobMarket',
    'admin',
    'attestor',
  ] as const) {
    if (typeof parsed[field] !== 'string' || !isAddress(parsed[field] as string))
      throw new Error(`${path}: field ${field} is not an address`);
  }
  if (parsed.chainId !== chainId) throw new Error(`${path}: field chainId is ${parsed.chainId}, expected ${chainId}`);
  return parsed as unknown as Deployment;
}
