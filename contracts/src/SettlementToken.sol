// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";
import {AccessControl} from "@openzeppelin/contracts/access/AccessControl.sol";

/// @title SettlementToken
/// @notice A 6-decimal dollar token for local chains and the demo faucet. Deployments on a real chain use a real
/// stablecoin address instead and never deploy this contract.
contract SettlementToken is ERC20, AccessControl {
    /// @notice May mint (the demo faucet).
    bytes32 public constant MINTER_ROLE = keccak256("MINTER_ROLE");

    error ZeroAddress(string field);

    constructor(address admin) ERC20("Greenhour Test USD", "gUSD") {
        if (admin == address(0)) revert ZeroAddress("admin");
        _grantRole(DEFAULT_ADMIN_ROLE, admin);
        _grantRole(MINTER_ROLE, admin);
    }

    function decimals() public pure override returns (uint8) {
        return 6;
    }

    function mint(address to, uint256 amountUsdc6) external onlyRole(MINTER_ROLE) {
        _mint(to, amountUsdc6);
    }
}
