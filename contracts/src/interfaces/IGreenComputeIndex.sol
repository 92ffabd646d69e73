// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

/// @title Green compute index
/// @notice Reads the hour market's per-class price rings (Uniswap v3 style cumulative observations) and turns them into
/// time-weighted prices per class and one index over the listed classes, which anyone may publish on chain.
interface IGreenComputeIndex {
    struct PublishedIndex {
        uint32 timestamp;
        uint32 windowS;
        uint192 indexBps;
    }

    error ObservationTooOld(uint16 classId, uint256 target, uint256 oldest);
    error InvalidWindow(uint256 windowS);
    error IndexEmpty();

    event IndexPublished(uint256 indexed timestamp, uint32 windowS, uint256 indexBps);

    /// @notice Cumulative class price (usdc6·seconds) at each of `secondsAgos` before now, as Uniswap v3's `observe`.
    function observe(uint16 classId, uint32[] calldata secondsAgos) external view returns (uint256[] memory cumulatives);

    /// @notice Time-weighted average price of a class's trades over the last `windowS` seconds, usdc6 per hour.
    function twap(uint16 classId, uint32 windowS) external view returns (uint256 priceUsdc6);

    /// @notice The index over the last `windowS` seconds: the index-weighted mean of each listed class's TWAP relative to
    /// its ask, in basis points (10,000 = every class trades at its ask). Classes without a full window of history are
    /// left out; reverts `IndexEmpty` when none has one.
    function indexBps(uint32 windowS) external view returns (uint256);

    /// @notice Stores and emits the index over the last `windowS` seconds (any caller).
    function publishIndex(uint32 windowS) external returns (uint256 indexBps);
}
