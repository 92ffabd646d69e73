import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { encodeAbiParameters, encodeEventTopics, type Address, type Hex } from 'viem';
import { computeHoursAbi, hourMarketAbi } from '@greenhour/contracts';
import type { Deployment } from '@greenhour/chain';
import { GreenhourError } from '@greenhour/errors';
import { contractsOf, decodeLog, toJsonValue } from './decode.ts';

const addr = (n: number) => `0x${n.toString(16).padStart(40, '0')}` as Address;
const deployment: Deployment = {
  chainId: 31337,
  settlementToken: addr(1),
  settlementTokenDeployed: true,
  nodeRegistry: addr(2),
  computeHours: addr(3),
  attestationOracle: addr(4),
  hourMarket: addr(5),
  hourPositions: addr(6),
  hourRouter: addr(7),
  greenComputeIndex: addr(8),
  jobMarket: addr(0x1b),
  admin: addr(9),
  attestor: addr(10),
  deployedAtBlock: 1,
};
const contracts = contractsOf(deployment);
const blockHash = `0x${'ab'.repeat(32)}` as Hex;
const txHash = `0x${'cd'.repeat(32)}` as Hex;

describe('contractsOf', () => {
  it('lists the nine contracts of a deployment', () => {
    assert.deepEqual(
      contracts.map((c) => c.name),
      [
        'SettlementToken',
        'NodeRegistry',
        'ComputeHours',
        'AttestationOracle',
        'HourMarket',
        'HourPositions',
        'HourRouter',
        'GreenComputeIndex',
        'JobMarket',
      ],
    );
  });
  it('names the field of a bad or repeated address', () => {
    assert.throws(
      () => contractsOf({ ...deployment, hourPositions: '0x1234' as Address }),
      (e: unknown) =>
        e instanceof GreenhourError && e.field === 'deployment.hourPositions' && /not an address/.test(e.reason),
    );
    assert.throws(
      () => contractsOf({ ...deployment, hourRouter: addr(5) }),
      (e: unknown) =>
        e instanceof GreenhourError && e.field === 'deployment.hourRouter' && /deployment.hourMarket/.test(e.reason),
    );
  });
});

describe('decodeLog', () => {
  const bought = {
    address: addr(5),
    blockNumber: 12n,
    blockHash,
    transactionHash: txHash,
    logIndex: 3,
    topics: encodeEventTopics({
      abi: hourMarketAbi,
      eventName: 'Bought',
      args: { hourId: (1n << 32n) | 500_000n, buyer: addr(11) },
    }) as Hex[],
    data: encodeAbiParameters(
      [{ type: 'uint256' }, { type: 'uint256' }, { type: 'uint256' }],
      [2n, 4_020_000n, 20_000n],
    ),
  };
  it('decodes a market trade into a row with bigints as decimal strings', () => {
    assert.deepEqual(decodeLog(31337, contracts, bought, 1_700_000_000), {
      chainId: 31337,
      blockNumber: 12,
      blockHash,
      blockTimestamp: 1_700_000_000,
      txHash,
      logIndex: 3,
      contract: 'HourMarket',
      address: addr(5),
      event: 'Bought',
      args: { hourId: '4295467296', buyer: addr(11), hoursOut: '2', costUsdc6: '4020000', feeUsdc6: '20000' },
    });
  });
  it('keeps the arrays of an ERC-1155 batch transfer', () => {
    const row = decodeLog(
      31337,
      contracts,
      {
        ...bought,
        address: addr(3),
        topics: encodeEventTopics({
          abi: computeHoursAbi,
          eventName: 'TransferBatch',
          args: { operator: addr(1), from: addr(2), to: addr(11) },
        }) as Hex[],
        data: encodeAbiParameters(
          [{ type: 'uint256[]' }, { type: 'uint256[]' }],
          [
            [7n, 8n],
            [1n, 2n],
          ],
        ),
      },
      0,
    );
    assert.equal(row?.event, 'TransferBatch');
    assert.deepEqual(row?.args.ids, ['7', '8']);
    assert.deepEqual(row?.args.values, ['1', '2']);
  });
  it('skips a log of another address or a pending log', () => {
    assert.equal(decodeLog(31337, contracts, { ...bought, address: addr(99) }, 0), null);
    assert.equal(decodeLog(31337, contracts, { ...bought, blockHash: null }, 0), null);
  });
  it('refuses a log of our address that its ABI does not decode', () => {
    assert.throws(
      () => decodeLog(31337, contracts, { ...bought, address: addr(3) }, 0),
      /ComputeHours .* does not decode/,
    );
  });
  it('toJsonValue turns nested bigints into strings', () => {
    assert.deepEqual(toJsonValue({ a: [1n, { b: 2n }], c: 'x', d: true }), { a: ['1', { b: '2' }], c: 'x', d: true });
  });
});
