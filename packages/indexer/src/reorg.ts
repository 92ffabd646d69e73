// Pure core of the indexer's progress: which block range to index next, and where a reorganised chain and the stored
// blocks last agree.
import type { Hex } from 'viem';

export interface BlockRef {
  number: number;
  hash: Hex;
}

/**
 * The next block range to index after `cursorBlock`: up to the head less `confirmations` (the blocks a reorg may
 * still replace are left for a later poll), at most `batchBlocks` blocks. `null` when there is nothing safe to index.
 */
export function nextRange(
  cursorBlock: number,
  headBlock: number,
  confirmations: number,
  batchBlocks: number,
): { fromBlock: number; toBlock: number } | null {
  const safe = headBlock - confirmations;
  if (safe <= cursorBlock) return null;
  return { fromBlock: cursorBlock + 1, toBlock: Math.min(safe, cursorBlock + batchBlocks) };
}

/**
 * Walks the stored blocks from the newest down and returns the first whose hash the chain still has at its number:
 * the common ancestor. Everything stored above it belongs to a replaced branch. When no stored block is on the
 * chain any more, the ancestor is `floor` (the block before the deployment; its hash is the chain's).
 * `chainHashAt` returns null for a number above the chain's head (the new branch may be shorter).
 */
export async function findCommonAncestor(
  storedNewestFirst: readonly BlockRef[],
  chainHashAt: (blockNumber: number) => Promise<Hex | null>,
  floor: number,
): Promise<{ number: number; checked: number }> {
  let checked = 0;
  let previous = Infinity;
  for (const block of storedNewestFirst) {
    if (block.number >= previous) throw new Error(`stored blocks not newest first at ${block.number}`);
    previous = block.number;
    if (block.number <= floor) break;
    checked++;
    const hash = await chainHashAt(block.number);
    if (hash !== null && hash.toLowerCase() === block.hash.toLowerCase()) return { number: block.number, checked };
  }
  return { number: floor, checked };
}
