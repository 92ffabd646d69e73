// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {Fixture} from "./utils/Fixture.sol";

/// @dev Execution gas of registering a node and minting its hours (the call frame: no 21,000 intrinsic gas, no
/// calldata), against issue 14's goals: each at least 30 % under the gas-report medians before it (mint 216,351,
/// register 184,034). The steady state is measured: a registry that already holds stake and counts nodes, a new
/// device; a node minting a new id (its first hours of the slot, the id's first obligor).
contract RegistryGasTest is Fixture {
    function setUp() public override {
        super.setUp();
        registerStation(bob, deviceAddr(0xB0), 2_000e6); // the registry holds stake and counts a node
    }

    function test_gas_register() public {
        address device = deviceAddr(0xD1);
        bytes memory binding = deviceBinding(alice, device);
        uint256 deadline = bindingDeadline();
        vm.prank(alice);
        registry.register(stationSpec(device), 2_000e6, deadline, binding);
        // four new words (the node's three, the device's), the totals word, the stake pull, the binding's signature
        vm.assertLe(vm.lastCallGas().gasTotalUsed, REGISTER_BUDGET, "register");
    }

    function test_gas_mintNewId() public {
        uint256 nodeId = registerStation(alice, deviceAddr(0xD1), 2_000e6);
        vm.prank(alice);
        hours_.mint(nodeId, slotNow() + 2, 1);
        // new words: the id's, the node's slot, the holder's balance, the id's supply
        vm.assertLe(vm.lastCallGas().gasTotalUsed, 130_300, "mint of a new id: 130,266 (goal <= 151,445)");
    }

    function test_gas_mintAgain() public {
        uint256 nodeId = registerStation(alice, deviceAddr(0xD1), 2_000e6);
        vm.startPrank(alice);
        hours_.mint(nodeId, slotNow() + 2, 1);
        hours_.mint(nodeId, slotNow() + 3, 1);
        vm.stopPrank();
        vm.assertLe(vm.lastCallGas().gasTotalUsed, 106_400, "mint: 106,366 (goal <= 151,445)");
    }

    // 133,161 measured; the goal of 128,823 is missed (BENCHMARKS.md: four new words are 88,400 of it).
    uint256 internal constant REGISTER_BUDGET = 133_200;
}
