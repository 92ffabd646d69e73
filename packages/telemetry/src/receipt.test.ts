import { test } from 'node:test';
import assert from 'node:assert/strict';
import { keccak256, encodeAbiParameters, concat, hashTypedData, type Address, type Hex } from 'viem';
import { TelemetryHasher, domainOf } from './message.ts';
import { addressOfPrivateKey } from './signature.ts';
import { WireError } from './wire.ts';
import {
  RECEIPT_TYPES,
  decodeReceipt,
  encodeReceipt,
  isReceiptOf,
  receiptDigest,
  signReceipt,
  type Receipt,
} from './receipt.ts';

const domain = { chainId: 31337, verifyingContract: '0x5fbdb2315678afecb367f032d93f642f64180aa3' as Address };
const key = Buffer.from('a77e'.padStart(64, '0'), 'hex');
const receipt: Receipt = { nodeId: 7, slot: 498_792, seq: 42, digest: `0x${'ab'.repeat(32)}` };

test('receiptDigest is EIP-712 Receipt(uint64 nodeId,uint32 slot,uint64 seq,bytes32 digest) in the oracle domain', () => {
  const typeHash = keccak256(Buffer.from('Receipt(uint64 nodeId,uint32 slot,uint64 seq,bytes32 digest)'));
  const struct = keccak256(
    encodeAbiParameters(
      [{ type: 'bytes32' }, { type: 'uint64' }, { type: 'uint32' }, { type: 'uint64' }, { type: 'bytes32' }],
      [typeHash, 7n, 498_792, 42n, receipt.digest],
    ),
  );
  const separator = new TelemetryHasher(domain).domainSeparator;
  const expected = keccak256(concat(['0x1901', `0x${Buffer.from(separator).toString('hex')}` as Hex, struct]));
  assert.equal(receiptDigest(domain, receipt), expected);
});

test('receiptDigest equals viem hashTypedData for values across every field width', () => {
  const values = [0, 1, 255, 2 ** 31, 2 ** 32 - 1, 2 ** 32, 2 ** 53 - 1];
  for (let i = 0; i < 200; i++) {
    const r: Receipt = {
      nodeId: values[i % values.length]!,
      slot: values[(i * 3) % 5]!, // uint32 values only
      seq: values[(i * 5 + 1) % values.length]!,
      digest: `0x${Buffer.from(Array.from({ length: 32 }, (_, k) => (i * 31 + k * 7) & 255)).toString('hex')}`,
    };
    const d = { chainId: 1 + (i % 3) * 31336, verifyingContract: domain.verifyingContract };
    const expected = hashTypedData({
      domain: domainOf(d),
      types: RECEIPT_TYPES,
      primaryType: 'Receipt',
      message: { nodeId: BigInt(r.nodeId), slot: r.slot, seq: BigInt(r.seq), digest: r.digest },
    });
    assert.equal(receiptDigest(d, r), expected, JSON.stringify(r));
  }
});

test('a signed receipt round-trips the wire and verifies against the attester only', () => {
  const signed = signReceipt(domain, receipt, key);
  const back = decodeReceipt(encodeReceipt(signed));
  assert.deepEqual(back, signed);
  assert.ok(isReceiptOf(domain, back, addressOfPrivateKey(key)));
  assert.ok(!isReceiptOf(domain, back, '0x000000000000000000000000000000000000dead'));
  assert.ok(!isReceiptOf(domain, { ...back, receipt: { ...back.receipt, seq: 43 } }, addressOfPrivateKey(key)));
  assert.ok(!isReceiptOf({ ...domain, chainId: 1 }, back, addressOfPrivateKey(key)), 'bound to the chain');
});

test('bad receipts are rejected with the field named', () => {
  const good = JSON.parse(encodeReceipt(signReceipt(domain, receipt, key))) as Record<string, unknown>;
  const cases: [Record<string, unknown>, string][] = [
    [{ ...good, extra: 1 }, 'extra'],
    [{ ...good, nodeId: -1 }, 'nodeId'],
    [{ ...good, slot: 2 ** 32 }, 'slot'],
    [{ ...good, seq: 0 }, 'seq'],
    [{ ...good, seq: 1.5 }, 'seq'],
    [{ ...good, digest: '0x12' }, 'digest'],
    [{ ...good, signature: undefined }, 'signature'],
  ];
  for (const [payload, field] of cases) {
    assert.throws(
      () => decodeReceipt(JSON.stringify(payload)),
      (err: unknown) => err instanceof WireError && err.field === field,
      field,
    );
  }
  assert.throws(
    () => decodeReceipt('[]'),
    (err: unknown) => err instanceof WireError && err.field === 'payload',
  );
});
