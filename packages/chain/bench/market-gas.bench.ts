// Gas of the hour market's actions as real transactions on anvil (receipt gasUsed: 21,000 intrinsic + calldata +
// execution, refunds applied), against the reference figures and against two baselines measured in the same
// run: a plain settlement-token transferFrom and a plain ERC-1155 hour transfer, the two moves every swap contains.
import { createTestClient, http, maxUint256 } from 'viem';
import { computeHoursAbi, hourMarketAbi, hourRouterAbi, settlementTokenAbi } from '@greenhour/contracts';
import {
  hourIdOf,
  mintHours,
  slotOf,
  startMarketSandbox,
  SANDBOX_CLASS_ID,
  transact,
  type Clients,
} from '../src/index.ts';

const sandbox = await startMarketSandbox(64);
const { node, buyer, deployment, nodeId } = sandbox;
const market = { address: deployment.hourMarket, abi: hourMarketAbi } as const;
const testClient = createTestClient({ mode: 'anvil', transport: http(sandbox.anvil.rpcUrl) });
/** Each measured transaction is the first of a new block a minute later: trades then write their class's price
 * observation, as the first trade of any block does (the steady state on a live chain). */
const gas = async (clients: Clients, call: Parameters<typeof transact>[1]) => {
  await testClient.increaseTime({ seconds: 60 });
  return Number((await transact(clients, call)).receipt.gasUsed);
};
const step = (label: string) => process.stderr.write(`market-gas: ${label}\n`);

try {
  for (const [who, spender] of [
    [node, deployment.hourMarket],
    [buyer, deployment.hourMarket],
    [buyer, deployment.hourRouter],
  ] as const) {
    await transact(who, {
      address: deployment.settlementToken,
      abi: settlementTokenAbi,
      functionName: 'approve',
      args: [spender, maxUint256],
    });
  }
  for (const who of [node, buyer]) {
    for (const operator of [deployment.hourMarket, deployment.hourRouter]) {
      await transact(who, {
        address: deployment.computeHours,
        abi: computeHoursAbi,
        functionName: 'setApprovalForAll',
        args: [operator, true],
      });
    }
  }
  const now = (await node.publicClient.getBlock()).timestamp;
  const first = slotOf(now) + 48;
  const id = hourIdOf(SANDBOX_CLASS_ID, first);
  const deadline = now + 3600n;

  step('baselines');
  await mintHours(node, deployment, nodeId, first, 64n);
  await transact(node, {
    address: deployment.computeHours,
    abi: computeHoursAbi,
    functionName: 'safeTransferFrom',
    args: [node.account.address, buyer.account.address, id, 1n, '0x'],
  });
  // Both baselines move value between accounts that already hold some: the steady state of a swap's two transfers.
  const tokenPull = await gas(node, {
    address: deployment.settlementToken,
    abi: settlementTokenAbi,
    functionName: 'transferFrom',
    args: [buyer.account.address, node.account.address, 1_000_000n],
  }).catch(async () => {
    await transact(buyer, {
      address: deployment.settlementToken,
      abi: settlementTokenAbi,
      functionName: 'approve',
      args: [node.account.address, maxUint256],
    });
    return gas(node, {
      address: deployment.settlementToken,
      abi: settlementTokenAbi,
      functionName: 'transferFrom',
      args: [buyer.account.address, node.account.address, 1_000_000n],
    });
  });
  const hourMove = await gas(node, {
    address: deployment.computeHours,
    abi: computeHoursAbi,
    functionName: 'safeTransferFrom',
    args: [node.account.address, buyer.account.address, id, 1n, '0x'],
  });
  const baseline = tokenPull + hourMove;

  step('open, add, trade, remove, collect');
  const open = await gas(node, { ...market, functionName: 'open', args: [id] });
  const addNew = await gas(node, {
    ...market,
    functionName: 'addLiquidity',
    args: [0n, id, 40n, 0n, 0n, node.account.address, deadline],
  });
  const positionId = 1n;
  const addMore = await gas(node, {
    ...market,
    functionName: 'addLiquidity',
    args: [positionId, id, 10n, 0n, 0n, node.account.address, deadline],
  });
  // Warm-up: the market's first trade creates its token balance and the class's oracle head (one-off costs).
  await transact(buyer, {
    ...market,
    functionName: 'buy',
    args: [id, 1n, maxUint256, buyer.account.address, deadline],
  });
  const buyHolder = await gas(buyer, {
    ...market,
    functionName: 'buy',
    args: [id, 1n, maxUint256, buyer.account.address, deadline],
  });
  const buyNewHolder = await gas(buyer, {
    ...market,
    functionName: 'buy',
    args: [id, 1n, maxUint256, '0x000000000000000000000000000000000000bEEF', deadline],
  });
  const sell = await gas(buyer, {
    ...market,
    functionName: 'sell',
    args: [id, 1n, 0n, buyer.account.address, deadline],
  });
  // A quarter of the position: whole hours leave (a part below one hour would revert LessThanOneHour, R4).
  const held = await node.publicClient.readContract({ ...market, functionName: 'position', args: [positionId] });
  const remove = await gas(node, {
    ...market,
    functionName: 'removeLiquidity',
    args: [positionId, held.shares / 4n, 0n, 0n, node.account.address, deadline],
  });
  const collect = await gas(node, { ...market, functionName: 'collect', args: [positionId, node.account.address] });

  step('24-slot bundle (24 markets provided first)');
  const bundleSlots = Array.from({ length: 24 }, (_, i) => first + 1 + i);
  for (const s of bundleSlots) {
    await mintHours(node, deployment, nodeId, s, 4n);
    await transact(node, {
      ...market,
      functionName: 'addLiquidity',
      args: [0n, hourIdOf(SANDBOX_CLASS_ID, s), 4n, 0n, 0n, node.account.address, deadline],
    });
  }
  const bundle = await gas(buyer, {
    address: deployment.hourRouter,
    abi: hourRouterAbi,
    functionName: 'buyBundle',
    args: [SANDBOX_CLASS_ID, bundleSlots[0]!, bundleSlots.at(-1)!, 24n, maxUint256, buyer.account.address, deadline],
  });

  const fmt = (n: number) => n.toLocaleString('en-US');
  const rows: [string, number, string][] = [
    ['open a market (lazy, first use)', open, '≤ 50,000 goal; Uniswap v4 initialize 51,532; v2 pair ~2.5M'],
    ['add hours single-sided, new position', addNew, '—'],
    ['add hours to an existing position', addMore, '—'],
    [
      'buy 1 hour (buyer already holds the id)',
      buyHolder,
      'Uniswap v2 ~76,000; v4 123,144 (goal ≤ 70,000 is execution gas)',
    ],
    ['buy 1 hour for a first-time holder of the id', buyNewHolder, '+17,100 for the new ERC-1155 balance slot'],
    ['sell 1 hour back', sell, 'as buy'],
    ['remove part of a position', remove, '—'],
    ['collect fees', collect, '—'],
    ['buy a 24-slot bundle (1 hour in each of 24 markets)', bundle, `${fmt(Math.round(bundle / 24))} per slot`],
  ];
  console.log(
    `\nbaseline: token transferFrom ${fmt(tokenPull)} + hour transfer ${fmt(hourMove)} = ${fmt(baseline)} gas`,
  );
  console.log('\n| action | gas (transaction) | ÷ baseline | reference |');
  console.log('| --- | ---: | ---: | --- |');
  for (const [label, g, ref] of rows) {
    console.log(`| ${label} | ${fmt(g)} | ${(g / baseline).toFixed(2)} | ${ref} |`);
  }
} finally {
  await sandbox.stop();
}
