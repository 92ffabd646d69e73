// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {MarketFixture} from "./utils/MarketFixture.sol";

/// @dev Execution gas of the market's hot paths (the call frame: no 21,000 intrinsic gas, no calldata), against the
/// issue's goals: open ≤ 50,000 and a swap ≤ 70,000 with the token pull and the hour transfer included; each budget is
/// the gas measured since issue 14, so a regression fails here before it reaches the goal. Whole
/// transactions are measured on anvil by `npm run bench -w packages/chain` (BENCHMARKS.md).
contract HourMarketGasTest is MarketFixture {
    uint32 internal slot;
    uint256 internal hourId;
    uint256 internal indexHourId; // the class's index slot: its trades also write the oracle head
    uint256 internal nextIndexHourId; // the index slot of the next hour

    function setUp() public override {
        super.setUp();
        slot = slotNow() + 48;
        (hourId,) = provide(slot, 40);
        (indexHourId,) = provide(uint32((block.timestamp + HORIZON) / 3600 + 1), 40);
        (nextIndexHourId,) = provide(uint32((block.timestamp + HORIZON) / 3600 + 2), 40);
        vm.startPrank(bob);
        market.buy(hourId, 1, type(uint256).max, bob, block.timestamp);
        market.buy(indexHourId, 1, type(uint256).max, bob, block.timestamp);
        market.buy(nextIndexHourId, 1, type(uint256).max, bob, block.timestamp); // not yet the index slot
        vm.stopPrank();
        vm.warp(block.timestamp + 60);
    }

    function test_gas_open() public {
        uint256 id = dcHour(slot + 1);
        vm.prank(alice);
        hours_.mint(nodeId, slot + 1, 1);
        market.open(id);
        vm.assertLe(vm.lastCallGas().gasTotalUsed, 29_800, "open: 29,738 (goal <= 50k)");
    }

    /// A buyer's first hours of an id create its ERC-1155 balance slot: 20,000 instead of 2,900 (EIP-2200).
    function test_gas_buyFirstHolding() public {
        vm.prank(carol);
        market.buy(hourId, 1, type(uint256).max, carol, block.timestamp);
        vm.assertLe(vm.lastCallGas().gasTotalUsed, 75_300, "buy: 75,223 (goal <= 70k + new balance slot)");
    }

    function test_gas_buyAgain() public {
        vm.prank(bob);
        market.buy(hourId, 1, type(uint256).max, bob, block.timestamp);
        vm.assertLe(vm.lastCallGas().gasTotalUsed, 58_200, "buy: 58,123 (goal <= 70k)");
    }

    function test_gas_sell() public {
        vm.prank(bob);
        market.sell(hourId, 1, 0, bob, block.timestamp);
        vm.assertLe(vm.lastCallGas().gasTotalUsed, 60_000, "sell: 59,902 (goal <= 70k)");
    }

    /// In the index slot the swap also writes the class's oracle head (one word); within an hour that is all.
    function test_gas_buyIndexSlot() public {
        vm.prank(bob);
        market.buy(indexHourId, 1, type(uint256).max, bob, block.timestamp);
        vm.assertLe(vm.lastCallGas().gasTotalUsed, 62_500, "buy in the index slot: 62,451 (goal <= 70k)");
    }

    function test_gas_sellIndexSlot() public {
        vm.prank(bob);
        market.sell(indexHourId, 1, 0, bob, block.timestamp);
        vm.assertLe(vm.lastCallGas().gasTotalUsed, 64_300, "sell in the index slot: 64,230 (goal <= 70k)");
    }

    /// The first observed trade of an hour also writes the hour's observation (R2: one per hour), here into a ring
    /// slot never written before (a cold slot, 2,100 + 20,000, EIP-2929/2200); once the ring has wrapped, 2,100 + 2,900.
    function test_gas_buyIndexSlotFirstOfHour() public {
        vm.warp(block.timestamp - block.timestamp % 3600 + 3600);
        vm.prank(bob);
        market.buy(nextIndexHourId, 1, type(uint256).max, bob, block.timestamp);
        vm.assertLe(vm.lastCallGas().gasTotalUsed, 85_500, "buy: 85,467 (goal <= 70k + a new ring slot)");
        vm.assertEq(market.oracleHead(DC_CLASS).index, 1, "the hour's observation was written");
    }
}
