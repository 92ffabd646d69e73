// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {MarketFixture} from "./MarketFixture.sol";
import {IHourMarket} from "../../src/interfaces/IHourMarket.sol";
import {HourMarket} from "../../src/HourMarket.sol";
import {HourCurve} from "../../src/libraries/HourCurve.sol";

/// @dev The dc class's price series written out by hand, to check the oracle against: (time, relative price in force
/// from then on), one entry per block with observed trades, and the cumulative recomputed from it.
abstract contract PriceSeriesFixture is MarketFixture {
    uint256 internal constant WAD = 1e18;
    uint256 internal constant PPM = 1e6;

    uint256[] internal times;
    uint256[] internal prices;

    /// @dev Records the relative price in force now, as the hand-written series.
    function _note() internal {
        uint256 price = market.oracleHead(DC_CLASS).lastRelativePpm;
        if (times.length != 0 && times[times.length - 1] == block.timestamp) {
            prices[prices.length - 1] = price;
        } else {
            times.push(block.timestamp);
            prices.push(price);
        }
    }

    /// @dev Σ price × seconds from the first recorded trade up to `target`.
    function _cumAt(uint256 target) internal view returns (uint256 c) {
        for (uint256 i; i < times.length && times[i] < target; ++i) {
            uint256 end = i + 1 < times.length && times[i + 1] < target ? times[i + 1] : target;
            c += prices[i] * (end - times[i]);
        }
    }

    /// @dev The last hour boundary, where every window ends.
    function _end() internal view returns (uint256) {
        return block.timestamp - block.timestamp % 3600;
    }

    function _toNextHour() internal {
        vm.warp(_end() + 3600);
    }

    /// @dev A later block at time `t`.
    function _next(uint256 t) internal {
        vm.warp(t);
        vm.roll(block.number + 1);
    }

    /// @dev The dc class's index slot now: the slot starting in (now + lead, now + lead + 1 h], lead = its horizon.
    function _indexSlot() internal view returns (uint32) {
        return uint32((block.timestamp + market.oracleHead(DC_CLASS).indexLeadS) / 3600 + 1);
    }

    /// @dev A market's spot relative to its own ask, ppm, as the oracle records it.
    function _relativeSpot(uint256 id) internal view returns (uint256) {
        (IHourMarket.MarketParams memory p, IHourMarket.MarketState memory s, HourMarket.Curve memory c,) =
            market.market(id);
        uint256 x = uint256(s.hoursReserve) * WAD + c.virtualHoursWad;
        return HourCurve.spotUnits(x, uint256(s.unitsReserve) + c.virtualUnits) * PPM / p.askUsdc6;
    }
}
