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
    'admin',
    'attestor',
  ] as const) {
    if (typeof parsed[field] !== 'string' || !isAddress(parsed[field] as string))
      throw new Error(`${path}: field ${field} is not an address`);
  }
  if (parsed.chainId !== chainId) throw new Error(`${path}: field chainId is ${parsed.chainId}, expected ${chainId}`);
  return parsed as unknown as Deployment;
}
