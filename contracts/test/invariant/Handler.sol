// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {Test} from "../utils/Test.sol";
import {SettlementToken} from "../../src/SettlementToken.sol";
import {NodeRegistry} from "../../src/NodeRegistry.sol";
import {ComputeHours} from "../../src/ComputeHours.sol";
import {INodeRegistry} from "../../src/interfaces/INodeRegistry.sol";
import {IComputeHours} from "../../src/interfaces/IComputeHours.sol";
import {HourId} from "../../src/libraries/HourId.sol";

/// @dev Drives registry and hours through random but well-formed call sequences, as owners, holders, the attestor and
/// passing time would. Each action picks its actors and targets from what exists; reverts are expected and ignored by
/// the runner, except where a success would itself break a rule (an expired transfer), which is recorded.
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

    bool public expiredTransferSucceeded;
    uint256 public calls;
    uint256 internal deviceNonce;

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
        calls++;
        address owner = actors[actorSeed % actors.length];
        INodeRegistry.NodeSpec memory spec = INodeRegistry.NodeSpec({
            deviceSigner: address(uint160(0xD000 + ++deviceNonce)),
            siteType: home ? INodeRegistry.SiteType.Home : INodeRegistry.SiteType.Station,
            geohash: "w21z7",
            pvWp: home ? 8_000 : 500_000,
            batteryWh: home ? 13_500 : 1_000_000,
            chargerW: 0,
            gpuModel: home ? RTX4090 : H100,
            gpuCount: uint16(bound(gpuSeed, 1, home ? 2 : 16))
        });
        uint256 stake = bound(stakeSeed, 1, 5_000e6);
        vm.startPrank(owner);
        token.approve(address(registry), stake);
        try registry.register(spec, stake) returns (uint256 nodeId) {
            nodeIds.push(nodeId);
        } catch {}
        vm.stopPrank();
    }

    function addStake(uint256 actorSeed, uint256 nodeSeed, uint256 amountSeed) external {
        if (nodeIds.length == 0) return;
        calls++;
        address from = actors[actorSeed % actors.length];
        uint256 amount = bound(amountSeed, 0, 1_000e6);
        vm.startPrank(from);
        token.approve(address(registry), amount);
        try registry.addStake(nodeIds[nodeSeed % nodeIds.length], amount) {} catch {}
        vm.stopPrank();
    }

    function mint(uint256 nodeSeed, uint256 offsetSeed, uint256 amountSeed) external {
        if (nodeIds.length == 0) return;
        calls++;
        uint256 nodeId = nodeIds[nodeSeed % nodeIds.length];
        INodeRegistry.Node memory n = registry.node(nodeId);
        uint32 slot = uint32(block.timestamp / 3600 + bound(offsetSeed, 0, 12)); // offset 0 must fail
        uint256 amount = bound(amountSeed, 0, 20); // may exceed capacity on purpose
        vm.prank(n.owner);
        try hours_.mint(nodeId, slot, amount) returns (uint256 id) {
            if (!knownId[id]) {
                knownId[id] = true;
                ids.push(id);
            }
            if (!knownSlot[slot]) {
                knownSlot[slot] = true;
                slots.push(slot);
            }
        } catch {}
    }

    function transfer(uint256 fromSeed, uint256 toSeed, uint256 idSeed, uint256 amountSeed) external {
        if (ids.length == 0) return;
        calls++;
        uint256 id = ids[idSeed % ids.length];
        (address from, uint256 balance) = _holderOf(id, fromSeed);
        address to = actors[toSeed % actors.length];
        uint256 amount = bound(amountSeed, 0, balance);
        (, uint32 slot) = HourId.decode(id);
        bool expired = block.timestamp >= HourId.startOf(slot);
        vm.prank(from);
        try hours_.safeTransferFrom(from, to, id, amount, "") {
            if (expired) expiredTransferSucceeded = true;
        } catch {}
    }

    function redeem(uint256 holderSeed, uint256 idSeed, uint256 nodeSeed, uint256 amountSeed) external {
        if (ids.length == 0) return;
        calls++;
        uint256 id = _liveIdOr(idSeed);
        (address holder, uint256 balance) = _holderOf(id, holderSeed);
        uint256[] memory obligors = hours_.obligorsOf(id);
        uint256 nodeId = obligors[nodeSeed % obligors.length];
        uint256 amount = bound(amountSeed, 1, balance == 0 ? 1 : balance);
        vm.prank(holder);
        try hours_.redeem(id, nodeId, amount) {} catch {}
    }

    function confirmOrSettle(uint256 redemptionSeed, bool confirm) external {
        uint256 count = hours_.redemptionCount();
        if (count == 0) return;
        calls++;
        uint256 rid = 1 + (redemptionSeed % count);
        if (confirm) {
            vm.prank(attestor);
            try hours_.confirmDelivery(rid) {} catch {}
        } else {
            try hours_.settleUndelivered(rid) {} catch {}
        }
    }

    function releaseUnredeemed(uint256 nodeSeed, uint256 slotSeed) external {
        if (nodeIds.length == 0 || slots.length == 0) return;
        calls++;
        try hours_.releaseUnredeemed(nodeIds[nodeSeed % nodeIds.length], slots[slotSeed % slots.length]) {} catch {}
    }

    function slash(uint256 nodeSeed, uint256 amountSeed) external {
        if (nodeIds.length == 0) return;
        calls++;
        vm.prank(attestor);
        try registry.slash(nodeIds[nodeSeed % nodeIds.length], bound(amountSeed, 1, 2_000e6), attestor, "fraud") {}
            catch {}
    }

    function exitOrWithdraw(uint256 nodeSeed, bool withdraw) external {
        if (nodeIds.length == 0) return;
        calls++;
        uint256 nodeId = nodeIds[nodeSeed % nodeIds.length];
        vm.startPrank(registry.node(nodeId).owner);
        if (withdraw) {
            try registry.withdrawStake(nodeId) {} catch {}
        } else {
            try registry.requestExit(nodeId) {} catch {}
        }
        vm.stopPrank();
    }

    function setGreenShare(uint256 nodeSeed, uint256 slotSeed, uint256 bpsSeed) external {
        if (nodeIds.length == 0 || slots.length == 0) return;
        calls++;
        vm.prank(attestor);
        try hours_.setGreenShare(
            nodeIds[nodeSeed % nodeIds.length], slots[slotSeed % slots.length], uint16(bound(bpsSeed, 0, 10_500))
        ) {}
            catch {}
    }

    function warp(uint256 secondsSeed) external {
        calls++;
        // Up to six hours: slots start and end, and confirmation windows close, within a run of a few hundred calls,
        // while most minted slots are still ahead or live when the next actions come.
        vm.warp(block.timestamp + bound(secondsSeed, 1, 6 hours));
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
