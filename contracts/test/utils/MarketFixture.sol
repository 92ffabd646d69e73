// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {Fixture} from "./Fixture.sol";
import {INodeRegistry} from "../../src/interfaces/INodeRegistry.sol";
import {IHourMarket} from "../../src/interfaces/IHourMarket.sol";
import {HourMarket} from "../../src/HourMarket.sol";
import {HourPositions} from "../../src/HourPositions.sol";
import {HourRouter} from "../../src/HourRouter.sol";
import {GreenComputeIndex} from "../../src/GreenComputeIndex.sol";
import {HourId} from "../../src/libraries/HourId.sol";
import {HourCurve} from "../../src/libraries/HourCurve.sol";
import "../../src/libraries/Constants.sol" as C;

/// @dev The hour market as the deploy script wires it, over the base fixture: both classes listed, one large station
/// (64 H100s) owned by alice that mints hours and provides them; bob buys, carol trades.
abstract contract MarketFixture is Fixture {
    HourMarket internal market;
    HourPositions internal positions;
    HourRouter internal router;
    GreenComputeIndex internal index;
    uint256 internal nodeId;

    // The dc class: ask 2 USD, cap 8 USD, floor 0.40 USD (a 700 W GPU-hour at ~0.55 USD/kWh all-in), 24 h decay.
    uint64 internal constant DC_ASK = 2_000_000;
    uint64 internal constant DC_CAP = 8_000_000;
    uint64 internal constant DC_FLOOR = 400_000;
    uint32 internal constant HORIZON = 24 hours;
    // Trades set the class price only in markets of at least 16 virtual hours: 8 hours provided at cap = 4 × ask.
    uint16 internal constant MIN_DEPTH = 16;
    uint64 internal constant CONSUMER_ASK = 400_000;
    uint64 internal constant CONSUMER_CAP = 1_600_000;
    uint64 internal constant CONSUMER_FLOOR = 100_000;

    function setUp() public virtual override {
        super.setUp();
        market = new HourMarket(token, hours_, admin);
        positions = market.positions();
        router = new HourRouter(market);
        index = new GreenComputeIndex(market);
        vm.startPrank(admin);
        market.listClass(DC_CLASS, IHourMarket.ClassConfig(DC_ASK, DC_CAP, DC_FLOOR, HORIZON, 1, MIN_DEPTH));
        market.listClass(
            CONSUMER_CLASS, IHourMarket.ClassConfig(CONSUMER_ASK, CONSUMER_CAP, CONSUMER_FLOOR, HORIZON, 1, MIN_DEPTH)
        );
        vm.stopPrank();

        INodeRegistry.NodeSpec memory spec = stationSpec(deviceAddr(0xD1));
        spec.gpuCount = 64;
        nodeId = registerAs(alice, spec, 200_000e6);

        address[3] memory users = [alice, bob, carol];
        for (uint256 i; i < users.length; ++i) {
            vm.startPrank(users[i]);
            token.approve(address(market), type(uint256).max);
            token.approve(address(router), type(uint256).max);
            hours_.setApprovalForAll(address(market), true);
            hours_.setApprovalForAll(address(router), true);
            vm.stopPrank();
        }
    }

    function dcHour(uint32 slot) internal pure returns (uint256) {
        return HourId.encode(DC_CLASS, slot);
    }

    /// @dev alice mints `amount` hours of `slot` and adds them single-sided in a new position; then a block passes.
    function provide(uint32 slot, uint256 amount) internal returns (uint256 hourId, uint256 positionId) {
        vm.startPrank(alice);
        hourId = hours_.mint(nodeId, slot, amount);
        (positionId,) = market.addLiquidity(0, hourId, amount, 0, 0, alice, block.timestamp);
        vm.stopPrank();
        // Trades in the block of a liquidity change do not set the class price: the provider's hours settle first.
        vm.roll(block.number + 1);
    }

    // ---------------------------------------------------------------- withdrawals of whole hours (R4)

    /// @dev `who` removes `shares` of `pos`; before the slot a part below one hour reverts `LessThanOneHour`, which is
    /// then reported as `removed` = false (the position keeps everything).
    function removeWhole(address who, uint256 pos, uint256 shares)
        internal
        returns (bool removed, uint256 hoursOut, uint256 cashUsdc6)
    {
        vm.prank(who);
        try market.removeLiquidity(pos, shares, 0, 0, who, block.timestamp) returns (uint256 h, uint256 c) {
            return (true, h, c);
        } catch (bytes memory err) {
            vm.assertEq(
                keccak256(err),
                keccak256(abi.encodeWithSelector(IHourMarket.LessThanOneHour.selector, pos, shares)),
                "only a part below one hour stays"
            );
        }
    }

    /// @dev A position's claim on its market's reserves: hours in WAD (the fraction included) and units, rounded down.
    function claimOf(uint256 pos) internal view returns (uint256 hoursWad, uint256 units) {
        IHourMarket.Position memory p = market.position(pos);
        (, IHourMarket.MarketState memory s,, IHourMarket.Book memory b) = market.market(p.hourId);
        if (b.totalShares == 0) return (0, 0);
        hoursWad = uint256(s.hoursReserve) * HourCurve.WAD * p.shares / b.totalShares;
        units = uint256(s.unitsReserve) * p.shares / b.totalShares;
    }

    /// @dev A market's curve, unit value and fee at one moment, to quote swaps of fractional hours against it.
    struct Snapshot {
        uint256 xWad;
        uint256 y;
        uint256 units;
        uint256 hoursReserve;
        uint256 valueWad;
        uint256 feeBps;
    }

    function snapshot(uint256 id) internal view returns (Snapshot memory q) {
        (IHourMarket.MarketParams memory p, IHourMarket.MarketState memory s, IHourMarket.Curve memory c,) =
            market.market(id);
        q.xWad = uint256(s.hoursReserve) * HourCurve.WAD + c.virtualHoursWad;
        q.y = uint256(s.unitsReserve) + c.virtualUnits;
        q.units = s.unitsReserve;
        q.hoursReserve = s.hoursReserve;
        q.valueWad = HourCurve.unitValueWad(
            p.askUsdc6, p.floorUsdc6, p.decayHorizonS, HourId.startOf(uint32(id)), block.timestamp
        );
        q.feeBps = market.feeBps(uint16(id >> 32));
    }

    /// @dev What buying `nWad` hours (WAD, fractions allowed) costs on `q`: quoteBuy's arithmetic, which it equals for
    /// whole hours.
    function quoteBuyWad(Snapshot memory q, uint256 nWad) internal pure returns (uint256) {
        uint256 units = _mulDivUp(q.xWad, q.y, q.xWad - nWad) - q.y;
        uint256 gross = _mulDivUp(units, q.valueWad, HourCurve.WAD);
        return gross + (gross * q.feeBps + C.BPS - 1) / C.BPS;
    }

    /// @dev What selling `nWad` hours pays on `q` (quoteSell's arithmetic); max when the market cannot pay for them.
    function quoteSellWad(Snapshot memory q, uint256 nWad) internal pure returns (uint256) {
        uint256 units = q.y - _mulDivUp(q.xWad, q.y, q.xWad + nWad);
        if (units == 0 || units > q.units) return type(uint256).max;
        uint256 gross = units * q.valueWad / HourCurve.WAD;
        return gross - (gross * q.feeBps + C.BPS - 1) / C.BPS;
    }

    function _mulDivUp(uint256 a, uint256 b, uint256 d) private pure returns (uint256) {
        return (a * b + d - 1) / d;
    }
}
