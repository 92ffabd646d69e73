// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {MarketFixture} from "./utils/MarketFixture.sol";
import {PulledHoursReceiver} from "../src/utils/PulledHoursReceiver.sol";
import {IHourMarket} from "../src/interfaces/IHourMarket.sol";
import {IHourRouter} from "../src/interfaces/IHourRouter.sol";
import {IComputeHours} from "../src/interfaces/IComputeHours.sol";
import "../src/libraries/Constants.sol" as C;

/// @dev The router: cheapest bundles across slots (against brute force), its bounds and errors, basket sales, gas.
contract HourRouterTest is MarketFixture {
    function _buy(address who, uint256 id, uint256 k) internal {
        vm.prank(who);
        market.buy(id, k, type(uint256).max, who, block.timestamp);
    }

    /// @dev Three markets of different depth and price: 10 hours at the ask, 4 hours with 2 sold, 20 hours with 6 sold.
    function _threeMarkets(uint32 from) internal returns (uint256[3] memory ids) {
        (ids[0],) = provide(from, 10);
        (ids[1],) = provide(from + 1, 4);
        (ids[2],) = provide(from + 2, 20);
        _buy(carol, ids[1], 2);
        _buy(carol, ids[2], 6);
    }

    function _cost(uint256 id, uint256 k) internal view returns (uint256) {
        return k == 0 ? 0 : market.quoteBuy(id, k);
    }

    /// @dev The cheapest split of `wanted` hours over three markets by trying every split.
    function _bruteForce(uint256[3] memory ids, uint256 wanted) internal view returns (uint256 best) {
        best = type(uint256).max;
        uint256[3] memory avail;
        for (uint256 i; i < 3; ++i) {
            (, IHourMarket.MarketState memory s,,) = market.market(ids[i]);
            avail[i] = s.hoursReserve;
        }
        for (uint256 a; a <= wanted && a <= avail[0]; ++a) {
            for (uint256 b; a + b <= wanted && b <= avail[1]; ++b) {
                uint256 c = wanted - a - b;
                if (c > avail[2]) continue;
                uint256 total = _cost(ids[0], a) + _cost(ids[1], b) + _cost(ids[2], c);
                if (total < best) best = total;
            }
        }
    }

    // ---------------------------------------------------------------- bundles

    function test_bundle_greedyEqualsBruteForce() public {
        uint32 from = slotNow() + 30;
        uint256[3] memory ids = _threeMarkets(from);
        for (uint256 wanted = 1; wanted <= 5; ++wanted) {
            (uint256[] memory per, uint256 total) = router.quoteBundle(DC_CLASS, from, from + 2, wanted);
            vm.assertEq(total, _bruteForce(ids, wanted), "greedy total == cheapest split");
            vm.assertEq(per[0] + per[1] + per[2], wanted, "hours add up");
            vm.assertEq(
                _cost(ids[0], per[0]) + _cost(ids[1], per[1]) + _cost(ids[2], per[2]), total, "split costs total"
            );
        }
        (uint256[] memory five,) = router.quoteBundle(DC_CLASS, from, from + 2, 5);
        vm.assertGe(five[0], 1, "the deep market at the ask is used");
    }

    /// Greedy is optimal whatever the depths and prices (marginal cost rises within a market).
    function testFuzz_bundle_greedyEqualsBruteForce(uint256 d0, uint256 d1, uint256 d2, uint256 sold, uint256 wanted)
        public
    {
        uint32 from = slotNow() + 30;
        uint256[3] memory ids;
        (ids[0],) = provide(from, bound(d0, 1, 30));
        (ids[1],) = provide(from + 1, bound(d1, 1, 30));
        (ids[2],) = provide(from + 2, bound(d2, 1, 30));
        uint256 available;
        for (uint256 i; i < 3; ++i) {
            (, IHourMarket.MarketState memory s,,) = market.market(ids[i]);
            uint256 k = bound(sold >> (i * 8), 0, s.hoursReserve - 1);
            if (k != 0) _buy(carol, ids[i], k);
            available += s.hoursReserve - k;
        }
        wanted = bound(wanted, 1, available < 6 ? available : 6);
        (uint256[] memory per, uint256 total) = router.quoteBundle(DC_CLASS, from, from + 2, wanted);
        vm.assertEq(total, _bruteForce(ids, wanted), "greedy total == cheapest split");
        vm.assertEq(per[0] + per[1] + per[2], wanted, "hours add up");
    }

    function test_bundle_buysTheQuoteAcross24Slots() public {
        uint32 from = slotNow() + 30;
        uint256[] memory ids = new uint256[](24);
        for (uint32 i; i < 24; ++i) {
            (ids[i],) = provide(from + i, 1 + (i * 7) % 11); // uneven depths
            if (i % 3 == 0) _buy(carol, ids[i], 1); // and uneven prices
        }
        (uint256[] memory quoted, uint256 quote) = router.quoteBundle(DC_CLASS, from, from + 23, 40);
        uint256 before = token.balanceOf(bob);
        vm.prank(bob);
        (uint256[] memory per, uint256 total) =
            router.buyBundle(DC_CLASS, from, from + 23, 40, quote, bob, block.timestamp);
        vm.assertEq(total, quote, "total == quote");
        vm.assertEq(before - token.balanceOf(bob), quote, "bob paid the quote");
        uint256 sum;
        for (uint256 i; i < 24; ++i) {
            vm.assertEq(per[i], quoted[i], "split as quoted");
            vm.assertEq(hours_.balanceOf(bob, ids[i]), per[i], "hours delivered");
            sum += per[i];
        }
        vm.assertEq(sum, 40, "all hours");
        vm.assertEq(token.balanceOf(address(router)), 0, "router keeps no cash");
    }

    function test_bundle_revertsOnBadInputs() public {
        uint32 from = slotNow() + 30;
        _threeMarkets(from);
        (, uint256 total) = router.quoteBundle(DC_CLASS, from, from + 2, 5);
        uint256 ts = block.timestamp;
        vm.startPrank(bob);
        vm.expectRevert(abi.encodeWithSelector(IHourMarket.Slippage.selector, "totalCostUsdc6", total, total - 1));
        router.buyBundle(DC_CLASS, from, from + 2, 5, total - 1, bob, ts);
        vm.expectRevert(abi.encodeWithSelector(IHourMarket.DeadlinePassed.selector, ts - 1, ts));
        router.buyBundle(DC_CLASS, from, from + 2, 5, total, bob, ts - 1);
        vm.expectRevert(abi.encodeWithSelector(IHourMarket.ZeroAddress.selector, "recipient"));
        router.buyBundle(DC_CLASS, from, from + 2, 5, total, address(0), ts);
        vm.expectRevert(abi.encodeWithSelector(IHourMarket.ZeroAmount.selector, "hoursWanted"));
        router.buyBundle(DC_CLASS, from, from + 2, 0, total, bob, ts);
        vm.expectRevert(abi.encodeWithSelector(IHourRouter.InvalidSlotRange.selector, from + 2, from));
        router.buyBundle(DC_CLASS, from + 2, from, 5, total, bob, ts);
        uint256 maxSlots = C.MAX_BUNDLE_SLOTS;
        vm.expectRevert(abi.encodeWithSelector(IHourRouter.BundleTooLong.selector, maxSlots + 1, maxSlots));
        router.buyBundle(DC_CLASS, from, from + uint32(maxSlots), 5, total, bob, ts);
        // 10 + 2 + 14 hours are for sale
        vm.expectRevert(abi.encodeWithSelector(IHourRouter.NotEnoughHours.selector, 27, 26));
        router.buyBundle(DC_CLASS, from, from + 2, 27, type(uint256).max, bob, ts);
        vm.expectRevert(abi.encodeWithSelector(IHourRouter.NotEnoughHours.selector, 1, 0));
        router.quoteBundle(CONSUMER_CLASS, from, from + 2, 1); // no consumer market open
        router.buyBundle(DC_CLASS, from, from + 2, 5, total, bob, ts); // the exact bound passes
        vm.stopPrank();
        router.quoteBundle(DC_CLASS, from, from + uint32(maxSlots) - 1, 1); // the longest bundle is allowed
    }

    function test_bundle_skipsSlotsNotOpenOrInProgress() public {
        uint32 s0 = slotNow() + 1;
        (uint256 live,) = provide(s0, 10); // will be in progress
        (uint256 a,) = provide(s0 + 1, 3);
        (uint256 b,) = provide(s0 + 3, 3); // s0 + 2 never opens
        vm.warp(uint256(s0) * 3600 + 60);
        (uint256[] memory per, uint256 total) = router.quoteBundle(DC_CLASS, s0, s0 + 3, 4);
        vm.assertEq(per[0], 0, "in progress: skipped");
        vm.assertEq(per[2], 0, "not open: skipped");
        vm.assertEq(per[1] + per[3], 4, "from the two upcoming markets");
        vm.prank(bob);
        router.buyBundle(DC_CLASS, s0, s0 + 3, 4, total, bob, block.timestamp);
        vm.assertEq(hours_.balanceOf(bob, a) + hours_.balanceOf(bob, b), 4, "bought");
        vm.assertEq(hours_.balanceOf(bob, live), 0, "nothing of the live slot");
        vm.expectRevert(abi.encodeWithSelector(IHourRouter.NotEnoughHours.selector, 3, 2));
        router.quoteBundle(DC_CLASS, s0, s0 + 3, 3);
    }

    // ---------------------------------------------------------------- baskets

    function test_basket_sellsBeforeTheSlot() public {
        uint32 from = slotNow() + 30;
        uint256[3] memory ids = _threeMarkets(from);
        _buy(bob, ids[0], 3);
        _buy(bob, ids[2], 2);
        uint256[] memory hourIds = new uint256[](2);
        uint256[] memory amounts = new uint256[](2);
        (hourIds[0], hourIds[1], amounts[0], amounts[1]) = (ids[0], ids[2], 3, 2);
        uint256 expected = market.quoteSell(ids[0], 3) + market.quoteSell(ids[2], 2);
        uint256 ts = block.timestamp;

        vm.startPrank(bob);
        vm.expectRevert(abi.encodeWithSelector(IHourMarket.Slippage.selector, "proceedsUsdc6", expected, expected + 1));
        router.sellBasket(hourIds, amounts, expected + 1, bob, ts);
        uint256[] memory short = new uint256[](1);
        vm.expectRevert(abi.encodeWithSelector(IHourRouter.LengthMismatch.selector, 2, 1));
        router.sellBasket(hourIds, short, 0, bob, ts);
        vm.expectRevert(abi.encodeWithSelector(IHourMarket.ZeroAmount.selector, "hourIds"));
        router.sellBasket(new uint256[](0), new uint256[](0), 0, bob, ts);
        vm.expectRevert(abi.encodeWithSelector(IHourMarket.ZeroAddress.selector, "recipient"));
        router.sellBasket(hourIds, amounts, 0, address(0), ts);
        vm.expectRevert(abi.encodeWithSelector(IHourMarket.DeadlinePassed.selector, ts - 1, ts));
        router.sellBasket(hourIds, amounts, 0, bob, ts - 1);

        uint256 before = token.balanceOf(carol);
        vm.assertEq(router.sellBasket(hourIds, amounts, expected, carol, ts), expected, "proceeds == quotes");
        vm.stopPrank();
        vm.assertEq(token.balanceOf(carol) - before, expected, "paid to the recipient");
        vm.assertEq(hours_.balanceOf(bob, ids[0]) + hours_.balanceOf(bob, ids[2]), 0, "hours sold");
        vm.assertEq(hours_.balanceOf(address(router), ids[0]), 0, "router keeps no hours");
    }

    function test_basket_revertsOnceTheSlotStarted() public {
        uint32 slot = slotNow() + 2;
        (uint256 id,) = provide(slot, 10);
        _buy(bob, id, 2);
        vm.warp(uint256(slot) * 3600);
        uint256[] memory hourIds = new uint256[](1);
        uint256[] memory amounts = new uint256[](1);
        (hourIds[0], amounts[0]) = (id, 1);
        vm.prank(bob);
        vm.expectRevert(abi.encodeWithSelector(IComputeHours.SlotStarted.selector, id, slot));
        router.sellBasket(hourIds, amounts, 0, bob, block.timestamp);
    }

    function test_hooks_refuseUnsolicitedHours() public {
        uint32 slot = slotNow() + 30;
        vm.prank(alice);
        uint256 id = hours_.mint(nodeId, slot, 2);
        vm.prank(alice);
        vm.expectRevert(abi.encodeWithSelector(PulledHoursReceiver.UnsolicitedTransfer.selector, alice));
        hours_.safeTransferFrom(alice, address(router), id, 1, "");
        uint256[] memory ids = new uint256[](1);
        uint256[] memory amounts = new uint256[](1);
        (ids[0], amounts[0]) = (id, 1);
        vm.prank(alice);
        vm.expectRevert(abi.encodeWithSelector(PulledHoursReceiver.UnsolicitedTransfer.selector, alice));
        hours_.safeBatchTransferFrom(alice, address(router), ids, amounts, "");
    }

    // ---------------------------------------------------------------- gas

    /// 24 hours, one per slot, over 24 open markets of equal depth: the quote's 48 market quotes and 24 buys.
    function test_gas_bundle24() public {
        uint32 from = slotNow() + 30;
        for (uint32 i; i < 24; ++i) {
            provide(from + i, 4);
        }
        vm.prank(bob);
        (uint256[] memory per,) =
            router.buyBundle(DC_CLASS, from, from + 23, 24, type(uint256).max, bob, block.timestamp);
        uint256 used = vm.lastCallGas().gasTotalUsed;
        for (uint256 i; i < 24; ++i) {
            vm.assertEq(per[i], 1, "one hour per slot");
        }
        // measured 1,641,816 with quotes under try/catch, 1,868,357 with the reserve read before each quote
        vm.assertLe(used, 1_950_000, "bundle of 24 <= 1.95M gas");
    }
}
