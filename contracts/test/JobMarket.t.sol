// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {MarketFixture} from "./utils/MarketFixture.sol";
import {IJobMarket} from "../src/interfaces/IJobMarket.sol";
import {JobMarket} from "../src/JobMarket.sol";
import {INodeRegistry} from "../src/interfaces/INodeRegistry.sol";
import {HourId} from "../src/libraries/HourId.sol";
import {IAccessControl} from "@openzeppelin/contracts/access/IAccessControl.sol";
import "../src/libraries/Constants.sol" as C;

/// @dev Jobs over the market fixture: alice's 64-GPU station mints and provides hours, bob posts jobs, `scheduler`
/// assigns them.
contract JobMarketTest is MarketFixture {
    JobMarket internal jobs;
    address internal scheduler = address(0x5C4ED);
    uint128 internal constant INCENTIVE = 5_000_000;
    uint64 internal constant MAX_PRICE = 4_000_000;

    function setUp() public override {
        super.setUp();
        jobs = new JobMarket(market, registry, admin);
        bytes32 role = jobs.SCHEDULER_ROLE();
        vm.prank(admin);
        jobs.grantRole(role, scheduler);
        vm.prank(bob);
        token.approve(address(jobs), type(uint256).max);
    }

    function spec(uint32 earliest, uint32 deadline, uint32 gpuHours) internal pure returns (IJobMarket.JobSpec memory) {
        return IJobMarket.JobSpec({
            kind: IJobMarket.Kind.Inference,
            specHash: keccak256("llama-int8 batch 7"),
            specUri: "ipfs://bafy-job-7",
            gpuHours: gpuHours,
            minClassId: DC_CLASS,
            earliestSlot: earliest,
            deadlineSlot: deadline,
            minGreenShareBps: 6_000,
            maxPricePerGpuHourUsdc6: MAX_PRICE,
            incentiveUsdc6: INCENTIVE,
            shardable: false
        });
    }

    function post(IJobMarket.JobSpec memory s) internal returns (uint256 jobId) {
        vm.prank(bob);
        jobId = jobs.post(s);
    }

    function one(uint32 slot, uint16 gpuHours) internal view returns (IJobMarket.PlacementRequest[] memory p) {
        p = new IJobMarket.PlacementRequest[](1);
        p[0] = IJobMarket.PlacementRequest(uint64(nodeId), DC_CLASS, slot, gpuHours);
    }

    /// What the contract owes: open escrows, incentives not yet settled, credits (the test's parties only).
    function owed(uint256[] memory ids) internal view returns (uint256 sum) {
        for (uint256 i; i < ids.length; ++i) {
            IJobMarket.Job memory j = jobs.job(ids[i]);
            sum += uint256(j.budgetUsdc6) + j.incentiveUsdc6;
        }
        sum += jobs.creditOf(alice) + jobs.creditOf(bob) + jobs.creditOf(carol);
    }

    // ---------------------------------------------------------------- post, cancel, expire

    function test_post_escrowsBudgetAndIncentive() public {
        uint32 s = slotNow() + 10;
        uint256 before = token.balanceOf(bob);
        uint256 id = post(spec(s, s + 8, 4));
        vm.assertEq(before - token.balanceOf(bob), 4 * uint256(MAX_PRICE) + INCENTIVE, "budget + incentive pulled");
        vm.assertEq(token.balanceOf(address(jobs)), 4 * uint256(MAX_PRICE) + INCENTIVE, "held by the job market");
        IJobMarket.Job memory j = jobs.job(id);
        vm.assertEq(j.buyer, bob, "buyer");
        vm.assertTrue(j.status == IJobMarket.JobStatus.Open, "open");
    }

    function test_post_rejectsBadInput() public {
        uint32 s = slotNow() + 10;
        IJobMarket.JobSpec memory b = spec(s, s + 8, 4);
        b.specHash = 0;
        _expectPostRevert(b, abi.encodeWithSelector(IJobMarket.InvalidSpec.selector, "specHash", 0));
        b = spec(s, s + 8, 0);
        _expectPostRevert(b, abi.encodeWithSelector(IJobMarket.InvalidSpec.selector, "gpuHours", 0));
        b = spec(slotNow(), s + 8, 4);
        _expectPostRevert(b, abi.encodeWithSelector(IJobMarket.InvalidSpec.selector, "earliestSlot", slotNow()));
        b = spec(s, s, 4);
        _expectPostRevert(b, abi.encodeWithSelector(IJobMarket.InvalidSpec.selector, "deadlineSlot", s));
        b = spec(s, s + 8, 4);
        b.minGreenShareBps = 10_001;
        _expectPostRevert(b, abi.encodeWithSelector(IJobMarket.InvalidSpec.selector, "minGreenShareBps", 10_001));
        b = spec(s, s + 8, 4);
        b.maxPricePerGpuHourUsdc6 = 0;
        _expectPostRevert(b, abi.encodeWithSelector(IJobMarket.InvalidSpec.selector, "maxPricePerGpuHourUsdc6", 0));
        b = spec(s, s + 8, 4);
        b.minClassId = 77;
        _expectPostRevert(b, abi.encodeWithSelector(IJobMarket.UnknownClass.selector, 77));
        b = spec(s, s + 8, 4);
        b.specUri = "";
        _expectPostRevert(b, abi.encodeWithSelector(IJobMarket.InvalidSpec.selector, "specUri", 0));
        // A job on one node cannot ask more than its window of the largest node.
        b = spec(s, s + 1, 1025);
        _expectPostRevert(b, abi.encodeWithSelector(IJobMarket.InvalidSpec.selector, "gpuHours", 1025));
        vm.assertEq(token.balanceOf(address(jobs)), 0, "nothing escrowed by a refused post");
    }

    function _expectPostRevert(IJobMarket.JobSpec memory b, bytes memory err) internal {
        vm.expectRevert(err);
        vm.prank(bob);
        jobs.post(b);
    }

    function test_cancel_onlyBuyer_refundsAll() public {
        uint32 s = slotNow() + 10;
        uint256 id = post(spec(s, s + 8, 4));
        vm.expectRevert(abi.encodeWithSelector(IJobMarket.NotBuyer.selector, id, carol));
        vm.prank(carol);
        jobs.cancel(id);
        uint256 before = token.balanceOf(bob);
        vm.prank(bob);
        jobs.cancel(id);
        vm.prank(bob);
        jobs.withdraw();
        vm.assertEq(token.balanceOf(bob) - before, 4 * uint256(MAX_PRICE) + INCENTIVE, "whole escrow back");
        vm.expectRevert(abi.encodeWithSelector(IJobMarket.JobNotOpen.selector, id, IJobMarket.JobStatus.Cancelled));
        vm.prank(bob);
        jobs.cancel(id);
    }

    function test_expire_onlyOnceWindowCannotBeBought() public {
        uint32 s = slotNow() + 10;
        uint256 id = post(spec(s, s + 8, 4));
        vm.warp(HourId.startOf(s + 7) - 1);
        vm.expectRevert(abi.encodeWithSelector(IJobMarket.StillAssignable.selector, id, s + 7));
        jobs.expire(id);
        vm.warp(HourId.startOf(s + 7));
        jobs.expire(id);
        vm.assertEq(jobs.creditOf(bob), 4 * uint256(MAX_PRICE) + INCENTIVE, "escrow credited back");
    }

    // ---------------------------------------------------------------- assign

    function test_assign_buysWithinPrice_refundsRest() public {
        uint32 s = slotNow() + 10;
        provide(s, 16);
        uint256 id = post(spec(s, s + 8, 4));
        uint256 quote = market.quoteBuy(dcHour(s), 4);
        vm.prank(scheduler);
        jobs.assign(id, one(s, 4), 0);
        vm.assertEq(hours_.balanceOf(address(jobs), dcHour(s)), 4, "hours held for the job");
        vm.assertEq(jobs.job(id).spentUsdc6, quote, "paid the market's price");
        vm.assertEq(jobs.creditOf(bob), 4 * uint256(MAX_PRICE) - quote, "unspent budget back to the buyer");
        vm.assertEq(token.balanceOf(address(jobs)), INCENTIVE + jobs.creditOf(bob), "escrow = incentive + credit");
    }

    function test_assign_wrongCaller() public {
        uint32 s = slotNow() + 10;
        provide(s, 16);
        uint256 id = post(spec(s, s + 8, 4));
        IJobMarket.PlacementRequest[] memory p = one(s, 4);
        vm.expectRevert(
            abi.encodeWithSelector(IAccessControl.AccessControlUnauthorizedAccount.selector, bob, jobs.SCHEDULER_ROLE())
        );
        vm.prank(bob);
        jobs.assign(id, p, 0);
    }

    /// The scheduler cannot spend more of the buyer's money than the buyer's price per hour, even where the market
    /// asks more: the whole assignment reverts and the escrow stays.
    function test_exploit_assignAboveMaxPriceDoesNotPay() public {
        uint32 s = slotNow() + 10;
        provide(s, 16);
        IJobMarket.JobSpec memory sp = spec(s, s + 8, 4);
        sp.maxPricePerGpuHourUsdc6 = 1_000_000; // under the class's 2 USD ask
        uint256 id = post(sp);
        IJobMarket.PlacementRequest[] memory p = one(s, 4);
        vm.expectRevert();
        vm.prank(scheduler);
        jobs.assign(id, p, 0);
        vm.assertEq(token.balanceOf(address(jobs)), 4_000_000 + INCENTIVE, "escrow untouched");
        vm.assertTrue(jobs.job(id).status == IJobMarket.JobStatus.Open, "still open");
    }

    function test_assign_rejectsBadPlacements() public {
        uint32 s = slotNow() + 10;
        provide(s, 16);
        provide(s + 1, 16);
        uint256 id = post(spec(s, s + 8, 4));
        IJobMarket.PlacementRequest[] memory p = one(s, 3);
        _expectAssignRevert(id, p, 0, abi.encodeWithSelector(IJobMarket.HoursNotMatched.selector, 3, 4));
        p = one(s + 8, 4);
        _expectAssignRevert(id, p, 0, abi.encodeWithSelector(IJobMarket.InvalidPlacements.selector, "slot", 0, s + 8));
        p = one(s, 4);
        p[0].classId = CONSUMER_CLASS;
        _expectAssignRevert(
            id, p, 0, abi.encodeWithSelector(IJobMarket.ClassBelowMinimum.selector, 0, CONSUMER_CLASS, DC_CLASS)
        );
        p = one(s, 32); // alice minted 16 for the slot
        _expectAssignRevert(
            id, p, 0, abi.encodeWithSelector(IJobMarket.InvalidPlacements.selector, "nodeOutstanding", 0, 16)
        );
        p = new IJobMarket.PlacementRequest[](2);
        p[0] = IJobMarket.PlacementRequest(uint64(nodeId), DC_CLASS, s + 1, 2);
        p[1] = IJobMarket.PlacementRequest(uint64(nodeId), DC_CLASS, s, 2);
        _expectAssignRevert(id, p, 0, abi.encodeWithSelector(IJobMarket.InvalidPlacements.selector, "order", 1, nodeId));
        // One node serves a job that may not be sharded: no aggregator.
        p = one(s, 4);
        _expectAssignRevert(
            id, p, uint64(nodeId), abi.encodeWithSelector(IJobMarket.InvalidAggregator.selector, nodeId)
        );
    }

    function _expectAssignRevert(
        uint256 id,
        IJobMarket.PlacementRequest[] memory p,
        uint64 aggregator,
        bytes memory err
    ) internal {
        vm.expectRevert(err);
        vm.prank(scheduler);
        jobs.assign(id, p, aggregator);
    }

    function test_assign_notShardable_oneNodeOnly() public {
        uint32 s = slotNow() + 10;
        provide(s, 16);
        INodeRegistry.NodeSpec memory st = stationSpec(deviceAddr(0xD2));
        uint256 second = registerAs(carol, st, 10_000e6);
        vm.prank(carol);
        hours_.mint(second, s, 4);
        uint256 id = post(spec(s, s + 8, 4));
        IJobMarket.PlacementRequest[] memory p = new IJobMarket.PlacementRequest[](2);
        p[0] = IJobMarket.PlacementRequest(uint64(nodeId), DC_CLASS, s, 2);
        p[1] = IJobMarket.PlacementRequest(uint64(second), DC_CLASS, s, 2);
        _expectAssignRevert(id, p, 0, abi.encodeWithSelector(IJobMarket.NotOneNode.selector, 1, second, nodeId));
        // Sharded, it may: with a 2B aggregator.
        IJobMarket.JobSpec memory sp = spec(s, s + 8, 4);
        sp.shardable = true;
        uint256 sharded = post(sp);
        _expectAssignRevert(sharded, p, 0, abi.encodeWithSelector(IJobMarket.InvalidAggregator.selector, 0));
        vm.prank(scheduler);
        jobs.assign(sharded, p, uint64(second));
        vm.assertEq(jobs.job(sharded).aggregatorNodeId, second, "aggregator recorded");
        vm.assertEq(jobs.placement(sharded, 1).nodeId, second, "second shard's node recorded");
    }

    function test_unsolicitedHoursRefused() public {
        uint32 s = slotNow() + 10;
        vm.startPrank(alice);
        uint256 id = hours_.mint(nodeId, s, 2);
        vm.expectRevert(abi.encodeWithSelector(IJobMarket.UnsolicitedTransfer.selector, alice));
        hours_.safeTransferFrom(alice, address(jobs), id, 1, "");
        vm.stopPrank();
    }

    // ---------------------------------------------------------------- redeem and settle

    function _assigned(uint32 s, uint32 gpuHours) internal returns (uint256 id) {
        provide(s, 16);
        id = post(spec(s, s + 8, gpuHours));
        vm.prank(scheduler);
        jobs.assign(id, one(s, uint16(gpuHours)), 0);
    }

    function test_delivered_green_paysIncentiveToNode() public {
        uint32 s = slotNow() + 10;
        uint256 id = _assigned(s, 4);
        vm.warp(HourId.startOf(s));
        uint256 rid = jobs.redeem(id, 0);
        vm.startPrank(attestor);
        hours_.confirmDelivery(rid);
        hours_.setGreenShare(nodeId, s, 7_000);
        vm.stopPrank();
        vm.expectRevert(
            abi.encodeWithSelector(
                IJobMarket.SettlementNotOpen.selector,
                id,
                0,
                HourId.startOf(s) + 3600 + C.DELIVERY_CONFIRMATION_WINDOW_SECONDS
            )
        );
        jobs.settle(id, 0);
        vm.warp(HourId.startOf(s) + 3600 + C.DELIVERY_CONFIRMATION_WINDOW_SECONDS);
        uint256 bobCredit = jobs.creditOf(bob);
        jobs.settle(id, 0);
        vm.assertEq(jobs.creditOf(alice), INCENTIVE, "node owner earns the incentive");
        vm.assertEq(jobs.creditOf(bob), bobCredit, "buyer gets nothing more");
        vm.assertTrue(jobs.job(id).status == IJobMarket.JobStatus.Settled, "settled");
        vm.expectRevert(abi.encodeWithSelector(IJobMarket.JobNotAssigned.selector, id, IJobMarket.JobStatus.Settled));
        jobs.settle(id, 0);
    }

    /// A node that delivers on grid power below the job's green minimum does not earn the incentive.
    function test_exploit_brownDeliveryEarnsNoIncentive() public {
        uint32 s = slotNow() + 10;
        uint256 id = _assigned(s, 4);
        vm.warp(HourId.startOf(s));
        uint256 rid = jobs.redeem(id, 0);
        vm.startPrank(attestor);
        hours_.confirmDelivery(rid);
        hours_.setGreenShare(nodeId, s, 5_999);
        vm.stopPrank();
        vm.warp(HourId.startOf(s) + 3600 + C.DELIVERY_CONFIRMATION_WINDOW_SECONDS);
        uint256 bobCredit = jobs.creditOf(bob);
        jobs.settle(id, 0);
        vm.assertEq(jobs.creditOf(alice), 0, "no incentive below the green minimum");
        vm.assertEq(jobs.creditOf(bob) - bobCredit, INCENTIVE, "incentive back to the buyer");
    }

    /// A node that takes the job's hours and does not deliver pays the buyer its bond and earns nothing.
    function test_exploit_nonDeliveryRefundsBuyer() public {
        uint32 s = slotNow() + 10;
        uint256 id = _assigned(s, 4);
        uint256 spent = jobs.job(id).spentUsdc6;
        vm.warp(HourId.startOf(s));
        jobs.redeem(id, 0);
        vm.warp(HourId.startOf(s) + 3600 + C.DELIVERY_CONFIRMATION_WINDOW_SECONDS);
        uint256 bobCredit = jobs.creditOf(bob);
        jobs.settle(id, 0);
        uint256 back = jobs.creditOf(bob) - bobCredit;
        vm.assertEq(back, INCENTIVE + 4 * uint256(DC_BOND_PER_HOUR), "incentive and the whole bond back");
        vm.assertGe(back - INCENTIVE, spent, "the buyer recovers at least what the hours cost");
        vm.assertEq(jobs.creditOf(alice), 0, "node earns nothing");
        vm.assertEq(token.balanceOf(address(jobs)), jobs.creditOf(bob), "escrow = credits");
    }

    /// Settled on ComputeHours by someone else first: the bond that came here is still credited to the buyer, once.
    function test_defaultSettledElsewhere_creditedOnce() public {
        uint32 s = slotNow() + 10;
        uint256 id = _assigned(s, 4);
        vm.warp(HourId.startOf(s));
        uint256 rid = jobs.redeem(id, 0);
        vm.warp(HourId.startOf(s) + 3600 + C.DELIVERY_CONFIRMATION_WINDOW_SECONDS);
        hours_.settleUndelivered(rid);
        jobs.settle(id, 0);
        vm.assertEq(token.balanceOf(address(jobs)), jobs.creditOf(bob), "escrow = credits");
        vm.expectRevert(abi.encodeWithSelector(IJobMarket.JobNotAssigned.selector, id, IJobMarket.JobStatus.Settled));
        jobs.settle(id, 0);
    }

    function test_redeem_onceOnly_inWindow() public {
        uint32 s = slotNow() + 10;
        uint256 id = _assigned(s, 4);
        vm.warp(HourId.startOf(s));
        jobs.redeem(id, 0);
        vm.expectRevert(
            abi.encodeWithSelector(IJobMarket.PlacementNotBought.selector, id, 0, IJobMarket.PlacementStatus.Redeemed)
        );
        jobs.redeem(id, 0);
        vm.expectRevert(abi.encodeWithSelector(IJobMarket.UnknownPlacement.selector, id, 1));
        jobs.redeem(id, 1);
    }

    /// Holders of the same class and slot redeem the named node's hours first (naming it), so it no longer owes the
    /// job's: the scheduler moves the placement to another node of the class that owes them, and that node delivers
    /// and earns the incentive. The scheduler cannot move a placement whose node can still deliver.
    function test_exploit_nodeDrainedByOthers_redeemedElsewhere() public {
        uint32 s = slotNow() + 10;
        provide(s, 8);
        uint256 id = post(spec(s, s + 8, 4));
        vm.prank(scheduler);
        jobs.assign(id, one(s, 4), 0);
        uint256 second = registerAs(carol, stationSpec(deviceAddr(0xD3)), 10_000e6);
        uint256 hourId = dcHour(s);
        vm.prank(carol);
        hours_.mint(second, s, 8);
        vm.warp(HourId.startOf(s));
        vm.expectRevert(abi.encodeWithSelector(IJobMarket.NodeCanStillDeliver.selector, id, 0, 8));
        vm.prank(scheduler);
        jobs.redeemElsewhere(id, 0, uint64(second));
        // Carol redeems 5 of her own hours naming alice's node: alice's node owes 3, fewer than the job's 4.
        vm.prank(carol);
        hours_.redeem(hourId, nodeId, 5);
        vm.expectRevert(
            abi.encodeWithSelector(
                IAccessControl.AccessControlUnauthorizedAccount.selector, carol, jobs.SCHEDULER_ROLE()
            )
        );
        vm.prank(carol);
        jobs.redeemElsewhere(id, 0, uint64(second));
        vm.expectRevert(abi.encodeWithSelector(IJobMarket.NodeClassMismatch.selector, 0, 999, 0, DC_CLASS));
        vm.prank(scheduler);
        jobs.redeemElsewhere(id, 0, 999);
        vm.expectRevert(abi.encodeWithSelector(IJobMarket.InvalidPlacements.selector, "nodeOutstanding", 0, 3));
        vm.prank(scheduler);
        jobs.redeemElsewhere(id, 0, uint64(nodeId));

        vm.prank(scheduler);
        uint256 rid = jobs.redeemElsewhere(id, 0, uint64(second));
        vm.assertEq(jobs.placement(id, 0).nodeId, second, "the placement names the node that delivers");
        vm.assertEq(hours_.nodeSlot(second, s).outstanding, 4, "the second node owes the job's 4 hours less");
        vm.expectRevert(
            abi.encodeWithSelector(IJobMarket.PlacementNotBought.selector, id, 0, IJobMarket.PlacementStatus.Redeemed)
        );
        jobs.redeem(id, 0);
        vm.startPrank(attestor);
        hours_.confirmDelivery(rid);
        hours_.setGreenShare(second, s, 9_000);
        vm.stopPrank();
        vm.warp(HourId.startOf(s) + 3600 + C.DELIVERY_CONFIRMATION_WINDOW_SECONDS);
        jobs.settle(id, 0);
        vm.assertEq(jobs.creditOf(carol), INCENTIVE, "the node that delivered earns the incentive");
        vm.assertEq(jobs.creditOf(alice), 0, "the drained node earns nothing");
    }

    /// A job that is not shardable and has several placements stays on one node: none of them moves.
    function test_redeemElsewhere_notShardable_staysOnOneNode() public {
        uint32 s = slotNow() + 10;
        provide(s, 8);
        provide(s + 1, 8);
        uint256 id = post(spec(s, s + 8, 4));
        IJobMarket.PlacementRequest[] memory p = new IJobMarket.PlacementRequest[](2);
        p[0] = IJobMarket.PlacementRequest(uint64(nodeId), DC_CLASS, s, 2);
        p[1] = IJobMarket.PlacementRequest(uint64(nodeId), DC_CLASS, s + 1, 2);
        vm.prank(scheduler);
        jobs.assign(id, p, 0);
        uint256 second = registerAs(carol, stationSpec(deviceAddr(0xD4)), 10_000e6);
        vm.prank(carol);
        hours_.mint(second, s, 8);
        vm.warp(HourId.startOf(s));
        vm.prank(carol);
        hours_.redeem(dcHour(s), nodeId, 7);
        vm.expectRevert(abi.encodeWithSelector(IJobMarket.NotOneNode.selector, 0, second, nodeId));
        vm.prank(scheduler);
        jobs.redeemElsewhere(id, 0, uint64(second));
    }

    function test_withdraw_nothing() public {
        vm.expectRevert(abi.encodeWithSelector(IJobMarket.NothingToWithdraw.selector, carol));
        vm.prank(carol);
        jobs.withdraw();
    }

    /// Escrow conservation over a job's whole life, whatever its size, price, incentive and outcome: the contract holds
    /// exactly what it owes, and the incentive is split between node and buyer without a unit lost or made.
    function testFuzz_escrowConserved(
        uint256 gpuHours,
        uint256 maxPrice,
        uint256 incentive,
        uint256 splitAt,
        uint256 outcome
    ) public {
        gpuHours = bound(gpuHours, 2, 16);
        maxPrice = bound(maxPrice, 9_000_000, C.MAX_PRICE_USDC6 / 1000);
        incentive = bound(incentive, 0, 1e12);
        splitAt = bound(splitAt, 1, gpuHours - 1);
        outcome = bound(outcome, 0, 2); // 0 green delivery, 1 brown delivery, 2 no delivery
        uint32 s = slotNow() + 10;
        provide(s, 16);
        provide(s + 1, 16);
        vm.prank(admin);
        token.mint(bob, gpuHours * maxPrice + incentive);
        IJobMarket.JobSpec memory sp = spec(s, s + 8, uint32(gpuHours));
        sp.maxPricePerGpuHourUsdc6 = uint64(maxPrice);
        sp.incentiveUsdc6 = uint128(incentive);
        uint256 id = post(sp);
        uint256[] memory ids = new uint256[](1);
        ids[0] = id;
        vm.assertEq(token.balanceOf(address(jobs)), owed(ids), "after post");

        IJobMarket.PlacementRequest[] memory p = new IJobMarket.PlacementRequest[](2);
        p[0] = IJobMarket.PlacementRequest(uint64(nodeId), DC_CLASS, s, uint16(splitAt));
        p[1] = IJobMarket.PlacementRequest(uint64(nodeId), DC_CLASS, s + 1, uint16(gpuHours - splitAt));
        vm.prank(scheduler);
        jobs.assign(id, p, 0);
        vm.assertEq(token.balanceOf(address(jobs)), owed(ids), "after assign");

        for (uint256 i; i < 2; ++i) {
            vm.warp(HourId.startOf(s + uint32(i)));
            uint256 rid = jobs.redeem(id, i);
            if (outcome < 2) {
                vm.startPrank(attestor);
                hours_.confirmDelivery(rid);
                hours_.setGreenShare(nodeId, s + uint32(i), outcome == 0 ? 9_000 : 1_000);
                vm.stopPrank();
            }
        }
        uint256 bobBefore = jobs.creditOf(bob);
        vm.warp(HourId.startOf(s + 1) + 3600 + C.DELIVERY_CONFIRMATION_WINDOW_SECONDS);
        jobs.settle(id, 1);
        vm.assertEq(token.balanceOf(address(jobs)), owed(ids), "after one settle");
        jobs.settle(id, 0);
        vm.assertEq(token.balanceOf(address(jobs)), owed(ids), "after both");
        uint256 toBuyer = jobs.creditOf(bob) - bobBefore;
        if (outcome == 0) {
            vm.assertEq(jobs.creditOf(alice), incentive, "node earns the whole incentive");
        } else if (outcome == 1) {
            vm.assertEq(toBuyer, incentive, "buyer gets the whole incentive back");
        } else {
            vm.assertEq(toBuyer, incentive + gpuHours * DC_BOND_PER_HOUR, "incentive and bonds back");
        }
    }
}
