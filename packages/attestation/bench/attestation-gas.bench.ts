// Gas per node-hour attested: one hour's records for 1,000 and 10,000 nodes are built into a tree and its root
// committed on a real EVM (anvil); the commit's gas divided by the record count is the per-node-hour cost. Also the
// gas of claiming one record (lazy, per node-hour, only where an on-chain green share is wanted).
import { createTestClient, http, keccak256, toHex } from 'viem';
import { attestationOracleAbi, settlementTokenAbi } from '@greenhour/contracts';
import { transact } from '@greenhour/chain';
import { buildTree, type NodeHourRecord } from '@greenhour/telemetry';
import { recordArg } from '../src/index.ts';
import { startTestChain } from '../src/testing.ts';

const chain = await startTestChain(['station']);
const { clients, deployment } = chain;
const oracle = { address: deployment.attestationOracle, abi: attestationOracleAbi } as const;
await transact(clients, {
  address: deployment.settlementToken,
  abi: settlementTokenAbi,
  functionName: 'approve',
  args: [deployment.attestationOracle, 2n ** 256n - 1n],
});
const now = Number((await clients.publicClient.getBlock()).timestamp);
const rows: string[] = [];
// Three ended hours: the last is the one before the current.
let slot = Math.floor(now / 3600) - 4;
let claimTree: ReturnType<typeof buildTree> | undefined;
let claimSlot = 0;
for (const nodes of [1, 1_000, 10_000]) {
  slot += 1;
  const t = performance.now();
  const records: NodeHourRecord[] = Array.from({ length: nodes }, (_, i) => ({
    nodeId: i === 0 ? chain.devices[0]!.nodeId : i + 100,
    slot,
    greenWh: 40_000 + i,
    gridWh: 1_000,
    gpuWh: 5_000,
    uptimeS: 3_600,
    messageCount: 60,
    messagesHash: keccak256(toHex(i)),
  }));
  const tree = buildTree(records);
  const buildMs = performance.now() - t;
  const { receipt } = await transact(clients, { ...oracle, functionName: 'commit', args: [slot, tree.root, nodes] });
  const gas = Number(receipt.gasUsed);
  if (nodes === 1) {
    // The first commit moves the oracle's token balance from zero: not the steady state.
    continue;
  }
  claimTree ??= tree;
  claimSlot ||= slot;
  rows.push(
    `| ${nodes.toLocaleString('en-US')} | ${gas.toLocaleString('en-US')} | ${(gas / nodes).toFixed(1)} | ${tree.proofs[0]!.length} | ${Math.round(buildMs)} ms |`,
  );
}
const testClient = createTestClient({ mode: 'anvil', transport: http(chain.anvil.rpcUrl) });
await testClient.increaseTime({ seconds: 6 * 3600 + 1 });
await testClient.mine({ blocks: 1 });
const { receipt } = await transact(clients, {
  ...oracle,
  functionName: 'claim',
  args: [recordArg(claimTree!.records[0]!), claimTree!.proofs[0]!],
});
await chain.stop();
console.log('| records in the hour | commit gas | gas per node-hour | proof length | tree build (TS) |');
console.log('|---:|---:|---:|---:|---:|');
for (const r of rows) console.log(r);
console.log(
  `\nclaim of one record (slot ${claimSlot}, proof of ${claimTree!.proofs[0]!.length}): ${Number(receipt.gasUsed).toLocaleString('en-US')} gas`,
);
