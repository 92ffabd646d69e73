// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

/// @title Greenhour attestation oracle (Proof of Green Compute Service)
/// @notice Once per hour slot an attester commits the Merkle root of the slot's node-hour records, each the aggregate of
/// one node's device-signed telemetry windows (docs/TELEMETRY.md), committing to the messages and to their signatures.
/// During the challenge window anyone may prove a record wrong from its committed messages and signatures: the record
/// is excluded and the slot's attester bond paid to the challenger; a device that signed physically impossible data is
/// slashed as well. After the window the slot is final and each record that
/// stands may be claimed once: it sets the node-hour's green share in the compute-hour contract and, when the GPUs were
/// up for most of the hour, credits the node with one proven green compute hour.
interface IAttestationOracle {
    /// @notice One telemetry window, signed by the device key as EIP-712 `Telemetry(...)`. Energy in Wh, time in UTC s.
    struct Telemetry {
        address device;
        uint64 seq;
        uint64 windowStart;
        uint64 windowEnd;
        uint32 pvWh;
        uint32 batteryInWh;
        uint32 batteryOutWh;
        uint32 gridImportWh;
        uint32 gridExportWh;
        uint32 gpuWh;
        uint32 evWh;
        uint32 uptimeS;
        bytes32 jobsHash;
    }

    /// @notice One node's hour: the aggregate of its accepted messages of the slot, in sequence order. A Merkle leaf.
    struct NodeHourRecord {
        uint64 nodeId;
        uint32 slot;
        uint64 greenWh;
        uint64 gridWh;
        uint64 gpuWh;
        uint32 uptimeS;
        uint32 messageCount;
        // keccak256(digest_1 ‖ signature_1 ‖ … ‖ digest_n ‖ signature_n) in sequence order: each message's 32-byte
        // EIP-712 digest followed by the device's 65-byte signature of it (r ‖ s ‖ v), as the attester received it
        bytes32 messagesHash;
    }

    /// @notice What an attester committed for a slot. Two storage words: the root, then everything else.
    struct Commitment {
        bytes32 root;
        address attester;
        uint40 committedAt; // 0: nothing committed for the slot
        uint32 recordCount;
        bool bondPaid; // paid to the first successful challenger of the slot
        bool bondReleased; // returned to the attester after the window
    }

    /// @notice The fields of a record that its messages determine. Sums are unbounded here: a record whose uint64 fields
    /// cannot hold them does not match.
    struct Aggregate {
        uint256 greenWh;
        uint256 gridWh;
        uint256 gpuWh;
        uint256 uptimeS;
        uint256 messageCount;
        bytes32 messagesHash;
    }

    /// @notice The first physical bound (docs/TELEMETRY.md section 2) a window breaks, in the document's order.
    enum Violation {
        None,
        Window,
        Pv,
        BatteryIn,
        BatteryOut,
        Gpu,
        Ev,
        Uptime,
        EnergyBalance
    }

    /// @notice What is wrong with a challenged record; a challenge reports the first kind, in this order, that the record
    /// shows. Every fault follows from the record, its messages and their signatures alone, all of which the record
    /// commits to through `messagesHash`: a challenger can neither supply other signatures nor frame a right record.
    enum Fault {
        None,
        // A committed signature that does not recover (OpenZeppelin ECDSA: malformed, v not 27 or 28, or high s) to the
        // node's registered device signer: the attester included a message that the device did not sign.
        BadSignature,
        WrongDevice, // the node is not registered, or a message's `device` is not the node's device signer
        OutsideSlot, // a window not inside the record's slot [slot × 3600, (slot + 1) × 3600]
        NotIncreasing, // seq not strictly increasing, or a window starting before the previous one ended
        // A message breaking a physical bound (section 2). Every signature is the device's by now, so the device signed
        // impossible data: it is slashed as well.
        Impossible,
        AggregateMismatch // no messages, or green, grid, GPU energy or uptime differing from the messages' aggregate
    }

    error ZeroAddress(string field);
    error ZeroBond();
    error UnknownNode(uint256 nodeId);
    error SlotNotEnded(uint32 slot, uint256 currentSlot);
    error AlreadyCommitted(uint32 slot);
    error ZeroRoot(uint32 slot);
    error ZeroRecordCount(uint32 slot);
    error UnknownSlot(uint32 slot);
    error ChallengeWindowClosed(uint32 slot, uint256 closedAt);
    error NotFinal(uint32 slot, uint256 finalAt);
    error NotInRoot(uint32 slot, bytes32 leaf);
    error AlreadyExcluded(uint32 slot, bytes32 leaf);
    error Excluded(uint32 slot, bytes32 leaf);
    error AlreadyClaimed(uint32 slot, bytes32 leaf);
    error MessageCountMismatch(uint256 expected, uint256 got);
    error SignatureCountMismatch(uint256 expected, uint256 got);
    error MessagesHashMismatch(bytes32 expected, bytes32 got);
    /// @notice A signature that is not 65 bytes (r ‖ s ‖ v): no record commits to one (see {aggregate}).
    error BadSignatureLength(uint256 index, uint256 length);
    error NoFraud(uint32 slot, bytes32 leaf);
    error NoBondToRelease(uint32 slot);

    event Committed(uint32 indexed slot, address indexed attester, bytes32 root, uint32 recordCount, uint256 bondUsdc6);
    /// @param bondPaidUsdc6 the attester bond paid to the challenger: 0 when an earlier challenge of the slot took it.
    /// @param slashedUsdc6 taken from the node's stake to the challenger: `DEVICE_FRAUD_SLASH_BPS` of it, rounded down,
    /// when `fault` is `Impossible`; 0 otherwise.
    event RecordExcluded(
        uint32 indexed slot,
        uint256 indexed nodeId,
        bytes32 indexed leaf,
        Fault fault,
        address challenger,
        uint256 bondPaidUsdc6,
        uint256 slashedUsdc6
    );
    event Claimed(
        uint32 indexed slot, uint256 indexed nodeId, bytes32 indexed leaf, uint16 greenShareBps, bool credited
    );
    event BondReleased(uint32 indexed slot, address indexed attester, uint256 bondUsdc6);

    /// @notice Attester role: commits the Merkle root of a slot that has ended, pulling the attester bond from the caller.
    /// Once per slot.
    /// @param recordCount how many records the tree has (for the per-record cost and for readers; not verified).
    function commit(uint32 slot, bytes32 root, uint32 recordCount) external;

    /// @notice Anyone, while the slot's challenge window is open: proves `record` (in the slot's root, not excluded)
    /// wrong from all of its messages in sequence order and their signatures, exactly as the record commits to them:
    /// `messageCount` messages, one 65-byte signature (r ‖ s ‖ v) each, and keccak256(digest_1 ‖ signature_1 ‖ … ‖
    /// digest_n ‖ signature_n) equal to `messagesHash`; otherwise it reverts (`MessageCountMismatch`,
    /// `SignatureCountMismatch`, or `MessagesHashMismatch`, also for a signature of another length). Faults, first
    /// found first: `WrongDevice` for a node that is not registered; `BadSignature`, a signature that does not recover to
    /// the node's device signer; `WrongDevice`, a message whose `device` is not it; `OutsideSlot`; `NotIncreasing`;
    /// `Impossible`, which also sends `DEVICE_FRAUD_SLASH_BPS` of the node's stake to the caller (the device signed
    /// it); `AggregateMismatch`. On a fault the record is excluded and the slot's bond, if no earlier challenge took it,
    /// goes to the caller. Reverts `NoFraud` when the record is right: a failed challenge changes nothing.
    /// @return fault the first fault found.
    function challenge(
        NodeHourRecord calldata record,
        bytes32[] calldata proof,
        Telemetry[] calldata messages,
        bytes[] calldata signatures
    ) external returns (Fault fault);

    /// @notice Anyone, once the slot is final: for a record in the root and not excluded, sets the node-hour's green
    /// share in the compute-hour contract and, when `uptimeS` reaches `MIN_UPTIME_BPS` of the hour, credits the node with
    /// one PoGCS credit. Once per record.
    function claim(NodeHourRecord calldata record, bytes32[] calldata proof)
        external
        returns (uint16 shareBps, bool credited);

    /// @notice Anyone, once the slot is final: returns the slot's bond to its attester unless a challenger took it.
    function releaseBond(uint32 slot) external;

    function commitment(uint32 slot) external view returns (Commitment memory);
    /// @notice Whether the slot is committed and its challenge window has closed.
    function isFinal(uint32 slot) external view returns (bool);
    /// @notice Whether a successful challenge excluded the record with this leaf (the leaf commits to the slot).
    function isExcluded(bytes32 leaf) external view returns (bool);
    /// @notice Whether the record with this leaf has been claimed.
    function isClaimed(bytes32 leaf) external view returns (bool);
    /// @notice Proven green compute hours of a node: claimed records with enough uptime.
    function pogcsCredits(uint256 nodeId) external view returns (uint256);
    /// @notice The EIP-712 digest the device signs for `message` (domain "Greenhour Telemetry", version "1", this chain,
    /// this contract).
    function digestOf(Telemetry calldata message) external view returns (bytes32);
    /// @notice The Merkle leaf of a record: keccak256(bytes.concat(keccak256(abi.encode(record)))).
    function leafOf(NodeHourRecord calldata record) external pure returns (bytes32);
    /// @notice The first physical bound that `message` breaks for the node's registered spec, or `None`.
    function violationOf(uint256 nodeId, Telemetry calldata message) external view returns (Violation);
    /// @notice What a record of `messages` (in sequence order) and their device signatures must say: the sums, the count
    /// and `messagesHash` = keccak256(digest_1 ‖ signature_1 ‖ … ‖ digest_n ‖ signature_n). Reverts
    /// `SignatureCountMismatch` unless there is one signature per message, and `BadSignatureLength` for a signature
    /// that is not 65 bytes. The signatures are hashed, not verified. A view only because the digests depend on this
    /// contract's EIP-712 domain.
    function aggregate(Telemetry[] calldata messages, bytes[] calldata signatures)
        external
        view
        returns (Aggregate memory);
    /// @notice Green share in basis points of an hour with these energies, rounded down; 0 when both are 0.
    function greenShareBps(uint256 greenWh, uint256 gridWh) external pure returns (uint16);
}
