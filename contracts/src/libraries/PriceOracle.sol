// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import "./Constants.sol" as C;

/// @notice Per-class price accumulator with a ring of hourly observations, after Uniswap v3's Oracle library. The
/// series is the class's *relative price*: the spot of its index slot's curve in units per hour over that market's ask,
/// in ppm (1e6 = at the ask), so the decay of unit value, a market's curve scaled under its bond and a class repriced
/// since a market opened all leave it unchanged; it moves with demand only.
/// The price in force is the spot of one market, the one that set it last (`priceSlot`): a class's index slot takes the
/// price with a trade when deep enough, and from then on every change of that market is observed (trades whatever the
/// depth, and liquidity), until a later index slot takes over; so no action can leave the oracle at a price its market
/// no longer has.
/// The head keeps the running cumulative (relative price × seconds) and the price in force. The first observed trade of
/// an hour writes one observation dated at the hour's start, holding the cumulative at that instant and the price in
/// force just before it, so the cumulative at every hour boundary is exact (R2): between two observations the price
/// changed only within the earlier one's hour. The ring holds one observation per hour with trades, sized so that it
/// always spans the longest index window; no number of trades can push a class's history out of it.
library PriceOracle {
    /// @notice A class's fee and oracle head. Read and written by every observed trade: one storage word.
    struct Head {
        uint16 feeBps;
        uint16 minDepthHours; // trades in markets shallower than this (virtual hours) leave the price alone
        uint8 index; // ring position of the newest observation
        uint32 indexLeadS; // the class's index slot starts in (now + lead, now + lead + 1 h]; set when listed (R5)
        uint32 lastTime; // time of the last observed trade (0: none yet)
        uint48 lastRelativePpm; // relative price after the last observed trade, in force since then
        uint64 cumulative; // Σ relative price × seconds up to lastTime: ≤ 2e8 ppm × 2^32 s < 2^60
        uint32 priceSlot; // the slot whose market set the price in force: all its changes are observed
    }

    /// @notice The cumulative at `time` and the relative price in force just before it (0 for a class's first
    /// observation, the one written by its first observed trade, at that trade's time).
    struct Observation {
        uint32 time; // an hour boundary, except for the first observation; 0: never written
        uint96 cumulative;
        uint48 relativePpmBefore;
    }

    /// @dev Records `relativePpm`, the spot of `slot`'s market, as the price from now on; the first observed trade of an
    /// hour writes the hour's opening observation first.
    function record(Head memory h, mapping(uint256 => Observation) storage ring, uint256 relativePpm, uint32 slot)
        internal
        returns (Head memory)
    {
        uint256 nowS = block.timestamp;
        if (h.lastTime == 0) {
            ring[0] = Observation(uint32(nowS), 0, 0);
        } else if (h.lastTime != nowS) {
            uint256 hourStart = nowS - nowS % C.SECONDS_PER_SLOT;
            if (h.lastTime < hourStart) {
                // The price has not changed since lastTime, so the cumulative at the hour's start is exact.
                uint256 atStart = h.cumulative + uint256(h.lastRelativePpm) * (hourStart - h.lastTime);
                h.index = uint8((uint256(h.index) + 1) % C.OBSERVATIONS);
                // one SSTORE of Observation(hourStart, atStart, lastRelativePpm)
                uint256 word = hourStart | atStart << 32 | uint256(h.lastRelativePpm) << 128;
                Observation storage slot = ring[h.index];
                assembly ("memory-safe") {
                    sstore(slot.slot, word)
                }
            }
            h.cumulative += uint64(uint256(h.lastRelativePpm) * (nowS - h.lastTime));
        }
        h.lastTime = uint32(nowS);
        h.lastRelativePpm = uint48(relativePpm);
        h.priceSlot = slot;
        return h;
    }

    /// @dev Writes a head in one SSTORE (Solidity writes a memory struct to storage member by member).
    function store(Head storage ref, Head memory h) internal {
        uint256 word = uint256(h.feeBps) | uint256(h.minDepthHours) << 16 | uint256(h.index) << 32
            | uint256(h.indexLeadS) << 40 | uint256(h.lastTime) << 72 | uint256(h.lastRelativePpm) << 104
            | uint256(h.cumulative) << 152 | uint256(h.priceSlot) << 216;
        assembly ("memory-safe") {
            sstore(ref.slot, word)
        }
    }
}
