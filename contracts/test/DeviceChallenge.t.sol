// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {OracleFixture} from "./utils/OracleFixture.sol";
import {IAttestationOracle} from "../src/interfaces/IAttestationOracle.sol";
import {HourId} from "../src/libraries/HourId.sol";
import "../src/libraries/Constants.sol" as C;

/// @dev `challengeByDevice` (issue 19): a device that catches a misreport of its own node-hour challenges it from its
/// key and the challenger's share goes to the node's registered owner. Exploits: a front-runner copying the device's
/// commitment or reveal gains nothing, and no caller can redirect the reward.
contract DeviceChallengeTest is OracleFixture {
    uint256 internal constant STAKE = 2_000e6;
    uint256 internal nodeA; // alice's, signed by `device`
    uint256 internal nodeB; // bob's, signed by `otherDevice`
    uint32 internal slot;
    address internal mallory = address(0x3A11);

    IAttestationOracle.Telemetry[] internal ms;
    bytes[] internal sigs;
    IAttestationOracle.NodeHourRecord internal forged;
    bytes32[] internal proof;

    function setUp() public override {
        super.setUp();
        nodeA = registerStation(alice, device, STAKE);
        nodeB = registerStation(bob, otherDevice, STAKE);
        slot = slotNow();
        vm.warp(HourId.startOf(slot + 1) + 5 minutes);
        IAttestationOracle.Telemetry[] memory m = stationHour(device, 1, slot, 0, 5);
        bytes[] memory s = signAll(address(oracle), DEVICE_KEY, m);
        for (uint256 i; i < m.length; ++i) {
            ms.push(m[i]);
            sigs.push(s[i]);
        }
        // An attester that inflates the node's green energy keeps its messages: AggregateMismatch.
        forged = recordOf(address(oracle), uint64(nodeA), slot, m, s);
        forged.greenWh += 1;
        IAttestationOracle.Telemetry[] memory fm = stationHour(otherDevice, 1, slot, 0, 3);
        IAttestationOracle.NodeHourRecord memory filler =
            recordOf(address(oracle), uint64(nodeB), slot, fm, signAll(address(oracle), OTHER_DEVICE_KEY, fm));
        commitAs(slot, hashPair(leafOf(forged), leafOf(filler)), 2);
        proof = proofOf(leafOf(filler));
    }

    function _revealByDevice(address caller) internal returns (IAttestationOracle.Fault) {
        vm.prank(caller);
        return oracle.challengeByDevice(forged, proof, ms, sigs, saltOf(caller));
    }

    function test_challengeByDevice_paysTheOwnerNotTheDevice() public {
        uint256 aliceBefore = token.balanceOf(alice);
        uint256 treasuryBefore = token.balanceOf(admin);
        armChallenge(device, forged);
        vm.expectEmit(true, true, true, true);
        emit IAttestationOracle.RecordExcluded(
            slot, nodeA, leafOf(forged), IAttestationOracle.Fault.AggregateMismatch, alice, ATTESTER_BOND, 0
        );
        IAttestationOracle.Fault fault = _revealByDevice(device);

        vm.assertEq(uint256(fault), uint256(IAttestationOracle.Fault.AggregateMismatch), "aggregate mismatch");
        vm.assertTrue(oracle.isExcluded(leafOf(forged)), "excluded");
        vm.assertEq(token.balanceOf(alice) - aliceBefore, REWARD, "the owner is paid the challenger's share");
        vm.assertEq(token.balanceOf(device), 0, "the device key holds nothing");
        vm.assertEq(token.balanceOf(admin) - treasuryBefore, ATTESTER_BOND - REWARD, "the treasury the rest");
    }

    function test_challengeByDevice_rightRecordIsNoFraudAndChangesNothing() public {
        uint32 next = slot + 1;
        vm.warp(HourId.startOf(next + 1) + 5 minutes);
        IAttestationOracle.Telemetry[] memory hm = stationHour(device, 6, next, 0, 2);
        bytes[] memory hs = signAll(address(oracle), DEVICE_KEY, hm);
        IAttestationOracle.NodeHourRecord memory honest = recordOf(address(oracle), uint64(nodeA), next, hm, hs);
        IAttestationOracle.Telemetry[] memory fm = stationHour(otherDevice, 4, next, 0, 3);
        IAttestationOracle.NodeHourRecord memory filler =
            recordOf(address(oracle), uint64(nodeB), next, fm, signAll(address(oracle), OTHER_DEVICE_KEY, fm));
        commitAs(next, hashPair(leafOf(honest), leafOf(filler)), 2);
        bytes32[] memory p = proofOf(leafOf(filler));

        armChallenge(device, honest);
        bytes32 commitment = oracle.challengeCommitment(leafOf(honest), device, saltOf(device));
        uint256 aliceBefore = token.balanceOf(alice);
        vm.prank(device);
        vm.expectRevert(abi.encodeWithSelector(IAttestationOracle.NoFraud.selector, next, leafOf(honest)));
        oracle.challengeByDevice(honest, p, hm, hs, saltOf(device));
        vm.assertFalse(oracle.isExcluded(leafOf(honest)), "not excluded");
        vm.assertEq(token.balanceOf(alice), aliceBefore, "nothing paid");
        vm.assertTrue(oracle.challengeCommittedAt(commitment) != 0, "the commitment stays unspent");
    }

    function test_challengeByDevice_unknownNodeIsRefused() public {
        IAttestationOracle.NodeHourRecord memory r = forged;
        r.nodeId = 999;
        vm.prank(device);
        vm.expectRevert(abi.encodeWithSelector(IAttestationOracle.NotDeviceSigner.selector, 999, device, address(0)));
        oracle.challengeByDevice(r, proof, ms, sigs, saltOf(device));
    }

    /// A front-runner copying the device's reveal: to challengeByDevice it is not the signer; to challenge it has no
    /// commitment; committing its own now needs a later block, which the device's reveal has already landed in.
    function test_exploit_frontRunnerCopyingTheDevicesRevealGetsNothing() public {
        uint256 aliceBefore = token.balanceOf(alice);
        armChallenge(device, forged);
        bytes32 salt = saltOf(device);

        vm.prank(mallory);
        vm.expectRevert(abi.encodeWithSelector(IAttestationOracle.NotDeviceSigner.selector, nodeA, mallory, device));
        oracle.challengeByDevice(forged, proof, ms, sigs, salt);
        bytes32 mallorys = oracle.challengeCommitment(leafOf(forged), mallory, salt);
        vm.prank(mallory);
        vm.expectRevert(abi.encodeWithSelector(IAttestationOracle.ChallengeNotCommitted.selector, mallorys));
        oracle.challenge(forged, proof, ms, sigs, salt);
        vm.prank(mallory);
        oracle.commitChallenge(mallorys);
        vm.prank(mallory);
        vm.expectRevert(abi.encodeWithSelector(IAttestationOracle.ChallengeNotCommitted.selector, mallorys));
        oracle.challenge(forged, proof, ms, sigs, salt);

        _revealByDevice(device);
        vm.roll(block.number + 1);
        vm.prank(mallory);
        vm.expectRevert(abi.encodeWithSelector(IAttestationOracle.AlreadyExcluded.selector, slot, leafOf(forged)));
        oracle.challenge(forged, proof, ms, sigs, salt);
        vm.assertEq(token.balanceOf(mallory), 0, "the front-runner gets nothing");
        vm.assertEq(token.balanceOf(alice) - aliceBefore, REWARD, "the owner gets the reward");
    }

    /// A copy of the device's commitment sent by someone else records nothing new: it neither delays the device's
    /// reveal nor gives the copier a reveal of its own (the commitment binds the device's address).
    function test_exploit_copiedCommitmentGainsNothing() public {
        bytes32 commitment = oracle.challengeCommitment(leafOf(forged), device, saltOf(device));
        vm.prank(device);
        oracle.commitChallenge(commitment);
        uint256 committedIn = block.number;
        vm.roll(block.number + 1);
        vm.prank(mallory);
        oracle.commitChallenge(commitment);
        vm.assertEq(oracle.challengeCommittedAt(commitment), committedIn, "the device's block is kept");
        vm.roll(block.number + 1);
        vm.prank(mallory);
        vm.expectRevert(abi.encodeWithSelector(IAttestationOracle.NotDeviceSigner.selector, nodeA, mallory, device));
        oracle.challengeByDevice(forged, proof, ms, sigs, saltOf(device));

        uint256 aliceBefore = token.balanceOf(alice);
        _revealByDevice(device);
        vm.assertEq(token.balanceOf(alice) - aliceBefore, REWARD, "the owner is paid");
        vm.assertEq(token.balanceOf(mallory), 0, "the copier is not");
    }

    /// The recipient cannot be redirected: another node's device (bob's) is not node A's signer, so it can neither
    /// route node A's reward to bob nor to itself; and the owner is read at the reveal, from the registry.
    function test_exploit_recipientCannotBeRedirected() public {
        armChallenge(otherDevice, forged);
        vm.prank(otherDevice);
        vm.expectRevert(abi.encodeWithSelector(IAttestationOracle.NotDeviceSigner.selector, nodeA, otherDevice, device));
        oracle.challengeByDevice(forged, proof, ms, sigs, saltOf(otherDevice));

        uint256 bobBefore = token.balanceOf(bob);
        uint256 aliceBefore = token.balanceOf(alice);
        armChallenge(device, forged);
        _revealByDevice(device);
        vm.assertEq(token.balanceOf(bob), bobBefore, "bob (another node's owner) gets nothing");
        vm.assertEq(token.balanceOf(otherDevice), 0, "nor does bob's device");
        vm.assertEq(token.balanceOf(alice) - aliceBefore, REWARD, "alice, node A's owner, does");
    }

    /// The device catching its own impossible data (it signed it) slashes its own node: the owner gets a fifth of the
    /// slash and of the bond, and loses half the stake, so it never pays.
    function test_exploit_deviceChallengingItsOwnImpossibleDataNeverPays() public {
        uint32 next = slot + 1;
        vm.warp(HourId.startOf(next + 1) + 5 minutes);
        IAttestationOracle.Telemetry[] memory bad = stationHour(device, 6, next, 0, 3);
        bad[1].pvWh = 8_334; // 500 kWp for 60 s is at most 8,333 Wh
        bytes[] memory bs = signAll(address(oracle), DEVICE_KEY, bad);
        IAttestationOracle.NodeHourRecord memory r = recordOf(address(oracle), uint64(nodeA), next, bad, bs);
        IAttestationOracle.Telemetry[] memory fm = stationHour(otherDevice, 4, next, 0, 3);
        IAttestationOracle.NodeHourRecord memory filler =
            recordOf(address(oracle), uint64(nodeB), next, fm, signAll(address(oracle), OTHER_DEVICE_KEY, fm));
        commitAs(next, hashPair(leafOf(r), leafOf(filler)), 2);

        uint256 slash = STAKE * C.DEVICE_FRAUD_SLASH_BPS / C.BPS;
        uint256 aliceBefore = token.balanceOf(alice);
        armChallenge(device, r);
        vm.prank(device);
        IAttestationOracle.Fault fault = oracle.challengeByDevice(r, proofOf(leafOf(filler)), bad, bs, saltOf(device));
        vm.assertEq(uint256(fault), uint256(IAttestationOracle.Fault.Impossible), "impossible");
        uint256 gained = token.balanceOf(alice) - aliceBefore;
        vm.assertEq(gained, rewardOf(slash) + REWARD, "a fifth of the slash and of the bond");
        vm.assertEq(registry.node(nodeA).stakeUsdc6, STAKE - slash, "half the stake is gone");
        vm.assertTrue(gained < slash, "the owner ends worse off");
    }
}
