import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Hex } from 'viem';
import { findCommonAncestor, nextRange } from './reorg.ts';

const h = (n: number, branch = 'a') => `0x${branch.repeat(2)}${n.toString(16).padStart(62, '0')}` as Hex;

describe('nextRange', () => {
  it('stops confirmations blocks below the head and bounds a batch', () => {
    assert.deepEqual(nextRange(9, 100, 2, 2_000), { fromBlock: 10, toBlock: 98 });
    assert.deepEqual(nextRange(9, 100, 2, 50), { fromBlock: 10, toBlock: 59 });
    assert.deepEqual(nextRange(97, 100, 2, 50), { fromBlock: 98, toBlock: 98 });
    assert.equal(nextRange(98, 100, 2, 50), null);
    assert.equal(nextRange(99, 100, 2, 50), null, 'a cursor above the safe head (confirmations raised) waits');
    assert.deepEqual(nextRange(99, 100, 0, 50), { fromBlock: 100, toBlock: 100 });
  });
});

describe('findCommonAncestor', () => {
  const stored = [20, 15, 12, 8].map((n) => ({ number: n, hash: h(n) }));
  const chain = (forkAbove: number, head: number) => async (n: number) =>
    n > head ? null : n > forkAbove ? h(n, 'b') : h(n);

  it('returns the newest stored block the chain still has', async () => {
    assert.deepEqual(await findCommonAncestor(stored, chain(13, 30), 5), { number: 12, checked: 3 });
    assert.deepEqual(await findCommonAncestor(stored, chain(20, 30), 5), { number: 20, checked: 1 });
  });
  it('treats blocks above a shorter new head as replaced', async () => {
    assert.deepEqual(await findCommonAncestor(stored, chain(100, 16), 5), { number: 15, checked: 2 });
  });
  it('falls back to the floor when no stored block survives, without asking below it', async () => {
    const asked: number[] = [];
    const lookup = async (n: number) => (asked.push(n), h(n, 'b'));
    assert.deepEqual(await findCommonAncestor(stored, lookup, 10), { number: 10, checked: 3 });
    assert.deepEqual(asked, [20, 15, 12]);
  });
  it('compares hashes case-insensitively', async () => {
    const upper = [{ number: 4, hash: h(4).toUpperCase().replace('0X', '0x') as Hex }];
    assert.equal((await findCommonAncestor(upper, async (n) => h(n), 0)).number, 4);
  });
  it('refuses stored blocks out of order', async () => {
    await assert.rejects(findCommonAncestor([stored[1]!, stored[0]!], chain(0, 30), 0), /newest first/);
  });
});
