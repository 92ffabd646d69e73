import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bytesToHex } from 'viem';
import { addressOfPrivateKey } from '@greenhour/telemetry';
import { KeystoreError, loadOrCreateDeviceKey } from './keystore.ts';

const tmp = mkdtempSync(join(tmpdir(), 'gh-keystore-'));
test.after(() => rmSync(tmp, { recursive: true, force: true }));

function keystore(name: string, body: unknown, mode = 0o600): string {
  const file = join(tmp, name);
  writeFileSync(file, typeof body === 'string' ? body : JSON.stringify(body));
  chmodSync(file, mode);
  return file;
}

function rejects(file: string, pattern: RegExp) {
  assert.throws(
    () => loadOrCreateDeviceKey(file),
    (err: unknown) =>
      err instanceof KeystoreError && err.message.startsWith(`keystore ${file}: `) && pattern.test(err.message),
    `${file} ${pattern}`,
  );
}

test('the key is created once, in a 0700 directory, as a 0600 version 1 keystore; later calls load the same key', () => {
  const dir = join(tmp, 'new', 'nested');
  const file = join(dir, 'device-key.json');
  const first = loadOrCreateDeviceKey(file);
  assert.equal(first.created, true);
  assert.equal(first.path, file);
  assert.equal(first.address, addressOfPrivateKey(first.privateKey));
  assert.equal(statSync(file).mode & 0o777, 0o600);
  assert.equal(statSync(dir).mode & 0o777, 0o700);
  assert.equal(statSync(join(tmp, 'new')).mode & 0o777, 0o700);
  assert.deepEqual(JSON.parse(readFileSync(file, 'utf8')), {
    version: 1,
    address: first.address,
    privateKey: bytesToHex(first.privateKey),
  });
  assert.deepEqual(readdirSync(dir), ['device-key.json'], 'no temporary file left behind');

  const second = loadOrCreateDeviceKey(file);
  assert.equal(second.created, false);
  assert.equal(second.address, first.address);
  assert.deepEqual(second.privateKey, first.privateKey);
  // Different devices get different keys.
  assert.notEqual(loadOrCreateDeviceKey(join(tmp, 'other.json')).address, first.address);
});

test('a keystore readable by group or others is refused, naming the path and the mode', () => {
  const good = loadOrCreateDeviceKey(join(tmp, 'perm.json'));
  chmodSync(good.path, 0o644);
  rejects(good.path, /^keystore .*: mode 0644 allows group\/other access; chmod 600 it$/);
  chmodSync(good.path, 0o640);
  rejects(good.path, /mode 0640/);
  chmodSync(good.path, 0o604);
  rejects(good.path, /mode 0604/);
  chmodSync(good.path, 0o400);
  assert.equal(loadOrCreateDeviceKey(good.path).address, good.address, 'owner read-only is fine');
});

test('a corrupt keystore or one whose address is not the key’s is refused', () => {
  const key = loadOrCreateDeviceKey(join(tmp, 'source.json'));
  const hex = bytesToHex(key.privateKey);
  rejects(keystore('not-json.json', '{"version":1,'), /corrupt: not JSON/);
  rejects(keystore('array.json', '[]'), /corrupt: not a JSON object/);
  rejects(keystore('empty.json', ''), /corrupt: not JSON/);
  rejects(keystore('v2.json', { version: 2, address: key.address, privateKey: hex }), /unsupported version 2/);
  rejects(
    keystore('short.json', { version: 1, address: key.address, privateKey: hex.slice(0, 40) }),
    /privateKey must be/,
  );
  rejects(
    keystore('zero.json', { version: 1, address: key.address, privateKey: `0x${'00'.repeat(32)}` }),
    /not a valid secp256k1 key/,
  );
  // The group order n itself is not a valid key.
  const n = '0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141';
  rejects(keystore('order.json', { version: 1, address: key.address, privateKey: n }), /not a valid secp256k1 key/);
  rejects(keystore('no-address.json', { version: 1, privateKey: hex }), /address must be/);
  const other = `0x${'ab'.repeat(20)}`;
  rejects(
    keystore('mismatch.json', { version: 1, address: other, privateKey: hex }),
    new RegExp(`address ${other} does not match the private key \\(its address is ${key.address}\\)`),
  );
  // A checksummed (mixed-case) address of the right key is accepted.
  const upper = `0x${key.address.slice(2).toUpperCase()}`;
  assert.equal(
    loadOrCreateDeviceKey(keystore('upper.json', { version: 1, address: upper, privateKey: hex })).address,
    key.address,
  );
});
