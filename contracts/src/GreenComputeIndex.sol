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
        if (windowS < C.MIN_INDEX_WINDOW_S || windowS > C.MAX_INDEX_WINDOW_S || windowS % C.SECONDS_PER_SLOT != 0) {
            revert InvalidWindow(windowS);
        }
        indexWindowAllowed[windowS] = allowed;
        emit IndexWindowSet(windowS, allowed);
    }

    /// @inheritdoc IGreenComputeIndex
    function publishedIndex(uint32 windowS) external view returns (PublishedIndex memory) {
        return _published[windowS];
    }

    /// @inheritdoc IGreenComputeIndex
    function cumulativeAt(uint16 classId, uint256 hourBoundary) external view returns (uint256) {
        if (hourBoundary % C.SECONDS_PER_SLOT != 0 || hourBoundary > block.timestamp) {
            revert InvalidWindow(hourBoundary);
        }
        return _cumulativeAt(classId, market.oracleHead(classId), hourBoundary);
    }

    /// @inheritdoc IGreenComputeIndex
    function twapPpm(uint16 classId, uint32 windowS) public view returns (uint256) {
        uint256 end = _windowEnd(windowS);
        PriceOracle.Head memory h = market.oracleHead(classId);
        return (_cumulativeAt(classId, h, end) - _cumulativeAt(classId, h, end - windowS)) / windowS;
    }

    /// @inheritdoc IGreenComputeIndex
    function indexBps(uint32 windowS) public view returns (uint256) {
        uint256 end = _windowEnd(windowS);
        uint16[] memory classes = market.indexClasses();
        uint256 weighted;
        uint256 totalWeight;
        for (uint256 i; i < classes.length; ++i) {
            uint256 weight = market.classConfig(classes[i]).indexWeight;
            if (weight == 0) continue;
            PriceOracle.Head memory h = market.oracleHead(classes[i]);
            // A class whose history starts inside the window is left out rather than guessed. Only the first
            // observation can be younger than a window: the ring spans the longest one (C.OBSERVATIONS).
            if (h.lastTime == 0 || _oldestTime(classes[i], h) > end - windowS) continue;
            // A class whose price market's slot began by the window's end has a price no market can trade any more
            // (no index slot took it over since): stale, left out rather than carried.
            if (uint256(h.priceSlot) * C.SECONDS_PER_SLOT <= end) continue;
            uint256 cumulativeSpan = _cumulativeAt(classes[i], h, end) - _cumulativeAt(classes[i], h, end - windowS);
            weighted += weight * cumulativeSpan / windowS;
            totalWeight += weight;
        }
        if (totalWeight == 0) revert IndexEmpty();
        return weighted * C.BPS / (totalWeight * C.PPM);
    }

    /// @inheritdoc IGreenComputeIndex
    function publishIndex(uint32 windowS) external returns (uint256 value) {
        if (!indexWindowAllowed[windowS]) revert WindowNotAllowed(windowS);
        value = indexBps(windowS);
        uint256 end = _windowEnd(windowS);
        _published[windowS] = PublishedIndex(uint32(end), windowS, uint192(value));
        emit IndexPublished(end, windowS, value);
    }

    /// @dev The last hour boundary, the end of every window; checks that `windowS` is whole hours within the bounds and
    /// after time 0.
    function _windowEnd(uint32 windowS) private view returns (uint256 end) {
        end = block.timestamp - block.timestamp % C.SECONDS_PER_SLOT;
        if (windowS == 0 || windowS % C.SECONDS_PER_SLOT != 0 || windowS > C.MAX_INDEX_WINDOW_S || windowS > end) {
            revert InvalidWindow(windowS);
        }
    }

    /// @dev Time of the oldest observation in the ring. Requires an observed trade.
    function _oldestTime(uint16 classId, PriceOracle.Head memory h) private view returns (uint256 time) {
        (, time) = _oldest(classId, h);
    }

    /// @dev Ring position and time of the oldest observation: the one after the newest, unless the ring has not
    /// wrapped yet (that slot was never written), then the first. Requires an observed trade.
    function _oldest(uint16 classId, PriceOracle.Head memory h) private view returns (uint256 i, uint256 time) {
        i = (uint256(h.index) + 1) % C.OBSERVATIONS;
        time = market.observation(classId, i).time;
        if (time == 0) (i, time) = (0, market.observation(classId, 0).time);
    }

    /// @dev Cumulative relative price at `target`, an hour boundary ≤ now (or any time ≥ the last observed trade).
    /// Exact: from the first observation at or after `target`, back at the price in force before it, which held since
    /// the hour of the observation before (the first observed trade of every hour writes one, PriceOracle).
    function _cumulativeAt(uint16 classId, PriceOracle.Head memory h, uint256 target) private view returns (uint256) {
        if (h.lastTime == 0) revert ObservationTooOld(classId, target, block.timestamp);
        if (target >= h.lastTime) return uint256(h.cumulative) + uint256(h.lastRelativePpm) * (target - h.lastTime);

        (uint256 oldestIndex, uint256 oldest) = _oldest(classId, h);
        if (target < oldest) revert ObservationTooOld(classId, target, oldest);

        // Binary search in age order for the first observation at or after target; the newest is (target < lastTime
        // is an hour boundary, so at or before the newest observation's hour start).
        uint256 lo = 0;
        uint256 hi = (uint256(h.index) + C.OBSERVATIONS - oldestIndex) % C.OBSERVATIONS;
        while (lo < hi) {
            uint256 mid = (lo + hi) / 2;
            if (market.observation(classId, (oldestIndex + mid) % C.OBSERVATIONS).time < target) lo = mid + 1;
            else hi = mid;
        }
        PriceOracle.Observation memory at = market.observation(classId, (oldestIndex + lo) % C.OBSERVATIONS);
        return uint256(at.cumulative) - uint256(at.relativePpmBefore) * (at.time - target);
    }
}
