// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {OracleFixture} from "./utils/OracleFixture.sol";
import {IAttestationOracle} from "../src/interfaces/IAttestationOracle.sol";
import {IAccessControl} from "@openzeppelin/contracts/access/IAccessControl.sol";
import {HourId} from "../src/libraries/HourId.sol";
import "../src/libraries/Constants.sol" as C;

/// @dev Signed ingest receipts (issue 19, docs/TELEMETRY.md section 5): a dropped window is proven with the receipt
/// and the record's committed windows (`challengeDroppedWindow`), an omitted record by answer-or-forfeit
/// (`openOmissionClaim`, `answerOmissionClaim`, `resolveOmissionClaim`). Each exploit asserts that it does not pay.
contract ReceiptsTest is OracleFixture {
    uint256 internal constant ATTESTER_KEY = 0xA77E;
    uint256 internal constant DEVICE_C_KEY = 0xD3CE;
    uint256 internal constant STAKE = 2_000e6;
    uint256 internal constant CLAIM_BOND = C.DEFAULT_OMISSION_CLAIM_BOND_USDC6;

    uint256 internal nodeA; // alice's, `device`
    uint256 internal nodeB; // bob's, `otherDevice`
    uint256 internal nodeC; // carol's, `deviceC`
    address internal deviceC;
    address internal mallory = address(0x3A11);
    uint32 internal slot;

    IAttestationOracle.Telemetry[] internal ms; // node A's five windows of `slot`, all receipted
    bytes[] internal sigs;
    IAttestationOracle.NodeHourRecord internal dropped; // node A's record without its fifth window
    IAttestationOracle.NodeHourRecord internal filler; // node B's honest record
    bytes32[] internal proofDropped;
    bytes32[] internal proofFiller;

    function setUp() public override {
        attester = vm.addr(ATTESTER_KEY);
        super.setUp();
        deviceC = deviceAddr(DEVICE_C_KEY);
        nodeA = registerStation(alice, device, STAKE);
        nodeB = registerStation(bob, otherDevice, STAKE);
        nodeC = registerStation(carol, deviceC, STAKE);
        vm.startPrank(admin);
        token.mint(device, 100e6);
        token.mint(deviceC, 100e6);
        vm.stopPrank();
        vm.prank(device);
        token.approve(address(oracle), type(uint256).max);
        vm.prank(deviceC);
        token.approve(address(oracle), type(uint256).max);

        slot = slotNow();
        vm.warp(HourId.startOf(slot + 1) + 5 minutes);
        IAttestationOracle.Telemetry[] memory m = stationHour(device, 1, slot, 0, 5);
        bytes[] memory s = signAll(address(oracle), DEVICE_KEY, m);
        IAttestationOracle.Telemetry[] memory kept = new IAttestationOracle.Telemetry[](4);
        bytes[] memory keptSigs = new bytes[](4);
        for (uint256 i; i < m.length; ++i) {
            ms.push(m[i]);
            sigs.push(s[i]);
            if (i < 4) (kept[i], keptSigs[i]) = (m[i], s[i]);
        }
        dropped = recordOf(address(oracle), uint64(nodeA), slot, kept, keptSigs);
        IAttestationOracle.Telemetry[] memory fm = stationHour(otherDevice, 1, slot, 0, 3);
        filler = recordOf(address(oracle), uint64(nodeB), slot, fm, signAll(address(oracle), OTHER_DEVICE_KEY, fm));
        commitAs(slot, hashPair(leafOf(dropped), leafOf(filler)), 2);
        proofDropped = proofOf(leafOf(filler));
        proofFiller = proofOf(leafOf(dropped));
    }

    // ------------------------------------------------------------ helpers

    function receiptOf(uint256 key, uint256 nodeId, uint32 s, IAttestationOracle.Telemetry memory m)
        internal
        view
        returns (IAttestationOracle.Receipt memory r, bytes memory sig)
    {
        r = IAttestationOracle.Receipt({
            nodeId: uint64(nodeId), slot: s, seq: m.seq, digest: digestOf(address(oracle), m)
        });
        sig = signDigest(key, receiptDigestOf(r));
    }

    /// @dev The EIP-712 digest of a receipt, computed here (not by the oracle) so that a test checks the contract's.
    function receiptDigestOf(IAttestationOracle.Receipt memory r) internal view returns (bytes32) {
        bytes32 typehash = keccak256("Receipt(uint64 nodeId,uint32 slot,uint64 seq,bytes32 digest)");
        bytes32 structHash = keccak256(abi.encode(typehash, r.nodeId, r.slot, r.seq, r.digest));
        return keccak256(abi.encodePacked(hex"1901", domainSeparator(address(oracle)), structHash));
    }

    function test_receiptDigest_matchesTheContract() public view {
        (IAttestationOracle.Receipt memory r,) = receiptOf(ATTESTER_KEY, nodeA, slot, ms[0]);
        vm.assertEq(oracle.receiptDigestOf(r), receiptDigestOf(r), "EIP-712 Receipt digest");
    }

    /// @dev digest_1 ‖ signature_1 ‖ … of the first `count` windows of `ms`: the preimage of their messagesHash.
    function windowsOf(uint256 count) internal view returns (bytes memory w) {
        for (uint256 i; i < count; ++i) {
            w = bytes.concat(w, digestOf(address(oracle), ms[i]), sigs[i]);
        }
    }

    function proveDrop(address caller, uint256 receiptKey, uint256 windowIndex) internal {
        (IAttestationOracle.Receipt memory r, bytes memory rs) = receiptOf(receiptKey, nodeA, slot, ms[windowIndex]);
        vm.prank(caller);
        oracle.challengeDroppedWindow(dropped, proofDropped, windowsOf(4), r, rs, saltOf(caller));
    }

    /// @dev A slot in which the attester commits node B's record only (and one of carol's node when `withC`), so
    /// node A's receipted hour is omitted.
    function commitOmitting() internal returns (uint32 s, IAttestationOracle.NodeHourRecord memory b) {
        s = slot + 1;
        vm.warp(HourId.startOf(s + 1) + 5 minutes);
        IAttestationOracle.Telemetry[] memory fm = stationHour(otherDevice, 10, s, 0, 3);
        b = recordOf(address(oracle), uint64(nodeB), s, fm, signAll(address(oracle), OTHER_DEVICE_KEY, fm));
        commitAs(s, leafOf(b), 1); // one record: bonded 1
    }

    function openClaim(address caller, uint256 nodeId, uint32 s, uint256 deviceKey) internal {
        IAttestationOracle.Telemetry memory w = stationWindow(vm.addr(deviceKey), 99, s, 7);
        (IAttestationOracle.Receipt memory r, bytes memory rs) = receiptOf(ATTESTER_KEY, nodeId, s, w);
        vm.prank(caller);
        oracle.openOmissionClaim(r, rs);
    }

    function finalAt(uint32 s) internal view returns (uint256) {
        return oracle.commitment(s).committedAt + C.CHALLENGE_WINDOW_SECONDS;
    }

    // ------------------------------------------------------------ dropped window

    function test_droppedWindow_excludesAndPaysTheOwner() public {
        uint256 aliceBefore = token.balanceOf(alice);
        uint256 treasuryBefore = token.balanceOf(admin);
        armChallenge(device, dropped);
        vm.expectEmit(true, true, true, true);
        emit IAttestationOracle.RecordExcluded(
            slot, nodeA, leafOf(dropped), IAttestationOracle.Fault.DroppedWindow, alice, ATTESTER_BOND, 0
        );
        proveDrop(device, ATTESTER_KEY, 4);
        vm.assertTrue(oracle.isExcluded(leafOf(dropped)), "excluded");
        vm.assertEq(token.balanceOf(alice) - aliceBefore, REWARD, "the owner is paid the challenger's share");
        vm.assertEq(token.balanceOf(admin) - treasuryBefore, ATTESTER_BOND - REWARD, "the treasury the rest");
        vm.assertEq(oracle.excludedCount(slot), 1, "one bond forfeited");
    }

    function test_droppedWindow_includedWindowIsNotDropped() public {
        armChallenge(device, dropped);
        bytes32 d = digestOf(address(oracle), ms[2]);
        vm.expectRevert(abi.encodeWithSelector(IAttestationOracle.WindowNotDropped.selector, slot, leafOf(dropped), d));
        proveDrop(device, ATTESTER_KEY, 2);
        vm.assertFalse(oracle.isExcluded(leafOf(dropped)), "not excluded");
    }

    /// The device holds its key and can sign a window for any past hour; without the attester's receipt that window
    /// proves nothing. A receipt the device (or anyone but the slot's attester) signs is refused.
    function test_exploit_windowSignedAfterTheFactWithoutAReceiptDoesNotPay() public {
        armChallenge(device, dropped);
        (IAttestationOracle.Receipt memory r, bytes memory rs) = receiptOf(DEVICE_KEY, nodeA, slot, ms[4]);
        vm.expectRevert(abi.encodeWithSelector(IAttestationOracle.BadReceiptSignature.selector, device, attester));
        vm.prank(device);
        oracle.challengeDroppedWindow(dropped, proofDropped, windowsOf(4), r, rs, saltOf(device));
        // A malformed signature recovers to no one.
        rs = hex"00";
        vm.expectRevert(abi.encodeWithSelector(IAttestationOracle.BadReceiptSignature.selector, address(0), attester));
        vm.prank(device);
        oracle.challengeDroppedWindow(dropped, proofDropped, windowsOf(4), r, rs, saltOf(device));
    }

    /// A receipt of another node-hour (node B's, or another slot's) does not fault node A's record.
    function test_exploit_receiptOfAnotherNodeHourDoesNotPay() public {
        armChallenge(device, dropped);
        (IAttestationOracle.Receipt memory r, bytes memory rs) = receiptOf(ATTESTER_KEY, nodeB, slot, ms[4]);
        vm.expectRevert(abi.encodeWithSelector(IAttestationOracle.ReceiptMismatch.selector, "nodeId", nodeA, nodeB));
        vm.prank(device);
        oracle.challengeDroppedWindow(dropped, proofDropped, windowsOf(4), r, rs, saltOf(device));
        (r, rs) = receiptOf(ATTESTER_KEY, nodeA, slot + 1, ms[4]);
        vm.expectRevert(abi.encodeWithSelector(IAttestationOracle.ReceiptMismatch.selector, "slot", slot, slot + 1));
        vm.prank(device);
        oracle.challengeDroppedWindow(dropped, proofDropped, windowsOf(4), r, rs, saltOf(device));
    }

    /// The committed windows must be the record's exactly: another byte string (fewer windows, or other windows that
    /// leave out the receipted one) does not hash to its messagesHash.
    function test_exploit_otherWindowsThanTheRecordsDoNotPay() public {
        armChallenge(device, dropped);
        (IAttestationOracle.Receipt memory r, bytes memory rs) = receiptOf(ATTESTER_KEY, nodeA, slot, ms[2]);
        bytes memory three = windowsOf(3);
        vm.expectRevert(abi.encodeWithSelector(IAttestationOracle.MessageCountMismatch.selector, 4 * 97, 3 * 97));
        vm.prank(device);
        oracle.challengeDroppedWindow(dropped, proofDropped, three, r, rs, saltOf(device));
        // Four windows, the receipted third replaced by the fifth.
        bytes memory other = bytes.concat(windowsOf(2), digestOf(address(oracle), ms[4]), sigs[4]);
        other = bytes.concat(other, digestOf(address(oracle), ms[3]), sigs[3]);
        vm.expectRevert(
            abi.encodeWithSelector(
                IAttestationOracle.MessagesHashMismatch.selector, dropped.messagesHash, keccak256(other)
            )
        );
        vm.prank(device);
        oracle.challengeDroppedWindow(dropped, proofDropped, other, r, rs, saltOf(device));
    }

    /// Only the node's device, with its own commitment; a copy of the reveal by anyone else is refused.
    function test_exploit_dropProofByAnotherCallerOrUncommittedDoesNotPay() public {
        (IAttestationOracle.Receipt memory r, bytes memory rs) = receiptOf(ATTESTER_KEY, nodeA, slot, ms[4]);
        bytes32 commitment = oracle.challengeCommitment(leafOf(dropped), device, saltOf(device));
        vm.expectRevert(abi.encodeWithSelector(IAttestationOracle.ChallengeNotCommitted.selector, commitment));
        proveDrop(device, ATTESTER_KEY, 4);
        armChallenge(device, dropped);
        vm.expectRevert(abi.encodeWithSelector(IAttestationOracle.NotDeviceSigner.selector, nodeA, mallory, device));
        vm.prank(mallory);
        oracle.challengeDroppedWindow(dropped, proofDropped, windowsOf(4), r, rs, saltOf(device));
        proveDrop(device, ATTESTER_KEY, 4);
        vm.assertEq(token.balanceOf(mallory), 0, "the copier gets nothing");
    }

    /// One record pays one bond: a second drop proof (another receipted window) and an omission claim of the same
    /// node-hour after the exclusion are refused.
    function test_exploit_doublePaymentAfterADropProofIsRefused() public {
        armChallenge(device, dropped);
        proveDrop(device, ATTESTER_KEY, 4);
        armChallenge(device, dropped);
        vm.expectRevert(abi.encodeWithSelector(IAttestationOracle.AlreadyExcluded.selector, slot, leafOf(dropped)));
        proveDrop(device, ATTESTER_KEY, 4);
        vm.expectRevert(
            abi.encodeWithSelector(
                IAttestationOracle.OmissionClaimExists.selector,
                slot,
                nodeA,
                IAttestationOracle.OmissionStatus.RecordExcluded
            )
        );
        openClaim(device, nodeA, slot, DEVICE_KEY);
        vm.assertEq(oracle.excludedCount(slot), 1, "one bond forfeited");
    }

    /// An open omission claim closed by a drop proof of the node-hour's record: the record's bond is paid once, the
    /// claim bond is returned, and nothing is left open to pay again.
    function test_exploit_omissionClaimThenDropProofPaysOneBond() public {
        openClaim(device, nodeA, slot, DEVICE_KEY);
        uint256 deviceBefore = token.balanceOf(device);
        uint256 aliceBefore = token.balanceOf(alice);
        armChallenge(device, dropped);
        proveDrop(device, ATTESTER_KEY, 4);
        vm.assertEq(token.balanceOf(device) - deviceBefore, CLAIM_BOND, "claim bond returned");
        vm.assertEq(oracle.openOmissionClaims(slot), 0, "no claim open");
        vm.warp(finalAt(slot));
        vm.expectRevert(
            abi.encodeWithSelector(
                IAttestationOracle.OmissionClaimNotOpen.selector,
                slot,
                nodeA,
                IAttestationOracle.OmissionStatus.RecordExcluded
            )
        );
        oracle.resolveOmissionClaim(slot, uint64(nodeA));
        vm.assertEq(token.balanceOf(alice) - aliceBefore, REWARD, "one reward");
        oracle.releaseBond(slot);
        vm.assertEq(token.balanceOf(address(oracle)), 0, "everything paid out, nothing twice");
    }

    function test_droppedWindow_outOfBoundsRecordIsLeftToChallenge() public {
        IAttestationOracle.NodeHourRecord memory empty = dropped;
        empty.messageCount = 0;
        uint32 s = slot + 1;
        empty.slot = s;
        vm.warp(HourId.startOf(s + 1) + 5 minutes);
        commitAs(s, leafOf(empty), 1);
        (IAttestationOracle.Receipt memory r, bytes memory rs) = receiptOf(ATTESTER_KEY, nodeA, s, ms[4]);
        armChallenge(device, empty);
        vm.expectRevert(
            abi.encodeWithSelector(IAttestationOracle.MessageCountOutOfBoundsForDrop.selector, s, leafOf(empty), 0)
        );
        vm.prank(device);
        oracle.challengeDroppedWindow(empty, new bytes32[](0), "", r, rs, saltOf(device));
    }

    // ------------------------------------------------------------ omitted record

    function test_omission_unansweredClaimPaysTheOwnerAndReturnsTheClaimBond() public {
        (uint32 s,) = commitOmitting();
        uint256 deviceBefore = token.balanceOf(device);
        vm.expectEmit(true, true, true, true);
        emit IAttestationOracle.OmissionClaimOpened(s, nodeA, device, CLAIM_BOND, finalAt(s));
        openClaim(device, nodeA, s, DEVICE_KEY);
        vm.assertEq(deviceBefore - token.balanceOf(device), CLAIM_BOND, "claim bond held");
        vm.assertEq(oracle.openOmissionClaims(s), 1, "one open");

        vm.warp(finalAt(s) - 1);
        vm.expectRevert(abi.encodeWithSelector(IAttestationOracle.OmissionNotDue.selector, s, nodeA, finalAt(s)));
        oracle.resolveOmissionClaim(s, uint64(nodeA));
        vm.warp(finalAt(s));
        vm.expectRevert(abi.encodeWithSelector(IAttestationOracle.OmissionClaimsOpen.selector, s, 1));
        oracle.releaseBond(s);

        uint256 aliceBefore = token.balanceOf(alice);
        uint256 treasuryBefore = token.balanceOf(admin);
        vm.prank(mallory); // anyone resolves; the payout is fixed
        oracle.resolveOmissionClaim(s, uint64(nodeA));
        vm.assertEq(token.balanceOf(alice) - aliceBefore, REWARD, "owner paid the challenger's share");
        vm.assertEq(token.balanceOf(admin) - treasuryBefore, ATTESTER_BOND - REWARD, "treasury the rest");
        vm.assertEq(token.balanceOf(device), deviceBefore, "claim bond returned");
        vm.assertEq(token.balanceOf(mallory), 0, "the resolver gets nothing");
        vm.assertEq(uint256(oracle.omissionClaim(s, uint64(nodeA)).status), 3, "proven");
        uint256 attesterBefore = token.balanceOf(attester);
        oracle.releaseBond(s);
        vm.assertEq(token.balanceOf(attester), attesterBefore, "the one bond was forfeited");
    }

    function test_omission_answeredClaimPaysTheClaimBondToTheAttester() public {
        uint256 attesterBefore = token.balanceOf(attester);
        openClaim(device, nodeA, slot, DEVICE_KEY);
        vm.prank(mallory); // anyone may answer with the record
        oracle.answerOmissionClaim(dropped, proofDropped);
        vm.assertEq(token.balanceOf(attester) - attesterBefore, CLAIM_BOND, "the attester takes the claim bond");
        vm.assertEq(oracle.openOmissionClaims(slot), 0, "answered");
        vm.warp(finalAt(slot));
        vm.expectRevert(
            abi.encodeWithSelector(
                IAttestationOracle.OmissionClaimNotOpen.selector,
                slot,
                nodeA,
                IAttestationOracle.OmissionStatus.Answered
            )
        );
        oracle.resolveOmissionClaim(slot, uint64(nodeA));
        oracle.releaseBond(slot);
        vm.assertEq(token.balanceOf(attester) - attesterBefore, CLAIM_BOND + 2 * ATTESTER_BOND, "bond back in full");
    }

    /// The attester answers node A's claim with node B's record: that answers node B's claim only, of which there is
    /// none, and node A's claim still pays.
    function test_exploit_answerWithAnotherNodesRecordDoesNotAnswer() public {
        (uint32 s, IAttestationOracle.NodeHourRecord memory b) = commitOmitting();
        openClaim(device, nodeA, s, DEVICE_KEY);
        vm.expectRevert(
            abi.encodeWithSelector(
                IAttestationOracle.OmissionClaimNotOpen.selector, s, nodeB, IAttestationOracle.OmissionStatus.None
            )
        );
        vm.prank(attester);
        oracle.answerOmissionClaim(b, new bytes32[](0));
        // Relabelled as node A's, the record is not in the root.
        b.nodeId = uint64(nodeA);
        vm.expectRevert(abi.encodeWithSelector(IAttestationOracle.NotInRoot.selector, s, leafOf(b)));
        vm.prank(attester);
        oracle.answerOmissionClaim(b, new bytes32[](0));
        vm.warp(finalAt(s));
        uint256 aliceBefore = token.balanceOf(alice);
        oracle.resolveOmissionClaim(s, uint64(nodeA));
        vm.assertEq(token.balanceOf(alice) - aliceBefore, REWARD, "the claim pays");
    }

    /// A device spamming claims: one claim per node-hour, each needs the attester's receipt of the node-hour and a
    /// claim bond, and only the node's device may open it.
    function test_exploit_claimSpamIsBounded() public {
        openClaim(device, nodeA, slot, DEVICE_KEY);
        vm.expectRevert(
            abi.encodeWithSelector(
                IAttestationOracle.OmissionClaimExists.selector, slot, nodeA, IAttestationOracle.OmissionStatus.Open
            )
        );
        openClaim(device, nodeA, slot, DEVICE_KEY);
        // A receipt of its own making, or a claim of another node.
        IAttestationOracle.Telemetry memory w = stationWindow(deviceC, 1, slot, 1);
        (IAttestationOracle.Receipt memory r, bytes memory rs) = receiptOf(DEVICE_C_KEY, nodeC, slot, w);
        vm.expectRevert(abi.encodeWithSelector(IAttestationOracle.BadReceiptSignature.selector, deviceC, attester));
        vm.prank(deviceC);
        oracle.openOmissionClaim(r, rs);
        (r, rs) = receiptOf(ATTESTER_KEY, nodeB, slot, w);
        vm.expectRevert(
            abi.encodeWithSelector(IAttestationOracle.NotDeviceSigner.selector, nodeB, deviceC, otherDevice)
        );
        vm.prank(deviceC);
        oracle.openOmissionClaim(r, rs);
        // A claim for a slot with no commitment has no bond to take.
        (r, rs) = receiptOf(ATTESTER_KEY, nodeC, slot + 5, w);
        vm.expectRevert(abi.encodeWithSelector(IAttestationOracle.UnknownSlot.selector, slot + 5));
        vm.prank(deviceC);
        oracle.openOmissionClaim(r, rs);
        vm.assertEq(oracle.openOmissionClaims(slot), 1, "one claim open");
    }

    /// Timing near the window's close: a claim opened later than OMISSION_ANSWER_SECONDS before the close is refused
    /// (the attester always has that long to answer); an answer at the close is too late and the claim pays.
    function test_exploit_lateClaimAndLateAnswer() public {
        uint256 lastOpenAt = finalAt(slot) - C.OMISSION_ANSWER_SECONDS;
        vm.warp(lastOpenAt + 1);
        IAttestationOracle.Telemetry memory w = stationWindow(device, 99, slot, 7);
        (IAttestationOracle.Receipt memory r, bytes memory rs) = receiptOf(ATTESTER_KEY, nodeA, slot, w);
        vm.expectRevert(
            abi.encodeWithSelector(IAttestationOracle.OmissionClaimTooLate.selector, slot, nodeA, lastOpenAt)
        );
        vm.prank(device);
        oracle.openOmissionClaim(r, rs);
        vm.warp(lastOpenAt);
        vm.prank(device);
        oracle.openOmissionClaim(r, rs);
        vm.warp(finalAt(slot));
        vm.expectRevert(abi.encodeWithSelector(IAttestationOracle.ChallengeWindowClosed.selector, slot, finalAt(slot)));
        oracle.answerOmissionClaim(dropped, proofDropped);
        oracle.resolveOmissionClaim(slot, uint64(nodeA));
        vm.assertEq(uint256(oracle.omissionClaim(slot, uint64(nodeA)).status), 3, "proven");
    }

    /// Omissions beyond the slot's bond: a root of one record bonds one; two omitted nodes' claims both succeed but
    /// only one bond is forfeited, both claim bonds return, and the oracle never pays out more than it holds.
    function test_exploit_omissionsBeyondTheBondPayNoMoreThanIsHeld() public {
        (uint32 s,) = commitOmitting();
        openClaim(device, nodeA, s, DEVICE_KEY);
        openClaim(deviceC, nodeC, s, DEVICE_C_KEY);
        vm.warp(finalAt(s));
        uint256 aliceBefore = token.balanceOf(alice);
        uint256 carolBefore = token.balanceOf(carol);
        oracle.resolveOmissionClaim(s, uint64(nodeA));
        vm.expectEmit(true, true, true, true);
        emit IAttestationOracle.OmissionProven(s, nodeC, carol, 0, CLAIM_BOND);
        oracle.resolveOmissionClaim(s, uint64(nodeC));
        vm.assertEq(token.balanceOf(alice) - aliceBefore, REWARD, "first paid");
        vm.assertEq(token.balanceOf(carol), carolBefore, "the bond is spent");
        vm.assertEq(token.balanceOf(deviceC), 100e6, "claim bond returned");
        oracle.releaseBond(s);
        vm.assertEq(token.balanceOf(address(oracle)), 2 * ATTESTER_BOND, "only the first slot's bond is held");
    }

    function test_setOmissionClaimBond_governance() public {
        vm.expectRevert(
            abi.encodeWithSelector(
                IAccessControl.AccessControlUnauthorizedAccount.selector, mallory, oracle.DEFAULT_ADMIN_ROLE()
            )
        );
        vm.prank(mallory);
        oracle.setOmissionClaimBond(5e6);
        vm.expectRevert(IAttestationOracle.ZeroBond.selector);
        vm.prank(admin);
        oracle.setOmissionClaimBond(0);
        vm.prank(admin);
        oracle.setOmissionClaimBond(5e6);
        uint256 before = token.balanceOf(device);
        openClaim(device, nodeA, slot, DEVICE_KEY);
        vm.assertEq(before - token.balanceOf(device), 5e6, "the new claim bond");
        vm.assertEq(oracle.omissionClaim(slot, uint64(nodeA)).bondUsdc6, 5e6, "kept with the claim");
    }

    /// The costliest drop proof a valid record allows: 60 committed windows, the receipted one not among them, every
    /// digest compared (its gas is the `challengeDroppedWindow` max of the gas report, BENCHMARKS.md).
    function test_droppedWindow_largestValidRecord() public {
        uint32 s = slot + 1;
        vm.warp(HourId.startOf(s + 1) + 5 minutes);
        IAttestationOracle.Telemetry[] memory m = stationHour(device, 100, s, 0, 60);
        bytes[] memory sg = signAll(address(oracle), DEVICE_KEY, m);
        IAttestationOracle.NodeHourRecord memory r = recordOf(address(oracle), uint64(nodeA), s, m, sg);
        commitAs(s, hashPair(leafOf(r), leafOf(filler)), 2);
        bytes memory w;
        for (uint256 i; i < m.length; ++i) {
            w = bytes.concat(w, digestOf(address(oracle), m[i]), sg[i]);
        }
        IAttestationOracle.Telemetry memory lost = stationWindow(device, 99, s, 0);
        (IAttestationOracle.Receipt memory rc, bytes memory rs) = receiptOf(ATTESTER_KEY, nodeA, s, lost);
        armChallenge(device, r);
        vm.prank(device);
        oracle.challengeDroppedWindow(r, proofOf(leafOf(filler)), w, rc, rs, saltOf(device));
        vm.assertTrue(oracle.isExcluded(leafOf(r)), "excluded");
    }
}
