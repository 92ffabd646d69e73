// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

/// @title Green compute index
/// @notice Reads the hour market's per-class rings of hourly observations (PriceOracle) and turns them into
/// time-weighted relative prices per class and one index over the listed classes, which anyone may publish on chain over
/// the windows the market admin allows. A class's series is written only by trades in its index slot (the one market
/// whose slot starts between one index lead and one slot more ahead), so no trader picks the market that sets the class
/// price; it is the curve's spot over that market's ask, so decay and bond scaling do not move it. Every window ends at
/// the last hour boundary and spans whole hours, where the cumulative is exact, and the ring always spans the longest
/// window, so no trading pattern can push a class out of the index. A consumer (lending, options) reads
/// `publishedIndex(window)` and must check: the window is the one it priced its risk on, `timestamp` (the hour boundary
/// the value ends at) is recent enough for it, and it treats a revert `IndexEmpty` (no class with a full window of
/// history) as no price. See docs/HOUR_MARKET.md §4.
interface IGreenComputeIndex {
    struct PublishedIndex {
        uint32 timestamp; // the hour boundary the window ends at
        uint32 windowS;
        uint192 indexBps;
    }

    error ObservationTooOld(uint16 classId, uint256 target, uint256 oldest);
    /// @notice A window that is zero, not a whole number of hours, longer than MAX_INDEX_WINDOW_S or reaching before
    /// time 0, or a time that is not an hour boundary or lies in the future.
    error InvalidWindow(uint256 windowS);
    error IndexEmpty();
    error WindowNotAllowed(uint32 windowS);
    error NotIndexAdmin(address caller);

    event IndexPublished(uint256 indexed timestamp, uint32 windowS, uint256 indexBps);
    event IndexWindowSet(uint32 windowS, bool allowed);

    /// @notice Cumulative relative price (ppm·seconds) of a class at `hourBoundary`, a multiple of 3600 s not after now;
    /// exact. Reverts `ObservationTooOld` before the class's first observed trade.
    function cumulativeAt(uint16 classId, uint256 hourBoundary) external view returns (uint256 cumulativePpmS);

    /// @notice Time-weighted relative price of a class (its index slots' spot over their ask, ppm: 1e6 = at the ask)
    /// over the `windowS` seconds (whole hours) ending at the last hour boundary. Rounded down.
    function twapPpm(uint16 classId, uint32 windowS) external view returns (uint256 relativePpm);

    /// @notice The index over the `windowS` seconds (whole hours) ending at the last hour boundary: the index-weighted
    /// mean of each listed class's TWAP relative price, in basis points (10,000 = every class trades at its ask), rounded
    /// down. Classes whose first observed trade is inside the window are left out, and so are stale ones (the market
    /// whose spot is their price in force reached its slot by the window's end, no index slot having taken over);
    /// reverts `IndexEmpty` when none is left.
    function indexBps(uint32 windowS) external view returns (uint256);

    /// @notice Stores and emits the index over the last `windowS` seconds (any caller), for an allowed window only;
    /// reverts `WindowNotAllowed` otherwise.
    function publishIndex(uint32 windowS) external returns (uint256 indexBps);

    /// @notice Allows or forbids publishing over `windowS` (the market's MARKET_ADMIN_ROLE; else `NotIndexAdmin`).
    /// An allowed window is whole hours in [MIN_INDEX_WINDOW_S, MAX_INDEX_WINDOW_S] = [1 h, 7 days] (else `InvalidWindow`).
    function setIndexWindow(uint32 windowS, bool allowed) external;

    /// @notice Whether the index may be published over `windowS` (24 h is allowed from deployment).
    function indexWindowAllowed(uint32 windowS) external view returns (bool);

    /// @notice The last index published over `windowS`: the hour boundary it ends at, window and value (all zero: never
    /// published).
    function publishedIndex(uint32 windowS) external view returns (PublishedIndex memory);
}
