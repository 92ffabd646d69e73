// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {ERC721} from "@openzeppelin/contracts/token/ERC721/ERC721.sol";

/// @title HourPositions
/// @notice ERC-721 liquidity positions of the hour market: transferable, approvable, usable as collateral. Deployed by
/// the market, which alone mints; a position's shares and earnings live in the market under the same id.
contract HourPositions is ERC721 {
    error NotMarket(address caller);

    address public immutable market;
    uint256 public count;

    constructor() ERC721("Greenhour hour-market position", "GH-LP") {
        market = msg.sender;
    }

    /// @notice Mints the next position id to `to` (market only).
    function mint(address to) external returns (uint256 id) {
        if (msg.sender != market) revert NotMarket(msg.sender);
        id = ++count;
        _mint(to, id);
    }

    /// @notice Whether `spender` may act for position `id`: its owner, approved for it, or an operator of the owner.
    function isAuthorized(address spender, uint256 id) external view returns (bool) {
        return _isAuthorized(_ownerOf(id), spender, id);
    }
}
