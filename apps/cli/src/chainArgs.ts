// What the chain commands (`node`, `market`) share: the owner's key from a file (never the command line), the RPC
// endpoint and the deployment file, USD amounts as exact usdc6 integers, and revert reasons in words.
import { readFileSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Hex } from 'viem';
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts';
import { connect, readDeployment, type Clients, type Deployment } from '@greenhour/chain';
import { GreenhourError } from '@greenhour/errors';
import { UsageError, type FlagSpecs } from '@greenhour/flags';
import { httpUrl } from './telemetry.ts';

const REPO_ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

/** Where `npm start` (apps/devnet) and the service write and read `<chainId>.json`. */
export function defaultDeploymentsDir(env: NodeJS.ProcessEnv = process.env): string {
  return env.DEPLOYMENTS_DIR?.trim() || join(REPO_ROOT, 'deployments');
}

export const DEFAULT_RPC_URL = 'http://127.0.0.1:8545';

export const CHAIN_FLAGS = {
  'rpc-url': { kind: 'string', metavar: 'URL', default: DEFAULT_RPC_URL, help: 'JSON-RPC endpoint of the chain' },
  deployments: {
    kind: 'string',
    metavar: 'DIR',
    help: 'folder of <chainId>.json deployment files (default $DEPLOYMENTS_DIR, else deployments/ of the repository, where npm start writes it)',
  },
} as const satisfies FlagSpecs;

export const KEY_FILE_FLAG = {
  'key-file': {
    kind: 'string',
    metavar: 'PATH',
    required: true,
    help: "file with the account's private key: one line, 0x and 64 hex digits, readable by its owner only (chmod 600)",
  },
} as const satisfies FlagSpecs;

/** A refusal of a well-formed request (a price bound, a balance): exit code 1, the flag named. */
export class RefusedError extends GreenhourError {}

/**
 * The private key in `path`: the file must be a regular file that neither group nor others may read or write (as
 * ssh demands of its keys), holding one line `0x` + 64 hex digits that is a valid secp256k1 key. The key is never
 * echoed in an error.
 */
export function readKeyFile(flag: string, path: string): Hex {
  let mode: number;
  try {
    const st = statSync(path);
    if (!st.isFile()) throw new UsageError(flag, `${path} is not a regular file`);
    mode = st.mode & 0o777;
  } catch (e) {
    if (e instanceof UsageError) throw e;
    throw new UsageError(flag, `cannot read ${path} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  if ((mode & 0o077) !== 0)
    throw new UsageError(
      flag,
      `permissions 0${mode.toString(8)} of ${path} are too open: a private key must not be readable by group or ` +
        `others (chmod 600 ${path})`,
    );
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new UsageError(flag, `cannot read ${path} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  const line = text.replace(/\r?\n$/, '');
  if (!/^0x[0-9a-fA-F]{64}$/.test(line))
    throw new UsageError(flag, `${path} does not hold a private key: expected one line, 0x followed by 64 hex digits`);
  try {
    privateKeyToAccount(line as Hex);
  } catch {
    throw new UsageError(flag, `${path}: not a valid secp256k1 private key (zero, or not below the curve order)`);
  }
  return line as Hex;
}

export interface Chain {
  clients: Clients;
  deployment: Deployment;
  rpcUrl: string;
}

/**
 * Connects to `--rpc-url` as the account of `privateKey` (for reads only: a throw-away key that never signs) and
 * reads the deployment of the chain's id from `--deployments`.
 */
export async function openChain(
  flags: { 'rpc-url': string; deployments?: string | undefined },
  privateKey?: Hex,
): Promise<Chain> {
  const rpcUrl = httpUrl('--rpc-url', flags['rpc-url']);
  let clients: Clients;
  try {
    clients = await connect(rpcUrl, privateKey ?? generatePrivateKey());
  } catch (e) {
    throw new UsageError('--rpc-url', `${rpcUrl}: no answer (${(e as Error).message.split('\n')[0]})`, { cause: e });
  }
  const dir = resolve(flags.deployments ?? defaultDeploymentsDir());
  let deployment: Deployment;
  try {
    deployment = readDeployment(dir, clients.chain.id);
  } catch (e) {
    throw new UsageError(
      '--deployments',
      `no deployment of chain ${clients.chain.id} in ${dir}: ${(e as Error).message}`,
      { cause: e },
    );
  }
  return { clients, deployment, rpcUrl };
}

const USD_RE = /^\d+(\.\d{1,6})?$/;

/** A USD amount written with at most 6 decimals, as exact usdc6 (`12.5` → 12500000n). */
export function usdToUsdc6(flag: string, raw: string): bigint {
  if (!USD_RE.test(raw))
    throw new UsageError(
      flag,
      `not a USD amount: ${JSON.stringify(raw)} (digits, optionally a point and at most 6 decimals, e.g. 12.50)`,
    );
  const [whole, frac = ''] = raw.split('.');
  return BigInt(whole!) * 1_000_000n + BigInt(frac.padEnd(6, '0'));
}

/** usdc6 as exact USD: 12500000n → "12.500000 USD". */
export function usd(usdc6: bigint): string {
  const sign = usdc6 < 0n ? '-' : '';
  const abs = usdc6 < 0n ? -usdc6 : usdc6;
  const whole = (abs / 1_000_000n).toLocaleString('en-US');
  return `${sign}${whole}.${(abs % 1_000_000n).toString().padStart(6, '0')} USD`;
}

/** Hour slot `slot` (floor(UTC seconds / 3600)) as its UTC hour: "2026-12-03 10:00–11:00 UTC". */
export function slotTime(slot: number): string {
  const from = new Date(slot * 3600_000).toISOString();
  const to = new Date((slot + 1) * 3600_000).toISOString();
  return `${from.slice(0, 10)} ${from.slice(11, 16)}–${to.slice(11, 16)} UTC`;
}

export { oneLine, revertOf } from '@greenhour/chain';
