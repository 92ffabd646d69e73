// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {MarketFixture} from "./utils/MarketFixture.sol";
import {IHourMarket} from "../src/interfaces/IHourMarket.sol";
import {IGreenComputeIndex} from "../src/interfaces/IGreenComputeIndex.sol";
import {INodeRegistry} from "../src/interfaces/INodeRegistry.sol";
import {PriceOracle} from "../src/libraries/PriceOracle.sol";

/// @dev Independent review (h/review2). Every test here PASSES when it demonstrates a problem; the numbers in the
/// comments are the ones the assertions pin.
contract MarketReviewTest is MarketFixture {
    event log_named_uint(string key, uint256 val);

    uint256 internal consumerNode;

    function setUp() public override {
        super.setUp();
        INodeRegistry.NodeSpec memory spec = homeSpec(deviceAddr(0xD2));
        spec.gpuCount = 16;
        consumerNode = registerAs(alice, spec, 1_000e6);
    }

    function _indexSlot() internal view returns (uint32) {
        return uint32((block.timestamp + HORIZON) / 3600 + 1);
    }

    function _provideConsumer(uint32 slot, uint256 amount) internal returns (uint256 hourId) {
        vm.startPrank(alice);
        hourId = hours_.mint(consumerNode, slot, amount);
        market.addLiquidity(0, hourId, amount, 0, 0, alice, block.timestamp);
        vm.stopPrank();
    }

    /// @dev alice mints `amount` hours of `slot` and hands them to `to` (an off-market sale).
    function _mintTo(address to, uint32 slot, uint256 amount) internal returns (uint256 id) {
        vm.startPrank(alice);
        id = hours_.mint(nodeId, slot, amount);
        hours_.safeTransferFrom(alice, to, id, amount, "");
        vm.stopPrank();
    }

    // ======================================================================== R1
    /// R1 (HIGH) — the index slot's minimum depth is checked on the pre-trade liquidity, and liquidity is free to add
    /// and remove within one transaction. An attacker who holds a single hour of the index slot's id (or any thin index
    /// slot) adds a units-heavy first deposit (no fee: first depositor), buys that hour back (observed: the market is
    /// "deep" with the attacker's own liquidity), and withdraws everything, all in one block. The class price is set to
    /// the CAP (4 × ask) and the market is left empty, so no one can correct it in that slot without bringing
    /// ≥ indexMinDepthHours of liquidity first. Cost: only the protocol's 1/5 of the fee on one hour ≈ 0.0048 USD.
    /// docs/HOUR_MARKET.md §4 states a 10 % move costs ≥ 0.0089 USD at minimum depth; here a +280 % move costs 0.005 USD.
    function test_R1_flashLiquidityBypassesMinDepthAndSetsIndexToCap() public {
        // honest baseline: a deep index slot (40 hours), bob buys one hour at about the ask
        (uint256 ref,) = provide(_indexSlot(), 40);
        vm.prank(bob);
        market.buy(ref, 1, type(uint256).max, bob, block.timestamp);
        vm.warp(block.timestamp + 3600);
        uint256 indexBefore = index.indexBps(3600);
        vm.assertGe(indexBefore, 10_000, "baseline about the ask");
        vm.assertLe(indexBefore, 11_000, "baseline about the ask");

        // the new index slot: hours exist (a node minted them) but nobody provides liquidity there yet
        uint32 slot = _indexSlot();
        uint256 id = _mintTo(carol, slot, 1);
        uint256 cashBefore = token.balanceOf(carol);

        // --- the attack, one block ---
        vm.startPrank(carol);
        (uint256 pos,) = market.addLiquidity(0, id, 1, 200e6, 0, carol, block.timestamp);
        market.buy(id, 1, type(uint256).max, carol, block.timestamp); // observed: deep with carol's own liquidity
        uint256 shares = market.position(pos).shares;
        market.removeLiquidity(pos, shares, 0, 0, carol, block.timestamp);
        market.collect(pos, carol);
        vm.stopPrank();
        // --- end ---

        uint256 cost = cashBefore - token.balanceOf(carol);
        emit log_named_uint("R1 attacker cost usdc6", cost);
        vm.assertEq(hours_.balanceOf(carol, id), 1, "carol keeps her hour");
        vm.assertLe(cost, 5_000, "under half a cent");
        PriceOracle.Head memory h = market.oracleHead(DC_CLASS);
        emit log_named_uint("R1 class price after", h.lastPriceUsdc6);
        vm.assertGe(h.lastPriceUsdc6, DC_CAP - 10, "the class price is the cap");
        (, IHourMarket.MarketState memory s,, IHourMarket.Book memory b) = market.market(id);
        vm.assertEq(b.totalShares, 0, "the index slot is left empty");
        vm.assertEq(s.hoursReserve, 0, "nothing to trade against it");

        vm.warp(block.timestamp + 3600);
        uint256 indexAfter = index.indexBps(3600);
        emit log_named_uint("R1 index before bps", indexBefore);
        emit log_named_uint("R1 index after bps", indexAfter);
        vm.assertGe(indexAfter, 39_990, "index ~40,000 bps: x4 (+280 %) for < 0.005 USD");
    }

    /// R1b — the same bypass on a thin honest index slot (2 hours provided: 4 virtual hours < MIN_DEPTH 16), which the
    /// docs say "leaves the price where the previous one put it" (test_index_thinMarketCannotSetTheClassPrice). Carol
    /// buys 1 of the 2 hours (unobserved, lifting the thin market's spot +79 %), adds a proportional flash deposit ×20
    /// (fee-free: all of it is "in proportion", the spot does not move), buys one more hour (observed now: "deep") and
    /// withdraws. The thin market's manipulated price (3.67 USD vs the 2.05 USD TWAP) becomes the class price.
    function test_R1b_thinIndexSlotObservedThroughProportionalFlashDeposit() public {
        (uint256 ref,) = provide(_indexSlot(), 40);
        vm.prank(bob);
        market.buy(ref, 1, type(uint256).max, bob, block.timestamp);
        vm.warp(block.timestamp + 3600);
        uint256 baseline = index.twap(DC_CLASS, 3600);

        (uint256 thin,) = provide(_indexSlot(), 2);
        // carol needs hours of the id for a proportional deposit: bought off-market from the node
        uint256 id = _mintTo(carol, _indexSlot(), 40);
        vm.assertEq(id, thin, "same id");
        vm.startPrank(carol);
        market.buy(thin, 1, type(uint256).max, carol, block.timestamp); // thin: not observed
        vm.assertEq(market.oracleHead(DC_CLASS).lastTime + 3600, block.timestamp, "thin buy unobserved");
        (, IHourMarket.MarketState memory s,,) = market.market(thin);
        // proportional ×20 deposit: hours 20 × 1, cash 20 × units
        uint256 k = 20;
        (uint256 pos,) = market.addLiquidity(0, thin, k * s.hoursReserve, k * s.unitsReserve, 0, carol, block.timestamp);
        market.buy(thin, 1, type(uint256).max, carol, block.timestamp); // now "deep": observed
        market.removeLiquidity(pos, market.position(pos).shares, 0, 0, carol, block.timestamp);
        vm.stopPrank();
        uint256 p = market.oracleHead(DC_CLASS).lastPriceUsdc6;
        emit log_named_uint("R1b baseline twap", baseline);
        emit log_named_uint("R1b observed thin-market price", p);
        vm.assertGe(p * 10, baseline * 15, "a thin market's price (>= +50 %) set the class price");
    }

    // ======================================================================== R2
    /// R2 (HIGH/MEDIUM) — the observation ring holds one observation per block with an observed trade, 24 by default,
    /// and indexBps silently LEAVES OUT a class whose oldest observation is younger than the window. 24 one-hour trades
    /// in 24 blocks of the index slot (4.8 minutes) evict a day of history: the class drops out of the 24 h index for
    /// the next 24 h (and every honest block with an observed trade keeps it out). With two classes this re-weights
    /// the published index at will; with one it makes publishIndex revert (IndexEmpty). Cost ≈ 12 round trips of one
    /// hour ≈ 0.15 USD. Growing the ring costs defenders ~22k gas per slot, while attackers add one per block.
    function test_R2_ringEvictionDropsClassFromIndex() public {
        uint32 slot = _indexSlot();
        (uint256 dc,) = provide(slot, 40);
        uint256 cons = _provideConsumer(slot, 10);
        // honest history: dc bought up to ~1.5x ask, consumer at ~its ask
        vm.prank(bob);
        market.buy(dc, 12, type(uint256).max, bob, block.timestamp);
        vm.prank(bob);
        market.buy(cons, 1, type(uint256).max, bob, block.timestamp);
        vm.warp(block.timestamp + 24 hours);
        uint256 before = index.indexBps(24 hours);
        emit log_named_uint("R2 index before bps", before);

        // the attacker trades in today's dc index slot (a normal deep market) in 24 blocks
        (uint256 now_,) = provide(_indexSlot(), 40);
        uint256 cashBefore = token.balanceOf(carol);
        vm.startPrank(carol);
        for (uint256 i; i < 24; ++i) {
            if (i % 2 == 0) market.buy(now_, 1, type(uint256).max, carol, block.timestamp);
            else market.sell(now_, 1, 0, carol, block.timestamp);
            vm.warp(block.timestamp + 12);
        }
        vm.stopPrank();
        uint256 cost = cashBefore - token.balanceOf(carol);
        emit log_named_uint("R2 attacker cost usdc6", cost);
        vm.assertLe(cost, 200_000, "under 0.20 USD");

        uint256 afterIdx = index.indexBps(24 hours);
        emit log_named_uint("R2 index after bps", afterIdx);
        vm.expectRevert();
        index.twap(DC_CLASS, 24 hours); // ObservationTooOld: a day of history gone
        uint256 consumerOnly = index.twap(CONSUMER_CLASS, 24 hours) * 10_000 / CONSUMER_ASK;
        vm.assertEq(afterIdx, consumerOnly, "the dc class is silently left out");
        vm.assertLe(afterIdx * 10, before * 9, "index moved >= 10 %");

        // a dc-only index cannot be published at all
        vm.prank(admin);
        market.listClass(
            CONSUMER_CLASS, IHourMarket.ClassConfig(CONSUMER_ASK, CONSUMER_CAP, CONSUMER_FLOOR, HORIZON, 0, MIN_DEPTH)
        );
        vm.expectRevert(IGreenComputeIndex.IndexEmpty.selector);
        index.publishIndex(24 hours);
        // and it stays out for almost the whole next day with no further attack
        vm.warp(block.timestamp + 23 hours);
        vm.expectRevert(IGreenComputeIndex.IndexEmpty.selector);
        index.publishIndex(24 hours);
    }

    // ======================================================================== R3
    /// @dev Sets up (alice 30 hours, bob buys 1) in `slot` at class fee `fee`, then carol deposits 30 hours single-sided.
    /// Returns carol's claim on the reserves right after her deposit, valued at the spot after it (no withdrawal
    /// rounding), and the units part of that claim (what a swap-then-deposit would have converted).
    function _r3(uint32 slot, uint16 fee) internal returns (uint256 claim, uint256 unitsPart, uint256 id) {
        vm.prank(admin);
        market.setFee(DC_CLASS, fee);
        (id,) = provide(slot, 30);
        vm.prank(bob);
        market.buy(id, 1, type(uint256).max, bob, block.timestamp);
        _mintTo(carol, slot, 30);
        vm.prank(carol);
        (uint256 pos,) = market.addLiquidity(0, id, 30, 0, 0, carol, block.timestamp);
        (, IHourMarket.MarketState memory s,, IHourMarket.Book memory b) = market.market(id);
        uint256 spot = market.priceAt(id, block.timestamp);
        uint256 shares = market.position(pos).shares;
        unitsPart = uint256(s.unitsReserve) * shares / b.totalShares;
        claim = (uint256(s.hoursReserve) * spot + s.unitsReserve) * shares / b.totalShares;
    }

    /// R3 (MEDIUM) — F7 charges the swap fee on the WHOLE liquidity of a deposit once λ = 0, i.e. on every
    /// single-sided deposit into a market holding both hours and units, although only the part a swap would convert
    /// is "out of proportion". Two identical markets, fee 0 vs the default 30 bps: a node providing 30 hours
    /// single-sided (the normal way hours reach the market) after one 1-hour buy gets a claim 0.183 USD smaller,
    /// 0.30 % of its 61 USD claim, 60× the 30 bps fee (0.003 USD) on the 1.02 USD a swap-then-deposit would have converted.
    /// At MAX_FEE_BPS the haircut is 10 % of the deposit (R3b). The withheld claim goes to the LPs already in, so any LP
    /// can front-run a big single-sided deposit with a 1-hour buy to collect it (with units = 0 the same deposit pays
    /// nothing: λ = 1 by the zero-reserve rule).
    function test_R3_singleSidedDepositPaysFeeOnWholeDeposit() public {
        (uint256 claim0, uint256 unitsPart,) = _r3(slotNow() + 30, 0);
        (uint256 claim30,,) = _r3(slotNow() + 31, 30);
        uint256 overcharge = claim0 - claim30;
        uint256 fairFee = unitsPart * 30 / 10_000 + 1;
        emit log_named_uint("R3 claim at fee 0 usdc6", claim0);
        emit log_named_uint("R3 claim at fee 30 usdc6", claim30);
        emit log_named_uint("R3 units part (swapped) usdc6", unitsPart);
        emit log_named_uint("R3 fee on the swapped part usdc6", fairFee);
        vm.assertGe(overcharge, claim0 * 29 / 10_000, "the fee on the whole deposit");
        vm.assertGe(overcharge, 30 * fairFee, ">= 30x the fee on the part a swap would convert");
    }

    /// R3b — at the largest fee the fee role may set, the same deposit's claim is cut by 10 %.
    function test_R3b_singleSidedDepositAtMaxFeeLosesTenPercent() public {
        (uint256 claim0,,) = _r3(slotNow() + 30, 0);
        (uint256 claimMax,,) = _r3(slotNow() + 31, 1_000);
        emit log_named_uint("R3b claim cut usdc6 at 10% fee", claim0 - claimMax);
        vm.assertGe((claim0 - claimMax) * 100, claim0 * 9, "about 10 % of the deposit");
    }

    // ======================================================================== R4
    /// R4 (LOW) — a withdrawal floors its hours to whole hours and the fraction stays in the pool for the remaining
    /// LPs (no cash compensation). After the R3 deposit (fee 0) carol's claim is 29.5 hours + units; she withdraws 29
    /// hours: ~0.5 hour ≈ 1.03 USD (1.7 % of her position) goes to alice. Per withdrawal it is < 1 hour, but at a cap
    /// of up to 1,000,000 USD per hour it is unbounded in value, and the victim cannot avoid it on a full exit.
    function test_R4_withdrawalForfeitsFractionalHourToOtherLPs() public {
        (uint256 claim,, uint256 id) = _r3(slotNow() + 30, 0);
        uint256 spot = market.priceAt(id, block.timestamp);
        uint256 pos = positions.count();
        uint256 shares = market.position(pos).shares;
        vm.prank(carol);
        (uint256 hOut, uint256 cOut) = market.removeLiquidity(pos, shares, 0, 0, carol, block.timestamp);
        uint256 lost = claim - (hOut * spot + cOut);
        emit log_named_uint("R4 claim usdc6", claim);
        emit log_named_uint("R4 hours out", hOut);
        emit log_named_uint("R4 forfeited usdc6", lost);
        vm.assertGe(lost * 100, claim, ">= 1 % of the position forfeited to the other LPs");
    }

    // ======================================================================== R5
    /// R5 (LOW, admin-triggered) — _isIndexSlot uses each market's FROZEN horizon. After the admin relists a class with
    /// a new decay horizon, markets opened before (up to 7 days out) keep the old one, so for up to a week two markets
    /// of the class are "the index slot" in the same hour and a trader again picks which one writes the class price
    /// (the very choice F3 removed).
    function test_R5_relistedHorizonGivesTwoIndexSlots() public {
        (uint256 old24,) = provide(_indexSlot() + 1, 40); // frozen with a 24 h horizon
        vm.prank(admin);
        market.listClass(DC_CLASS, IHourMarket.ClassConfig(DC_ASK, DC_CAP, DC_FLOOR, 48 hours, 1, MIN_DEPTH));
        (uint256 new48,) = provide(uint32((block.timestamp + 48 hours) / 3600 + 2), 40); // frozen with 48 h
        vm.warp(block.timestamp + 3600);
        vm.prank(carol);
        market.buy(old24, 10, type(uint256).max, carol, block.timestamp);
        uint256 p1 = market.oracleHead(DC_CLASS).lastPriceUsdc6;
        vm.assertEq(market.oracleHead(DC_CLASS).lastTime, block.timestamp, "the 24 h-frozen market is observed");
        vm.warp(block.timestamp + 12);
        vm.prank(carol);
        market.buy(new48, 1, type(uint256).max, carol, block.timestamp);
        uint256 p2 = market.oracleHead(DC_CLASS).lastPriceUsdc6;
        vm.assertEq(market.oracleHead(DC_CLASS).lastTime, block.timestamp, "and the 48 h-frozen one, same hour");
        emit log_named_uint("R5 price from the old-horizon index slot", p1);
        emit log_named_uint("R5 price from the new-horizon index slot", p2);
        vm.assertGe(p1 * 10, p2 * 12, "two series a trader can choose between (2.61 vs 2.05 USD)");
    }

    // ======================================================================== R6
    /// R6 (LOW/INFO) — the index divides each class's TWAP by the CURRENT class ask, but the delivery guarantee
    /// scales a market's whole curve down when its ids' bond is below cap × 1.1 + 3. A class listed above its bond
    /// (here ask 4 / cap 16 against a 9 USD bond: every market scaled by 8.18/16) trades at its scaled ask, 2.05 USD,
    /// and the index reports it at 5,243 bps: "half the ask" for a market trading at its own ask. The same happens
    /// for a whole window after any relisting of the ask (old prices over the new ask).
    function test_R6_indexMixesScaledMarketsWithClassAsk() public {
        vm.prank(admin);
        market.listClass(DC_CLASS, IHourMarket.ClassConfig(4_000_000, 16_000_000, 800_000, HORIZON, 1, MIN_DEPTH));
        (uint256 id,) = provide(_indexSlot(), 40);
        (IHourMarket.MarketParams memory p,,,) = market.market(id);
        emit log_named_uint("R6 frozen ask", p.askUsdc6);
        vm.prank(bob);
        market.buy(id, 1, type(uint256).max, bob, block.timestamp);
        vm.warp(block.timestamp + 3600);
        uint256 idx = index.indexBps(3600);
        emit log_named_uint("R6 index bps", idx);
        vm.assertLe(idx, 5_300, "a market at its own ask reads as ~half the class ask");
    }

    // ======================================================================== safe checks
    /// forge-config: default.fuzz.runs = 2000
    /// SAFE (passes = no issue): at the largest fee, a buyer of every hour of a tiny or lopsided market, including a
    /// bond-scaled one, never pays more per hour than the bond (cap × 1.1 + 3 ≤ bond, rounding included).
    function testFuzz_SAFE_buyNeverAboveBond(uint256 hoursIn, uint256 cashIn, uint256 k, bool scaled) public {
        if (scaled) {
            vm.prank(admin);
            market.listClass(DC_CLASS, IHourMarket.ClassConfig(4_000_000, 16_000_000, 800_000, HORIZON, 1, MIN_DEPTH));
        }
        vm.prank(admin);
        market.setFee(DC_CLASS, 1_000);
        hoursIn = bound(hoursIn, 1, 64);
        cashIn = bound(cashIn, 0, 5_000e6);
        uint256 id = _mintTo(carol, slotNow() + 5, hoursIn);
        vm.prank(carol);
        market.addLiquidity(0, id, hoursIn, cashIn, 0, carol, block.timestamp);
        k = bound(k, 1, hoursIn);
        uint256 bond = hours_.bondPerHourOf(id);
        if (hoursIn > k) {
            vm.prank(bob);
            uint256 c0 = market.buy(id, hoursIn - k, type(uint256).max, bob, block.timestamp);
            vm.assertLe(c0, bond * (hoursIn - k), "a multi-hour buy above the bond");
        }
        // the rest, one at a time: the dearest hours
        (, IHourMarket.MarketState memory s,,) = market.market(id);
        for (uint256 i; i < s.hoursReserve; ++i) {
            vm.prank(bob);
            uint256 c = market.buy(id, 1, type(uint256).max, bob, block.timestamp);
            vm.assertLe(c, bond, "one hour above the bond");
        }
    }
}
