// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {Test} from "../utils/Test.sol";
import {SettlementToken} from "../../src/SettlementToken.sol";
import {ComputeHours} from "../../src/ComputeHours.sol";
import {HourMarket} from "../../src/HourMarket.sol";
import {HourPositions} from "../../src/HourPositions.sol";
import {IHourMarket} from "../../src/interfaces/IHourMarket.sol";
import {HourId} from "../../src/libraries/HourId.sol";
import {HourCurve} from "../../src/libraries/HourCurve.sol";
import "../../src/libraries/Constants.sol" as C;

/// @dev Drives three hour markets (two dc slots, one consumer slot) through random trades, deposits, withdrawals,
/// collections, position transfers, fee changes and the passing of time, while ghosts count what moved in and out.
/// alice is the node: she mints hours on her two nodes and provides them, with or without cash; dave provides cash only;
/// bob and carol trade (alice sells too). No call is wrapped in try/catch: inputs are bounded so that every action that
/// must succeed is called plainly (an unexpected revert fails the run, fail_on_revert), and every action that must fail
/// (trades and deposits outside Upcoming, withdrawals during the slot, a sale the market's units cannot pay) is called
/// under `vm.expectRevert` with its exact error, so a success or a different revert fails the run too.
contract MarketHandler is Test {
    SettlementToken internal token;
    ComputeHours internal hours_;
    HourMarket internal market;
    HourPositions internal positions;
    address internal admin;
    address internal constant TREASURY = address(0x7EA5);

    address internal constant ALICE = address(0xA1);
    address internal constant BOB = address(0xB0B);
    address internal constant CAROL = address(0xCA401);
    address internal constant DAVE = address(0xDA7E);

    uint256[3] public ids;
    uint256[3] internal nodeOf; // alice's node minting each market's hours
    uint256[] public positionIds;
    mapping(uint256 positionId => uint256 marketIndex) public marketOf;

    // ghosts: calls that must revert, made under vm.expectRevert (counted to show they are exercised)
    uint256 public expectedReverts;

    // ghosts: per market, cash in and out of the market contract
    uint256[3] public cashIn; // deposits and buyers' payments
    uint256[3] public cashOut; // withdrawals, collections, sellers' proceeds and protocol fees collected

    // ghosts: per position, what went in and out
    mapping(uint256 positionId => uint256) public hoursDeposited;
    mapping(uint256 positionId => uint256) public hoursWithdrawn;
    mapping(uint256 positionId => uint256) public cashDeposited;
    mapping(uint256 positionId => uint256) public cashWithdrawn; // withdrawals and collections

    // ghosts: per market, hours in and out of the market contract
    uint256[3] public hoursIn; // deposits and sales
    uint256[3] public hoursOut; // withdrawals and purchases

    // ghosts: totals of cash
    uint256 public lpCashIn;
    uint256 public lpCashOut; // withdrawals and collections
    uint256 public tradersPaid; // what buyers paid, fees included
    uint256 public tradersReceived; // what sellers received
    uint256 public protocolCollected;
    uint256 public hoursSoldIn; // by traders, all markets
    uint256 public hoursBoughtOut;

    uint256 public calls;

    constructor(
        SettlementToken token_,
        ComputeHours hours__,
        HourMarket market_,
        address admin_,
        uint256[3] memory ids_,
        uint256[3] memory nodeOf_
    ) {
        token = token_;
        hours_ = hours__;
        market = market_;
        positions = market_.positions();
        admin = admin_;
        ids = ids_;
        nodeOf = nodeOf_;
        // alice seeds each market with 8 hours, single-sided
        for (uint256 m; m < 3; ++m) {
            uint256 h = _hoursFor(m, 8);
            vm.prank(ALICE);
            (uint256 pid,) = market.addLiquidity(0, ids[m], h, 0, 0, ALICE, block.timestamp);
            positionIds.push(pid);
            marketOf[pid] = m;
            hoursDeposited[pid] = h;
            hoursIn[m] += h;
        }
    }

    function positionCount() external view returns (uint256) {
        return positionIds.length;
    }

    // ---------------------------------------------------------------- actions

    function buy(uint256 actorSeed, uint256 marketSeed, uint256 amountSeed) external {
        calls++;
        address who = actorSeed % 2 == 0 ? BOB : CAROL;
        uint256 m = marketSeed % 3;
        uint256 id = ids[m];
        IHourMarket.Status st = market.status(id);
        if (st != IHourMarket.Status.Upcoming) {
            expectedReverts++;
            vm.prank(who);
            vm.expectRevert(abi.encodeWithSelector(IHourMarket.NotUpcoming.selector, id, st));
            market.buy(id, 1, type(uint256).max, who, block.timestamp);
            return;
        }
        (, IHourMarket.MarketState memory s,,) = market.market(id);
        if (s.hoursReserve == 0) return;
        uint256 k = bound(amountSeed, 1, s.hoursReserve < 8 ? s.hoursReserve : 8);
        uint256 quote = market.quoteBuy(id, k);
        vm.prank(who);
        uint256 cost = market.buy(id, k, quote, who, block.timestamp);
        vm.assertEq(cost, quote, "buy == quote");
        tradersPaid += cost;
        cashIn[m] += cost;
        hoursOut[m] += k;
        hoursBoughtOut += k;
    }

    function sell(uint256 actorSeed, uint256 marketSeed, uint256 amountSeed) external {
        calls++;
        address who = actorSeed % 3 == 0 ? BOB : actorSeed % 3 == 1 ? CAROL : ALICE;
        uint256 m = marketSeed % 3;
        uint256 id = ids[m];
        uint256 held = hours_.balanceOf(who, id);
        IHourMarket.Status st = market.status(id);
        if (st != IHourMarket.Status.Upcoming) {
            expectedReverts++;
            vm.prank(who);
            vm.expectRevert(abi.encodeWithSelector(IHourMarket.NotUpcoming.selector, id, st));
            market.sell(id, 1, 0, who, block.timestamp);
            return;
        }
        if (held == 0) return;
        uint256 k = bound(amountSeed, 1, held);
        if (!_unitsCanPay(id, k)) {
            // not enough units in the market to pay for k hours: the sale must revert with exactly that
            expectedReverts++;
            vm.prank(who);
            vm.expectRevert(abi.encodeWithSelector(IHourMarket.InsufficientLiquidity.selector, id, k));
            market.sell(id, k, 0, who, block.timestamp);
            return;
        }
        uint256 quote = market.quoteSell(id, k);
        vm.prank(who);
        uint256 proceeds = market.sell(id, k, quote, who, block.timestamp);
        vm.assertEq(proceeds, quote, "sell == quote");
        tradersReceived += proceeds;
        cashOut[m] += proceeds;
        hoursIn[m] += k;
        hoursSoldIn += k;
    }

    function addLiquidity(uint256 actorSeed, uint256 marketSeed, uint256 hoursSeed, uint256 cashSeed, bool fresh)
        external
    {
        calls++;
        bool node = actorSeed % 3 != 0; // alice two times in three, dave (cash only) otherwise
        address who = node ? ALICE : DAVE;
        uint256 m = marketSeed % 3;
        uint256 id = ids[m];
        uint256 positionId = fresh ? 0 : _positionOf(who, m, actorSeed);
        IHourMarket.Status st = market.status(id);
        if (st != IHourMarket.Status.Upcoming) {
            expectedReverts++;
            vm.prank(who);
            vm.expectRevert(abi.encodeWithSelector(IHourMarket.NotUpcoming.selector, id, st));
            market.addLiquidity(positionId, id, 0, 1e6, 0, who, block.timestamp);
            return;
        }
        uint256 h;
        uint256 cash;
        if (node) {
            h = _hoursFor(m, bound(hoursSeed, 0, 16));
            cash = bound(cashSeed, 0, 100e6);
        } else {
            cash = bound(cashSeed, 10, 300e6); // more than the deposit fee's 2-usdc6 rounding margin
        }
        if (h == 0 && cash < 10) cash = 1e6; // a deposit worth more than its fee's 2-usdc6 rounding margin
        vm.prank(who);
        (uint256 pid,) = market.addLiquidity(positionId, id, h, cash, 0, who, block.timestamp);
        if (positionId == 0) {
            positionIds.push(pid);
            marketOf[pid] = m;
        }
        hoursDeposited[pid] += h;
        cashDeposited[pid] += cash;
        hoursIn[m] += h;
        lpCashIn += cash;
        cashIn[m] += cash;
    }

    function removeLiquidity(uint256 positionSeed, uint256 sharesSeed) external {
        if (positionIds.length == 0) return;
        calls++;
        uint256 pid = positionIds[positionSeed % positionIds.length];
        uint256 held = market.position(pid).shares;
        if (held == 0) return;
        address owner = positions.ownerOf(pid);
        uint256 m = marketOf[pid];
        uint256 shares = sharesSeed % 4 == 0 ? held : bound(sharesSeed, 1, held);
        if (market.status(ids[m]) == IHourMarket.Status.InProgress) {
            expectedReverts++;
            vm.prank(owner);
            vm.expectRevert(abi.encodeWithSelector(IHourMarket.InProgressNoWithdrawals.selector, ids[m]));
            market.removeLiquidity(pid, shares, 0, 0, owner, block.timestamp);
            return;
        }
        (, IHourMarket.MarketState memory s0,, IHourMarket.Book memory b0) = market.market(ids[m]);
        vm.prank(owner);
        try market.removeLiquidity(pid, shares, 0, 0, owner, block.timestamp) returns (uint256 h, uint256 cash) {
            _afterRemove(pid, m, h, cash, s0, b0);
        } catch (bytes memory err) {
            // R4: before the slot a part below one whole hour does not leave (it would lose its fraction)
            vm.assertEq(
                keccak256(err),
                keccak256(abi.encodeWithSelector(IHourMarket.LessThanOneHour.selector, pid, shares)),
                "only LessThanOneHour"
            );
            vm.assertEq(uint256(s0.hoursReserve) * shares / b0.totalShares, 0, "and only below one hour");
            expectedReverts++;
        }
    }

    /// @dev Books a withdrawal, and checks that it diluted no one (R4): the shares left hold at least as many hours and
    /// units each as before, and before the slot whole hours left (the fraction stays with the position).
    function _afterRemove(
        uint256 pid,
        uint256 m,
        uint256 h,
        uint256 cash,
        IHourMarket.MarketState memory s0,
        IHourMarket.Book memory b0
    ) internal {
        (, IHourMarket.MarketState memory s1,, IHourMarket.Book memory b1) = market.market(ids[m]);
        vm.assertGe(
            uint256(s1.hoursReserve) * b0.totalShares, uint256(s0.hoursReserve) * b1.totalShares, "hours per share kept"
        );
        vm.assertGe(
            uint256(s1.unitsReserve) * b0.totalShares, uint256(s0.unitsReserve) * b1.totalShares, "units per share kept"
        );
        uint256 burned = b0.totalShares - b1.totalShares;
        if (market.status(ids[m]) == IHourMarket.Status.Upcoming) {
            vm.assertEq(h, uint256(s0.hoursReserve) * burned / b0.totalShares, "the burned shares' hours are whole");
            vm.assertTrue(h * b0.totalShares <= uint256(s0.hoursReserve) * burned, "rounded against the withdrawer");
        }
        hoursWithdrawn[pid] += h;
        cashWithdrawn[pid] += cash;
        hoursOut[m] += h;
        lpCashOut += cash;
        cashOut[m] += cash;
    }

    function collect(uint256 positionSeed) external {
        if (positionIds.length == 0) return;
        calls++;
        uint256 pid = positionIds[positionSeed % positionIds.length];
        address owner = positions.ownerOf(pid);
        vm.prank(owner);
        uint256 amount = market.collect(pid, owner);
        cashWithdrawn[pid] += amount;
        lpCashOut += amount;
        cashOut[marketOf[pid]] += amount;
    }

    function transferPosition(uint256 positionSeed, uint256 toSeed) external {
        if (positionIds.length == 0) return;
        calls++;
        uint256 pid = positionIds[positionSeed % positionIds.length];
        address owner = positions.ownerOf(pid);
        address[4] memory actors = [ALICE, BOB, CAROL, DAVE];
        address to = actors[toSeed % 4];
        vm.prank(owner);
        positions.transferFrom(owner, to, pid);
    }

    function warp(uint256 secondsSeed) external {
        calls++;
        // Mostly minutes, one warp in six up to 6 h: a run of 400 calls passes about a day, so the first market (2 h out)
        // starts and ends in every run, the consumer one (10 h out) usually, the last (30 h out) sometimes; decay runs
        // over the last 24 h before each.
        uint256 maxS = secondsSeed % 6 == 0 ? 6 hours : 20 minutes;
        vm.warp(block.timestamp + bound(secondsSeed >> 3, 1, maxS));
    }

    function collectProtocolFees(uint256 mask) external {
        calls++;
        uint256 n;
        for (uint256 i; i < 3; ++i) {
            if (mask >> i & 1 == 1) n++;
        }
        uint256[] memory list = new uint256[](n);
        n = 0;
        for (uint256 i; i < 3; ++i) {
            if (mask >> i & 1 == 1) {
                list[n++] = ids[i];
                (, IHourMarket.MarketState memory s,,) = market.market(ids[i]);
                cashOut[i] += s.protocolFeesUsdc6;
            }
        }
        vm.prank(admin);
        protocolCollected += market.collectProtocolFees(list, TREASURY);
    }

    function setFee(bool consumer, uint256 feeSeed) external {
        calls++;
        vm.prank(admin);
        market.setFee(consumer ? 2 : 1, uint16(bound(feeSeed, 0, C.MAX_FEE_BPS)));
    }

    // ---------------------------------------------------------------- helpers

    /// @dev Whether the market's units can pay a sale of `k` hours now: what `sell` checks, from the curve.
    function _unitsCanPay(uint256 id, uint256 k) internal view returns (bool) {
        (, IHourMarket.MarketState memory s, IHourMarket.Curve memory c,) = market.market(id);
        uint256 x = uint256(s.hoursReserve) * HourCurve.WAD + c.virtualHoursWad;
        uint256 y = uint256(s.unitsReserve) + c.virtualUnits;
        if (x == 0) return false;
        uint256 units = HourCurve.unitsOutForHoursIn(x, y, k);
        return units != 0 && units <= s.unitsReserve;
    }

    /// @dev An existing position of `who` in market `m`, searching from `seed`; 0 (a new one) when there is none.
    function _positionOf(address who, uint256 m, uint256 seed) internal view returns (uint256) {
        uint256 n = positionIds.length;
        for (uint256 i; i < n; ++i) {
            uint256 pid = positionIds[(seed % n + i) % n];
            if (marketOf[pid] == m && positions.ownerOf(pid) == who) return pid;
        }
        return 0;
    }

    /// @dev Up to `wanted` hours of market `m` in alice's hands, minting what her node's capacity allows.
    function _hoursFor(uint256 m, uint256 wanted) internal returns (uint256) {
        uint256 id = ids[m];
        uint256 held = hours_.balanceOf(ALICE, id);
        if (held >= wanted) return wanted;
        (, uint32 slot) = HourId.decode(id);
        uint256 minted = hours_.nodeSlot(nodeOf[m], slot).minted;
        uint256 capacity = m == 2 ? 16 : 64;
        uint256 more = wanted - held;
        if (more > capacity - minted) more = capacity - minted;
        if (more != 0) {
            vm.prank(ALICE);
            hours_.mint(nodeOf[m], slot, more);
        }
        return held + more;
    }
}
