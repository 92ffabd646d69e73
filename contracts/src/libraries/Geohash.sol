// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

/// @notice Validation of a geohash stored left-aligned in bytes12 and zero-padded (1 to 12 characters).
/// @dev Alphabet from G. Niemeyer's geohash: base32 without a, i, l, o.
library Geohash {
    function isValid(bytes12 geohash) internal pure returns (bool) {
        bool ended;
        for (uint256 i; i < 12; ++i) {
            bytes1 c = geohash[i];
            if (c == 0) {
                if (i == 0) return false;
                ended = true;
            } else if (ended || !_inAlphabet(c)) {
                return false;
            }
        }
        return true;
    }

    function _inAlphabet(bytes1 c) private pure returns (bool) {
        if (c >= "0" && c <= "9") return true;
        if (c < "b" || c > "z") return false;
        return c != "i" && c != "l" && c != "o";
    }
}
