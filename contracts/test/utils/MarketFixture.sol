// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {Fixture} from "./Fixture.sol";
import {INodeRegistry} from "../../src/interfaces/INodeRegistry.sol";
import {IHourMarket} from "../../src/interfaces/IHourMarket.sol";
import {HourMarket} from "../../src/HourMarket.sol";
import {HourPositions} from "../../src/HourPositions.sol";
import {HourRouter} from "../../src/HourRouter.sol";
import {GreenComputeIndex} from "../../src/GreenComputeIndex.sol";
import {HourId} from "../../src/libraries/HourId.sol";

/// @dev The hour market as the deploy script wires it, over the base fixture: both classes listed, one large station
/// (64 H100s) owned by alice that mints hours and provides them; bob buys, carol trades.
abstract contract MarketFixture is Fixture {
    HourMarket internal market;
    HourPositions internal positions;
    HourRouter internal router;
    GreenComputeIndex internal index;
    uint256 internal nodeId;

    // The dc class: ask 2 USD, cap 8 USD, floor 0.40 USD (a 700 W GPU-hour at ~0.55 USD/kWh all-in), 24 h decay.
    uint64 internal constant DC_ASK = 2_000_000;
    uint64 internal constant DC_CAP = 8_000_000;
    uint64 internal constant DC_FLOOR = 400_000;
    uint32 internal constant HORIZON = 24 hours;
    // Trades set the class price only in markets of at least 16 virtual hours: 8 hours provided at cap = 4 × ask.
    uint16 internal constant MIN_DEPTH = 16;
    uint64 internal constant CONSUMER_ASK = 400_000;
    uint64 internal constant CONSUMER_CAP = 1_600_000;
    uint64 internal constant CONSUMER_FLOOR = 100_000;

    function setUp() public virtual override {
        super.setUp();
        market = new HourMarket(token, hours_, admin);
        positions = market.positions();
        router = new HourRouter(market);
        index = new GreenComputeIndex(market);
        vm.startPrank(admin);
        market.listClass(DC_CLASS, IHourMarket.ClassConfig(DC_ASK, DC_CAP, DC_FLOOR, HORIZON, 1, MIN_DEPTH));
        market.listClass(
            CONSUMER_CLASS, IHourMarket.ClassConfig(CONSUMER_ASK, CONSUMER_CAP, CONSUMER_FLOOR, HORIZON, 1, MIN_DEPTH)
        );
        vm.stopPrank();

        INodeRegistry.NodeSpec memory spec = stationSpec(deviceAddr(0xD1));
        spec.gpuCount = 64;
        nodeId = registerAs(alice, spec, 200_000e6);

        address[3] memory users = [alice, bob, carol];
        for (uint256 i; i < users.length; ++i) {
            vm.startPrank(users[i]);
            token.approve(address(market), type(uint256).max);
            token.approve(address(router), type(uint256).max);
            hours_.setApprovalForAll(address(market), true);
            hours_.setApprovalForAll(address(router), true);
            vm.stopPrank();
        }
    }

    function dcHour(uint32 slot) internal pure returns (uint256) {
        return HourId.encode(DC_CLASS, slot);
    }

    /// @dev alice mints `amount` hours of `slot` and adds them single-sided in a new position; then a block passes.
    function provide(uint32 slot, uint256 amount) internal returns (uint256 hourId, uint256 positionId) {
        vm.startPrank(alice);
        hourId = hours_.mint(nodeId, slot, amount);
        (positionId,) = market.addLiquidity(0, hourId, amount, 0, 0, alice, block.timestamp);
        vm.stopPrank();
        // Trades in the block of a liquidity change do not set the class price: the provider's hours settle first.
        vm.roll(block.number + 1);
    }
}
