// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {MarketFixture} from "./utils/MarketFixture.sol";
import {IHourMarket} from "../src/interfaces/IHourMarket.sol";
import {IGreenComputeIndex} from "../src/interfaces/IGreenComputeIndex.sol";
import {INodeRegistry} from "../src/interfaces/INodeRegistry.sol";
import {PriceOracle} from "../src/libraries/PriceOracle.sol";

/// @dev An independent attacker review of the hour market after issue 11's fixes. R1/R1b are its exploits of the index
/// depth rule, each asserting that it no longer pays; on the code before the fix both passed as demonstrations (the
/// class price set to the cap, +290 %, for 0.0047 USD; a 2-hour market setting the class price). The review's other
/// findings (R2 ring eviction, R3 the fee on a one-sided deposit's whole excess, R4 fractional hours on withdrawal,
/// R5 two index slots after a horizon relisting, R6 scaled markets against the class ask) are open: see issue 11's
/// note and commit 63642f2 for their demonstrations.
/// forge-config: default.fuzz.runs = 2000
contract MarketReviewTest is MarketFixture {
    event log_named_uint(string key, uint256 val);

    uint256 internal consumerNode;

    function setUp() public override {
        super.setUp();
        INodeRegistry.NodeSpec memory spec = homeSpec(deviceAddr(0xD2));
        spec.gpuCount = 16;
        consumerNode = registerAs(alice, spec, 1_000e6);
    }

    function _indexSlot() internal view returns (uint32) {
        return uint32((block.timestamp + HORIZON) / 3600 + 1);
    }

    function _provideConsumer(uint32 slot, uint256 amount) internal returns (uint256 hourId) {
        vm.startPrank(alice);
        hourId = hours_.mint(consumerNode, slot, amount);
        market.addLiquidity(0, hourId, amount, 0, 0, alice, block.timestamp);
        vm.stopPrank();
    }

    /// @dev alice mints `amount` hours of `slot` and hands them to `to` (an off-market sale).
    function _mintTo(address to, uint32 slot, uint256 amount) internal returns (uint256 id) {
        vm.startPrank(alice);
        id = hours_.mint(nodeId, slot, amount);
        hours_.safeTransferFrom(alice, to, id, amount, "");
        vm.stopPrank();
    }

    /// R1: liquidity added and removed around a trade in one block cannot lend an empty index slot the depth it lacks:
    /// trades in the block of a liquidity change do not set the class price.
    function test_exploit_flashLiquidityDoesNotSetTheIndex() public {
        (uint256 ref,) = provide(_indexSlot(), 40);
        vm.prank(bob);
        market.buy(ref, 1, type(uint256).max, bob, block.timestamp);
        vm.warp(block.timestamp + 3600);
        uint256 indexBefore = index.indexBps(3600);
        PriceOracle.Head memory before = market.oracleHead(DC_CLASS);

        uint32 slot = _indexSlot();
        uint256 id = _mintTo(carol, slot, 1);
        vm.startPrank(carol);
        (uint256 pos,) = market.addLiquidity(0, id, 1, 200e6, 0, carol, block.timestamp);
        market.buy(id, 1, type(uint256).max, carol, block.timestamp);
        market.removeLiquidity(pos, market.position(pos).shares, 0, 0, carol, block.timestamp);
        market.collect(pos, carol);
        vm.stopPrank();

        PriceOracle.Head memory h = market.oracleHead(DC_CLASS);
        vm.assertEq(h.lastRelativePpm, before.lastRelativePpm, "the class price is not the attacker's");
        vm.assertEq(h.lastTime, before.lastTime, "nothing observed");
        vm.warp(block.timestamp + 3600);
        vm.assertEq(index.indexBps(3600), indexBefore, "the index did not move");
    }

    /// R1b: a thin index slot does not set the class price through a proportional deposit made in the trade's block.
    function test_exploit_thinIndexSlotNotObservedThroughAFlashDeposit() public {
        (uint256 ref,) = provide(_indexSlot(), 40);
        vm.prank(bob);
        market.buy(ref, 1, type(uint256).max, bob, block.timestamp);
        vm.warp(block.timestamp + 3600);
        PriceOracle.Head memory before = market.oracleHead(DC_CLASS);

        (uint256 thin,) = provide(_indexSlot(), 2);
        _mintTo(carol, _indexSlot(), 40);
        vm.startPrank(carol);
        market.buy(thin, 1, type(uint256).max, carol, block.timestamp); // thin: not observed
        (, IHourMarket.MarketState memory s,,) = market.market(thin);
        (uint256 pos,) =
            market.addLiquidity(0, thin, 20 * s.hoursReserve, 20 * s.unitsReserve, 0, carol, block.timestamp);
        market.buy(thin, 1, type(uint256).max, carol, block.timestamp); // deep only with carol's deposit of this block
        market.removeLiquidity(pos, market.position(pos).shares, 0, 0, carol, block.timestamp);
        vm.stopPrank();
        vm.assertEq(market.oracleHead(DC_CLASS).lastTime, before.lastTime, "the thin market's trades were not observed");
        vm.assertEq(market.oracleHead(DC_CLASS).lastRelativePpm, before.lastRelativePpm, "class price unchanged");
    }

    // ======================================================================== safe checks
    /// forge-config: default.fuzz.runs = 2000
    /// SAFE (passes = no issue): at the largest fee, a buyer of every hour of a tiny or lopsided market, including a
    /// bond-scaled one, never pays more per hour than the bond (cap × 1.1 + 3 ≤ bond, rounding included).
    function testFuzz_SAFE_buyNeverAboveBond(uint256 hoursIn, uint256 cashIn, uint256 k, bool scaled) public {
        if (scaled) {
            vm.prank(admin);
            market.listClass(DC_CLASS, IHourMarket.ClassConfig(4_000_000, 16_000_000, 800_000, HORIZON, 1, MIN_DEPTH));
        }
        vm.prank(admin);
        market.setFee(DC_CLASS, 1_000);
        hoursIn = bound(hoursIn, 1, 64);
        cashIn = bound(cashIn, 0, 5_000e6);
        uint256 id = _mintTo(carol, slotNow() + 5, hoursIn);
        vm.prank(carol);
        market.addLiquidity(0, id, hoursIn, cashIn, 0, carol, block.timestamp);
        k = bound(k, 1, hoursIn);
        uint256 bond = hours_.bondPerHourOf(id);
        if (hoursIn > k) {
            vm.prank(bob);
            uint256 c0 = market.buy(id, hoursIn - k, type(uint256).max, bob, block.timestamp);
            vm.assertLe(c0, bond * (hoursIn - k), "a multi-hour buy above the bond");
        }
        // the rest, one at a time: the dearest hours
        (, IHourMarket.MarketState memory s,,) = market.market(id);
        for (uint256 i; i < s.hoursReserve; ++i) {
            vm.prank(bob);
            uint256 c = market.buy(id, 1, type(uint256).max, bob, block.timestamp);
            vm.assertLe(c, bond, "one hour above the bond");
        }
    }
}
