// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {OracleFixture} from "./utils/OracleFixture.sol";
import {IAttestationOracle} from "../src/interfaces/IAttestationOracle.sol";
import {INodeRegistry} from "../src/interfaces/INodeRegistry.sol";
import {IComputeHours} from "../src/interfaces/IComputeHours.sol";
import {HourId} from "../src/libraries/HourId.sol";
import {IAccessControl} from "@openzeppelin/contracts/access/IAccessControl.sol";
import "../src/libraries/Constants.sol" as C;

/// @dev An independent attacker review of the oracle after issue 11's fixes found four more ways to profit; each test
/// is its exploit, asserting that it no longer pays. On the code before their fixes each failed: the review's versions
/// (which passed then) showed a false record costing its attester 0, a device owner 100 USD richer for challenging its
/// own fraud, a twin record blocking the honest one's claim, a fully published false record that could not be proven,
/// and a re-registered device framed with its old honest windows.
contract OracleReviewTest is OracleFixture {
    uint256 internal constant STAKE = 2_000e6;

    uint256 internal nodeA; // alice's station, DEVICE_KEY
    uint256 internal nodeB; // bob's station, OTHER_DEVICE_KEY
    uint32 internal slot;
    uint256 internal committedAt;
    address internal attesterSink = address(0x51CC); // a second address of the attester

    function setUp() public override {
        super.setUp();
        nodeA = registerStation(alice, device, STAKE);
        nodeB = registerStation(bob, otherDevice, STAKE);
        slot = slotNow();
        committedAt = HourId.startOf(slot + 1) + 5 minutes;
        vm.warp(committedAt);
    }

    // ---------------------------------------------------------------- helpers

    function _rec(uint256 nodeId, uint256 key, IAttestationOracle.Telemetry[] memory ms)
        internal
        view
        returns (IAttestationOracle.NodeHourRecord memory)
    {
        return recordOf(address(oracle), uint64(nodeId), slot, ms, signAll(address(oracle), key, ms));
    }

    function _filler() internal view returns (IAttestationOracle.NodeHourRecord memory) {
        return _rec(nodeB, OTHER_DEVICE_KEY, stationHour(otherDevice, 1, slot, 0, 3));
    }

    function _commitPair(IAttestationOracle.NodeHourRecord memory a, IAttestationOracle.NodeHourRecord memory b)
        internal
        returns (bytes32[] memory proofA, bytes32[] memory proofB)
    {
        commitAs(a.slot, hashPair(leafOf(a), leafOf(b)), 2);
        return (proofOf(leafOf(b)), proofOf(leafOf(a)));
    }

    function _finalAt() internal view returns (uint256) {
        return committedAt + C.CHALLENGE_WINDOW_SECONDS;
    }

    // ---------------------------------------------------------------- R1: self-challenge

    /// R1: the attester of a false record pre-commits a challenge from a second address and reveals first. It is paid
    /// only the challenger's reward (a fifth of the bond); the rest goes to the treasury, so the false record costs it
    /// four fifths of its bond whoever proves it.
    function test_exploit_selfChallengeOfAFalseRecordStillCosts() public {
        IAttestationOracle.Telemetry[] memory ms = stationHour(device, 1, slot, 0, 60);
        IAttestationOracle.NodeHourRecord memory forged = _rec(nodeA, DEVICE_KEY, ms);
        forged.greenWh += 10_000; // inflated aggregate: AggregateMismatch
        forged.gridWh = 0;
        uint256 attesterStart = token.balanceOf(attester);
        (bytes32[] memory proof,) = _commitPair(forged, _filler());

        vm.prank(attesterSink);
        oracle.commitChallenge(oracle.challengeCommitment(leafOf(forged), attesterSink, saltOf(attesterSink)));
        vm.roll(block.number + 1);
        vm.prank(attesterSink);
        oracle.challenge(forged, proof, ms, signAll(address(oracle), DEVICE_KEY, ms), saltOf(attesterSink));

        vm.warp(_finalAt());
        oracle.releaseBond(slot);
        vm.assertEq(
            attesterStart - (token.balanceOf(attester) + token.balanceOf(attesterSink)),
            ATTESTER_BOND - REWARD,
            "the false record cost its attester four fifths of a bond"
        );
    }

    /// R1b: the owner of a device that signed impossible data challenges its own record: it gets a fifth of the slash
    /// and of the bond, and loses the whole slash.
    function test_exploit_ownerSelfChallengeOfItsDeviceLoses() public {
        IAttestationOracle.Telemetry[] memory ms = stationHour(device, 1, slot, 0, 3);
        ms[1].pvWh = 100_000; // 6 MW in a minute from 500 kWp: impossible, signed by alice's own device
        ms[1].gridExportWh += 96_000;
        IAttestationOracle.NodeHourRecord memory r = _rec(nodeA, DEVICE_KEY, ms);
        (bytes32[] memory proof,) = _commitPair(r, _filler());

        uint256 wealthBefore = token.balanceOf(alice) + registry.node(nodeA).stakeUsdc6;
        armChallenge(alice, r);
        IAttestationOracle.Fault f = revealAs(alice, r, proof, ms, signAll(address(oracle), DEVICE_KEY, ms));
        vm.assertEq(uint256(f), uint256(IAttestationOracle.Fault.Impossible), "impossible");
        uint256 slash = STAKE * C.DEVICE_FRAUD_SLASH_BPS / C.BPS;
        uint256 wealthAfter = token.balanceOf(alice) + registry.node(nodeA).stakeUsdc6;
        vm.assertEq(
            wealthBefore - wealthAfter, slash - rewardOf(slash) - REWARD, "the fraud cost her 800 - 20 = 780 USD"
        );
    }

    // ---------------------------------------------------------------- R2: twin records of one node-hour

    /// R2: two records of one node-hour in a root are a fault (DuplicateNodeHour) proven from two proofs: both are
    /// excluded and each forfeits a bond, so no cherry-picked twin can be claimed and block the honest one.
    function test_exploit_twinRecordsOfANodeHourAreExcluded() public {
        IAttestationOracle.Telemetry[] memory all = stationHour(device, 1, slot, 0, 60);
        IAttestationOracle.NodeHourRecord memory honest = _rec(nodeA, DEVICE_KEY, all);
        IAttestationOracle.Telemetry[] memory green = new IAttestationOracle.Telemetry[](40);
        uint256 n;
        for (uint256 i; i < 60; ++i) {
            if (all[i].gridImportWh == 0) green[n++] = all[i];
        }
        IAttestationOracle.NodeHourRecord memory twin = _rec(nodeA, DEVICE_KEY, green);
        (bytes32[] memory proofHonest, bytes32[] memory proofTwin) = _commitPair(honest, twin);

        // Not duplicates: one record given twice, or records of other nodes.
        vm.expectRevert(abi.encodeWithSelector(IAttestationOracle.NotDuplicates.selector, leafOf(twin), leafOf(twin)));
        oracle.challengeDuplicate(twin, proofTwin, twin, proofTwin, bytes32(0));

        bytes32 pair = keccak256(abi.encode(leafOf(twin), leafOf(honest)));
        vm.prank(carol);
        oracle.commitChallenge(oracle.challengeCommitment(pair, carol, saltOf(carol)));
        vm.roll(block.number + 1);
        uint256 carolBefore = token.balanceOf(carol);
        vm.prank(carol);
        oracle.challengeDuplicate(twin, proofTwin, honest, proofHonest, saltOf(carol));
        vm.assertTrue(oracle.isExcluded(leafOf(twin)) && oracle.isExcluded(leafOf(honest)), "both excluded");
        vm.assertEq(token.balanceOf(carol) - carolBefore, 2 * REWARD, "two bonds forfeited");

        vm.warp(_finalAt());
        vm.expectRevert(abi.encodeWithSelector(IAttestationOracle.Excluded.selector, slot, leafOf(twin)));
        oracle.claim(twin, proofTwin);
        vm.assertFalse(hours_.nodeSlot(nodeA, slot).greenShareSet, "no cherry-picked share");
    }

    // ---------------------------------------------------------------- R3: published but unprovable

    /// R3: a record committing to entries that are not 65-byte signatures (the device signed nothing), all published,
    /// is proven BadSignature and never claimed.
    function test_exploit_shortSignaturesAreBadSignature() public {
        IAttestationOracle.Telemetry[] memory ms = stationHour(device, 1, slot, 0, 60);
        bytes[] memory sigs = new bytes[](60);
        for (uint256 i; i < 60; ++i) {
            ms[i].gridImportWh = 0;
            ms[i].uptimeS = 60;
            sigs[i] = hex"00";
        }
        IAttestationOracle.NodeHourRecord memory forged = recordOf(address(oracle), uint64(nodeA), slot, ms, sigs);
        (bytes32[] memory proof,) = _commitPair(forged, _filler());

        armChallenge(carol, forged);
        IAttestationOracle.Fault f = revealAs(carol, forged, proof, ms, sigs);
        vm.assertEq(uint256(f), uint256(IAttestationOracle.Fault.BadSignature), "bad signature");
        vm.warp(_finalAt());
        vm.expectRevert(abi.encodeWithSelector(IAttestationOracle.Excluded.selector, slot, leafOf(forged)));
        oracle.claim(forged, proof);
    }

    // ---------------------------------------------------------------- R4: a re-registered device framed

    /// R4: a slot can be committed only within 18 h of its end, shorter than the 7-day unbonding after which a device
    /// key can be bound to a new node: its old honest windows can never be committed against the new node's spec.
    function test_exploit_reRegisteredDeviceCannotBeFramed() public {
        uint32 oldSlot = slot; // not committed
        IAttestationOracle.Telemetry[] memory ms = stationHour(device, 1, oldSlot, 0, 3);
        bytes[] memory sigs = signAll(address(oracle), DEVICE_KEY, ms);
        vm.prank(alice);
        registry.requestExit(nodeA);
        vm.warp(block.timestamp + C.UNBONDING_DELAY_SECONDS);
        vm.prank(alice);
        registry.withdrawStake(nodeA);
        uint256 homeNode = registerAs(alice, homeSpec(device), 500e6);

        IAttestationOracle.NodeHourRecord memory framed = recordOf(address(oracle), uint64(homeNode), oldSlot, ms, sigs);
        uint256 deadline = (uint256(oldSlot) + 1) * 3600 + C.COMMIT_DEADLINE_SECONDS;
        vm.expectRevert(abi.encodeWithSelector(IAttestationOracle.CommitTooLate.selector, oldSlot, deadline));
        commitAs(oldSlot, hashPair(leafOf(framed), leafOf(_filler())), 2);
        vm.assertEq(registry.node(homeNode).stakeUsdc6, 500e6, "the new node keeps its stake");
    }

    /// The commit deadline at its boundary: 18 h after the slot's end, less a second, is in time.
    function test_commit_deadlineBoundary() public {
        uint256 deadline = (uint256(slot) + 1) * 3600 + C.COMMIT_DEADLINE_SECONDS;
        vm.assertEq(C.COMMIT_DEADLINE_SECONDS, 18 hours, "24 h of confirmations less 6 h of challenges");
        vm.warp(deadline);
        vm.expectRevert(abi.encodeWithSelector(IAttestationOracle.CommitTooLate.selector, slot, deadline));
        commitAs(slot, keccak256("late"), 1);
        vm.warp(deadline - 1);
        commitAs(slot, keccak256("in time"), 1);
    }

    /// Only the admin moves the treasury, never to zero.
    function test_setTreasury_adminOnly() public {
        bytes32 adminRole = oracle.DEFAULT_ADMIN_ROLE();
        vm.expectRevert(
            abi.encodeWithSelector(IAccessControl.AccessControlUnauthorizedAccount.selector, carol, adminRole)
        );
        vm.prank(carol);
        oracle.setTreasury(carol);
        vm.expectRevert(abi.encodeWithSelector(IAttestationOracle.ZeroAddress.selector, "treasury"));
        vm.prank(admin);
        oracle.setTreasury(address(0));
        vm.prank(admin);
        oracle.setTreasury(address(0x7EA5));
        vm.assertEq(oracle.treasury(), address(0x7EA5), "moved");
    }
}
