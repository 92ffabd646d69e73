// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {MarketFixture} from "./utils/MarketFixture.sol";
import {IHourMarket} from "../src/interfaces/IHourMarket.sol";
import {IGreenComputeIndex} from "../src/interfaces/IGreenComputeIndex.sol";
import {INodeRegistry} from "../src/interfaces/INodeRegistry.sol";
import {HourMarket} from "../src/HourMarket.sol";
import {HourId} from "../src/libraries/HourId.sol";
import {HourCurve} from "../src/libraries/HourCurve.sol";
import {PriceOracle} from "../src/libraries/PriceOracle.sol";

/// @dev The index against prices written out by hand: every trade's price after is read from the oracle head and the
/// cumulative at any time is recomputed from the (time, price) list, so interpolation must be exact.
contract GreenComputeIndexTest is MarketFixture {
    uint256 internal constant WAD = 1e18;

    // (time, price in force from then on) of the dc class, one entry per block with trades
    uint256[] internal times;
    uint256[] internal prices;
    uint256 internal consumerNode;

    function setUp() public override {
        super.setUp();
        INodeRegistry.NodeSpec memory spec = homeSpec(deviceAddr(0xD2));
        spec.gpuCount = 16;
        consumerNode = registerAs(alice, spec, 1_000e6);
    }

    // ---------------------------------------------------------------- helpers

    /// @dev bob buys one hour or sells one back (alternating keeps the market in range), recording the dc price.
    function _trade(uint256 id) internal {
        vm.startPrank(bob);
        if (hours_.balanceOf(bob, id) != 0 && times.length % 2 == 1) {
            market.sell(id, 1, 0, bob, block.timestamp);
        } else {
            market.buy(id, 1, type(uint256).max, bob, block.timestamp);
        }
        vm.stopPrank();
        uint256 price = market.oracleHead(DC_CLASS).lastPriceUsdc6;
        if (times.length != 0 && times[times.length - 1] == block.timestamp) {
            prices[prices.length - 1] = price;
        } else {
            times.push(block.timestamp);
            prices.push(price);
        }
    }

    /// @dev Σ price × seconds from the first recorded trade up to `target`.
    function _cumAt(uint256 target) internal view returns (uint256 c) {
        for (uint256 i; i < times.length && times[i] < target; ++i) {
            uint256 end = i + 1 < times.length && times[i + 1] < target ? times[i + 1] : target;
            c += prices[i] * (end - times[i]);
        }
    }

    function _twapByHand(uint32 window) internal view returns (uint256) {
        return (_cumAt(block.timestamp) - _cumAt(block.timestamp - window)) / window;
    }

    function _provideConsumer(uint32 slot, uint256 amount) internal returns (uint256 hourId) {
        vm.startPrank(alice);
        hourId = hours_.mint(consumerNode, slot, amount);
        market.addLiquidity(0, hourId, amount, 0, 0, alice, block.timestamp);
        vm.stopPrank();
    }

    // ---------------------------------------------------------------- twap and observe

    function test_twap_exactTimeWeightedPrice() public {
        (uint256 id,) = provide(slotNow() + 72, 40); // no decay in the next hours: prices move by trades only
        uint256 t0 = block.timestamp;
        _trade(id); // t0: buy
        vm.warp(t0 + 600);
        _trade(id); // t0 + 600: sell
        _trade(id); // same block: only the last price counts from here
        vm.warp(t0 + 1800);
        _trade(id);
        vm.warp(t0 + 3600);
        vm.assertEq(times.length, 3, "three blocks with trades");
        (uint256 p0, uint256 p1, uint256 p2) = (prices[0], prices[1], prices[2]);

        vm.assertEq(index.twap(DC_CLASS, 3600), (p0 * 600 + p1 * 1200 + p2 * 1800) / 3600, "full window");
        vm.assertEq(index.twap(DC_CLASS, 3000), (p1 * 1200 + p2 * 1800) / 3000, "from an observation");
        vm.assertEq(index.twap(DC_CLASS, 3300), (p0 * 300 + p1 * 1200 + p2 * 1800) / 3300, "interpolated start");
        vm.assertEq(index.twap(DC_CLASS, 1000), p2, "one price in the window");
        vm.assertEq(index.twap(DC_CLASS, 3300), _twapByHand(3300), "the helper agrees");

        uint32[] memory agos = new uint32[](5);
        (agos[0], agos[1], agos[2], agos[3], agos[4]) = (0, 1, 1800, 3000, 3600);
        uint256[] memory cum = index.observe(DC_CLASS, agos);
        vm.assertEq(cum[0], p0 * 600 + p1 * 1200 + p2 * 1800, "now");
        vm.assertEq(cum[1], p0 * 600 + p1 * 1200 + p2 * 1799, "1 s ago: extrapolated from the head");
        vm.assertEq(cum[2], p0 * 600 + p1 * 1200, "at the third observation");
        vm.assertEq(cum[3], p0 * 600, "at the second");
        vm.assertEq(cum[4], 0, "at the first");
    }

    function test_twap_revertsOnBadWindowsAndMissingHistory() public {
        uint256 ts = block.timestamp;
        vm.expectRevert(abi.encodeWithSelector(IGreenComputeIndex.ObservationTooOld.selector, DC_CLASS, ts, ts));
        index.twap(DC_CLASS, 60); // no trade yet: not even now has an observation

        (uint256 id,) = provide(slotNow() + 72, 40);
        uint256 t0 = block.timestamp;
        _trade(id);
        vm.warp(t0 + 3600);
        vm.expectRevert(abi.encodeWithSelector(IGreenComputeIndex.InvalidWindow.selector, 0));
        index.twap(DC_CLASS, 0);
        uint32 tooLong = uint32(block.timestamp + 1);
        vm.expectRevert(abi.encodeWithSelector(IGreenComputeIndex.InvalidWindow.selector, tooLong));
        index.twap(DC_CLASS, tooLong);
        vm.expectRevert(abi.encodeWithSelector(IGreenComputeIndex.ObservationTooOld.selector, DC_CLASS, t0 - 1, t0));
        index.twap(DC_CLASS, 3601);
        vm.assertEq(index.twap(DC_CLASS, 3600), prices[0], "the whole history");

        uint32[] memory agos = new uint32[](2);
        (agos[0], agos[1]) = (0, 3601);
        vm.expectRevert(abi.encodeWithSelector(IGreenComputeIndex.ObservationTooOld.selector, DC_CLASS, t0 - 1, t0));
        index.observe(DC_CLASS, agos);
        agos[1] = tooLong;
        vm.expectRevert(abi.encodeWithSelector(IGreenComputeIndex.InvalidWindow.selector, tooLong));
        index.observe(DC_CLASS, agos);
        vm.expectRevert(abi.encodeWithSelector(IGreenComputeIndex.InvalidWindow.selector, 0));
        index.indexBps(0);
        vm.expectRevert(abi.encodeWithSelector(IGreenComputeIndex.InvalidWindow.selector, tooLong));
        index.indexBps(tooLong);
    }

    function test_twap_ringWrapsAround() public {
        (uint256 id,) = provide(slotNow() + 72, 40);
        uint256 t0 = block.timestamp;
        for (uint256 i; i < 30; ++i) {
            vm.warp(t0 + 60 * i);
            _trade(id);
        }
        vm.warp(t0 + 30 * 60);
        PriceOracle.Head memory h = market.oracleHead(DC_CLASS);
        vm.assertEq(h.cardinality, 24, "default ring");
        vm.assertEq(h.index, 29 % 24, "wrapped");
        // the 24 newest observations remain: trades 6..29; the oldest is at t0 + 360
        uint32 full = uint32(block.timestamp - (t0 + 360));
        vm.assertEq(index.twap(DC_CLASS, full), _twapByHand(full), "the whole ring");
        vm.assertEq(index.twap(DC_CLASS, full - 30), _twapByHand(full - 30), "interpolated inside the ring");
        vm.expectRevert(
            abi.encodeWithSelector(IGreenComputeIndex.ObservationTooOld.selector, DC_CLASS, t0 + 359, t0 + 360)
        );
        index.twap(DC_CLASS, full + 1);
    }

    function test_twap_growObservationsKeepsLongHistory() public {
        (uint256 id,) = provide(slotNow() + 72, 40);
        uint256 t0 = block.timestamp;
        // 30 trades wrap the default ring, then it grows to 48 and 40 more trades fill it
        for (uint256 i; i < 30; ++i) {
            vm.warp(t0 + 60 * i);
            _trade(id);
        }
        vm.expectEmit(true, false, false, true);
        emit IHourMarket.ObservationsGrown(DC_CLASS, 48);
        market.growObservations(DC_CLASS, 48);
        vm.assertEq(market.oracleHead(DC_CLASS).cardinalityNext, 48, "grown");
        market.growObservations(DC_CLASS, 10); // never shrinks
        vm.assertEq(market.oracleHead(DC_CLASS).cardinalityNext, 48, "not shrunk");
        // until the index wraps the old ring, the window is still 24 observations long
        uint32 ring24 = uint32(block.timestamp - (t0 + 360)); // trades 6..29
        vm.assertEq(index.twap(DC_CLASS, ring24), _twapByHand(ring24), "before the growth takes effect");
        for (uint256 i = 30; i < 70; ++i) {
            vm.warp(t0 + 60 * i);
            _trade(id);
        }
        vm.warp(t0 + 70 * 60);
        PriceOracle.Head memory h = market.oracleHead(DC_CLASS);
        vm.assertEq(h.cardinality, 48, "grown ring in use");
        // the growth took effect when the index wrapped after trade 47: trades 24..47 then 48..69, 46 observations
        uint32 full = uint32(block.timestamp - (t0 + 24 * 60));
        vm.assertEq(index.twap(DC_CLASS, full), _twapByHand(full), "46 observations of history");
        for (uint32 w = 60; w < full; w += 337) {
            vm.assertEq(index.twap(DC_CLASS, w), _twapByHand(w), "every window inside the ring");
        }
        vm.expectRevert(
            abi.encodeWithSelector(
                IGreenComputeIndex.ObservationTooOld.selector, DC_CLASS, t0 + 24 * 60 - 1, t0 + 24 * 60
            )
        );
        index.twap(DC_CLASS, full + 1);
    }

    /// A ring grown before the first trade is in use from the second observation on.
    function test_twap_growthBeforeFirstTradeUsedAtOnce() public {
        market.growObservations(DC_CLASS, 40);
        (uint256 id,) = provide(slotNow() + 72, 40);
        uint256 t0 = block.timestamp;
        for (uint256 i; i < 40; ++i) {
            vm.warp(t0 + 60 * i);
            _trade(id);
        }
        vm.warp(t0 + 40 * 60);
        uint32 full = uint32(block.timestamp - t0);
        vm.assertEq(index.twap(DC_CLASS, full), _twapByHand(full), "all 40 observations");
    }

    // ---------------------------------------------------------------- index

    function test_index_weightsTwoClasses() public {
        vm.startPrank(admin);
        market.listClass(DC_CLASS, IHourMarket.ClassConfig(DC_ASK, DC_CAP, DC_FLOOR, HORIZON, 3, MIN_DEPTH));
        market.listClass(
            CONSUMER_CLASS, IHourMarket.ClassConfig(CONSUMER_ASK, CONSUMER_CAP, CONSUMER_FLOOR, HORIZON, 1, MIN_DEPTH)
        );
        vm.stopPrank();
        vm.expectRevert(IGreenComputeIndex.IndexEmpty.selector);
        index.indexBps(3600);

        uint32 slot = slotNow() + 72;
        (uint256 dcId,) = provide(slot, 40);
        uint256 cId = _provideConsumer(slot, 10);
        uint256 t0 = block.timestamp;
        _trade(dcId);
        vm.warp(t0 + 1800);
        vm.prank(carol);
        market.buy(cId, 2, type(uint256).max, carol, block.timestamp);
        vm.warp(t0 + 3600);

        // only the dc class has a full hour of history
        uint256 dcTwap = index.twap(DC_CLASS, 3600);
        vm.assertEq(index.indexBps(3600), dcTwap * 10_000 / DC_ASK, "one class: its twap over its ask");
        // over half an hour both count, 3 : 1
        uint256 cTwap = index.twap(CONSUMER_CLASS, 1800);
        vm.assertEq(cTwap, market.oracleHead(CONSUMER_CLASS).lastPriceUsdc6, "one consumer price in force");
        uint256 expected = (3 * index.twap(DC_CLASS, 1800) * 10_000 / DC_ASK + cTwap * 10_000 / CONSUMER_ASK) / 4;
        vm.assertEq(index.indexBps(1800), expected, "weighted mean of twap / ask");
        vm.assertGe(index.indexBps(1800), 10_000, "bought up: above the asks");

        // a class of weight 0 is left out
        vm.prank(admin);
        market.listClass(
            CONSUMER_CLASS, IHourMarket.ClassConfig(CONSUMER_ASK, CONSUMER_CAP, CONSUMER_FLOOR, HORIZON, 0, MIN_DEPTH)
        );
        vm.assertEq(index.indexBps(1800), index.twap(DC_CLASS, 1800) * 10_000 / DC_ASK, "weight 0 left out");
        vm.expectRevert(IGreenComputeIndex.IndexEmpty.selector);
        index.indexBps(3601); // no class has that much history
    }

    function test_index_publishStoresAndEmits() public {
        (uint256 id,) = provide(slotNow() + 72, 40);
        _trade(id);
        vm.warp(block.timestamp + 3600);
        uint256 value = index.indexBps(3600);
        vm.expectEmit(true, false, false, true);
        emit IGreenComputeIndex.IndexPublished(block.timestamp, 3600, value);
        vm.prank(carol);
        vm.assertEq(index.publishIndex(3600), value, "returned");
        (uint32 ts, uint32 window, uint192 stored) = index.publishedIndex();
        vm.assertEq(ts, block.timestamp, "timestamp");
        vm.assertEq(window, 3600, "window");
        vm.assertEq(stored, value, "value");
    }

    // ---------------------------------------------------------------- manipulation cost

    struct Attack {
        uint256 baseline; // class TWAP over the hour before the attack
        uint256 hoursBought;
        uint256 paid;
        uint256 proceeds;
        uint256 feeBuy;
        uint256 feeSell;
        uint256 grossBuy;
        uint256 grossSell;
        uint256 decay; // the bought units' loss of value over the window, usdc6
        uint256 depthUsdc6; // the pool's virtual depth at the pre-attack spot: X × Y/X = Y
        uint256 twapAfter;
        uint256 indexBefore;
        uint256 indexAfter;
    }

    /// @dev Pool: 40 hours single-sided by alice. bob trades 1 hour an hour before the attack (the baseline price). The
    /// attacker (carol) buys the fewest hours that put the price ≥ 1.1 × baseline, holds them for the 1 h window, sells
    /// them back at its end. Nobody else trades (no arbitrageur sells into the raised price).
    function _attack(uint32 slot) internal returns (Attack memory a) {
        (uint256 id,) = provide(slot, 40);
        _trade(id);
        vm.warp(block.timestamp + 3600);
        a.baseline = index.twap(DC_CLASS, 3600);
        a.indexBefore = index.indexBps(3600);
        uint256 unitsIn = _pushUp(id, slot, a);
        vm.warp(block.timestamp + 3600);
        a.twapAfter = index.twap(DC_CLASS, 3600);
        a.indexAfter = index.indexBps(3600);
        _sellBack(id, slot, a, unitsIn);
    }

    /// @dev Buys the fewest hours whose price after is ≥ 110 % of the baseline, computed from the curve.
    function _pushUp(uint256 id, uint32 slot, Attack memory a) internal returns (uint256 unitsIn) {
        uint256 v0 = HourCurve.unitValueWad(DC_ASK, DC_FLOOR, HORIZON, uint256(slot) * 3600, block.timestamp);
        (, IHourMarket.MarketState memory s, HourMarket.Curve memory c,) = market.market(id);
        uint256 x = uint256(s.hoursReserve) * WAD + c.virtualHoursWad;
        uint256 y = uint256(s.unitsReserve) + c.virtualUnits;
        a.depthUsdc6 = HourCurve.toCashDown(y, v0);
        uint256 priceAfter;
        while (priceAfter * 10 < a.baseline * 11) {
            ++a.hoursBought;
            uint256 u = HourCurve.unitsInForHoursOut(x, y, a.hoursBought);
            priceAfter = HourCurve.toCashDown(HourCurve.spotUnits(x - a.hoursBought * WAD, y + u), v0);
        }
        vm.prank(carol);
        a.paid = market.buy(id, a.hoursBought, type(uint256).max, carol, block.timestamp);
        (, IHourMarket.MarketState memory s1,,) = market.market(id);
        unitsIn = s1.unitsReserve - s.unitsReserve;
        a.grossBuy = HourCurve.toCashUp(unitsIn, v0);
        a.feeBuy = a.paid - a.grossBuy;
        a.decay = v0; // the value at the buy, until _sellBack turns it into the decay
        vm.assertEq(market.oracleHead(DC_CLASS).lastPriceUsdc6, priceAfter, "price after as computed");
    }

    /// @dev Sells the hours back at the end of the window.
    function _sellBack(uint256 id, uint32 slot, Attack memory a, uint256 unitsIn) internal {
        uint256 v1 = HourCurve.unitValueWad(DC_ASK, DC_FLOOR, HORIZON, uint256(slot) * 3600, block.timestamp);
        (, IHourMarket.MarketState memory s,,) = market.market(id);
        vm.prank(carol);
        a.proceeds = market.sell(id, a.hoursBought, 0, carol, block.timestamp);
        (, IHourMarket.MarketState memory s1,,) = market.market(id);
        uint256 unitsOut = s.unitsReserve - s1.unitsReserve;
        a.grossSell = HourCurve.toCashDown(unitsOut, v1);
        a.feeSell = a.grossSell - a.proceeds;
        a.decay = unitsOut * (a.decay - v1) / WAD;
        vm.assertLe(unitsIn - unitsOut, 2, "path independence: the same units back, but rounding");
    }

    /// THE cost of moving a class's TWAP, and the index, up by 10 % for one window of 1 h. Pool: 40 hours provided
    /// single-sided at the 2 USD ask, one hour bought an hour before (the baseline). The attacker buys the fewest hours
    /// that lift the price ≥ 10 % over the baseline, holds them through the window, sells them back at its end; nobody
    /// else trades. Loss = fee in + fee out + the bought units' decay over the window (+ ≤ 3 usdc6 of rounding).
    /// Measured, attack 12 h before the slot (inside the 24 h horizon, v 0.600 → 0.567 over the window): 6 hours bought
    /// for 8.014 USD, sold for 7.524 USD; loss 0.4905 USD = fees 0.0466 + decay 0.4439 (+ 2 usdc6); TWAP 1.299 → 1.441
    /// USD (+10.9 %), index 6,494 → 7,205 bps; 0.50 % of the pool's depth (Y at v, 97.2 USD).
    /// Measured before the horizon (test_index_costToMoveTenPercentBeforeDecay): 4 hours for 8.667 USD, loss 0.0519 USD
    /// = fees only (+ 1 usdc6), 0.032 % of the 162 USD depth. Bound asserted in both: loss ≥ 2 × fee × (1 − 1/√1.1) ×
    /// depth, the fees on the least a 10 % move buys on a constant-product curve (4.65 % of the virtual depth).
    function test_index_costToMoveTenPercent() public {
        Attack memory a = _attack(slotNow() + 13); // the attack starts 12 h before the slot
        uint256 loss = a.paid - a.proceeds;
        vm.assertGe(a.twapAfter * 10, a.baseline * 11, "twap moved >= 10 %");
        vm.assertGe(a.indexAfter * 10, a.indexBefore * 11, "index moved >= 10 %");
        vm.assertEq(loss, a.feeBuy + a.feeSell + (a.grossBuy - a.grossSell), "loss = fees + gross difference");
        vm.assertGe(a.grossBuy - a.grossSell, a.decay, "the gross difference is the decay...");
        vm.assertLe(a.grossBuy - a.grossSell, a.decay + 3, "...plus rounding");
        vm.assertGe(a.decay, 1, "decay over the window");
        vm.assertGe(loss * 10_000, a.depthUsdc6 * 2 * 30 * 465 / 10_000, "loss >= 2 fees on 4.65 % of the depth");
        vm.assertEq(a.hoursBought, 6, "6 hours");
        vm.assertGe(loss, 480_000, "about 0.49 USD");
        vm.assertLe(loss, 500_000, "about 0.49 USD");
    }

    function test_index_costToMoveTenPercentBeforeDecay() public {
        Attack memory a = _attack(slotNow() + 30); // 29 h before the slot: a unit is worth 1 throughout
        uint256 loss = a.paid - a.proceeds;
        vm.assertGe(a.twapAfter * 10, a.baseline * 11, "twap moved >= 10 %");
        vm.assertGe(a.indexAfter * 10, a.indexBefore * 11, "index moved >= 10 %");
        vm.assertEq(a.decay, 0, "no decay");
        vm.assertEq(loss, a.feeBuy + a.feeSell + (a.grossBuy - a.grossSell), "loss = fees + rounding");
        vm.assertLe(a.grossBuy - a.grossSell, 2, "rounding");
        vm.assertGe(loss * 10_000, a.depthUsdc6 * 2 * 30 * 465 / 10_000, "loss >= 2 fees on 4.65 % of the depth");
        vm.assertEq(a.hoursBought, 4, "4 hours");
        vm.assertGe(loss, 50_000, "about 0.05 USD");
        vm.assertLe(loss, 55_000, "about 0.05 USD");
    }

    /// A market shallower than the class's minimum depth (2 hours provided = 4 virtual hours < MIN_DEPTH 16) cannot set
    /// the class price: a one-hour trade in it, which would move its own price by half, leaves the TWAP where the deep
    /// market put it.
    function test_index_thinMarketCannotSetTheClassPrice() public {
        (uint256 deep,) = provide(slotNow() + 30, 40);
        (uint256 thin,) = provide(slotNow() + 31, 2);
        _trade(deep);
        vm.warp(block.timestamp + 3600);
        uint256 baseline = index.twap(DC_CLASS, 3600);
        vm.prank(carol);
        market.buy(thin, 1, type(uint256).max, carol, block.timestamp);
        vm.warp(block.timestamp + 3600);
        vm.assertEq(index.twap(DC_CLASS, 3600), baseline, "the thin market's trade is not observed");
    }
}
