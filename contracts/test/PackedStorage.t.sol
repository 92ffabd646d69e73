// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {Fixture} from "./utils/Fixture.sol";
import {INodeRegistry} from "../src/interfaces/INodeRegistry.sol";
import "../src/libraries/Constants.sol" as C;

/// @dev Issue 14 (gas): the registry and the compute hours pack their records into fewer words. Each narrower field
/// is bounded by a check that writes it; these tests hold each bound and show that no value past it can be stored.
contract PackedStorageTest is Fixture {
    address internal DEVICE;

    function setUp() public override {
        super.setUp();
        DEVICE = deviceAddr(0xD1);
    }

    /// The widths of the node record hold every value the checks let through.
    function test_bounds_fitTheirPackedFields() public pure {
        vm.assertLe(C.MAX_NODE_STAKE_USDC6, type(uint64).max, "stake and bond: uint64");
        vm.assertLe(C.MAX_CHARGER_W, type(uint24).max, "chargerW: uint24");
        vm.assertLe(uint256(C.MAX_GPU_BOARD_POWER_W) * C.MAX_GPU_COUNT, type(uint24).max, "gpuPowerWMax: uint24");
        vm.assertLe(C.MAX_PV_WP, type(uint32).max, "pvWp: uint32");
        vm.assertLe(C.MAX_BATTERY_WH, type(uint32).max, "batteryWh: uint32");
        // the slash debt is at most the bonded stake
        vm.assertLe(C.MAX_NODE_STAKE_USDC6, type(uint96).max, "slash debt: uint96");
    }

    function test_register_rejectsStakeAboveMax() public {
        uint256 tooMuch = C.MAX_NODE_STAKE_USDC6 + 1;
        vm.prank(admin);
        token.mint(alice, tooMuch);
        INodeRegistry.NodeSpec memory spec = stationSpec(DEVICE);
        bytes memory binding = deviceBinding(alice, DEVICE);
        uint256 deadline = bindingDeadline();
        vm.prank(alice);
        vm.expectRevert(abi.encodeWithSelector(INodeRegistry.StakeAboveMax.selector, tooMuch, C.MAX_NODE_STAKE_USDC6));
        registry.register(spec, tooMuch, deadline, binding);

        // The maximum itself is a valid stake, stored whole.
        uint256 nodeId = registerStation(alice, DEVICE, C.MAX_NODE_STAKE_USDC6);
        vm.assertEq(registry.node(nodeId).stakeUsdc6, C.MAX_NODE_STAKE_USDC6, "stake stored whole");
        vm.assertEq(registry.totalStakeUsdc6(), C.MAX_NODE_STAKE_USDC6, "stake held");
    }

    function test_addStake_rejectsStakeAboveMax() public {
        vm.prank(admin);
        token.mint(alice, C.MAX_NODE_STAKE_USDC6);
        uint256 nodeId = registerStation(alice, DEVICE, 2_000e6);
        uint256 room = C.MAX_NODE_STAKE_USDC6 - 2_000e6;
        vm.prank(alice);
        vm.expectRevert(
            abi.encodeWithSelector(
                INodeRegistry.StakeAboveMax.selector, C.MAX_NODE_STAKE_USDC6 + 1, C.MAX_NODE_STAKE_USDC6
            )
        );
        registry.addStake(nodeId, room + 1);

        vm.prank(alice);
        registry.addStake(nodeId, room);
        vm.assertEq(registry.node(nodeId).stakeUsdc6, C.MAX_NODE_STAKE_USDC6, "topped up to the maximum");
        vm.assertEq(token.balanceOf(address(registry)), registry.totalStakeUsdc6(), "held = total");
    }

    /// The largest node the checks allow: every packed field at its bound reads back whole.
    function test_node_largestSpecReadsBackWhole() public {
        vm.prank(admin);
        registry.setCapacityClass(
            7,
            INodeRegistry.CapacityClass({
                label: "max",
                fp16TflopsMin: 1,
                memoryGbMin: 1,
                boardPowerWMax: C.MAX_GPU_BOARD_POWER_W,
                bondPerHourUsdc6: 1
            })
        );
        vm.prank(admin);
        registry.setGpuModelClass("MAX GPU", 7);
        INodeRegistry.NodeSpec memory spec = INodeRegistry.NodeSpec({
            deviceSigner: DEVICE,
            siteType: INodeRegistry.SiteType.Pile,
            geohash: "zzzzzzzzzzzz",
            pvWp: C.MAX_PV_WP,
            batteryWh: C.MAX_BATTERY_WH,
            chargerW: C.MAX_CHARGER_W,
            gpuModel: "MAX GPU",
            gpuCount: C.MAX_GPU_COUNT
        });
        uint256 nodeId = registerAs(alice, spec, 2_000e6);
        INodeRegistry.Node memory n = registry.node(nodeId);
        vm.assertEq(n.owner, alice, "owner");
        vm.assertTrue(n.siteType == INodeRegistry.SiteType.Pile, "site type");
        vm.assertEq(n.classId, 7, "class");
        vm.assertEq(n.gpuCount, C.MAX_GPU_COUNT, "gpuCount");
        vm.assertEq(n.deviceSigner, DEVICE, "device");
        vm.assertEq(bytes32(n.geohash), bytes32(bytes12("zzzzzzzzzzzz")), "geohash");
        vm.assertEq(n.gpuModel, bytes32("MAX GPU"), "gpu model from its index");
        vm.assertEq(n.pvWp, C.MAX_PV_WP, "pvWp");
        vm.assertEq(n.batteryWh, C.MAX_BATTERY_WH, "batteryWh");
        vm.assertEq(n.chargerW, C.MAX_CHARGER_W, "chargerW");
        vm.assertEq(n.gpuPowerWMax, uint256(C.MAX_GPU_BOARD_POWER_W) * C.MAX_GPU_COUNT, "gpuPowerWMax");
        vm.assertEq(n.stakeUsdc6, 2_000e6, "stake");
        (address owner, INodeRegistry.NodeStatus status, uint16 classId, uint16 gpuCount) = registry.obligorOf(nodeId);
        vm.assertEq(owner, alice, "obligor owner");
        vm.assertTrue(status == INodeRegistry.NodeStatus.Online, "obligor status");
        vm.assertEq(classId, 7, "obligor class");
        vm.assertEq(gpuCount, C.MAX_GPU_COUNT, "obligor gpuCount");
    }

    /// A model keeps its index when it is remapped or removed; nodes registered before read it unchanged.
    function test_gpuModel_indexSurvivesRemapping() public {
        uint256 nodeId = registerStation(alice, DEVICE, 2_000e6);
        vm.prank(admin);
        registry.setGpuModelClass(H100, 0);
        vm.assertEq(registry.classOfGpuModel(H100), 0, "removed");
        vm.assertEq(registry.node(nodeId).gpuModel, H100, "the node still names its model");
        vm.prank(admin);
        registry.setGpuModelClass(H100, DC_CLASS);
        vm.assertEq(registry.classOfGpuModel(H100), DC_CLASS, "mapped again");
        vm.assertEq(registry.node(nodeId).gpuModel, H100, "one index per model");
    }

    /// The device word keeps the nonce when the node exits (the binding stays single-use), and clears the node.
    function test_device_nonceSurvivesExit() public {
        uint256 nodeId = registerStation(alice, DEVICE, 2_000e6);
        vm.assertEq(registry.deviceNonce(DEVICE), 1, "nonce used");
        vm.prank(alice);
        registry.requestExit(nodeId);
        vm.warp(block.timestamp + C.UNBONDING_DELAY_SECONDS);
        vm.prank(alice);
        registry.withdrawStake(nodeId);
        vm.assertEq(registry.nodeOfDevice(DEVICE), 0, "device free");
        vm.assertEq(registry.deviceNonce(DEVICE), 1, "nonce kept");
        uint256 again = registerStation(bob, DEVICE, 2_000e6);
        vm.assertEq(registry.nodeOfDevice(DEVICE), again, "bound again");
        vm.assertEq(registry.deviceNonce(DEVICE), 2, "second nonce");
    }

    /// An id's word holds its first two obligors; the third on are in their own words; the list reads back in order.
    function test_obligors_packedAndListedInOrder() public {
        uint256[] memory nodes = new uint256[](4);
        for (uint256 i; i < 4; ++i) {
            nodes[i] = registerStation(alice, deviceAddr(0xA0 + i), 2_000e6);
        }
        uint32 slot = slotNow() + 2;
        uint256 id;
        for (uint256 i; i < 4; ++i) {
            vm.prank(alice);
            id = hours_.mint(nodes[i], slot, 1);
            vm.prank(alice);
            hours_.mint(nodes[i], slot, 1); // a second mint of the slot adds no obligor
        }
        uint256[] memory obligors = hours_.obligorsOf(id);
        vm.assertEq(obligors.length, 4, "four obligors");
        for (uint256 i; i < 4; ++i) {
            vm.assertEq(obligors[i], nodes[i], "in minting order");
        }
        vm.assertEq(hours_.bondPerHourOf(id), DC_BOND_PER_HOUR, "bond per hour kept");
        vm.assertEq(hours_.totalSupply(id), 8, "supply");
    }
}
