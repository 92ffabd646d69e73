// The device key: a secp256k1 key created once on the device and kept in a JSON keystore file readable by its owner
// only. Its address is what the node registers as `deviceSigner` in NodeRegistry (docs/TELEMETRY.md section 1).
import { randomBytes } from 'node:crypto';
import {
  chmodSync,
  closeSync,
  fsyncSync,
  linkSync,
  mkdirSync,
  openSync,
  readFileSync,
  statSync,
  unlinkSync,
  writeSync,
} from 'node:fs';
import { dirname, resolve } from 'node:path';
import secp256k1 from 'secp256k1';
import { bytesToHex, hexToBytes, type Address, type Hex } from 'viem';
import { addressOfPrivateKey } from '@greenhour/telemetry';

export const KEYSTORE_VERSION = 1;

/** The keystore file: `{ "version": 1, "address": "0x…", "privateKey": "0x…" }`, mode 0600. */
export interface KeystoreFile {
  version: typeof KEYSTORE_VERSION;
  /** Lower-case 0x address of the key. */
  address: Address;
  /** 32-byte secp256k1 private key, 0x hex. */
  privateKey: Hex;
}

export interface DeviceKey {
  address: Address;
  privateKey: Uint8Array;
  /** Absolute path of the keystore file. */
  path: string;
  /** True when this call created the key. */
  created: boolean;
}

export class KeystoreError extends Error {
  constructor(
    readonly path: string,
    reason: string,
  ) {
    super(`keystore ${path}: ${reason}`);
    this.name = 'KeystoreError';
  }
}

const PRIVATE_KEY = /^0x[0-9a-fA-F]{64}$/;
const ADDRESS = /^0x[0-9a-fA-F]{40}$/;

/**
 * Loads the device key from `path`, creating it first when the file does not exist. The file is refused when group or
 * others may access it, when it is not a version 1 keystore, or when its address is not the key's.
 */
export function loadOrCreateDeviceKey(path: string): DeviceKey {
  const file = resolve(path);
  if (!exists(file)) {
    const created = createKey(file);
    if (created) return { ...created, path: file, created: true };
    // Another process created it between our check and our link: load theirs.
  }
  return { ...readKey(file), path: file, created: false };
}

function exists(file: string): boolean {
  try {
    statSync(file);
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw new KeystoreError(file, `cannot stat (${(err as Error).message})`);
  }
}

function readKey(file: string): { address: Address; privateKey: Uint8Array } {
  let mode: number;
  try {
    mode = statSync(file).mode;
  } catch (err) {
    throw new KeystoreError(file, `cannot stat (${(err as Error).message})`);
  }
  if (mode & 0o077) {
    const octal = (mode & 0o777).toString(8).padStart(4, '0');
    throw new KeystoreError(file, `mode ${octal} allows group/other access; chmod 600 it`);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new KeystoreError(file, `corrupt: not JSON (${(err as Error).message})`);
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw))
    throw new KeystoreError(file, 'corrupt: not a JSON object');
  const { version, address, privateKey } = raw as Record<string, unknown>;
  if (version !== KEYSTORE_VERSION)
    throw new KeystoreError(file, `unsupported version ${JSON.stringify(version)} (expected ${KEYSTORE_VERSION})`);
  if (typeof privateKey !== 'string' || !PRIVATE_KEY.test(privateKey))
    throw new KeystoreError(file, 'corrupt: privateKey must be 0x-prefixed 32-byte hex');
  const key = hexToBytes(privateKey as Hex);
  if (!secp256k1.privateKeyVerify(key))
    throw new KeystoreError(file, 'corrupt: privateKey is not a valid secp256k1 key');
  if (typeof address !== 'string' || !ADDRESS.test(address))
    throw new KeystoreError(file, 'corrupt: address must be a 0x-prefixed 20-byte hex address');
  const actual = addressOfPrivateKey(key);
  if (address.toLowerCase() !== actual)
    throw new KeystoreError(file, `address ${address} does not match the private key (its address is ${actual})`);
  return { address: actual, privateKey: key };
}

/**
 * Creates a key and writes it atomically: a temporary file (mode 0600, fsync'd) is linked to `file`. link, unlike
 * rename, never replaces an existing file, so two agents started at once cannot both create a key; the loser returns
 * undefined and loads the winner's. The parent directory is created with mode 0700 when missing.
 */
function createKey(file: string): { address: Address; privateKey: Uint8Array } | undefined {
  const dir = dirname(file);
  makeDir(dir);
  let privateKey: Uint8Array;
  do privateKey = Uint8Array.from(randomBytes(32));
  while (!secp256k1.privateKeyVerify(privateKey));
  const address = addressOfPrivateKey(privateKey);
  const body: KeystoreFile = { version: KEYSTORE_VERSION, address, privateKey: bytesToHex(privateKey) };
  const tmp = `${file}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`;
  try {
    const fd = openSync(tmp, 'wx', 0o600);
    try {
      // The umask may have cleared bits, never added them; chmod anyway so the mode is exactly 0600.
      chmodSync(tmp, 0o600);
      writeSync(fd, `${JSON.stringify(body, null, 2)}\n`);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    try {
      linkSync(tmp, file);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'EEXIST') return undefined;
      throw err;
    }
    fsyncDir(dir);
  } catch (err) {
    if (err instanceof KeystoreError) throw err;
    throw new KeystoreError(file, `cannot create (${(err as Error).message})`);
  } finally {
    try {
      unlinkSync(tmp);
    } catch {
      // already gone
    }
  }
  return { address, privateKey };
}

function makeDir(dir: string): void {
  if (exists(dir)) return;
  makeDir(dirname(dir));
  try {
    mkdirSync(dir, { mode: 0o700 });
    chmodSync(dir, 0o700);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST')
      throw new KeystoreError(dir, `cannot create directory (${(err as Error).message})`);
  }
}

/** Makes a directory entry durable (a rename or link is only on disk once its directory is). */
export function fsyncDir(dir: string): void {
  const fd = openSync(dir, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}
