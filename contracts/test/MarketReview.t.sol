// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {MarketFixture} from "./utils/MarketFixture.sol";
import {IHourMarket} from "../src/interfaces/IHourMarket.sol";
import {IGreenComputeIndex} from "../src/interfaces/IGreenComputeIndex.sol";
import {INodeRegistry} from "../src/interfaces/INodeRegistry.sol";
import {PriceOracle} from "../src/libraries/PriceOracle.sol";

/// @dev An independent attacker review of the hour market after issue 11's fixes. R1/R1b are its exploits of the index
/// depth rule, each asserting that it no longer pays; on the code before the fix both passed as demonstrations (the
/// class price set to the cap, +290 %, for 0.0047 USD; a 2-hour market setting the class price). R3 (the fee on a
/// one-sided deposit's whole excess) and R4 (fractional hours lost on withdrawal) are fixed: their demonstrations are
/// now tests of the fair fee and of a withdrawal that loses nothing. The review's other findings (R2 ring eviction,
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

    // ======================================================================== R3
    /// @dev Sets up (alice 30 hours, bob buys 1) in `slot` at class fee `fee`, then carol deposits 30 hours single-sided.
    /// Returns carol's claim on the reserves right after her deposit, valued at the spot after it (no withdrawal
    /// rounding), and the units part of that claim: what the deposit's net trade takes out, the proceeds of the sale a
    /// swap-then-deposit would make.
    function _r3(uint32 slot, uint16 fee) internal returns (uint256 claim, uint256 unitsPart, uint256 id) {
        vm.prank(admin);
        market.setFee(DC_CLASS, fee);
        (id,) = provide(slot, 30);
        vm.prank(bob);
        market.buy(id, 1, type(uint256).max, bob, block.timestamp);
        _mintTo(carol, slot, 30);
        vm.prank(carol);
        (uint256 pos,) = market.addLiquidity(0, id, 30, 0, 0, carol, block.timestamp);
        (, IHourMarket.MarketState memory s,, IHourMarket.Book memory b) = market.market(id);
        uint256 spot = market.priceAt(id, block.timestamp);
        uint256 shares = market.position(pos).shares;
        unitsPart = uint256(s.unitsReserve) * shares / b.totalShares;
        claim = (uint256(s.hoursReserve) * spot + s.unitsReserve) * shares / b.totalShares;
    }

    /// @dev The R3 deposit at `fee`, withdrawn at once (what R4 leaves of it counted at its claim), against the direct
    /// sale of the same net hours (fractions included) quoted before it: returns the fee the deposit paid (cash to the
    /// providers and the protocol), the direct sale's fee, and how much less than that sale the deposit brought back.
    function _r3RoundTrip(uint16 fee) internal returns (uint256 feePaid, uint256 saleFee, uint256 overcharge) {
        vm.prank(admin);
        market.setFee(DC_CLASS, fee);
        uint32 slot = slotNow() + 30;
        (uint256 id,) = provide(slot, 30);
        vm.prank(bob);
        market.buy(id, 1, type(uint256).max, bob, block.timestamp);
        _mintTo(carol, slot, 30);
        Snapshot memory q = snapshot(id);
        (, IHourMarket.MarketState memory s0,,) = market.market(id);
        uint256 before = token.balanceOf(carol);
        vm.prank(carol);
        (uint256 pos, uint256 shares) = market.addLiquidity(0, id, 30, 0, 0, carol, block.timestamp);
        // an hours-only deposit: its fee's units are what left the units reserve (worth as many usdc6 at full value)
        {
            (, IHourMarket.MarketState memory s1,,) = market.market(id);
            feePaid = s0.unitsReserve - s1.unitsReserve;
        }
        (, uint256 hoursOut,) = removeWhole(carol, pos, shares);
        (uint256 keptWad, uint256 keptUnits) = claimOf(pos);
        uint256 realized = token.balanceOf(carol) + keptUnits * q.valueWad / 1e18 - before;
        uint256 givenUpWad = 30e18 - hoursOut * 1e18 - keptWad;
        uint256 direct = quoteSellWad(q, givenUpWad);
        q.feeBps = 0;
        saleFee = quoteSellWad(q, givenUpWad) - direct;
        overcharge = direct - realized; // reverts if the deposit beat the sale
    }

    /// R3 (fixed): a node's 30 hours single-sided after a 1-hour buy pay the swap fee on the net trade the deposit
    /// makes (the 1.02 USD of units a swap-then-deposit would sell for), not on the whole deposit. Withdrawn at once the
    /// deposit brings back at most what the direct sale of the same hours pays, and at most f/(1 − f) of that sale's
    /// fee + 4 usdc6 less (the bound of HourCurve.imbalanceFeeUnits: the (1 − f) of a sale, the 2-usdc6 margin and
    /// the roundings). Measured: fee 3,063 usdc6 against the sale's 3,056; before the fix the deposit's claim was cut
    /// by 183,089 usdc6 (0.30 % of the 61 USD claim, 60 × the fair fee).
    function test_R3_singleSidedDepositPaysTheFeeOfItsSwapOnly() public {
        (uint256 feePaid, uint256 saleFee, uint256 overcharge) = _r3RoundTrip(30);
        emit log_named_uint("R3 fee paid by the deposit usdc6", feePaid);
        emit log_named_uint("R3 fee of the direct sale usdc6", saleFee);
        emit log_named_uint("R3 overcharge against the sale usdc6", overcharge);
        vm.assertLe(overcharge, saleFee * 30 / 9_970 + 4, "at most f/(1 - f) of the fee + 4 usdc6 more than a swap");
        vm.assertGe(feePaid + 1, saleFee, "the fee of the swap");
        vm.assertLe(feePaid * 10_000, 61e6, "under 0.01 % of the deposit (0.30 % before)");
    }

    /// R3b (fixed): at the largest fee (10 %) the same deposit pays the 10 % fee on its net trade, at most 11 % of it
    /// + 4 usdc6 more than the direct sale, not 10 % of the whole 61 USD deposit (6,102,959 usdc6 before).
    function test_R3b_singleSidedDepositAtMaxFeePaysTheFeeOfItsSwapOnly() public {
        (uint256 feePaid, uint256 saleFee, uint256 overcharge) = _r3RoundTrip(1_000);
        emit log_named_uint("R3b fee paid by the deposit usdc6", feePaid);
        emit log_named_uint("R3b fee of the direct sale usdc6", saleFee);
        emit log_named_uint("R3b overcharge against the sale usdc6", overcharge);
        vm.assertLe(overcharge, saleFee * 1_000 / 9_000 + 4, "at most f/(1 - f) of the fee + 4 usdc6 more");
        vm.assertGe(feePaid + 1, saleFee, "the fee of the swap");
    }

    /// R3 exploit: with the fee charged only on the part of a deposit that trades, selling hours through imbalanced
    /// deposits withdrawn at once must still cost at least the direct sale. At the largest fee, carol sells 12 hours
    /// through three 4-hour deposits, each withdrawn at once (the fee on each is small, the slippage of a small trade
    /// too); a twin market in the same state quotes the direct sale of what she gave up, fractions included. What she
    /// ends with (cash, hours, and the rests of her positions at their claim) is worth no more than that sale.
    function test_R3_exploit_imbalancedAddRemoveIsNoCheaperThanASale() public {
        vm.prank(admin);
        market.setFee(DC_CLASS, 1_000);
        uint32 slot = slotNow() + 30;
        (uint256 id,) = provide(slot, 40);
        (uint256 twin,) = provide(slot + 1, 40);
        vm.startPrank(bob);
        market.buy(id, 15, type(uint256).max, bob, block.timestamp);
        market.buy(twin, 15, type(uint256).max, bob, block.timestamp);
        vm.stopPrank();
        Snapshot memory q = snapshot(twin);
        _mintTo(carol, slot, 12);
        uint256 cashBefore = token.balanceOf(carol);
        (uint256 keptWad, uint256 keptCash) = _threeImbalancedRoundTrips(id, q.valueWad);
        uint256 givenUpWad = 12e18 - (hours_.balanceOf(carol, id) * 1e18 + keptWad);
        uint256 gained = token.balanceOf(carol) + keptCash - cashBefore;
        uint256 direct = quoteSellWad(q, givenUpWad);
        emit log_named_uint("R3 exploit hours given up (WAD)", givenUpWad);
        emit log_named_uint("R3 exploit cash via add + remove usdc6", gained);
        emit log_named_uint("R3 exploit direct sale of as many usdc6", direct);
        vm.assertLe(gained, direct, "add + remove is no cheaper than selling");
        // the fractional quote continues the whole-hour one the twin gives
        vm.assertGe(direct, market.quoteSell(twin, givenUpWad / 1e18), "above the sale of the whole hours of it");
    }

    /// @dev carol deposits 4 hours single-sided three times, each withdrawn at once; returns what her positions keep
    /// (hours in WAD, units as the cash a withdrawal pays at `valueWad`).
    function _threeImbalancedRoundTrips(uint256 id, uint256 valueWad)
        internal
        returns (uint256 keptWad, uint256 keptCash)
    {
        for (uint256 i; i < 3; ++i) {
            vm.prank(carol);
            (uint256 pos, uint256 shares) = market.addLiquidity(0, id, 4, 0, 0, carol, block.timestamp);
            removeWhole(carol, pos, shares);
            vm.prank(carol);
            market.collect(pos, carol);
            (uint256 h, uint256 u) = claimOf(pos);
            keptWad += h;
            keptCash += u * valueWad / 1e18;
        }
    }

    // ======================================================================== R4
    /// R4 (fixed): after the R3 deposit (fee 0) carol's claim is 29.5 hours and units; she withdraws all her shares:
    /// 29 whole hours leave with the units of the shares they take (those shares rounded up, against her), and the
    /// half hour stays her position's claim, with its units. Nothing is lost: hours, cash and the claim left are worth
    /// her claim at the spot, less at most 2 usdc6 of rounding (1,025,423 usdc6, 1.7 %, went to alice before). After
    /// the slot the rest withdraws as cash.
    function test_R4_smallProviderFullWithdrawalLosesNothing() public {
        (uint256 claim,, uint256 id) = _r3(slotNow() + 30, 0);
        uint256 pos = positions.count();
        uint256 shares = market.position(pos).shares;
        (, IHourMarket.MarketState memory s,, IHourMarket.Book memory b) = market.market(id);
        // alice, who stays: her part of the reserves (hours in WAD, units)
        uint256[2] memory alice0 = [
            uint256(s.hoursReserve) * 1e18 * (b.totalShares - shares) / b.totalShares,
            uint256(s.unitsReserve) * (b.totalShares - shares) / b.totalShares
        ];

        vm.prank(carol);
        (uint256 hOut, uint256 cOut) = market.removeLiquidity(pos, shares, 0, 0, carol, block.timestamp);
        {
            // exact amounts: the whole hours of her part, the shares that take them rounded up, their units at value 1
            uint256 burned = (hOut * b.totalShares + s.hoursReserve - 1) / s.hoursReserve;
            vm.assertEq(hOut, uint256(s.hoursReserve) * shares / b.totalShares, "the whole hours");
            vm.assertEq(hOut, 29, "29 of 29.5");
            vm.assertEq(market.position(pos).shares, shares - burned, "the shares of the half hour stay");
            vm.assertEq(cOut, uint256(s.unitsReserve) * burned / b.totalShares, "units of the burned shares");
        }
        {
            uint256 spot = market.priceAt(id, block.timestamp);
            (uint256 keptWad, uint256 keptUnits) = claimOf(pos);
            uint256 total = hOut * spot + cOut + keptWad * spot / 1e18 + keptUnits;
            emit log_named_uint("R4 claim usdc6", claim);
            emit log_named_uint("R4 hours out", hOut);
            emit log_named_uint("R4 claim left (hours WAD)", keptWad);
            emit log_named_uint("R4 lost usdc6", claim - total);
            vm.assertLe(claim - total, 2, "nothing lost beyond 2 usdc6 of rounding");
            vm.assertGe(keptWad, 0.49e18, "the half hour is still hers");
        }
        // alice is not diluted: her part of the reserves holds at least what it did
        (, s,, b) = market.market(id);
        uint256 aliceShares = b.totalShares - market.position(pos).shares;
        vm.assertGe(uint256(s.hoursReserve) * 1e18 * aliceShares / b.totalShares, alice0[0], "alice's hours");
        vm.assertGe(uint256(s.unitsReserve) * aliceShares / b.totalShares, alice0[1], "alice's units");
        _restAfterTheSlot(pos);
    }

    /// @dev A part below one hour does not leave before the slot; after it, the rest is paid as the units' cash.
    function _restAfterTheSlot(uint256 pos) internal {
        uint256 rest = market.position(pos).shares;
        vm.prank(carol);
        vm.expectRevert(abi.encodeWithSelector(IHourMarket.LessThanOneHour.selector, pos, rest));
        market.removeLiquidity(pos, rest, 0, 0, carol, block.timestamp);
        vm.warp(uint256(slotNow() + 31) * 3600);
        vm.prank(carol);
        (uint256 hLate, uint256 cLate) = market.removeLiquidity(pos, rest, 0, 0, carol, block.timestamp);
        vm.assertEq(hLate, 0, "no hours after the slot");
        vm.assertGt(cLate, 0, "the rest's units, as cash");
        vm.assertEq(market.position(pos).shares, 0, "position empty");
    }

    /// forge-config: default.fuzz.runs = 10000
    /// R4 property: any provider (the node, a cash provider, a mixed one) withdrawing any part of its position at any
    /// time before or after the slot, after any trades, dilutes no one and loses nothing: the shares left hold at least
    /// as many hours and units each as before, and the withdrawer's hours and units out plus its claim left are its
    /// claim before, less at most one unit of units (and 10⁻¹⁸ hour) of rounding.
    function testFuzz_R4_withdrawalDilutesNoOneAndLosesNothing(
        uint256 bought,
        uint256 cash,
        uint256 h,
        uint256 fraction,
        uint256 wait,
        uint256 who
    ) public {
        (uint256 id, uint256 alicePos, uint256 carolPos) = _r4Market(bought, h, cash);
        vm.warp(block.timestamp + bound(wait, 0, 33 hours));
        if (market.status(id) == IHourMarket.Status.InProgress) vm.warp(uint256(uint32(id) + 1) * 3600);
        (uint256 pos, address owner) = who % 2 == 0 ? (carolPos, carol) : (alicePos, alice);
        _withdrawDilutesNoOne(id, pos, owner, bound(fraction, 1, market.position(pos).shares));
    }

    /// @dev alice provides 40 hours 30 slots ahead, bob buys `bought` of them, carol adds `h` hours and `cash`.
    function _r4Market(uint256 bought, uint256 h, uint256 cash)
        internal
        returns (uint256 id, uint256 alicePos, uint256 carolPos)
    {
        uint32 slot = slotNow() + 30;
        (id, alicePos) = provide(slot, 40);
        bought = bound(bought, 0, 39);
        if (bought != 0) {
            vm.prank(bob);
            market.buy(id, bought, type(uint256).max, bob, block.timestamp);
        }
        h = bound(h, 0, 10);
        cash = bound(cash, h == 0 ? 1e6 : 0, 100e6);
        if (h != 0) _mintTo(carol, slot, h);
        vm.prank(carol);
        (carolPos,) = market.addLiquidity(0, id, h, cash, 0, carol, block.timestamp);
    }

    function _withdrawDilutesNoOne(uint256 id, uint256 pos, address owner, uint256 shares) internal {
        (, IHourMarket.MarketState memory s0,, IHourMarket.Book memory b0) = market.market(id);
        (uint256 claimWad, uint256 claimUnits) = claimOf(pos);
        (bool removed, uint256 hOut,) = removeWhole(owner, pos, shares);
        (, IHourMarket.MarketState memory s1,, IHourMarket.Book memory b1) = market.market(id);
        vm.assertGe(uint256(s1.hoursReserve) * b0.totalShares, uint256(s0.hoursReserve) * b1.totalShares, "hours/share");
        vm.assertGe(uint256(s1.unitsReserve) * b0.totalShares, uint256(s0.unitsReserve) * b1.totalShares, "units/share");
        if (!removed) {
            vm.assertEq(uint256(s0.hoursReserve) * shares / b0.totalShares, 0, "only below one hour stays");
            return;
        }
        _nothingLost(pos, uint256(s0.unitsReserve) - s1.unitsReserve, hOut, claimWad, claimUnits);
    }

    /// @dev The withdrawer's units and hours out plus its claim left are its claim before, less rounding.
    function _nothingLost(uint256 pos, uint256 unitsOut, uint256 hOut, uint256 claimWad, uint256 claimUnits)
        internal
        view
    {
        (uint256 leftWad, uint256 leftUnits) = claimOf(pos);
        vm.assertGe(unitsOut + leftUnits + 1, claimUnits, "units: nothing lost but one unit of rounding");
        if (market.status(market.position(pos).hourId) == IHourMarket.Status.Upcoming) {
            vm.assertGe(hOut * 1e18 + leftWad + 1, claimWad, "hours: nothing lost but 1e-18 hour");
        }
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
