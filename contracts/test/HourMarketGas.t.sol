// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {MarketFixture} from "./utils/MarketFixture.sol";

/// @dev Gas of each market action as a transaction: 21,000 intrinsic + calldata + the call frame.
contract HourMarketGasTest is MarketFixture {
    uint32 internal slot;
    uint256 internal hourId;

    function setUp() public override {
        super.setUp();
        slot = slotNow() + 48;
        (hourId,) = provide(slot, 40);
        vm.prank(bob);
        market.buy(hourId, 1, type(uint256).max, bob, block.timestamp);
        vm.warp(block.timestamp + 60);
    }

    function txGas(bytes memory data) internal view returns (uint256 total) {
        total = 21_000 + vm.lastCallGas().gasTotalUsed;
        for (uint256 i; i < data.length; ++i) {
            total += data[i] == 0 ? 4 : 16;
        }
    }

    function test_gas_open() public {
        uint256 id = dcHour(slot + 1);
        market.open(id);
        uint256 g = txGas(abi.encodeCall(market.open, (id)));
        vm.assertLe(vm.lastCallGas().gasTotalUsed, 50_000, "open <= 50k");
        g;
    }

    function test_gas_buyFirstHolding() public {
        vm.prank(carol);
        market.buy(hourId, 1, type(uint256).max, carol, block.timestamp);
        vm.assertLe(vm.lastCallGas().gasTotalUsed, 70_000, "buy <= 70k");
    }

    function test_gas_buyAgain() public {
        vm.prank(bob);
        market.buy(hourId, 1, type(uint256).max, bob, block.timestamp);
        vm.assertLe(vm.lastCallGas().gasTotalUsed, 70_000, "buy <= 70k");
    }

    function test_gas_sell() public {
        vm.prank(bob);
        market.sell(hourId, 1, 0, bob, block.timestamp);
        vm.assertLe(vm.lastCallGas().gasTotalUsed, 70_000, "sell <= 70k");
    }
}
