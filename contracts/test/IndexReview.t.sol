// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {PriceSeriesFixture} from "./utils/PriceSeriesFixture.sol";
import {IHourMarket} from "../src/interfaces/IHourMarket.sol";
import {IGreenComputeIndex} from "../src/interfaces/IGreenComputeIndex.sol";
import {HourMarket} from "../src/HourMarket.sol";
import {HourCurve} from "../src/libraries/HourCurve.sol";
import {PriceOracle} from "../src/libraries/PriceOracle.sol";
import "../src/libraries/Constants.sol" as C;

/// @dev Independent attacker review of commit 280d633 (index R2, R5, R6: one observation per hour, index lead in the
/// head, relative prices). The exploits were shown as passing tests asserting the bad outcome; since the fix (the
/// price market: every change of the market that set the class price is observed until a later index slot takes
/// over, and it cannot be emptied) each test_fixed_* runs the same attack and asserts it does not pay: the oracle is
/// left at its market's real spot, so the index does not move. test_SAFE_* pass when the attack fails.
///
/// Root cause of the three exploits: the class price in force is the spot after the last *observed* trade, but the
/// market that set it keeps trading *unobserved*; the attacker chooses which of his trades are observed, so he can undo
/// his move on the market while the oracle keeps it:
///  - A (high): a liquidity change in the block makes the rest of the block's trades unobserved (the R1 fix), so buy
///    (observed) + dust add/remove + sell back (unobserved) is one atomic, flash-loanable transaction;
///  - A' (high, same root): `deep` is the depth *before* each trade, so a buy that leaves a near-minimum-depth market
///    shallow makes its own sale unobserved;
///  - B (medium): at the hour boundary the index slot rolls over, so a buy in the last block of an hour is carried into
///    the next hour while the buyer sells back one block later, unobserved;
///  - C (low): index slots observed inside their decay (horizon > 167 h, or after a relisting to a shorter horizon)
///    are moved at v(t) times the documented cost.
contract IndexReviewTest is PriceSeriesFixture {
    event log_named_uint(string key, uint256 val);

    // ---------------------------------------------------------------- helpers

    function _near(uint256 a, uint256 b, uint256 tol) internal pure returns (bool) {
        return a > b ? a - b <= tol : b - a <= tol;
    }

    /// @dev The attack of finding A, one transaction of carol's: buy `k` hours in the index slot (observed), add and
    /// leave a 1-cent deposit (the market's liquidityBlock is now this block), sell the `k` hours back (then not observed;
    /// since the fix, observed). Since R4 a part below one hour waits for the slot, so the deposit stays.
    /// Returns carol's net cost in usdc6; she ends with no hours and no position.
    function _flashPump(uint256 id, uint256 k) internal returns (uint256 cost) {
        uint256 before = token.balanceOf(carol);
        vm.startPrank(carol);
        market.buy(id, k, type(uint256).max, carol, block.timestamp);
        // a 1-cent deposit marks the block as a liquidity block (its withdrawal, below one hour, waits for the slot)
        market.addLiquidity(0, id, 0, 10_000, 0, carol, block.timestamp);
        market.sell(id, k, 0, carol, block.timestamp);
        vm.stopPrank();
        cost = before - token.balanceOf(carol);
        vm.assertEq(hours_.balanceOf(carol, id), 0, "the attacker holds no hours after the transaction");
    }

    // ======================================================================== exploits

    /// A (HIGH). One atomic transaction pins the class price at the cap (4 x ask) while the index slot's market is left
    /// at its honest spot: buy all 40 hours (observed), add and remove a 1-cent deposit (trades later in the block are
    /// not observed: the liquidityBlock rule), sell the 40 hours back (not observed). Capital ~165 USD for one
    /// transaction (flash-loanable), cost ~1 USD of fees; the 1 h index goes from ~10,250 to ~39,500 bps. Nothing is
    /// left to arbitrage: the market trades at its spot, so only an organic trade in the index slot corrects the price,
    /// and a back-run repeats the pump in the same block (the honest price is then in force for 0 s).
    function test_fixed_atomicPumpHiddenByDustLiquidity() public {
        _toNextHour();
        uint256 h0 = block.timestamp;
        uint32 s = _indexSlot();
        (uint256 prev,) = provide(s, 40);
        (uint256 id,) = provide(s + 1, 40);
        vm.prank(bob);
        market.buy(prev, 1, type(uint256).max, bob, block.timestamp); // the honest price of hour h0
        _next(h0 + 3600 + 60);
        vm.assertEq(_indexSlot(), s + 1, "id is the index slot now");
        uint256 indexBefore = index.indexBps(3600);
        uint256 spotBefore = _relativeSpot(id);

        uint256 cost = _flashPump(id, 40);
        PriceOracle.Head memory hd = market.oracleHead(DC_CLASS);
        vm.assertEq(hd.lastRelativePpm, _relativeSpot(id), "the oracle: at its market's spot");
        // back at its spot but for the cent the attacker left in it
        vm.assertTrue(_near(_relativeSpot(id), spotBefore, 1000), "the market: back at its spot");
        vm.assertGe(cost, 900_000, "the attacker still pays two fees on ~165 USD");

        _next(h0 + 3600 + 1800);
        vm.prank(bob);
        market.buy(id, 1, type(uint256).max, bob, block.timestamp);
        uint256 cost2 = _flashPump(id, 39);
        vm.assertEq(market.oracleHead(DC_CLASS).lastRelativePpm, _relativeSpot(id), "not pinned by a back-run either");

        vm.warp(h0 + 2 * 3600);
        uint256 indexAfter = index.indexBps(3600);
        vm.assertLe(indexAfter, 10_600, "the hour's index stays near the honest ~10,250");
        vm.assertLe(indexBefore, 10_400, "from ~10,250");
        emit log_named_uint("A: index before (bps)", indexBefore);
        emit log_named_uint("A: index after (bps)", indexAfter);
        emit log_named_uint("A: attacker cost, first pump (usdc6)", cost);
        emit log_named_uint("A: attacker cost, back-run pump (usdc6)", cost2);
        emit log_named_uint("A: oracle price (ppm)", market.oracleHead(DC_CLASS).lastRelativePpm);
        emit log_named_uint("A: market spot (ppm)", _relativeSpot(id));
    }

    /// A over the default published window (24 h): an honest buyer trades once in every index slot; carol back-runs
    /// each honest trade in the same block with the atomic pump. The honest price is in force for 0 s, so the
    /// published 24 h index is the cap, 40,000 bps, instead of ~10,250; total cost ~24 USD for the day (~0.96 USD per
    /// honest trade), with ~160 USD of capital borrowed and returned within each transaction.
    function test_fixed_defaultDayIndexPinnedAtTheCap() public {
        _toNextHour();
        uint256 h0 = block.timestamp;
        uint256 total;
        for (uint256 h; h <= 24; ++h) {
            _next(h0 + h * 3600 + 600);
            (uint256 id,) = provide(_indexSlot(), 40);
            vm.prank(bob);
            market.buy(id, 1, type(uint256).max, bob, block.timestamp); // honest, observed
            total += _flashPump(id, 39); // same block
        }
        vm.warp(h0 + 25 * 3600);
        uint256 published = index.publishIndex(24 hours);
        vm.assertLe(published, 10_600, "the published day index stays at the honest level");
        vm.assertGe(total, 20e6, "and the attempts cost the attacker ~24 USD");
        emit log_named_uint("A/24h: published index (bps)", published);
        emit log_named_uint("A/24h: attacker cost for the day (usdc6)", total);
    }

    /// A, censoring variant: with the pump in place, a dust liquidity change by the attacker earlier in a block makes
    /// every honest trade of that block in the index slot unobserved, so the honest correction is lost (cost: gas).
    function test_fixed_dustLiquidityHidesAnHonestCorrection() public {
        _toNextHour();
        uint256 h0 = block.timestamp;
        (uint256 id,) = provide(_indexSlot(), 40);
        vm.prank(bob);
        market.buy(id, 1, type(uint256).max, bob, block.timestamp); // the market takes the class price
        _flashPump(id, 39);
        _next(h0 + 600);
        vm.startPrank(carol);
        market.addLiquidity(0, id, 0, 10_000, 0, carol, block.timestamp);
        vm.stopPrank();
        vm.prank(bob);
        market.buy(id, 2, type(uint256).max, bob, block.timestamp); // honest, at the market's real spot
        vm.assertEq(market.oracleHead(DC_CLASS).lastRelativePpm, _relativeSpot(id), "the honest trade is observed");
        vm.assertLe(_relativeSpot(id), 11 * PPM / 10, "and the market trades near its ask");
    }

    /// A' (HIGH, same root, no liquidity action). `deep` is judged on the depth before each trade: in the documented
    /// worst-case market (9 hours, 18 virtual hours >= MIN_DEPTH 16) buying all 9 hours is observed (depth 18) and
    /// leaves 9 virtual hours, so selling them back is not (depth 9 < 16). One transaction: the class price goes to
    /// the cap, the market goes back to its ask; cost ~0.2 USD.
    function test_fixed_atomicPumpHiddenByDepthFlip() public {
        _toNextHour();
        uint256 h0 = block.timestamp;
        uint32 s = _indexSlot();
        (uint256 prev,) = provide(s, 40);
        (uint256 id,) = provide(s + 1, 9);
        vm.prank(bob);
        market.buy(prev, 1, type(uint256).max, bob, block.timestamp);
        _next(h0 + 3600);
        uint256 indexBefore = index.indexBps(3600);
        uint256 spotBefore = _relativeSpot(id);

        uint256 before = token.balanceOf(carol);
        vm.startPrank(carol);
        market.buy(id, 9, type(uint256).max, carol, block.timestamp); // observed: 18 virtual hours before it
        market.sell(id, 9, 0, carol, block.timestamp); // not observed: 9 virtual hours before it
        vm.stopPrank();
        uint256 cost = before - token.balanceOf(carol);

        vm.assertEq(market.oracleHead(DC_CLASS).lastRelativePpm, _relativeSpot(id), "the oracle: its market's spot");
        vm.assertTrue(_near(_relativeSpot(id), spotBefore, 2), "the market: back at its ask");
        vm.assertGe(cost, 150_000, "the attacker still pays the fees");
        vm.warp(h0 + 2 * 3600);
        uint256 indexAfter = index.indexBps(3600);
        vm.assertLe(indexAfter, 10_100, "the hour's index at the market's ask");
        emit log_named_uint("A': index before (bps)", indexBefore);
        emit log_named_uint("A': index after (bps)", indexAfter);
        emit log_named_uint("A': attacker cost (usdc6)", cost);
    }

    /// B (MEDIUM). The price in force across an hour boundary is the previous index slot's last observed price, and
    /// that market's trades stop being observed at the boundary. carol buys 20 hours in the last second of the hour
    /// (observed) and sells them back one block (1 s) later, unobserved: the next hour's TWAP is her price, a price no
    /// market has (the new index slot sits at its ask, the old one is back at the honest level). Cost: two fees,
    /// ~0.33 USD; exposure: one block instead of the whole window the documented cost model assumes (§4). The 1 h
    /// index goes from ~10,250 to ~18,400 bps until someone trades in the new index slot.
    function test_fixed_lastBlockOfTheHourCarriesAPriceNoMarketHas() public {
        _toNextHour();
        uint256 h0 = block.timestamp;
        uint32 s = _indexSlot();
        (uint256 prev,) = provide(s, 40);
        (uint256 next,) = provide(s + 1, 40);
        vm.prank(bob);
        market.buy(prev, 1, type(uint256).max, bob, block.timestamp);
        uint256 honestSpot = _relativeSpot(prev);

        _next(h0 + 3599); // the last second of the hour: prev is still the index slot
        uint256 before = token.balanceOf(carol);
        vm.prank(carol);
        market.buy(prev, 20, type(uint256).max, carol, block.timestamp);
        uint256 pumped = market.oracleHead(DC_CLASS).lastRelativePpm;
        _next(h0 + 3600); // one block later, the next hour: prev is not the index slot any more
        vm.assertEq(_indexSlot(), s + 1, "rolled over");
        uint256 indexBefore = index.indexBps(3600);
        vm.prank(carol);
        market.sell(prev, 20, 0, carol, block.timestamp); // observed: prev still holds the class price
        uint256 cost = before - token.balanceOf(carol);

        vm.assertGt(pumped, _relativeSpot(prev), "the buy had lifted it");
        vm.assertEq(market.oracleHead(DC_CLASS).lastRelativePpm, _relativeSpot(prev), "the sale moved it back");
        vm.assertTrue(_near(_relativeSpot(prev), honestSpot, 2), "the old market is back at the honest price");
        vm.assertGe(cost, 300_000, "two fees on ~55 USD");

        vm.warp(h0 + 2 * 3600);
        uint256 indexAfter = index.indexBps(3600);
        vm.assertLe(indexAfter, indexBefore + 5, "the next hour keeps the honest price, less one second of carol's");
        emit log_named_uint("B: index before (bps)", indexBefore);
        emit log_named_uint("B: index after (bps)", indexAfter);
        emit log_named_uint("B: attacker cost (usdc6)", cost);
    }

    /// C (LOW). A class whose horizon is longer than the index lead cap (167 h) is observed inside its decay: at a 30-day
    /// horizon its index slot's units are worth v = 0.2 + 0.8 x 167/720 = 0.386, so the same move costs 0.386 x as much
    /// as at full value. In the documented minimum-depth market (9 hours) one hour lifts the price 12 %: loss 0.0049
    /// USD, under the bound §4 states for any market allowed to set the price (2 x fee x 4.65 % x MIN_DEPTH x ask =
    /// 0.0089 USD). The same holds for up to 7 days after a relisting to a shorter horizon (markets opened under the
    /// old, longer one are the index slots inside their decay).
    function test_fixed_longHorizonClassMovedBelowTheDocumentedBound() public {
        vm.prank(admin);
        market.listClass(DC_CLASS, IHourMarket.ClassConfig(DC_ASK, DC_CAP, DC_FLOOR, 30 days, 1, MIN_DEPTH));
        _toNextHour();
        uint256 h0 = block.timestamp;
        uint32 s = _indexSlot();
        (uint256 id,) = provide(s, 9);
        vm.startPrank(bob); // an honest round trip: the class price at the market's ask
        market.buy(id, 1, type(uint256).max, bob, block.timestamp);
        market.sell(id, 1, 0, bob, block.timestamp);
        vm.stopPrank();
        uint256 baseline = market.oracleHead(DC_CLASS).lastRelativePpm;

        _next(h0 + 3599);
        uint256 v = HourCurve.unitValueWad(DC_ASK, DC_FLOOR, 30 days, uint256(s) * 3600, block.timestamp);
        uint256 before = token.balanceOf(carol);
        vm.prank(carol);
        market.buy(id, 1, type(uint256).max, carol, block.timestamp);
        _next(h0 + 3600);
        vm.prank(carol);
        market.sell(id, 1, 0, carol, block.timestamp); // not the index slot any more
        uint256 loss = before - token.balanceOf(carol);
        vm.warp(h0 + 2 * 3600);

        uint256 twap = index.twapPpm(DC_CLASS, 3600);
        vm.assertLe(twap * 100, baseline * 101, "the sale back is observed: no move held for the hour");
        uint256 bound = uint256(MIN_DEPTH) * DC_ASK * 2 * 30 * 465 / (10_000 * 10_000);
        vm.assertLe(v, 39e16, "units at 0.386 of full value");
        emit log_named_uint("C: unit value at the trade (WAD)", v);
        emit log_named_uint("C: baseline (ppm)", baseline);
        emit log_named_uint("C: twap after (ppm)", twap);
        emit log_named_uint("C: loss (usdc6)", loss);
        emit log_named_uint("C: documented bound (usdc6)", bound);
    }

    // ======================================================================== safe

    function _checkAllBoundaries(uint256 from) internal view {
        for (uint256 b = from; b <= _end(); b += 3600) {
            vm.assertEq(index.cumulativeAt(DC_CLASS, b), _cumAt(b), "exact at every boundary");
        }
    }

    /// SAFE: ring edges. The first observation at an exact hour boundary, every hour's first trade at timestamp == hour
    /// start, a second block with the same timestamp, 169 observations (ring full, index 168, not wrapped), 170 (wrapped
    /// once, index 0), 171 (index 1): the cumulative at every boundary still in the ring is exact, the 7-day window is
    /// exact and the class is in it when its oldest observation is exactly the window's start; an older boundary reverts.
    function test_SAFE_ringEdgesExactAtEveryBoundary() public {
        _toNextHour();
        uint256 t0 = block.timestamp;
        uint256 id;
        for (uint256 h; h < 171; ++h) {
            vm.warp(t0 + h * 3600);
            if (_indexSlot() != uint32(id)) (id,) = provide(_indexSlot(), 40);
            vm.prank(bob);
            market.buy(id, 1 + h % 5, type(uint256).max, bob, block.timestamp); // at the hour's start exactly
            _note();
            vm.roll(block.number + 1); // another block, the same timestamp
            vm.prank(bob);
            market.sell(id, 1, 0, bob, block.timestamp);
            _note();
            if (h % 3 == 0) {
                _next(t0 + h * 3600 + 1700);
                vm.prank(bob);
                market.buy(id, 2, type(uint256).max, bob, block.timestamp);
                _note();
            }
            PriceOracle.Head memory hd = market.oracleHead(DC_CLASS);
            vm.assertEq(hd.index, h % 169, "one observation per hour");
            if (h == 168) {
                vm.assertEq(market.observation(DC_CLASS, 0).time, t0, "not wrapped: the first is still there");
                vm.warp(t0 + h * 3600 + 3000);
                _checkAllBoundaries(t0);
                vm.assertEq(index.twapPpm(DC_CLASS, 7 days), (_cumAt(_end()) - _cumAt(_end() - 7 days)) / 7 days, "7 d");
                vm.assertEq(_end() - 7 days, t0, "window starts at the oldest observation");
                index.indexBps(7 days); // included, no revert
            }
            if (h == 169 || h == 170) {
                vm.assertEq(market.observation(DC_CLASS, h % 169).time, t0 + h * 3600, "wrapped");
                vm.warp(t0 + h * 3600 + 3000);
                _checkAllBoundaries(t0 + (h - 168) * 3600);
                vm.expectRevert(
                    abi.encodeWithSelector(
                        IGreenComputeIndex.ObservationTooOld.selector,
                        DC_CLASS,
                        t0 + (h - 169) * 3600,
                        t0 + (h - 168) * 3600
                    )
                );
                index.cumulativeAt(DC_CLASS, t0 + (h - 169) * 3600);
                vm.assertEq(index.indexBps(7 days), index.twapPpm(DC_CLASS, 7 days) * 10_000 / PPM, "in the index");
            }
        }
    }

    /// SAFE: the published value for a boundary is fixed for the whole hour after it: a large observed pump after the
    /// boundary, re-published in the hour's last second, gives the same value and timestamp (a consumer is not misled by
    /// a re-publication).
    function test_SAFE_publishedValueFixedForItsBoundary() public {
        vm.prank(admin);
        index.setIndexWindow(3600, true);
        _toNextHour();
        uint256 h0 = block.timestamp;
        (uint256 prev,) = provide(_indexSlot(), 40);
        vm.prank(bob);
        market.buy(prev, 1, type(uint256).max, bob, block.timestamp);
        _next(h0 + 3601);
        uint256 v1 = index.publishIndex(3600);
        (uint256 id,) = provide(_indexSlot(), 40);
        vm.prank(carol);
        market.buy(id, 30, type(uint256).max, carol, block.timestamp);
        _next(h0 + 2 * 3600 - 1);
        vm.assertEq(index.publishIndex(3600), v1, "same value");
        vm.assertEq(index.publishedIndex(3600).timestamp, h0 + 3600, "same boundary");
    }

    /// SAFE: widths. A class listed at the largest cap (100 x ask), whose market is scaled under its bond: buying every
    /// hour puts the relative price at its market's cap over ask, well inside uint48 and exactly the market's spot; the
    /// cumulative bound 2e8 ppm x 2^32 s is inside uint96.
    function test_SAFE_relativePriceFitsAtTheLargestCap() public {
        vm.prank(admin);
        market.listClass(DC_CLASS, IHourMarket.ClassConfig(DC_ASK, DC_ASK * 100, DC_FLOOR, HORIZON, 1, MIN_DEPTH));
        _toNextHour();
        (uint256 id,) = provide(_indexSlot(), 40);
        (IHourMarket.MarketParams memory p,,,) = market.market(id);
        vm.prank(carol);
        market.buy(id, 40, type(uint256).max, carol, block.timestamp);
        uint256 rel = market.oracleHead(DC_CLASS).lastRelativePpm;
        vm.assertEq(rel, _relativeSpot(id), "recorded exactly");
        vm.assertLe(rel, uint256(p.capUsdc6) * PPM / p.askUsdc6 + 1, "at most the market's cap over ask");
        vm.assertLe(rel, 2e8, "<= 2e8 ppm");
        vm.assertGt(uint256(1) << 96, uint256(2e8) << 32, "cumulative fits a uint96");
        emit log_named_uint("widths: market ask (scaled)", p.askUsdc6);
        emit log_named_uint("widths: relative price at the top (ppm)", rel);
    }

    /// SAFE: the ring write of the hour's first observed trade costs one storage word (~22k gas on the ring's first
    /// pass, a zero slot) on top of a later trade of the same hour; nothing in it can revert or grow. Both buyers take
    /// their first hours of the id (a new ERC-1155 balance each), so the difference is the observation.
    function test_SAFE_hourlyRingWriteIsOneWord() public {
        _toNextHour();
        (uint256 id,) = provide(_indexSlot(), 40);
        vm.prank(bob);
        market.buy(id, 1, type(uint256).max, bob, block.timestamp); // the class's first observation
        _next(block.timestamp + 3600 + 10);
        (id,) = provide(_indexSlot(), 40);
        vm.prank(bob);
        market.buy(id, 1, type(uint256).max, bob, block.timestamp); // first of the hour: writes the observation
        uint256 first = vm.lastCallGas().gasTotalUsed;
        _next(block.timestamp + 10);
        vm.prank(carol);
        market.buy(id, 1, type(uint256).max, carol, block.timestamp);
        uint256 later = vm.lastCallGas().gasTotalUsed;
        emit log_named_uint("first trade of the hour (gas)", first);
        emit log_named_uint("later trade of the hour (gas)", later);
        vm.assertLe(first, later + 25_000, "one new storage word at most");
    }

    /// SAFE (R5): relisting mid-hour moves the index slot at once: the old slot's market keeps the class price (its
    /// trades observed, at its real spot) only until the new index slot trades, then its trades are not observed; the
    /// cumulatives across the switch stay exact.
    function test_SAFE_relistMidHourOneIndexSlotAndExact() public {
        _toNextHour();
        uint256 h0 = block.timestamp;
        (uint256 oldId,) = provide(_indexSlot(), 40);
        uint32 newSlot = uint32((block.timestamp + 1800 + 48 hours) / 3600 + 1);
        (uint256 newId,) = provide(newSlot, 40);
        vm.prank(bob);
        market.buy(oldId, 2, type(uint256).max, bob, block.timestamp);
        _note();
        _next(h0 + 1800);
        vm.prank(admin);
        market.listClass(DC_CLASS, IHourMarket.ClassConfig(DC_ASK, DC_CAP, DC_FLOOR, 48 hours, 1, MIN_DEPTH));
        vm.prank(bob);
        market.buy(oldId, 5, type(uint256).max, bob, block.timestamp);
        vm.assertEq(market.oracleHead(DC_CLASS).lastRelativePpm, _relativeSpot(oldId), "old: still the price market");
        _note();
        _next(h0 + 2400);
        vm.prank(bob);
        market.buy(newId, 3, type(uint256).max, bob, block.timestamp);
        vm.assertEq(market.oracleHead(DC_CLASS).lastTime, h0 + 2400, "new slot observed");
        vm.assertEq(market.oracleHead(DC_CLASS).priceSlot, uint32(newId), "and takes the price over");
        _note();
        PriceOracle.Head memory before = market.oracleHead(DC_CLASS);
        vm.prank(bob);
        market.buy(oldId, 1, type(uint256).max, bob, block.timestamp);
        vm.assertEq(
            keccak256(abi.encode(market.oracleHead(DC_CLASS))), keccak256(abi.encode(before)), "old: unobserved now"
        );
        vm.warp(h0 + 2 * 3600 + 5);
        _checkAllBoundaries(h0);
        vm.assertEq(index.twapPpm(DC_CLASS, 3600), prices[2], "exact");
    }

    // ======================================================================== the price market

    /// The flash-depth exploit in two blocks: carol makes an empty index slot deep with her own deposit (block N),
    /// then in block N + 1 buys its hours back (observed: the market takes the class price at the cap) and withdraws
    /// everything, which would leave a price no market has. The price market cannot be emptied: the withdrawal reverts
    /// until a later index slot takes the price over; then it goes through.
    function test_fixed_priceMarketCannotBeEmptiedAfterAMove() public {
        _toNextHour();
        uint32 s = _indexSlot();
        vm.startPrank(alice);
        uint256 id = hours_.mint(nodeId, s, 12);
        hours_.safeTransferFrom(alice, carol, id, 12, "");
        vm.stopPrank();
        vm.startPrank(carol);
        hours_.setApprovalForAll(address(market), true);
        (uint256 pos,) = market.addLiquidity(0, id, 12, 0, 0, carol, block.timestamp);
        vm.stopPrank();
        _next(block.timestamp + 12);
        vm.startPrank(carol);
        market.buy(id, 12, type(uint256).max, carol, block.timestamp); // observed: deep, liquidity a block old
        vm.assertEq(market.oracleHead(DC_CLASS).priceSlot, uint32(id), "the market holds the class price");
        uint256 shares = market.position(pos).shares;
        vm.expectRevert(abi.encodeWithSelector(IHourMarket.PriceMarketTooShallow.selector, id, 0, MIN_DEPTH));
        market.removeLiquidity(pos, shares, 0, 0, carol, block.timestamp);
        // selling back moves the price back with the market: nothing is left to pin
        market.sell(id, 12, 0, carol, block.timestamp);
        vm.stopPrank();
        vm.assertEq(market.oracleHead(DC_CLASS).lastRelativePpm, _relativeSpot(id), "the price follows its market");

        // an hour later another index slot trades and takes the price over: carol may leave
        _next(block.timestamp + 3600);
        (uint256 next,) = provide(_indexSlot(), 40);
        vm.prank(bob);
        market.buy(next, 1, type(uint256).max, bob, block.timestamp);
        vm.assertEq(market.oracleHead(DC_CLASS).priceSlot, uint32(next), "taken over");
        vm.prank(carol);
        market.removeLiquidity(pos, shares, 0, 0, carol, block.timestamp);
        vm.assertEq(market.position(pos).shares, 0, "withdrawn");
    }

    /// forge-config: default.fuzz.runs = 10000
    /// The price-market property: whatever an attacker does in the market that holds the class price — buys, sells,
    /// deposits of hours or cash, withdrawals, in one block or across blocks and hour boundaries — after every action
    /// the oracle's price in force is that market's real spot over its ask (or another index slot took over).
    function testFuzz_priceInForceIsItsMarketsSpot(uint256 seed) public {
        _toNextHour();
        (uint256 id,) = provide(_indexSlot(), 40);
        vm.prank(bob);
        market.buy(id, 1, type(uint256).max, bob, block.timestamp); // the market takes the class price
        uint256 pos;
        for (uint256 i; i < 8; ++i) {
            seed = uint256(keccak256(abi.encode(seed, i)));
            uint256 action = seed % 6;
            uint256 amount = 1 + (seed >> 8) % 20;
            if ((seed >> 40) % 3 == 0) _next(block.timestamp + (seed >> 48) % 2400);
            if (market.status(id) != IHourMarket.Status.Upcoming) break;
            (, IHourMarket.MarketState memory st,,) = market.market(id);
            vm.startPrank(carol);
            if (action == 0 && amount <= st.hoursReserve) {
                market.buy(id, amount, type(uint256).max, carol, block.timestamp);
            } else if (action == 1 && hours_.balanceOf(carol, id) >= amount && st.unitsReserve > 0) {
                try market.sell(id, amount, 0, carol, block.timestamp) {} catch {}
            } else if (action == 2) {
                (uint256 p,) = market.addLiquidity(pos, id, 0, amount * 1e6, 0, carol, block.timestamp);
                pos = p;
            } else if (action == 3 && hours_.balanceOf(carol, id) >= amount) {
                hours_.setApprovalForAll(address(market), true);
                (uint256 p,) = market.addLiquidity(pos, id, amount, 0, 0, carol, block.timestamp);
                pos = p;
            } else if (action >= 4 && pos != 0 && market.position(pos).shares > 0) {
                uint256 shares = market.position(pos).shares * (1 + (seed >> 16) % 4) / 4;
                try market.removeLiquidity(pos, shares, 0, 0, carol, block.timestamp) {} catch {}
            }
            vm.stopPrank();
            PriceOracle.Head memory h = market.oracleHead(DC_CLASS);
            if (h.priceSlot == uint32(id)) {
                vm.assertEq(h.lastRelativePpm, _relativeSpot(id), "the price in force is its market's spot");
            }
        }
    }

    /// A price market bought out by trades (its depth under the minimum) still takes deposits: they only deepen it, and
    /// the price follows its spot after them. (Refusing them would let a buyer lock the market's liquidity.)
    function test_priceMarketThinnedByTradesStillTakesDeposits() public {
        _toNextHour();
        (uint256 id,) = provide(_indexSlot(), 9); // 18 virtual hours, just over MIN_DEPTH 16
        vm.startPrank(carol);
        market.buy(id, 1, type(uint256).max, carol, block.timestamp); // takes the class price
        market.buy(id, 8, type(uint256).max, carol, block.timestamp); // observed: 9 virtual hours left
        vm.stopPrank();
        vm.assertEq(market.oracleHead(DC_CLASS).priceSlot, uint32(id), "the price market");
        vm.prank(bob);
        market.addLiquidity(0, id, 0, 5e6, 0, bob, block.timestamp); // 5 USD of cash into the thin market
        vm.assertEq(market.oracleHead(DC_CLASS).lastRelativePpm, _relativeSpot(id), "the price follows the deposit");
    }

    /// The price market's providers are not locked by trades: bought out (no hours left, 9 virtual hours < MIN_DEPTH),
    /// its liquidity still spans 18 hours at the bottom of its range, so a provider may take a tenth of it out; only a
    /// withdrawal that takes its liquidity under the minimum is refused.
    function test_priceMarketBoughtOutDoesNotLockItsProviders() public {
        _toNextHour();
        (uint256 id, uint256 pos) = provide(_indexSlot(), 9);
        vm.startPrank(carol);
        market.buy(id, 1, type(uint256).max, carol, block.timestamp); // takes the class price
        market.buy(id, 8, type(uint256).max, carol, block.timestamp); // bought out
        vm.stopPrank();
        uint256 shares = market.position(pos).shares;
        vm.prank(alice);
        (uint256 hoursOut, uint256 cash) = market.removeLiquidity(pos, shares / 10, 0, 0, alice, block.timestamp);
        vm.assertEq(hoursOut, 0, "no hours left to take");
        vm.assertGt(cash, 0, "the buyers' cash");
        vm.assertEq(market.oracleHead(DC_CLASS).lastRelativePpm, _relativeSpot(id), "the price follows");
        vm.prank(alice);
        vm.expectRevert(abi.encodeWithSelector(IHourMarket.PriceMarketTooShallow.selector, id, 7, MIN_DEPTH)); // 18 × 0.9 × 0.5 hours left
        market.removeLiquidity(pos, shares / 2, 0, 0, alice, block.timestamp);
    }
}
