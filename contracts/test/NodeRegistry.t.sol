// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {Fixture} from "./utils/Fixture.sol";
import {INodeRegistry} from "../src/interfaces/INodeRegistry.sol";
import {IAccessControl} from "@openzeppelin/contracts/access/IAccessControl.sol";
import "../src/libraries/Constants.sol" as C;

contract NodeRegistryTest is Fixture {
    address internal DEVICE;

    function setUp() public override {
        super.setUp();
        DEVICE = deviceAddr(0xD1);
    }

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
        _expectRegisterRevert(
            bob,
            stationSpec(DEVICE),
            2_000e6,
            abi.encodeWithSelector(INodeRegistry.DeviceAlreadyRegistered.selector, DEVICE, 1)
        );
    }

    function test_register_rejectsStakeBelowSiteMinimum() public {
        _expectRegisterRevert(
            alice,
            stationSpec(DEVICE),
            999e6,
            abi.encodeWithSelector(
                INodeRegistry.StakeBelowMinimum.selector, INodeRegistry.SiteType.Station, 999e6, STATION_MIN_STAKE
            )
        );

        // The same stake is enough for a home.
        registerAs(alice, homeSpec(DEVICE), 999e6);
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
        registry.register(spec, 2_000e6, bindingDeadline(), "");
    }

    function test_register_rejectsUnknownGpuModel() public {
        INodeRegistry.NodeSpec memory spec = stationSpec(DEVICE);
        spec.gpuModel = "ACME Toaster GPU";
        _expectRegisterRevert(
            alice, spec, 2_000e6, abi.encodeWithSelector(INodeRegistry.UnknownGpuModel.selector, spec.gpuModel)
        );
    }

    function test_register_rejectsBadGeohash() public {
        bytes12[4] memory bad =
            [bytes12(0), bytes12("w21a"), bytes12("W21Z"), bytes12(abi.encodePacked("w2", bytes1(0), "z"))];
        for (uint256 i; i < bad.length; ++i) {
            INodeRegistry.NodeSpec memory spec = stationSpec(DEVICE);
            spec.geohash = bad[i];
            _expectRegisterRevert(
                alice, spec, 2_000e6, abi.encodeWithSelector(INodeRegistry.InvalidGeohash.selector, bad[i])
            );
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
        vm.expectRevert(abi.encodeWithSelector(INodeRegistry.ZeroAmount.selector, "amountUsdc6"));
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

    function test_slash_onlySlasherAndCappedAtFreeStake() public {
        uint256 nodeId = registerStation(alice, DEVICE, 2_000e6);
        vm.expectRevert(
            abi.encodeWithSelector(
                IAccessControl.AccessControlUnauthorizedAccount.selector, bob, registry.SLASHER_ROLE()
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
        vm.assertEq(registry.node(nodeId).slashDebtUsdc6, 0, "nothing bonded: no debt");
        vm.assertEq(token.balanceOf(carol) - carolBefore, 1_500e6, "paid to recipient");
        vm.assertEq(token.balanceOf(address(registry)), 0, "nothing left held");
    }

    /// Finding 5: a device key seen in a pending registration (or on its MQTT topic) cannot be bound by anyone else.
    function test_exploit_deviceKeySquattingRejected() public {
        bytes memory aliceBinding = deviceBinding(alice, DEVICE); // in alice's pending transaction
        vm.expectRevert(abi.encodeWithSelector(INodeRegistry.InvalidDeviceSignature.selector, DEVICE, _recover(bob)));
        vm.prank(bob);
        registry.register(homeSpec(DEVICE), HOME_MIN_STAKE, bindingDeadline(), aliceBinding);
        vm.assertEq(registry.nodeOfDevice(DEVICE), 0, "not bound to the squatter");

        // A key of bob's own signing for the device does not help either.
        address bobsKey = deviceAddr(0xB0B);
        (uint8 v, bytes32 r, bytes32 sig) =
            vm.sign(0xB0B, registry.deviceBindingDigest(bob, DEVICE, 0, bindingDeadline()));
        vm.expectRevert(abi.encodeWithSelector(INodeRegistry.InvalidDeviceSignature.selector, DEVICE, bobsKey));
        vm.prank(bob);
        registry.register(homeSpec(DEVICE), HOME_MIN_STAKE, bindingDeadline(), abi.encodePacked(r, sig, v));

        vm.prank(alice);
        registry.register(homeSpec(DEVICE), HOME_MIN_STAKE, bindingDeadline(), aliceBinding);
        vm.assertEq(registry.nodeOfDevice(DEVICE), 1, "bound to the owner the device signed for");
        vm.assertEq(registry.deviceNonce(DEVICE), 1, "binding used");
    }

    function _recover(address owner) private view returns (address) {
        (uint8 v, bytes32 r, bytes32 sig) =
            vm.sign(deviceKeyOf[DEVICE], registry.deviceBindingDigest(alice, DEVICE, 0, bindingDeadline()));
        return ecrecover(registry.deviceBindingDigest(owner, DEVICE, 0, bindingDeadline()), v, r, sig);
    }

    function test_register_rejectsMalformedExpiredAndReplayedBindings() public {
        vm.expectRevert(abi.encodeWithSelector(INodeRegistry.InvalidDeviceSignature.selector, DEVICE, address(0)));
        vm.prank(alice);
        registry.register(stationSpec(DEVICE), 2_000e6, bindingDeadline(), hex"1234");

        // A binding lapses at its deadline.
        bytes memory binding = deviceBinding(alice, DEVICE);
        uint256 deadline = bindingDeadline();
        vm.warp(deadline + 1);
        vm.expectRevert(abi.encodeWithSelector(INodeRegistry.BindingExpired.selector, deadline, deadline + 1));
        vm.prank(alice);
        registry.register(stationSpec(DEVICE), 2_000e6, deadline, binding);

        // A used binding (nonce 0) cannot bind the key again, even to the same owner, even before its deadline.
        uint256 far = block.timestamp + 30 days;
        (uint8 v, bytes32 r, bytes32 sig) = vm.sign(0xD1, registry.deviceBindingDigest(alice, DEVICE, 0, far));
        binding = abi.encodePacked(r, sig, v);
        vm.prank(alice);
        uint256 nodeId = registry.register(stationSpec(DEVICE), 2_000e6, far, binding);
        vm.prank(alice);
        registry.requestExit(nodeId);
        vm.warp(block.timestamp + C.UNBONDING_DELAY_SECONDS);
        vm.prank(alice);
        registry.withdrawStake(nodeId);
        vm.expectRevert(
            abi.encodeWithSelector(
                INodeRegistry.InvalidDeviceSignature.selector,
                DEVICE,
                _recoverAt(binding, registry.deviceBindingDigest(alice, DEVICE, 1, far))
            )
        );
        vm.prank(alice);
        registry.register(stationSpec(DEVICE), 2_000e6, far, binding);
    }

    function _recoverAt(bytes memory sig, bytes32 digest) private pure returns (address) {
        bytes32 r;
        bytes32 s_;
        uint8 v;
        assembly {
            r := mload(add(sig, 32))
            s_ := mload(add(sig, 64))
            v := byte(0, mload(add(sig, 96)))
        }
        return ecrecover(digest, v, r, s_);
    }

    /// Finding 5: an exited node's device key can be registered again (the binding was never cleared).
    function test_exitedDeviceKeyCanRegisterAgain() public {
        uint256 nodeId = registerStation(alice, DEVICE, 2_000e6);
        vm.prank(alice);
        registry.requestExit(nodeId);
        _expectRegisterRevert(
            bob,
            stationSpec(DEVICE),
            2_000e6,
            abi.encodeWithSelector(INodeRegistry.DeviceAlreadyRegistered.selector, DEVICE, 1)
        );
        vm.warp(block.timestamp + C.UNBONDING_DELAY_SECONDS);
        vm.prank(alice);
        registry.withdrawStake(nodeId);
        vm.assertEq(registry.nodeOfDevice(DEVICE), 0, "binding cleared at exit");

        uint256 again = registerStation(bob, DEVICE, 2_000e6); // the device was sold to bob and signed for him
        vm.assertEq(again, 2, "new node");
        vm.assertEq(registry.node(again).owner, bob, "new owner");
        vm.assertEq(registry.nodeOfDevice(DEVICE), 2, "bound to the new node");
    }

    /// Finding 6: the node's power bound is fixed at registration; a later class update does not move it.
    function test_classUpdateKeepsRegisteredPowerBound() public {
        uint256 nodeId = registerStation(alice, DEVICE, 2_000e6);
        vm.assertEq(registry.node(nodeId).gpuPowerWMax, 8 * 700, "8 GPUs x 700 W");
        INodeRegistry.CapacityClass memory c = registry.capacityClass(DC_CLASS);
        c.boardPowerWMax = 650;
        vm.prank(admin);
        registry.setCapacityClass(DC_CLASS, c);
        vm.assertEq(registry.node(nodeId).gpuPowerWMax, 8 * 700, "unchanged by the class update");
        uint256 later = registerStation(bob, deviceAddr(0xD2), 2_000e6);
        vm.assertEq(registry.node(later).gpuPowerWMax, 8 * 650, "new registrations take the new bound");
    }

    /// Finding 9: a slash never takes bonded stake; what it cannot take now is paid from bond releases, and a seizure
    /// for a buyer comes first. New bonds keep the fraud reserve free, so only a later slash can leave a debt.
    function test_slashDebt_paidFromReleasesAfterBuyers() public {
        uint256 nodeId = registerStation(alice, DEVICE, 2_000e6);
        vm.assertEq(registry.bondableUsdc6(nodeId), 1_000e6, "half the stake is the fraud reserve");
        vm.startPrank(address(hours_));
        vm.expectRevert(abi.encodeWithSelector(INodeRegistry.InsufficientFreeStake.selector, nodeId, 1_000e6, 1_001e6));
        registry.bond(nodeId, 1_001e6);
        registry.bond(nodeId, 1_000e6);
        vm.stopPrank();

        // The first fraud slash (half the stake) is paid in full from the reserve; the node is put into exit.
        vm.prank(attestor);
        vm.assertEq(registry.slash(nodeId, 1_000e6, carol, "fraud"), 1_000e6, "paid now");
        INodeRegistry.Node memory n = registry.node(nodeId);
        vm.assertEq(n.slashDebtUsdc6, 0, "no debt");
        vm.assertTrue(n.status == INodeRegistry.NodeStatus.Exiting, "a cheat sells nothing more");
        vm.assertEq(n.bondedUsdc6, 1_000e6, "bond intact");

        // A second one finds no free stake: it is owed, out of the bonds as they are released.
        vm.prank(attestor);
        vm.assertEq(registry.slash(nodeId, 800e6, carol, "fraud"), 0, "nothing free");
        vm.assertEq(registry.node(nodeId).slashDebtUsdc6, 800e6, "owed");
        vm.assertEq(registry.slashDebtRecipient(nodeId), carol, "to the challenger");
        // A third adds to the debt (the first challenger is paid first), never beyond what is bonded.
        vm.prank(attestor);
        registry.slash(nodeId, 500e6, bob, "fraud");
        vm.assertEq(registry.node(nodeId).slashDebtUsdc6, 1_000e6, "debt capped at bonded");

        // A buyer is paid its bond in full first; the debt shrinks to what stays bonded.
        vm.prank(address(hours_));
        vm.assertEq(registry.seizeBond(nodeId, 400e6, bob), 400e6, "buyer paid in full");
        vm.assertEq(registry.node(nodeId).slashDebtUsdc6, 600e6, "debt <= bonded");

        uint256 carolBefore = token.balanceOf(carol);
        vm.prank(address(hours_));
        uint256 released = registry.releaseBond(nodeId, 600e6);
        vm.assertEq(released, 0, "all of it pays the debt");
        vm.assertEq(token.balanceOf(carol) - carolBefore, 600e6, "debt paid to the challenger");
        n = registry.node(nodeId);
        vm.assertEq(n.slashDebtUsdc6, 0, "debt paid");
        vm.assertEq(n.bondedUsdc6, 0, "nothing bonded");
        vm.assertEq(n.stakeUsdc6, 0, "stake used up");
        vm.assertEq(registry.totalStakeUsdc6(), token.balanceOf(address(registry)), "ledger");
    }

    /// forge-config: default.fuzz.runs = 10000
    /// No key but the device's own binds it, for any owner: a squatter's signature never registers.
    function testFuzz_register_onlyTheDeviceKeyBinds(uint256 squatterKey, address squatter) public {
        squatterKey = bound(squatterKey, 1, 2 ** 255);
        vm.assume(squatterKey != deviceKeyOf[DEVICE] && squatter != address(0));
        uint256 deadline = bindingDeadline();
        (uint8 v, bytes32 r, bytes32 sig) =
            vm.sign(squatterKey, registry.deviceBindingDigest(squatter, DEVICE, registry.deviceNonce(DEVICE), deadline));
        vm.expectRevert(
            abi.encodeWithSelector(INodeRegistry.InvalidDeviceSignature.selector, DEVICE, vm.addr(squatterKey))
        );
        vm.prank(squatter);
        registry.register(homeSpec(DEVICE), HOME_MIN_STAKE, deadline, abi.encodePacked(r, sig, v));
        // The device's binding to alice, replayed by the squatter, recovers to someone else too.
        bytes memory aliceBinding = deviceBinding(alice, DEVICE);
        if (squatter != alice) {
            vm.expectRevert();
            vm.prank(squatter);
            registry.register(homeSpec(DEVICE), HOME_MIN_STAKE, deadline, aliceBinding);
        }
        vm.assertEq(registry.nodeOfDevice(DEVICE), 0, "never bound to a squatter");
    }

    /// forge-config: default.fuzz.runs = 10000
    /// A class update, to any power, never moves the power bound of a node already registered.
    function testFuzz_classUpdateNeverMovesRegisteredBound(uint32 boardPowerW, uint16 gpuCount) public {
        INodeRegistry.NodeSpec memory spec = stationSpec(DEVICE);
        spec.gpuCount = uint16(bound(gpuCount, 1, C.MAX_GPU_COUNT));
        uint256 nodeId = registerAs(alice, spec, 2_000e6);
        INodeRegistry.CapacityClass memory c = registry.capacityClass(DC_CLASS);
        c.boardPowerWMax = uint32(bound(boardPowerW, 1, C.MAX_GPU_BOARD_POWER_W));
        vm.prank(admin);
        registry.setCapacityClass(DC_CLASS, c);
        vm.assertEq(registry.node(nodeId).gpuPowerWMax, uint256(700) * spec.gpuCount, "bound of the registration");
    }

    function test_bondCalls_rejectMoreThanBonded() public {
        uint256 nodeId = registerStation(alice, DEVICE, 2_000e6);
        vm.startPrank(address(hours_));
        registry.bond(nodeId, 10e6);
        vm.expectRevert(abi.encodeWithSelector(INodeRegistry.BondExceedsBonded.selector, nodeId, 11e6, 10e6));
        registry.releaseBond(nodeId, 11e6);
        vm.expectRevert(abi.encodeWithSelector(INodeRegistry.BondExceedsBonded.selector, nodeId, 11e6, 10e6));
        registry.seizeBond(nodeId, 11e6, bob);
        vm.stopPrank();
    }

    /// The admin cannot give itself the power to move stake: the wiring role, renounced after deploy, grants it.
    function test_roles_wiringRoleAloneGrantsStakePowers() public {
        bytes32 obligation = registry.OBLIGATION_ROLE();
        bytes32 slasher = registry.SLASHER_ROLE();
        bytes32 wiring = registry.WIRING_ROLE();
        vm.assertEq(registry.getRoleAdmin(obligation), wiring, "obligation under wiring");
        vm.assertEq(registry.getRoleAdmin(slasher), wiring, "slasher under wiring");
        vm.prank(admin);
        registry.renounceRole(wiring, admin);
        vm.expectRevert(abi.encodeWithSelector(IAccessControl.AccessControlUnauthorizedAccount.selector, admin, wiring));
        vm.prank(admin);
        registry.grantRole(obligation, admin);
        vm.expectRevert(abi.encodeWithSelector(IAccessControl.AccessControlUnauthorizedAccount.selector, admin, wiring));
        vm.prank(admin);
        registry.grantRole(slasher, admin);
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
            IAccessControl.AccessControlUnauthorizedAccount.selector, alice, registry.PARAMETER_ROLE()
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
        c.boardPowerWMax = C.MAX_GPU_BOARD_POWER_W + 1;
        vm.expectRevert(
            abi.encodeWithSelector(INodeRegistry.InvalidSpec.selector, "boardPowerWMax", C.MAX_GPU_BOARD_POWER_W + 1)
        );
        registry.setCapacityClass(3, c);
        vm.stopPrank();
    }

    function _expectInvalidSpec(INodeRegistry.NodeSpec memory spec, string memory field, uint256 value) private {
        _expectRegisterRevert(
            alice, spec, 2_000e6, abi.encodeWithSelector(INodeRegistry.InvalidSpec.selector, field, value)
        );
    }

    /// @dev Signs the binding first: expectRevert applies to the next call, which must be the registration.
    function _expectRegisterRevert(address owner, INodeRegistry.NodeSpec memory spec, uint256 stake, bytes memory err)
        private
    {
        bytes memory binding = deviceBinding(owner, spec.deviceSigner);
        uint256 deadline = bindingDeadline();
        vm.expectRevert(err);
        vm.prank(owner);
        registry.register(spec, stake, deadline, binding);
    }
}
