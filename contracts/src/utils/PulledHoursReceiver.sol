// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IERC1155} from "@openzeppelin/contracts/token/ERC1155/IERC1155.sol";
import {IERC1155Receiver} from "@openzeppelin/contracts/token/ERC1155/IERC1155Receiver.sol";

/// @title PulledHoursReceiver
/// @notice ERC-1155 receiver for contracts that hold compute hours only by pulling them: hours arrive when the contract
/// itself called `safeTransferFrom` (it is the operator). Hours pushed to it by anyone else would be stuck, so they are
/// refused, and batch transfers, which these contracts never make, always are.
abstract contract PulledHoursReceiver is IERC1155Receiver {
    /// @notice Hours sent by `operator` rather than pulled by this contract.
    error UnsolicitedTransfer(address operator);

    IERC1155 public immutable hours_;

    constructor(IERC1155 hoursToken) {
        hours_ = hoursToken;
    }

    function onERC1155Received(address operator, address, uint256, uint256, bytes calldata)
        external
        view
        returns (bytes4)
    {
        if (msg.sender != address(hours_) || operator != address(this)) revert UnsolicitedTransfer(operator);
        return IERC1155Receiver.onERC1155Received.selector;
    }

    function onERC1155BatchReceived(address operator, address, uint256[] calldata, uint256[] calldata, bytes calldata)
        external
        pure
        returns (bytes4)
    {
        revert UnsolicitedTransfer(operator);
    }
}
