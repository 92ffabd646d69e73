// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {MarketFixture} from "./utils/MarketFixture.sol";
import {INodeRegistry} from "../src/interfaces/INodeRegistry.sol";
import {IHourMarket} from "../src/interfaces/IHourMarket.sol";
import {HourId} from "../src/libraries/HourId.sol";
import "../src/libraries/Constants.sol" as C;

/// @dev The exploits an independent review of the hardening found (R-1 to R-3), each asserting that it no longer pays.
/// On the code before their fixes each of these tests failed: the review's versions, which passed then, showed a
/// fraudster recovering all 1,944 USD of a 972 USD slash, a pinned id's market that could never open, and a device
/// unable to let an unused binding lapse.
contract HardeningReviewTest is MarketFixture {
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

    /// R-1: a node cannot escape a fraud slash by bonding all its stake and being its own buyer. Bonds keep half the
    /// stake free (the fraud reserve), so the slash is paid at once; her own defaults return her only her own bonds.
    function test_exploit_slashNotEvadedBySelfRedemption() public {
        uint256 stake = 27 * 8 * uint256(DC_BOND_PER_HOUR); // 1,944 USD
        uint256 m = registerAs(mallory, stationSpec(deviceAddr(0xE1)), stake);
        uint256 before = _wealth(mallory, m);
        uint32 first = slotNow() + 1;
        uint32 slots = uint32(registry.bondableUsdc6(m) / (8 * uint256(DC_BOND_PER_HOUR))); // 13 of the 27
        vm.startPrank(mallory);
        for (uint32 i; i < slots; ++i) {
            hours_.mint(m, first + i, 8);
        }
        vm.expectRevert(
            abi.encodeWithSelector(
                INodeRegistry.InsufficientFreeStake.selector, m, registry.bondableUsdc6(m), 8 * DC_BOND_PER_HOUR
            )
        );
        hours_.mint(m, first + slots, 8);
        vm.stopPrank();

        uint256 slashAmount = stake * C.DEVICE_FRAUD_SLASH_BPS / C.BPS; // 972 USD
        uint256 bobBefore = token.balanceOf(bob);
        vm.prank(attestor);
        vm.assertEq(registry.slash(m, slashAmount, bob, "IMPOSSIBLE_TELEMETRY"), slashAmount, "paid in full now");
        vm.assertEq(token.balanceOf(bob) - bobBefore, slashAmount, "the challenger got all 972 USD");

        uint256[] memory rids = new uint256[](slots);
        for (uint32 i; i < slots; ++i) {
            vm.warp(HourId.startOf(first + i) + 10);
            vm.prank(mallory);
            rids[i] = hours_.redeem(dcHour(first + i), m, 8);
        }
        vm.warp(HourId.startOf(first + slots - 1) + 3600 + C.DELIVERY_CONFIRMATION_WINDOW_SECONDS);
        for (uint256 i; i < slots; ++i) {
            hours_.settleUndelivered(rids[i]);
        }
        vm.warp(block.timestamp + C.UNBONDING_DELAY_SECONDS);
        vm.prank(mallory);
        registry.withdrawStake(m); // the slash put the node into exit
        vm.assertEq(token.balanceOf(mallory), before - slashAmount, "the fraud cost her the whole slash");
    }

    /// R-1b: a node slashed for fraud is put into exit: it mints and tops up nothing more, so no fresh stake can sit
    /// beside an open debt, and the first fraud slash never leaves one.
    function test_exploit_slashedNodeSellsNothingMore() public {
        uint256 m = registerAs(mallory, stationSpec(deviceAddr(0xE2)), 2_000e6);
        vm.prank(mallory);
        hours_.mint(m, slotNow() + 1, 8);
        vm.prank(attestor);
        vm.assertEq(registry.slash(m, 1_000e6, bob, "IMPOSSIBLE_TELEMETRY"), 1_000e6, "paid in full");
        vm.assertEq(registry.node(m).slashDebtUsdc6, 0, "no debt");
        vm.expectRevert(
            abi.encodeWithSelector(INodeRegistry.NodeNotOnline.selector, m, INodeRegistry.NodeStatus.Exiting)
        );
        vm.prank(mallory);
        hours_.mint(m, slotNow() + 2, 8);
        vm.expectRevert(
            abi.encodeWithSelector(INodeRegistry.NodeNotOnline.selector, m, INodeRegistry.NodeStatus.Exiting)
        );
        vm.prank(mallory);
        registry.addStake(m, 5_000e6);
    }

    /// R-1c: a second fraud while a debt is open adds to the debt instead of being dropped.
    function test_exploit_secondFraudAddsToTheDebt() public {
        uint256 m = registerAs(mallory, stationSpec(deviceAddr(0xE3)), 2_016e6);
        uint32 first = slotNow() + 1;
        vm.startPrank(mallory);
        for (uint32 i; i < 14; ++i) {
            hours_.mint(m, first + i, 8); // 1,008 USD bonded: all that may be
        }
        vm.stopPrank();
        vm.startPrank(attestor);
        vm.assertEq(registry.slash(m, 1_008e6, bob, "fraud 1"), 1_008e6, "first: paid from the reserve");
        vm.assertEq(registry.slash(m, 504e6, carol, "fraud 2"), 0, "second: nothing free");
        vm.assertEq(registry.slash(m, 300e6, carol, "fraud 3"), 0, "third: nothing free");
        vm.stopPrank();
        vm.assertEq(registry.node(m).slashDebtUsdc6, 804e6, "both later frauds are owed");
        vm.assertEq(registry.slashDebtRecipient(m), carol, "owed to the first challenger left unpaid");
        // Honest releases (hours nobody redeemed) pay it.
        vm.warp(HourId.startOf(first + 13) + 3600);
        uint256 carolBefore = token.balanceOf(carol);
        for (uint32 i; i < 14; ++i) {
            hours_.releaseUnredeemed(m, first + i);
        }
        vm.assertEq(token.balanceOf(carol) - carolBefore, 804e6, "debt paid from the released bonds");
    }

    /// R-2: an id whose bond was fixed before the class was repriced upward still trades, on its curve scaled under
    /// the bond; no buyer pays more per hour than that bond.
    function test_exploit_pinnedBondDoesNotBlockRepricedMarkets() public {
        uint256 m = registerAs(mallory, stationSpec(deviceAddr(0xE4)), 1_000e6);
        uint32 slot = slotNow() + 7;
        vm.prank(mallory);
        hours_.mint(m, slot, 1); // pins the 9 USD bond on the id
        vm.startPrank(admin);
        INodeRegistry.CapacityClass memory c = registry.capacityClass(DC_CLASS);
        c.bondPerHourUsdc6 = 20_000_000;
        registry.setCapacityClass(DC_CLASS, c);
        market.listClass(DC_CLASS, IHourMarket.ClassConfig(8_500_000, 18_000_000, DC_FLOOR, HORIZON, 1, MIN_DEPTH));
        market.setFee(DC_CLASS, C.MAX_FEE_BPS);
        vm.stopPrank();

        uint256 id = dcHour(slot);
        vm.startPrank(alice);
        hours_.mint(nodeId, slot, 8);
        market.addLiquidity(0, id, 8, 0, 0, alice, block.timestamp); // opens: before the fix, BondBelowAsk
        vm.stopPrank();
        vm.prank(bob);
        uint256 cost = market.buy(id, 8, type(uint256).max, bob, block.timestamp);
        vm.assertLe(cost, 8 * uint256(DC_BOND_PER_HOUR), "every hour under the pinned bond");
        vm.assertGe(cost, 8 * uint256(DC_ASK), "priced by the repriced curve, scaled");
    }

    /// R-3: a binding the device signed but nobody used lapses at its deadline, so the device can bind anew.
    function test_exploit_unusedBindingLapses() public {
        address device = deviceAddr(0xE5);
        bytes memory toMallory = deviceBinding(mallory, device);
        uint256 malloryDeadline = bindingDeadline();
        vm.warp(malloryDeadline + 1);
        vm.expectRevert(
            abi.encodeWithSelector(INodeRegistry.BindingExpired.selector, malloryDeadline, malloryDeadline + 1)
        );
        vm.prank(mallory);
        registry.register(stationSpec(device), 1_000e6, malloryDeadline, toMallory);
        uint256 b = registerAs(bob, stationSpec(device), 1_000e6);
        vm.assertEq(registry.nodeOfDevice(device), b, "bound to the device's later choice");
    }
}
