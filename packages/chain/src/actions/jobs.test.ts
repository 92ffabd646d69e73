// Jobs on a real anvil: the deploy wires the job market with the service's account as its scheduler; a buyer posts a
// job with its escrow, the scheduler assigns it to the node's hours on the market within the buyer's price, the unspent
// budget is credited back at once, and an account without the role cannot assign.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { BaseError, ContractFunctionRevertedError, keccak256, stringToHex } from 'viem';
import { jobMarketAbi, settlementTokenAbi } from '@greenhour/contracts';
import {
  addLiquidity,
  assignJob,
  hourIdOf,
  jobView,
  mintHours,
  postJob,
  quoteBuy,
  slotOf,
  startMarketSandbox,
  SANDBOX_CLASS_ID as CLASS_ID,
  type Clients,
  type Deployment,
  type MarketSandbox,
  type PostJobParams,
} from '../index.ts';

function revertName(err: unknown): string | undefined {
  if (!(err instanceof BaseError)) return undefined;
  const reverted = err.walk((e) => e instanceof ContractFunctionRevertedError);
  return reverted instanceof ContractFunctionRevertedError ? reverted.data?.errorName : undefined;
}

describe('job market on a real anvil: post, assign within the price, refund', () => {
  let sandbox: MarketSandbox;
  let service: Clients; // deployer and the attestation service's account: holds SCHEDULER_ROLE
  let buyer: Clients;
  let deployment: Deployment;
  let nodeId: bigint;
  let slot: number;
  const tokenBalance = (who: `0x${string}`) =>
    service.publicClient.readContract({
      address: deployment.settlementToken,
      abi: settlementTokenAbi,
      functionName: 'balanceOf',
      args: [who],
    });
  const job = (over: Partial<PostJobParams> = {}): PostJobParams => ({
    kind: 'inference',
    specHash: keccak256(stringToHex('int8 mlp, batch 7')),
    specUri: 'ipfs://bafy-int8-mlp-7',
    gpuHours: 3,
    minClassId: CLASS_ID,
    earliestSlot: slot,
    deadlineSlot: slot + 8,
    minGreenShareBps: 6_000,
    maxPricePerGpuHourUsdc6: 5_000_000n,
    incentiveUsdc6: 2_000_000n,
    shardable: false,
    ...over,
  });

  before(async () => {
    sandbox = await startMarketSandbox(8);
    ({ node: service, buyer, deployment, nodeId } = sandbox);
    slot = slotOf((await service.publicClient.getBlock()).timestamp) + 30;
    await mintHours(service, deployment, nodeId, slot, 8n);
    await addLiquidity(service, deployment, { hourId: hourIdOf(CLASS_ID, slot), hoursIn: 8n });
  });
  after(async () => sandbox?.stop());

  it('escrows the budget and incentive, assigns at the market price and credits back the rest', async () => {
    const before = await tokenBalance(buyer.account.address);
    const { jobId, escrowUsdc6 } = await postJob(buyer, deployment, job());
    assert.equal(escrowUsdc6, 3n * 5_000_000n + 2_000_000n);
    assert.equal(before - (await tokenBalance(buyer.account.address)), escrowUsdc6, 'escrow pulled from the buyer');
    assert.equal((await jobView(buyer, deployment, jobId)).status, 'open');

    const quote = await quoteBuy(service, deployment, hourIdOf(CLASS_ID, slot), 3n);
    const { spentUsdc6, refundUsdc6 } = await assignJob(service, deployment, jobId, [
      { nodeId, classId: CLASS_ID, slot, gpuHours: 3 },
    ]);
    assert.equal(spentUsdc6, quote, 'paid what the market asked');
    assert.equal(refundUsdc6, 15_000_000n - quote);
    const v = await jobView(buyer, deployment, jobId);
    assert.equal(v.status, 'assigned');
    assert.equal(v.budgetUsdc6, 0n);
    assert.equal(v.incentiveUsdc6, 2_000_000n, 'the incentive waits for settlement');
    assert.deepEqual(
      v.placements.map((p) => [p.nodeId, p.slot, p.gpuHours, p.status]),
      [[nodeId, slot, 3, 'bought']],
    );
    const credit = await buyer.publicClient.readContract({
      address: deployment.jobMarket,
      abi: jobMarketAbi,
      functionName: 'creditOf',
      args: [buyer.account.address],
    });
    assert.equal(credit, refundUsdc6, 'unspent budget withdrawable by the buyer');
  });

  it('refuses an assignment from an account without the scheduler role', async () => {
    const { jobId } = await postJob(buyer, deployment, job());
    await assert.rejects(
      assignJob(buyer, deployment, jobId, [{ nodeId, classId: CLASS_ID, slot, gpuHours: 3 }]),
      (e: unknown) => revertName(e) === 'AccessControlUnauthorizedAccount',
    );
    assert.equal((await jobView(buyer, deployment, jobId)).status, 'open');
  });

  it('rejects bad parameters before sending, naming the field', async () => {
    await assert.rejects(postJob(buyer, deployment, job({ gpuHours: 0 })), /^Error: gpuHours:/);
    await assert.rejects(postJob(buyer, deployment, job({ deadlineSlot: slot })), /^Error: deadlineSlot:/);
    await assert.rejects(postJob(buyer, deployment, job({ minGreenShareBps: 10_001 })), /^Error: minGreenShareBps:/);
    await assert.rejects(postJob(buyer, deployment, job({ specHash: '0x12' })), /^Error: specHash:/);
    await assert.rejects(jobView(buyer, deployment, 999n), /jobId: unknown job 999/);
  });
});
