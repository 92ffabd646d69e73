// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

/// @title Green compute index
/// @notice Reads the hour market's per-class price rings (Uniswap v3 style cumulative observations) and turns them into
/// time-weighted prices per class and one index over the listed classes, which anyone may publish on chain over the
/// windows the market admin allows. A class's series is written only by trades in its index slot (the one market whose
/// slot starts between one decay horizon and one slot more ahead, at full unit value), so no trader picks the market
/// that sets the class price. A consumer (lending, options) reads `publishedIndex(window)` and must check: the window
/// is the one it priced its risk on, `timestamp` is recent enough for it (the value is as old as its publication), and
/// it treats a revert `IndexEmpty` (no class with a full window of history) as no price. See docs/HOUR_MARKET.md §4.
interface IGreenComputeIndex {
    struct PublishedIndex {
        uint32 timestamp;
        uint32 windowS;
        uint192 indexBps;
    }

    error ObservationTooOld(uint16 classId, uint256 target, uint256 oldest);
    error InvalidWindow(uint256 windowS);
    error IndexEmpty();
    error WindowNotAllowed(uint32 windowS);
    error NotIndexAdmin(address caller);

    event IndexPublished(uint256 indexed timestamp, uint32 windowS, uint256 indexBps);
    event IndexWindowSet(uint32 windowS, bool allowed);

    /// @notice Cumulative class price (usdc6·seconds) at each of `secondsAgos` before now, as Uniswap v3's `observe`.
    function observe(uint16 classId, uint32[] calldata secondsAgos) external view returns (uint256[] memory cumulatives);

    /// @notice Time-weighted average price of a class's trades over the last `windowS` seconds, usdc6 per hour.
    function twap(uint16 classId, uint32 windowS) external view returns (uint256 priceUsdc6);

    /// @notice The index over the last `windowS` seconds: the index-weighted mean of each listed class's TWAP relative to
    /// its ask, in basis points (10,000 = every class trades at its ask). Classes without a full window of history are
    /// left out; reverts `IndexEmpty` when none has one.
    function indexBps(uint32 windowS) external view returns (uint256);

    /// @notice Stores and emits the index over the last `windowS` seconds (any caller), for an allowed window only;
    /// reverts `WindowNotAllowed` otherwise.
    function publishIndex(uint32 windowS) external returns (uint256 indexBps);

    /// @notice Allows or forbids publishing over `windowS` (the market's MARKET_ADMIN_ROLE; else `NotIndexAdmin`).
    /// An allowed window lies in [MIN_INDEX_WINDOW_S, MAX_INDEX_WINDOW_S] = [1 h, 7 days] (else `InvalidWindow`).
    function setIndexWindow(uint32 windowS, bool allowed) external;

    /// @notice Whether the index may be published over `windowS` (24 h is allowed from deployment).
    function indexWindowAllowed(uint32 windowS) external view returns (bool);

    /// @notice The last index published over `windowS`: its time, window and value (all zero: never published).
    function publishedIndex(uint32 windowS) external view returns (PublishedIndex memory);
}
