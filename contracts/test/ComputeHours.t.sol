// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {Fixture} from "./utils/Fixture.sol";
import {INodeRegistry} from "../src/interfaces/INodeRegistry.sol";
import {IComputeHours} from "../src/interfaces/IComputeHours.sol";
import {HourId} from "../src/libraries/HourId.sol";
import {IERC1155Errors} from "@openzeppelin/contracts/interfaces/draft-IERC6093.sol";
import {IAccessControl} from "@openzeppelin/contracts/access/IAccessControl.sol";
import "../src/libraries/Constants.sol" as C;

contract ComputeHoursTest is Fixture {
    uint256 internal stationA; // alice, 8 × H100
    uint256 internal stationB; // bob, 8 × H100
    uint32 internal slot; // the slot two hours from now

    function setUp() public override {
        super.setUp();
        stationA = registerStation(alice, deviceAddr(0xD1), 2_000e6);
        stationB = registerStation(bob, deviceAddr(0xD2), 2_000e6);
        slot = slotNow() + 2;
    }

    function _mint(address owner, uint256 nodeId, uint32 s, uint256 amount) internal returns (uint256 id) {
        vm.prank(owner);
        id = hours_.mint(nodeId, s, amount);
    }

    function test_mint_packsIdReservesCapacityAndBondsStake() public {
        uint256 id = _mint(alice, stationA, slot, 3);

        vm.assertEq(id, (uint256(DC_CLASS) << 32) | slot, "id = class << 32 | slot");
        vm.assertEq(hours_.balanceOf(alice, id), 3, "minted to owner");
        vm.assertEq(hours_.totalSupply(id), 3, "supply");
        IComputeHours.NodeSlot memory ns = hours_.nodeSlot(stationA, slot);
        vm.assertEq(ns.minted, 3, "minted");
        vm.assertEq(ns.outstanding, 3, "outstanding");
        vm.assertEq(registry.node(stationA).bondedUsdc6, 3 * DC_BOND_PER_HOUR, "bonded per hour");
        vm.assertTrue(registry.statusOf(stationA) == INodeRegistry.NodeStatus.InProgress, "in progress while bonded");
        uint256[] memory obligors = hours_.obligorsOf(id);
        vm.assertEq(obligors.length, 1, "one obligor");
        vm.assertEq(obligors[0], stationA, "obligor is the minting node");
    }

    function test_mint_rejectsOverCapacity() public {
        _mint(alice, stationA, slot, 5);
        vm.expectRevert(abi.encodeWithSelector(IComputeHours.ExceedsCapacity.selector, stationA, slot, 4, 3));
        _mint(alice, stationA, slot, 4);
        _mint(alice, stationA, slot, 3); // exactly full
    }

    function test_mint_rejectsPastCurrentAndBeyondHorizon() public {
        uint256 nowSlot = slotNow();
        vm.expectRevert(abi.encodeWithSelector(IComputeHours.SlotNotInFuture.selector, uint32(nowSlot), nowSlot));
        _mint(alice, stationA, uint32(nowSlot), 1);
        vm.expectRevert(abi.encodeWithSelector(IComputeHours.SlotNotInFuture.selector, uint32(nowSlot - 5), nowSlot));
        _mint(alice, stationA, uint32(nowSlot - 5), 1);

        uint32 last = uint32(nowSlot + C.MAX_MINT_HORIZON_SLOTS);
        _mint(alice, stationA, last, 1);
        vm.expectRevert(abi.encodeWithSelector(IComputeHours.SlotBeyondHorizon.selector, last + 1, last));
        _mint(alice, stationA, last + 1, 1);
    }

    function test_mint_rejectsWrongCallerZeroAmountAndExitingNode() public {
        vm.expectRevert(abi.encodeWithSelector(IComputeHours.NotNodeOwner.selector, stationA, bob));
        _mint(bob, stationA, slot, 1);
        vm.expectRevert(abi.encodeWithSelector(IComputeHours.InvalidAmount.selector, 0));
        _mint(alice, stationA, slot, 0);
        vm.prank(alice);
        registry.requestExit(stationA);
        vm.expectRevert(
            abi.encodeWithSelector(INodeRegistry.NodeNotOnline.selector, stationA, INodeRegistry.NodeStatus.Exiting)
        );
        _mint(alice, stationA, slot, 1);
    }

    /// Bonds may take the stake less the fraud reserve (half of it): 1,000 of station A's 2,000 USD.
    function test_mint_rejectsWhenStakeCannotBackTheBond() public {
        for (uint32 i; i < 13; ++i) {
            _mint(alice, stationA, slot + i, 8); // 13 × 72 = 936 USD
        }
        vm.expectRevert(
            abi.encodeWithSelector(INodeRegistry.InsufficientFreeStake.selector, stationA, 64e6, 8 * DC_BOND_PER_HOUR)
        );
        _mint(alice, stationA, slot + 13, 8);
        _mint(alice, stationA, slot + 13, 7);
    }

    function test_transfer_untilSlotStartsThenReverts() public {
        uint256 id = _mint(alice, stationA, slot, 2);
        vm.prank(alice);
        hours_.safeTransferFrom(alice, carol, id, 1, "");
        vm.assertEq(hours_.balanceOf(carol, id), 1, "transferred before the slot");

        vm.warp(HourId.startOf(slot));
        vm.expectRevert(abi.encodeWithSelector(IComputeHours.SlotStarted.selector, id, slot));
        vm.prank(alice);
        hours_.safeTransferFrom(alice, carol, id, 1, "");

        vm.warp(HourId.startOf(slot) + 5 hours);
        vm.expectRevert(abi.encodeWithSelector(IComputeHours.SlotStarted.selector, id, slot));
        vm.prank(carol);
        hours_.safeTransferFrom(carol, alice, id, 1, "");
    }

    function test_redeem_assignsNodeDuringSlotOnly() public {
        uint256 id = _mint(alice, stationA, slot, 2);
        _mint(bob, stationB, slot, 1);
        vm.prank(alice);
        hours_.safeTransferFrom(alice, carol, id, 2, "");

        vm.expectRevert(abi.encodeWithSelector(IComputeHours.SlotNotLive.selector, slot, slot - 2));
        vm.prank(carol);
        hours_.redeem(id, stationA, 1);

        vm.warp(HourId.startOf(slot) + 5 minutes);
        vm.prank(carol);
        uint256 rid = hours_.redeem(id, stationB, 1); // fungible: bob's node owes one hour too
        IComputeHours.Redemption memory r = hours_.redemption(rid);
        vm.assertEq(r.holder, carol, "holder");
        vm.assertEq(r.nodeId, stationB, "assigned node");
        vm.assertEq(r.hoursRedeemed, 1, "hours");
        vm.assertEq(hours_.totalSupply(id), 2, "burned");
        vm.assertEq(hours_.nodeSlot(stationB, slot).outstanding, 0, "bob's obligation assigned");

        vm.expectRevert(abi.encodeWithSelector(IComputeHours.InsufficientObligation.selector, stationB, slot, 1, 0));
        vm.prank(carol);
        hours_.redeem(id, stationB, 1);

        vm.warp(HourId.startOf(slot + 1));
        vm.expectRevert(abi.encodeWithSelector(IComputeHours.SlotNotLive.selector, slot, slot + 1));
        vm.prank(carol);
        hours_.redeem(id, stationA, 1);
    }

    function test_redeem_rejectsClassMismatchAndMissingBalance() public {
        uint256 home = registerAs(carol, homeSpec(deviceAddr(0xD3)), 100e6);
        uint256 id = _mint(alice, stationA, slot, 1);
        uint32 s = slot;
        vm.warp(HourId.startOf(s));
        vm.expectRevert(
            abi.encodeWithSelector(IComputeHours.NodeClassMismatch.selector, home, CONSUMER_CLASS, DC_CLASS)
        );
        vm.prank(alice);
        hours_.redeem(id, home, 1);

        vm.expectRevert(abi.encodeWithSelector(IERC1155Errors.ERC1155InsufficientBalance.selector, bob, 0, 1, id));
        vm.prank(bob);
        hours_.redeem(id, stationA, 1);
    }

    function test_confirmDelivery_releasesBond() public {
        uint256 id = _mint(alice, stationA, slot, 2);
        vm.warp(HourId.startOf(slot));
        vm.prank(alice);
        uint256 rid = hours_.redeem(id, stationA, 2);

        vm.expectRevert(
            abi.encodeWithSelector(
                IAccessControl.AccessControlUnauthorizedAccount.selector, bob, hours_.DELIVERY_ROLE()
            )
        );
        vm.prank(bob);
        hours_.confirmDelivery(rid);

        vm.expectRevert(abi.encodeWithSelector(IComputeHours.UnknownRedemption.selector, rid + 1));
        vm.prank(attestor);
        hours_.confirmDelivery(rid + 1);

        vm.prank(attestor);
        hours_.confirmDelivery(rid);
        vm.assertEq(registry.node(stationA).bondedUsdc6, 0, "bond released");
        vm.assertTrue(hours_.redemption(rid).status == IComputeHours.RedemptionStatus.Delivered, "delivered");

        vm.expectRevert(
            abi.encodeWithSelector(
                IComputeHours.RedemptionNotPending.selector, rid, IComputeHours.RedemptionStatus.Delivered
            )
        );
        vm.prank(attestor);
        hours_.confirmDelivery(rid);
    }

    function test_settleUndelivered_paysHolderFromBondAfterWindow() public {
        uint256 id = _mint(alice, stationA, slot, 3);
        vm.prank(alice);
        hours_.safeTransferFrom(alice, carol, id, 3, "");
        vm.warp(HourId.startOf(slot));
        vm.prank(carol);
        uint256 rid = hours_.redeem(id, stationA, 3);

        uint256 opensAt = HourId.startOf(slot) + 1 hours + C.DELIVERY_CONFIRMATION_WINDOW_SECONDS;
        vm.warp(opensAt - 1);
        vm.expectRevert(abi.encodeWithSelector(IComputeHours.ConfirmationWindowOpen.selector, rid, opensAt));
        hours_.settleUndelivered(rid);

        vm.warp(opensAt);
        vm.expectRevert(abi.encodeWithSelector(IComputeHours.ConfirmationWindowClosed.selector, rid, opensAt));
        vm.prank(attestor);
        hours_.confirmDelivery(rid);

        uint256 carolBefore = token.balanceOf(carol);
        vm.prank(bob); // anyone may settle
        uint256 paid = hours_.settleUndelivered(rid);
        vm.assertEq(paid, 3 * DC_BOND_PER_HOUR, "bond for three hours");
        vm.assertEq(token.balanceOf(carol) - carolBefore, paid, "paid to the holder");
        vm.assertEq(registry.node(stationA).stakeUsdc6, 2_000e6 - paid, "taken from the node's stake");
        vm.assertEq(registry.node(stationA).bondedUsdc6, 0, "nothing left bonded");
    }

    function test_releaseUnredeemed_freesBondOnceAfterSlot() public {
        uint256 id = _mint(alice, stationA, slot, 4);
        vm.warp(HourId.startOf(slot));
        vm.prank(alice);
        hours_.redeem(id, stationA, 1);

        vm.expectRevert(abi.encodeWithSelector(IComputeHours.SlotNotOver.selector, slot, slot));
        hours_.releaseUnredeemed(stationA, slot);

        vm.warp(HourId.startOf(slot + 1));
        uint256 released = hours_.releaseUnredeemed(stationA, slot);
        vm.assertEq(released, 3 * DC_BOND_PER_HOUR, "three unredeemed hours");
        vm.assertEq(registry.node(stationA).bondedUsdc6, DC_BOND_PER_HOUR, "the redeemed hour stays bonded");
        vm.assertEq(hours_.totalSupply(id), 3, "expired hours stay, worthless");
        vm.expectRevert(abi.encodeWithSelector(IComputeHours.NothingToRelease.selector, stationA, slot));
        hours_.releaseUnredeemed(stationA, slot);
    }

    function test_exitWaitsForObligations() public {
        uint256 id = _mint(alice, stationA, slot, 1);
        vm.prank(alice);
        registry.requestExit(stationA);
        vm.warp(block.timestamp + C.UNBONDING_DELAY_SECONDS);
        vm.expectRevert(
            abi.encodeWithSelector(INodeRegistry.StakeStillBonded.selector, stationA, uint256(DC_BOND_PER_HOUR))
        );
        vm.prank(alice);
        registry.withdrawStake(stationA);

        hours_.releaseUnredeemed(stationA, slot);
        vm.prank(alice);
        registry.withdrawStake(stationA);
        vm.assertEq(hours_.balanceOf(alice, id), 1, "the expired hour is still held, worthless");
    }

    function test_setGreenShare_onceAfterSlotStartsByAttestor() public {
        vm.expectRevert(abi.encodeWithSelector(IComputeHours.SlotNotLive.selector, slot, slot - 2));
        vm.prank(attestor);
        hours_.setGreenShare(stationA, slot, 9_000);

        vm.warp(HourId.startOf(slot) + 2 hours);
        vm.expectRevert(abi.encodeWithSelector(IComputeHours.InvalidGreenShare.selector, 10_001));
        vm.prank(attestor);
        hours_.setGreenShare(stationA, slot, 10_001);
        vm.expectRevert(
            abi.encodeWithSelector(
                IAccessControl.AccessControlUnauthorizedAccount.selector, alice, hours_.GREEN_SHARE_ROLE()
            )
        );
        vm.prank(alice);
        hours_.setGreenShare(stationA, slot, 9_000);

        vm.prank(attestor);
        hours_.setGreenShare(stationA, slot, 9_000);
        vm.assertEq(hours_.nodeSlot(stationA, slot).greenShareBps, 9_000, "recorded");
        vm.expectRevert(abi.encodeWithSelector(IComputeHours.GreenShareAlreadySet.selector, stationA, slot));
        vm.prank(attestor);
        hours_.setGreenShare(stationA, slot, 8_000);
    }

    /// Finding 9: a slash of the whole stake leaves the bond behind a pending redemption in place, so the owner cannot
    /// withdraw it and the holder who was not served is paid in full.
    function test_exploit_slashDoesNotUnbackRedemptions() public {
        uint256 id = _mint(alice, stationA, slot, 8);
        vm.prank(alice);
        hours_.safeTransferFrom(alice, carol, id, 8, "");
        vm.prank(attestor);
        uint256 taken = registry.slash(stationA, 2_000e6, bob, "fraud");
        vm.assertEq(taken, 2_000e6 - 8 * DC_BOND_PER_HOUR, "free stake only");

        vm.warp(HourId.startOf(slot));
        vm.prank(carol);
        uint256 rid = hours_.redeem(id, stationA, 8); // the slash already put the node into exit
        vm.warp(HourId.startOf(slot) + 3600 + C.DELIVERY_CONFIRMATION_WINDOW_SECONDS);
        vm.expectRevert(abi.encodeWithSelector(INodeRegistry.StakeStillBonded.selector, stationA, 8 * DC_BOND_PER_HOUR));
        vm.warp(block.timestamp + C.UNBONDING_DELAY_SECONDS);
        vm.prank(alice);
        registry.withdrawStake(stationA);

        uint256 before = token.balanceOf(carol);
        vm.assertEq(hours_.settleUndelivered(rid), 8 * DC_BOND_PER_HOUR, "compensation");
        vm.assertEq(token.balanceOf(carol) - before, 8 * DC_BOND_PER_HOUR, "holder paid in full");
        vm.assertEq(registry.node(stationA).slashDebtUsdc6, 0, "the buyer came before the slash debt");
    }

    /// Finding 4: a redemption can only ask for what can still be delivered: not after the slot's first 360 s.
    function test_exploit_lastSecondRedemptionRejected() public {
        uint256 id = _mint(alice, stationA, slot, 3);
        uint256 closesAt = HourId.startOf(slot) + C.REDEMPTION_WINDOW_SECONDS;
        vm.assertEq(C.REDEMPTION_WINDOW_SECONDS, 360, "6 minutes: 90 % of the hour is left");
        vm.warp(closesAt - 1);
        vm.prank(alice);
        hours_.redeem(id, stationA, 1);
        vm.warp(closesAt);
        vm.expectRevert(abi.encodeWithSelector(IComputeHours.RedemptionClosed.selector, slot, closesAt));
        vm.prank(alice);
        hours_.redeem(id, stationA, 1);
        vm.warp(HourId.startOf(slot) + 3_599); // the exploit's second
        vm.expectRevert(abi.encodeWithSelector(IComputeHours.RedemptionClosed.selector, slot, closesAt));
        vm.prank(alice);
        hours_.redeem(id, stationA, 1);
        vm.assertEq(hours_.nodeSlot(stationA, slot).outstanding, 2, "only the timely redemption was taken");
    }

    /// forge-config: default.fuzz.runs = 10000
    /// A redemption succeeds exactly in the slot's first REDEMPTION_WINDOW_SECONDS.
    function testFuzz_redeem_onlyWhileDeliverable(uint256 offsetS) public {
        uint256 id = _mint(alice, stationA, slot, 1);
        offsetS = bound(offsetS, 0, 3_599);
        vm.warp(HourId.startOf(slot) + offsetS);
        if (offsetS >= C.REDEMPTION_WINDOW_SECONDS) {
            vm.expectRevert(
                abi.encodeWithSelector(
                    IComputeHours.RedemptionClosed.selector, slot, HourId.startOf(slot) + C.REDEMPTION_WINDOW_SECONDS
                )
            );
        }
        vm.prank(alice);
        hours_.redeem(id, stationA, 1);
    }

    /// Finding 8: the account that confirms deliveries cannot write green shares (only the oracle can), so it can
    /// neither forge a share nor block the oracle's claim of the proven record by writing first.
    function test_exploit_deliveryRoleCannotWriteGreenShares() public {
        address service = address(0x5E4);
        bytes32 deliveryRole = hours_.DELIVERY_ROLE();
        vm.prank(admin);
        hours_.grantRole(deliveryRole, service);
        vm.warp(HourId.startOf(slot) + 2 hours);
        vm.expectRevert(
            abi.encodeWithSelector(
                IAccessControl.AccessControlUnauthorizedAccount.selector, service, hours_.GREEN_SHARE_ROLE()
            )
        );
        vm.prank(service);
        hours_.setGreenShare(stationA, slot, 10_000);
        vm.assertFalse(hours_.nodeSlot(stationA, slot).greenShareSet, "nothing written");

        // Nor can the admin hand the green-share role out once the deployer renounced wiring.
        bytes32 wiring = hours_.WIRING_ROLE();
        vm.prank(admin);
        hours_.renounceRole(wiring, admin);
        bytes32 greenShareRole = hours_.GREEN_SHARE_ROLE();
        vm.expectRevert(abi.encodeWithSelector(IAccessControl.AccessControlUnauthorizedAccount.selector, admin, wiring));
        vm.prank(admin);
        hours_.grantRole(greenShareRole, service);
    }

    function testFuzz_hourId_roundTrips(uint16 classId, uint32 s) public pure {
        (uint16 c, uint32 t) = HourId.decode(HourId.encode(classId, s));
        vm.assertEq(c, classId, "class");
        vm.assertEq(t, s, "slot");
    }

    function testFuzz_mint_neverExceedsCapacity(uint8 a, uint8 b, uint8 offset) public {
        uint32 s = slotNow() + 1 + uint32(bound(offset, 0, 100));
        uint256 first = bound(a, 1, 8);
        _mint(alice, stationA, s, first);
        uint256 second = bound(b, 1, 20);
        if (first + second > 8) {
            vm.expectRevert(
                abi.encodeWithSelector(IComputeHours.ExceedsCapacity.selector, stationA, s, second, 8 - first)
            );
        }
        _mint(alice, stationA, s, second);
        vm.assertLe(hours_.nodeSlot(stationA, s).minted, 8, "capacity");
    }
}
