import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createCipheriv, scryptSync } from 'node:crypto';
import { chmodSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Keystore } from 'ox';
import { bytesToHex, keccak256 } from 'viem';
import { addressOfPrivateKey } from '@greenhour/telemetry';
import {
  KeystoreError,
  LIGHT_SCRYPT,
  STANDARD_SCRYPT,
  encryptKeystore,
  loadOrCreateDeviceKey,
  type KeystoreFile,
} from './keystore.ts';

const tmp = mkdtempSync(join(tmpdir(), 'gh-keystore-'));
test.after(() => rmSync(tmp, { recursive: true, force: true }));

const PASSWORD = 'correct horse battery staple';
/** Every test but the two standard-cost ones uses geth's light scrypt cost (n=4096, r=8, p=6): milliseconds. */
const LIGHT = { password: PASSWORD, kdf: LIGHT_SCRYPT };

function keystore(name: string, body: unknown, mode = 0o600): string {
  const file = join(tmp, name);
  writeFileSync(file, typeof body === 'string' ? body : JSON.stringify(body));
  chmodSync(file, mode);
  return file;
}

async function rejects(file: string, pattern: RegExp, password = PASSWORD) {
  const err = await loadOrCreateDeviceKey(file, { password }).then(
    () => undefined,
    (e: unknown) => e,
  );
  assert.ok(err instanceof KeystoreError, `${file}: expected a KeystoreError, got ${err ?? 'a key'}`);
  assert.ok(err.message.startsWith(`keystore ${file}: `), err.message);
  assert.match(err.message, pattern);
}

// The scrypt test vector of the Web3 Secret Storage Definition (ethereum/wiki, "Web3 Secret Storage Definition"),
// byte for byte. Its kdfparams are n=262144, r=1, p=8 (r and p the other way round from geth's standard cost), which
// breaks RFC 7914's n < 2^(16·r): OpenSSL, hence node:crypto, refuses it, so this one goes through @noble/hashes.
const WIKI_VECTOR = {
  crypto: {
    cipher: 'aes-128-ctr',
    cipherparams: { iv: '83dbcc02d8ccb40e466191a123791e0e' },
    ciphertext: 'd172bf743a674da9cdad04534d56926ef8358534d458fffccd4e6ad2fbde479c',
    kdf: 'scrypt',
    kdfparams: {
      dklen: 32,
      n: 262144,
      r: 1,
      p: 8,
      salt: 'ab0c7876052600dd703518d6fc3fe8984592145b591fc8fb5c6d43190334ba19',
    },
    mac: '2103ac29920d71da29f15d75b4a16dbe95cfd7ff8faea1056c33131d846e3097',
  },
  id: '3198bc9c-6672-5ab3-d995-4942343ae5b6',
  version: 3,
};
const WIKI_KEY = '0x7a28b5ba57c53603b0b07b56bba752f7784bf506fa95edc395f5cf6c7514fe9d';
const WIKI_ADDRESS = '0x008aeeda4d805471df9b2a5b0f38a0c3bcba786b';

test('the Web3 Secret Storage wiki test vector decrypts to its key (password "testpassword", n=262144)', async () => {
  const key = await loadOrCreateDeviceKey(keystore('wiki.json', WIKI_VECTOR), { password: 'testpassword' });
  assert.equal(key.created, false);
  assert.equal(bytesToHex(key.privateKey), WIKI_KEY);
  assert.equal(key.address, WIKI_ADDRESS);
});

test('by default a new key is encrypted with geth’s standard scrypt cost (n=262144, r=8, p=1) and loads back', async () => {
  const file = join(tmp, 'standard.json');
  const created = await loadOrCreateDeviceKey(file, { password: PASSWORD });
  assert.equal(created.created, true);
  const body = JSON.parse(readFileSync(file, 'utf8')) as KeystoreFile;
  assert.deepEqual(
    { ...body.crypto.kdfparams, salt: undefined },
    { dklen: 32, n: 262144, r: 8, p: 1, salt: undefined },
  );
  assert.deepEqual(STANDARD_SCRYPT, { n: 262144, r: 8, p: 1 });
  const loaded = await loadOrCreateDeviceKey(file, { password: PASSWORD });
  assert.deepEqual(loaded.privateKey, created.privateKey);
});

test('the key is created once, in a 0700 directory, as a 0600 version 3 keystore; later calls load the same key', async () => {
  const dir = join(tmp, 'new', 'nested');
  const file = join(dir, 'device-key.json');
  const first = await loadOrCreateDeviceKey(file, LIGHT);
  assert.equal(first.created, true);
  assert.equal(first.path, file);
  assert.equal(first.address, addressOfPrivateKey(first.privateKey));
  assert.equal(statSync(file).mode & 0o777, 0o600);
  assert.equal(statSync(dir).mode & 0o777, 0o700);
  assert.equal(statSync(join(tmp, 'new')).mode & 0o777, 0o700);
  const text = readFileSync(file, 'utf8');
  assert.ok(!text.includes(bytesToHex(first.privateKey).slice(2)), 'the private key is not in the file');
  const body = JSON.parse(text) as KeystoreFile;
  assert.deepEqual(Object.keys(body).sort(), ['address', 'crypto', 'id', 'version']);
  assert.equal(body.version, 3);
  assert.equal(body.address, first.address.slice(2), 'lower case, without 0x');
  assert.match(body.id, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  assert.equal(body.crypto.cipher, 'aes-128-ctr');
  assert.equal(body.crypto.kdf, 'scrypt');
  assert.match(body.crypto.cipherparams.iv, /^[0-9a-f]{32}$/);
  assert.match(body.crypto.ciphertext, /^[0-9a-f]{64}$/);
  assert.match(body.crypto.mac, /^[0-9a-f]{64}$/);
  const { salt, ...cost } = body.crypto.kdfparams;
  assert.deepEqual(cost, { dklen: 32, n: 4096, r: 8, p: 6 });
  assert.match(salt, /^[0-9a-f]{64}$/);
  assert.deepEqual(readdirSync(dir), ['device-key.json'], 'no temporary file left behind');

  // The kdf option only applies to a new keystore; an existing one is opened with its own parameters.
  const second = await loadOrCreateDeviceKey(file, { password: PASSWORD, kdf: STANDARD_SCRYPT });
  assert.equal(second.created, false);
  assert.equal(second.address, first.address);
  assert.deepEqual(second.privateKey, first.privateKey);
  // Different devices get different keys, and the same key encrypts differently every time (salt, iv, id).
  assert.notEqual((await loadOrCreateDeviceKey(join(tmp, 'other.json'), LIGHT)).address, first.address);
  const again = await encryptKeystore(first.privateKey, PASSWORD, LIGHT_SCRYPT);
  assert.notEqual(again.crypto.ciphertext, body.crypto.ciphertext);
  assert.notEqual(again.id, body.id);
});

test('ox (an independent implementation: noble scrypt and AES) reads our keystores and writes ones we read', async () => {
  const ours = await loadOrCreateDeviceKey(join(tmp, 'for-ox.json'), LIGHT);
  const body = JSON.parse(readFileSync(ours.path, 'utf8')) as Keystore.Keystore;
  assert.equal(Keystore.decrypt(body, Keystore.toKey(body, { password: PASSWORD })), bytesToHex(ours.privateKey));

  // ox writes no address; r=1 with n=65536 is ox's (and the wiki vector's) r, outside what OpenSSL accepts.
  for (const cost of [LIGHT_SCRYPT, { n: 65536, r: 1, p: 1 }]) {
    const [key, opts] = Keystore.scrypt({ password: 'ox pass', ...cost });
    const theirs = Keystore.encrypt(ours.privateKey, key, opts);
    const file = keystore(`from-ox-${cost.r}.json`, theirs);
    const loaded = await loadOrCreateDeviceKey(file, { password: 'ox pass' });
    assert.equal(loaded.address, ours.address, JSON.stringify(cost));
  }
});

test('a wrong passphrase is refused, naming the file: MAC mismatch', async () => {
  const key = await loadOrCreateDeviceKey(join(tmp, 'wrong.json'), LIGHT);
  await rejects(key.path, /^keystore .*wrong\.json: wrong passphrase \(MAC mismatch\)$/, 'not the passphrase');
  await rejects(key.path, /wrong passphrase \(MAC mismatch\)/, `${PASSWORD} `);
  // A ciphertext changed on disk fails the same check: the MAC covers it.
  const body = JSON.parse(readFileSync(key.path, 'utf8')) as KeystoreFile;
  const flipped = (body.crypto.ciphertext[0] === '0' ? '1' : '0') + body.crypto.ciphertext.slice(1);
  await rejects(
    keystore('flipped.json', { ...body, crypto: { ...body.crypto, ciphertext: flipped } }),
    /wrong passphrase \(MAC mismatch\)/,
  );
  await assert.rejects(
    loadOrCreateDeviceKey(join(tmp, 'empty-pass.json'), { password: '' }),
    /the passphrase is empty/,
  );
});

test('a keystore readable by group or others is refused, naming the path and the mode', async () => {
  const good = await loadOrCreateDeviceKey(join(tmp, 'perm.json'), LIGHT);
  chmodSync(good.path, 0o644);
  await rejects(good.path, /^keystore .*: mode 0644 allows group\/other access; chmod 600 it$/);
  chmodSync(good.path, 0o640);
  await rejects(good.path, /mode 0640/);
  chmodSync(good.path, 0o604);
  await rejects(good.path, /mode 0604/);
  chmodSync(good.path, 0o400);
  assert.equal((await loadOrCreateDeviceKey(good.path, LIGHT)).address, good.address, 'owner read-only is fine');
});

/** A copy of `body` with the value at `path` (dot-separated) replaced, or deleted when `value` is undefined. */
function changed(body: unknown, path: string, value: unknown): unknown {
  const copy = structuredClone(body) as Record<string, unknown>;
  const keys = path.split('.');
  let at = copy;
  for (const k of keys.slice(0, -1)) at = at[k] as Record<string, unknown>;
  if (value === undefined) delete at[keys.at(-1)!];
  else at[keys.at(-1)!] = value;
  return copy;
}

/** A keystore of a 32-byte value that is no secp256k1 key, built by hand (node:crypto and viem's keccak256). */
function keystoreOfBytes(value: Uint8Array): unknown {
  const salt = Buffer.alloc(32, 7);
  const iv = Buffer.alloc(16, 9);
  const dk = scryptSync(PASSWORD, salt, 32, { N: 4096, r: 8, p: 6 });
  const c = createCipheriv('aes-128-ctr', dk.subarray(0, 16), iv);
  const ciphertext = Buffer.concat([c.update(value), c.final()]);
  const mac = keccak256(Buffer.concat([dk.subarray(16, 32), ciphertext])).slice(2);
  return {
    crypto: {
      cipher: 'aes-128-ctr',
      cipherparams: { iv: iv.toString('hex') },
      ciphertext: ciphertext.toString('hex'),
      kdf: 'scrypt',
      kdfparams: { dklen: 32, n: 4096, r: 8, p: 6, salt: salt.toString('hex') },
      mac,
    },
    id: '0f0d6d5e-3b3a-4c2f-9e51-2a4f5b6c7d8e',
    version: 3,
  };
}

test('a malformed keystore is refused, naming the field and the reason', async () => {
  const key = await loadOrCreateDeviceKey(join(tmp, 'source.json'), LIGHT);
  const good = JSON.parse(readFileSync(key.path, 'utf8')) as KeystoreFile;
  let i = 0;
  const bad = (path: string, value: unknown, pattern: RegExp) =>
    rejects(keystore(`bad-${i++}.json`, changed(good, path, value)), pattern);

  await rejects(keystore('not-json.json', '{"version":3,'), /: corrupt: not JSON/);
  await rejects(keystore('empty.json', ''), /: corrupt: not JSON/);
  await rejects(keystore('array.json', '[]'), /: corrupt: not a JSON object$/);
  await bad('version', undefined, /: version: missing$/);
  await bad('version', 1, /: version: 1 is the plaintext keystore of earlier agents, no longer read; encrypt its/);
  await bad('version', 2, /: version: unsupported 2 \(expected 3, Web3 Secret Storage\)$/);
  await bad('version', '3', /: version: unsupported "3"/);
  await bad('id', undefined, /: id: missing$/);
  await bad('id', 'device-1', /: id: must be a UUID string, got "device-1"$/);
  await bad('crypto', undefined, /: crypto: missing$/);
  await bad('crypto', 'aes', /: crypto: must be an object$/);
  await bad('crypto.cipher', undefined, /: crypto\.cipher: missing$/);
  await bad('crypto.cipher', 'aes-128-cbc', /: crypto\.cipher: unsupported "aes-128-cbc" \(expected aes-128-ctr\)$/);
  await bad('crypto.cipherparams', undefined, /: crypto\.cipherparams: missing$/);
  await bad('crypto.cipherparams.iv', undefined, /: crypto\.cipherparams\.iv: missing$/);
  await bad('crypto.cipherparams.iv', 'abcd', /: crypto\.cipherparams\.iv: must be 16 bytes of hex, got "abcd"$/);
  await bad('crypto.cipherparams.iv', 'zz'.repeat(16), /: crypto\.cipherparams\.iv: must be 16 bytes of hex/);
  await bad('crypto.ciphertext', undefined, /: crypto\.ciphertext: missing$/);
  await bad('crypto.ciphertext', good.crypto.ciphertext.slice(2), /: crypto\.ciphertext: must be 32 bytes of hex/);
  await bad('crypto.mac', undefined, /: crypto\.mac: missing$/);
  await bad('crypto.mac', 42, /: crypto\.mac: must be 32 bytes of hex, got 42$/);
  await bad('crypto.kdf', undefined, /: crypto\.kdf: missing$/);
  await bad('crypto.kdf', 'pbkdf2', /: crypto\.kdf: unsupported "pbkdf2" \(expected scrypt\)$/);
  await bad('crypto.kdfparams', undefined, /: crypto\.kdfparams: missing$/);
  await bad('crypto.kdfparams', [], /: crypto\.kdfparams: must be an object$/);
  await bad('crypto.kdfparams.n', undefined, /: crypto\.kdfparams\.n: missing$/);
  await bad('crypto.kdfparams.n', 1000, /: crypto\.kdfparams\.n: must be a power of 2 from 2 to 2\^30, got 1000$/);
  await bad('crypto.kdfparams.n', '4096', /: crypto\.kdfparams\.n: must be a positive integer, got "4096"$/);
  await bad('crypto.kdfparams.r', 0, /: crypto\.kdfparams\.r: must be a positive integer, got 0$/);
  await bad('crypto.kdfparams.p', 1.5, /: crypto\.kdfparams\.p: must be a positive integer, got 1\.5$/);
  await bad('crypto.kdfparams.n', 2 ** 20, /: crypto\.kdfparams: n=1048576 r=8 p=6 needs 1024 MiB, more than the 1024/);
  await bad('crypto.kdfparams.dklen', undefined, /: crypto\.kdfparams\.dklen: missing$/);
  await bad('crypto.kdfparams.dklen', 16, /: crypto\.kdfparams\.dklen: must be 32, got 16$/);
  await bad('crypto.kdfparams.salt', undefined, /: crypto\.kdfparams\.salt: missing$/);
  await bad('crypto.kdfparams.salt', '', /: crypto\.kdfparams\.salt: must be non-empty hex, got ""$/);
  await bad('address', `0x${'ab'.repeat(19)}`, /: address: must be 20 bytes of hex, got "0xabab/);
  const other = 'ab'.repeat(20);
  await bad(
    'address',
    other,
    new RegExp(`: address: ${other} does not match the private key \\(its address is ${key.address}\\)$`),
  );
  await rejects(
    keystore('zero.json', keystoreOfBytes(new Uint8Array(32))),
    /: crypto\.ciphertext: decrypts to an invalid secp256k1 private key$/,
  );
  // The group order n itself is not a valid key either.
  const order = Buffer.from('fffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141', 'hex');
  await rejects(keystore('order.json', keystoreOfBytes(order)), /: crypto\.ciphertext: decrypts to an invalid/);

  // Accepted variants: a 0x-prefixed or checksummed address, no address at all, "Crypto" (old MyEtherWallet files).
  const accepted = [
    changed(good, 'address', key.address),
    changed(good, 'address', good.address.toUpperCase()),
    changed(good, 'address', undefined),
    { ...(changed(good, 'crypto', undefined) as object), Crypto: good.crypto },
  ];
  for (const [n, body] of accepted.entries())
    assert.equal((await loadOrCreateDeviceKey(keystore(`ok-${n}.json`, body), LIGHT)).address, key.address);
});
