// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {Test} from "./utils/Test.sol";
import {Geohash} from "../src/libraries/Geohash.sol";

/// @dev The geohash check is a bit mask over the characters (issue 14, gas); it answers as the per-character
/// comparison it replaced, `_reference`, on random words and on near-valid geohashes.
contract GeohashTest is Test {
    function _reference(bytes12 geohash) internal pure returns (bool) {
        bool ended;
        for (uint256 i; i < 12; ++i) {
            bytes1 c = geohash[i];
            if (c == 0) {
                if (i == 0) return false;
                ended = true;
            } else if (ended || !_in(c)) {
                return false;
            }
        }
        return true;
    }

    function _in(bytes1 c) private pure returns (bool) {
        if (c >= "0" && c <= "9") return true;
        if (c < "b" || c > "z") return false;
        return c != "i" && c != "l" && c != "o";
    }

    function testFuzz_isValid_matchesTheReference(bytes12 g, uint8 len, uint256 seed) public pure {
        vm.assertEq(Geohash.isValid(g), _reference(g), "random");
        // a mostly valid one
        bytes memory alpha = "0123456789bcdefghjkmnpqrstuvwxyz";
        bytes memory b = new bytes(12);
        uint256 n = uint256(len) % 13;
        for (uint256 i; i < n; ++i) {
            b[i] = alpha[uint256(keccak256(abi.encode(seed, i))) % 32];
        }
        if (seed % 3 == 0 && n > 0) b[seed % n] = bytes1(uint8(seed >> 8));
        if (seed % 5 == 0) b[(seed >> 16) % 12] = bytes1(uint8(seed >> 24));
        bytes12 h = bytes12(b);
        vm.assertEq(Geohash.isValid(h), _reference(h), "near valid");
    }
}
