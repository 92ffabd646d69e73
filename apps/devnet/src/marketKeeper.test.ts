// The devnet's market keeper on a real chain: nodes keep their next hours minted and the later ones in the market, and
// the demo trader's trades move the price, both of which a person watching the dashboard is meant to see.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createTestClient, http } from 'viem';
import { computeHoursAbi, nodeRegistryAbi } from '@greenhour/contracts';
import { faucet, hourIdOf, marketView, slotOf } from '@greenhour/chain';
import { startTestChain, type TestChain } from '@greenhour/attestation/testing';
import { startMarketKeeper } from './marketKeeper.ts';

describe('devnet market keeper', () => {
  let chain: TestChain;
  before(async () => {
    chain = await startTestChain(['station']);
    await faucet(chain.clients, chain.deployment, chain.clients.account.address, 1_000_000_000n);
  });
  after(async () => chain?.stop());

  it('keeps every node minted ahead, provides the later slots, and trades so that prices move', async () => {
    const station = chain.devices[0]!;
    const lines: string[] = [];
    const keeper = startMarketKeeper({
      deployment: chain.deployment,
      trader: chain.clients,
      nodes: [{ nodeId: BigInt(station.nodeId), classId: 1, gpuCount: station.site.gpuCount, owner: chain.clients }],
      slotsAhead: 3,
      intervalMs: 3_600_000,
      log: (l) => lines.push(l),
      seed: 7,
    });
    try {
      const current = slotOf((await chain.clients.publicClient.getBlock()).timestamp);
      const before = new Map<number, bigint | undefined>();
      await keeper.tick();
      for (let slot = current + 1; slot <= current + 3; slot++) {
        const minted = await chain.clients.publicClient.readContract({
          address: chain.deployment.computeHours,
          abi: computeHoursAbi,
          functionName: 'nodeSlot',
          args: [BigInt(station.nodeId), slot],
        });
        assert.equal(minted.minted, station.site.gpuCount, `slot ${slot} minted in full`);
        const view = await marketView(chain.clients, chain.deployment, hourIdOf(1, slot));
        assert.equal(view.open, slot > current + 1, `slot ${slot} is in the market only after the next one`);
        before.set(slot, view.priceUsdc6);
      }
      for (let i = 0; i < 8; i++) await keeper.tick();
      const trades = lines.filter((l) =>
        /^demo trader: (bought|sold) 1 hour of class 1 slot \d+ for [\d.]+ USD$/.test(l),
      );
      assert.ok(trades.length >= 6, `the trader traded: ${lines.join(' | ')}`);
      assert.ok(!lines.some((l) => /^market keeper: .*(error|revert)/i.test(l)), lines.join(' | '));
      let moved = 0;
      for (let slot = current + 2; slot <= current + 3; slot++) {
        const view = await marketView(chain.clients, chain.deployment, hourIdOf(1, slot));
        if (view.priceUsdc6 !== before.get(slot)) moved++;
      }
      assert.ok(moved >= 1, 'a traded market’s price moved');
      // A second tick in the same hour mints nothing new.
      const minting = lines.filter((l) => l.startsWith('market keeper: nodes minted')).length;
      await keeper.tick();
      assert.equal(lines.filter((l) => l.startsWith('market keeper: nodes minted')).length, minting);

      // Slots pass (as on the devnet's fast clock): the bonds of their unsold hours are released, so the node's stake
      // keeps backing new hours instead of running out.
      const bonded = async () =>
        (
          await chain.clients.publicClient.readContract({
            address: chain.deployment.nodeRegistry,
            abi: nodeRegistryAbi,
            functionName: 'node',
            args: [BigInt(station.nodeId)],
          })
        ).bondedUsdc6;
      const bondedBefore = await bonded();
      const anvil = createTestClient({ mode: 'anvil', transport: http(chain.anvil.rpcUrl) });
      await anvil.increaseTime({ seconds: 5 * 3600 });
      await anvil.mine({ blocks: 1 });
      await keeper.tick();
      const released = lines.filter((l) =>
        /^market keeper: slot \d+ over: the bonds of 1 nodes' unsold hours released$/.test(l),
      );
      assert.ok(released.length >= 3, lines.join(' | '));
      const now = slotOf((await chain.clients.publicClient.getBlock()).timestamp);
      const next = await chain.clients.publicClient.readContract({
        address: chain.deployment.computeHours,
        abi: computeHoursAbi,
        functionName: 'nodeSlot',
        args: [BigInt(station.nodeId), now + 3],
      });
      assert.equal(next.minted, station.site.gpuCount, 'it still mints ahead');
      assert.ok((await bonded()) <= bondedBefore, 'no more bonded than before, with new hours minted');
      // Nothing but progress from the keeper: no revert (InsufficientFreeStake, say) and no other error.
      const failures = lines.filter(
        (l) => l.startsWith('market keeper: ') && !/^market keeper: (nodes minted|slot \d+ over)/.test(l),
      );
      assert.deepEqual(failures, []);
    } finally {
      await keeper.stop();
    }
  });
});
