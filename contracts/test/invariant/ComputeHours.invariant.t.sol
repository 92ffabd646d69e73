// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {Fixture} from "../utils/Fixture.sol";
import {Handler} from "./Handler.sol";
import {INodeRegistry} from "../../src/interfaces/INodeRegistry.sol";
import {IComputeHours} from "../../src/interfaces/IComputeHours.sol";
import {HourId} from "../../src/libraries/HourId.sol";

/// @dev Invariants of the registry and the compute hours under random call sequences through {Handler}.
/// foundry.toml sets runs × depth ≥ 10,000 calls per invariant.
contract ComputeHoursInvariantTest is Fixture {
    Handler internal handler;

    function setUp() public override {
        super.setUp();
        handler = new Handler(token, registry, hours_, attestor);
        vm.startPrank(admin);
        for (uint256 i; i < handler.actorCount(); ++i) {
            token.mint(handler.actors(i), 1_000_000_000e6);
        }
        vm.stopPrank();
        targetContract(address(handler));
    }

    /// Total stake equals the settlement token balance the registry holds, and the sum of node stakes.
    function invariant_stakeEqualsTokenBalance() public view {
        uint256 sum;
        for (uint256 i; i < handler.nodeCount(); ++i) {
            sum += registry.node(handler.nodeIds(i)).stakeUsdc6;
        }
        vm.assertEq(registry.totalStakeUsdc6(), token.balanceOf(address(registry)), "total stake == balance held");
        vm.assertEq(sum, registry.totalStakeUsdc6(), "sum of node stakes == total stake");
    }

    /// Hours minted per node-slot never exceed the node's GPU count.
    function invariant_mintedWithinCapacity() public view {
        for (uint256 i; i < handler.nodeCount(); ++i) {
            uint256 nodeId = handler.nodeIds(i);
            uint256 capacity = registry.node(nodeId).gpuCount;
            for (uint256 j; j < handler.slotCount(); ++j) {
                vm.assertLe(hours_.nodeSlot(nodeId, handler.slots(j)).minted, capacity, "minted <= gpuCount");
            }
        }
    }

    /// The outstanding obligations of a (class, slot) equal the hours of it in circulation.
    function invariant_obligationsEqualCirculation() public view {
        for (uint256 i; i < handler.idCount(); ++i) {
            uint256 id = handler.ids(i);
            (, uint32 slot) = HourId.decode(id);
            uint256[] memory obligors = hours_.obligorsOf(id);
            uint256 outstanding;
            for (uint256 j; j < obligors.length; ++j) {
                outstanding += hours_.nodeSlot(obligors[j], slot).outstanding;
            }
            vm.assertEq(outstanding, hours_.totalSupply(id), "sum outstanding == total supply");
        }
    }

    /// A node's bonded stake equals exactly the bond its open obligations call for, slashes included (a slash never
    /// takes bonded stake), its slash debt never exceeds it, and it never exceeds the stake.
    function invariant_bondEqualsOpenObligations() public view {
        for (uint256 i; i < handler.nodeCount(); ++i) {
            uint256 nodeId = handler.nodeIds(i);
            INodeRegistry.Node memory n = registry.node(nodeId);
            uint256 owed;
            for (uint256 j; j < handler.slotCount(); ++j) {
                IComputeHours.NodeSlot memory ns = hours_.nodeSlot(nodeId, handler.slots(j));
                owed += uint256(ns.bondedHours) * ns.bondPerHourUsdc6;
            }
            vm.assertEq(n.bondedUsdc6, owed, "bonded == bond of open obligations");
            vm.assertLe(n.slashDebtUsdc6, n.bondedUsdc6, "slash debt <= bonded");
            vm.assertLe(n.bondedUsdc6, n.stakeUsdc6, "bonded <= stake");
        }
    }

    /// Every undelivered redemption was paid its whole bond.
    function invariant_defaultsPaidInFull() public view {
        vm.assertEq(handler.compensationPaidUsdc6(), handler.compensationOwedUsdc6(), "compensation == bonds owed");
    }
}
