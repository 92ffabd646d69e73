// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

/// @notice ERC-1155 token id of a compute hour: (capacity class, hour slot) packed as `classId << 32 | slot`.
/// @dev 32 bits of slot reach the year 491,000; 16 bits of class are ample for a standard class table. Ids with any
/// bit above bit 47 set are not hour ids.
library HourId {
    error NotAnHourId(uint256 id);

    function encode(uint16 classId, uint32 slot) internal pure returns (uint256) {
        return (uint256(classId) << 32) | uint256(slot);
    }

    function decode(uint256 id) internal pure returns (uint16 classId, uint32 slot) {
        if (id >> 48 != 0) revert NotAnHourId(id);
        classId = uint16(id >> 32);
        slot = uint32(id);
    }

    /// @dev The unix second at which `slot` starts; transfers stop and redemption opens then.
    function startOf(uint32 slot) internal pure returns (uint256) {
        return uint256(slot) * 3600;
    }
}
