// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

/// @notice Validation of a geohash stored left-aligned in bytes12 and zero-padded (1 to 12 characters).
/// @dev Alphabet from G. Niemeyer's geohash: base32 without a, i, l, o.
library Geohash {
    /// @dev Bit c set for each character c of the alphabet: "0"–"9" and "b"–"z" but "i", "l" and "o".
    uint256 private constant ALPHABET = 0x7ff6dfc0000000003ff000000000000;

    function isValid(bytes12 geohash) internal pure returns (bool) {
        uint256 g = uint96(geohash);
        // Unchecked: shifts of a 96-bit value by multiples of 8 below 96.
        unchecked {
            for (uint256 shift = 88;; shift -= 8) {
                uint256 c = (g >> shift) & 0xff;
                // the first zero ends the geohash: it may not be the first character, and only zeros follow it
                if (c == 0) return shift != 88 && g & ((1 << shift) - 1) == 0;
                if ((ALPHABET >> c) & 1 == 0) return false;
                if (shift == 0) return true;
            }
        }
    }
}
