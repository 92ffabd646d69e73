import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { hashTypedData, recoverTypedDataAddress, bytesToHex, type Address } from 'viem';
import { privateKeyToAccount } from 'viem/accounts';
import { TELEMETRY_TYPES, TelemetryHasher, domainOf } from './message.ts';
import { DeviceVerifier, addressOfPrivateKey, recoverSigner, signDigest } from './signature.ts';
import { sampleWindow } from './fixtures.ts';

const domain = { chainId: 31337, verifyingContract: '0x5FbDB2315678afecb367f032d93F642f64180aa3' as Address };
const hasher = new TelemetryHasher(domain);
const typed = (m: ReturnType<typeof sampleWindow>) => ({
  domain: domainOf(domain),
  types: TELEMETRY_TYPES,
  primaryType: 'Telemetry' as const,
  message: { ...m, seq: BigInt(m.seq), windowStart: BigInt(m.windowStart), windowEnd: BigInt(m.windowEnd) },
});

test('the fast digest equals viem hashTypedData, including values above 2^32', () => {
  const key = randomBytes(32);
  const device = addressOfPrivateKey(key);
  const cases = [
    sampleWindow(device, 1),
    sampleWindow(device, 2 ** 40, { windowStart: 2 ** 33, windowEnd: 2 ** 33 + 60, pvWh: 2 ** 32 - 1 }),
    sampleWindow(device, 7, { jobsHash: bytesToHex(randomBytes(32)) }),
    sampleWindow(device, 8, { batterySocWh: 2 ** 32 - 1, batteryOutWh: 1, gridImportWh: 2 }),
  ];
  for (const m of cases) assert.equal(hasher.digestHex(m), hashTypedData(typed(m)));
});

test('a device signature recovers to the device in viem; a viem account signature verifies here', async () => {
  const key = randomBytes(32);
  const device = addressOfPrivateKey(key);
  const m = sampleWindow(device, 3);
  const signature = signDigest(hasher.digest(m), key);
  assert.equal((await recoverTypedDataAddress({ ...typed(m), signature })).toLowerCase(), device);

  const account = privateKeyToAccount(bytesToHex(key));
  const viemSignature = await account.signTypedData(typed(m));
  assert.equal(new DeviceVerifier().verify(device, hasher.digest(m), viemSignature), true);
});

test('the verifier rejects another key, a changed field, a high-s twin and a bad v', () => {
  const key = randomBytes(32);
  const device = addressOfPrivateKey(key);
  const verifier = new DeviceVerifier();
  const m = sampleWindow(device, 1);
  const digest = hasher.digest(m);
  const signature = signDigest(digest, key);
  assert.equal(verifier.verify(device, digest, signature), true);
  assert.equal(verifier.verify(device, digest, signDigest(digest, randomBytes(32))), false);
  assert.equal(verifier.verify(device, hasher.digest({ ...m, gpuWh: m.gpuWh + 1 }), signature), false);

  // (r, n − s) with flipped v is the same signature in high-s form: valid for ecrecover, rejected by OpenZeppelin.
  const n = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n;
  const s = BigInt(`0x${signature.slice(66, 130)}`);
  const v = parseInt(signature.slice(130), 16);
  const highS = `${signature.slice(0, 66)}${(n - s).toString(16).padStart(64, '0')}${(v === 27 ? 28 : 27).toString(16)}`;
  assert.equal(verifier.verify(device, digest, highS as `0x${string}`), false);
  assert.equal(recoverSigner(digest, highS as `0x${string}`), undefined);
  assert.equal(verifier.verify(device, digest, `0x${signature.slice(2, 130)}1d`), false);
  // The wrong recovery id recovers some other key.
  assert.equal(verifier.verify(device, digest, `0x${signature.slice(2, 130)}${v === 27 ? '1c' : '1b'}`), false);
});
