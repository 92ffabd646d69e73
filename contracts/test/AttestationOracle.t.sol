// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {OracleFixture} from "./utils/OracleFixture.sol";
import {AttestationOracle} from "../src/AttestationOracle.sol";
import {IAttestationOracle} from "../src/interfaces/IAttestationOracle.sol";
import {INodeRegistry} from "../src/interfaces/INodeRegistry.sol";
import {IComputeHours} from "../src/interfaces/IComputeHours.sol";
import {HourId} from "../src/libraries/HourId.sol";
import {IAccessControl} from "@openzeppelin/contracts/access/IAccessControl.sol";
import "../src/libraries/Constants.sol" as C;

contract AttestationOracleTest is OracleFixture {
    uint256 internal constant STAKE = 2_000e6;

    uint256 internal nodeA; // alice's station, signing with DEVICE_KEY
    uint256 internal nodeB; // bob's station, signing with OTHER_DEVICE_KEY
    uint32 internal slot; // the hour that has just ended
    uint256 internal committedAt; // when `commitAs` in these tests commits: five minutes after the hour

    function setUp() public override {
        super.setUp();
        nodeA = registerStation(alice, device, STAKE);
        nodeB = registerStation(bob, otherDevice, STAKE);
        slot = slotNow();
        committedAt = HourId.startOf(slot + 1) + 5 minutes;
        vm.warp(committedAt);
    }

    // ---------------------------------------------------------------- helpers

    function _hourA(uint256 count) internal view returns (IAttestationOracle.Telemetry[] memory) {
        return stationHour(device, 1, slot, 0, count);
    }

    /// @dev Node A's device signatures of `ms`, as its agent sends them.
    function _sign(IAttestationOracle.Telemetry[] memory ms) internal view returns (bytes[] memory) {
        return signAll(address(oracle), DEVICE_KEY, ms);
    }

    /// @dev The record of `ms` as their device signed them: node B's by OTHER_DEVICE_KEY, any other node's by DEVICE_KEY.
    /// Signing is deterministic, so a test that signs the same messages again gets the record's signatures.
    function _record(uint256 nodeId, IAttestationOracle.Telemetry[] memory ms)
        internal
        view
        returns (IAttestationOracle.NodeHourRecord memory)
    {
        return _record(nodeId, ms, signAll(address(oracle), nodeId == nodeB ? OTHER_DEVICE_KEY : DEVICE_KEY, ms));
    }

    /// @dev The record an attester makes of `ms` and the signatures `sigs` it commits to with them.
    function _record(uint256 nodeId, IAttestationOracle.Telemetry[] memory ms, bytes[] memory sigs)
        internal
        view
        returns (IAttestationOracle.NodeHourRecord memory)
    {
        return recordOf(address(oracle), uint64(nodeId), slot, ms, sigs);
    }

    /// @dev The high-s twin of the signature by `key`: ecrecover accepts it, OpenZeppelin's ECDSA does not.
    function _highSTwin(uint256 key, bytes32 digest) internal pure returns (bytes memory) {
        (uint8 v, bytes32 r, bytes32 s) = vm.sign(key, digest);
        uint8 twinV = v == 27 ? 28 : 27;
        bytes32 twinS = bytes32(SECP256K1_N - uint256(s));
        vm.assertEq(ecrecover(digest, twinV, r, twinS), vm.addr(key), "malleable twin");
        return abi.encodePacked(r, twinS, twinV);
    }

    /// @dev Node B's honest record of three windows: the other leaf of two-leaf trees.
    function _filler() internal view returns (IAttestationOracle.NodeHourRecord memory) {
        return _record(nodeB, stationHour(otherDevice, 1, slot, 0, 3));
    }

    function _commitPair(IAttestationOracle.NodeHourRecord memory a, IAttestationOracle.NodeHourRecord memory b)
        internal
        returns (bytes32[] memory proofA, bytes32[] memory proofB)
    {
        bytes32 la = leafOf(a);
        bytes32 lb = leafOf(b);
        commitAs(a.slot, hashPair(la, lb), 2);
        return (proofOf(lb), proofOf(la));
    }

    /// @dev The tree OpenZeppelin's StandardMerkleTree builds of three leaves in this order: ((l0, l1), l2).
    function _commitThree(
        IAttestationOracle.NodeHourRecord memory a,
        IAttestationOracle.NodeHourRecord memory b,
        IAttestationOracle.NodeHourRecord memory c
    ) internal returns (bytes32[][] memory proofs) {
        bytes32 l0 = leafOf(a);
        bytes32 l1 = leafOf(b);
        bytes32 l2 = leafOf(c);
        bytes32 n01 = hashPair(l0, l1);
        commitAs(a.slot, hashPair(n01, l2), 3);
        proofs = new bytes32[][](3);
        proofs[0] = proofOf(l1, l2);
        proofs[1] = proofOf(l0, l2);
        proofs[2] = proofOf(n01);
    }

    /// @dev Commits a tree of any number of records ({rootOf}) for the slot of the first.
    function _commitAll(IAttestationOracle.NodeHourRecord[] memory rs) internal returns (bytes32[][] memory proofs) {
        bytes32[] memory leaves = new bytes32[](rs.length);
        for (uint256 i; i < rs.length; ++i) {
            leaves[i] = leafOf(rs[i]);
        }
        commitAs(rs[0].slot, rootOf(leaves), uint32(rs.length));
        proofs = new bytes32[][](rs.length);
        for (uint256 i; i < rs.length; ++i) {
            proofs[i] = proofOf(leaves, i);
        }
    }

    /// @dev Commits `r` beside the filler, challenges it as carol and checks the exclusion and the bond payment.
    function _assertFault(
        IAttestationOracle.NodeHourRecord memory r,
        IAttestationOracle.Telemetry[] memory ms,
        bytes[] memory sigs,
        IAttestationOracle.Fault expected
    ) internal {
        (bytes32[] memory proof,) = _commitPair(r, _filler());
        uint256 carolBefore = token.balanceOf(carol);
        uint256 treasuryBefore = token.balanceOf(admin);
        uint256 stakeBefore = registry.node(r.nodeId).stakeUsdc6;
        armChallenge(carol, r);
        vm.expectEmit(true, true, true, true);
        emit IAttestationOracle.RecordExcluded(slot, r.nodeId, leafOf(r), expected, carol, ATTESTER_BOND, 0);
        IAttestationOracle.Fault fault = revealAs(carol, r, proof, ms, sigs);

        vm.assertEq(uint256(fault), uint256(expected), "fault kind");
        vm.assertTrue(oracle.isExcluded(leafOf(r)), "excluded");
        vm.assertEq(oracle.excludedCount(slot), 1, "one record excluded");
        vm.assertEq(token.balanceOf(carol) - carolBefore, REWARD, "the reward of one record's bond to the challenger");
        vm.assertEq(token.balanceOf(admin) - treasuryBefore, ATTESTER_BOND - REWARD, "the rest to the treasury");
        vm.assertEq(token.balanceOf(address(oracle)), ATTESTER_BOND, "the other record's bond still held");
        vm.assertEq(registry.node(r.nodeId).stakeUsdc6, stakeBefore, "not slashed");
    }

    function _finalAt() internal view returns (uint256) {
        return committedAt + C.CHALLENGE_WINDOW_SECONDS;
    }

    // ---------------------------------------------------------------- deployment

    function test_constructor_wiresImmutablesAndDomain() public view {
        vm.assertEq(address(oracle.registry()), address(registry), "registry");
        vm.assertEq(address(oracle.computeHours()), address(hours_), "compute hours");
        vm.assertEq(address(oracle.settlementToken()), address(token), "settlement token from the registry");
        vm.assertEq(oracle.bondPerRecordUsdc6(), ATTESTER_BOND, "bond per record");
        vm.assertTrue(oracle.hasRole(oracle.DEFAULT_ADMIN_ROLE(), admin), "admin");
        (, string memory name, string memory version, uint256 chainId, address verifyingContract,,) =
            oracle.eip712Domain();
        vm.assertEq(keccak256(bytes(name)), keccak256("Greenhour Telemetry"), "domain name");
        vm.assertEq(keccak256(bytes(version)), keccak256("1"), "domain version");
        vm.assertEq(chainId, block.chainid, "chain id");
        vm.assertEq(verifyingContract, address(oracle), "verifying contract");
    }

    function test_constructor_rejectsZeroArguments() public {
        vm.expectRevert(abi.encodeWithSelector(IAttestationOracle.ZeroAddress.selector, "registry"));
        new AttestationOracle(INodeRegistry(address(0)), hours_, admin, ATTESTER_BOND);
        vm.expectRevert(abi.encodeWithSelector(IAttestationOracle.ZeroAddress.selector, "hours"));
        new AttestationOracle(registry, IComputeHours(address(0)), admin, ATTESTER_BOND);
        vm.expectRevert(abi.encodeWithSelector(IAttestationOracle.ZeroAddress.selector, "admin"));
        new AttestationOracle(registry, hours_, address(0), ATTESTER_BOND);
        vm.expectRevert(abi.encodeWithSelector(IAttestationOracle.ZeroBond.selector));
        new AttestationOracle(registry, hours_, admin, 0);
    }

    function test_constants_challengeWindowInsideDeliveryWindow() public pure {
        // A commit some minutes after the hour is final long before deliveries of the hour can no longer be confirmed.
        vm.assertLe(C.CHALLENGE_WINDOW_SECONDS + 1 hours, C.DELIVERY_CONFIRMATION_WINDOW_SECONDS, "final in time");
        vm.assertEq(uint256(C.MIN_UPTIME_BPS) * C.SECONDS_PER_SLOT / C.BPS, 54 minutes, "54 of 60 minutes");
    }

    // ---------------------------------------------------------------- commit

    function test_commit_storesCommitmentPullsBondAndEmits() public {
        bytes32 root = keccak256("root");
        uint256 attesterBefore = token.balanceOf(attester);
        vm.expectEmit(true, true, true, true);
        emit IAttestationOracle.Committed(slot, attester, root, 1_000, 1_024 * ATTESTER_BOND);
        commitAs(slot, root, 1_000);

        IAttestationOracle.Commitment memory c = oracle.commitment(slot);
        vm.assertEq(c.root, root, "root");
        vm.assertEq(c.attester, attester, "attester");
        vm.assertEq(c.committedAt, committedAt, "committedAt");
        vm.assertEq(c.recordCount, 1_000, "recordCount");
        vm.assertEq(oracle.excludedCount(slot), 0, "nothing excluded");
        vm.assertFalse(c.bondReleased, "bond not released");
        // 1,000 records: proofs of up to ceil(log2 1,000) = 10 hashes, a tree of up to 1,024 such leaves, all bonded.
        vm.assertEq(oracle.bondOf(1_000), 1_024 * ATTESTER_BOND, "bond of 1,024 records");
        vm.assertEq(attesterBefore - token.balanceOf(attester), 1_024 * ATTESTER_BOND, "bond pulled");
        vm.assertEq(token.balanceOf(address(oracle)), 1_024 * ATTESTER_BOND, "bond held");
        vm.assertFalse(oracle.isFinal(slot), "not final during the window");
    }

    function test_commit_onlyAttester() public {
        bytes32 attesterRole = oracle.ATTESTER_ROLE();
        vm.expectRevert(
            abi.encodeWithSelector(IAccessControl.AccessControlUnauthorizedAccount.selector, bob, attesterRole)
        );
        vm.prank(bob);
        oracle.commit(slot, keccak256("root"), 1);
        vm.expectRevert(
            abi.encodeWithSelector(IAccessControl.AccessControlUnauthorizedAccount.selector, admin, attesterRole)
        );
        vm.prank(admin);
        oracle.commit(slot, keccak256("root"), 1);

        vm.expectRevert(
            abi.encodeWithSelector(
                IAccessControl.AccessControlUnauthorizedAccount.selector, bob, oracle.DEFAULT_ADMIN_ROLE()
            )
        );
        vm.prank(bob);
        oracle.grantRole(attesterRole, bob);
    }

    function test_commit_rejectsSlotNotEnded() public {
        uint256 nowSlot = slotNow();
        vm.expectRevert(abi.encodeWithSelector(IAttestationOracle.SlotNotEnded.selector, uint32(nowSlot), nowSlot));
        commitAs(uint32(nowSlot), keccak256("root"), 1);
        vm.expectRevert(abi.encodeWithSelector(IAttestationOracle.SlotNotEnded.selector, uint32(nowSlot + 3), nowSlot));
        commitAs(uint32(nowSlot + 3), keccak256("root"), 1);
        commitAs(uint32(nowSlot - 1), keccak256("root"), 1); // ended
    }

    function test_commit_rejectsZeroRootAndZeroCount() public {
        vm.expectRevert(abi.encodeWithSelector(IAttestationOracle.ZeroRoot.selector, slot));
        commitAs(slot, bytes32(0), 1);
        vm.expectRevert(abi.encodeWithSelector(IAttestationOracle.ZeroRecordCount.selector, slot));
        commitAs(slot, keccak256("root"), 0);
    }

    function test_commit_twiceReverts() public {
        commitAs(slot, keccak256("root"), 10);
        vm.expectRevert(abi.encodeWithSelector(IAttestationOracle.AlreadyCommitted.selector, slot));
        commitAs(slot, keccak256("another root"), 11);

        // Not even another attester, nor after the window.
        vm.startPrank(admin);
        oracle.grantRole(oracle.ATTESTER_ROLE(), bob);
        vm.stopPrank();
        vm.prank(bob);
        token.approve(address(oracle), type(uint256).max);
        vm.warp(_finalAt() + 1 hours);
        vm.expectRevert(abi.encodeWithSelector(IAttestationOracle.AlreadyCommitted.selector, slot));
        vm.prank(bob);
        oracle.commit(slot, keccak256("root"), 10);
        vm.assertEq(oracle.commitment(slot).recordCount, 10, "the first commitment stands");
        vm.assertEq(token.balanceOf(address(oracle)), oracle.bondOf(10), "one commitment's bond");
    }

    // ---------------------------------------------------------------- challenge: each fault

    /// The device signed a window that names another device.
    function test_challenge_wrongDevice() public {
        IAttestationOracle.Telemetry[] memory ms = _hourA(5);
        ms[3].device = vm.addr(STRANGER_KEY);
        bytes[] memory sigs = _sign(ms);
        _assertFault(_record(nodeA, ms, sigs), ms, sigs, IAttestationOracle.Fault.WrongDevice);
    }

    /// The attester made up a window for the node and signed it with a key of its own: the record commits to that
    /// signature, which is not the device's. The bond goes to the challenger; the device signed nothing wrong.
    function test_challenge_messageSignedByAStrangerIsBadSignature() public {
        IAttestationOracle.Telemetry[] memory ms = _hourA(5);
        ms[3].gpuWh = 93; // the most 8 × 700 W draw in a minute: a window worth inventing
        bytes[] memory sigs = _sign(ms);
        sigs[3] = signDigest(STRANGER_KEY, digestOf(address(oracle), ms[3]));
        _assertFault(_record(nodeA, ms, sigs), ms, sigs, IAttestationOracle.Fault.BadSignature);
    }

    /// A stranger's window naming the stranger's device, signed by it: the signature is checked first.
    function test_challenge_strangersOwnWindowIsBadSignature() public {
        IAttestationOracle.Telemetry[] memory ms = _hourA(3);
        ms[1].device = vm.addr(STRANGER_KEY);
        bytes[] memory sigs = _sign(ms);
        sigs[1] = signDigest(STRANGER_KEY, digestOf(address(oracle), ms[1]));
        _assertFault(_record(nodeA, ms, sigs), ms, sigs, IAttestationOracle.Fault.BadSignature);
    }

    function test_challenge_unknownNodeIsWrongDevice() public {
        IAttestationOracle.Telemetry[] memory ms = _hourA(2);
        bytes[] memory sigs = signAll(address(oracle), DEVICE_KEY, ms);
        IAttestationOracle.NodeHourRecord memory r = _record(99, ms);
        _assertFault(r, ms, sigs, IAttestationOracle.Fault.WrongDevice);
    }

    function test_challenge_outsideSlot() public {
        IAttestationOracle.Telemetry[] memory ms = _hourA(5);
        // The last window belongs to the next hour.
        ms[4].windowStart = uint64(HourId.startOf(slot + 1));
        ms[4].windowEnd = ms[4].windowStart + 60;
        _assertFault(
            _record(nodeA, ms), ms, signAll(address(oracle), DEVICE_KEY, ms), IAttestationOracle.Fault.OutsideSlot
        );
    }

    function test_challenge_windowAcrossTheSlotEndIsOutsideSlot() public {
        IAttestationOracle.Telemetry[] memory ms = _hourA(1);
        ms[0].windowStart = uint64(HourId.startOf(slot + 1) - 30);
        ms[0].windowEnd = ms[0].windowStart + 60;
        _assertFault(_record(nodeA, ms), ms, _sign(ms), IAttestationOracle.Fault.OutsideSlot);
    }

    function test_challenge_repeatedSeqIsNotIncreasing() public {
        IAttestationOracle.Telemetry[] memory ms = _hourA(5);
        ms[2].seq = ms[1].seq;
        _assertFault(
            _record(nodeA, ms), ms, signAll(address(oracle), DEVICE_KEY, ms), IAttestationOracle.Fault.NotIncreasing
        );
    }

    function test_challenge_overlappingWindowsAreNotIncreasing() public {
        IAttestationOracle.Telemetry[] memory ms = _hourA(5);
        ms[2].windowStart = ms[1].windowEnd - 1;
        _assertFault(
            _record(nodeA, ms), ms, signAll(address(oracle), DEVICE_KEY, ms), IAttestationOracle.Fault.NotIncreasing
        );
    }

    /// Past the signature check every window is the device's: an impossible one slashes it.
    function test_challenge_impossibleSlashesTheDevice() public {
        IAttestationOracle.Telemetry[] memory ms = _hourA(5);
        ms[2].pvWh = 8_334; // 500 kWp for 60 s is at most 8,333 Wh
        bytes[] memory sigs = signAll(address(oracle), DEVICE_KEY, ms);
        IAttestationOracle.NodeHourRecord memory r = _record(nodeA, ms);
        (bytes32[] memory proof,) = _commitPair(r, _filler());

        uint256 slash = STAKE * C.DEVICE_FRAUD_SLASH_BPS / C.BPS;
        armChallenge(carol, r);
        vm.expectEmit(true, true, true, true);
        emit IAttestationOracle.RecordExcluded(
            slot, nodeA, leafOf(r), IAttestationOracle.Fault.Impossible, carol, ATTESTER_BOND, slash
        );
        vm.expectEmit(true, true, true, true);
        emit INodeRegistry.Slashed(nodeA, rewardOf(slash), 0, carol, "IMPOSSIBLE_TELEMETRY");
        vm.expectEmit(true, true, true, true);
        emit INodeRegistry.Slashed(nodeA, slash - rewardOf(slash), 0, admin, "IMPOSSIBLE_TELEMETRY");
        uint256 carolBefore = token.balanceOf(carol);
        IAttestationOracle.Fault fault = revealAs(carol, r, proof, ms, sigs);

        vm.assertEq(uint256(fault), uint256(IAttestationOracle.Fault.Impossible), "impossible");
        vm.assertEq(slash, 1_000e6, "half the stake");
        vm.assertEq(registry.node(nodeA).stakeUsdc6, STAKE - slash, "slashed");
        vm.assertEq(
            token.balanceOf(carol) - carolBefore,
            REWARD + rewardOf(slash),
            "a fifth of bond and slash to the challenger"
        );
        vm.assertTrue(oracle.isExcluded(leafOf(r)), "excluded");
    }

    /// The battery's state of charge is signed too: a window claiming more charge than the registered 1 MWh battery
    /// holds is impossible, and the device is slashed for it.
    function test_challenge_batterySocAboveCapacitySlashesTheDevice() public {
        IAttestationOracle.Telemetry[] memory ms = _hourA(5);
        ms[3].batterySocWh = 1_000_001; // the station's battery is 1,000,000 Wh
        bytes[] memory sigs = _sign(ms);
        IAttestationOracle.NodeHourRecord memory r = _record(nodeA, ms);
        (bytes32[] memory proof,) = _commitPair(r, _filler());
        vm.assertEq(
            uint256(oracle.violationOf(nodeA, ms[3])), uint256(IAttestationOracle.Violation.BatterySoc), "violation"
        );

        uint256 slash = STAKE * C.DEVICE_FRAUD_SLASH_BPS / C.BPS;
        armChallenge(carol, r);
        vm.expectEmit(true, true, true, true);
        emit IAttestationOracle.RecordExcluded(
            slot, nodeA, leafOf(r), IAttestationOracle.Fault.Impossible, carol, ATTESTER_BOND, slash
        );
        uint256 carolBefore = token.balanceOf(carol);
        IAttestationOracle.Fault fault = revealAs(carol, r, proof, ms, sigs);

        vm.assertEq(uint256(fault), uint256(IAttestationOracle.Fault.Impossible), "impossible");
        vm.assertEq(registry.node(nodeA).stakeUsdc6, STAKE - slash, "slashed");
        vm.assertEq(token.balanceOf(carol) - carolBefore, REWARD + rewardOf(slash), "bond and slash shares paid");
        vm.assertTrue(oracle.isExcluded(leafOf(r)), "excluded");
    }

    /// A full battery is possible: a state of charge equal to the registered capacity is no fault.
    function test_challenge_batterySocAtCapacityIsNoFraud() public {
        IAttestationOracle.Telemetry[] memory ms = _hourA(5);
        ms[3].batterySocWh = 1_000_000;
        IAttestationOracle.NodeHourRecord memory r = _record(nodeA, ms);
        (bytes32[] memory proof,) = _commitPair(r, _filler());
        armChallenge(carol, r);
        vm.expectRevert(abi.encodeWithSelector(IAttestationOracle.NoFraud.selector, slot, leafOf(r)));
        revealAs(carol, r, proof, ms, _sign(ms));
        vm.assertEq(registry.node(nodeA).stakeUsdc6, STAKE, "not slashed");
    }

    function test_challenge_impossibleSlashRoundsDown() public {
        uint256 key = 0xD3CE;
        uint256 odd = 2_000e6 + 1;
        uint256 nodeC = registerStation(carol, deviceAddr(key), odd);
        IAttestationOracle.Telemetry[] memory ms = stationHour(vm.addr(key), 1, slot, 0, 1);
        ms[0].uptimeS = 61; // more uptime than the window has
        bytes[] memory sigs = signAll(address(oracle), key, ms);
        IAttestationOracle.NodeHourRecord memory r = _record(nodeC, ms, sigs);
        (bytes32[] memory proof,) = _commitPair(r, _filler());
        challengeAs(bob, r, proof, ms, sigs);
        vm.assertEq(registry.node(nodeC).stakeUsdc6, odd - 1_000e6, "slash = floor(stake / 2)");
    }

    /// Committed signatures that do not recover to the device, in records that each also have an impossible window: a
    /// stranger's signature, the high-s twin of the device's own, the device's with v neither 27 nor 28, and made-up
    /// bytes. Each is a BadSignature fault, found before the impossible window: the record is excluded (the slot's bond
    /// to the first challenge) and the device, which signed no impossible window, is not slashed.
    function test_challenge_signatureNotTheDevicesIsBadSignature() public {
        uint256 count = 4;
        IAttestationOracle.Telemetry[][] memory ms = new IAttestationOracle.Telemetry[][](count);
        IAttestationOracle.NodeHourRecord[] memory rs = new IAttestationOracle.NodeHourRecord[](count);
        bytes[][] memory sigs = new bytes[][](count);
        for (uint256 i; i < count; ++i) {
            ms[i] = stationHour(device, uint64(1 + 10 * i), slot, 10 * i, 2);
            ms[i][1].gpuWh = 94; // 8 × 700 W for 60 s is at most 93 Wh
            sigs[i] = _sign(ms[i]);
        }
        sigs[0][1] = signDigest(STRANGER_KEY, digestOf(address(oracle), ms[0][1]));
        sigs[1][1] = _highSTwin(DEVICE_KEY, digestOf(address(oracle), ms[1][1]));
        (uint8 v, bytes32 r, bytes32 s) = vm.sign(DEVICE_KEY, digestOf(address(oracle), ms[2][1]));
        sigs[2][1] = abi.encodePacked(r, s, v + 2);
        sigs[3][1] = abi.encodePacked(keccak256("r"), bytes32(uint256(1)), uint8(27));
        for (uint256 i; i < count; ++i) {
            rs[i] = _record(nodeA, ms[i], sigs[i]);
        }
        bytes32[][] memory proofs = _commitAll(rs);

        uint256 carolBefore = token.balanceOf(carol);
        for (uint256 i; i < count; ++i) {
            armChallenge(carol, rs[i]);
            vm.expectEmit(true, true, true, true);
            emit IAttestationOracle.RecordExcluded(
                slot, nodeA, leafOf(rs[i]), IAttestationOracle.Fault.BadSignature, carol, ATTESTER_BOND, 0
            );
            IAttestationOracle.Fault fault = revealAs(carol, rs[i], proofs[i], ms[i], sigs[i]);
            vm.assertEq(uint256(fault), uint256(IAttestationOracle.Fault.BadSignature), "bad signature");
            vm.assertTrue(oracle.isExcluded(leafOf(rs[i])), "excluded");
        }
        vm.assertEq(token.balanceOf(carol) - carolBefore, count * REWARD, "one reward per excluded record");
        vm.assertEq(registry.node(nodeA).stakeUsdc6, STAKE, "the device is not slashed");
    }

    function test_challenge_aggregateMismatch() public {
        IAttestationOracle.Telemetry[] memory ms = _hourA(5);
        IAttestationOracle.NodeHourRecord memory r = _record(nodeA, ms);
        r.greenWh += 1;
        _assertFault(r, ms, _sign(ms), IAttestationOracle.Fault.AggregateMismatch);
    }

    function test_challenge_emptyRecordIsMessageCount() public {
        IAttestationOracle.Telemetry[] memory none = new IAttestationOracle.Telemetry[](0);
        _assertFault(_record(nodeA, none), none, new bytes[](0), IAttestationOracle.Fault.MessageCount);
    }

    /// A record of 61 one-minute-or-shorter windows, each right, is the MessageCount fault: it is proven without its
    /// messages, which are not read (any may be passed). Sixty is the bound.
    function test_challenge_aboveTheWindowBoundIsMessageCount() public {
        IAttestationOracle.Telemetry[] memory ms = new IAttestationOracle.Telemetry[](61);
        for (uint256 i; i < 61; ++i) {
            ms[i] = stationWindow(device, uint64(1 + i), slot, 0);
            ms[i].windowStart = uint64(HourId.startOf(slot) + i * 59);
            ms[i].windowEnd = ms[i].windowStart + 59;
        }
        IAttestationOracle.NodeHourRecord memory r = _record(nodeA, ms);
        _assertFault(r, new IAttestationOracle.Telemetry[](0), new bytes[](0), IAttestationOracle.Fault.MessageCount);
    }

    /// The bound itself: 60 right windows are no fault.
    function test_challenge_atTheWindowBoundIsNoFraud() public {
        IAttestationOracle.Telemetry[] memory ms = _hourA(C.MAX_WINDOWS_PER_RECORD);
        IAttestationOracle.NodeHourRecord memory r = _record(nodeA, ms);
        (bytes32[] memory proof,) = _commitPair(r, _filler());
        armChallenge(carol, r);
        vm.expectRevert(abi.encodeWithSelector(IAttestationOracle.NoFraud.selector, slot, leafOf(r)));
        revealAs(carol, r, proof, ms, _sign(ms));
    }

    /// A record that is not challenged but breaks the window bound is still never claimed.
    function test_claim_rejectsMessageCountOutOfBounds() public {
        IAttestationOracle.NodeHourRecord memory empty = _record(nodeA, new IAttestationOracle.Telemetry[](0));
        IAttestationOracle.NodeHourRecord memory big = _filler();
        big.messageCount = C.MAX_WINDOWS_PER_RECORD + 1;
        (bytes32[] memory pe, bytes32[] memory pb) = _commitPair(empty, big);
        vm.warp(_finalAt());
        vm.expectRevert(
            abi.encodeWithSelector(IAttestationOracle.MessageCountOutOfBounds.selector, slot, leafOf(empty), 0)
        );
        oracle.claim(empty, pe);
        vm.expectRevert(
            abi.encodeWithSelector(IAttestationOracle.MessageCountOutOfBounds.selector, slot, leafOf(big), 61)
        );
        oracle.claim(big, pb);
    }

    /// Claims and challenges accept proofs of at most ceil(log2(recordCount)) hashes: deeper leaves are not bonded.
    function test_claimAndChallenge_rejectProofLongerThanTheTree() public {
        IAttestationOracle.Telemetry[] memory ms = _hourA(2);
        IAttestationOracle.NodeHourRecord memory r = _record(nodeA, ms);
        IAttestationOracle.NodeHourRecord memory other = _filler();
        IAttestationOracle.NodeHourRecord memory third = _record(nodeB, stationHour(otherDevice, 9, slot, 9, 1));
        bytes32 n01 = hashPair(leafOf(r), leafOf(other));
        commitAs(slot, hashPair(n01, leafOf(third)), 2); // three leaves committed as two: proofs of one hash only
        armChallenge(carol, r);
        vm.expectRevert(abi.encodeWithSelector(IAttestationOracle.ProofTooLong.selector, slot, 2, 1));
        revealAs(carol, r, proofOf(leafOf(other), leafOf(third)), ms, _sign(ms));
        vm.warp(_finalAt());
        vm.expectRevert(abi.encodeWithSelector(IAttestationOracle.ProofTooLong.selector, slot, 2, 1));
        oracle.claim(r, proofOf(leafOf(other), leafOf(third)));
        oracle.claim(third, proofOf(n01)); // one hash deep
    }

    /// The reveal must come from the committed challenger, with the committed salt, in a later block.
    function test_challenge_needsACommitmentFromAnEarlierBlock() public {
        IAttestationOracle.Telemetry[] memory ms = _hourA(2);
        IAttestationOracle.NodeHourRecord memory r = _record(nodeA, ms);
        r.uptimeS = 1;
        (bytes32[] memory proof,) = _commitPair(r, _filler());
        bytes32 salt = saltOf(carol);
        bytes32 h = oracle.challengeCommitment(leafOf(r), carol, salt);
        vm.assertEq(h, keccak256(abi.encode(leafOf(r), carol, salt)), "commitment encoding");

        vm.expectRevert(abi.encodeWithSelector(IAttestationOracle.ChallengeNotCommitted.selector, h));
        revealAs(carol, r, proof, ms, _sign(ms)); // nothing committed
        vm.expectEmit(true, true, true, true);
        emit IAttestationOracle.ChallengeCommitted(h, block.number);
        vm.prank(carol);
        oracle.commitChallenge(h);
        vm.assertEq(oracle.challengeCommittedAt(h), block.number, "recorded");
        vm.expectRevert(abi.encodeWithSelector(IAttestationOracle.ChallengeNotCommitted.selector, h));
        revealAs(carol, r, proof, ms, _sign(ms)); // same block
        vm.roll(block.number + 1);
        vm.prank(bob); // a copy of the commitment later keeps the first block
        oracle.commitChallenge(h);
        vm.assertEq(oracle.challengeCommittedAt(h), block.number - 1, "first block kept");
        bytes32 other = oracle.challengeCommitment(leafOf(r), carol, keccak256("another salt"));
        vm.expectRevert(abi.encodeWithSelector(IAttestationOracle.ChallengeNotCommitted.selector, other));
        vm.prank(carol);
        oracle.challenge(r, proof, ms, _sign(ms), keccak256("another salt"));
        revealAs(carol, r, proof, ms, _sign(ms));
        vm.assertTrue(oracle.isExcluded(leafOf(r)), "excluded");
        vm.assertEq(oracle.challengeCommittedAt(h), 0, "spent");
    }

    /// Six records of one slot, the k-th showing every fault from the k-th kind of {IAttestationOracle.Fault} on: each
    /// challenge reports its record's first. Each takes its record's bond; only Impossible slashes.
    function test_challenge_reportsTheFirstFaultInOrder() public {
        uint256 kinds = uint256(IAttestationOracle.Fault.AggregateMismatch);
        IAttestationOracle.Telemetry[][] memory ms = new IAttestationOracle.Telemetry[][](kinds);
        bytes[][] memory sigs = new bytes[][](kinds);
        IAttestationOracle.NodeHourRecord[] memory rs = new IAttestationOracle.NodeHourRecord[](kinds);
        for (uint256 k; k < kinds; ++k) {
            (ms[k], sigs[k], rs[k]) = _withFaultsFrom(IAttestationOracle.Fault(k + 1));
        }
        bytes32[][] memory proofs = _commitAll(rs);

        uint256 slash = STAKE * C.DEVICE_FRAUD_SLASH_BPS / C.BPS;
        for (uint256 k; k < kinds; ++k) {
            IAttestationOracle.Fault expected = IAttestationOracle.Fault(k + 1);
            armChallenge(carol, rs[k]);
            vm.expectEmit(true, true, true, true);
            emit IAttestationOracle.RecordExcluded(
                slot,
                nodeA,
                leafOf(rs[k]),
                expected,
                carol,
                ATTESTER_BOND,
                expected == IAttestationOracle.Fault.Impossible ? slash : 0
            );
            IAttestationOracle.Fault fault = revealAs(carol, rs[k], proofs[k], ms[k], sigs[k]);
            vm.assertEq(uint256(fault), uint256(expected), "first fault");
        }
        vm.assertEq(registry.node(nodeA).stakeUsdc6, STAKE - slash, "slashed once, for the impossible window");
    }

    /// @dev Node A's four windows with every fault from `first` on, each in a different window where it can be.
    function _withFaultsFrom(IAttestationOracle.Fault first)
        internal
        view
        returns (
            IAttestationOracle.Telemetry[] memory ms,
            bytes[] memory sigs,
            IAttestationOracle.NodeHourRecord memory r
        )
    {
        ms = _hourA(4);
        if (first <= IAttestationOracle.Fault.WrongDevice) ms[1].device = vm.addr(STRANGER_KEY);
        if (first <= IAttestationOracle.Fault.OutsideSlot) ms[3].windowEnd = uint64(HourId.startOf(slot + 1) + 1);
        if (first <= IAttestationOracle.Fault.NotIncreasing) ms[2].seq = ms[1].seq;
        if (first <= IAttestationOracle.Fault.Impossible) ms[2].pvWh = type(uint32).max;
        sigs = _sign(ms);
        if (first <= IAttestationOracle.Fault.BadSignature) {
            sigs[0] = signDigest(STRANGER_KEY, digestOf(address(oracle), ms[0]));
        }
        r = _record(nodeA, ms, sigs);
        r.uptimeS = 0; // AggregateMismatch, always
    }

    /// Sixty one-minute windows, the whole hour, with a wrong uptime: every check runs. Also the gas figure of a
    /// challenge.
    function test_challenge_sixtyMessages() public {
        IAttestationOracle.Telemetry[] memory ms = _hourA(60);
        IAttestationOracle.NodeHourRecord memory r = _record(nodeA, ms);
        r.uptimeS += 60;
        bytes[] memory sigs = signAll(address(oracle), DEVICE_KEY, ms);
        (bytes32[] memory proof,) = _commitPair(r, _filler());
        IAttestationOracle.Fault fault = challengeAs(carol, r, proof, ms, sigs);
        vm.assertEq(uint256(fault), uint256(IAttestationOracle.Fault.AggregateMismatch), "aggregate");
    }

    /// Three records bond four (proofs of up to two hashes): each excluded one pays its bond to its challenger, the
    /// release returns the other two.
    function test_challenge_eachExcludedRecordPaysItsBond() public {
        IAttestationOracle.Telemetry[] memory msA = _hourA(4);
        IAttestationOracle.Telemetry[] memory msB = stationHour(otherDevice, 1, slot, 0, 4);
        IAttestationOracle.NodeHourRecord memory honest = _record(nodeA, msA);
        IAttestationOracle.NodeHourRecord memory badA = _record(nodeA, msA);
        badA.gridWh += 1;
        IAttestationOracle.NodeHourRecord memory badB = _record(nodeB, msB);
        badB.uptimeS -= 1;
        bytes32[][] memory proofs = _commitThree(honest, badA, badB);

        uint256 carolBefore = token.balanceOf(carol);
        uint256 bobBefore = token.balanceOf(bob);
        challengeAs(carol, badA, proofs[1], msA, _sign(msA));
        armChallenge(bob, badB);
        vm.expectEmit(true, true, true, true);
        emit IAttestationOracle.RecordExcluded(
            slot, nodeB, leafOf(badB), IAttestationOracle.Fault.AggregateMismatch, bob, ATTESTER_BOND, 0
        );
        revealAs(bob, badB, proofs[2], msB, signAll(address(oracle), OTHER_DEVICE_KEY, msB));

        vm.assertEq(token.balanceOf(carol) - carolBefore, REWARD, "first challenger takes a record's reward");
        vm.assertEq(token.balanceOf(bob) - bobBefore, REWARD, "so does the second");
        vm.assertTrue(oracle.isExcluded(leafOf(badA)) && oracle.isExcluded(leafOf(badB)), "both excluded");
        vm.assertEq(oracle.excludedCount(slot), 2, "two excluded");
        vm.assertEq(token.balanceOf(address(oracle)), 2 * ATTESTER_BOND, "the other two bonds held");

        vm.warp(_finalAt());
        uint256 attesterBefore = token.balanceOf(attester);
        vm.expectEmit(true, true, true, true);
        emit IAttestationOracle.AttesterBondReleased(slot, attester, 2 * ATTESTER_BOND);
        oracle.releaseBond(slot);
        vm.assertEq(token.balanceOf(attester) - attesterBefore, 2 * ATTESTER_BOND, "the unspent bonds returned");
        vm.expectRevert(abi.encodeWithSelector(IAttestationOracle.NoBondToRelease.selector, slot));
        oracle.releaseBond(slot);
        oracle.claim(honest, proofs[0]); // the honest record of the slot still stands
        vm.assertTrue(oracle.isClaimed(leafOf(honest)), "honest record claimed");
    }

    // ---------------------------------------------------------------- challenge: failures

    function test_challenge_honestRecordIsNoFraud() public {
        IAttestationOracle.Telemetry[] memory ms = _hourA(5);
        IAttestationOracle.NodeHourRecord memory r = _record(nodeA, ms);
        (bytes32[] memory proof,) = _commitPair(r, _filler());
        bytes32 leaf = leafOf(r);

        armChallenge(carol, r);
        vm.expectRevert(abi.encodeWithSelector(IAttestationOracle.NoFraud.selector, slot, leaf));
        revealAs(carol, r, proof, ms, _sign(ms));
        // The record commits to its signatures: no other signatures, not even the device's malleable twin of one, can
        // frame an honest attester.
        bytes[][] memory others = new bytes[][](3);
        others[0] = signAll(address(oracle), STRANGER_KEY, ms);
        others[1] = _sign(ms);
        others[1][2] = _highSTwin(DEVICE_KEY, digestOf(address(oracle), ms[2]));
        others[2] = new bytes[](5);
        for (uint256 i; i < others.length; ++i) {
            bytes32 got = messagesHashOf(address(oracle), ms, others[i]);
            armChallenge(carol, r);
            vm.expectRevert(
                abi.encodeWithSelector(IAttestationOracle.MessagesHashMismatch.selector, r.messagesHash, got)
            );
            revealAs(carol, r, proof, ms, others[i]);
        }

        vm.assertFalse(oracle.isExcluded(leaf), "not excluded");
        vm.assertEq(oracle.excludedCount(slot), 0, "no bond paid");
        vm.assertEq(token.balanceOf(address(oracle)), 2 * ATTESTER_BOND, "bonds still held");
    }

    function test_challenge_rejectsUnknownSlot() public {
        IAttestationOracle.Telemetry[] memory ms = _hourA(1);
        IAttestationOracle.NodeHourRecord memory r = _record(nodeA, ms);
        armChallenge(carol, r);
        vm.expectRevert(abi.encodeWithSelector(IAttestationOracle.UnknownSlot.selector, slot));
        revealAs(carol, r, new bytes32[](0), ms, new bytes[](1));
    }

    function test_challenge_closesWithTheWindow() public {
        IAttestationOracle.Telemetry[] memory ms = _hourA(2);
        IAttestationOracle.NodeHourRecord memory r = _record(nodeA, ms);
        r.gpuWh = 0;
        (bytes32[] memory proof,) = _commitPair(r, _filler());

        vm.warp(_finalAt());
        armChallenge(carol, r);
        vm.expectRevert(abi.encodeWithSelector(IAttestationOracle.ChallengeWindowClosed.selector, slot, _finalAt()));
        revealAs(carol, r, proof, ms, _sign(ms));
        vm.assertTrue(oracle.isFinal(slot), "final");

        vm.warp(_finalAt() - 1);
        vm.assertFalse(oracle.isFinal(slot), "not final in the window's last second");
        challengeAs(carol, r, proof, ms, _sign(ms));
        vm.assertTrue(oracle.isExcluded(leafOf(r)), "excluded in the window's last second");
    }

    function test_challenge_rejectsRecordNotInRoot() public {
        IAttestationOracle.Telemetry[] memory ms = _hourA(2);
        IAttestationOracle.NodeHourRecord memory r = _record(nodeA, ms);
        (bytes32[] memory proof,) = _commitPair(r, _filler());

        IAttestationOracle.NodeHourRecord memory altered = _record(nodeA, ms);
        altered.greenWh += 1;
        armChallenge(carol, altered);
        vm.expectRevert(abi.encodeWithSelector(IAttestationOracle.NotInRoot.selector, slot, leafOf(altered)));
        revealAs(carol, altered, proof, ms, _sign(ms));

        armChallenge(carol, r);
        vm.expectRevert(abi.encodeWithSelector(IAttestationOracle.NotInRoot.selector, slot, leafOf(r)));
        revealAs(carol, r, proofOf(keccak256("not the sibling")), ms, _sign(ms));
    }

    function test_challenge_rejectsAlreadyExcluded() public {
        IAttestationOracle.Telemetry[] memory ms = _hourA(2);
        IAttestationOracle.NodeHourRecord memory r = _record(nodeA, ms);
        r.uptimeS = 1;
        (bytes32[] memory proof,) = _commitPair(r, _filler());
        challengeAs(carol, r, proof, ms, _sign(ms));
        armChallenge(bob, r);
        vm.expectRevert(abi.encodeWithSelector(IAttestationOracle.AlreadyExcluded.selector, slot, leafOf(r)));
        revealAs(bob, r, proof, ms, _sign(ms));
    }

    function test_challenge_rejectsMessagesThatAreNotTheRecords() public {
        IAttestationOracle.Telemetry[] memory ms = _hourA(5);
        bytes[] memory sigs = _sign(ms);
        IAttestationOracle.NodeHourRecord memory r = _record(nodeA, ms, sigs);
        r.greenWh = 0; // wrong, but only provable with the record's own messages and signatures
        (bytes32[] memory proof,) = _commitPair(r, _filler());

        IAttestationOracle.Telemetry[] memory four = _hourA(4);
        armChallenge(carol, r);
        vm.expectRevert(abi.encodeWithSelector(IAttestationOracle.MessageCountMismatch.selector, 5, 4));
        revealAs(carol, r, proof, four, _sign(four));

        armChallenge(carol, r);
        vm.expectRevert(abi.encodeWithSelector(IAttestationOracle.SignatureCountMismatch.selector, 5, 4));
        revealAs(carol, r, proof, ms, _sign(four));

        // The same messages and signatures out of order, or one message altered, are not the record's.
        (ms[1], ms[2]) = (ms[2], ms[1]);
        (sigs[1], sigs[2]) = (sigs[2], sigs[1]);
        bytes32 got = messagesHashOf(address(oracle), ms, sigs);
        armChallenge(carol, r);
        vm.expectRevert(abi.encodeWithSelector(IAttestationOracle.MessagesHashMismatch.selector, r.messagesHash, got));
        revealAs(carol, r, proof, ms, sigs);
        (ms[1], ms[2]) = (ms[2], ms[1]);
        (sigs[1], sigs[2]) = (sigs[2], sigs[1]);
        ms[0].jobsHash = bytes32(0);
        got = messagesHashOf(address(oracle), ms, sigs);
        armChallenge(carol, r);
        vm.expectRevert(abi.encodeWithSelector(IAttestationOracle.MessagesHashMismatch.selector, r.messagesHash, got));
        revealAs(carol, r, proof, ms, sigs);
    }

    /// A record's entries are 65-byte signatures: one of another length matches no record, not even one whose
    /// `messagesHash` was made over it (so, like a record whose messages are withheld, nobody can prove it wrong; an
    /// honest attester never makes one). `aggregate` rejects it too.
    /// An entry that is not a 65-byte signature was never signed by the device: the record is BadSignature (before, the
    /// 65-byte rule made such a record, with everything published, unprovable and claimable; review finding 3).
    function test_challenge_signatureOfAnotherLengthIsBadSignature() public {
        IAttestationOracle.Telemetry[] memory ms = _hourA(2);
        bytes[] memory sigs = _sign(ms);
        (, bytes32 r, bytes32 s) = vm.sign(DEVICE_KEY, digestOf(address(oracle), ms[1]));
        sigs[1] = abi.encodePacked(r, s); // 64 bytes
        IAttestationOracle.NodeHourRecord memory record = _record(nodeA, ms, sigs);
        (bytes32[] memory proof,) = _commitPair(record, _filler());

        armChallenge(carol, record);
        IAttestationOracle.Fault fault = revealAs(carol, record, proof, ms, sigs);
        vm.assertEq(uint256(fault), uint256(IAttestationOracle.Fault.BadSignature), "not a signature of the device");
        vm.assertTrue(oracle.isExcluded(leafOf(record)), "excluded");
        vm.expectRevert(abi.encodeWithSelector(IAttestationOracle.BadSignatureLength.selector, 1, 64));
        oracle.aggregate(ms, sigs);
    }

    // ---------------------------------------------------------------- claim

    function test_claim_setsGreenShareAndCredit() public {
        IAttestationOracle.Telemetry[] memory ms = _hourA(60);
        IAttestationOracle.NodeHourRecord memory r = _record(nodeA, ms);
        // 20 windows draw 30 Wh from the grid; the GPUs draw 90 Wh in each; 6 windows have 50 s of uptime.
        vm.assertEq(r.gridWh, 600, "grid");
        vm.assertEq(r.greenWh, 4_800, "green");
        vm.assertEq(r.uptimeS, 3_540, "uptime");
        (bytes32[] memory proof,) = _commitPair(r, _filler());
        vm.warp(_finalAt());

        vm.expectEmit(true, true, true, true);
        emit IAttestationOracle.Claimed(slot, nodeA, leafOf(r), 8_888, true);
        vm.expectEmit(true, true, true, true);
        emit IComputeHours.GreenShareSet(nodeA, slot, 8_888);
        vm.prank(bob); // anyone
        (uint16 bps, bool credited) = oracle.claim(r, proof);

        vm.assertEq(bps, 8_888, "4,800 / 5,400 green, rounded down");
        vm.assertTrue(credited, "credited");
        IComputeHours.NodeSlot memory ns = hours_.nodeSlot(nodeA, slot);
        vm.assertTrue(ns.greenShareSet, "green share set");
        vm.assertEq(ns.greenShareBps, 8_888, "green share");
        vm.assertEq(oracle.pogcsCredits(nodeA), 1, "one proven green compute hour");
        vm.assertTrue(oracle.isClaimed(leafOf(r)), "claimed");
    }

    function test_claim_uptimeThresholdBothSides() public {
        IAttestationOracle.NodeHourRecord memory enough = _record(nodeA, _hourA(1));
        enough.uptimeS = 3_240; // 54 minutes
        IAttestationOracle.NodeHourRecord memory shortHour = _filler();
        shortHour.uptimeS = 3_239;
        (bytes32[] memory pa, bytes32[] memory pb) = _commitPair(enough, shortHour);
        vm.warp(_finalAt());

        (, bool credited) = oracle.claim(enough, pa);
        vm.assertTrue(credited, "54 minutes earn a credit");
        (uint16 bps, bool shortCredited) = oracle.claim(shortHour, pb);
        vm.assertFalse(shortCredited, "one second less does not");
        vm.assertEq(oracle.pogcsCredits(nodeA), 1, "node A credited");
        vm.assertEq(oracle.pogcsCredits(nodeB), 0, "node B not credited");
        vm.assertEq(hours_.nodeSlot(nodeB, slot).greenShareBps, bps, "green share set without a credit");
        vm.assertTrue(hours_.nodeSlot(nodeB, slot).greenShareSet, "set");
    }

    function test_claim_rejectsBeforeFinal() public {
        IAttestationOracle.NodeHourRecord memory r = _record(nodeA, _hourA(1));
        (bytes32[] memory proof,) = _commitPair(r, _filler());
        vm.warp(_finalAt() - 1);
        vm.expectRevert(abi.encodeWithSelector(IAttestationOracle.NotFinal.selector, slot, _finalAt()));
        oracle.claim(r, proof);
        vm.warp(_finalAt());
        oracle.claim(r, proof);
    }

    function test_claim_rejectsUnknownSlotAndRecordNotInRoot() public {
        IAttestationOracle.NodeHourRecord memory r = _record(nodeA, _hourA(1));
        vm.expectRevert(abi.encodeWithSelector(IAttestationOracle.UnknownSlot.selector, slot));
        oracle.claim(r, new bytes32[](0));

        (bytes32[] memory proof,) = _commitPair(r, _filler());
        vm.warp(_finalAt());
        r.uptimeS = 3_600;
        vm.expectRevert(abi.encodeWithSelector(IAttestationOracle.NotInRoot.selector, slot, leafOf(r)));
        oracle.claim(r, proof);
    }

    function test_claim_rejectsExcludedAndAlreadyClaimed() public {
        IAttestationOracle.Telemetry[] memory ms = _hourA(2);
        IAttestationOracle.NodeHourRecord memory bad = _record(nodeA, ms);
        bad.greenWh = 1e9;
        IAttestationOracle.NodeHourRecord memory good = _filler();
        (bytes32[] memory pBad, bytes32[] memory pGood) = _commitPair(bad, good);
        challengeAs(carol, bad, pBad, ms, _sign(ms));
        vm.warp(_finalAt());

        vm.expectRevert(abi.encodeWithSelector(IAttestationOracle.Excluded.selector, slot, leafOf(bad)));
        oracle.claim(bad, pBad);
        oracle.claim(good, pGood);
        vm.expectRevert(abi.encodeWithSelector(IAttestationOracle.AlreadyClaimed.selector, slot, leafOf(good)));
        oracle.claim(good, pGood);
        vm.assertFalse(hours_.nodeSlot(nodeA, slot).greenShareSet, "no green share from an excluded record");
    }

    /// Two records of one node-hour in a root: the compute-hour contract takes the first green share only.
    function test_claim_secondRecordOfTheSameNodeHourReverts() public {
        IAttestationOracle.NodeHourRecord memory first = _record(nodeA, _hourA(2));
        IAttestationOracle.NodeHourRecord memory second = _record(nodeA, stationHour(device, 3, slot, 2, 2));
        (bytes32[] memory p1, bytes32[] memory p2) = _commitPair(first, second);
        vm.warp(_finalAt());
        oracle.claim(first, p1);
        vm.expectRevert(abi.encodeWithSelector(IComputeHours.GreenShareAlreadySet.selector, nodeA, slot));
        oracle.claim(second, p2);
        vm.assertFalse(oracle.isClaimed(leafOf(second)), "rolled back");
    }

    function test_claim_noEnergyIsZeroGreenShare() public {
        IAttestationOracle.NodeHourRecord memory r = _record(nodeA, _hourA(1));
        r.greenWh = 0;
        r.gridWh = 0;
        (bytes32[] memory proof,) = _commitPair(r, _filler());
        vm.warp(_finalAt());
        (uint16 bps,) = oracle.claim(r, proof);
        vm.assertEq(bps, 0, "0 when nothing was drawn");
        vm.assertEq(oracle.greenShareBps(0, 0), 0, "view");
        vm.assertEq(oracle.greenShareBps(2, 1), 6_666, "rounded down");
    }

    // ---------------------------------------------------------------- bond

    function test_releaseBond_returnsUnspentBondAfterWindow() public {
        commitAs(slot, keccak256("root"), 1);
        vm.warp(_finalAt() - 1);
        vm.expectRevert(abi.encodeWithSelector(IAttestationOracle.NotFinal.selector, slot, _finalAt()));
        oracle.releaseBond(slot);

        vm.warp(_finalAt());
        uint256 attesterBefore = token.balanceOf(attester);
        vm.expectEmit(true, true, true, true);
        emit IAttestationOracle.AttesterBondReleased(slot, attester, ATTESTER_BOND);
        vm.prank(carol); // anyone; the bond goes to the attester
        oracle.releaseBond(slot);
        vm.assertEq(token.balanceOf(attester) - attesterBefore, ATTESTER_BOND, "returned to the attester");
        vm.assertTrue(oracle.commitment(slot).bondReleased, "released");
        vm.assertEq(token.balanceOf(address(oracle)), 0, "nothing held");

        vm.expectRevert(abi.encodeWithSelector(IAttestationOracle.NoBondToRelease.selector, slot));
        oracle.releaseBond(slot);
    }

    function test_releaseBond_rejectsUnknownSlot() public {
        vm.expectRevert(abi.encodeWithSelector(IAttestationOracle.UnknownSlot.selector, slot));
        oracle.releaseBond(slot);
    }

    // ---------------------------------------------------------------- encodings and views

    function test_digestOf_isTheEip712Digest() public view {
        IAttestationOracle.Telemetry memory m = stationWindow(device, 7, slot, 6);
        vm.assertEq(oracle.digestOf(m), digestOf(address(oracle), m), "EIP-712 digest");
        (uint8 v, bytes32 r, bytes32 s) = vm.sign(DEVICE_KEY, oracle.digestOf(m));
        vm.assertEq(ecrecover(oracle.digestOf(m), v, r, s), device, "signed by the device");
    }

    /// Leaves and root as OpenZeppelin's merkle-tree 1.0.8 (npm) computes them, from a Node script run once:
    /// StandardMerkleTree.of(records, RECORD_ENCODING, { sortLeaves: false }).
    function test_leafOf_matchesOpenZeppelinMerkleTree() public view {
        IAttestationOracle.NodeHourRecord memory r0 = IAttestationOracle.NodeHourRecord({
            nodeId: 1,
            slot: 498_792,
            greenWh: 4_800,
            gridWh: 600,
            gpuWh: 5_400,
            uptimeS: 3_540,
            messageCount: 60,
            messagesHash: bytes32(0x1111111111111111111111111111111111111111111111111111111111111111)
        });
        IAttestationOracle.NodeHourRecord memory r1 = IAttestationOracle.NodeHourRecord({
            nodeId: 2,
            slot: 498_792,
            greenWh: 0,
            gridWh: 0,
            gpuWh: 270,
            uptimeS: 180,
            messageCount: 3,
            messagesHash: bytes32(0x2222222222222222222222222222222222222222222222222222222222222222)
        });
        IAttestationOracle.NodeHourRecord memory r2 = IAttestationOracle.NodeHourRecord({
            nodeId: 3,
            slot: 498_792,
            greenWh: type(uint64).max,
            gridWh: 1,
            gpuWh: 7,
            uptimeS: 3_600,
            messageCount: 3_600,
            messagesHash: bytes32(0xabababababababababababababababababababababababababababababababab)
        });
        vm.assertEq(oracle.leafOf(r0), 0x591536e370a6c1dac49341558335dc7808ad9a7245bcac5bc6bcb28eea1c7ea3, "leaf 0");
        vm.assertEq(oracle.leafOf(r1), 0x652cb5c858da6ea20a964c559e4e197a051750501d213828afe26cc6c39bd005, "leaf 1");
        vm.assertEq(oracle.leafOf(r2), 0x93be495b3dbea4219832485b5f2c18a5c03eb3fd6ac859a89f4c4c1b7556ea3f, "leaf 2");
        vm.assertEq(leafOf(r0), oracle.leafOf(r0), "test builder agrees");
        vm.assertEq(
            hashPair(hashPair(leafOf(r0), leafOf(r1)), leafOf(r2)),
            0x26888dd03da4d119a539d756c32b6274d3beda6be84994a99a17ab5c8509dbbb,
            "root of the three"
        );
    }

    function test_aggregate_chargesGridImportsToLoadsFirst() public {
        IAttestationOracle.Telemetry[] memory ms = _hourA(2);
        ms[0].gridImportWh = 500; // more than the load: all of the 90 + 10 Wh load is grid
        ms[0].evWh = 10;
        ms[1].gridImportWh = 30; // less than the load: 30 Wh grid, 60 Wh green
        bytes[] memory sigs = _sign(ms);
        IAttestationOracle.Aggregate memory a = oracle.aggregate(ms, sigs);
        vm.assertEq(a.gridWh, 130, "grid");
        vm.assertEq(a.greenWh, 60, "green");
        vm.assertEq(a.gpuWh, 180, "gpu");
        vm.assertEq(a.uptimeS, 120, "uptime");
        vm.assertEq(a.messageCount, 2, "count");
        vm.assertEq(
            a.messagesHash,
            keccak256(
                abi.encodePacked(digestOf(address(oracle), ms[0]), sigs[0], digestOf(address(oracle), ms[1]), sigs[1])
            ),
            "hash of the digests and signatures"
        );
        vm.assertEq(a.messagesHash, _record(nodeA, ms).messagesHash, "the record's");

        vm.expectRevert(abi.encodeWithSelector(IAttestationOracle.SignatureCountMismatch.selector, 2, 1));
        oracle.aggregate(ms, new bytes[](1));
        sigs[0] = bytes.concat(sigs[0], hex"00"); // 66 bytes
        vm.expectRevert(abi.encodeWithSelector(IAttestationOracle.BadSignatureLength.selector, 0, 66));
        oracle.aggregate(ms, sigs);
    }

    function test_violationOf_eachBoundInOrder() public {
        IAttestationOracle.Telemetry memory m = stationWindow(device, 1, slot, 0);
        _assertViolation(m, IAttestationOracle.Violation.None);
        m.batteryOutWh = 33_334; // 2C of 1 MWh for 60 s is 33,333 Wh; also breaks nothing before it
        _assertViolation(m, IAttestationOracle.Violation.BatteryOut);
        m.batteryInWh = 33_334;
        _assertViolation(m, IAttestationOracle.Violation.BatteryIn);
        m.pvWh = 8_334;
        _assertViolation(m, IAttestationOracle.Violation.Pv);
        m.windowEnd = m.windowStart;
        _assertViolation(m, IAttestationOracle.Violation.Window);
        m.windowEnd = uint64(HourId.startOf(slot + 1) + 1); // across the hour
        _assertViolation(m, IAttestationOracle.Violation.Window);

        m = stationWindow(device, 1, slot, 0);
        m.gpuWh = 94;
        _assertViolation(m, IAttestationOracle.Violation.Gpu);
        m.gpuWh = 93;
        m.evWh = 1; // a station without chargers
        _assertViolation(m, IAttestationOracle.Violation.Ev);
        m.evWh = 0;
        m.uptimeS = 61;
        _assertViolation(m, IAttestationOracle.Violation.Uptime);
        m.uptimeS = 60;
        m.gridExportWh = 1_000; // 1,000 + 3,000 + 93 out of 4,000 in
        _assertViolation(m, IAttestationOracle.Violation.EnergyBalance);
        m.windowEnd = uint64(HourId.startOf(slot + 1)); // a window may end on the hour's end
        m.gridExportWh = 0;
        _assertViolation(m, IAttestationOracle.Violation.None);
        m.batterySocWh = 1_000_000; // a full 1 MWh battery
        _assertViolation(m, IAttestationOracle.Violation.None);
        m.batterySocWh = 1_000_001;
        _assertViolation(m, IAttestationOracle.Violation.BatterySoc);
        m.gridExportWh = 1_000; // an earlier bound broken too names that one
        _assertViolation(m, IAttestationOracle.Violation.EnergyBalance);
        m.gridExportWh = 0;
        m.batterySocWh = 0;

        vm.expectRevert(abi.encodeWithSelector(IAttestationOracle.UnknownNode.selector, 99));
        oracle.violationOf(99, m);
    }

    function _assertViolation(IAttestationOracle.Telemetry memory m, IAttestationOracle.Violation expected)
        internal
        view
    {
        vm.assertEq(uint256(oracle.violationOf(nodeA, m)), uint256(expected), "violation");
    }

    // ---------------------------------------------------------------- fuzz

    /// violationOf against the rules of docs/TELEMETRY.md section 2 written out here, for a station and a home.
    function testFuzz_violationOf_matchesReference(IAttestationOracle.Telemetry memory m, bool home, uint256 mode)
        public
    {
        uint256 nodeId = nodeA;
        if (home) {
            nodeId = registerAs(carol, homeSpec(deviceAddr(0xD3)), 100e6);
        }
        INodeRegistry.Node memory n = registry.node(nodeId);
        uint256 gpuW = uint256(registry.capacityClass(n.classId).boardPowerWMax) * n.gpuCount;

        // Half the runs: a window within an hour of T0 and values around each limit, so every rule gets hit.
        if (mode % 2 == 0) {
            m.windowStart = uint64(bound(m.windowStart, T0 - 2 hours, T0 + 2 hours));
            m.windowEnd = uint64(m.windowStart + bound(m.windowEnd, 0, 3_700));
            uint256 d = m.windowEnd > m.windowStart ? m.windowEnd - m.windowStart : 0;
            m.pvWh = uint32(bound(m.pvWh, 0, n.pvWp * d / 3_000 + 1));
            m.batteryInWh = uint32(bound(m.batteryInWh, 0, 2 * uint256(n.batteryWh) * d / 3_000 + 1));
            m.batteryOutWh = uint32(bound(m.batteryOutWh, 0, 2 * uint256(n.batteryWh) * d / 3_000 + 1));
            m.gpuWh = uint32(bound(m.gpuWh, 0, gpuW * d / 3_000 + 1));
            m.evWh = uint32(bound(m.evWh, 0, uint256(n.chargerW) * d / 3_000 + 1));
            m.uptimeS = uint32(bound(m.uptimeS, 0, d + 1));
            m.gridImportWh = uint32(bound(m.gridImportWh, 0, 10_000));
            m.gridExportWh = uint32(bound(m.gridExportWh, 0, 10_000));
            m.batterySocWh = uint32(bound(m.batterySocWh, 0, 2 * uint256(n.batteryWh))); // half the range above capacity
        }

        uint256 expected = _referenceViolation(n, gpuW, m);
        vm.assertEq(uint256(oracle.violationOf(nodeId, m)), expected, "violation");
    }

    function _referenceViolation(INodeRegistry.Node memory n, uint256 gpuW, IAttestationOracle.Telemetry memory m)
        internal
        pure
        returns (uint256)
    {
        if (!(m.windowEnd > m.windowStart)) return 1;
        if (m.windowStart / 3600 != (m.windowEnd - 1) / 3600) return 1;
        uint256 d = m.windowEnd - m.windowStart;
        if (uint256(m.pvWh) * 3600 > uint256(n.pvWp) * d) return 2;
        if (uint256(m.batteryInWh) * 3600 > 2 * uint256(n.batteryWh) * d) return 3;
        if (uint256(m.batteryOutWh) * 3600 > 2 * uint256(n.batteryWh) * d) return 4;
        if (uint256(m.gpuWh) * 3600 > gpuW * d) return 5;
        if (uint256(m.evWh) * 3600 > uint256(n.chargerW) * d) return 6;
        if (m.uptimeS > d) return 7;
        uint256 sinks = uint256(m.gridExportWh) + uint256(m.batteryInWh) + uint256(m.gpuWh) + uint256(m.evWh);
        uint256 sources = uint256(m.pvWh) + uint256(m.gridImportWh) + uint256(m.batteryOutWh);
        if (sinks > sources) return 8;
        if (m.batterySocWh > n.batteryWh) return 9;
        return 0;
    }

    /// aggregate of up to 16 arbitrary messages and 65-byte signatures (hashed, not verified) against the sums and the
    /// hash of docs/TELEMETRY.md section 3 written out here.
    function testFuzz_aggregate_matchesReference(IAttestationOracle.Telemetry[] memory ms, uint256 sigSeed)
        public
        view
    {
        if (ms.length > 16) {
            assembly ("memory-safe") {
                mstore(ms, 16)
            }
        }
        uint256 green;
        uint256 grid;
        uint256 gpu;
        uint256 uptime;
        bytes memory committed;
        bytes[] memory sigs = new bytes[](ms.length);
        for (uint256 i; i < ms.length; ++i) {
            sigs[i] = abi.encodePacked(keccak256(abi.encode(sigSeed, i)), keccak256(abi.encode(i, sigSeed)), uint8(i));
            uint256 load = uint256(ms[i].gpuWh) + uint256(ms[i].evWh);
            uint256 fromGrid = ms[i].gridImportWh < load ? ms[i].gridImportWh : load;
            grid += fromGrid;
            green += load - fromGrid;
            gpu += ms[i].gpuWh;
            uptime += ms[i].uptimeS;
            committed = bytes.concat(committed, digestOf(address(oracle), ms[i]), sigs[i]);
        }
        IAttestationOracle.Aggregate memory a = oracle.aggregate(ms, sigs);
        vm.assertEq(a.greenWh, green, "green");
        vm.assertEq(a.gridWh, grid, "grid");
        vm.assertEq(a.gpuWh, gpu, "gpu");
        vm.assertEq(a.uptimeS, uptime, "uptime");
        vm.assertEq(a.messageCount, ms.length, "count");
        vm.assertEq(a.messagesHash, keccak256(committed), "messagesHash");
    }

    function testFuzz_greenShareBps_roundsDown(uint64 greenWh, uint64 gridWh) public view {
        uint256 bps = oracle.greenShareBps(greenWh, gridWh);
        uint256 total = uint256(greenWh) + gridWh;
        vm.assertLe(bps, C.BPS, "at most 100 %");
        if (total == 0) {
            vm.assertEq(bps, 0, "0 for no energy");
        } else {
            vm.assertLe(bps * total, uint256(greenWh) * C.BPS, "not above the exact share");
            vm.assertGe((bps + 1) * total, uint256(greenWh) * C.BPS + 1, "the largest such");
        }
    }

    /// forge-config: default.fuzz.runs = 10000
    /// Any record whose messageCount is 0 or above MAX_WINDOWS_PER_RECORD, whatever else it says, is excluded by a
    /// challenge without messages, pays the challenger one record's bond and is never claimed.
    function testFuzz_challenge_messageCountOutOfBoundsIsAlwaysAFault(
        IAttestationOracle.NodeHourRecord memory r,
        uint32 count,
        bool empty
    ) public {
        r.slot = slot;
        r.messageCount = empty ? 0 : uint32(bound(count, C.MAX_WINDOWS_PER_RECORD + 1, type(uint32).max));
        (bytes32[] memory proof,) = _commitPair(r, _filler());
        uint256 before = token.balanceOf(carol);
        IAttestationOracle.Fault fault =
            challengeAs(carol, r, proof, new IAttestationOracle.Telemetry[](0), new bytes[](0));
        vm.assertEq(uint256(fault), uint256(IAttestationOracle.Fault.MessageCount), "MessageCount");
        vm.assertEq(token.balanceOf(carol) - before, REWARD, "one record's reward");
        vm.warp(_finalAt());
        vm.expectRevert(abi.encodeWithSelector(IAttestationOracle.Excluded.selector, slot, leafOf(r)));
        oracle.claim(r, proof);
    }

    /// forge-config: default.fuzz.runs = 10000
    /// A record at depth `depth` of a tree committed as `recordCount` records is claimable exactly when the depth is at
    /// most ceil(log2(recordCount)); the commit bonds 2^that records: at least recordCount, fewer than twice as many.
    function testFuzz_claim_proofDepthBoundedByRecordCount(uint32 recordCount, uint256 depth) public {
        recordCount = uint32(bound(recordCount, 1, type(uint32).max));
        depth = bound(depth, 0, 34);
        AttestationOracle cheap = new AttestationOracle(registry, hours_, admin, 1); // 1 unit a record: 2^32 bondable
        vm.startPrank(admin);
        hours_.grantRole(hours_.GREEN_SHARE_ROLE(), address(cheap));
        cheap.grantRole(cheap.ATTESTER_ROLE(), attester);
        vm.stopPrank();
        vm.prank(attester);
        token.approve(address(cheap), type(uint256).max);

        IAttestationOracle.NodeHourRecord memory r =
            recordOf(address(cheap), uint64(nodeA), slot, _hourA(1), new bytes[](1));
        bytes32[] memory proof = new bytes32[](depth);
        bytes32 node = leafOf(r);
        for (uint256 i; i < depth; ++i) {
            proof[i] = keccak256(abi.encode("sibling", i));
            node = hashPair(node, proof[i]);
        }
        uint256 maxDepth;
        while ((uint256(1) << maxDepth) < recordCount) ++maxDepth;
        uint256 bonded = uint256(1) << maxDepth;
        vm.assertEq(cheap.bondOf(recordCount), bonded, "2^ceil(log2 n) records bonded");
        vm.assertGe(bonded, recordCount, "at least every record");
        vm.assertLe(bonded, 2 * uint256(recordCount) - 1, "fewer than twice as many");

        uint256 before = token.balanceOf(attester);
        vm.prank(attester);
        cheap.commit(slot, node, recordCount);
        vm.assertEq(before - token.balanceOf(attester), bonded, "pulled");
        vm.warp(_finalAt());
        if (depth > maxDepth) {
            vm.expectRevert(abi.encodeWithSelector(IAttestationOracle.ProofTooLong.selector, slot, depth, maxDepth));
        }
        cheap.claim(r, proof);
    }

    function testFuzz_claim_creditsFromFiftyFourMinutes(uint32 uptimeS) public {
        IAttestationOracle.NodeHourRecord memory r = _record(nodeA, _hourA(1));
        r.uptimeS = uint32(bound(uptimeS, 3_000, 3_600));
        (bytes32[] memory proof,) = _commitPair(r, _filler());
        vm.warp(_finalAt());
        (, bool credited) = oracle.claim(r, proof);
        vm.assertEq(credited, r.uptimeS >= 3_240, "credited from 3,240 s");
        vm.assertEq(oracle.pogcsCredits(nodeA), credited ? 1 : 0, "credit");
    }
}

/// @dev Gas of `commit` as a transaction in the steady state: the oracle already holds the bonds of earlier slots. The
/// setUp commits one in its own transaction, so the test's commit starts from cold storage like a real one.
contract AttestationOracleGasTest is OracleFixture {
    uint32 internal slot;

    function setUp() public override {
        super.setUp();
        slot = slotNow();
        vm.warp(HourId.startOf(slot + 1) + 5 minutes);
        commitAs(slot - 1, keccak256("the hour before"), 1_000);
    }

    /// The per-slot cost, shared by all records of the slot: at 1,000 records at most 100 gas per node-hour.
    function test_commit_transactionGasWithinBudget() public {
        bytes memory data = abi.encodeCall(oracle.commit, (slot, keccak256("root"), 1_000));
        commitAs(slot, keccak256("root"), 1_000);
        uint256 calldataGas;
        for (uint256 i; i < data.length; ++i) {
            calldataGas += data[i] == 0 ? 4 : 16;
        }
        uint256 txGas = 21_000 + calldataGas + vm.lastCallGas().gasTotalUsed;
        vm.assertLe(txGas, 100_000, "commit transaction <= 100k gas");
    }
}

/// @dev Whole-transaction gas of the most expensive challenge a valid record allows: MAX_WINDOWS_PER_RECORD one-minute
/// windows with all signatures right and every check run up to a wrong aggregate, the record at the deepest a proof may
/// be (32 hashes: recordCount = 2^32 - 1), priced under EIP-7623. Everything but the reveal happens in setUp, so the
/// reveal starts from cold storage like a real transaction.
contract AttestationOracleChallengeGasTest is OracleFixture {
    uint256 internal constant EIP7623_BUDGET = 5_000_000;
    AttestationOracle internal deep; // an oracle with a bond of 1 unit per record, so that 2^32 records can be bonded
    bytes internal data; // the reveal's calldata
    bytes32 internal leaf;

    function setUp() public override {
        super.setUp();
        uint256 nodeId = registerStation(alice, device, 2_000e6);
        deep = new AttestationOracle(registry, hours_, admin, 1);
        vm.startPrank(admin);
        registry.grantRole(registry.SLASHER_ROLE(), address(deep));
        hours_.grantRole(hours_.GREEN_SHARE_ROLE(), address(deep));
        deep.grantRole(deep.ATTESTER_ROLE(), attester);
        vm.stopPrank();
        vm.prank(attester);
        token.approve(address(deep), type(uint256).max);

        uint32 slot = slotNow();
        vm.warp(HourId.startOf(slot + 1) + 5 minutes);
        IAttestationOracle.Telemetry[] memory ms = stationHour(device, 1, slot, 0, C.MAX_WINDOWS_PER_RECORD);
        bytes[] memory sigs = signAll(address(deep), DEVICE_KEY, ms);
        IAttestationOracle.NodeHourRecord memory r = recordOf(address(deep), uint64(nodeId), slot, ms, sigs);
        r.uptimeS += 1; // found by the last check, after every signature, bound and order check ran
        leaf = leafOf(r);
        bytes32[] memory proof = new bytes32[](32);
        bytes32 node = leaf;
        for (uint256 i; i < 32; ++i) {
            proof[i] = keccak256(abi.encode("sibling", i));
            node = hashPair(node, proof[i]);
        }
        vm.prank(attester);
        deep.commit(slot, node, type(uint32).max);
        bytes32 salt = keccak256("salt");
        vm.prank(carol);
        deep.commitChallenge(deep.challengeCommitment(leaf, carol, salt));
        vm.roll(block.number + 1);
        data = abi.encodeCall(deep.challenge, (r, proof, ms, sigs, salt));
    }

    /// Measured: see docs/TELEMETRY.md section 4 (forge test --match-test test_challenge_largestValidRecord -vv).
    function test_challenge_largestValidRecordTransactionGasUnderEip7623() public {
        vm.prank(carol);
        (bool ok,) = address(deep).call(data);
        vm.assertTrue(ok, "the challenge succeeds");
        uint256 execution = vm.lastCallGas().gasTotalUsed;
        vm.assertTrue(deep.isExcluded(leaf), "excluded");

        uint256 zeros;
        for (uint256 i; i < data.length; ++i) {
            if (data[i] == 0) ++zeros;
        }
        uint256 nonzeros = data.length - zeros;
        uint256 standard = 21_000 + 4 * zeros + 16 * nonzeros + execution;
        uint256 floor = 21_000 + 10 * (zeros + 4 * nonzeros);
        uint256 txGas = standard > floor ? standard : floor;
        // The same calldata length with every byte nonzero: a bound for whatever values an attester's record holds.
        uint256 worstStandard = 21_000 + 16 * data.length + execution;
        uint256 worstFloor = 21_000 + 40 * data.length;
        uint256 worst = worstStandard > worstFloor ? worstStandard : worstFloor;
        emit log_named_uint("calldata bytes", data.length);
        emit log_named_uint("calldata zero bytes", zeros);
        emit log_named_uint("execution gas", execution);
        emit log_named_uint("tx gas, EIP-7623", txGas);
        emit log_named_uint("tx gas, all calldata nonzero", worst);
        vm.assertLe(txGas, EIP7623_BUDGET, "challenge transaction <= 5M gas under EIP-7623");
        vm.assertLe(worst, EIP7623_BUDGET, "even with every calldata byte nonzero");
    }

    event log_named_uint(string key, uint256 val);
}
