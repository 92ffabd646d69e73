// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {TelemetryBuilder} from "../utils/TelemetryBuilder.sol";
import {SettlementToken} from "../../src/SettlementToken.sol";
import {NodeRegistry} from "../../src/NodeRegistry.sol";
import {AttestationOracle} from "../../src/AttestationOracle.sol";
import {IAttestationOracle} from "../../src/interfaces/IAttestationOracle.sol";
import "../../src/libraries/Constants.sol" as C;

/// @dev Drives the oracle as an attester, challengers, claimers and passing time would, through valid calls only: from
/// its own account of slots, bonds and records, each action picks a call that must succeed, or returns, so an oracle that
/// disagrees with the account reverts and fails the run. Every committed slot has two records, node 0's and node 1's
/// hour: both honest, node 1's with one fault, or both with a wrong aggregate. Records commit to the signatures the
/// attester received, so a challenge passes exactly those. The expected revert of committing a slot again is caught,
/// and recorded if it does not happen; so are payouts that differ from the account. Rules checked at the action itself (an honest record
/// withstands every challenge; a claim credits exactly the hours with enough uptime) assert there, and fail_on_revert
/// fails the run. The invariant checks run after every call, so they read the account in O(1).
contract OracleHandler is TelemetryBuilder {
    /// @dev How the records of a slot are wrong: node 1's record, or both (two exclusions, one bond).
    enum Kind {
        Honest,
        AggregateMismatch,
        BadSignature, // a window signed by a stranger's key
        Impossible, // a window the device signed breaking a bound: the device is slashed
        WrongDevice, // the device signed a window naming another device
        NotIncreasing,
        BothWrong
    }

    SettlementToken internal token;
    NodeRegistry internal registry;
    AttestationOracle internal oracle;
    address internal attester;
    uint256[2] internal nodeIds;
    uint256[2] internal keys;
    address[] internal challengers;
    uint256 internal constant STRANGER_KEY = 0xBAD;

    uint32[] public slots;
    mapping(uint32 slot => Kind) public kindOf;
    mapping(uint32 slot => IAttestationOracle.Commitment) internal _committed; // as committed, flags aside
    mapping(uint32 slot => bytes32[2]) internal _leaves;
    /// @dev Slots whose bond is, by this handler's account, neither paid nor released; index + 1 in `openSlots`.
    uint32[] public openSlots;
    mapping(uint32 slot => uint256) internal _openIndex;
    mapping(bytes32 leaf => bool) internal _excluded;
    mapping(bytes32 leaf => bool) internal _claimed;

    // Ghosts.
    uint256 public bondsIn;
    uint256 public bondsPaid;
    uint256 public bondsReleased;
    uint256 public credits;
    bool public recommitSucceeded;
    bool public commitmentChanged;
    bool public payoutWrong;
    uint256 public calls;
    uint256 public exclusions;
    uint256 public claims;
    uint256 public releases;

    constructor(
        SettlementToken token_,
        NodeRegistry registry_,
        AttestationOracle oracle_,
        address attester_,
        uint256[2] memory nodeIds_,
        uint256[2] memory keys_
    ) {
        token = token_;
        registry = registry_;
        oracle = oracle_;
        attester = attester_;
        nodeIds = nodeIds_;
        keys = keys_;
        for (uint256 i = 1; i <= 3; ++i) {
            challengers.push(address(uint160(0xC000 + i)));
        }
    }

    function slotCount() external view returns (uint256) {
        return slots.length;
    }

    function openSlotCount() external view returns (uint256) {
        return openSlots.length;
    }

    // ---------------------------------------------------------------- actions

    function commit(uint256 slotSeed, uint256 kindSeed) external {
        calls++;
        uint32 slot = uint32(block.timestamp / C.SECONDS_PER_SLOT - 1 - bound(slotSeed, 0, 23));
        if (_committed[slot].committedAt != 0) {
            vm.prank(attester);
            try oracle.commit(slot, keccak256(abi.encode(slot, "again")), 3) {
                recommitSucceeded = true;
            } catch {}
            _checkCommitment(slot);
            return;
        }
        Kind kind = Kind(bound(kindSeed, 0, uint256(type(Kind).max)));
        kindOf[slot] = kind;
        bytes32 l0 = leafOf(_recordOf(slot, 0));
        bytes32 l1 = leafOf(_recordOf(slot, 1));
        bytes32 root = hashPair(l0, l1);
        vm.prank(attester);
        oracle.commit(slot, root, 2);
        _committed[slot] = IAttestationOracle.Commitment({
            root: root,
            attester: attester,
            committedAt: uint40(block.timestamp),
            recordCount: 2,
            bondPaid: false,
            bondReleased: false
        });
        _leaves[slot] = [l0, l1];
        slots.push(slot);
        openSlots.push(slot);
        _openIndex[slot] = openSlots.length;
        bondsIn += oracle.attesterBondUsdc6();
    }

    function challenge(uint256 slotSeed, uint256 recordSeed, uint256 challengerSeed) external {
        if (slots.length == 0) return;
        calls++;
        uint32 slot = slots[slotSeed % slots.length];
        _checkCommitment(slot);
        if (block.timestamp >= _committed[slot].committedAt + C.CHALLENGE_WINDOW_SECONDS) return;
        uint256 i = recordSeed % 2;
        bytes32 leaf = _leaves[slot][i];
        if (_excluded[leaf]) return;
        address challenger = challengers[challengerSeed % challengers.length];
        IAttestationOracle.Fault fault = _challengeAs(challenger, slot, i);
        if (_isHonest(slot, i)) {
            // fail_on_revert turns this handler revert into a failed run.
            vm.assertTrue(fault == IAttestationOracle.Fault.None, "an honest record was excluded");
            return;
        }
        vm.assertEq(uint256(fault), uint256(_faultOf(kindOf[slot])), "the fault of the slot's kind");
        _excluded[leaf] = true;
        exclusions++;
        if (_openIndex[slot] != 0) {
            bondsPaid += oracle.attesterBondUsdc6();
            _close(slot);
        }
    }

    function claim(uint256 slotSeed, uint256 recordSeed) external {
        if (slots.length == 0) return;
        calls++;
        uint32 slot = slots[slotSeed % slots.length];
        _checkCommitment(slot);
        if (block.timestamp < _committed[slot].committedAt + C.CHALLENGE_WINDOW_SECONDS) return;
        uint256 i = recordSeed % 2;
        bytes32 leaf = _leaves[slot][i];
        if (_excluded[leaf] || _claimed[leaf]) return;
        IAttestationOracle.NodeHourRecord memory r = _recordOf(slot, i);
        uint256 creditsBefore = oracle.pogcsCredits(r.nodeId);
        (, bool credited) = oracle.claim(r, proofOf(_leaves[slot][1 - i]));
        _claimed[leaf] = true;
        claims++;
        if (credited) credits++;
        // fail_on_revert turns these handler reverts into a failed run.
        vm.assertEq(credited, r.uptimeS >= 3_240, "credited from 54 minutes of uptime");
        vm.assertEq(oracle.pogcsCredits(r.nodeId) - creditsBefore, credited ? 1 : 0, "one credit per credited claim");
    }

    /// @dev Releasing a bond that was paid or released must fail; one that succeeds is a wrong payout.
    function releaseSpent(uint256 slotSeed) external {
        if (slots.length == 0) return;
        calls++;
        uint32 slot = slots[slotSeed % slots.length];
        if (_openIndex[slot] != 0) return;
        try oracle.releaseBond(slot) {
            payoutWrong = true;
        } catch {}
    }

    function releaseBond(uint256 slotSeed) external {
        if (openSlots.length == 0) return;
        calls++;
        // The first open slot from the seed on whose window has closed, as an attester collecting its bonds would.
        uint32 slot;
        bool found;
        for (uint256 k; k < openSlots.length && !found; ++k) {
            slot = openSlots[(slotSeed % openSlots.length + k) % openSlots.length];
            found = block.timestamp >= _committed[slot].committedAt + C.CHALLENGE_WINDOW_SECONDS;
        }
        if (!found) return;
        _checkCommitment(slot);
        uint256 before = token.balanceOf(attester);
        oracle.releaseBond(slot);
        if (token.balanceOf(attester) - before != oracle.attesterBondUsdc6()) payoutWrong = true;
        bondsReleased += oracle.attesterBondUsdc6();
        releases++;
        _close(slot);
    }

    function warp(uint256 secondsSeed) external {
        calls++;
        // Up to three hours: windows of six hours open and close within a run, and new slots keep ending.
        vm.warp(block.timestamp + bound(secondsSeed, 1 minutes, 3 hours));
    }

    // ---------------------------------------------------------------- bookkeeping

    /// @dev Challenges node `i`'s record of `slot` with its committed messages and signatures: `None` when the challenge
    /// reverts (it must, for an honest record), else the fault found. For a wrong record the challenger gets the bond if
    /// no earlier challenge of the slot took it, and half the stake of a device that signed an impossible window; a
    /// window signed by a stranger slashes nothing.
    function _challengeAs(address challenger, uint32 slot, uint256 i) internal returns (IAttestationOracle.Fault) {
        IAttestationOracle.NodeHourRecord memory r = _recordOf(slot, i);
        IAttestationOracle.Telemetry[] memory ms = _messagesOf(slot, i);
        bytes[] memory sigs = _signaturesOf(slot, i, ms);
        bytes32[] memory proof = proofOf(_leaves[slot][1 - i]);
        if (_isHonest(slot, i)) {
            vm.prank(challenger);
            try oracle.challenge(r, proof, ms, sigs) returns (IAttestationOracle.Fault fault) {
                return fault;
            } catch {
                return IAttestationOracle.Fault.None;
            }
        }
        uint256 expected = _openIndex[slot] != 0 ? oracle.attesterBondUsdc6() : 0;
        if (kindOf[slot] == Kind.Impossible) expected += registry.node(nodeIds[1]).stakeUsdc6 / 2;
        uint256 before = token.balanceOf(challenger);
        vm.prank(challenger);
        IAttestationOracle.Fault found = oracle.challenge(r, proof, ms, sigs);
        if (token.balanceOf(challenger) - before != expected) payoutWrong = true;
        return found;
    }

    function _faultOf(Kind kind) internal pure returns (IAttestationOracle.Fault) {
        if (kind == Kind.BadSignature) return IAttestationOracle.Fault.BadSignature;
        if (kind == Kind.Impossible) return IAttestationOracle.Fault.Impossible;
        if (kind == Kind.WrongDevice) return IAttestationOracle.Fault.WrongDevice;
        if (kind == Kind.NotIncreasing) return IAttestationOracle.Fault.NotIncreasing;
        return IAttestationOracle.Fault.AggregateMismatch; // AggregateMismatch, BothWrong
    }

    function _isHonest(uint32 slot, uint256 i) internal view returns (bool) {
        Kind kind = kindOf[slot];
        return kind == Kind.Honest || (i == 0 && kind != Kind.BothWrong);
    }

    /// @dev Records whether the oracle's commitment of `slot` still says what was committed (bond flags aside).
    function _checkCommitment(uint32 slot) internal {
        IAttestationOracle.Commitment memory c = oracle.commitment(slot);
        IAttestationOracle.Commitment storage first = _committed[slot];
        if (
            c.root != first.root || c.attester != first.attester || c.committedAt != first.committedAt
                || c.recordCount != first.recordCount
        ) commitmentChanged = true;
    }

    function _close(uint32 slot) internal {
        uint256 index = _openIndex[slot] - 1;
        uint32 last = openSlots[openSlots.length - 1];
        openSlots[index] = last;
        _openIndex[last] = index + 1;
        openSlots.pop();
        delete _openIndex[slot];
    }

    // ---------------------------------------------------------------- records

    /// @dev Node `i`'s two half-hour windows of `slot` (5,600 W of GPUs, 500 kWp PV): 3,400 s of uptime in even slots
    /// (a credit), 3,000 s in odd ones. Node 1's are made wrong as the slot's kind says.
    function _messagesOf(uint32 slot, uint256 i) internal view returns (IAttestationOracle.Telemetry[] memory ms) {
        address device = vm.addr(keys[i]);
        ms = new IAttestationOracle.Telemetry[](2);
        for (uint256 w; w < 2; ++w) {
            uint64 start = uint64(uint256(slot) * C.SECONDS_PER_SLOT + w * 1_800);
            ms[w] = IAttestationOracle.Telemetry({
                device: device,
                seq: uint64(slot) * 2 + uint64(w),
                windowStart: start,
                windowEnd: start + 1_800,
                pvWh: 100_000,
                batteryInWh: 50_000,
                batteryOutWh: 0,
                gridImportWh: uint32(500 * (slot % 4)),
                gridExportWh: 10_000,
                gpuWh: 2_700,
                evWh: 0,
                uptimeS: slot % 2 == 0 ? 1_700 : 1_500,
                jobsHash: bytes32(0)
            });
        }
        if (i == 0) return ms;
        Kind kind = kindOf[slot];
        if (kind == Kind.Impossible) ms[1].pvWh = 250_001; // 500 kWp for 30 minutes is 250,000 Wh
        if (kind == Kind.WrongDevice) ms[1].device = address(0xBAD);
        if (kind == Kind.NotIncreasing) ms[1].seq = ms[0].seq;
    }

    /// @dev The signatures the attester commits to with node `i`'s messages: its device's, but for a `BadSignature`
    /// slot a stranger's of node 1's second window.
    function _signaturesOf(uint32 slot, uint256 i, IAttestationOracle.Telemetry[] memory ms)
        internal
        view
        returns (bytes[] memory sigs)
    {
        sigs = signAll(address(oracle), keys[i], ms);
        if (i == 1 && kindOf[slot] == Kind.BadSignature) {
            sigs[1] = signDigest(STRANGER_KEY, digestOf(address(oracle), ms[1]));
        }
    }

    function _recordOf(uint32 slot, uint256 i) internal view returns (IAttestationOracle.NodeHourRecord memory r) {
        IAttestationOracle.Telemetry[] memory ms = _messagesOf(slot, i);
        r = recordOf(address(oracle), uint64(nodeIds[i]), slot, ms, _signaturesOf(slot, i, ms));
        Kind kind = kindOf[slot];
        if ((i == 1 && kind == Kind.AggregateMismatch) || kind == Kind.BothWrong) r.greenWh += 1;
    }
}
