// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {AccessControl} from "@openzeppelin/contracts/access/AccessControl.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";
import {EIP712} from "@openzeppelin/contracts/utils/cryptography/EIP712.sol";
import {ECDSA} from "@openzeppelin/contracts/utils/cryptography/ECDSA.sol";
import {MerkleProof} from "@openzeppelin/contracts/utils/cryptography/MerkleProof.sol";
import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {IAttestationOracle} from "./interfaces/IAttestationOracle.sol";
import {INodeRegistry} from "./interfaces/INodeRegistry.sol";
import {IComputeHours} from "./interfaces/IComputeHours.sol";
import {TelemetryLib} from "./libraries/TelemetryLib.sol";
import "./libraries/Constants.sol" as C;

/// @title AttestationOracle
/// @notice See {IAttestationOracle} and docs/TELEMETRY.md. Needs the registry's slasher role (to slash devices) and
/// the compute hours' green-share role (to set green shares). Invariant: the settlement token it holds equals, over the
/// committed slots not released, `bondPerRecordUsdc6` × (the slot's bonded records − its excluded records).
/// @dev The transient reentrancy guard keeps `commit`, paid once per hour slot for every node, cheap.
contract AttestationOracle is IAttestationOracle, AccessControl, ReentrancyGuardTransient, EIP712 {
    using SafeERC20 for IERC20;

    /// @notice May commit hourly roots (the coordinator's attester).
    bytes32 public constant ATTESTER_ROLE = keccak256("ATTESTER_ROLE");

    enum RecordStatus {
        None,
        Excluded,
        Claimed
    }

    INodeRegistry public immutable registry;
    IComputeHours public immutable computeHours;
    IERC20 public immutable settlementToken;
    /// @inheritdoc IAttestationOracle
    uint256 public immutable bondPerRecordUsdc6;

    mapping(uint32 slot => Commitment) private _commitments;
    mapping(bytes32 leaf => RecordStatus) private _records;
    mapping(uint256 nodeId => uint256) public pogcsCredits;
    /// @dev Written by challenges only, so that a commit stays two storage words.
    mapping(uint32 slot => uint256) public excludedCount;
    mapping(bytes32 commitment => uint256 blockNumber) public challengeCommittedAt;
    /// @inheritdoc IAttestationOracle
    address public treasury;
    /// @inheritdoc IAttestationOracle
    uint256 public omissionClaimBondUsdc6 = C.DEFAULT_OMISSION_CLAIM_BOND_USDC6;
    /// @dev Keyed by {_nodeHour}(slot, nodeId).
    mapping(bytes32 nodeHour => OmissionClaim) private _omissions;
    /// @inheritdoc IAttestationOracle
    mapping(uint32 slot => uint256) public openOmissionClaims;

    bytes32 private constant RECEIPT_TYPEHASH =
        keccak256("Receipt(uint64 nodeId,uint32 slot,uint64 seq,bytes32 digest)");

    constructor(INodeRegistry registry_, IComputeHours hours_, address admin, uint256 bondPerRecordUsdc6_)
        EIP712("Greenhour Telemetry", "1")
    {
        if (address(registry_) == address(0)) revert ZeroAddress("registry");
        if (address(hours_) == address(0)) revert ZeroAddress("hours");
        if (admin == address(0)) revert ZeroAddress("admin");
        if (bondPerRecordUsdc6_ == 0) revert ZeroBond();
        registry = registry_;
        computeHours = hours_;
        settlementToken = IERC20(registry_.settlementToken());
        bondPerRecordUsdc6 = bondPerRecordUsdc6_;
        treasury = admin;
        _grantRole(DEFAULT_ADMIN_ROLE, admin);
    }

    /// @inheritdoc IAttestationOracle
    function setTreasury(address treasury_) external onlyRole(DEFAULT_ADMIN_ROLE) {
        if (treasury_ == address(0)) revert ZeroAddress("treasury");
        treasury = treasury_;
        emit TreasurySet(treasury_);
    }

    /// @inheritdoc IAttestationOracle
    function setOmissionClaimBond(uint256 bondUsdc6) external onlyRole(DEFAULT_ADMIN_ROLE) {
        if (bondUsdc6 == 0 || bondUsdc6 > type(uint96).max) revert ZeroBond();
        omissionClaimBondUsdc6 = bondUsdc6;
        emit OmissionClaimBondSet(bondUsdc6);
    }

    // ---------------------------------------------------------------- commit

    /// @inheritdoc IAttestationOracle
    function commit(uint32 slot, bytes32 root, uint32 recordCount) external onlyRole(ATTESTER_ROLE) nonReentrant {
        // CHECKS
        uint256 nowSlot = block.timestamp / C.SECONDS_PER_SLOT;
        if (slot >= nowSlot) revert SlotNotEnded(slot, nowSlot);
        uint256 deadline = (uint256(slot) + 1) * C.SECONDS_PER_SLOT + C.COMMIT_DEADLINE_SECONDS;
        if (block.timestamp >= deadline) revert CommitTooLate(slot, deadline);
        if (root == bytes32(0)) revert ZeroRoot(slot);
        if (recordCount == 0) revert ZeroRecordCount(slot);
        if (_commitments[slot].committedAt != 0) revert AlreadyCommitted(slot);

        // EFFECTS
        _commitments[slot] = Commitment({
            root: root,
            attester: msg.sender,
            committedAt: uint40(block.timestamp),
            recordCount: recordCount,
            bondReleased: false
        });
        uint256 bondUsdc6 = bondOf(recordCount);
        emit Committed(slot, msg.sender, root, recordCount, bondUsdc6);

        // INTERACTIONS
        settlementToken.safeTransferFrom(msg.sender, address(this), bondUsdc6);
    }

    // ---------------------------------------------------------------- challenge

    /// @inheritdoc IAttestationOracle
    function commitChallenge(bytes32 commitment_) external {
        // Kept, not moved: a copy of someone's commitment sent later cannot push its reveal back.
        if (challengeCommittedAt[commitment_] != 0) return;
        challengeCommittedAt[commitment_] = block.number;
        emit ChallengeCommitted(commitment_, block.number);
    }

    /// @inheritdoc IAttestationOracle
    function challenge(
        NodeHourRecord calldata record,
        bytes32[] calldata proof,
        Telemetry[] calldata messages,
        bytes[] calldata signatures,
        bytes32 salt
    ) external nonReentrant returns (Fault fault) {
        return _challenge(record, proof, messages, signatures, salt, msg.sender);
    }

    /// @inheritdoc IAttestationOracle
    function challengeByDevice(
        NodeHourRecord calldata record,
        bytes32[] calldata proof,
        Telemetry[] calldata messages,
        bytes[] calldata signatures,
        bytes32 salt
    ) external nonReentrant returns (Fault fault) {
        // CHECKS: only the record's own device, and the reward is bound to the node's registered owner, never to a
        // caller-chosen address.
        INodeRegistry.Node memory n = registry.node(record.nodeId);
        if (n.status == INodeRegistry.NodeStatus.None || n.deviceSigner != msg.sender) {
            revert NotDeviceSigner(record.nodeId, msg.sender, n.deviceSigner);
        }
        return _challenge(record, proof, messages, signatures, salt, n.owner);
    }

    /// @dev The registered node whose device signer is the caller (`NotDeviceSigner` otherwise).
    function _deviceNode(uint256 nodeId) private view returns (INodeRegistry.Node memory n) {
        n = registry.node(nodeId);
        if (n.status == INodeRegistry.NodeStatus.None || n.deviceSigner != msg.sender) {
            revert NotDeviceSigner(nodeId, msg.sender, n.deviceSigner);
        }
    }

    /// @dev A receipt signed by `attester`, the slot's (`BadReceiptSignature` otherwise).
    function _checkReceiptSignature(address attester, Receipt calldata receipt, bytes calldata signature) private view {
        (address signer,,) = ECDSA.tryRecoverCalldata(receiptDigestOf(receipt), signature);
        if (signer != attester || signer == address(0)) revert BadReceiptSignature(signer, attester);
    }

    /// @dev The checks of {challengeDroppedWindow} but the caller's and the commitment's: the proven, open leaf.
    function _droppedWindowLeaf(
        NodeHourRecord calldata record,
        bytes32[] calldata proof,
        bytes calldata windows,
        Receipt calldata receipt,
        bytes calldata receiptSignature
    ) private view returns (bytes32 leaf) {
        Commitment storage c = _commitments[record.slot];
        leaf = _openLeaf(c, record, proof);
        if (receipt.nodeId != record.nodeId) revert ReceiptMismatch("nodeId", record.nodeId, receipt.nodeId);
        if (receipt.slot != record.slot) revert ReceiptMismatch("slot", record.slot, receipt.slot);
        _checkReceiptSignature(c.attester, receipt, receiptSignature);
        _checkDropped(record, leaf, windows, receipt.digest);
    }

    /// @dev A record in the slot's root, not excluded, while the window is open.
    function _openLeaf(Commitment storage c, NodeHourRecord calldata record, bytes32[] calldata proof)
        private
        view
        returns (bytes32 leaf)
    {
        uint256 closesAt = _finalAt(c, record.slot);
        if (block.timestamp >= closesAt) revert ChallengeWindowClosed(record.slot, closesAt);
        leaf = _provenLeaf(c, record, proof);
        if (_records[leaf] == RecordStatus.Excluded) revert AlreadyExcluded(record.slot, leaf);
    }

    /// @dev `windows` is the preimage of the record's `messagesHash` (digest_1 ‖ signature_1 ‖ … , 97 bytes a window,
    /// `messageCount` windows), and `receiptedDigest` is not one of its digests. The fixed width (32 + 65) makes the
    /// split into windows unique, so a challenger cannot shift the boundaries to hide a window an honest record holds.
    function _checkDropped(
        NodeHourRecord calldata record,
        bytes32 leaf,
        bytes calldata windows,
        bytes32 receiptedDigest
    ) private pure {
        uint256 count = record.messageCount;
        if (!_countInBounds(record.messageCount)) revert MessageCountOutOfBoundsForDrop(record.slot, leaf, count);
        uint256 width = 32 + TelemetryLib.SIGNATURE_LENGTH;
        if (windows.length != count * width) revert MessageCountMismatch(count * width, windows.length);
        bytes32 got = keccak256(windows);
        if (got != record.messagesHash) revert MessagesHashMismatch(record.messagesHash, got);
        for (uint256 i; i < count; ++i) {
            if (bytes32(windows[i * width:i * width + 32]) == receiptedDigest) {
                revert WindowNotDropped(record.slot, leaf, receiptedDigest);
            }
        }
    }

    function _nodeHour(uint32 slot, uint256 nodeId) private pure returns (bytes32) {
        return keccak256(abi.encode(slot, nodeId));
    }

    /// @inheritdoc IAttestationOracle
    function challengeDuplicate(
        NodeHourRecord calldata a,
        bytes32[] calldata proofA,
        NodeHourRecord calldata b,
        bytes32[] calldata proofB,
        bytes32 salt
    ) external nonReentrant {
        // CHECKS
        Commitment storage c = _commitments[a.slot];
        uint256 closesAt = _finalAt(c, a.slot);
        if (block.timestamp >= closesAt) revert ChallengeWindowClosed(a.slot, closesAt);
        bytes32 leafA = _provenLeaf(c, a, proofA);
        if (a.nodeId != b.nodeId || a.slot != b.slot) revert NotDuplicates(leafA, TelemetryLib.leaf(b));
        bytes32 leafB = _provenLeaf(c, b, proofB);
        if (leafA == leafB) revert NotDuplicates(leafA, leafB);
        bool aOpen = _records[leafA] != RecordStatus.Excluded;
        bool bOpen = _records[leafB] != RecordStatus.Excluded;
        if (!aOpen && !bOpen) revert AlreadyExcluded(a.slot, leafA);
        _spendChallengeCommitment(keccak256(abi.encode(leafA, leafB)), salt);

        // EFFECTS and INTERACTIONS
        if (aOpen) _exclude(c, a.slot, a.nodeId, leafA, Fault.DuplicateNodeHour, 0, msg.sender);
        if (bOpen) _exclude(c, b.slot, b.nodeId, leafB, Fault.DuplicateNodeHour, 0, msg.sender);
    }

    // ---------------------------------------------------------------- receipts: dropped windows, omitted records

    /// @inheritdoc IAttestationOracle
    function challengeDroppedWindow(
        NodeHourRecord calldata record,
        bytes32[] calldata proof,
        bytes calldata windows,
        Receipt calldata receipt,
        bytes calldata receiptSignature,
        bytes32 salt
    ) external nonReentrant {
        // CHECKS
        address owner = _deviceNode(record.nodeId).owner;
        bytes32 leaf = _droppedWindowLeaf(record, proof, windows, receipt, receiptSignature);
        _spendChallengeCommitment(leaf, salt);

        // EFFECTS and INTERACTIONS
        _exclude(_commitments[record.slot], record.slot, record.nodeId, leaf, Fault.DroppedWindow, 0, owner);
    }

    /// @inheritdoc IAttestationOracle
    function openOmissionClaim(Receipt calldata receipt, bytes calldata receiptSignature) external nonReentrant {
        // CHECKS
        _deviceNode(receipt.nodeId);
        uint32 slot = receipt.slot;
        Commitment storage c = _commitments[slot];
        uint256 finalAt = _finalAt(c, slot);
        uint256 lastOpenAt = finalAt - C.OMISSION_ANSWER_SECONDS;
        if (block.timestamp > lastOpenAt) revert OmissionClaimTooLate(slot, receipt.nodeId, lastOpenAt);
        _checkReceiptSignature(c.attester, receipt, receiptSignature);
        OmissionClaim storage o = _omissions[_nodeHour(slot, receipt.nodeId)];
        if (o.status != OmissionStatus.None) revert OmissionClaimExists(slot, receipt.nodeId, o.status);

        // EFFECTS
        uint256 bondUsdc6 = omissionClaimBondUsdc6;
        o.claimant = msg.sender;
        o.openedAt = uint40(block.timestamp);
        o.status = OmissionStatus.Open;
        o.bondUsdc6 = uint96(bondUsdc6);
        ++openOmissionClaims[slot];
        emit OmissionClaimOpened(slot, receipt.nodeId, msg.sender, bondUsdc6, finalAt);

        // INTERACTIONS
        settlementToken.safeTransferFrom(msg.sender, address(this), bondUsdc6);
    }

    /// @inheritdoc IAttestationOracle
    function answerOmissionClaim(NodeHourRecord calldata record, bytes32[] calldata proof) external nonReentrant {
        // CHECKS
        Commitment storage c = _commitments[record.slot];
        uint256 closesAt = _finalAt(c, record.slot);
        if (block.timestamp >= closesAt) revert ChallengeWindowClosed(record.slot, closesAt);
        OmissionClaim storage o = _omissions[_nodeHour(record.slot, record.nodeId)];
        if (o.status != OmissionStatus.Open) revert OmissionClaimNotOpen(record.slot, record.nodeId, o.status);
        bytes32 leaf = _provenLeaf(c, record, proof);

        // EFFECTS
        o.status = OmissionStatus.Answered;
        --openOmissionClaims[record.slot];
        address attester = c.attester;
        uint256 bondUsdc6 = o.bondUsdc6;
        emit OmissionClaimAnswered(record.slot, record.nodeId, leaf, attester, bondUsdc6);

        // INTERACTIONS
        settlementToken.safeTransfer(attester, bondUsdc6);
    }

    /// @inheritdoc IAttestationOracle
    function resolveOmissionClaim(uint32 slot, uint64 nodeId) external nonReentrant {
        // CHECKS
        Commitment storage c = _commitments[slot];
        uint256 finalAt = _finalAt(c, slot);
        if (block.timestamp < finalAt) revert OmissionNotDue(slot, nodeId, finalAt);
        OmissionClaim storage o = _omissions[_nodeHour(slot, nodeId)];
        if (o.status != OmissionStatus.Open) revert OmissionClaimNotOpen(slot, nodeId, o.status);

        // EFFECTS
        o.status = OmissionStatus.Proven;
        --openOmissionClaims[slot];
        uint256 bondUsdc6 = _forfeitOne(c, slot);
        address owner = registry.node(nodeId).owner;
        uint256 claimBondUsdc6 = o.bondUsdc6;
        emit OmissionProven(slot, nodeId, owner, bondUsdc6, claimBondUsdc6);

        // INTERACTIONS
        _payForfeit(bondUsdc6, owner);
        settlementToken.safeTransfer(o.claimant, claimBondUsdc6);
    }

    // ---------------------------------------------------------------- finality

    /// @inheritdoc IAttestationOracle
    function claim(NodeHourRecord calldata record, bytes32[] calldata proof)
        external
        nonReentrant
        returns (uint16 shareBps, bool credited)
    {
        // CHECKS
        Commitment storage c = _commitments[record.slot];
        uint256 finalAt = _finalAt(c, record.slot);
        if (block.timestamp < finalAt) revert NotFinal(record.slot, finalAt);
        bytes32 leaf = _provenLeaf(c, record, proof);
        RecordStatus status = _records[leaf];
        if (status == RecordStatus.Excluded) revert Excluded(record.slot, leaf);
        if (status == RecordStatus.Claimed) revert AlreadyClaimed(record.slot, leaf);
        if (!_countInBounds(record.messageCount)) {
            revert MessageCountOutOfBounds(record.slot, leaf, record.messageCount);
        }

        // EFFECTS
        _records[leaf] = RecordStatus.Claimed;
        shareBps = TelemetryLib.greenShareBps(record.greenWh, record.gridWh);
        credited = TelemetryLib.meetsUptime(record.uptimeS);
        if (credited) ++pogcsCredits[record.nodeId];
        emit Claimed(record.slot, record.nodeId, leaf, shareBps, credited);

        // INTERACTIONS: reverts GreenShareAlreadySet if another record of the node-hour was claimed first.
        computeHours.setGreenShare(record.nodeId, record.slot, shareBps);
    }

    /// @inheritdoc IAttestationOracle
    function releaseBond(uint32 slot) external nonReentrant {
        // CHECKS
        Commitment storage c = _commitments[slot];
        uint256 finalAt = _finalAt(c, slot);
        if (block.timestamp < finalAt) revert NotFinal(slot, finalAt);
        if (c.bondReleased) revert NoBondToRelease(slot);
        // An open claim may still forfeit a bond (it is due now: resolve it first).
        uint256 open = openOmissionClaims[slot];
        if (open != 0) revert OmissionClaimsOpen(slot, open);

        // EFFECTS
        c.bondReleased = true;
        address attester = c.attester;
        // At most `bonded` records can be proven in the root, each excluded once (see {_bondedRecords}); the floor at 0
        // only mirrors {_exclude}, which pays no more than `bonded` bonds.
        uint256 bonded = _bondedRecords(c.recordCount);
        uint256 excluded = excludedCount[slot];
        uint256 amountUsdc6 = bonded > excluded ? (bonded - excluded) * bondPerRecordUsdc6 : 0;
        emit AttesterBondReleased(slot, attester, amountUsdc6);

        // INTERACTIONS
        if (amountUsdc6 != 0) settlementToken.safeTransfer(attester, amountUsdc6);
    }

    // ---------------------------------------------------------------- views

    /// @inheritdoc IAttestationOracle
    function bondOf(uint32 recordCount) public view returns (uint256) {
        return _bondedRecords(recordCount) * bondPerRecordUsdc6;
    }

    /// @inheritdoc IAttestationOracle
    function challengeCommitment(bytes32 leaf, address challenger, bytes32 salt) public pure returns (bytes32) {
        return keccak256(abi.encode(leaf, challenger, salt));
    }

    function commitment(uint32 slot) external view returns (Commitment memory) {
        return _commitments[slot];
    }

    function isFinal(uint32 slot) external view returns (bool) {
        uint256 committedAt = _commitments[slot].committedAt;
        return committedAt != 0 && block.timestamp >= committedAt + C.CHALLENGE_WINDOW_SECONDS;
    }

    function isExcluded(bytes32 leaf) external view returns (bool) {
        return _records[leaf] == RecordStatus.Excluded;
    }

    function isClaimed(bytes32 leaf) external view returns (bool) {
        return _records[leaf] == RecordStatus.Claimed;
    }

    /// @inheritdoc IAttestationOracle
    function omissionClaim(uint32 slot, uint64 nodeId) external view returns (OmissionClaim memory) {
        return _omissions[_nodeHour(slot, nodeId)];
    }

    /// @inheritdoc IAttestationOracle
    function receiptDigestOf(Receipt calldata receipt) public view returns (bytes32) {
        return _hashTypedDataV4(
            keccak256(abi.encode(RECEIPT_TYPEHASH, receipt.nodeId, receipt.slot, receipt.seq, receipt.digest))
        );
    }

    function digestOf(Telemetry calldata message) external view returns (bytes32) {
        return TelemetryLib.digest(_domainSeparatorV4(), message);
    }

    function leafOf(NodeHourRecord calldata record) external pure returns (bytes32) {
        return TelemetryLib.leaf(record);
    }

    function violationOf(uint256 nodeId, Telemetry calldata message) external view returns (Violation) {
        INodeRegistry.Node memory n = registry.node(nodeId);
        if (n.status == INodeRegistry.NodeStatus.None) revert UnknownNode(nodeId);
        return TelemetryLib.violation(_limits(n), message);
    }

    function aggregate(Telemetry[] calldata messages, bytes[] calldata signatures)
        external
        view
        returns (Aggregate memory)
    {
        if (signatures.length != messages.length) {
            revert SignatureCountMismatch(messages.length, signatures.length);
        }
        for (uint256 i; i < signatures.length; ++i) {
            uint256 len = signatures[i].length;
            if (len != TelemetryLib.SIGNATURE_LENGTH) revert BadSignatureLength(i, len);
        }
        return TelemetryLib.aggregate(_domainSeparatorV4(), messages, signatures);
    }

    function greenShareBps(uint256 greenWh, uint256 gridWh) external pure returns (uint16) {
        return TelemetryLib.greenShareBps(greenWh, gridWh);
    }

    // ---------------------------------------------------------------- internal

    /// @dev The body of {challenge} and {challengeByDevice}: the commitment is the caller's (leaf, msg.sender, salt);
    /// the challenger's share of what the fault forfeits goes to `rewardTo`.
    function _challenge(
        NodeHourRecord calldata record,
        bytes32[] calldata proof,
        Telemetry[] calldata messages,
        bytes[] calldata signatures,
        bytes32 salt,
        address rewardTo
    ) private returns (Fault fault) {
        // CHECKS
        Commitment storage c = _commitments[record.slot];
        {
            uint256 closesAt = _finalAt(c, record.slot);
            if (block.timestamp >= closesAt) revert ChallengeWindowClosed(record.slot, closesAt);
        }
        bytes32 leaf = _provenLeaf(c, record, proof);
        if (_records[leaf] == RecordStatus.Excluded) revert AlreadyExcluded(record.slot, leaf);
        _spendChallengeCommitment(leaf, salt);
        uint256 slashUsdc6;
        if (!_countInBounds(record.messageCount)) {
            fault = Fault.MessageCount;
        } else {
            (fault, slashUsdc6) = _findFault(record, messages, signatures);
            if (fault == Fault.None) revert NoFraud(record.slot, leaf);
        }

        // EFFECTS and INTERACTIONS
        _exclude(c, record.slot, record.nodeId, leaf, fault, slashUsdc6, rewardTo);
    }

    /// @dev When the slot's challenge window closes; reverts for a slot with no commitment.
    function _finalAt(Commitment storage c, uint32 slot) private view returns (uint256) {
        uint256 committedAt = c.committedAt;
        if (committedAt == 0) revert UnknownSlot(slot);
        return committedAt + C.CHALLENGE_WINDOW_SECONDS;
    }

    /// @dev The deepest proof a claim or challenge accepts for a tree of `recordCount` records: ceil(log2(recordCount)),
    /// the depth of OpenZeppelin's (complete) tree of that many leaves; at most 32.
    function _maxProofLength(uint256 recordCount) private pure returns (uint256) {
        return Math.log2(recordCount, Math.Rounding.Ceil);
    }

    /// @dev How many records a commit bonds: 2^(max proof length), the most leaves a binary tree can have at depths up
    /// to it (Kraft's inequality; leaves are double hashed, so no inner node is one), hence every record that can be
    /// claimed or challenged.
    function _bondedRecords(uint256 recordCount) private pure returns (uint256) {
        return uint256(1) << _maxProofLength(recordCount);
    }

    /// @dev The reward goes to whoever committed to this challenge in an earlier block: a front-runner copying the
    /// reveal has no commitment of its own. Spent here (a failing challenge reverts and keeps it).
    function _spendChallengeCommitment(bytes32 leaf, bytes32 salt) private {
        bytes32 commitment_ = challengeCommitment(leaf, msg.sender, salt);
        uint256 committedBlock = challengeCommittedAt[commitment_];
        if (committedBlock == 0 || committedBlock >= block.number) revert ChallengeNotCommitted(commitment_);
        delete challengeCommittedAt[commitment_];
    }

    function _countInBounds(uint32 messageCount) private pure returns (bool) {
        return messageCount != 0 && messageCount <= C.MAX_WINDOWS_PER_RECORD;
    }

    function _provenLeaf(Commitment storage c, NodeHourRecord calldata record, bytes32[] calldata proof)
        private
        view
        returns (bytes32 leaf)
    {
        uint256 maxLength = _maxProofLength(c.recordCount);
        if (proof.length > maxLength) revert ProofTooLong(record.slot, proof.length, maxLength);
        leaf = TelemetryLib.leaf(record);
        if (!MerkleProof.verifyCalldata(proof, c.root, leaf)) revert NotInRoot(record.slot, leaf);
    }

    /// @dev Checks that `messages` and `signatures` are all of the record's, as it commits to them, then looks for the
    /// first fault.
    function _findFault(NodeHourRecord calldata record, Telemetry[] calldata messages, bytes[] calldata signatures)
        private
        view
        returns (Fault fault, uint256 slashUsdc6)
    {
        if (messages.length != record.messageCount) revert MessageCountMismatch(record.messageCount, messages.length);
        if (signatures.length != messages.length) revert SignatureCountMismatch(messages.length, signatures.length);
        bytes32[] memory ds = TelemetryLib.digests(_domainSeparatorV4(), messages);
        (bytes32 got, bool fixedWidth) = TelemetryLib.messagesHash(ds, signatures);
        if (got != record.messagesHash) revert MessagesHashMismatch(record.messagesHash, got);
        // The attester committed to an entry that is not a 65-byte signature (r ‖ s ‖ v): no device signed that. (Any
        // other reading of an honest record's bytes would need a preimage of a digest, so this frames no one.)
        if (!fixedWidth) return (Fault.BadSignature, 0);

        // An unknown node reads as all zeros: device signer address(0), a WrongDevice fault.
        INodeRegistry.Node memory n = registry.node(record.nodeId);
        fault = TelemetryLib.faultOf(record, messages, signatures, ds, n.deviceSigner, _limits(n));
        // Every signature recovered to the device before an Impossible fault: the device signed impossible data. Rounded
        // down; the registry holds all of the stake, so a slash takes exactly this.
        if (fault == Fault.Impossible) slashUsdc6 = uint256(n.stakeUsdc6) * C.DEVICE_FRAUD_SLASH_BPS / C.BPS;
    }

    /// @dev Excludes the record; of the record's bond and the device slash, if any, `rewardTo` (the challenger, or the
    /// node's owner for a device's own challenge) is paid CHALLENGER_REWARD_BPS (rounded down) and the treasury the
    /// rest, so that a self-challenge never pays.
    function _exclude(
        Commitment storage c,
        uint32 slot,
        uint256 nodeId,
        bytes32 leaf,
        Fault fault,
        uint256 slashUsdc6,
        address rewardTo
    ) private {
        // EFFECTS
        _records[leaf] = RecordStatus.Excluded;
        uint256 bondUsdc6 = _forfeitOne(c, slot);
        emit RecordExcluded(slot, nodeId, leaf, fault, rewardTo, bondUsdc6, slashUsdc6);
        // The node-hour had a record and it has paid: no omission claim of it pays again; an open one is closed with its
        // claim bond returned (the claimant was right that something was wrong, and the record's bond is paid).
        OmissionClaim storage o = _omissions[_nodeHour(slot, nodeId)];
        OmissionStatus was = o.status;
        address claimant;
        uint256 claimBondUsdc6;
        if (was == OmissionStatus.None || was == OmissionStatus.Open) {
            o.status = OmissionStatus.RecordExcluded;
            if (was == OmissionStatus.Open) {
                --openOmissionClaims[slot];
                claimant = o.claimant;
                claimBondUsdc6 = o.bondUsdc6;
                emit OmissionClaimClosed(slot, nodeId, claimBondUsdc6);
            }
        }

        // INTERACTIONS
        if (slashUsdc6 != 0) {
            uint256 rewardUsdc6 = _challengerShare(slashUsdc6);
            if (rewardUsdc6 != 0) registry.slash(nodeId, rewardUsdc6, rewardTo, "IMPOSSIBLE_TELEMETRY");
            registry.slash(nodeId, slashUsdc6 - rewardUsdc6, treasury, "IMPOSSIBLE_TELEMETRY");
        }
        _payForfeit(bondUsdc6, rewardTo);
        if (claimBondUsdc6 != 0) settlementToken.safeTransfer(claimant, claimBondUsdc6);
    }

    /// @dev Counts one forfeited bond of the slot (an excluded record or a proven omission) and returns it: one record's
    /// bond while the slot holds one, else 0. Records alone never exceed the bonded count (see {_bondedRecords}); with
    /// omissions they may, and then the slot's bond is spent and nothing more is paid, so no payout exceeds what is held.
    function _forfeitOne(Commitment storage c, uint32 slot) private returns (uint256) {
        uint256 forfeited = excludedCount[slot];
        excludedCount[slot] = forfeited + 1;
        return forfeited < _bondedRecords(c.recordCount) ? bondPerRecordUsdc6 : 0;
    }

    /// @dev Pays a forfeited bond: CHALLENGER_REWARD_BPS to `rewardTo`, the rest to the treasury.
    function _payForfeit(uint256 bondUsdc6, address rewardTo) private {
        if (bondUsdc6 == 0) return;
        uint256 rewardUsdc6 = _challengerShare(bondUsdc6);
        if (rewardUsdc6 != 0) settlementToken.safeTransfer(rewardTo, rewardUsdc6);
        settlementToken.safeTransfer(treasury, bondUsdc6 - rewardUsdc6);
    }

    /// @dev The challenger's part of a forfeited amount, rounded down (the rest, the treasury's, is never below it).
    function _challengerShare(uint256 forfeitedUsdc6) private pure returns (uint256) {
        return forfeitedUsdc6 * C.CHALLENGER_REWARD_BPS / C.BPS;
    }

    function _limits(INodeRegistry.Node memory n) private view returns (TelemetryLib.Limits memory) {
        return TelemetryLib.Limits({
            pvWp: n.pvWp,
            batteryWh: n.batteryWh,
            chargerW: n.chargerW,
            gpuW: n.gpuPowerWMax // fixed at registration: a class update cannot turn an honest record into a fault
        });
    }
}
