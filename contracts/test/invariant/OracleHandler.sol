// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {TelemetryBuilder} from "../utils/TelemetryBuilder.sol";
import {SettlementToken} from "../../src/SettlementToken.sol";
import {NodeRegistry} from "../../src/NodeRegistry.sol";
import {AttestationOracle} from "../../src/AttestationOracle.sol";
import {IAttestationOracle} from "../../src/interfaces/IAttestationOracle.sol";
import "../../src/libraries/Constants.sol" as C;

/// @dev Drives the oracle as an attester, challengers, front-runners, claimers and passing time would. From its own
/// account of slots, bonds and records each action makes exactly one oracle call and knows its outcome: a call that must
/// succeed is made plainly, so an oracle that reverts wrongly fails the run (fail_on_revert); a call that must revert is
/// made under `vm.expectRevert` with the exact error, so an oracle that lets it through fails the run too. No try/catch.
/// Every committed slot has two records, node 0's and node 1's hour, of 1 to MAX_WINDOWS_PER_RECORD windows each (the
/// hour cut in equal windows): both honest, node 1's wrong as the slot's kind says (including an empty record with any
/// messagesHash and one above the window bound), or both with a wrong aggregate. Records commit to the signatures the
/// attester received, so a challenge passes exactly those. The invariant checks run after every call and read the
/// account in O(1).
contract OracleHandler is TelemetryBuilder {
    /// @dev How the records of a slot are wrong: node 1's record, or both.
    enum Kind {
        Honest,
        AggregateMismatch,
        BadSignature, // a window signed by a stranger's key
        Impossible, // a window the device signed breaking a bound: the device is slashed
        WrongDevice, // the device signed a window naming another device
        NotIncreasing,
        Empty, // messageCount 0, any messagesHash, an aggregate claiming the hour
        OverBound, // messageCount above MAX_WINDOWS_PER_RECORD: no messages could be resubmitted
        BothWrong,
        // Node 1's record leaves out its last window, which the attester receipted, and aggregates the rest right:
        // {challenge} finds no fault, {dropProof} does.
        Dropped,
        // Node 1's record is left out of the root (a tree of node 0's record alone), though the attester receipted its
        // windows: only an omission claim that is not answered proves it.
        Omitted
    }

    SettlementToken internal token;
    NodeRegistry internal registry;
    AttestationOracle internal oracle;
    address internal attester;
    uint256 internal attesterKey; // signs the ingest receipts
    uint256[2] internal nodeIds;
    uint256[2] internal keys;
    address[] internal challengers;
    address internal constant FRONT_RUNNER = address(0xF207);
    uint256 internal constant STRANGER_KEY = 0xBAD;
    uint256 internal constant RECORDS = 2;

    uint32[] public slots;
    mapping(uint32 slot => Kind) public kindOf;
    mapping(uint32 slot => uint256[2]) internal _windows; // windows of node 0's and node 1's record
    mapping(uint32 slot => uint32) internal _overCount; // messageCount of an OverBound record
    mapping(uint32 slot => IAttestationOracle.Commitment) internal _committed;
    mapping(uint32 slot => IAttestationOracle.NodeHourRecord[2]) internal _records;
    mapping(uint32 slot => bytes32[2]) internal _leaves;
    mapping(uint32 slot => uint256) internal _excludedIn;
    mapping(uint32 slot => bool) internal _released;
    mapping(bytes32 leaf => bool) internal _excluded;
    mapping(bytes32 leaf => bool) internal _claimed;

    mapping(uint32 slot => IAttestationOracle.OmissionStatus[2]) internal _claimOf; // node 0's and node 1's claim
    mapping(uint32 slot => uint256) internal _openIn;

    // Ghosts.
    uint256 public claimBondsHeld; // claim bonds of open omission claims
    uint256 public omissionsProven;
    uint256 public omissionsAnswered;
    uint256 public drops;
    uint256 public bondsHeld; // by this account: bonds of committed slots neither paid to a challenger nor released
    uint256 public bondsIn;
    uint256 public bondsPaid;
    uint256 public bondsReleased;
    uint256 public credits;
    bool public commitmentChanged;
    uint256 public calls;
    uint256 public exclusions;
    uint256 public claims;
    uint256 public releases;
    uint256 public expectedReverts;
    uint256 public emptyOrOverBoundCommitted;
    uint256 public maxWindows;

    constructor(
        SettlementToken token_,
        NodeRegistry registry_,
        AttestationOracle oracle_,
        address attester_,
        uint256 attesterKey_,
        uint256[2] memory nodeIds_,
        uint256[2] memory keys_
    ) {
        token = token_;
        registry = registry_;
        oracle = oracle_;
        attester = attester_;
        attesterKey = attesterKey_;
        nodeIds = nodeIds_;
        keys = keys_;
        for (uint256 i = 1; i <= 3; ++i) {
            challengers.push(address(uint160(0xC000 + i)));
        }
    }

    function slotCount() external view returns (uint256) {
        return slots.length;
    }

    // ---------------------------------------------------------------- actions

    function commit(uint256 slotSeed, uint256 kindSeed, uint256 sizeSeed) external {
        calls++;
        // Ended at most 17 h ago: inside the 18 h commit deadline (COMMIT_DEADLINE_SECONDS).
        uint32 slot = uint32(block.timestamp / C.SECONDS_PER_SLOT - 1 - bound(slotSeed, 0, 16));
        if (_committed[slot].committedAt != 0) {
            expectedReverts++;
            vm.expectRevert(abi.encodeWithSelector(IAttestationOracle.AlreadyCommitted.selector, slot));
            vm.prank(attester);
            oracle.commit(slot, keccak256(abi.encode(slot, "again")), 3);
            _checkCommitment(slot);
            return;
        }
        // Of every eight slots one Dropped, one Omitted, one Empty and one OverBound (the rest any kind), so that every run
        // proves drops and omissions and meets records out of the window bound.
        uint256 nth = slots.length % 8;
        Kind kind = nth == 1
            ? Kind.OverBound
            : nth == 3
                ? Kind.Dropped
                : nth == 5 ? Kind.Empty : nth == 6 ? Kind.Omitted : Kind(_pick(kindSeed, uint256(type(Kind).max) + 1));
        kindOf[slot] = kind;
        uint256 n0 = bound(sizeSeed, 1, C.MAX_WINDOWS_PER_RECORD);
        uint256 n1 =
            bound(sizeSeed >> 8, kind == Kind.NotIncreasing || kind == Kind.Dropped ? 2 : 1, C.MAX_WINDOWS_PER_RECORD);
        _windows[slot] = [n0, n1];
        if (n0 > maxWindows) maxWindows = n0;
        if (n1 > maxWindows) maxWindows = n1;
        _overCount[slot] = uint32(bound(sizeSeed >> 16, C.MAX_WINDOWS_PER_RECORD + 1, type(uint32).max));
        if (kind == Kind.Empty || kind == Kind.OverBound) emptyOrOverBoundCommitted++;
        for (uint256 i; i < RECORDS; ++i) {
            _records[slot][i] = _recordOf(slot, i);
            _leaves[slot][i] = leafOf(_records[slot][i]);
        }
        bytes32 root = kind == Kind.Omitted ? _leaves[slot][0] : hashPair(_leaves[slot][0], _leaves[slot][1]);
        uint256 bond = oracle.bondOf(uint32(RECORDS));
        uint256 before = token.balanceOf(attester);
        vm.prank(attester);
        oracle.commit(slot, root, uint32(RECORDS));
        vm.assertEq(before - token.balanceOf(attester), bond, "the commit pulls one bond per record");
        vm.assertEq(bond, RECORDS * oracle.bondPerRecordUsdc6(), "two records bond two");
        _committed[slot] = IAttestationOracle.Commitment({
            root: root,
            attester: attester,
            committedAt: uint40(block.timestamp),
            recordCount: uint32(RECORDS),
            bondReleased: false
        });
        slots.push(slot);
        bondsIn += bond;
        bondsHeld += bond;
    }

    function challenge(uint256 slotSeed, uint256 recordSeed, uint256 challengerSeed) external {
        if (slots.length == 0) return;
        calls++;
        uint32 slot = slots[_pick(slotSeed, slots.length)];
        _checkCommitment(slot);
        uint256 i = _pick(recordSeed, RECORDS);
        // Three times in four a challenger goes for the wrong record of the slot, if it has one, as a watcher would: so
        // that every run excludes records (afterInvariant) rather than spending most challenges on honest ones.
        if (recordSeed % 4 != 0 && _isHonest(slot, i) && !_isHonest(slot, 1 - i)) i = 1 - i;
        if (kindOf[slot] == Kind.Omitted) i = 0; // node 1 has no record
        IAttestationOracle.NodeHourRecord memory r = _records[slot][i];
        bytes32 leaf = _leaves[slot][i];
        address challenger = challengers[_pick(challengerSeed, challengers.length)];
        bytes32 salt = keccak256(abi.encode(challengerSeed, calls));
        vm.prank(challenger);
        oracle.commitChallenge(oracle.challengeCommitment(leaf, challenger, salt));
        vm.roll(block.number + 1);
        (IAttestationOracle.Telemetry[] memory ms, bytes[] memory sigs) = _evidenceOf(slot, i);
        bytes32[] memory proof = _proofOf(slot, i);

        uint256 closesAt = _committed[slot].committedAt + C.CHALLENGE_WINDOW_SECONDS;
        if (block.timestamp >= closesAt) {
            _expectRevert(abi.encodeWithSelector(IAttestationOracle.ChallengeWindowClosed.selector, slot, closesAt));
        } else if (_excluded[leaf]) {
            _expectRevert(abi.encodeWithSelector(IAttestationOracle.AlreadyExcluded.selector, slot, leaf));
        } else if (_isHonest(slot, i)) {
            // An honest record withstands every challenge.
            _expectRevert(abi.encodeWithSelector(IAttestationOracle.NoFraud.selector, slot, leaf));
        } else {
            // A front-runner copying the reveal, with the challenger's salt, has no commitment of its own.
            if (challengerSeed % 3 == 0) {
                bytes32 copied = oracle.challengeCommitment(leaf, FRONT_RUNNER, salt);
                _expectRevert(abi.encodeWithSelector(IAttestationOracle.ChallengeNotCommitted.selector, copied));
                vm.prank(FRONT_RUNNER);
                oracle.challenge(r, proof, ms, sigs, salt);
            }
            _challengeWrong(challenger, slot, i, proof, ms, sigs, salt);
            return;
        }
        vm.prank(challenger);
        oracle.challenge(r, proof, ms, sigs, salt);
    }

    function claim(uint256 slotSeed, uint256 recordSeed) external {
        if (slots.length == 0) return;
        calls++;
        uint32 slot = slots[_pick(slotSeed, slots.length)];
        _checkCommitment(slot);
        uint256 i = kindOf[slot] == Kind.Omitted ? 0 : _pick(recordSeed, RECORDS);
        bytes32 leaf = _leaves[slot][i];
        IAttestationOracle.NodeHourRecord memory r = _records[slot][i];
        bytes32[] memory proof = _proofOf(slot, i);
        uint256 finalAt = _committed[slot].committedAt + C.CHALLENGE_WINDOW_SECONDS;
        if (block.timestamp < finalAt) {
            _expectRevert(abi.encodeWithSelector(IAttestationOracle.NotFinal.selector, slot, finalAt));
        } else if (_excluded[leaf]) {
            _expectRevert(abi.encodeWithSelector(IAttestationOracle.Excluded.selector, slot, leaf));
        } else if (_claimed[leaf]) {
            _expectRevert(abi.encodeWithSelector(IAttestationOracle.AlreadyClaimed.selector, slot, leaf));
        } else if (r.messageCount == 0 || r.messageCount > C.MAX_WINDOWS_PER_RECORD) {
            // A record out of the window bound that nobody challenged is still never final.
            _expectRevert(
                abi.encodeWithSelector(IAttestationOracle.MessageCountOutOfBounds.selector, slot, leaf, r.messageCount)
            );
        } else {
            uint256 creditsBefore = oracle.pogcsCredits(r.nodeId);
            (, bool credited) = oracle.claim(r, proof);
            _claimed[leaf] = true;
            claims++;
            if (credited) credits++;
            vm.assertEq(credited, r.uptimeS >= 3_240, "credited from 54 minutes of uptime");
            vm.assertEq(oracle.pogcsCredits(r.nodeId) - creditsBefore, credited ? 1 : 0, "one credit per claim");
            return;
        }
        oracle.claim(r, proof);
    }

    function releaseBond(uint256 slotSeed) external {
        if (slots.length == 0) return;
        calls++;
        uint32 slot = slots[_pick(slotSeed, slots.length)];
        _checkCommitment(slot);
        uint256 finalAt = _committed[slot].committedAt + C.CHALLENGE_WINDOW_SECONDS;
        if (block.timestamp < finalAt) {
            _expectRevert(abi.encodeWithSelector(IAttestationOracle.NotFinal.selector, slot, finalAt));
            oracle.releaseBond(slot);
            return;
        }
        if (_released[slot]) {
            _expectRevert(abi.encodeWithSelector(IAttestationOracle.NoBondToRelease.selector, slot));
            oracle.releaseBond(slot);
            return;
        }
        if (_openIn[slot] != 0) {
            // An open claim may still forfeit a bond: resolved first.
            _expectRevert(abi.encodeWithSelector(IAttestationOracle.OmissionClaimsOpen.selector, slot, _openIn[slot]));
            oracle.releaseBond(slot);
            return;
        }
        // _excludedIn counts every forfeited bond: records excluded and omissions proven.
        uint256 expected = (RECORDS - _excludedIn[slot]) * oracle.bondPerRecordUsdc6();
        uint256 before = token.balanceOf(attester);
        oracle.releaseBond(slot);
        vm.assertEq(token.balanceOf(attester) - before, expected, "the bonds of the records not excluded");
        _released[slot] = true;
        bondsReleased += expected;
        bondsHeld -= expected;
        releases++;
    }

    /// @dev A device opens an omission claim for its node-hour with a receipt of its first window: true in an
    /// Omitted slot (node 1), spurious otherwise (its record is in the root and can be answered).
    function openClaim(uint256 slotSeed, uint256 nodeSeed) external {
        if (slots.length == 0) return;
        calls++;
        // Half the time node 1 of a recent Omitted slot (a true claim), a quarter the latest slot (mostly spurious, to be
        // answered), a quarter any.
        uint256 mode = nodeSeed % 4;
        uint32 slot = mode == 0
            ? slots[_pick(slotSeed, slots.length)]
            : mode == 3 ? slots[slots.length - 1] : _recent(Kind.Omitted, slotSeed);
        uint256 i = _pick(nodeSeed, RECORDS);
        if (kindOf[slot] == Kind.Omitted && (mode == 1 || mode == 2)) i = 1;
        (IAttestationOracle.Receipt memory rc, bytes memory rs) = _receiptOf(slot, i, 0);
        address device = vm.addr(keys[i]);
        uint256 lastOpenAt = _committed[slot].committedAt + C.CHALLENGE_WINDOW_SECONDS - C.OMISSION_ANSWER_SECONDS;
        IAttestationOracle.OmissionStatus st = _claimOf[slot][i];
        if (block.timestamp > lastOpenAt) {
            _expectRevert(
                abi.encodeWithSelector(IAttestationOracle.OmissionClaimTooLate.selector, slot, nodeIds[i], lastOpenAt)
            );
        } else if (st != IAttestationOracle.OmissionStatus.None) {
            _expectRevert(abi.encodeWithSelector(IAttestationOracle.OmissionClaimExists.selector, slot, nodeIds[i], st));
        } else {
            uint256 bond = oracle.omissionClaimBondUsdc6();
            uint256 before = token.balanceOf(device);
            vm.prank(device);
            oracle.openOmissionClaim(rc, rs);
            vm.assertEq(before - token.balanceOf(device), bond, "the claim bond is pulled");
            _claimOf[slot][i] = IAttestationOracle.OmissionStatus.Open;
            _openIn[slot]++;
            claimBondsHeld += bond;
            return;
        }
        vm.prank(device);
        oracle.openOmissionClaim(rc, rs);
    }

    /// @dev The attester answers node `i`'s claim with its record; for an omitted node 1 it can only relabel node 0's
    /// record, which is not in the root.
    function answerClaim(uint256 slotSeed, uint256 nodeSeed) external {
        if (slots.length == 0) return;
        calls++;
        uint32 slot = slots[_pick(slotSeed, slots.length)];
        uint256 i = _pick(nodeSeed, RECORDS);
        // Three times in four a claim the attester can answer, as an honest attester watching its claims would.
        if (nodeSeed % 4 != 0) (slot, i) = _recentAnswerable(slot, i);
        bool omitted = kindOf[slot] == Kind.Omitted && i == 1;
        IAttestationOracle.NodeHourRecord memory r = _records[slot][omitted ? 0 : i];
        if (omitted) r.nodeId = uint64(nodeIds[1]);
        bytes32[] memory proof = omitted ? new bytes32[](0) : _proofOf(slot, i);
        uint256 closesAt = _committed[slot].committedAt + C.CHALLENGE_WINDOW_SECONDS;
        IAttestationOracle.OmissionStatus st = _claimOf[slot][i];
        if (block.timestamp >= closesAt) {
            _expectRevert(abi.encodeWithSelector(IAttestationOracle.ChallengeWindowClosed.selector, slot, closesAt));
        } else if (st != IAttestationOracle.OmissionStatus.Open) {
            _expectRevert(
                abi.encodeWithSelector(IAttestationOracle.OmissionClaimNotOpen.selector, slot, nodeIds[i], st)
            );
        } else if (omitted) {
            _expectRevert(abi.encodeWithSelector(IAttestationOracle.NotInRoot.selector, slot, leafOf(r)));
        } else {
            uint256 bond = oracle.omissionClaimBondUsdc6();
            uint256 before = token.balanceOf(attester);
            vm.prank(attester);
            oracle.answerOmissionClaim(r, proof);
            vm.assertEq(token.balanceOf(attester) - before, bond, "the attester takes the claim bond");
            _claimOf[slot][i] = IAttestationOracle.OmissionStatus.Answered;
            _openIn[slot]--;
            claimBondsHeld -= bond;
            omissionsAnswered++;
            return;
        }
        vm.prank(attester);
        oracle.answerOmissionClaim(r, proof);
    }

    /// @dev Anyone resolves node `i`'s claim once the window has closed: an open one is proven and pays the owner.
    function resolveClaim(uint256 slotSeed, uint256 nodeSeed) external {
        if (slots.length == 0) return;
        calls++;
        uint32 slot = slots[_pick(slotSeed, slots.length)];
        uint256 i = _pick(nodeSeed, RECORDS);
        // Three times in four a claim that is due, as its device (or anyone) resolving it would.
        if (nodeSeed % 4 != 0) (slot, i) = _recentDue(slot, i);
        uint256 finalAt = _committed[slot].committedAt + C.CHALLENGE_WINDOW_SECONDS;
        IAttestationOracle.OmissionStatus st = _claimOf[slot][i];
        if (block.timestamp < finalAt) {
            _expectRevert(abi.encodeWithSelector(IAttestationOracle.OmissionNotDue.selector, slot, nodeIds[i], finalAt));
        } else if (st != IAttestationOracle.OmissionStatus.Open) {
            _expectRevert(
                abi.encodeWithSelector(IAttestationOracle.OmissionClaimNotOpen.selector, slot, nodeIds[i], st)
            );
        } else {
            uint256 bond = oracle.bondPerRecordUsdc6();
            uint256 claimBond = oracle.omissionClaim(slot, uint64(nodeIds[i])).bondUsdc6;
            address owner = registry.node(nodeIds[i]).owner;
            address device = vm.addr(keys[i]);
            _challengerBefore = token.balanceOf(owner);
            _treasuryBefore = token.balanceOf(oracle.treasury());
            uint256 deviceBefore = token.balanceOf(device);
            oracle.resolveOmissionClaim(slot, uint64(nodeIds[i]));
            _forfeit = bond;
            _assertForfeitSplit(owner);
            vm.assertEq(token.balanceOf(device) - deviceBefore, claimBond, "the claim bond returns");
            _claimOf[slot][i] = IAttestationOracle.OmissionStatus.Proven;
            _openIn[slot]--;
            claimBondsHeld -= claimBond;
            _forfeited(slot, bond);
            omissionsProven++;
            return;
        }
        oracle.resolveOmissionClaim(slot, uint64(nodeIds[i]));
    }

    /// @dev Node 1's device proves a dropped window: the receipted last window in a Dropped slot; elsewhere it tries
    /// with a receipt of its first window, which the record holds (or the record is out of the window bound).
    function dropProof(uint256 slotSeed, uint256 saltSeed) external {
        if (slots.length == 0) return;
        // Three times in four the device of a Dropped slot, as a light node would (only it holds the receipt).
        uint32 slot = saltSeed % 4 != 0 ? _recent(Kind.Dropped, slotSeed) : slots[_pick(slotSeed, slots.length)];
        Kind kind = kindOf[slot];
        if (kind == Kind.Omitted) return; // no record of node 1 to prove anything of
        calls++;
        address device = vm.addr(keys[1]);
        IAttestationOracle.NodeHourRecord memory r = _records[slot][1];
        bytes32 leaf = _leaves[slot][1];
        bytes32 salt = keccak256(abi.encode(saltSeed, calls));
        vm.prank(device);
        oracle.commitChallenge(oracle.challengeCommitment(leaf, device, salt));
        vm.roll(block.number + 1);
        uint256 w = kind == Kind.Dropped ? _windows[slot][1] - 1 : 0;
        (IAttestationOracle.Receipt memory rc, bytes memory rs) = _receiptOf(slot, 1, w);
        bytes memory windows = _windowsOf(slot, 1);
        uint256 closesAt = _committed[slot].committedAt + C.CHALLENGE_WINDOW_SECONDS;
        if (block.timestamp >= closesAt) {
            _expectRevert(abi.encodeWithSelector(IAttestationOracle.ChallengeWindowClosed.selector, slot, closesAt));
        } else if (_excluded[leaf]) {
            _expectRevert(abi.encodeWithSelector(IAttestationOracle.AlreadyExcluded.selector, slot, leaf));
        } else if (kind == Kind.Empty || kind == Kind.OverBound) {
            _expectRevert(
                abi.encodeWithSelector(
                    IAttestationOracle.MessageCountOutOfBoundsForDrop.selector, slot, leaf, r.messageCount
                )
            );
        } else if (kind != Kind.Dropped) {
            _expectRevert(abi.encodeWithSelector(IAttestationOracle.WindowNotDropped.selector, slot, leaf, rc.digest));
        } else {
            address owner = registry.node(nodeIds[1]).owner;
            _forfeit = oracle.bondPerRecordUsdc6();
            _challengerBefore = token.balanceOf(owner);
            _treasuryBefore = token.balanceOf(oracle.treasury());
            vm.prank(device);
            oracle.challengeDroppedWindow(r, _proofOf(slot, 1), windows, rc, rs, salt);
            _assertForfeitSplit(owner);
            _excludedRecord(slot, 1);
            drops++;
            return;
        }
        vm.prank(device);
        oracle.challengeDroppedWindow(r, _proofOf(slot, 1), windows, rc, rs, salt);
    }

    function warp(uint256 secondsSeed) external {
        calls++;
        // Ten minutes to three hours, hashed so that the small seeds the fuzzer favours do not keep time still: windows
        // of six hours open and close within a run, and new slots keep ending.
        vm.warp(block.timestamp + 10 minutes + uint256(keccak256(abi.encode(secondsSeed))) % (170 minutes));
        vm.roll(block.number + 1);
    }

    // ---------------------------------------------------------------- bookkeeping

    /// @dev A uniform pick in [0, n): hashed, so that the small and repeated seeds the fuzzer favours do not keep
    /// choosing the same slot, record or kind.
    function _pick(uint256 seed, uint256 n) internal pure returns (uint256) {
        return uint256(keccak256(abi.encode(seed))) % n;
    }

    function _expectRevert(bytes memory data) internal {
        expectedReverts++;
        vm.expectRevert(data);
    }

    /// @dev A challenge of a wrong record: it must succeed, report the slot kind's fault, exclude the record and pay the
    /// challenger a fifth (CHALLENGER_REWARD_BPS) of one record's bond, plus of half the stake of a device that signed an
    /// impossible window; the treasury the rest.
    uint256 internal _forfeit;
    uint256 internal _challengerBefore;
    uint256 internal _treasuryBefore;

    /// @dev A fifth of what the fault forfeits (bond and slash, each rounded down) to the challenger, the rest to the
    /// treasury.
    function _assertForfeitSplit(address challenger) internal view {
        uint256 bond = oracle.bondPerRecordUsdc6();
        uint256 reward = bond * C.CHALLENGER_REWARD_BPS / C.BPS + (_forfeit - bond) * C.CHALLENGER_REWARD_BPS / C.BPS;
        vm.assertEq(token.balanceOf(challenger) - _challengerBefore, reward, "a fifth of the bond and the slash");
        vm.assertEq(token.balanceOf(oracle.treasury()) - _treasuryBefore, _forfeit - reward, "the rest to the treasury");
    }

    function _challengeWrong(
        address challenger,
        uint32 slot,
        uint256 i,
        bytes32[] memory proof,
        IAttestationOracle.Telemetry[] memory ms,
        bytes[] memory sigs,
        bytes32 salt
    ) internal {
        uint256 bond = oracle.bondPerRecordUsdc6();
        _forfeit = bond + (kindOf[slot] == Kind.Impossible ? registry.node(nodeIds[1]).stakeUsdc6 / 2 : 0);
        _challengerBefore = token.balanceOf(challenger);
        _treasuryBefore = token.balanceOf(oracle.treasury());
        vm.prank(challenger);
        IAttestationOracle.Fault fault = oracle.challenge(_records[slot][i], proof, ms, sigs, salt);
        vm.assertEq(uint256(fault), uint256(_faultOf(kindOf[slot])), "the fault of the slot's kind");
        _assertForfeitSplit(challenger);
        _excludedRecord(slot, i);
    }

    /// @dev A record excluded (one bond forfeited); the node-hour's omission claim can no longer pay: an open one is
    /// closed with its claim bond returned.
    function _excludedRecord(uint32 slot, uint256 i) internal {
        _excluded[_leaves[slot][i]] = true;
        exclusions++;
        _forfeited(slot, oracle.bondPerRecordUsdc6());
        IAttestationOracle.OmissionStatus st = _claimOf[slot][i];
        if (st == IAttestationOracle.OmissionStatus.Open) {
            _openIn[slot]--;
            claimBondsHeld -= oracle.omissionClaim(slot, uint64(nodeIds[i])).bondUsdc6;
        }
        if (st == IAttestationOracle.OmissionStatus.None || st == IAttestationOracle.OmissionStatus.Open) {
            _claimOf[slot][i] = IAttestationOracle.OmissionStatus.RecordExcluded;
        }
        vm.assertEq(
            uint256(oracle.omissionClaim(slot, uint64(nodeIds[i])).status), uint256(_claimOf[slot][i]), "claim state"
        );
    }

    /// @dev One bond of the slot forfeited (a record excluded or an omission proven). Each node-hour forfeits at most
    /// one (an exclusion closes its claim; a claim is answered or proven once), so never more than the bonded records.
    function _forfeited(uint32 slot, uint256 bond) internal {
        _excludedIn[slot]++;
        vm.assertEq(oracle.excludedCount(slot), _excludedIn[slot], "forfeited count");
        vm.assertLe(_excludedIn[slot], RECORDS, "never more forfeits than bonded records: no double payment");
        bondsPaid += bond;
        bondsHeld -= bond;
    }

    function _faultOf(Kind kind) internal pure returns (IAttestationOracle.Fault) {
        if (kind == Kind.BadSignature) return IAttestationOracle.Fault.BadSignature;
        if (kind == Kind.Impossible) return IAttestationOracle.Fault.Impossible;
        if (kind == Kind.WrongDevice) return IAttestationOracle.Fault.WrongDevice;
        if (kind == Kind.NotIncreasing) return IAttestationOracle.Fault.NotIncreasing;
        if (kind == Kind.Empty || kind == Kind.OverBound) return IAttestationOracle.Fault.MessageCount;
        return IAttestationOracle.Fault.AggregateMismatch; // AggregateMismatch, BothWrong
    }

    function _isHonest(uint32 slot, uint256 i) internal view returns (bool) {
        Kind kind = kindOf[slot];
        // A Dropped record is consistent with what it commits to; an Omitted slot's only record is node 0's, honest.
        return kind == Kind.Honest || kind == Kind.Dropped || kind == Kind.Omitted || (i == 0 && kind != Kind.BothWrong);
    }

    /// @dev Records whether the oracle's commitment of `slot` still says what was committed (the release flag aside).
    function _checkCommitment(uint32 slot) internal {
        IAttestationOracle.Commitment memory c = oracle.commitment(slot);
        IAttestationOracle.Commitment storage first = _committed[slot];
        if (
            c.root != first.root || c.attester != first.attester || c.committedAt != first.committedAt
                || c.recordCount != first.recordCount || c.bondReleased != _released[slot]
        ) commitmentChanged = true;
    }

    // ---------------------------------------------------------------- records

    /// @dev Node `i`'s windows of `slot`: the hour cut into `n` windows of floor(3600 / n) s (5,600 W of GPUs, 500 kWp
    /// PV, 1 MWh battery): full uptime in even slots (a credit), 80 % in odd ones. Node 1's are made wrong as the
    /// slot's kind says.
    function _messagesOf(uint32 slot, uint256 i) internal view returns (IAttestationOracle.Telemetry[] memory ms) {
        address device = vm.addr(keys[i]);
        uint256 n = _windows[slot][i];
        uint256 d = C.SECONDS_PER_SLOT / n;
        ms = new IAttestationOracle.Telemetry[](n);
        for (uint256 w; w < n; ++w) {
            uint64 start = uint64(uint256(slot) * C.SECONDS_PER_SLOT + w * d);
            ms[w] = IAttestationOracle.Telemetry({
                device: device,
                seq: uint64(slot) * 64 + uint64(w),
                windowStart: start,
                windowEnd: start + uint64(d),
                pvWh: uint32(27 * d),
                batteryInWh: uint32(13 * d),
                batteryOutWh: 0,
                batterySocWh: uint32(500_000 + 13 * d * (w + 1)),
                gridImportWh: uint32((slot % 4) * d / 8),
                gridExportWh: uint32(2 * d),
                gpuWh: uint32(d),
                evWh: 0,
                uptimeS: uint32(slot % 2 == 0 ? d : d * 8 / 10),
                jobsHash: bytes32(0)
            });
        }
        if (i == 0) return ms;
        Kind kind = kindOf[slot];
        if (kind == Kind.Impossible) {
            // Half the slots: more PV than 500 kWp gives in d s (at most 138.9 d Wh); the others: more charge than the
            // 1 MWh battery holds.
            if (slot % 2 == 0) ms[n - 1].pvWh = uint32(139 * d);
            else ms[n - 1].batterySocWh = 1_000_001;
        }
        if (kind == Kind.WrongDevice) ms[n - 1].device = address(0xBAD);
        if (kind == Kind.NotIncreasing) ms[n - 1].seq = ms[n - 2].seq;
    }

    /// @dev The signatures the attester commits to with node `i`'s messages: its device's, but for a `BadSignature`
    /// slot a stranger's of node 1's last window.
    function _signaturesOf(uint32 slot, uint256 i, IAttestationOracle.Telemetry[] memory ms)
        internal
        view
        returns (bytes[] memory sigs)
    {
        sigs = signAll(address(oracle), keys[i], ms);
        if (i == 1 && kindOf[slot] == Kind.BadSignature) {
            sigs[ms.length - 1] = signDigest(STRANGER_KEY, digestOf(address(oracle), ms[ms.length - 1]));
        }
    }

    /// @dev The latest of the last eight committed slots of `kind`, else a random one.
    function _recent(Kind kind, uint256 seed) internal view returns (uint32) {
        uint256 n = slots.length;
        for (uint256 k = n; k > 0 && k + 8 > n; --k) {
            if (kindOf[slots[k - 1]] == kind) return slots[k - 1];
        }
        return slots[_pick(seed, n)];
    }

    /// @dev The latest open claim of the last eight slots that a record answers, else (`slot`, `i`).
    function _recentAnswerable(uint32 slot, uint256 i) internal view returns (uint32, uint256) {
        uint256 n = slots.length;
        for (uint256 k = n; k > 0 && k + 8 > n; --k) {
            uint32 s = slots[k - 1];
            for (uint256 j; j < RECORDS; ++j) {
                bool omitted = kindOf[s] == Kind.Omitted && j == 1;
                if (!omitted && _claimOf[s][j] == IAttestationOracle.OmissionStatus.Open) return (s, j);
            }
        }
        return (slot, i);
    }

    /// @dev The latest open claim of the last sixteen slots whose window has closed, else (`slot`, `i`).
    function _recentDue(uint32 slot, uint256 i) internal view returns (uint32, uint256) {
        uint256 n = slots.length;
        for (uint256 k = n; k > 0 && k + 16 > n; --k) {
            uint32 s = slots[k - 1];
            if (block.timestamp < _committed[s].committedAt + C.CHALLENGE_WINDOW_SECONDS) continue;
            for (uint256 j; j < RECORDS; ++j) {
                if (_claimOf[s][j] == IAttestationOracle.OmissionStatus.Open) return (s, j);
            }
        }
        return (slot, i);
    }

    /// @dev The proof of node `i`'s record: the other leaf, or none in an Omitted slot (a tree of one leaf).
    function _proofOf(uint32 slot, uint256 i) internal view returns (bytes32[] memory) {
        if (kindOf[slot] == Kind.Omitted) return new bytes32[](0);
        return proofOf(_leaves[slot][1 - i]);
    }

    /// @dev The attester's receipt of node `i`'s window `w` (of all it sent, the dropped one included).
    function _receiptOf(uint32 slot, uint256 i, uint256 w)
        internal
        view
        returns (IAttestationOracle.Receipt memory rc, bytes memory sig)
    {
        IAttestationOracle.Telemetry memory m = _messagesOf(slot, i)[w];
        rc = IAttestationOracle.Receipt({
            nodeId: uint64(nodeIds[i]), slot: slot, seq: m.seq, digest: digestOf(address(oracle), m)
        });
        sig = signDigest(attesterKey, oracle.receiptDigestOf(rc));
    }

    /// @dev The preimage of node `i`'s messagesHash (none for a record out of the window bound).
    function _windowsOf(uint32 slot, uint256 i) internal view returns (bytes memory w) {
        (IAttestationOracle.Telemetry[] memory ms, bytes[] memory sigs) = _evidenceOf(slot, i);
        for (uint256 k; k < ms.length; ++k) {
            w = bytes.concat(w, digestOf(address(oracle), ms[k]), sigs[k]);
        }
    }

    /// @dev Node `i`'s committed windows: all it sent, but the last for node 1 of a Dropped slot.
    function _committedOf(uint32 slot, uint256 i) internal view returns (IAttestationOracle.Telemetry[] memory ms) {
        ms = _messagesOf(slot, i);
        if (i == 1 && kindOf[slot] == Kind.Dropped) {
            assembly {
                mstore(ms, sub(mload(ms), 1))
            }
        }
    }

    /// @dev What a challenger passes for node `i`'s record: its committed messages and signatures, or none for a record
    /// out of the window bound (provable from the record alone).
    function _evidenceOf(uint32 slot, uint256 i)
        internal
        view
        returns (IAttestationOracle.Telemetry[] memory ms, bytes[] memory sigs)
    {
        Kind kind = kindOf[slot];
        if (i == 1 && (kind == Kind.Empty || kind == Kind.OverBound)) {
            return (new IAttestationOracle.Telemetry[](0), new bytes[](0));
        }
        ms = _committedOf(slot, i);
        sigs = _signaturesOf(slot, i, ms);
    }

    function _recordOf(uint32 slot, uint256 i) internal view returns (IAttestationOracle.NodeHourRecord memory r) {
        IAttestationOracle.Telemetry[] memory ms = _committedOf(slot, i);
        r = recordOf(address(oracle), uint64(nodeIds[i]), slot, ms, _signaturesOf(slot, i, ms));
        Kind kind = kindOf[slot];
        if ((i == 1 && kind == Kind.AggregateMismatch) || kind == Kind.BothWrong) r.greenWh += 1;
        if (i == 1 && kind == Kind.Empty) {
            r.messageCount = 0;
            r.messagesHash = keccak256(abi.encode("no windows", slot));
        }
        if (i == 1 && kind == Kind.OverBound) {
            r.messageCount = _overCount[slot];
            r.messagesHash = keccak256(abi.encode("withheld", slot));
        }
    }
}
