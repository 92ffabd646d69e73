// The device key: a secp256k1 key created once on the device and kept in a Web3 Secret Storage (version 3) keystore
// file, the JSON geth, cast and ethers read: scrypt-derived key, aes-128-ctr, keccak256 MAC, readable by its owner only.
// Its address is what the node registers as `deviceSigner` in NodeRegistry (docs/TELEMETRY.md section 1).
import { createCipheriv, createDecipheriv, randomBytes, randomUUID, scrypt, timingSafeEqual } from 'node:crypto';
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
import { scryptAsync as nobleScrypt } from '@noble/hashes/scrypt';
import secp256k1 from 'secp256k1';
import { keccak256, type Address } from 'viem';
import { addressOfPrivateKey } from '@greenhour/telemetry';

export const KEYSTORE_VERSION = 3;

/** scrypt cost parameters of a keystore (its `crypto.kdfparams` without salt and dklen). */
export interface ScryptCost {
  n: number;
  r: number;
  p: number;
}

/** geth's standard scrypt cost (StandardScryptN/P): about 256 MiB and a second of CPU. The default for new keys. */
export const STANDARD_SCRYPT: ScryptCost = Object.freeze({ n: 262144, r: 8, p: 1 });
/** geth's `--lightkdf` cost (LightScryptN/P): 4 MiB, milliseconds. For tests and throw-away demo keys. */
export const LIGHT_SCRYPT: ScryptCost = Object.freeze({ n: 4096, r: 8, p: 6 });

/** scrypt's memory (128·r·(n + p + 2) bytes) is capped so a crafted keystore cannot exhaust the device. */
export const MAX_SCRYPT_MEMORY = 1024 * 1024 * 1024;
const DKLEN = 32;

/** The keystore file (Web3 Secret Storage Definition, version 3), mode 0600. */
export interface KeystoreFile {
  /** Lower-case hex address of the key, without 0x (as geth writes it). */
  address: string;
  crypto: {
    cipher: 'aes-128-ctr';
    /** hex, without 0x */
    ciphertext: string;
    cipherparams: { iv: string };
    kdf: 'scrypt';
    kdfparams: ScryptCost & { dklen: number; salt: string };
    /** keccak256(derivedKey[16..32] ‖ ciphertext), hex without 0x */
    mac: string;
  };
  /** A random (version 4) UUID. */
  id: string;
  version: typeof KEYSTORE_VERSION;
}

export interface KeystoreOptions {
  /** The passphrase: the scrypt password, as its UTF-8 bytes (as geth uses it). */
  password: string;
  /** scrypt cost of a keystore this call creates (default STANDARD_SCRYPT); an existing keystore's own is used. */
  kdf?: ScryptCost;
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

/**
 * Loads the device key from `path`, creating it first when the file does not exist. The file is refused when group or
 * others may access it, when it is not a well-formed version 3 keystore (the error names the field), when the
 * passphrase does not open it (MAC mismatch), or when its address is not the key's.
 */
export async function loadOrCreateDeviceKey(path: string, options: KeystoreOptions): Promise<DeviceKey> {
  const file = resolve(path);
  if (options.password === '') throw new KeystoreError(file, 'the passphrase is empty');
  if (!exists(file)) {
    const created = await createKey(file, options);
    if (created) return { ...created, path: file, created: true };
    // Another process created it between our check and our link: load theirs.
  }
  return { ...(await readKey(file, options.password)), path: file, created: false };
}

/** Encrypts a private key into a version 3 keystore (fresh salt, iv and id). */
export async function encryptKeystore(
  privateKey: Uint8Array,
  password: string,
  kdf: ScryptCost = STANDARD_SCRYPT,
): Promise<KeystoreFile> {
  if (!secp256k1.privateKeyVerify(privateKey)) throw new Error('privateKey: not a valid secp256k1 key');
  checkCost(kdf, (field, reason) => new Error(`kdf${field === '' ? '' : `.${field}`}: ${reason}`));
  const salt = randomBytes(32);
  const iv = randomBytes(16);
  const derived = await deriveKey(password, salt, kdf);
  const cipher = createCipheriv('aes-128-ctr', derived.subarray(0, 16), iv);
  const ciphertext = Buffer.concat([cipher.update(privateKey), cipher.final()]);
  return {
    address: addressOfPrivateKey(privateKey).slice(2),
    crypto: {
      cipher: 'aes-128-ctr',
      ciphertext: ciphertext.toString('hex'),
      cipherparams: { iv: iv.toString('hex') },
      kdf: 'scrypt',
      kdfparams: { dklen: DKLEN, n: kdf.n, p: kdf.p, r: kdf.r, salt: salt.toString('hex') },
      mac: macOf(derived, ciphertext).toString('hex'),
    },
    id: randomUUID(),
    version: KEYSTORE_VERSION,
  };
}

/**
 * Decrypts a parsed version 3 keystore; `path` names it in errors. Every field is checked before the (slow) key
 * derivation, so a malformed keystore fails fast, naming the field.
 */
export async function decryptKeystore(
  body: unknown,
  password: string,
  path: string,
): Promise<{ address: Address; privateKey: Uint8Array }> {
  const fail = (field: string, reason: string) => new KeystoreError(path, `${field}: ${reason}`);
  if (!isObject(body)) throw new KeystoreError(path, 'corrupt: not a JSON object');
  const { version, id, address } = body;
  if (version === undefined) throw fail('version', 'missing');
  if (version === 1)
    throw fail(
      'version',
      '1 is the plaintext keystore of earlier agents, no longer read; encrypt its privateKey into a version 3 ' +
        'keystore (e.g. `cast wallet import NAME --private-key KEY`) and use that file',
    );
  if (version !== KEYSTORE_VERSION)
    throw fail('version', `unsupported ${JSON.stringify(version)} (expected ${KEYSTORE_VERSION}, Web3 Secret Storage)`);
  if (id === undefined) throw fail('id', 'missing');
  if (typeof id !== 'string' || !UUID.test(id)) throw fail('id', `must be a UUID string, got ${JSON.stringify(id)}`);
  // geth's Go JSON decoding is case-insensitive, and old MyEtherWallet files say "Crypto".
  const crypto = body.crypto ?? body.Crypto;
  if (crypto === undefined) throw fail('crypto', 'missing');
  if (!isObject(crypto)) throw fail('crypto', 'must be an object');
  const { cipher, cipherparams, kdf, kdfparams } = crypto;
  if (cipher === undefined) throw fail('crypto.cipher', 'missing');
  if (cipher !== 'aes-128-ctr')
    throw fail('crypto.cipher', `unsupported ${JSON.stringify(cipher)} (expected aes-128-ctr)`);
  if (cipherparams === undefined) throw fail('crypto.cipherparams', 'missing');
  if (!isObject(cipherparams)) throw fail('crypto.cipherparams', 'must be an object');
  const iv = hexField(cipherparams.iv, 'crypto.cipherparams.iv', 16, fail);
  const ciphertext = hexField(crypto.ciphertext, 'crypto.ciphertext', 32, fail);
  const mac = hexField(crypto.mac, 'crypto.mac', 32, fail);
  if (kdf === undefined) throw fail('crypto.kdf', 'missing');
  if (kdf !== 'scrypt') throw fail('crypto.kdf', `unsupported ${JSON.stringify(kdf)} (expected scrypt)`);
  if (kdfparams === undefined) throw fail('crypto.kdfparams', 'missing');
  if (!isObject(kdfparams)) throw fail('crypto.kdfparams', 'must be an object');
  const { n, r, p, dklen } = kdfparams;
  const cost = { n, r, p } as ScryptCost;
  checkCost(cost, (field, reason) => fail(`crypto.kdfparams${field === '' ? '' : `.${field}`}`, reason));
  if (dklen === undefined) throw fail('crypto.kdfparams.dklen', 'missing');
  if (dklen !== DKLEN) throw fail('crypto.kdfparams.dklen', `must be ${DKLEN}, got ${JSON.stringify(dklen)}`);
  const salt = hexField(kdfparams.salt, 'crypto.kdfparams.salt', undefined, fail);
  let expected: Address | undefined;
  if (address !== undefined) {
    if (typeof address !== 'string' || !ADDRESS.test(address))
      throw fail('address', `must be 20 bytes of hex, got ${JSON.stringify(address)}`);
    expected = `0x${address.replace(/^0x/, '').toLowerCase()}` as Address;
  }

  const derived = await deriveKey(password, salt, cost);
  if (!timingSafeEqual(macOf(derived, ciphertext), mac))
    throw new KeystoreError(path, 'wrong passphrase (MAC mismatch)');
  const decipher = createDecipheriv('aes-128-ctr', derived.subarray(0, 16), iv);
  const privateKey = Uint8Array.from(Buffer.concat([decipher.update(ciphertext), decipher.final()]));
  if (!secp256k1.privateKeyVerify(privateKey))
    throw fail('crypto.ciphertext', 'decrypts to an invalid secp256k1 private key');
  const actual = addressOfPrivateKey(privateKey);
  if (expected !== undefined && expected !== actual)
    throw fail('address', `${address} does not match the private key (its address is ${actual})`);
  return { address: actual, privateKey };
}

const UUID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;
const ADDRESS = /^(0x)?[0-9a-fA-F]{40}$/;
const HEX = /^(0x)?((?:[0-9a-fA-F]{2})+)$/;

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function hexField(
  v: unknown,
  field: string,
  bytes: number | undefined,
  fail: (field: string, reason: string) => Error,
): Buffer {
  if (v === undefined) throw fail(field, 'missing');
  const what = bytes === undefined ? 'non-empty hex' : `${bytes} bytes of hex`;
  const m = typeof v === 'string' ? HEX.exec(v) : null;
  if (!m || (bytes !== undefined && m[2]!.length !== 2 * bytes))
    throw fail(field, `must be ${what}, got ${JSON.stringify(v)}`);
  return Buffer.from(m[2]!, 'hex');
}

/** n a power of two above 1, r and p positive integers, and the memory within MAX_SCRYPT_MEMORY. */
function checkCost(cost: ScryptCost, fail: (field: string, reason: string) => Error): void {
  for (const field of ['n', 'r', 'p'] as const) {
    const v = cost[field];
    if (v === undefined) throw fail(field, 'missing');
    if (!Number.isSafeInteger(v) || v < 1) throw fail(field, `must be a positive integer, got ${JSON.stringify(v)}`);
  }
  const { n, r, p } = cost;
  if (n < 2 || (n & (n - 1)) !== 0 || n > 2 ** 30) throw fail('n', `must be a power of 2 from 2 to 2^30, got ${n}`);
  if (r * p >= 2 ** 30) throw fail('', `r·p must be below 2^30, got r=${r} p=${p}`);
  const mib = (scryptMemory(cost) / 2 ** 20).toFixed(0);
  if (scryptMemory(cost) > MAX_SCRYPT_MEMORY)
    throw fail('', `n=${n} r=${r} p=${p} needs ${mib} MiB, more than the ${MAX_SCRYPT_MEMORY / 2 ** 20} MiB allowed`);
}

function scryptMemory({ n, r, p }: ScryptCost): number {
  return 128 * r * (n + p + 2);
}

/**
 * scrypt through node:crypto (OpenSSL). OpenSSL enforces RFC 7914's n < 2^(16·r), which geth and ethers do not: the
 * Web3 Secret Storage wiki's own test vector (n=262144, r=1) breaks it. Such keystores go through @noble/hashes' scrypt.
 */
async function deriveKey(password: string, salt: Uint8Array, { n, r, p }: ScryptCost): Promise<Buffer> {
  const pw = Buffer.from(password, 'utf8');
  if (16 * r < 64 && n >= 2 ** (16 * r))
    return Buffer.from(await nobleScrypt(pw, salt, { N: n, r, p, dkLen: DKLEN, maxmem: MAX_SCRYPT_MEMORY + 2 ** 20 }));
  return new Promise((res, rej) =>
    scrypt(pw, salt, DKLEN, { N: n, r, p, maxmem: scryptMemory({ n, r, p }) + 2 ** 20 }, (err, key) =>
      err ? rej(err) : res(key),
    ),
  );
}

function macOf(derived: Buffer, ciphertext: Buffer): Buffer {
  return Buffer.from(keccak256(Buffer.concat([derived.subarray(16, 32), ciphertext])).slice(2), 'hex');
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

async function readKey(file: string, password: string): Promise<{ address: Address; privateKey: Uint8Array }> {
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
  return decryptKeystore(raw, password, file);
}

/**
 * Creates a key and writes it atomically: a temporary file (mode 0600, fsync'd) is linked to `file`. link, unlike
 * rename, never replaces an existing file, so two agents started at once cannot both create a key; the loser returns
 * undefined and loads the winner's. The parent directory is created with mode 0700 when missing.
 */
async function createKey(
  file: string,
  { password, kdf = STANDARD_SCRYPT }: KeystoreOptions,
): Promise<{ address: Address; privateKey: Uint8Array } | undefined> {
  const dir = dirname(file);
  makeDir(dir);
  let privateKey: Uint8Array;
  do privateKey = Uint8Array.from(randomBytes(32));
  while (!secp256k1.privateKeyVerify(privateKey));
  const address = addressOfPrivateKey(privateKey);
  let body: KeystoreFile;
  try {
    body = await encryptKeystore(privateKey, password, kdf);
  } catch (err) {
    throw new KeystoreError(file, `cannot create (${(err as Error).message})`);
  }
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
