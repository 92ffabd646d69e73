import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ContractFunctionRevertedError, encodeErrorResult } from 'viem';
import { computeHoursAbi, nodeRegistryAbi } from '@greenhour/contracts';
import { DEPLOYED_CONTRACTS, DEPLOYED_ERRORS_ABI, oneLine, revertOf } from './contracts.ts';

test("a revert raised by a contract the call went through is decoded by the deployment's errors", () => {
  // ComputeHours.mint reverts with the registry's InsufficientFreeStake, which ComputeHours' ABI does not declare.
  const data = encodeErrorResult({
    abi: nodeRegistryAbi,
    errorName: 'InsufficientFreeStake',
    args: [3n, 10n, 90n],
  });
  const err = new ContractFunctionRevertedError({ abi: computeHoursAbi, data, functionName: 'mint' });
  assert.equal(err.data, undefined, "viem alone cannot name it from ComputeHours' ABI");
  assert.deepEqual(revertOf(err), { name: 'InsufficientFreeStake', args: [3n, 10n, 90n] });
  assert.equal(oneLine(err), 'reverted InsufficientFreeStake(3, 10, 90)');
  // Decoded by the called contract's own ABI: kept as viem decoded it.
  const own = new ContractFunctionRevertedError({
    abi: computeHoursAbi,
    data: encodeErrorResult({ abi: computeHoursAbi, errorName: 'InvalidAmount', args: [0n] }),
    functionName: 'mint',
  });
  assert.deepEqual(revertOf(own), { name: 'InvalidAmount', args: [0n] });
  // Not a revert, or one no deployed contract declares.
  assert.equal(revertOf(new Error('socket hang up')), undefined);
  assert.equal(oneLine(new Error('socket hang up\nat …')), 'socket hang up');
  const unknown = new ContractFunctionRevertedError({ abi: computeHoursAbi, data: '0xdeadbeef', functionName: 'mint' });
  assert.equal(revertOf(unknown), undefined);
});

test('every deployed contract is in the table once, and each error signature once', () => {
  assert.equal(new Set(DEPLOYED_CONTRACTS.map((c) => c.field)).size, DEPLOYED_CONTRACTS.length);
  const signatures = DEPLOYED_ERRORS_ABI.map((e) =>
    e.type === 'error' ? `${e.name}(${e.inputs.map((i) => i.type).join(',')})` : '',
  );
  assert.equal(new Set(signatures).size, signatures.length);
  assert.ok(signatures.includes('InsufficientFreeStake(uint256,uint256,uint256)'));
});
