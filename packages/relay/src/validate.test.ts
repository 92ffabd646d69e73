// The relay's pure core, without a chain: what it accepts it decodes exactly (sender, contract, function, hash the
// chain gives it), and what it refuses it names with the reason, whoever calls it (not only the HTTP route).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { encodeFunctionData, keccak256, parseTransaction, toRlp, type Address, type Hex } from 'viem';
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts';
import { settlementTokenAbi } from '@greenhour/contracts';
import type { Deployment } from '@greenhour/chain';
import { InputError } from '@greenhour/errors';
import { checkTransaction, describeRevert, MAX_TRANSACTION_BYTES } from './validate.ts';

const address = (n: number) => `0x${n.toString(16).padStart(40, '0')}` as Address;
const deployment: Deployment = {
  chainId: 31337,
  settlementToken: address(1),
  settlementTokenDeployed: true,
  nodeRegistry: address(2),
  computeHours: address(3),
  attestationOracle: address(4),
  hourMarket: address(5),
  hourPositions: address(6),
  hourRouter: address(7),
  greenComputeIndex: address(8),
  jobMarket: address(0x1b),
  admin: address(9),
  attestor: address(10),
  deployedAtBlock: 1,
};
const user = privateKeyToAccount(generatePrivateKey());
const approveData = encodeFunctionData({
  abi: settlementTokenAbi,
  functionName: 'approve',
  args: [deployment.hourMarket, 5n],
});
const signApprove = (over: { nonce?: number } = {}) =>
  user.signTransaction({
    type: 'eip1559',
    chainId: 31337,
    nonce: over.nonce ?? 3,
    to: deployment.settlementToken,
    data: approveData,
    gas: 100_000n,
    maxFeePerGas: 2n * 10n ** 9n,
    maxPriorityFeePerGas: 10n ** 9n,
  });
const refusedWith = (reason: RegExp) => (err: unknown) =>
  err instanceof InputError && err.field === 'signedTransaction' && reason.test(err.reason);

describe('relay check (pure)', () => {
  it('decodes what it accepts: sender, contract, function, nonce, and the hash the chain gives it', async () => {
    const raw = await signApprove();
    const tx = await checkTransaction(raw, deployment);
    assert.equal(tx.hash, keccak256(raw));
    assert.equal(tx.from, user.address);
    assert.equal(tx.contract, 'SettlementToken');
    assert.equal(tx.functionName, 'approve');
    assert.equal(tx.nonce, 3);
    assert.equal(tx.maxCostWei, 100_000n * 2n * 10n ** 9n);
    // The address matched whatever its case: a checksummed `to` is the same contract.
    assert.equal((await checkTransaction(raw.toUpperCase().replace('0X', '0x'), deployment)).hash, tx.hash);
  });

  it('accepts the other signed types a wallet makes for this chain: EIP-155 legacy and EIP-2930', async () => {
    const common = { chainId: 31337, nonce: 1, to: deployment.settlementToken, data: approveData, gas: 90_000n };
    const legacy = await user.signTransaction({ ...common, type: 'legacy', gasPrice: 10n ** 9n });
    const eip2930 = await user.signTransaction({
      ...common,
      type: 'eip2930',
      gasPrice: 10n ** 9n,
      accessList: [{ address: deployment.hourMarket, storageKeys: [keccak256('0x01')] }],
    });
    for (const raw of [legacy, eip2930]) {
      const tx = await checkTransaction(raw, deployment);
      assert.equal(tx.from, user.address);
      assert.equal(tx.hash, keccak256(raw));
      assert.equal(tx.maxCostWei, 90_000n * 10n ** 9n);
    }
  });

  it('refuses a transaction over the size a node takes, even when called past the HTTP route', async () => {
    await assert.rejects(
      checkTransaction(`0x${'00'.repeat(MAX_TRANSACTION_BYTES + 1)}`, deployment),
      refusedWith(/at most 131072/),
    );
  });

  it('refuses an encoding that is not canonical (so the hash it is known by is the chain’s)', async () => {
    const tx = parseTransaction(await signApprove({ nonce: 0 }));
    // nonce 0 written as the byte 0x00 instead of the empty string: the same transaction, another byte string.
    const fields: Hex[] = [
      '0x7a69',
      '0x00',
      '0x3b9aca00',
      '0x77359400',
      '0x0186a0',
      deployment.settlementToken,
      '0x',
      approveData,
    ];
    const raw = `0x02${toRlp([...fields, [], tx.yParity === 1 ? '0x01' : '0x', tx.r!, tx.s!]).slice(2)}`;
    await assert.rejects(checkTransaction(raw, deployment), refusedWith(/not canonically encoded/));
  });

  it('names the custom error and its arguments of a revert, and says so when no contract declares it', () => {
    const data = encodeFunctionData({
      abi: [
        {
          type: 'function',
          name: 'ERC20InsufficientAllowance',
          inputs: [
            { name: 'spender', type: 'address' },
            { name: 'allowance', type: 'uint256' },
            { name: 'needed', type: 'uint256' },
          ],
          outputs: [],
          stateMutability: 'nonpayable',
        },
      ],
      functionName: 'ERC20InsufficientAllowance',
      args: [deployment.hourMarket, 0n, 7n],
    });
    assert.equal(
      describeRevert(data),
      `reverts with ERC20InsufficientAllowance(spender: ${deployment.hourMarket}, allowance: 0, needed: 7)`,
    );
    assert.match(describeRevert('0x12345678'), /no contract of the deployment declares \(data 0x12345678\)/);
    assert.equal(describeRevert(undefined), 'reverts without an error');
  });
});
