// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {MarketFixture} from "../utils/MarketFixture.sol";
import {MarketHandler} from "./MarketHandler.sol";
import {INodeRegistry} from "../../src/interfaces/INodeRegistry.sol";
import {IHourMarket} from "../../src/interfaces/IHourMarket.sol";
import {HourMarket} from "../../src/HourMarket.sol";
import {HourId} from "../../src/libraries/HourId.sol";
import {HourCurve} from "../../src/libraries/HourCurve.sol";

/// @dev Invariants of the hour market under random call sequences through {MarketHandler}: three markets (dc slots 2 h
/// and 30 h ahead, a consumer slot 10 h ahead), each seeded with liquidity by alice. foundry.toml sets runs × depth =
/// 32 × 400 = 12,800 calls per invariant.
contract HourMarketInvariantTest is MarketFixture {
    MarketHandler internal handler;
    address internal dave = address(0xDA7E);
    address internal constant TREASURY = address(0x7EA5);

    function setUp() public override {
        super.setUp();
        INodeRegistry.NodeSpec memory spec = homeSpec(deviceAddr(0xD2));
        spec.gpuCount = 16;
        uint256 consumerNode = registerAs(alice, spec, 1_000e6);

        vm.prank(admin);
        token.mint(dave, 1_000_000e6);
        vm.startPrank(dave);
        token.approve(address(market), type(uint256).max);
        hours_.setApprovalForAll(address(market), true);
        vm.stopPrank();

        uint32 s = slotNow();
        uint256[3] memory ids = [dcHour(s + 2), dcHour(s + 30), HourId.encode(CONSUMER_CLASS, s + 10)];
        uint256[3] memory nodes = [nodeId, nodeId, consumerNode];
        handler = new MarketHandler(token, hours_, market, admin, ids, nodes); // seeds 8 hours in each
        targetContract(address(handler));
    }

    /// (1) Ledger: the token held equals Σ over markets of cash + protocol fees + uncollected earnings, exactly; the
    /// earnings owed to a market's positions never exceed what its book holds; and while a market is Upcoming its cash
    /// covers every unit at the current unit value, rounded up (what sellers and withdrawers can claim).
    function invariant_ledger() public view {
        uint256 sum;
        for (uint256 m; m < 3; ++m) {
            uint256 id = handler.ids(m);
            (HourMarket.MarketParams memory p, IHourMarket.MarketState memory s,, HourMarket.Book memory b) =
                market.market(id);
            sum += uint256(s.cashUsdc6) + s.protocolFeesUsdc6 + b.earnedUsdc6;

            uint256 owed;
            for (uint256 i; i < handler.positionCount(); ++i) {
                uint256 pid = handler.positionIds(i);
                if (handler.marketOf(pid) == m) owed += market.position(pid).owedUsdc6;
            }
            vm.assertLe(owed, b.earnedUsdc6, "sum owed <= earned");

            if (market.status(id) == IHourMarket.Status.Upcoming) {
                (, uint32 slot) = HourId.decode(id);
                uint256 v = HourCurve.unitValueWad(
                    p.askUsdc6, p.floorUsdc6, p.decayHorizonS, HourId.startOf(slot), block.timestamp
                );
                vm.assertGe(s.cashUsdc6, HourCurve.toCashUp(s.unitsReserve, v), "cash >= ceil(v * units)");
            }
        }
        vm.assertEq(token.balanceOf(address(market)), sum, "balance == sum of cash + protocol fees + earned");
    }

    /// (2) No buy or sell ever succeeded outside Upcoming; neither did a deposit, nor a withdrawal during the slot.
    function invariant_noTradeOutsideUpcoming() public view {
        vm.assertEq(handler.tradesOutsideUpcoming(), 0, "trade outside Upcoming");
        vm.assertEq(handler.depositsOutsideUpcoming(), 0, "deposit outside Upcoming");
        vm.assertEq(handler.withdrawalsDuringSlot(), 0, "withdrawal during the slot");
    }

    /// (3) Providers take out no more than came in. Per position the rule cannot hold as hours or cash alone: a cash
    /// provider's share includes hours sellers brought, a node's includes buyers' cash (see
    /// HourMarketTest.test_liquidity_cashProviderReceivesHours). Over all providers, exactly:
    ///   Σ (cash withdrawn + collected) + protocol fees collected + balance(market)
    ///     = Σ cash deposited + (Σ paid by buyers − Σ received by sellers),
    /// so Σ (cash withdrawn + collected) ≤ Σ cash deposited + traders' net payments − protocol fees collected; and per
    /// market, hours withdrawn ≤ hours deposited + hours sold in − hours bought out (the rest is what the market holds).
    function invariant_providersTakeNoMoreThanCameIn() public view {
        uint256 inflow = handler.lpCashIn() + handler.tradersPaid();
        uint256 outflow = handler.lpCashOut() + handler.tradersReceived() + handler.protocolCollected();
        vm.assertEq(inflow - outflow, token.balanceOf(address(market)), "cash flows add up to the balance");
        vm.assertLe(
            handler.lpCashOut(),
            handler.lpCashIn() + handler.tradersPaid() - handler.tradersReceived() - handler.protocolCollected(),
            "providers' cash out <= cash in + traders' net payments - protocol fees"
        );
        vm.assertEq(token.balanceOf(TREASURY), handler.protocolCollected(), "treasury");
        uint256 lpHoursIn;
        uint256 lpHoursOut;
        for (uint256 i; i < handler.positionCount(); ++i) {
            uint256 pid = handler.positionIds(i);
            lpHoursIn += handler.hoursDeposited(pid);
            lpHoursOut += handler.hoursWithdrawn(pid);
        }
        vm.assertLe(
            lpHoursOut,
            lpHoursIn + handler.hoursSoldIn() - handler.hoursBoughtOut(),
            "providers' hours out <= hours deposited + traders' net hours sold in"
        );
    }

    /// (4) Hours ledger: the market holds at least its reserve of each id, and exactly what came in minus what went out.
    function invariant_hoursLedger() public view {
        for (uint256 m; m < 3; ++m) {
            uint256 id = handler.ids(m);
            (, IHourMarket.MarketState memory s,,) = market.market(id);
            uint256 held = hours_.balanceOf(address(market), id);
            vm.assertGe(held, s.hoursReserve, "held >= hours reserve");
            vm.assertEq(held, handler.hoursIn(m) - handler.hoursOut(m), "held == in - out");
        }
    }
}
