// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {Test} from "../utils/Test.sol";
import {SettlementToken} from "../../src/SettlementToken.sol";
import {ComputeHours} from "../../src/ComputeHours.sol";
import {HourMarket} from "../../src/HourMarket.sol";
import {JobMarket} from "../../src/JobMarket.sol";
import {IJobMarket} from "../../src/interfaces/IJobMarket.sol";
import {IComputeHours} from "../../src/interfaces/IComputeHours.sol";
import {HourId} from "../../src/libraries/HourId.sol";
import "../../src/libraries/Constants.sol" as C;

/// @dev Drives jobs through every path (post, cancel, expire, assign, redeem, delivery confirmed green or brown,
/// undelivered settled here or on ComputeHours directly, settle, withdraw; carol draining alice's node by redeeming her
/// own hours naming it, and the scheduler moving the job to carol's node) while time passes. bob buys, alice's node
/// serves, carol's node holds hours of the same slots; the handler's pranks stand in for the scheduler and the attestor. Every action checks its preconditions and
/// calls plainly, so an unexpected revert fails the run (fail_on_revert).
contract JobHandler is Test {
    SettlementToken internal token;
    ComputeHours internal hours_;
    HourMarket internal market;
    JobMarket internal jobs;
    uint256 internal nodeId;
    uint16 internal classId;
    address internal scheduler;
    address internal attestor;
    address internal constant BOB = address(0xB0B);
    address internal constant ALICE = address(0xA1);
    address internal constant CAROL = address(0xCA401);
    uint256 internal secondNodeId;

    uint256[] public jobIds;
    uint256 public assigned;
    uint256 public settled;
    uint256 public withdrawnUsdc6;
    uint256 public moved;

    constructor(
        SettlementToken token_,
        ComputeHours hours__,
        HourMarket market_,
        JobMarket jobs_,
        uint256 nodeId_,
        uint16 classId_,
        address scheduler_,
        address attestor_,
        uint256 secondNodeId_
    ) {
        secondNodeId = secondNodeId_;
        token = token_;
        hours_ = hours__;
        market = market_;
        jobs = jobs_;
        nodeId = nodeId_;
        classId = classId_;
        scheduler = scheduler_;
        attestor = attestor_;
    }

    function jobCount() external view returns (uint256) {
        return jobIds.length;
    }

    function _slot() internal view returns (uint256) {
        return block.timestamp / C.SECONDS_PER_SLOT;
    }

    function post(uint256 seed) external {
        uint32 earliest = uint32(_slot() + 1 + seed % 12);
        IJobMarket.JobSpec memory s = IJobMarket.JobSpec({
            kind: IJobMarket.Kind(seed % 3),
            specHash: keccak256(abi.encode(seed)),
            specUri: "ipfs://job",
            gpuHours: uint32(1 + (seed >> 8) % 8),
            minClassId: classId,
            earliestSlot: earliest,
            deadlineSlot: earliest + 1 + uint32((seed >> 16) % 6),
            minGreenShareBps: uint16((seed >> 24) % 10_001),
            maxPricePerGpuHourUsdc6: uint64(9_000_000 + (seed >> 40) % 11_000_000),
            incentiveUsdc6: uint128((seed >> 64) % 1e9),
            shardable: false
        });
        vm.prank(BOB);
        jobIds.push(jobs.post(s));
    }

    function cancel(uint256 seed) external {
        for (uint256 k; k < jobIds.length; ++k) {
            if (_cancel(jobIds[(seed % jobIds.length + k) % jobIds.length], seed)) return;
        }
    }

    function _cancel(uint256 id, uint256 seed) internal returns (bool) {
        if (jobs.job(id).status != IJobMarket.JobStatus.Open) return false;
        vm.prank(BOB);
        jobs.cancel(id);
        return true;
    }

    function expire(uint256 seed) external {
        for (uint256 k; k < jobIds.length; ++k) {
            if (_expire(jobIds[(seed % jobIds.length + k) % jobIds.length], seed)) return;
        }
    }

    function _expire(uint256 id, uint256 seed) internal returns (bool) {
        IJobMarket.Job memory j = jobs.job(id);
        if (j.status != IJobMarket.JobStatus.Open || block.timestamp < HourId.startOf(j.deadlineSlot - 1)) {
            return false;
        }
        jobs.expire(id);
        return true;
    }

    /// The node mints and provides what the job needs in its first slot; the scheduler assigns it there.
    function assign(uint256 seed) external {
        for (uint256 k; k < jobIds.length; ++k) {
            if (_assign(jobIds[(seed % jobIds.length + k) % jobIds.length], seed)) return;
        }
    }

    function _assign(uint256 id, uint256 seed) internal returns (bool) {
        IJobMarket.Job memory j = jobs.job(id);
        if (j.status != IJobMarket.JobStatus.Open || j.earliestSlot <= _slot()) return false;
        uint256 hourId = HourId.encode(classId, j.earliestSlot);
        if (hours_.nodeSlot(nodeId, j.earliestSlot).minted + j.gpuHours > 64) return false;
        vm.startPrank(ALICE);
        hours_.mint(nodeId, j.earliestSlot, j.gpuHours);
        market.addLiquidity(0, hourId, j.gpuHours, 0, 0, ALICE, block.timestamp);
        vm.stopPrank();
        // Carol's node mints as many of the slot for herself (kept, not provided), while it has the capacity.
        if (hours_.nodeSlot(secondNodeId, j.earliestSlot).minted + j.gpuHours <= 64) {
            vm.prank(CAROL);
            hours_.mint(secondNodeId, j.earliestSlot, j.gpuHours);
        }
        vm.roll(block.number + 1);
        IJobMarket.PlacementRequest[] memory p = new IJobMarket.PlacementRequest[](1);
        p[0] = IJobMarket.PlacementRequest(uint64(nodeId), classId, j.earliestSlot, uint16(j.gpuHours));
        // The market's price stays under the bond (9 USD), the least price a job here offers.
        vm.prank(scheduler);
        jobs.assign(id, p, 0);
        ++assigned;
        return true;
    }

    function warpToSlot(uint256 seed) external {
        for (uint256 k; k < jobIds.length; ++k) {
            if (_warpToSlot(jobIds[(seed % jobIds.length + k) % jobIds.length], seed)) return;
        }
    }

    function _warpToSlot(uint256 id, uint256 seed) internal returns (bool) {
        if (jobs.job(id).status != IJobMarket.JobStatus.Assigned) return false;
        uint256 start = HourId.startOf(jobs.placement(id, 0).slot);
        if (block.timestamp >= start) return false;
        vm.warp(start + seed % C.REDEMPTION_WINDOW_SECONDS);
        return true;
    }

    function redeem(uint256 seed) external {
        for (uint256 k; k < jobIds.length; ++k) {
            if (_redeem(jobIds[(seed % jobIds.length + k) % jobIds.length], seed)) return;
        }
    }

    function _redeem(uint256 id, uint256 seed) internal returns (bool) {
        if (jobs.job(id).status != IJobMarket.JobStatus.Assigned) return false;
        IJobMarket.Placement memory p = jobs.placement(id, 0);
        uint256 start = HourId.startOf(p.slot);
        if (p.status != IJobMarket.PlacementStatus.Bought) return false;
        if (block.timestamp < start || block.timestamp >= start + C.REDEMPTION_WINDOW_SECONDS) return false;
        if (hours_.nodeSlot(p.nodeId, p.slot).outstanding < p.gpuHours) return false;
        jobs.redeem(id, 0);
        return true;
    }

    /// In the redemption window, carol redeems her own hours naming alice's node until it owes fewer than a job's
    /// placement needs; the scheduler then redeems the placement naming carol's node.
    function drainAndMove(uint256 seed) external {
        for (uint256 k; k < jobIds.length; ++k) {
            if (_drainAndMove(jobIds[(seed % jobIds.length + k) % jobIds.length])) return;
        }
    }

    function _drainAndMove(uint256 id) internal returns (bool) {
        if (jobs.job(id).status != IJobMarket.JobStatus.Assigned) return false;
        IJobMarket.Placement memory p = jobs.placement(id, 0);
        uint256 start = HourId.startOf(p.slot);
        if (p.status != IJobMarket.PlacementStatus.Bought || p.nodeId == secondNodeId) return false;
        if (block.timestamp < start || block.timestamp >= start + C.REDEMPTION_WINDOW_SECONDS) return false;
        uint256 left = hours_.nodeSlot(p.nodeId, p.slot).outstanding;
        uint256 drain = left >= p.gpuHours ? left - p.gpuHours + 1 : 0;
        uint256 hourId = HourId.encode(classId, p.slot);
        if (hours_.balanceOf(CAROL, hourId) < drain) return false;
        if (hours_.nodeSlot(secondNodeId, p.slot).outstanding < p.gpuHours) return false;
        if (drain > 0) {
            vm.prank(CAROL);
            hours_.redeem(hourId, p.nodeId, drain);
        }
        vm.prank(scheduler);
        jobs.redeemElsewhere(id, 0, uint64(secondNodeId));
        ++moved;
        return true;
    }

    /// The attestor confirms delivery and records a green share, above or below the job's minimum.
    function deliver(uint256 seed) external {
        for (uint256 k; k < jobIds.length; ++k) {
            if (_deliver(jobIds[(seed % jobIds.length + k) % jobIds.length], seed)) return;
        }
    }

    function _deliver(uint256 id, uint256 seed) internal returns (bool) {
        if (jobs.job(id).status != IJobMarket.JobStatus.Assigned) return false;
        IJobMarket.Placement memory p = jobs.placement(id, 0);
        if (p.status != IJobMarket.PlacementStatus.Redeemed) return false;
        if (hours_.redemption(p.redemptionId).status != IComputeHours.RedemptionStatus.Pending) return false;
        uint256 closesAt = HourId.startOf(p.slot) + C.SECONDS_PER_SLOT + C.DELIVERY_CONFIRMATION_WINDOW_SECONDS;
        if (block.timestamp >= closesAt) return false;
        vm.startPrank(attestor);
        hours_.confirmDelivery(p.redemptionId);
        if (!hours_.nodeSlot(p.nodeId, p.slot).greenShareSet) {
            hours_.setGreenShare(p.nodeId, p.slot, uint16(seed % 10_001));
        }
        vm.stopPrank();
        return true;
    }

    /// Someone settles the undelivered redemption on ComputeHours directly: the bond arrives before the job settles.
    function settleElsewhere(uint256 seed) external {
        for (uint256 k; k < jobIds.length; ++k) {
            if (_settleElsewhere(jobIds[(seed % jobIds.length + k) % jobIds.length], seed)) return;
        }
    }

    function _settleElsewhere(uint256 id, uint256 seed) internal returns (bool) {
        if (jobs.job(id).status != IJobMarket.JobStatus.Assigned) return false;
        IJobMarket.Placement memory p = jobs.placement(id, 0);
        if (p.status != IJobMarket.PlacementStatus.Redeemed) return false;
        if (hours_.redemption(p.redemptionId).status != IComputeHours.RedemptionStatus.Pending) return false;
        if (block.timestamp < HourId.startOf(p.slot) + C.SECONDS_PER_SLOT + C.DELIVERY_CONFIRMATION_WINDOW_SECONDS) {
            return false;
        }
        hours_.settleUndelivered(p.redemptionId);
        return true;
    }

    function settle(uint256 seed) external {
        for (uint256 k; k < jobIds.length; ++k) {
            if (_settle(jobIds[(seed % jobIds.length + k) % jobIds.length], seed)) return;
        }
    }

    function _settle(uint256 id, uint256 seed) internal returns (bool) {
        if (jobs.job(id).status != IJobMarket.JobStatus.Assigned) return false;
        IJobMarket.Placement memory p = jobs.placement(id, 0);
        if (p.status == IJobMarket.PlacementStatus.Settled) return false;
        if (block.timestamp < HourId.startOf(p.slot) + C.SECONDS_PER_SLOT + C.DELIVERY_CONFIRMATION_WINDOW_SECONDS) {
            return false;
        }
        jobs.settle(id, 0);
        ++settled;
        return true;
    }

    function withdraw(bool node) external {
        address who = node ? ALICE : BOB;
        if (jobs.creditOf(who) == 0) return;
        vm.prank(who);
        withdrawnUsdc6 += jobs.withdraw();
    }

    function warp(uint256 seconds_) external {
        vm.warp(block.timestamp + 60 + seconds_ % 12 hours);
    }

    /// Bonds that defaulted redemptions paid here and that their jobs have not yet credited.
    function pendingCompensationUsdc6() public view returns (uint256 sum) {
        for (uint256 i; i < jobIds.length; ++i) {
            if (jobs.job(jobIds[i]).status != IJobMarket.JobStatus.Assigned) continue;
            IJobMarket.Placement memory p = jobs.placement(jobIds[i], 0);
            if (p.status != IJobMarket.PlacementStatus.Redeemed) continue;
            IComputeHours.Redemption memory r = hours_.redemption(p.redemptionId);
            if (r.status == IComputeHours.RedemptionStatus.Defaulted) {
                sum += uint256(r.hoursRedeemed) * r.bondPerHourUsdc6;
            }
        }
    }

    /// What the job market owes: open escrows, incentives not yet settled, credits, pending compensation.
    function owedUsdc6() external view returns (uint256 sum) {
        for (uint256 i; i < jobIds.length; ++i) {
            IJobMarket.Job memory j = jobs.job(jobIds[i]);
            sum += uint256(j.budgetUsdc6) + j.incentiveUsdc6;
        }
        sum += jobs.creditOf(BOB) + jobs.creditOf(ALICE) + jobs.creditOf(CAROL) + pendingCompensationUsdc6();
    }
}
