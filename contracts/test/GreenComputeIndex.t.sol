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

    /// @dev The dc class's index slot now: the slot starting in (now + horizon, now + horizon + 1 h].
    function _indexSlot() internal view returns (uint32) {
        return uint32((block.timestamp + HORIZON) / 3600 + 1);
    }

    /// @dev alice provides `amount` hours to the market of the current index slot.
    function _indexMarket(uint256 amount) internal returns (uint256 id) {
        (id,) = provide(_indexSlot(), amount);
    }

    function _provideConsumer(uint32 slot, uint256 amount) internal returns (uint256 hourId) {
        vm.startPrank(alice);
        hourId = hours_.mint(consumerNode, slot, amount);
        market.addLiquidity(0, hourId, amount, 0, 0, alice, block.timestamp);
        vm.stopPrank();
        vm.roll(block.number + 1); // trades in the block of a liquidity change do not set the class price
    }

    // ---------------------------------------------------------------- twap and observe

    function test_twap_exactTimeWeightedPrice() public {
        uint256 id = _indexMarket(40); // at full unit value for a day: prices move by trades only
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

        uint256 id = _indexMarket(40);
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
        uint256 id = _indexMarket(40);
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
        uint256 id = _indexMarket(40);
        uint256 t0 = block.timestamp;
        // 30 trades wrap the default ring, then it grows to 48 and 40 more trades fill it; 50 s apart, all 70 fall in one
        // hour, so in one index slot
        for (uint256 i; i < 30; ++i) {
            vm.warp(t0 + 50 * i);
            _trade(id);
        }
        vm.expectEmit(true, false, false, true);
        emit IHourMarket.ObservationsGrown(DC_CLASS, 48);
        market.growObservations(DC_CLASS, 48);
        vm.assertEq(market.oracleHead(DC_CLASS).cardinalityNext, 48, "grown");
        market.growObservations(DC_CLASS, 10); // never shrinks
        vm.assertEq(market.oracleHead(DC_CLASS).cardinalityNext, 48, "not shrunk");
        // until the index wraps the old ring, the window is still 24 observations long
        uint32 ring24 = uint32(block.timestamp - (t0 + 300)); // trades 6..29
        vm.assertEq(index.twap(DC_CLASS, ring24), _twapByHand(ring24), "before the growth takes effect");
        for (uint256 i = 30; i < 70; ++i) {
            vm.warp(t0 + 50 * i);
            _trade(id);
        }
        vm.warp(t0 + 70 * 50);
        PriceOracle.Head memory h = market.oracleHead(DC_CLASS);
        vm.assertEq(h.cardinality, 48, "grown ring in use");
        // the growth took effect when the index wrapped after trade 47: trades 24..47 then 48..69, 46 observations
        uint32 full = uint32(block.timestamp - (t0 + 24 * 50));
        vm.assertEq(index.twap(DC_CLASS, full), _twapByHand(full), "46 observations of history");
        for (uint32 w = 60; w < full; w += 337) {
            vm.assertEq(index.twap(DC_CLASS, w), _twapByHand(w), "every window inside the ring");
        }
        vm.expectRevert(
            abi.encodeWithSelector(
                IGreenComputeIndex.ObservationTooOld.selector, DC_CLASS, t0 + 24 * 50 - 1, t0 + 24 * 50
            )
        );
        index.twap(DC_CLASS, full + 1);
    }

    /// A ring grown before the first trade is in use from the second observation on.
    function test_twap_growthBeforeFirstTradeUsedAtOnce() public {
        market.growObservations(DC_CLASS, 40);
        uint256 id = _indexMarket(40);
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

        uint32 slot = _indexSlot(); // both classes have a 24 h horizon: the same index slot
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
        uint256 id = _indexMarket(40);
        _trade(id);
        vm.warp(block.timestamp + 24 hours);
        uint256 value = index.indexBps(24 hours);
        vm.expectEmit(true, false, false, true);
        emit IGreenComputeIndex.IndexPublished(block.timestamp, 24 hours, value);
        vm.prank(carol);
        vm.assertEq(index.publishIndex(24 hours), value, "returned");
        IGreenComputeIndex.PublishedIndex memory pub = index.publishedIndex(24 hours);
        vm.assertEq(pub.timestamp, block.timestamp, "timestamp");
        vm.assertEq(pub.windowS, 24 hours, "window");
        vm.assertEq(pub.indexBps, value, "value");
        vm.assertEq(index.publishedIndex(3600).timestamp, 0, "other windows untouched");
    }

    /// F3: `publishIndex` takes only windows the market admin allowed (24 h from deployment), each within [1 h, 7 d];
    /// a stranger can neither publish another window nor allow one.
    function test_index_publishOnlyAllowedWindows() public {
        uint256 id = _indexMarket(40);
        _trade(id);
        vm.warp(block.timestamp + 24 hours);
        vm.startPrank(carol);
        vm.expectRevert(abi.encodeWithSelector(IGreenComputeIndex.WindowNotAllowed.selector, uint32(60)));
        index.publishIndex(60);
        vm.expectRevert(abi.encodeWithSelector(IGreenComputeIndex.NotIndexAdmin.selector, carol));
        index.setIndexWindow(3600, true);
        vm.stopPrank();
        vm.startPrank(admin);
        vm.expectRevert(abi.encodeWithSelector(IGreenComputeIndex.InvalidWindow.selector, 3599));
        index.setIndexWindow(3599, true);
        vm.expectRevert(abi.encodeWithSelector(IGreenComputeIndex.InvalidWindow.selector, 7 days + 1));
        index.setIndexWindow(7 days + 1, true);
        vm.expectEmit(false, false, false, true);
        emit IGreenComputeIndex.IndexWindowSet(3600, true);
        index.setIndexWindow(3600, true);
        index.setIndexWindow(7 days, true); // the edges pass
        vm.stopPrank();
        vm.prank(carol);
        vm.assertEq(index.publishIndex(3600), index.indexBps(3600), "allowed now");
        vm.prank(admin);
        index.setIndexWindow(24 hours, false);
        vm.prank(carol);
        vm.expectRevert(abi.encodeWithSelector(IGreenComputeIndex.WindowNotAllowed.selector, uint32(24 hours)));
        index.publishIndex(24 hours);
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

    /// @dev Two markets of `amount` hours each, single-sided by alice, in the index slot now (s) and the next (s + 1).
    /// bob trades 1 hour in s (the baseline price); an hour later s + 1 is the index slot and the attacker (carol) buys
    /// the fewest hours there that put the price ≥ 1.1 × baseline, holds them for the 1 h window, and sells them back at
    /// its end (s + 1 is then no longer observed, so the sale leaves the raised price in force). Nobody else trades.
    function _attack(uint256 amount) internal returns (Attack memory a) {
        uint32 s = _indexSlot();
        (uint256 first,) = provide(s, amount);
        (uint256 id,) = provide(s + 1, amount);
        _trade(first);
        vm.warp(block.timestamp + 3600);
        vm.assertEq(_indexSlot(), s + 1, "the index slot rolled");
        a.baseline = index.twap(DC_CLASS, 3600);
        a.indexBefore = index.indexBps(3600);
        uint256 unitsIn = _pushUp(id, s + 1, a);
        vm.warp(block.timestamp + 3600);
        a.twapAfter = index.twap(DC_CLASS, 3600);
        a.indexAfter = index.indexBps(3600);
        _sellBack(id, s + 1, a, unitsIn);
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

    /// THE cost of moving a class's TWAP, and the index, up by 10 % for one window of 1 h (F3). Only the index slot's
    /// trades are observed, at full unit value, so the cheapest move is in the index slot's market: buy the fewest
    /// hours that lift its price ≥ 10 % over the baseline, hold, sell back once the slot stops being the index slot.
    /// Loss = fee in + fee out (+ rounding; no decay: the sale is still at full value). Bound asserted: loss ≥ 2 × fee
    /// × (1 − 1/√1.1) × depth, the fees on the least a 10 % move buys on a constant-product curve (4.65 % of the virtual
    /// depth Y). Measured with 40 hours provided (depth 160 USD): 5 hours bought (the baseline is the previous index
    /// slot's price, after bob's hour, so the lift from this market's ask is larger), loss 0.064 USD = 0.04 % of depth.
    function test_index_costToMoveTenPercent() public {
        Attack memory a = _attack(40);
        uint256 loss = _checkAttack(a);
        vm.assertEq(a.hoursBought, 5, "5 hours");
        vm.assertEq(a.depthUsdc6, 160e6 - 1, "depth 160 USD");
        vm.assertGe(loss, 60_000, "about 0.064 USD");
        vm.assertLe(loss, 66_000, "about 0.064 USD");
    }

    /// The worst case: the index slot's market barely deep enough to be observed (9 hours single-sided = 18 virtual
    /// hours ≥ MIN_DEPTH 16; depth 36 USD at the ask). 2 hours lift the TWAP 12.9 %; the loss is the two fees on them,
    /// 0.027 USD, ≥ the bound 2 × fee × 4.65 % × MIN_DEPTH × ask = 0.0089 USD that holds for any market allowed to set
    /// the price. The class's `indexMinDepthHours` and fee are the levers: the cost of a 10 % move grows in proportion
    /// to both (docs/HOUR_MARKET.md §4).
    function test_index_costToMoveTenPercentAtMinimumDepth() public {
        Attack memory a = _attack(9);
        uint256 loss = _checkAttack(a);
        vm.assertGe(loss * 10_000, uint256(MIN_DEPTH) * DC_ASK * 2 * 30 * 465 / 10_000, "loss >= bound at min depth");
        vm.assertEq(a.hoursBought, 2, "2 hours");
        vm.assertEq(a.depthUsdc6, 36e6 - 1, "depth 36 USD");
        vm.assertGe(loss, 25_000, "about 0.027 USD");
        vm.assertLe(loss, 29_000, "about 0.027 USD");
    }

    function _checkAttack(Attack memory a) internal pure returns (uint256 loss) {
        loss = a.paid - a.proceeds;
        vm.assertGe(a.twapAfter * 10, a.baseline * 11, "twap moved >= 10 %");
        vm.assertGe(a.indexAfter * 10, a.indexBefore * 11, "index moved >= 10 %");
        vm.assertEq(a.decay, 0, "no decay: sold back at full value");
        vm.assertEq(loss, a.feeBuy + a.feeSell + (a.grossBuy - a.grossSell), "loss = fees + rounding");
        vm.assertLe(a.grossBuy - a.grossSell, 2, "rounding");
        vm.assertGe(loss * 10_000, a.depthUsdc6 * 2 * 30 * 465 / 10_000, "loss >= 2 fees on 4.65 % of the depth");
    }

    /// F3 exploit, as reported: the class price set in a deep market a day out (index about 10,254 bps); one hour bought
    /// and sold back in one block in a deep market 2 h before its slot (unit value ≈ 0.27) moved the index to ≈ 3,000
    /// bps for 0.0038 USD. Now that market is not the index slot: its trades leave the class price alone.
    function test_F3_nearSlotRoundTripDoesNotMoveTheIndex() public {
        uint256 ref = _indexMarket(40);
        (uint256 near,) = provide(slotNow() + 2, 40);
        vm.prank(carol);
        market.buy(near, 10, type(uint256).max, carol, block.timestamp); // the near market has units to buy back with
        _trade(ref);
        vm.warp(block.timestamp + 3600);
        uint256 indexBefore = index.indexBps(3600);
        vm.assertGe(indexBefore, 10_000, "bought up a little: above the ask");
        uint256 before = token.balanceOf(carol);
        vm.startPrank(carol);
        market.buy(near, 1, type(uint256).max, carol, block.timestamp);
        market.sell(near, 1, 0, carol, block.timestamp);
        vm.stopPrank();
        vm.assertLe(before - token.balanceOf(carol), 10_000, "a cent or less");
        vm.warp(block.timestamp + 3600);
        vm.assertEq(index.indexBps(3600), indexBefore, "the near-slot round trip is not observed");
    }

    /// F3 exploit, the same choice among slots at full value: honest buyers lifted a market two days out to about
    /// 1.3 × ask; a one-hour round trip there must not carry its price into the class series (it is not the index slot).
    function test_F3_pickingAnotherSlotDoesNotMoveTheIndex() public {
        uint256 ref = _indexMarket(40);
        (uint256 hot,) = provide(slotNow() + 48, 40);
        vm.prank(bob);
        market.buy(hot, 10, type(uint256).max, bob, block.timestamp);
        _trade(ref);
        vm.warp(block.timestamp + 3600);
        uint256 indexBefore = index.indexBps(3600);
        vm.startPrank(carol);
        market.buy(hot, 1, type(uint256).max, carol, block.timestamp);
        market.sell(hot, 1, 0, carol, block.timestamp);
        vm.stopPrank();
        vm.warp(block.timestamp + 3600);
        vm.assertEq(index.indexBps(3600), indexBefore, "another slot's round trip is not observed");
    }

    /// forge-config: default.fuzz.runs = 10000
    /// F3 property: at any time, a trade writes the class's price series if and only if its market is the index slot
    /// (and deep enough); a same-block round trip in the index slot leaves the price in force at its market's spot.
    function testFuzz_F3_onlyTheIndexSlotIsObserved(uint256 ahead, uint256 wait, uint256 k) public {
        vm.warp(block.timestamp + bound(wait, 0, 3 days));
        ahead = bound(ahead, 1, 48);
        uint32 slot = slotNow() + uint32(ahead);
        (uint256 id,) = provide(slot, 40);
        k = bound(k, 1, 20);
        PriceOracle.Head memory h0 = market.oracleHead(DC_CLASS);
        vm.prank(carol);
        market.buy(id, k, type(uint256).max, carol, block.timestamp);
        vm.prank(carol);
        market.sell(id, k, 0, carol, block.timestamp);
        PriceOracle.Head memory h1 = market.oracleHead(DC_CLASS);
        if (slot == _indexSlot()) {
            vm.assertEq(h1.lastTime, block.timestamp, "the index slot is observed");
            uint256 spot = market.priceAt(id, block.timestamp);
            vm.assertLe(h1.lastPriceUsdc6, spot + 1, "a round trip leaves its market's spot in force");
            vm.assertGe(h1.lastPriceUsdc6 + 1, spot, "a round trip leaves its market's spot in force");
        } else {
            vm.assertEq(keccak256(abi.encode(h1)), keccak256(abi.encode(h0)), "any other slot leaves the head alone");
        }
    }

    /// A market shallower than the class's minimum depth (2 hours provided = 4 virtual hours < MIN_DEPTH 16) cannot set
    /// the class price even as the index slot: a one-hour trade in it, which would move its own price by half, leaves the
    /// TWAP where the deep market of the previous index slot put it.
    function test_index_thinMarketCannotSetTheClassPrice() public {
        uint256 deep = _indexMarket(40);
        (uint256 thin,) = provide(_indexSlot() + 1, 2);
        _trade(deep);
        vm.warp(block.timestamp + 3600); // the thin market is the index slot now
        uint256 baseline = index.twap(DC_CLASS, 3600);
        vm.prank(carol);
        market.buy(thin, 1, type(uint256).max, carol, block.timestamp);
        vm.warp(block.timestamp + 3600);
        vm.assertEq(index.twap(DC_CLASS, 3600), baseline, "the thin market's trade is not observed");
    }

    /// F3 with F11: a class whose decay horizon (30 days) is longer than markets open ahead (7 days) still has an
    /// openable index slot: the lead is capped at 167 slots, so the farthest openable market is observed.
    function test_F3_longHorizonIndexSlotIsOpenable() public {
        vm.prank(admin);
        market.listClass(DC_CLASS, IHourMarket.ClassConfig(DC_ASK, DC_CAP, DC_FLOOR, 30 days, 1, MIN_DEPTH));
        uint32 indexSlot = uint32((block.timestamp + 167 * 3600) / 3600 + 1);
        vm.assertEq(indexSlot, slotNow() + 168, "the farthest openable slot");
        (uint256 id,) = provide(indexSlot, 40);
        (uint256 other,) = provide(indexSlot - 1, 40);
        vm.prank(carol);
        market.buy(other, 1, type(uint256).max, carol, block.timestamp);
        vm.assertEq(market.oracleHead(DC_CLASS).cardinality, 0, "not the index slot: not observed");
        vm.prank(carol);
        market.buy(id, 1, type(uint256).max, carol, block.timestamp);
        vm.assertEq(market.oracleHead(DC_CLASS).lastTime, block.timestamp, "the index slot is observed");
    }
}
