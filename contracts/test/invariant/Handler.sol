// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {Test} from "../utils/Test.sol";
import {SettlementToken} from "../../src/SettlementToken.sol";
import {NodeRegistry} from "../../src/NodeRegistry.sol";
import {ComputeHours} from "../../src/ComputeHours.sol";
import {INodeRegistry} from "../../src/interfaces/INodeRegistry.sol";
import {IComputeHours} from "../../src/interfaces/IComputeHours.sol";
import {HourId} from "../../src/libraries/HourId.sol";
import "../../src/libraries/Constants.sol" as C;

/// @dev Drives registry and hours through random call sequences, as owners, holders, the attestor and passing time
/// would. Every action first works out from the state whether its call must succeed; it then makes the call directly
/// (so that foundry's fail_on_revert sees a call that reverts wrongly) or, where it tries a call that must fail,
/// expects that exact revert. Ghost sums record what the invariants compare against.
contract Handler is Test {
    SettlementToken internal token;
    NodeRegistry internal registry;
    ComputeHours internal hours_;
    address internal attestor;

    address[] public actors;
    uint256[] public nodeIds;
    uint256[] public ids;
    mapping(uint256 id => bool) internal knownId;
    uint32[] public slots;
    mapping(uint32 slot => bool) internal knownSlot;

    uint256 public calls;
    uint256 public compensationPaidUsdc6;
    uint256 public compensationOwedUsdc6;
    uint256 internal deviceKeys;

    bytes32 internal constant H100 = "NVIDIA H100 SXM5 80GB";
    bytes32 internal constant RTX4090 = "NVIDIA GeForce RTX 4090";

    constructor(SettlementToken token_, NodeRegistry registry_, ComputeHours hours__, address attestor_) {
        token = token_;
        registry = registry_;
        hours_ = hours__;
        attestor = attestor_;
        for (uint256 i = 1; i <= 4; ++i) {
            actors.push(address(uint160(0x1000 + i)));
        }
    }

    function actorCount() external view returns (uint256) {
        return actors.length;
    }

    function nodeCount() external view returns (uint256) {
        return nodeIds.length;
    }

    function idCount() external view returns (uint256) {
        return ids.length;
    }

    function slotCount() external view returns (uint256) {
        return slots.length;
    }

    // ---------------------------------------------------------------- actions

    function register(uint256 actorSeed, bool home, uint256 gpuSeed, uint256 stakeSeed) external {
        // Eight nodes are enough to interleave obligations; more only slow the per-call invariant checks.
        if (nodeIds.length >= 8) return;
        calls++;
        address owner = actors[actorSeed % actors.length];
        uint256 key = 0xD000 + ++deviceKeys;
        INodeRegistry.NodeSpec memory spec = INodeRegistry.NodeSpec({
            deviceSigner: vm.addr(key),
            siteType: home ? INodeRegistry.SiteType.Home : INodeRegistry.SiteType.Station,
            geohash: "w21z7",
            pvWp: home ? 8_000 : 500_000,
            batteryWh: home ? 13_500 : 1_000_000,
            chargerW: 0,
            gpuModel: home ? RTX4090 : H100,
            gpuCount: uint16(bound(gpuSeed, 1, home ? 2 : 16))
        });
        uint256 minimum = registry.minimumStakeUsdc6(spec.siteType);
        uint256 stake = bound(stakeSeed, minimum, minimum + 5_000e6);
        uint256 deadline = block.timestamp + 1 hours;
        (uint8 v, bytes32 r, bytes32 s) =
            vm.sign(key, registry.deviceBindingDigest(owner, spec.deviceSigner, 0, deadline));
        vm.startPrank(owner);
        token.approve(address(registry), stake);
        nodeIds.push(registry.register(spec, stake, deadline, abi.encodePacked(r, s, v)));
        vm.stopPrank();
    }

    function addStake(uint256 actorSeed, uint256 nodeSeed, uint256 amountSeed) external {
        if (nodeIds.length == 0) return;
        calls++;
        address from = actors[actorSeed % actors.length];
        uint256 nodeId = nodeIds[nodeSeed % nodeIds.length];
        uint256 amount = bound(amountSeed, 1, 1_000e6);
        INodeRegistry.NodeStatus status = registry.node(nodeId).status;
        vm.startPrank(from);
        token.approve(address(registry), amount);
        if (status != INodeRegistry.NodeStatus.Online) {
            vm.expectRevert(abi.encodeWithSelector(INodeRegistry.NodeNotOnline.selector, nodeId, status));
        }
        registry.addStake(nodeId, amount);
        vm.stopPrank();
    }

    function mint(uint256 nodeSeed, uint256 offsetSeed, uint256 amountSeed) external {
        if (nodeIds.length == 0) return;
        uint256 nodeId = nodeIds[nodeSeed % nodeIds.length];
        INodeRegistry.Node memory n = registry.node(nodeId);
        if (n.status != INodeRegistry.NodeStatus.Online) return;
        uint32 slot = uint32(block.timestamp / 3600 + bound(offsetSeed, 1, 12));
        uint256 id = HourId.encode(n.classId, slot);
        uint256 bondPerHour = hours_.bondPerHourOf(id);
        if (bondPerHour == 0) bondPerHour = registry.capacityClass(n.classId).bondPerHourUsdc6;
        uint256 room = n.gpuCount - hours_.nodeSlot(nodeId, slot).minted;
        uint256 affordable = registry.bondableUsdc6(nodeId) / bondPerHour;
        uint256 most = room < affordable ? room : affordable;
        if (most == 0) return;
        calls++;
        vm.prank(n.owner);
        hours_.mint(nodeId, slot, bound(amountSeed, 1, most));
        if (!knownId[id]) {
            knownId[id] = true;
            ids.push(id);
        }
        if (!knownSlot[slot]) {
            knownSlot[slot] = true;
            slots.push(slot);
        }
    }

    function transfer(uint256 fromSeed, uint256 toSeed, uint256 idSeed, uint256 amountSeed) external {
        if (ids.length == 0) return;
        uint256 id = ids[idSeed % ids.length];
        (address from, uint256 balance) = _holderOf(id, fromSeed);
        if (balance == 0) return;
        calls++;
        address to = actors[toSeed % actors.length];
        uint256 amount = bound(amountSeed, 1, balance);
        (, uint32 slot) = HourId.decode(id);
        if (block.timestamp >= HourId.startOf(slot)) {
            vm.expectRevert(abi.encodeWithSelector(IComputeHours.SlotStarted.selector, id, slot));
        }
        vm.prank(from);
        hours_.safeTransferFrom(from, to, id, amount, "");
    }

    function redeem(uint256 holderSeed, uint256 idSeed, uint256 nodeSeed, uint256 amountSeed) external {
        if (ids.length == 0) return;
        uint256 id = _liveIdOr(idSeed);
        (, uint32 slot) = HourId.decode(id);
        if (block.timestamp / 3600 != slot) return;
        (address holder, uint256 balance) = _holderOf(id, holderSeed);
        if (balance == 0) return;
        uint256[] memory obligors = hours_.obligorsOf(id);
        uint256 nodeId = obligors[nodeSeed % obligors.length];
        uint256 outstanding = hours_.nodeSlot(nodeId, slot).outstanding;
        if (outstanding == 0) return;
        calls++;
        uint256 most = balance < outstanding ? balance : outstanding;
        uint256 closesAt = HourId.startOf(slot) + C.REDEMPTION_WINDOW_SECONDS;
        if (block.timestamp >= closesAt) {
            vm.expectRevert(abi.encodeWithSelector(IComputeHours.RedemptionClosed.selector, slot, closesAt));
        }
        vm.prank(holder);
        hours_.redeem(id, nodeId, bound(amountSeed, 1, most));
    }

    function confirmOrSettle(uint256 redemptionSeed) external {
        uint256 count = hours_.redemptionCount();
        if (count == 0) return;
        uint256 rid = 1 + (redemptionSeed % count);
        IComputeHours.Redemption memory r = hours_.redemption(rid);
        if (r.status != IComputeHours.RedemptionStatus.Pending) return;
        calls++;
        uint256 closesAt = HourId.startOf(r.slot) + 3600 + C.DELIVERY_CONFIRMATION_WINDOW_SECONDS;
        if (block.timestamp < closesAt) {
            vm.prank(attestor);
            hours_.confirmDelivery(rid);
        } else {
            uint256 owed = uint256(r.hoursRedeemed) * r.bondPerHourUsdc6;
            compensationOwedUsdc6 += owed;
            uint256 before = token.balanceOf(r.holder);
            compensationPaidUsdc6 += hours_.settleUndelivered(rid);
            vm.assertEq(token.balanceOf(r.holder) - before, owed, "holder paid the whole bond");
        }
    }

    function releaseUnredeemed(uint256 nodeSeed, uint256 slotSeed) external {
        if (nodeIds.length == 0 || slots.length == 0) return;
        uint256 nodeId = nodeIds[nodeSeed % nodeIds.length];
        uint32 slot = slots[slotSeed % slots.length];
        IComputeHours.NodeSlot memory ns = hours_.nodeSlot(nodeId, slot);
        if (slot >= block.timestamp / 3600 || ns.unredeemedReleased || ns.outstanding == 0) return;
        calls++;
        hours_.releaseUnredeemed(nodeId, slot);
    }

    function slash(uint256 nodeSeed, uint256 amountSeed) external {
        if (nodeIds.length == 0) return;
        calls++;
        vm.prank(attestor);
        registry.slash(nodeIds[nodeSeed % nodeIds.length], bound(amountSeed, 1, 2_000e6), attestor, "fraud");
    }

    function exitOrWithdraw(uint256 nodeSeed, bool withdraw) external {
        if (nodeIds.length == 0) return;
        uint256 nodeId = nodeIds[nodeSeed % nodeIds.length];
        INodeRegistry.Node memory n = registry.node(nodeId);
        if (!withdraw) {
            if (n.status != INodeRegistry.NodeStatus.Online) return;
            calls++;
            vm.prank(n.owner);
            registry.requestExit(nodeId);
            return;
        }
        if (n.status != INodeRegistry.NodeStatus.Exiting) return;
        if (block.timestamp < uint256(n.exitRequestedAt) + C.UNBONDING_DELAY_SECONDS) return;
        calls++;
        if (n.bondedUsdc6 != 0) {
            vm.expectRevert(abi.encodeWithSelector(INodeRegistry.StakeStillBonded.selector, nodeId, n.bondedUsdc6));
        }
        vm.prank(n.owner);
        registry.withdrawStake(nodeId);
    }

    function setGreenShare(uint256 nodeSeed, uint256 slotSeed, uint256 bpsSeed) external {
        if (nodeIds.length == 0 || slots.length == 0) return;
        uint256 nodeId = nodeIds[nodeSeed % nodeIds.length];
        uint32 slot = slots[slotSeed % slots.length];
        if (slot > block.timestamp / 3600 || hours_.nodeSlot(nodeId, slot).greenShareSet) return;
        calls++;
        vm.prank(attestor);
        hours_.setGreenShare(nodeId, slot, uint16(bound(bpsSeed, 0, 10_000)));
    }

    function warp(uint256 secondsSeed) external {
        calls++;
        // Up to three hours: slots start and end, redemption and confirmation windows close, within a run of a few
        // hundred calls, while most minted slots are still ahead or live when the next actions come.
        vm.warp(block.timestamp + bound(secondsSeed, 1, 3 hours));
    }

    // ---------------------------------------------------------------- helpers

    /// @dev An id whose slot is live now, searching from `seed`, else the seeded id: redemption is only possible then.
    function _liveIdOr(uint256 seed) internal view returns (uint256) {
        uint256 nowSlot = block.timestamp / 3600;
        for (uint256 i; i < ids.length; ++i) {
            uint256 id = ids[(seed % ids.length + i) % ids.length];
            (, uint32 slot) = HourId.decode(id);
            if (slot == nowSlot) return id;
        }
        return ids[seed % ids.length];
    }

    /// @dev The first actor from `seed` on who holds some of `id`, or the seeded actor with balance 0.
    function _holderOf(uint256 id, uint256 seed) internal view returns (address holder, uint256 balance) {
        for (uint256 i; i < actors.length; ++i) {
            holder = actors[(seed % actors.length + i) % actors.length];
            balance = hours_.balanceOf(holder, id);
            if (balance != 0) return (holder, balance);
        }
        return (actors[seed % actors.length], 0);
    }
}
