// The ingest's stateless checks on worker threads (issue 14) decide exactly as on the calling thread, and as the chain
// would: a signature is the device's only with the v it was made with and a low s (OpenZeppelin's ECDSA.recover).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import type { Address, Hex } from 'viem';
import {
  TelemetryHasher,
  addressOfPrivateKey,
  decodeReceipt,
  encodeTelemetry,
  isReceiptOf,
  receiptTopic,
  signDigest,
  telemetryTopic,
  ZERO_HASH,
  type Telemetry,
} from '@greenhour/telemetry';
import { CheckPool } from './checkPool.ts';
import type { WindowInput } from './check.ts';

const domain = { chainId: 31337, verifyingContract: '0x5fbdb2315678afecb367f032d93f642f64180aa3' as Address };
const hasher = new TelemetryHasher(domain);
const N = 2n ** 256n - 0x14551231950b75fc4402da1732fc9bebfn; // secp256k1 group order

function windowOf(device: Address, seq: number): Telemetry {
  return {
    device: device.toLowerCase() as Address,
    seq,
    windowStart: 1_800_000_000 + seq * 60,
    windowEnd: 1_800_000_060 + seq * 60,
    pvWh: 100,
    batteryInWh: 0,
    batteryOutWh: 0,
    batterySocWh: 0,
    gridImportWh: 1,
    gridExportWh: 0,
    gpuWh: 5,
    evWh: 0,
    uptimeS: 60,
    jobsHash: ZERO_HASH,
  };
}

/** The same (r, s) with the other recovery id: a valid ECDSA signature whose recovery gives another key. */
const flipV = (sig: Hex): Hex => `${sig.slice(0, 130)}${sig.endsWith('1b') ? '1c' : '1b'}` as Hex;
/** (r, n − s, v flipped): the high-s twin, which the chain refuses (EIP-2). */
const highS = (sig: Hex): Hex => {
  const s = N - BigInt(`0x${sig.slice(66, 130)}`);
  return flipV(`${sig.slice(0, 66)}${s.toString(16).padStart(64, '0')}${sig.slice(130)}` as Hex);
};

describe('check pool', () => {
  const keys = [randomBytes(32), randomBytes(32)];
  const devices = keys.map((k) => addressOfPrivateKey(k));
  let pool: CheckPool;
  before(async () => {
    pool = new CheckPool({ domain, threads: 2 });
    await pool.ready(); // each worker has loaded and answered
  });
  after(async () => {
    await pool.close();
  });

  const input = (topic: string, payload: string): WindowInput => ({ topic, payload: Buffer.from(payload) });
  const signed = (m: Telemetry, key: Uint8Array, tamper: (s: Hex) => Hex = (s) => s) =>
    encodeTelemetry({ message: m, signature: tamper(signDigest(hasher.digest(m), key)) });

  it('decides as the calling thread does, message by message, in order', async () => {
    const inputs: WindowInput[] = [];
    const expected: string[] = [];
    for (let seq = 1; seq <= 600; seq++) {
      const d = seq % 2;
      const m = windowOf(devices[d]!, seq);
      const topic = telemetryTopic(devices[d]!);
      const cases: [WindowInput, string][] = [
        [input(topic, signed(m, keys[d]!)), 'signed'],
        [input(topic, signed(m, keys[d]!, flipV)), 'unsigned'],
        [input(topic, signed(m, keys[d]!, highS)), 'unsigned'],
        [input(topic, signed(m, keys[1 - d]!)), 'unsigned'],
        [input(telemetryTopic(devices[1 - d]!), signed(m, keys[d]!)), 'topic_mismatch'],
        [input(topic, '{"device":'), 'malformed'],
      ];
      const [i, e] = cases[seq % cases.length]!;
      inputs.push(i);
      expected.push(e);
    }
    const inline = new CheckPool({ domain, threads: 0 });
    const [onThreads, onCaller] = await Promise.all([pool.check(inputs), inline.check(inputs)]);
    await inline.close();
    assert.deepEqual(onThreads, onCaller);
    const outcome = onThreads.map((c) => (c.kind === 'rejected' ? c.reason : c.signedByDevice ? 'signed' : 'unsigned'));
    assert.deepEqual(outcome, expected);
    const first = onThreads[1]!;
    assert.ok(
      first.kind === 'decoded' && first.digest === `0x${Buffer.from(hasher.digest(first.message)).toString('hex')}`,
    );
  });

  it('signs receipts the attester key verifies, for the device each is addressed to', async () => {
    const attesterKey = randomBytes(32);
    const windows = Array.from({ length: 700 }, (_, i) => ({
      device: devices[i % 2]!.toLowerCase(),
      nodeId: 1 + (i % 2),
      slot: 500_000,
      seq: i + 1,
      digest: `0x${(i + 1).toString(16).padStart(64, '0')}` as Hex,
    }));
    const messages = await pool.receipts(windows, attesterKey);
    assert.equal(messages.length, windows.length);
    messages.forEach((m, i) => {
      assert.equal(m.topic, receiptTopic(windows[i]!.device as Address));
      const r = decodeReceipt(m.payload);
      assert.equal(r.receipt.seq, windows[i]!.seq);
      assert.ok(isReceiptOf(domain, r, addressOfPrivateKey(attesterKey)));
    });
  });

  it('refuses a bad thread count by name', () => {
    for (const threads of [-1, 1.5, 257])
      assert.throws(() => new CheckPool({ domain, threads }), /threads: must be a whole number 0\.\.256/);
  });

  it('closes only after the tasks under way finish', async () => {
    const own = new CheckPool({ domain, threads: 1 });
    const m = windowOf(devices[0]!, 1);
    const pending = own.check(
      Array.from({ length: 2_000 }, () => input(telemetryTopic(devices[0]!), signed(m, keys[0]!))),
    );
    await own.close();
    assert.equal((await pending).length, 2_000);
  });
});
