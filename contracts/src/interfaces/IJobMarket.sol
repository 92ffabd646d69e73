// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

/// @title Greenhour job market
/// @notice Buyers of AI work post jobs with their payment escrowed in the settlement token: GPU-hours at most a price
/// each, plus a completion incentive. The scheduler (SCHEDULER_ROLE) assigns an open job to node-hours by buying their
/// compute hours on the hour market within the buyer's price, recording which node serves each placement, and refunds
/// the unspent budget at once. The job's hours are then redeemed in their slots (anyone may call), naming the node
/// that must deliver. Once a slot's confirmation window has closed, each placement settles: delivered hours of a node
/// whose measured green share met the job's minimum earn the node their part of the incentive; every other part of the
/// incentive, and the bond an undelivered redemption pays, goes back to the buyer. Payouts are pulled (`withdraw`).
/// Invariant: the contract's token balance equals every open job's escrow, every assigned job's incentive not yet
/// settled, the compensation of defaulted redemptions not yet settled, and every party's withdrawable credit.
interface IJobMarket {
    enum Kind {
        Inference,
        Training,
        Rendering
    }

    enum JobStatus {
        None,
        Open, // escrowed, waiting for the scheduler
        Assigned, // hours bought; the incentive waits for the placements to settle
        Cancelled, // the buyer withdrew it before assignment
        Expired, // nobody assigned it while its window could still be bought
        Settled // every placement settled; nothing of the job remains in escrow
    }

    /// @notice What a buyer asks for. Slots are floor(UTC seconds / 3600); the job runs in [earliestSlot, deadlineSlot).
    struct JobSpec {
        Kind kind;
        bytes32 specHash; // content hash of the job spec (module, input, parameters)
        string specUri; // where the spec can be fetched (checked against specHash)
        uint32 gpuHours;
        uint16 minClassId; // a placement's class must meet this class's FP16 TFLOPS and memory
        uint32 earliestSlot;
        uint32 deadlineSlot;
        uint16 minGreenShareBps; // measured own-green share each serving node-hour must reach to earn the incentive
        uint64 maxPricePerGpuHourUsdc6; // fee included
        uint128 incentiveUsdc6;
        bool shardable; // may be split over several nodes, aggregated by a 2B regional node
    }

    /// @notice A job as stored. Four words and the spec hash.
    struct Job {
        address buyer;
        Kind kind;
        JobStatus status;
        bool shardable;
        uint16 minClassId;
        uint16 minGreenShareBps;
        uint8 placementCount;
        uint8 placementsSettled;
        uint32 gpuHours;
        uint32 earliestSlot;
        uint32 deadlineSlot;
        uint64 maxPricePerGpuHourUsdc6;
        uint64 aggregatorNodeId; // the 2B node that aggregates a sharded job's shards (0: one node serves it)
        uint128 budgetUsdc6; // escrowed for hours while Open; 0 once assigned (the rest was refunded)
        uint128 incentiveUsdc6; // escrowed incentive not yet settled
        uint128 spentUsdc6; // what the job's hours cost on the market
        uint128 incentiveTotalUsdc6; // the incentive as posted: each placement's part is its share of this
        bytes32 specHash;
    }

    /// @notice What the scheduler asks the market for: `gpuHours` hours of (classId, slot), served by `nodeId`.
    struct PlacementRequest {
        uint64 nodeId;
        uint16 classId;
        uint32 slot;
        uint16 gpuHours;
    }

    enum PlacementStatus {
        Bought, // the job holds the hours
        Redeemed, // redeemed in the slot, naming the node
        Settled
    }

    /// @notice A placement as stored. One word.
    struct Placement {
        uint64 nodeId;
        uint16 classId;
        uint32 slot;
        uint16 gpuHours;
        PlacementStatus status;
        uint64 redemptionId;
    }

    error ZeroAddress(string field);
    error InvalidSpec(string field, uint256 value);
    error UnknownClass(uint16 classId);
    error UnknownJob(uint256 jobId);
    error NotBuyer(uint256 jobId, address caller);
    error JobNotOpen(uint256 jobId, JobStatus status);
    error JobNotAssigned(uint256 jobId, JobStatus status);
    /// @notice The job's window still has a slot that can be bought (the last one, `lastBuyableSlot`, has not begun).
    error StillAssignable(uint256 jobId, uint256 lastBuyableSlot);
    error InvalidPlacements(string field, uint256 index, uint256 value);
    error ClassBelowMinimum(uint256 index, uint16 classId, uint16 minClassId);
    error NodeClassMismatch(uint256 index, uint256 nodeId, uint16 nodeClassId, uint16 classId);
    error NotOneNode(uint256 index, uint256 nodeId, uint256 firstNodeId);
    /// @notice A placement moves to another node only once its named node no longer owes its hours.
    error NodeCanStillDeliver(uint256 jobId, uint256 index, uint256 outstanding);
    error InvalidAggregator(uint256 nodeId);
    error HoursNotMatched(uint256 placedHours, uint256 gpuHours);
    error UnknownPlacement(uint256 jobId, uint256 index);
    error PlacementNotBought(uint256 jobId, uint256 index, PlacementStatus status);
    error PlacementAlreadySettled(uint256 jobId, uint256 index);
    error SettlementNotOpen(uint256 jobId, uint256 index, uint256 opensAt);
    error NothingToWithdraw(address account);
    /// @notice Hours sent by anyone but the hour market while this contract buys them would be stuck: refused.
    error UnsolicitedTransfer(address operator);

    event JobPosted(
        uint256 indexed jobId, address indexed buyer, Kind kind, bytes32 specHash, string specUri, JobSpec spec
    );
    event JobCancelled(uint256 indexed jobId, uint256 refundUsdc6);
    event JobExpired(uint256 indexed jobId, uint256 refundUsdc6);
    event JobAssigned(
        uint256 indexed jobId,
        uint64 aggregatorNodeId,
        uint256 spentUsdc6,
        uint256 refundUsdc6,
        PlacementRequest[] placements
    );
    event PlacementRedeemed(uint256 indexed jobId, uint256 index, uint256 indexed nodeId, uint256 redemptionId);
    event PlacementMoved(uint256 indexed jobId, uint256 index, uint256 fromNodeId, uint256 toNodeId);
    /// @param incentiveToNodeUsdc6 the node owner's part of the incentive; @param refundUsdc6 what went back to the buyer.
    event PlacementSettled(
        uint256 indexed jobId,
        uint256 index,
        uint256 indexed nodeId,
        bool delivered,
        bool greenEnough,
        uint256 incentiveToNodeUsdc6,
        uint256 refundUsdc6
    );
    event JobSettled(uint256 indexed jobId);
    event Withdrawn(address indexed account, uint256 amountUsdc6);

    /// @notice Posts a job, pulling gpuHours × maxPricePerGpuHourUsdc6 + incentiveUsdc6 from the caller, its buyer.
    /// The window must start in a coming slot that can still be bought and lie within the minting horizon.
    function post(JobSpec calldata spec) external returns (uint256 jobId);

    /// @notice The buyer withdraws an open job; its whole escrow is returned.
    function cancel(uint256 jobId) external;

    /// @notice Anyone, once no slot of an open job's window can be bought any more: its whole escrow returns to the buyer.
    function expire(uint256 jobId) external;

    /// @notice Scheduler: buys the hours of each placement on the hour market, paying at most gpuHours × the job's
    /// price for it, and refunds the unspent budget to the buyer. Placements are sorted by (slot, node) without repeats,
    /// inside the job's window, of a class meeting the job's minimum, each named node of that class and holding the
    /// hours outstanding; their hours add up to the job's. A job that may not be sharded is served by one node; a
    /// sharded one served by several names its aggregating 2B (station or pile) node. All or nothing.
    function assign(uint256 jobId, PlacementRequest[] calldata placements, uint64 aggregatorNodeId) external;

    /// @notice Anyone, in the first minutes of the placement's slot: redeems its hours, naming its node.
    function redeem(uint256 jobId, uint256 index) external returns (uint256 redemptionId);

    /// @notice The scheduler, in the first minutes of the placement's slot, when its named node no longer owes the
    /// placement's hours (holders of the same class and slot redeemed them first, naming it): redeems the hours naming
    /// `nodeId` instead, a node of the placement's class that owes at least as many. A job that is not shardable moves
    /// only if it has one placement, so that it stays on one node.
    function redeemElsewhere(uint256 jobId, uint256 index, uint64 nodeId) external returns (uint256 redemptionId);

    /// @notice Anyone, once the placement's confirmation window has closed: settles the placement (see the contract
    /// notice). An unconfirmed redemption is settled as undelivered first; unredeemed hours count as undelivered.
    function settle(uint256 jobId, uint256 index) external;

    /// @notice Pays the caller's credit (refunds, compensation, incentives).
    function withdraw() external returns (uint256 amountUsdc6);

    function job(uint256 jobId) external view returns (Job memory);
    function placement(uint256 jobId, uint256 index) external view returns (Placement memory);
    function jobCount() external view returns (uint256);
    function creditOf(address account) external view returns (uint256);
    /// @notice Whether hours of class `classId` may serve a job whose minimum class is `minClassId`.
    function meetsClass(uint16 classId, uint16 minClassId) external view returns (bool);
    /// @notice Role allowed to assign jobs: the service's scheduler.
    function SCHEDULER_ROLE() external view returns (bytes32);
}
