// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

/// @notice Per-class price accumulator with a ring of observations, after Uniswap v3's Oracle library: the head keeps
/// the running cumulative (price × seconds) and the price after the last trade; the first trade of a block writes one
/// observation, so a price pushed within one block weighs nothing until time passes on it.
library PriceOracle {
    /// @notice A class's fee and oracle head. Read and written by every trade: one storage word.
    struct Head {
        uint16 feeBps;
        uint16 index; // ring position of the newest observation
        uint16 cardinality; // observations in use
        uint16 cardinalityNext; // ring size to grow into when the index wraps
        uint16 minDepthHours; // trades in markets shallower than this (virtual hours) leave the price alone
        uint32 lastTime; // time of the newest observation
        uint48 lastPriceUsdc6; // price after the last trade, in force since then (≤ MAX_PRICE_USDC6 < 2^48)
        uint96 cumulative; // Σ price × seconds up to lastTime: 2.5e9 years at MAX_PRICE_USDC6
    }

    struct Observation {
        uint32 time; // 0: never written; 1: reserved by `grow`
        uint96 cumulative;
    }

    /// @dev Records `priceUsdc6` as the price from now on, writing an observation first if time moved since the last.
    function record(Head memory h, mapping(uint256 => Observation) storage ring, uint256 priceUsdc6)
        internal
        returns (Head memory)
    {
        uint32 nowS = uint32(block.timestamp);
        if (h.cardinality == 0) {
            h.cardinality = 1;
            if (h.cardinalityNext == 0) h.cardinalityNext = 1;
            h.lastTime = nowS;
            ring[0] = Observation(nowS, 0);
        } else if (h.lastTime != nowS) {
            h.cumulative += uint96(uint256(h.lastPriceUsdc6) * (nowS - h.lastTime));
            h.lastTime = nowS;
            if (h.index == h.cardinality - 1 && h.cardinalityNext > h.cardinality) h.cardinality = h.cardinalityNext;
            h.index = uint16((uint256(h.index) + 1) % h.cardinality);
            uint256 word = uint256(nowS) | uint256(h.cumulative) << 32; // one SSTORE of Observation(nowS, cumulative)
            Observation storage slot = ring[h.index];
            assembly ("memory-safe") {
                sstore(slot.slot, word)
            }
        }
        h.lastPriceUsdc6 = uint48(priceUsdc6);
        return h;
    }

    /// @dev Writes a head in one SSTORE (Solidity writes a memory struct to storage member by member).
    function store(Head storage ref, Head memory h) internal {
        uint256 word = uint256(h.feeBps) | uint256(h.index) << 16 | uint256(h.cardinality) << 32
            | uint256(h.cardinalityNext) << 48 | uint256(h.minDepthHours) << 64 | uint256(h.lastTime) << 80
            | uint256(h.lastPriceUsdc6) << 112 | uint256(h.cumulative) << 160;
        assembly ("memory-safe") {
            sstore(ref.slot, word)
        }
    }

    /// @dev Reserves ring slots up to `next` so that later trades overwrite non-zero words (as v3's `grow`).
    function grow(Head storage h, mapping(uint256 => Observation) storage ring, uint16 next) internal {
        for (uint256 i = h.cardinalityNext; i < next; ++i) {
            ring[i].time = 1;
        }
        if (next > h.cardinalityNext) h.cardinalityNext = next;
    }
}
