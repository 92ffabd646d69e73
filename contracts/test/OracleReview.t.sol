// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {OracleFixture} from "./utils/OracleFixture.sol";
import {IAttestationOracle} from "../src/interfaces/IAttestationOracle.sol";
import {INodeRegistry} from "../src/interfaces/INodeRegistry.sol";
import {IComputeHours} from "../src/interfaces/IComputeHours.sol";
import {HourId} from "../src/libraries/HourId.sol";
import "../src/libraries/Constants.sol" as C;

/// @dev Review 3 of the attestation oracle. Every test here PASSES when it demonstrates the problem it names: the
/// assertions state the broken promise as it stands today.
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

    // ---------------------------------------------------------------- R1: pre-committed self-challenge

    /// R1 (HIGH). DEMONSTRATES THE PROBLEM. The commit-reveal only stops copies made *after* a reveal is seen; it does
    /// not stop a party that knows the fault in advance (the attester of a false record, the owner of a device that signed
    /// impossible data) from committing a challenge of its own right after the slot commit and keeping it unrevealed. When
    /// an honest challenger's reveal appears in the mempool, the fraudster reveals first (higher fee): the record is
    /// excluded, the bond goes back to the attester's own second address, and the honest challenger's reveal reverts with
    /// AlreadyExcluded. A false record then costs the attester nothing (200 USD pulled, 200 USD back) while nobody else can
    /// ever be paid for proving it, so nobody has a reason to watch.
    function test_R1_attesterPreCommitsSelfChallenge_falseRecordCostsNothing() public {
        IAttestationOracle.Telemetry[] memory ms = stationHour(device, 1, slot, 0, 60);
        IAttestationOracle.NodeHourRecord memory forged = _rec(nodeA, DEVICE_KEY, ms);
        forged.greenWh += 10_000; // inflated aggregate: AggregateMismatch
        forged.gridWh = 0;
        (bytes32[] memory proof,) = _commitPair(forged, _filler());
        uint256 attesterStart = token.balanceOf(attester) + 2 * ATTESTER_BOND; // before the 2-record bond was pulled
        vm.assertEq(token.balanceOf(attester), 1_000_000e6 - 200e6, "commit pulled 2 x 100 USD");

        // Block n+1: the attester's sink commits its standing challenge at once.
        vm.prank(attesterSink);
        oracle.commitChallenge(oracle.challengeCommitment(leafOf(forged), attesterSink, saltOf(attesterSink)));
        vm.roll(block.number + 1);
        vm.warp(block.timestamp + 1 hours);

        // Carol finds the fraud an hour later, commits, and broadcasts her reveal the next block.
        armChallenge(carol, forged);
        uint256 carolBefore = token.balanceOf(carol);
        // The attester sees the reveal in the mempool and front-runs it with its own, committed long before.
        vm.prank(attesterSink);
        oracle.challenge(forged, proof, ms, signAll(address(oracle), DEVICE_KEY, ms), saltOf(attesterSink));
        vm.expectRevert(
            abi.encodeWithSelector(IAttestationOracle.AlreadyExcluded.selector, slot, leafOf(forged))
        );
        revealAs(carol, forged, proof, ms, signAll(address(oracle), DEVICE_KEY, ms));

        vm.warp(_finalAt());
        oracle.releaseBond(slot);
        vm.assertEq(token.balanceOf(carol), carolBefore, "the honest challenger earns nothing");
        vm.assertEq(
            token.balanceOf(attester) + token.balanceOf(attesterSink), attesterStart, "the false record cost the attester 0"
        );
    }

    /// R1b (HIGH, same cause). DEMONSTRATES THE PROBLEM. "Slash goes to the challenger: self-challenge nets what?" The
    /// owner of a device that signed physically impossible data challenges its own record (pre-committed, front-running
    /// anyone else): the DEVICE_FRAUD_SLASH_BPS slash (1,000 USD of a 2,000 USD stake) is paid to the owner itself, plus
    /// the attester's 100 USD bond. The owner's wealth rises by 100 USD, and 1,000 USD of stake leaves at once,
    /// bypassing the 7-day unbonding delay. The device-fraud penalty is zero for anyone who challenges first, and the
    /// fraudster always knows first.
    function test_R1b_ownerSelfChallengeOfImpossibleTelemetry_netsTheBondAndSkipsUnbonding() public {
        IAttestationOracle.Telemetry[] memory ms = stationHour(device, 1, slot, 0, 3);
        ms[1].pvWh = 100_000; // 6 MW in a minute from 500 kWp: impossible, signed by alice's own device
        ms[1].gridExportWh += 96_000;
        IAttestationOracle.NodeHourRecord memory r = _rec(nodeA, DEVICE_KEY, ms);
        (bytes32[] memory proof,) = _commitPair(r, _filler());

        uint256 aliceBalance = token.balanceOf(alice);
        uint256 aliceStake = registry.node(nodeA).stakeUsdc6;
        vm.assertEq(aliceStake, 2_000e6, "stake");
        armChallenge(alice, r);
        armChallenge(carol, r); // an honest challenger, one block later
        IAttestationOracle.Fault f = revealAs(alice, r, proof, ms, signAll(address(oracle), DEVICE_KEY, ms));
        vm.assertEq(uint256(f), uint256(IAttestationOracle.Fault.Impossible), "impossible");
        vm.expectRevert(abi.encodeWithSelector(IAttestationOracle.AlreadyExcluded.selector, slot, leafOf(r)));
        revealAs(carol, r, proof, ms, signAll(address(oracle), DEVICE_KEY, ms));

        uint256 stakeAfter = registry.node(nodeA).stakeUsdc6;
        vm.assertEq(stakeAfter, 1_000e6, "half the stake slashed");
        vm.assertEq(token.balanceOf(alice), aliceBalance + 1_000e6 + ATTESTER_BOND, "slash + bond paid to the owner");
        vm.assertEq(
            token.balanceOf(alice) + stakeAfter, aliceBalance + aliceStake + 100e6, "the fraudster is 100 USD richer"
        );
    }

    // ---------------------------------------------------------------- R2: twin records of one node-hour

    /// R2 (MEDIUM). DEMONSTRATES THE PROBLEM. Two records of the same (nodeId, slot) in one root are not a fault. An
    /// attester (or one colluding with the node) commits the honest 60-window record and a twin made of the device's 40
    /// genuinely signed windows without grid import. Neither can be challenged (NoFraud); whoever claims first sets the
    /// green share, so the cherry-picked twin is claimed at 100 % while the honest record (88.88 %) can never be claimed:
    /// its claim reverts with GreenShareAlreadySet. A third party can use the same race to deny the node its PoGCS credit
    /// (the twin has 2,360 s of uptime, the honest record 3,540 s). Twins are visible on chain and provable from two proofs.
    function test_R2_twinRecordOfANodeHour_cherryPickedShareWinsAndHonestClaimIsBlocked() public {
        IAttestationOracle.Telemetry[] memory all = stationHour(device, 1, slot, 0, 60);
        IAttestationOracle.NodeHourRecord memory honest = _rec(nodeA, DEVICE_KEY, all);
        IAttestationOracle.Telemetry[] memory green = new IAttestationOracle.Telemetry[](40);
        uint256 n;
        for (uint256 i; i < 60; ++i) {
            if (all[i].gridImportWh == 0) green[n++] = all[i];
        }
        IAttestationOracle.NodeHourRecord memory twin = _rec(nodeA, DEVICE_KEY, green);
        vm.assertEq(oracle.greenShareBps(honest.greenWh, honest.gridWh), 8_888, "honest share");
        vm.assertEq(oracle.greenShareBps(twin.greenWh, twin.gridWh), 10_000, "twin share");
        (bytes32[] memory proofHonest, bytes32[] memory proofTwin) = _commitPair(honest, twin);

        armChallenge(carol, twin);
        vm.expectRevert(abi.encodeWithSelector(IAttestationOracle.NoFraud.selector, slot, leafOf(twin)));
        revealAs(carol, twin, proofTwin, green, signAll(address(oracle), DEVICE_KEY, green));

        vm.assertEq(honest.uptimeS, 3_540, "the honest hour earns a PoGCS credit (>= 3,240 s)");
        vm.assertEq(twin.uptimeS, 2_360, "the twin does not");

        vm.warp(_finalAt());
        vm.prank(carol); // anyone may pick which twin to claim
        (uint16 share, bool credited) = oracle.claim(twin, proofTwin);
        vm.assertEq(share, 10_000, "the cherry-picked twin sets 100 %");
        vm.assertFalse(credited, "no credit");
        vm.expectRevert(abi.encodeWithSelector(IComputeHours.GreenShareAlreadySet.selector, nodeA, slot));
        oracle.claim(honest, proofHonest);
        vm.assertEq(hours_.nodeSlot(nodeA, slot).greenShareBps, 10_000, "on chain: 100 % green");
        vm.assertEq(oracle.pogcsCredits(nodeA), 0, "and the node's proven hour is lost for good");
    }

    // ---------------------------------------------------------------- R3: published but unprovable

    /// R3 (MEDIUM). DEMONSTRATES THE PROBLEM. A record whose messagesHash commits to a signature that is not 65 bytes
    /// long is false (its device signed nothing) yet cannot be proven even when the attester publishes every message and
    /// "signature": the challenge requires fixed-width entries and reverts MessagesHashMismatch with got == expected.
    /// Here 60 windows the device never signed, one 1-byte "signature" each, claim 100 % green and a PoGCS credit and
    /// are claimed. Unlike a withheld record, this one is fully published and visibly false. No alternative parse of an
    /// honest record exists without a digest preimage, so the width rule buys nothing: a non-65-byte committed signature
    /// should be the BadSignature fault.
    function test_R3_recordWithShortSignaturesIsPublishedFalseAndClaimable() public {
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
        vm.expectRevert(
            abi.encodeWithSelector(
                IAttestationOracle.MessagesHashMismatch.selector, forged.messagesHash, forged.messagesHash
            )
        );
        revealAs(carol, forged, proof, ms, sigs);

        vm.warp(_finalAt());
        (uint16 share, bool credited) = oracle.claim(forged, proof);
        vm.assertEq(share, 10_000, "100 % green from windows the device never signed");
        vm.assertTrue(credited, "and a PoGCS credit");
        vm.assertEq(oracle.pogcsCredits(nodeA), 1, "credited");
    }

    // ---------------------------------------------------------------- R4: a re-registered device framed

    /// R4 (LOW). DEMONSTRATES THE PROBLEM. Telemetry names the device, not the node. Alice's device signs honest station
    /// windows in slot S, which the attester leaves uncommitted (any outage, or on purpose). Alice exits, withdraws, and
    /// re-registers the same device as a small home node (8 kWp). The attester then commits slot S (commit accepts any
    /// past slot) with a record for the *new* node made of the device's honest slot-S station windows: against the home
    /// node's limits they are Impossible, and half of the new node's stake goes to the attester's accomplice.
    function test_R4_reRegisteredDeviceIsFramedWithItsOldHonestWindows() public {
        uint32 oldSlot = slot; // not committed
        IAttestationOracle.Telemetry[] memory ms = stationHour(device, 1, oldSlot, 0, 3);
        bytes[] memory sigs = signAll(address(oracle), DEVICE_KEY, ms); // honest, within the station's bounds
        for (uint256 i; i < 3; ++i) {
            vm.assertEq(
                uint256(oracle.violationOf(nodeA, ms[i])), uint256(IAttestationOracle.Violation.None), "honest window"
            );
        }

        vm.prank(alice);
        registry.requestExit(nodeA);
        vm.warp(block.timestamp + C.UNBONDING_DELAY_SECONDS);
        vm.prank(alice);
        registry.withdrawStake(nodeA);
        uint256 homeNode = registerAs(alice, homeSpec(device), 500e6);

        IAttestationOracle.NodeHourRecord memory framed =
            recordOf(address(oracle), uint64(homeNode), oldSlot, ms, sigs);
        bytes32 fillerLeaf = leafOf(_filler()); // node B's honest record of slot S (`slot` is still S)
        commitAs(oldSlot, hashPair(leafOf(framed), fillerLeaf), 2);

        uint256 before = token.balanceOf(carol);
        armChallenge(carol, framed);
        IAttestationOracle.Fault f = revealAs(carol, framed, proofOf(fillerLeaf), ms, sigs);
        vm.assertEq(uint256(f), uint256(IAttestationOracle.Fault.Impossible), "honest windows read as impossible");
        vm.assertEq(registry.node(homeNode).stakeUsdc6, 250e6, "the new node lost half its stake");
        vm.assertEq(token.balanceOf(carol), before + 250e6 + ATTESTER_BOND, "slash + bond to the accomplice");
    }
}
