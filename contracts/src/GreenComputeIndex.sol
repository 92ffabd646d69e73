// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IGreenComputeIndex} from "./interfaces/IGreenComputeIndex.sol";
import {IHourMarket} from "./interfaces/IHourMarket.sol";
import {IAccessControl} from "@openzeppelin/contracts/access/IAccessControl.sol";
import {PriceOracle} from "./libraries/PriceOracle.sol";
import "./libraries/Constants.sol" as C;

/// @title GreenComputeIndex
/// @notice See {IGreenComputeIndex}. Holds no value; a separate contract so the market stays under the code size limit.
contract GreenComputeIndex is IGreenComputeIndex {
    IHourMarket public immutable market;
    mapping(uint32 windowS => PublishedIndex) private _published;
    mapping(uint32 windowS => bool) public indexWindowAllowed;

    constructor(IHourMarket market_) {
        if (address(market_) == address(0)) revert IHourMarket.ZeroAddress("market");
        market = market_;
        indexWindowAllowed[C.DEFAULT_INDEX_WINDOW_S] = true;
        emit IndexWindowSet(C.DEFAULT_INDEX_WINDOW_S, true);
    }

    /// @inheritdoc IGreenComputeIndex
    function setIndexWindow(uint32 windowS, bool allowed) external {
        if (!IAccessControl(address(market)).hasRole(market.MARKET_ADMIN_ROLE(), msg.sender)) {
            revert NotIndexAdmin(msg.sender);
        }
        if (windowS < C.MIN_INDEX_WINDOW_S || windowS > C.MAX_INDEX_WINDOW_S) revert InvalidWindow(windowS);
        indexWindowAllowed[windowS] = allowed;
        emit IndexWindowSet(windowS, allowed);
    }

    /// @inheritdoc IGreenComputeIndex
    function publishedIndex(uint32 windowS) external view returns (PublishedIndex memory) {
        return _published[windowS];
    }

    /// @inheritdoc IGreenComputeIndex
    function observe(uint16 classId, uint32[] calldata secondsAgos)
        external
        view
        returns (uint256[] memory cumulatives)
    {
        PriceOracle.Head memory h = market.oracleHead(classId);
        cumulatives = new uint256[](secondsAgos.length);
        for (uint256 i; i < secondsAgos.length; ++i) {
            if (secondsAgos[i] > block.timestamp) revert InvalidWindow(secondsAgos[i]);
            cumulatives[i] = _cumulativeAt(classId, h, block.timestamp - secondsAgos[i]);
        }
    }

    /// @inheritdoc IGreenComputeIndex
    function twap(uint16 classId, uint32 windowS) public view returns (uint256) {
        if (windowS == 0 || windowS > block.timestamp) revert InvalidWindow(windowS);
        PriceOracle.Head memory h = market.oracleHead(classId);
        uint256 nowCumulative = _cumulativeAt(classId, h, block.timestamp);
        return (nowCumulative - _cumulativeAt(classId, h, block.timestamp - windowS)) / windowS;
    }

    /// @inheritdoc IGreenComputeIndex
    function indexBps(uint32 windowS) public view returns (uint256) {
        if (windowS == 0 || windowS > block.timestamp) revert InvalidWindow(windowS);
        uint16[] memory classes = market.indexClasses();
        uint256 weighted;
        uint256 totalWeight;
        for (uint256 i; i < classes.length; ++i) {
            IHourMarket.ClassConfig memory config = market.classConfig(classes[i]);
            if (config.indexWeight == 0) continue;
            PriceOracle.Head memory h = market.oracleHead(classes[i]);
            // A class without a full window of trading history is left out rather than guessed.
            if (_oldestTime(classes[i], h) > block.timestamp - windowS) continue;
            weighted += uint256(config.indexWeight) * twap(classes[i], windowS) * C.BPS / config.askUsdc6;
            totalWeight += config.indexWeight;
        }
        if (totalWeight == 0) revert IndexEmpty();
        return weighted / totalWeight;
    }

    /// @inheritdoc IGreenComputeIndex
    function publishIndex(uint32 windowS) external returns (uint256 value) {
        if (!indexWindowAllowed[windowS]) revert WindowNotAllowed(windowS);
        value = indexBps(windowS);
        _published[windowS] = PublishedIndex(uint32(block.timestamp), windowS, uint192(value));
        emit IndexPublished(block.timestamp, windowS, value);
    }

    /// @dev Time of the oldest observation in the ring; max uint when there is none.
    function _oldestTime(uint16 classId, PriceOracle.Head memory h) private view returns (uint256 time) {
        if (h.cardinality == 0) return type(uint256).max;
        (, time) = _oldest(classId, h);
    }

    /// @dev Ring position and time of the oldest observation: the one after the newest, unless the ring has not
    /// wrapped yet (that slot is still a `grow` placeholder), then 0. Requires cardinality > 0.
    function _oldest(uint16 classId, PriceOracle.Head memory h) private view returns (uint256 i, uint256 time) {
        i = (uint256(h.index) + 1) % h.cardinality;
        time = market.observation(classId, i).time;
        if (time <= 1) (i, time) = (0, market.observation(classId, 0).time);
    }

    /// @dev Cumulative price at `target` ≤ now. Between two observations the price was constant (the price after the
    /// trades of the earlier one's block), so interpolation is exact.
    function _cumulativeAt(uint16 classId, PriceOracle.Head memory h, uint256 target) private view returns (uint256) {
        if (h.cardinality == 0) revert ObservationTooOld(classId, target, block.timestamp);
        if (target >= h.lastTime) return uint256(h.cumulative) + uint256(h.lastPriceUsdc6) * (target - h.lastTime);

        (uint256 oldestIndex, uint256 oldest) = _oldest(classId, h);
        if (target < oldest) revert ObservationTooOld(classId, target, oldest);

        // Binary search in age order for before.time <= target < after.time; the newest is after target (checked above).
        uint256 lo = 0;
        uint256 hi = (uint256(h.index) + h.cardinality - oldestIndex) % h.cardinality;
        while (hi - lo > 1) {
            uint256 mid = (lo + hi) / 2;
            if (market.observation(classId, (oldestIndex + mid) % h.cardinality).time <= target) lo = mid;
            else hi = mid;
        }
        PriceOracle.Observation memory before = market.observation(classId, (oldestIndex + lo) % h.cardinality);
        PriceOracle.Observation memory next = market.observation(classId, (oldestIndex + hi) % h.cardinality);
        return uint256(before.cumulative) + (uint256(next.cumulative) - before.cumulative) * (target - before.time)
            / (next.time - before.time);
    }
}
