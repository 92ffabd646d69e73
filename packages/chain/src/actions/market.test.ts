// The hour market end to end on a real anvil: a node's hours go single-sided into the market, buyers buy single hours
// and a bundle, a trader sells back, the clock alone moves each market from Upcoming to InProgress to Exited, the
// buyer redeems during the slot, trading stops, and the provider withdraws its cash and fees after the slot.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  BaseError,
  ContractFunctionRevertedError,
  createTestClient,
  http,
  isAddressEqual,
  stringToHex,
  toHex,
  type Address,
} from 'viem';
import { mnemonicToAccount, privateKeyToAccount } from 'viem/accounts';
import {
  computeHoursAbi,
  hourMarketAbi,
  hourRouterAbi,
  greenComputeIndexAbi,
  settlementTokenAbi,
} from '@greenhour/contracts';
import {
  addLiquidity,
  ANVIL_DEFAULT_PRIVATE_KEY,
  buyBundle,
  buyHours,
  classTwapPpm,
  collectFees,
  connect,
  CONSUMER_ASK_USDC6,
  DATACENTER_ASK_USDC6,
  DEFAULT_MINIMUM_STAKE_USDC6,
  deploySystem,
  faucet,
  greenIndexBps,
  hourIdOf,
  marketClassFor,
  marketView,
  mintHours,
  positionView,
  quoteBundle,
  quoteBuy,
  quoteSell,
  readDeployment,
  redeemHours,
  registerNode,
  removeLiquidity,
  sellBasket,
  sellHours,
  slotOf,
  startAnvil,
  type Anvil,
  type Clients,
  type Deployment,
} from '../index.ts';

const MNEMONIC = 'test test test test test test test test test test test junk';
const anvilKey = (index: number) => toHex(mnemonicToAccount(MNEMONIC, { addressIndex: index }).getHdKey().privateKey!);

const CLASS_ID = 1;
const CLASSES = [
  {
    classId: CLASS_ID,
    label: stringToHex('dc-tier', { size: 32 }),
    fp16TflopsMin: 756,
    memoryGbMin: 80,
    boardPowerWMax: 700,
    bondPerHourUsdc6: 9_000_000n, // at least bondCoveringCap(8 USD cap = 4 × the 2 USD ask)
  },
];
const MARKET_CLASSES = CLASSES.map((c) => marketClassFor(c, DATACENTER_ASK_USDC6));
const GPU = 'NVIDIA H100 SXM5 80GB';
const WAD = 10n ** 18n;
const HOURS_PER_SLOT = 8n; // the station's GPU count: all it may mint per slot

function revertName(err: unknown): string | undefined {
  if (!(err instanceof BaseError)) return undefined;
  const reverted = err.walk((e) => e instanceof ContractFunctionRevertedError);
  return reverted instanceof ContractFunctionRevertedError ? reverted.data?.errorName : undefined;
}

describe('hour market on a real anvil: provide, trade, expire, redeem, withdraw', () => {
  let anvil: Anvil;
  let node: Clients; // deployer, market admin and the node's owner
  let buyer: Clients;
  let trader: Clients;
  let deployment: Deployment;
  let deploymentsDir: string;
  let nodeId: bigint;
  let slots: number[];
  let ids: bigint[];
  let positions: bigint[];
  const paidInto = new Map<bigint, bigint>(); // hour id → cash buyers paid that market (fees included)
  const testClient = () => createTestClient({ mode: 'anvil', transport: http(anvil.rpcUrl) });

  const tokenBalance = (who: Address) =>
    node.publicClient.readContract({
      address: deployment.settlementToken,
      abi: settlementTokenAbi,
      functionName: 'balanceOf',
      args: [who],
    });
  const hoursBalance = (who: Address, id: bigint) =>
    node.publicClient.readContract({
      address: deployment.computeHours,
      abi: computeHoursAbi,
      functionName: 'balanceOf',
      args: [who, id],
    });
  const addPaid = (id: bigint, amount: bigint) => paidInto.set(id, (paidInto.get(id) ?? 0n) + amount);
  /** Mines one empty block at `timestamp`: the clock moves, nobody sends a transaction. */
  const moveClockTo = async (timestamp: number) => {
    await testClient().setNextBlockTimestamp({ timestamp: BigInt(timestamp) });
    await testClient().mine({ blocks: 1 });
    const block = await node.publicClient.getBlock();
    assert.equal(block.timestamp, BigInt(timestamp));
    assert.equal(block.transactions.length, 0, 'no keeper transaction');
  };

  before(async () => {
    anvil = await startAnvil();
    node = await connect(anvil.rpcUrl, ANVIL_DEFAULT_PRIVATE_KEY);
    buyer = await connect(anvil.rpcUrl, anvilKey(1));
    trader = await connect(anvil.rpcUrl, anvilKey(2));
    deployment = await deploySystem(node, {
      capacityClasses: CLASSES,
      gpuModels: [{ gpuModel: stringToHex(GPU, { size: 32 }), classId: CLASS_ID }],
      marketClasses: MARKET_CLASSES,
      minimumStakeUsdc6: DEFAULT_MINIMUM_STAKE_USDC6,
      deploymentsDir: (deploymentsDir = mkdtempSync(join(tmpdir(), 'gh-market-deployments-'))),
    });
    await faucet(node, deployment, node.account.address, 6_000_000_000n);
    await faucet(node, deployment, buyer.account.address, 1_000_000_000n);
    await faucet(node, deployment, trader.account.address, 1_000_000_000n);
    const deviceKey = privateKeyToAccount(stringToHex('market-device', { size: 32 }));
    nodeId = await registerNode(
      node,
      deployment,
      {
        deviceSigner: deviceKey.address,
        siteType: 'station',
        geohash: 'w21z7',
        pvWp: 500_000,
        batteryWh: 1_000_000,
        chargerW: 0,
        gpuModel: GPU,
        gpuCount: Number(HOURS_PER_SLOT),
      },
      6_000_000_000n,
      deviceKey,
    );
    // More than the 24 h decay horizon ahead: units keep their full value while we trade, so a quote read in one
    // block is exactly what the trade mined in the next block pays.
    const now = (await node.publicClient.getBlock()).timestamp;
    const first = slotOf(now) + 30;
    slots = [first, first + 1, first + 2];
    ids = slots.map((s) => hourIdOf(CLASS_ID, s));
  });
  after(async () => anvil?.stop());

  it('deploys the market, its positions, router and index and lists the class with the datacenter defaults', async () => {
    const { publicClient } = node;
    const written = readDeployment(deploymentsDir, 31337);
    assert.equal(written.hourMarket, deployment.hourMarket);
    assert.equal(written.hourPositions, deployment.hourPositions);
    assert.equal(written.hourRouter, deployment.hourRouter);
    assert.equal(written.greenComputeIndex, deployment.greenComputeIndex);
    const market = { address: deployment.hourMarket, abi: hourMarketAbi } as const;
    const positionsAddress = await publicClient.readContract({ ...market, functionName: 'positions' });
    assert.ok(isAddressEqual(positionsAddress, deployment.hourPositions));
    const routerMarket = await publicClient.readContract({
      address: deployment.hourRouter,
      abi: hourRouterAbi,
      functionName: 'market',
    });
    assert.ok(isAddressEqual(routerMarket, deployment.hourMarket));
    const indexMarket = await publicClient.readContract({
      address: deployment.greenComputeIndex,
      abi: greenComputeIndexAbi,
      functionName: 'market',
    });
    assert.ok(isAddressEqual(indexMarket, deployment.hourMarket));
    assert.deepEqual(await publicClient.readContract({ ...market, functionName: 'classConfig', args: [CLASS_ID] }), {
      askUsdc6: 2_000_000n,
      capUsdc6: 8_000_000n,
      floorUsdc6: 105_000n, // 700 W × 1 h = 0.7 kWh at 0.15 USD/kWh
      decayHorizonS: 24 * 3600,
      indexWeight: 1,
      indexMinDepthHours: 12,
    });
  });

  it('a registered node mints hours for three future slots and adds them single-sided', async () => {
    positions = [];
    for (const [i, slot] of slots.entries()) {
      assert.equal(await mintHours(node, deployment, nodeId, slot, HOURS_PER_SLOT), ids[i]);
      const before = await marketView(node, deployment, ids[i]!);
      assert.equal(before.status, 'Upcoming');
      assert.equal(before.open, false);
      assert.equal(before.priceUsdc6, undefined);

      const { positionId, shares } = await addLiquidity(node, deployment, { hourId: ids[i]!, hoursIn: HOURS_PER_SLOT });
      assert.equal(positionId, BigInt(i + 1));
      assert.ok(shares > 0n);
      positions.push(positionId);
      assert.deepEqual(await positionView(node, deployment, positionId), {
        owner: node.account.address,
        hourId: ids[i],
        shares,
        owedUsdc6: 0n,
      });
      assert.equal(await hoursBalance(node.account.address, ids[i]!), 0n);
      assert.equal(await hoursBalance(deployment.hourMarket, ids[i]!), HOURS_PER_SLOT);
      const view = await marketView(node, deployment, ids[i]!);
      assert.equal(view.open, true);
      assert.equal(view.hoursReserve, Number(HOURS_PER_SLOT));
      assert.equal(view.totalShares, shares);
      assert.equal(view.askUsdc6, DATACENTER_ASK_USDC6);
      // Nothing sold yet: the price is the ask, less the curve's rounding down.
      assert.ok(view.priceUsdc6! <= DATACENTER_ASK_USDC6 && view.priceUsdc6! >= DATACENTER_ASK_USDC6 - 1n);
    }
  });

  it('a buyer buys hours at exactly the quote', async () => {
    const id = ids[0]!;
    const quote = await quoteBuy(buyer, deployment, id, 2n);
    assert.ok(quote > 2n * DATACENTER_ASK_USDC6, 'the curve rises with each hour sold, and the fee is on top');
    const cashBefore = await tokenBalance(buyer.account.address);
    const { costUsdc6, feeUsdc6 } = await buyHours(buyer, deployment, { hourId: id, hours: 2n, slippageBps: 50 });
    assert.equal(costUsdc6, quote);
    assert.equal(feeUsdc6, ((costUsdc6 - feeUsdc6) * 30n + 9_999n) / 10_000n, '0.30 % fee, rounded up');
    assert.equal(await tokenBalance(buyer.account.address), cashBefore - quote);
    assert.equal(await hoursBalance(buyer.account.address, id), 2n);
    addPaid(id, costUsdc6);
    const view = await marketView(buyer, deployment, id);
    assert.equal(view.hoursReserve, Number(HOURS_PER_SLOT) - 2);
    assert.ok(view.priceUsdc6! > DATACENTER_ASK_USDC6);
  });

  it('a buyer buys a 3-hour bundle over the three slots through the router at exactly the quote', async () => {
    const spec = { classId: CLASS_ID, fromSlot: slots[0]!, toSlot: slots[2]!, hours: 3n };
    const quote = await quoteBundle(buyer, deployment, spec);
    assert.equal(
      quote.hoursPerSlot.reduce((a, b) => a + b, 0n),
      3n,
    );
    const cashBefore = await tokenBalance(buyer.account.address);
    const hoursBefore = await Promise.all(ids.map((id) => hoursBalance(buyer.account.address, id)));
    const bought = await buyBundle(buyer, deployment, { ...spec, slippageBps: 100 });
    assert.equal(bought.totalCostUsdc6, quote.totalCostUsdc6);
    assert.deepEqual(bought.hoursPerSlot, quote.hoursPerSlot);
    assert.equal(
      bought.costPerSlotUsdc6.reduce((a, b) => a + b, 0n),
      quote.totalCostUsdc6,
    );
    assert.equal(bought.maxTotalUsdc6, (quote.totalCostUsdc6 * 10_100n + 9_999n) / 10_000n);
    assert.equal(await tokenBalance(buyer.account.address), cashBefore - quote.totalCostUsdc6);
    for (const [i, id] of ids.entries()) {
      assert.equal(await hoursBalance(buyer.account.address, id), hoursBefore[i]! + quote.hoursPerSlot[i]!);
      addPaid(id, bought.costPerSlotUsdc6[i]!);
    }
    assert.equal(await tokenBalance(deployment.hourRouter), 0n, 'the router keeps nothing');
  });

  it('a trader buys, then sells back before the slot, one market and a basket, at exactly the quotes', async () => {
    const [, id1, id2] = ids as [bigint, bigint, bigint];
    const start = await tokenBalance(trader.account.address);
    const a = await buyHours(trader, deployment, { hourId: id1, hours: 2n, slippageBps: 0 });
    const b = await buyHours(trader, deployment, { hourId: id2, hours: 1n, slippageBps: 0 });
    addPaid(id1, a.costUsdc6);
    addPaid(id2, b.costUsdc6);

    const sellQuote = await quoteSell(trader, deployment, id1, 1n);
    const sold = await sellHours(trader, deployment, { hourId: id1, hours: 1n, slippageBps: 25 });
    assert.equal(sold.proceedsUsdc6, sellQuote);
    addPaid(id1, -sold.proceedsUsdc6);

    const basketQuotes = [await quoteSell(trader, deployment, id1, 1n), await quoteSell(trader, deployment, id2, 1n)];
    const basket = await sellBasket(trader, deployment, {
      basket: [
        { hourId: id1, hours: 1n },
        { hourId: id2, hours: 1n },
      ],
      slippageBps: 0,
    });
    assert.equal(basket.proceedsUsdc6, basketQuotes[0]! + basketQuotes[1]!);
    assert.equal(basket.minTotalUsdc6, basket.proceedsUsdc6);
    // Each market paid its own part; the router passed the proceeds straight to the trader.
    addPaid(id1, -basketQuotes[0]!);
    addPaid(id2, -basketQuotes[1]!);
    const end = await tokenBalance(trader.account.address);
    assert.equal(end, start - a.costUsdc6 - b.costUsdc6 + sold.proceedsUsdc6 + basket.proceedsUsdc6);
    assert.ok(end < start, 'a round trip on a path-independent curve loses the fee both ways');
    assert.equal(await hoursBalance(trader.account.address, id1), 0n);
    assert.equal(await hoursBalance(trader.account.address, id2), 0n);
  });

  it('the provider withdraws part of a position before the slot: whole hours and their cash pro rata', async () => {
    const id = ids[2]!;
    const view = await marketView(node, deployment, id);
    const { shares } = await positionView(node, deployment, positions[2]!);
    const half = shares / 2n;
    const cashBefore = await tokenBalance(node.account.address);
    const out = await removeLiquidity(node, deployment, { positionId: positions[2]!, shares: half });
    // Whole hours leave; only their shares are burned (rounded up) and the fraction of an hour stays on the position.
    const hoursReserve = BigInt(view.hoursReserve);
    assert.equal(out.hoursOut, (hoursReserve * half) / view.totalShares);
    const wholeShares = (out.hoursOut * view.totalShares + hoursReserve - 1n) / hoursReserve;
    assert.equal(out.sharesBurned, hoursReserve * half === out.hoursOut * view.totalShares ? half : wholeShares);
    assert.equal((await positionView(node, deployment, positions[2]!)).shares, shares - out.sharesBurned);
    // Units are at full value (more than 24 h before the slot), so their cash is the units themselves.
    assert.equal(out.cashUsdc6, (view.unitsReserve * out.sharesBurned) / view.totalShares);
    assert.equal(await hoursBalance(node.account.address, id), out.hoursOut);
    assert.equal(await tokenBalance(node.account.address), cashBefore + out.cashUsdc6);
    addPaid(id, -out.cashUsdc6);
  });

  it('the clock alone moves the market Upcoming → InProgress → Exited; the buyer redeems during the slot', async () => {
    const id = ids[0]!;
    assert.equal((await marketView(buyer, deployment, id)).status, 'Upcoming');

    await moveClockTo(slots[0]! * 3600);
    assert.equal((await marketView(buyer, deployment, id)).status, 'InProgress');
    assert.equal((await marketView(buyer, deployment, ids[1]!)).status, 'Upcoming');

    const held = await hoursBalance(buyer.account.address, id);
    assert.ok(held >= 2n);
    await redeemHours(buyer, deployment, id, nodeId, held);
    assert.equal(await hoursBalance(buyer.account.address, id), 0n);

    // During the slot nothing trades and no liquidity moves, whatever the bounds.
    await assert.rejects(
      buyHours(buyer, deployment, { hourId: id, hours: 1n, slippageBps: 10_000 }),
      (err) => revertName(err) === 'NotUpcoming',
    );
    await assert.rejects(
      sellHours(node, deployment, { hourId: id, hours: 1n, slippageBps: 10_000 }),
      (err) => revertName(err) === 'NotUpcoming',
    );
    await assert.rejects(
      addLiquidity(node, deployment, { hourId: id, cashUsdc6: 1_000_000n }),
      (err) => revertName(err) === 'NotUpcoming',
    );
    await assert.rejects(
      removeLiquidity(node, deployment, { positionId: positions[0]!, shares: 1n }),
      (err) => revertName(err) === 'InProgressNoWithdrawals',
    );

    await moveClockTo((slots[0]! + 1) * 3600);
    assert.equal((await marketView(buyer, deployment, id)).status, 'Exited');
    assert.equal((await marketView(buyer, deployment, ids[1]!)).status, 'InProgress');
    await assert.rejects(
      buyHours(buyer, deployment, { hourId: id, hours: 1n, slippageBps: 0 }),
      (err) => revertName(err) === 'NotUpcoming',
    );
  });

  it('after the slot the provider removes cash only and collects its fees: everything buyers paid, less the protocol', async () => {
    const id = ids[0]!;
    const view = await marketView(node, deployment, id);
    const { shares } = await positionView(node, deployment, positions[0]!);
    assert.equal(shares, view.totalShares, 'the node is the only provider');
    const start = await tokenBalance(node.account.address);

    const out = await removeLiquidity(node, deployment, { positionId: positions[0]!, shares });
    assert.equal(out.hoursOut, 0n, 'unsold hours stay in the market: they are worthless now');
    // After the slot a unit is worth floor/ask.
    const valueWad = (view.floorUsdc6 * WAD) / view.askUsdc6;
    assert.equal(out.cashUsdc6, (view.unitsReserve * valueWad) / WAD);
    assert.equal(await tokenBalance(node.account.address), start + out.cashUsdc6);

    const { owedUsdc6 } = await positionView(node, deployment, positions[0]!);
    const collected = await collectFees(node, deployment, { positionId: positions[0]! });
    assert.equal(collected, owedUsdc6);
    assert.ok(collected > 0n);
    assert.equal(await tokenBalance(node.account.address), start + out.cashUsdc6 + collected);
    assert.equal((await positionView(node, deployment, positions[0]!)).owedUsdc6, 0n);
    assert.equal(await collectFees(node, deployment, { positionId: positions[0]! }), 0n, 'nothing twice');

    // Conservation: the provider got everything buyers paid into this market except the protocol's fee share (with
    // the cash dust the last provider leaves) and the per-share rounding of earnings, which stays in the book.
    const after = await marketView(node, deployment, id);
    assert.equal(after.totalShares, 0n);
    assert.equal(after.unitsReserve, 0n);
    assert.equal(after.cashUsdc6, 0n);
    assert.ok(after.earnedUsdc6 <= 1n, `earnings rounding dust ${after.earnedUsdc6}`);
    assert.equal(out.cashUsdc6 + collected, paidInto.get(id)! - after.protocolFeesUsdc6 - after.earnedUsdc6);
  });

  it('reads the class TWAP and the green compute index from a trade in the index slot', async () => {
    // Only the class's index slot writes its price series: the slot starting between one decay horizon (24 h) and
    // one slot more ahead. The markets above are not it, so the node provides that slot and the buyer trades there.
    const now = Number((await node.publicClient.getBlock()).timestamp);
    const indexSlot = Math.floor((now + 1 + 24 * 3600) / 3600) + 1; // as of the next block
    const indexId = await mintHours(node, deployment, nodeId, indexSlot, HOURS_PER_SLOT);
    await addLiquidity(node, deployment, { hourId: indexId, hoursIn: HOURS_PER_SLOT });
    await buyHours(buyer, deployment, { hourId: indexId, hours: 1n, slippageBps: 50 });
    const head = await node.publicClient.readContract({
      address: deployment.hourMarket,
      abi: hourMarketAbi,
      functionName: 'oracleHead',
      args: [CLASS_ID],
    });
    const tradedAt = Number((await node.publicClient.getBlock()).timestamp);
    assert.equal(head.lastTime, tradedAt, 'the index-slot trade was observed');
    // TWAPs run over whole hours ending at the last hour boundary: over the first whole hour after the trade, the
    // relative price in force was the one it left, its market's spot over its ask.
    await moveClockTo((Math.floor(tradedAt / 3600) + 2) * 3600 + 5);
    const twap = await classTwapPpm(node, deployment, CLASS_ID, 3600);
    assert.equal(twap, BigInt(head.lastRelativePpm));
    assert.ok(twap > 1_000_000n, `a buy lifts the class over its ask: ${twap} ppm`);
    assert.equal(await greenIndexBps(node, deployment, 3600), (twap * 10_000n) / 1_000_000n);
  });

  it('rejects bad inputs before sending anything, naming the field', async () => {
    const nonce = () => node.publicClient.getTransactionCount({ address: node.account.address });
    const sent = await nonce();
    const id = ids[1]!;
    const cases: [() => Promise<unknown>, RegExp][] = [
      [
        () => addLiquidity(node, deployment, { hourId: id }),
        /^Error: hoursIn, cashUsdc6: at least one must be positive/,
      ],
      [() => addLiquidity(node, deployment, { hourId: 1n << 48n, hoursIn: 1n }), /^Error: hourId: must be an hour id/],
      [
        () => addLiquidity(node, deployment, { hourId: id, hoursIn: -1n }),
        /^Error: hoursIn: must be a non-negative bigint/,
      ],
      [
        () => addLiquidity(node, deployment, { hourId: id, hoursIn: 1n, recipient: '0x1234' }),
        /^Error: recipient: must be a non-zero address/,
      ],
      [
        () => removeLiquidity(node, deployment, { positionId: 1n, shares: 0n }),
        /^Error: shares: must be a positive bigint/,
      ],
      [
        () => removeLiquidity(node, deployment, { positionId: 0n, shares: 1n }),
        /^Error: positionId: must be a positive/,
      ],
      [
        () => removeLiquidity(node, deployment, { positionId: 1n, shares: 1n, deadline: 0n }),
        /^Error: deadline: must be a positive bigint/,
      ],
      [() => collectFees(node, deployment, { positionId: 0n }), /^Error: positionId: must be a positive bigint/],
      [
        () => buyHours(buyer, deployment, { hourId: id, hours: 0n, slippageBps: 10 }),
        /^Error: hours: must be a positive bigint, got 0/,
      ],
      [
        () => buyHours(buyer, deployment, { hourId: id, hours: 1n, slippageBps: 10_001 }),
        /^Error: slippageBps: must be an integer from 0 to 10000, got 10001/,
      ],
      [
        () => buyHours(buyer, deployment, { hourId: -1n, hours: 1n, slippageBps: 10 }),
        /^Error: hourId: must be an hour id/,
      ],
      [
        () => buyHours(buyer, deployment, { hourId: 7 as unknown as bigint, hours: 1n, slippageBps: 10 }),
        /^Error: hourId: must be an hour id .* got 7/,
      ],
      [
        () => sellHours(buyer, deployment, { hourId: id, hours: 1n, slippageBps: 1.5 }),
        /^Error: slippageBps: must be an integer/,
      ],
      [
        () => sellHours(buyer, deployment, { hourId: id, hours: 1 as unknown as bigint, slippageBps: 0 }),
        /^Error: hours: must be a positive bigint, got 1/,
      ],
      [
        () => buyBundle(buyer, deployment, { classId: 1, fromSlot: 10, toSlot: 9, hours: 1n, slippageBps: 0 }),
        /^Error: toSlot: 9 is before fromSlot 10/,
      ],
      [
        () => buyBundle(buyer, deployment, { classId: 1, fromSlot: 10, toSlot: 10 + 168, hours: 1n, slippageBps: 0 }),
        /^Error: toSlot: the range spans 169 slots, at most 168/,
      ],
      [
        () => buyBundle(buyer, deployment, { classId: 70_000, fromSlot: 1, toSlot: 2, hours: 1n, slippageBps: 0 }),
        /^Error: classId: must be an integer from 0 to 65535/,
      ],
      [
        () => buyBundle(buyer, deployment, { classId: 1, fromSlot: 1, toSlot: 2, hours: 0n, slippageBps: 0 }),
        /^Error: hours: must be a positive bigint/,
      ],
      [
        () => buyBundle(buyer, deployment, { classId: 1, fromSlot: 1, toSlot: 2, hours: 1n, slippageBps: -1 }),
        /^Error: slippageBps: must be an integer from 0 to 10000, got -1/,
      ],
      [() => sellBasket(buyer, deployment, { basket: [], slippageBps: 0 }), /^Error: basket: at least one hour id/],
      [
        () =>
          sellBasket(buyer, deployment, {
            basket: [
              { hourId: id, hours: 1n },
              { hourId: id, hours: 2n },
            ],
            slippageBps: 0,
          }),
        /^Error: basket\[1\]\.hourId: \d+ is already in the basket/,
      ],
      [
        () =>
          sellBasket(buyer, deployment, {
            basket: [
              { hourId: id, hours: 1n },
              { hourId: ids[2]!, hours: 0n },
            ],
            slippageBps: 0,
          }),
        /^Error: basket\[1\]\.hours: must be a positive bigint/,
      ],
      [() => marketView(node, deployment, 1n << 60n), /^Error: hourId: must be an hour id/],
      [() => quoteBuy(node, deployment, id, 0n), /^Error: hours: must be a positive bigint/],
      [() => quoteSell(node, deployment, id, -2n), /^Error: hours: must be a positive bigint/],
      [() => classTwapPpm(node, deployment, CLASS_ID, 0), /^Error: windowS: must be whole hours/],
      [() => classTwapPpm(node, deployment, CLASS_ID, 1800), /^Error: windowS: must be whole hours/],
      [() => greenIndexBps(node, deployment, 1.5), /^Error: windowS: must be whole hours/],
      [() => greenIndexBps(node, deployment, 8 * 24 * 3600), /^Error: windowS: must be whole hours/],
    ];
    for (const [call, message] of cases) await assert.rejects(call, message);
    assert.equal(await nonce(), sent, 'no transaction was sent');
  });

  it('rejects market classes the contract would refuse before deploying anything, naming class and field', async () => {
    const nonce = await node.publicClient.getTransactionCount({ address: node.account.address });
    const deploy = (marketClasses: typeof MARKET_CLASSES) =>
      deploySystem(node, {
        capacityClasses: CLASSES,
        gpuModels: [],
        marketClasses,
        minimumStakeUsdc6: DEFAULT_MINIMUM_STAKE_USDC6,
        deploymentsDir: mkdtempSync(join(tmpdir(), 'gh-bad-market-')),
      });
    const good = MARKET_CLASSES[0]!;
    await assert.rejects(deploy([{ ...good, floorUsdc6: good.askUsdc6 + 1n }]), /marketClasses\[class 1\]\.floorUsdc6/);
    await assert.rejects(deploy([{ ...good, capUsdc6: good.askUsdc6 }]), /marketClasses\[class 1\]\.capUsdc6/);
    await assert.rejects(deploy([{ ...good, decayHorizonS: 0 }]), /marketClasses\[class 1\]\.decayHorizonS/);
    await assert.rejects(deploy([{ ...good, indexWeight: 70_000 }]), /marketClasses\[class 1\]\.indexWeight/);
    await assert.rejects(deploy([{ ...good, indexMinDepthHours: -1 }]), /marketClasses\[class 1\]\.indexMinDepthHours/);
    await assert.rejects(
      deploy([{ ...good, classId: 2 }]),
      /marketClasses\[class 2\]\.classId: not one of the capacity/,
    );
    await assert.rejects(deploy([good, good]), /marketClasses\[class 1\]\.classId: listed twice/);
    assert.equal(await node.publicClient.getTransactionCount({ address: node.account.address }), nonce);
    // The default curve refuses an ask below the class's energy floor.
    assert.throws(
      () => marketClassFor(CLASSES[0]!, 100_000n),
      /askUsdc6: class 1 asks 100000, below its energy floor 105000/,
    );
  });
});

describe('default market curves', () => {
  it('derive cap and floor from the ask and the class board power', () => {
    assert.deepEqual(marketClassFor({ classId: 1, boardPowerWMax: 700 }, DATACENTER_ASK_USDC6), {
      classId: 1,
      askUsdc6: 2_000_000n,
      capUsdc6: 8_000_000n,
      floorUsdc6: 105_000n, // 0.7 kWh × 0.15 USD/kWh
      decayHorizonS: 86_400,
      indexWeight: 1,
      indexMinDepthHours: 12,
    });
    assert.deepEqual(marketClassFor({ classId: 2, boardPowerWMax: 450 }, CONSUMER_ASK_USDC6), {
      classId: 2,
      askUsdc6: 400_000n,
      capUsdc6: 1_600_000n,
      floorUsdc6: 67_500n, // 0.45 kWh × 0.15 USD/kWh
      decayHorizonS: 86_400,
      indexWeight: 1,
      indexMinDepthHours: 12,
    });
    // Rounded up to a whole usdc6: 25 W → 0.025 kWh × 0.15 = 0.00375 USD; 1 W → 0.00015 USD.
    assert.equal(marketClassFor({ classId: 3, boardPowerWMax: 25 }, 200_000n).floorUsdc6, 3_750n);
    assert.equal(marketClassFor({ classId: 3, boardPowerWMax: 1 }, 200_000n).floorUsdc6, 150n);
    assert.equal(marketClassFor({ classId: 3, boardPowerWMax: 333 }, 200_000n).floorUsdc6, 49_950n);
    assert.throws(() => marketClassFor({ classId: 3, boardPowerWMax: 0 }, 1n), /^Error: boardPowerWMax: must be/);
    assert.throws(() => marketClassFor({ classId: 3, boardPowerWMax: 100 }, 0n), /^Error: askUsdc6: must be positive/);
  });
});
