// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

/// @title Greenhour attestation oracle (Proof of Green Compute Service)
/// @notice Once per hour slot an attester commits the Merkle root of the slot's node-hour records, each the aggregate of
/// one node's device-signed telemetry windows (docs/TELEMETRY.md), committing to the messages and to their signatures.
/// The attester bonds every record it can have claimed. During the challenge window anyone may prove a record wrong
/// from its committed messages and signatures, committing to the challenge a block before revealing it: the record is
/// excluded and one record's bond paid to the challenger; a device that signed physically impossible data is slashed
/// as well. After the window the slot is final and each record that
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
        uint32 batterySocWh; // the battery's state of charge at windowEnd, at most the node's registered batteryWh
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

    /// @notice What an attester committed for a slot. Two storage words: the root, then everything else. The bond is
    /// `bondOf(recordCount)`; how many records were excluded (each paying one record's bond) is `excludedCount(slot)`.
    struct Commitment {
        bytes32 root;
        address attester;
        uint40 committedAt; // 0: nothing committed for the slot
        uint32 recordCount;
        bool bondReleased; // what no challenge took was returned to the attester after the window
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
        EnergyBalance,
        // Appended (issue 13), so the values above keep their numbers: a state of charge above the battery's capacity.
        BatterySoc
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
        AggregateMismatch, // green, grid, GPU energy or uptime differing from the messages' aggregate
        // A messageCount of 0 or above MAX_WINDOWS_PER_RECORD: no record aggregates no window, and an honest one has at
        // most one window a minute. Checked first, from the record alone (no messages are read), so that a record
        // too large to resubmit, or an empty one whatever its messagesHash, is provable in a small transaction.
        MessageCount,
        // Two records of one node and slot in the root: a node-hour has one record, so the attester committed at least
        // one false one; both are excluded (which is right cannot be told on chain, and either could be claimed first).
        DuplicateNodeHour,
        // The attester signed a receipt (see {Receipt}) for a window of the node-hour, and the record's committed
        // windows do not include its digest: the attester dropped a window it had acknowledged ({challengeDroppedWindow}).
        DroppedWindow
    }

    /// @notice The ingest's acknowledgement of one accepted window, signed as EIP-712 `Receipt(uint64 nodeId,uint32
    /// slot,uint64 seq,bytes32 digest)` in this contract's domain ("Greenhour Telemetry", "1", chain id, this contract)
    /// by the attester account that commits the slot's root. A receipt is the attester's promise that the window with
    /// this EIP-712 `digest` (of the device's `Telemetry` message, `seq` its sequence number) is in the record of node
    /// `nodeId` for hour `slot`; the ingest signs one only for a window it accepts into the hour it will build.
    struct Receipt {
        uint64 nodeId;
        uint32 slot;
        uint64 seq;
        bytes32 digest;
    }

    /// @notice The state of the omission claim of one node-hour (at most one per node-hour, ever).
    enum OmissionStatus {
        None, // no claim, and no record of the node-hour excluded by a challenge
        Open, // claimed, waiting for the attester's answer until the slot's challenge window closes
        Answered, // a record of the node-hour was proven in the root: the claim bond went to the attester
        Proven, // no answer by the close of the window: the omission is proven, one record's bond forfeited
        // A record of the node-hour was excluded by a challenge: it existed and has paid its bond, so no omission
        // claim of the node-hour can pay again (an open one is closed and its claim bond returned).
        RecordExcluded
    }

    /// @notice An omission claim: who opened it, when, and the claim bond it holds (the governance value at opening).
    struct OmissionClaim {
        address claimant;
        uint40 openedAt;
        OmissionStatus status;
        uint96 bondUsdc6;
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
    error CommitTooLate(uint32 slot, uint256 deadline);
    /// @notice Two records given as duplicates that are not two records of one node-hour.
    error NotDuplicates(bytes32 leafA, bytes32 leafB);
    error NoBondToRelease(uint32 slot);
    /// @notice A proof longer than a tree of `recordCount` leaves has: such a record is not bonded, so it is never
    /// claimed (nor challenged).
    error ProofTooLong(uint32 slot, uint256 length, uint256 maxLength);
    /// @notice A claim of a record whose messageCount is 0 or above MAX_WINDOWS_PER_RECORD: a fault, never final.
    error MessageCountOutOfBounds(uint32 slot, bytes32 leaf, uint256 messageCount);
    /// @notice A challenge reveal without its commitment made in an earlier block.
    error ChallengeNotCommitted(bytes32 commitment);
    /// @notice {challengeByDevice} from an address that is not the registered device signer of the record's node
    /// (`deviceSigner` is address(0) for an unknown node).
    error NotDeviceSigner(uint256 nodeId, address caller, address deviceSigner);
    /// @notice A receipt whose signature does not recover (`signer` address(0): malformed) to the slot's attester.
    error BadReceiptSignature(address signer, address attester);
    /// @notice A receipt that is not for the record's or claim's node-hour; `field` names the first that differs
    /// ("nodeId" or "slot").
    error ReceiptMismatch(string field, uint256 expected, uint256 got);
    /// @notice A drop proof whose receipted window is among the record's committed windows: nothing was dropped.
    error WindowNotDropped(uint32 slot, bytes32 leaf, bytes32 digest);
    /// @notice A drop proof for a record whose messageCount is 0 or above MAX_WINDOWS_PER_RECORD: use {challenge}
    /// (`MessageCount`), which needs no windows.
    error MessageCountOutOfBoundsForDrop(uint32 slot, bytes32 leaf, uint256 messageCount);
    /// @notice The node-hour already has an omission claim, or a record of it was excluded (`status`).
    error OmissionClaimExists(uint32 slot, uint256 nodeId, OmissionStatus status);
    /// @notice An omission claim opened after `lastOpenAt`: the attester would have less than OMISSION_ANSWER_SECONDS.
    error OmissionClaimTooLate(uint32 slot, uint256 nodeId, uint256 lastOpenAt);
    /// @notice No open omission claim for the node-hour (`status` is what there is).
    error OmissionClaimNotOpen(uint32 slot, uint256 nodeId, OmissionStatus status);
    /// @notice An omission claim resolved before its answer deadline, the close of the slot's challenge window.
    error OmissionNotDue(uint32 slot, uint256 nodeId, uint256 dueAt);
    /// @notice {releaseBond} while `count` omission claims of the slot are unresolved ({resolveOmissionClaim} first).
    error OmissionClaimsOpen(uint32 slot, uint256 count);

    event Committed(uint32 indexed slot, address indexed attester, bytes32 root, uint32 recordCount, uint256 bondUsdc6);
    /// @param challenger who was paid the challenger's share: the caller of {challenge} or {challengeDuplicate}, or the
    /// node's registered owner for {challengeByDevice}.
    /// @param bondPaidUsdc6 the bond of one record, forfeited: CHALLENGER_REWARD_BPS of it to the challenger, the rest to
    /// the treasury.
    /// @param slashedUsdc6 taken from the node's stake: `DEVICE_FRAUD_SLASH_BPS` of it, rounded down, when `fault` is
    /// `Impossible` (0 otherwise); split between challenger and treasury as the bond is.
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
    /// @param bondUsdc6 what no challenge took: the bond of the records that were not excluded.
    event AttesterBondReleased(uint32 indexed slot, address indexed attester, uint256 bondUsdc6);
    event ChallengeCommitted(bytes32 indexed commitment, uint256 blockNumber);
    event TreasurySet(address treasury);
    event OmissionClaimBondSet(uint256 bondUsdc6);
    /// @param answerBy the attester must prove a record of the node-hour before this time (the window's close).
    event OmissionClaimOpened(
        uint32 indexed slot, uint256 indexed nodeId, address claimant, uint256 bondUsdc6, uint256 answerBy
    );
    /// @param bondUsdc6 the claim bond, paid to `attester`.
    event OmissionClaimAnswered(
        uint32 indexed slot, uint256 indexed nodeId, bytes32 leaf, address attester, uint256 bondUsdc6
    );
    /// @param owner the node's owner, paid CHALLENGER_REWARD_BPS of `bondPaidUsdc6` (the rest to the treasury).
    /// @param bondPaidUsdc6 one record's bond forfeited by the attester (0 once the slot's bond is spent).
    /// @param claimBondUsdc6 returned to the claimant.
    event OmissionProven(
        uint32 indexed slot, uint256 indexed nodeId, address owner, uint256 bondPaidUsdc6, uint256 claimBondUsdc6
    );
    /// @notice An open omission claim closed because a challenge excluded a record of the node-hour (it existed and
    /// paid its bond); the claim bond is returned.
    event OmissionClaimClosed(uint32 indexed slot, uint256 indexed nodeId, uint256 claimBondUsdc6);

    /// @notice Attester role: commits the Merkle root of a slot that has ended, at most COMMIT_DEADLINE_SECONDS (18 h)
    /// after its end (`CommitTooLate`), pulling `bondOf(recordCount)` from the caller. Once per slot.
    /// @param recordCount how many records the tree has. Not verified, but it bounds what can be claimed: a claim or a
    /// challenge needs a proof of at most ceil(log2(recordCount)) hashes, a binary tree has at most 2^that leaves so
    /// deep, and the bond covers that many records. Understating it leaves records unclaimable; overstating it locks
    /// more bond.
    function commit(uint32 slot, bytes32 root, uint32 recordCount) external;

    /// @notice First step of a challenge, anyone: records `commitment` = `challengeCommitment(leaf, challenger, salt)`
    /// at this block. The reveal (`challenge`) must come in a later block, from `challenger`: a copy of the reveal sent
    /// by anyone else finds no commitment of its own. A commitment already recorded keeps its block.
    function commitChallenge(bytes32 commitment) external;

    /// @notice The challenger of an earlier `commitChallenge(challengeCommitment(leaf, msg.sender, salt))`, while the
    /// slot's challenge window is open: proves `record` (in the slot's root with a proof of at most
    /// ceil(log2(recordCount)) hashes, not excluded) wrong. A record whose messageCount is 0 or above
    /// MAX_WINDOWS_PER_RECORD is the `MessageCount` fault at once (messages and signatures are not read). Otherwise it is
    /// proven from all of its messages in sequence order and their signatures, exactly as the record commits to them:
    /// `messageCount` messages, one 65-byte signature (r ‖ s ‖ v) each, and keccak256(digest_1 ‖ signature_1 ‖ … ‖
    /// digest_n ‖ signature_n) equal to `messagesHash`; otherwise it reverts (`MessageCountMismatch`,
    /// `SignatureCountMismatch`, or `MessagesHashMismatch`). Faults, first found first: `BadSignature` for a committed
    /// entry that is not 65 bytes long; `WrongDevice` for a node that is not registered; `BadSignature`, a signature
    /// that does not recover to the node's device signer; `WrongDevice`, a message whose `device` is not it;
    /// `OutsideSlot`; `NotIncreasing`; `Impossible`, which also slashes `DEVICE_FRAUD_SLASH_BPS` of the node's stake
    /// (the device signed it); `AggregateMismatch`. On a fault the record is excluded and the commitment spent; of one
    /// record's bond (`bondPerRecordUsdc6`) and the slash, the caller gets CHALLENGER_REWARD_BPS and the treasury the
    /// rest, so that challenging one's own fraud never pays. Reverts `NoFraud` when the record is right: a failed
    /// challenge changes nothing.
    /// @return fault the first fault found.
    function challenge(
        NodeHourRecord calldata record,
        bytes32[] calldata proof,
        Telemetry[] calldata messages,
        bytes[] calldata signatures,
        bytes32 salt
    ) external returns (Fault fault);

    /// @notice {challenge} by the record's own device (a light node watching its own records), with the challenger's
    /// share paid to the node's registered owner instead of the caller: the device key pays only the gas. Only the
    /// node's registered `deviceSigner` may call it (`NotDeviceSigner` otherwise), and its commitment is
    /// `challengeCommitment(leaf, msg.sender, salt)` as for {challenge}: a copy of the reveal from another address is
    /// refused (`NotDeviceSigner`) and, sent to {challenge}, finds no commitment of its sender; the recipient is read
    /// from the registry, so no caller can redirect it. Everything else (window, proof, faults, exclusion, the split
    /// with the treasury, the slash of `Impossible`) is as in {challenge}.
    /// @return fault the first fault found.
    function challengeByDevice(
        NodeHourRecord calldata record,
        bytes32[] calldata proof,
        Telemetry[] calldata messages,
        bytes[] calldata signatures,
        bytes32 salt
    ) external returns (Fault fault);

    /// @notice The challenger of an earlier `commitChallenge(challengeCommitment(keccak256(abi.encode(leafA, leafB)),
    /// msg.sender, salt))`, while the slot's challenge window is open: proves that the root holds two records of one
    /// node and slot (`a` and `b`, different leaves, each with its proof). Both are excluded (`DuplicateNodeHour`); each
    /// not yet excluded forfeits one record's bond, split as in {challenge}. Reverts `NotDuplicates` for records of
    /// different nodes or slots or one leaf given twice, and `AlreadyExcluded` when both are excluded already.
    function challengeDuplicate(
        NodeHourRecord calldata a,
        bytes32[] calldata proofA,
        NodeHourRecord calldata b,
        bytes32[] calldata proofB,
        bytes32 salt
    ) external;

    /// @notice The record's device (its light node) proves that the attester dropped a window it acknowledged: `receipt`
    /// ({Receipt}, signed by the slot's attester, `BadReceiptSignature` otherwise) is for the record's node and slot
    /// (`ReceiptMismatch`), and the record's committed windows, given as `windows` = digest_1 ‖ signature_1 ‖ … ‖
    /// digest_n ‖ signature_n (the preimage of `messagesHash`: 97 bytes a window, `messageCount` windows, else
    /// `MessageCountMismatch` with the byte lengths, or `MessagesHashMismatch`), do not include `receipt.digest`
    /// (`WindowNotDropped` otherwise). The fixed width (a 32-byte digest and a 65-byte signature) makes the split of
    /// the committed bytes into windows unique, so an honest record cannot be re-read to hide a window it holds. (A
    /// record committing to entries of another width is a `BadSignature` fault of {challenge}.) Bounded and
    /// front-run safe as {challengeByDevice}: only the node's `deviceSigner` (`NotDeviceSigner`), within the window, the
    /// record in the root with a proof of at most ceil(log2(recordCount)) hashes, not excluded, after
    /// `commitChallenge(challengeCommitment(leaf, msg.sender, salt))` in an earlier block; a record with messageCount 0
    /// or above MAX_WINDOWS_PER_RECORD is refused (`MessageCountOutOfBoundsForDrop`: {challenge} proves it without
    /// windows). The record is excluded (`DroppedWindow`) and one record's bond split between the node's owner
    /// (CHALLENGER_REWARD_BPS) and the treasury.
    function challengeDroppedWindow(
        NodeHourRecord calldata record,
        bytes32[] calldata proof,
        bytes calldata windows,
        Receipt calldata receipt,
        bytes calldata receiptSignature,
        bytes32 salt
    ) external;

    /// @notice The device of `receipt.nodeId` claims that the slot's root omits its node-hour, which the attester
    /// acknowledged with `receipt` (signed by the slot's attester). Answer-or-forfeit: the caller (the node's
    /// `deviceSigner`, `NotDeviceSigner` otherwise) pays `omissionClaimBondUsdc6`, at the latest OMISSION_ANSWER_SECONDS
    /// before the slot's challenge window closes (`OmissionClaimTooLate`), once per node-hour (`OmissionClaimExists`,
    /// also when a challenge has excluded a record of it). The attester must answer ({answerOmissionClaim}) before the
    /// window closes; otherwise {resolveOmissionClaim} proves the omission.
    function openOmissionClaim(Receipt calldata receipt, bytes calldata receiptSignature) external;

    /// @notice Anyone, before the slot's challenge window closes: answers the open omission claim of the record's
    /// node-hour by proving `record` in the root (proof of at most ceil(log2(recordCount)) hashes; excluded or not: a
    /// record that existed was not omitted, and an excluded one has paid its bond already). The claim bond goes to the
    /// slot's attester. The claim answered is the record's own (`record.slot`, `record.nodeId`), so a record of another
    /// node can answer only that node's claim (`OmissionClaimNotOpen` when it has none).
    function answerOmissionClaim(NodeHourRecord calldata record, bytes32[] calldata proof) external;

    /// @notice Anyone, once the slot's challenge window has closed: an omission claim still open is proven. One
    /// record's bond of the slot is forfeited (while any is left: at most 2^ceil(log2(recordCount)) forfeits of records
    /// and omissions together pay), CHALLENGER_REWARD_BPS of it to the node's registered owner and the rest to the
    /// treasury, and the claim bond returns to the claimant. The slot's bond is released only when no claim is open.
    function resolveOmissionClaim(uint32 slot, uint64 nodeId) external;

    /// @notice Admin: the claim bond of omission claims opened from now on (nonzero: it is what deters a flood of
    /// claims an honest attester must answer).
    function setOmissionClaimBond(uint256 bondUsdc6) external;
    /// @notice The bond an omission claim holds; 1 USD at deployment.
    function omissionClaimBondUsdc6() external view returns (uint256);
    /// @notice The omission claim of a node-hour.
    function omissionClaim(uint32 slot, uint64 nodeId) external view returns (OmissionClaim memory);
    /// @notice Omission claims of the slot not yet answered or resolved.
    function openOmissionClaims(uint32 slot) external view returns (uint256);
    /// @notice The EIP-712 digest the attester signs for `receipt`.
    function receiptDigestOf(Receipt calldata receipt) external view returns (bytes32);

    /// @notice Anyone, once the slot is final: for a record in the root and not excluded, sets the node-hour's green
    /// share in the compute-hour contract and, when `uptimeS` reaches `MIN_UPTIME_BPS` of the hour, credits the node with
    /// one PoGCS credit. Once per record. The proof is at most ceil(log2(recordCount)) hashes long (`ProofTooLong`), and
    /// a record whose messageCount is 0 or above MAX_WINDOWS_PER_RECORD is never claimed (`MessageCountOutOfBounds`).
    function claim(NodeHourRecord calldata record, bytes32[] calldata proof)
        external
        returns (uint16 shareBps, bool credited);

    /// @notice Anyone, once the slot is final and no omission claim of it is open (`OmissionClaimsOpen`), once: returns
    /// to the attester the bond that no fault forfeited, `(bondOf(recordCount) / bondPerRecordUsdc6 - excludedCount) ×
    /// bondPerRecordUsdc6` (possibly 0).
    function releaseBond(uint32 slot) external;

    /// @notice Admin: where the part of a forfeited bond or slash that is not the challenger's reward goes.
    function setTreasury(address treasury) external;
    /// @notice Receives what faults forfeit beyond the challenger's reward; the admin at deployment.
    function treasury() external view returns (address);
    /// @notice Bond per bonded record: pulled at commit, forfeited by each excluded record (reward and treasury).
    function bondPerRecordUsdc6() external view returns (uint256);
    /// @notice What a commit of `recordCount` records pulls: `bondPerRecordUsdc6` × 2^ceil(log2(recordCount)), one bond
    /// per record a tree can hold at the proof depth that claims accept.
    function bondOf(uint32 recordCount) external view returns (uint256);
    /// @notice Bonds of the slot forfeited: records excluded by a challenge and omissions proven.
    function excludedCount(uint32 slot) external view returns (uint256);
    /// @notice keccak256(abi.encode(leaf, challenger, salt)): what `commitChallenge` records.
    function challengeCommitment(bytes32 leaf, address challenger, bytes32 salt) external pure returns (bytes32);
    /// @notice The block at which `commitment` was recorded; 0 for none (or spent by a successful challenge).
    function challengeCommittedAt(bytes32 commitment) external view returns (uint256);

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
