// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {Fixture} from "./utils/Fixture.sol";
import {INodeRegistry} from "../src/interfaces/INodeRegistry.sol";
import {IAccessControl} from "@openzeppelin/contracts/access/IAccessControl.sol";
import "../src/libraries/Constants.sol" as C;

contract NodeRegistryTest is Fixture {
    address internal constant DEVICE = address(0xD1);

    function test_register_storesSpecTakesStakeAndEmits() public {
        INodeRegistry.NodeSpec memory spec = stationSpec(DEVICE);
        vm.expectEmit(true, true, true, true);
        emit INodeRegistry.NodeRegistered(1, alice, DC_CLASS, spec, 2_000e6);
        uint256 nodeId = registerStation(alice, DEVICE, 2_000e6);

        vm.assertEq(nodeId, 1, "first node id");
        INodeRegistry.Node memory n = registry.node(nodeId);
        vm.assertEq(n.owner, alice, "owner");
        vm.assertEq(n.classId, DC_CLASS, "class from gpu model");
        vm.assertEq(n.gpuCount, 8, "gpuCount");
        vm.assertEq(n.pvWp, 500_000, "pvWp");
        vm.assertEq(n.stakeUsdc6, 2_000e6, "stake");
        vm.assertTrue(registry.statusOf(nodeId) == INodeRegistry.NodeStatus.Online, "online");
        vm.assertEq(registry.nodeOfDevice(DEVICE), nodeId, "device index");
        vm.assertEq(token.balanceOf(address(registry)), 2_000e6, "stake held");
        vm.assertEq(registry.totalStakeUsdc6(), 2_000e6, "total stake");
    }

    function test_register_rejectsDuplicateDevice() public {
        registerStation(alice, DEVICE, 2_000e6);
        vm.expectRevert(abi.encodeWithSelector(INodeRegistry.DeviceAlreadyRegistered.selector, DEVICE, 1));
        registerStation(bob, DEVICE, 2_000e6);
    }

    function test_register_rejectsStakeBelowSiteMinimum() public {
        vm.expectRevert(
            abi.encodeWithSelector(
                INodeRegistry.StakeBelowMinimum.selector, INodeRegistry.SiteType.Station, 999e6, STATION_MIN_STAKE
            )
        );
        registerStation(alice, DEVICE, 999e6);

        // The same stake is enough for a home.
        vm.prank(alice);
        registry.register(homeSpec(DEVICE), 999e6);
    }

    function test_register_rejectsZeroAndOversizedSpecs() public {
        INodeRegistry.NodeSpec memory spec = stationSpec(DEVICE);

        spec.gpuCount = 0;
        _expectInvalidSpec(spec, "gpuCount", 0);
        spec.gpuCount = C.MAX_GPU_COUNT + 1;
        _expectInvalidSpec(spec, "gpuCount", C.MAX_GPU_COUNT + 1);
        spec = stationSpec(DEVICE);

        spec.pvWp = 0;
        _expectInvalidSpec(spec, "pvWp", 0);
        spec.pvWp = C.MAX_PV_WP + 1;
        _expectInvalidSpec(spec, "pvWp", C.MAX_PV_WP + 1);
        spec = stationSpec(DEVICE);

        spec.batteryWh = C.MAX_BATTERY_WH + 1;
        _expectInvalidSpec(spec, "batteryWh", C.MAX_BATTERY_WH + 1);
        spec = stationSpec(DEVICE);

        spec.chargerW = C.MAX_CHARGER_W + 1;
        _expectInvalidSpec(spec, "chargerW", C.MAX_CHARGER_W + 1);
        spec = stationSpec(DEVICE);

        spec.siteType = INodeRegistry.SiteType.Pile; // a pile without chargers
        _expectInvalidSpec(spec, "chargerW", 0);
        spec = stationSpec(DEVICE);

        spec.gpuModel = bytes32(0);
        _expectInvalidSpec(spec, "gpuModel", 0);

        spec = stationSpec(address(0));
        vm.expectRevert(abi.encodeWithSelector(INodeRegistry.ZeroAddress.selector, "deviceSigner"));
        vm.prank(alice);
        registry.register(spec, 2_000e6);
    }

    function test_register_rejectsUnknownGpuModel() public {
        INodeRegistry.NodeSpec memory spec = stationSpec(DEVICE);
        spec.gpuModel = "ACME Toaster GPU";
        vm.expectRevert(abi.encodeWithSelector(INodeRegistry.UnknownGpuModel.selector, spec.gpuModel));
        vm.prank(alice);
        registry.register(spec, 2_000e6);
    }

    function test_register_rejectsBadGeohash() public {
        bytes12[4] memory bad =
            [bytes12(0), bytes12("w21a"), bytes12("W21Z"), bytes12(abi.encodePacked("w2", bytes1(0), "z"))];
        for (uint256 i; i < bad.length; ++i) {
            INodeRegistry.NodeSpec memory spec = stationSpec(DEVICE);
            spec.geohash = bad[i];
            vm.expectRevert(abi.encodeWithSelector(INodeRegistry.InvalidGeohash.selector, bad[i]));
            vm.prank(alice);
            registry.register(spec, 2_000e6);
        }
    }

    function test_exit_afterUnbondingReturnsStake() public {
        uint256 nodeId = registerStation(alice, DEVICE, 2_000e6);
        uint256 before = token.balanceOf(alice);

        vm.prank(alice);
        registry.requestExit(nodeId);
        vm.assertTrue(registry.statusOf(nodeId) == INodeRegistry.NodeStatus.Exiting, "exiting");

        uint256 endsAt = block.timestamp + C.UNBONDING_DELAY_SECONDS;
        vm.warp(endsAt - 1);
        vm.expectRevert(abi.encodeWithSelector(INodeRegistry.UnbondingNotOver.selector, nodeId, endsAt));
        vm.prank(alice);
        registry.withdrawStake(nodeId);

        vm.warp(endsAt);
        vm.prank(alice);
        registry.withdrawStake(nodeId);
        vm.assertEq(token.balanceOf(alice) - before, 2_000e6, "stake returned");
        vm.assertTrue(registry.statusOf(nodeId) == INodeRegistry.NodeStatus.Exited, "exited");
        vm.assertEq(registry.totalStakeUsdc6(), 0, "no stake left");

        vm.expectRevert(
            abi.encodeWithSelector(INodeRegistry.NodeNotExiting.selector, nodeId, INodeRegistry.NodeStatus.Exited)
        );
        vm.prank(alice);
        registry.withdrawStake(nodeId);
    }

    function test_exit_onlyOwner() public {
        uint256 nodeId = registerStation(alice, DEVICE, 2_000e6);
        vm.expectRevert(abi.encodeWithSelector(INodeRegistry.NotNodeOwner.selector, nodeId, bob));
        vm.prank(bob);
        registry.requestExit(nodeId);
    }

    function test_addStake_rejectsZeroUnknownAndExiting() public {
        uint256 nodeId = registerStation(alice, DEVICE, 2_000e6);
        vm.expectRevert(INodeRegistry.ZeroAmount.selector);
        vm.prank(bob);
        registry.addStake(nodeId, 0);
        vm.expectRevert(abi.encodeWithSelector(INodeRegistry.UnknownNode.selector, 7));
        vm.prank(bob);
        registry.addStake(7, 1e6);

        vm.prank(bob);
        registry.addStake(nodeId, 5e6);
        vm.assertEq(registry.node(nodeId).stakeUsdc6, 2_005e6, "topped up by anyone");

        vm.prank(alice);
        registry.requestExit(nodeId);
        vm.expectRevert(
            abi.encodeWithSelector(INodeRegistry.NodeNotOnline.selector, nodeId, INodeRegistry.NodeStatus.Exiting)
        );
        vm.prank(bob);
        registry.addStake(nodeId, 5e6);
    }

    function test_slash_onlyAttestorAndCappedAtStake() public {
        uint256 nodeId = registerStation(alice, DEVICE, 2_000e6);
        vm.expectRevert(
            abi.encodeWithSelector(
                IAccessControl.AccessControlUnauthorizedAccount.selector, bob, registry.ATTESTOR_ROLE()
            )
        );
        vm.prank(bob);
        registry.slash(nodeId, 1e6, bob, "fraud");

        vm.prank(attestor);
        uint256 taken = registry.slash(nodeId, 500e6, carol, "fraud");
        vm.assertEq(taken, 500e6, "slashed");
        vm.assertEq(registry.node(nodeId).stakeUsdc6, 1_500e6, "stake reduced");

        uint256 carolBefore = token.balanceOf(carol);
        vm.prank(attestor);
        taken = registry.slash(nodeId, 1e12, carol, "fraud");
        vm.assertEq(taken, 1_500e6, "capped at what is left");
        vm.assertEq(token.balanceOf(carol) - carolBefore, 1_500e6, "paid to recipient");
        vm.assertEq(token.balanceOf(address(registry)), 0, "nothing left held");
    }

    function test_obligationCalls_onlyObligationRole() public {
        uint256 nodeId = registerStation(alice, DEVICE, 2_000e6);
        bytes32 role = registry.OBLIGATION_ROLE();
        bytes memory err = abi.encodeWithSelector(IAccessControl.AccessControlUnauthorizedAccount.selector, alice, role);
        vm.startPrank(alice);
        vm.expectRevert(err);
        registry.bond(nodeId, 1);
        vm.expectRevert(err);
        registry.releaseBond(nodeId, 1);
        vm.expectRevert(err);
        registry.seizeBond(nodeId, 1, alice);
        vm.stopPrank();
    }

    function test_parameters_onlyAdminAndValidated() public {
        bytes memory err = abi.encodeWithSelector(
            IAccessControl.AccessControlUnauthorizedAccount.selector, alice, registry.DEFAULT_ADMIN_ROLE()
        );
        INodeRegistry.CapacityClass memory c = registry.capacityClass(1);
        vm.startPrank(alice);
        vm.expectRevert(err);
        registry.setMinimumStake(INodeRegistry.SiteType.Home, 0);
        vm.expectRevert(err);
        registry.setGpuModelClass(H100, CONSUMER_CLASS);
        vm.expectRevert(err);
        registry.setCapacityClass(3, c);
        vm.stopPrank();

        vm.startPrank(admin);
        vm.expectRevert(abi.encodeWithSelector(INodeRegistry.UnknownCapacityClass.selector, 9));
        registry.setGpuModelClass(H100, 9);
        c.bondPerHourUsdc6 = 0;
        vm.expectRevert(abi.encodeWithSelector(INodeRegistry.InvalidSpec.selector, "bondPerHourUsdc6", 0));
        registry.setCapacityClass(3, c);
        vm.expectRevert(abi.encodeWithSelector(INodeRegistry.UnknownCapacityClass.selector, 0));
        c.bondPerHourUsdc6 = 1;
        registry.setCapacityClass(0, c);
        vm.stopPrank();
    }

    function _expectInvalidSpec(INodeRegistry.NodeSpec memory spec, string memory field, uint256 value) private {
        vm.expectRevert(abi.encodeWithSelector(INodeRegistry.InvalidSpec.selector, field, value));
        vm.prank(alice);
        registry.register(spec, 2_000e6);
    }
}
