// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {MarketFixture} from "../utils/MarketFixture.sol";
import {MarketHandler} from "./MarketHandler.sol";
import {INodeRegistry} from "../../src/interfaces/INodeRegistry.sol";
import {IHourMarket} from "../../src/interfaces/IHourMarket.sol";
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
            (IHourMarket.MarketParams memory p, IHourMarket.MarketState memory s,, IHourMarket.Book memory b) =
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

    /// (2) Per market, cash conserves: what came into the market contract for it (deposits, buyers' payments) minus
    /// what went out (withdrawals, collections, sellers' proceeds, protocol fees collected) is exactly its cash +
    /// protocol fees + uncollected earnings. The total (invariant_ledger) cannot see one market paying out of
    /// another's money; this can. (Trades, deposits outside Upcoming and withdrawals during the slot are called by the
    /// handler under vm.expectRevert with their exact errors, so a success fails the run at once.)
    function invariant_cashConservesPerMarket() public view {
        for (uint256 m; m < 3; ++m) {
            (, IHourMarket.MarketState memory s,, IHourMarket.Book memory b) = market.market(handler.ids(m));
            vm.assertEq(
                handler.cashIn(m) - handler.cashOut(m),
                uint256(s.cashUsdc6) + s.protocolFeesUsdc6 + b.earnedUsdc6,
                "market's cash in - out == its cash + protocol fees + earned"
            );
        }
    }

    /// (3) Cash flows add up over all markets and the treasury holds exactly what was collected for it; and the market
    /// never holds hours beyond its reserve before the slot (a withdrawal or a buy that took reserve without sending
    /// the hours, or sent hours not taken from the reserve, would break it; after the slot starts, unsold hours stay
    /// in the contract while withdrawals take them out of the reserve, so only ≥ holds there, in (4)).
    function invariant_providersTakeNoMoreThanCameIn() public view {
        uint256 inflow = handler.lpCashIn() + handler.tradersPaid();
        uint256 outflow = handler.lpCashOut() + handler.tradersReceived() + handler.protocolCollected();
        vm.assertEq(inflow - outflow, token.balanceOf(address(market)), "cash flows add up to the balance");
        vm.assertEq(token.balanceOf(TREASURY), handler.protocolCollected(), "treasury");
        for (uint256 m; m < 3; ++m) {
            uint256 id = handler.ids(m);
            if (market.status(id) != IHourMarket.Status.Upcoming) continue;
            (, IHourMarket.MarketState memory s,,) = market.market(id);
            vm.assertEq(hours_.balanceOf(address(market), id), s.hoursReserve, "Upcoming: held == hours reserve");
        }
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
