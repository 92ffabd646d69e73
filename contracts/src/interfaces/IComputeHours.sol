// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

/// @title Greenhour compute hours
/// @notice ERC-1155 token, one id per (capacity class, hour slot): the right to one standard GPU-hour of that class in that
/// slot. Hours are fungible within an id, but every hour is a delivery obligation of the node that minted it: minting
/// reserves the node's capacity and bonds the id's bond per hour of its stake; a redemption names the node that must
/// deliver; delivery confirmed by the delivery role releases the bond, an undelivered redemption is paid the whole bond
/// per hour. The hour market holds every price of an id under its bond per hour (docs/ARCHITECTURE.md, "Delivery
/// guarantee"), so a node that does not deliver loses at least what its hours fetched, and the holder recovers at least
/// what it paid. Hours are transferable until their slot starts, redeemable in the slot's first
/// `REDEMPTION_WINDOW_SECONDS`, and worthless after the slot.
interface IComputeHours {
    enum RedemptionStatus {
        None,
        Pending,
        Delivered,
        Defaulted
    }

    /// @notice One node's position in one slot. Fits one storage word.
    struct NodeSlot {
        uint16 minted; // hours ever minted by the node for this slot (<= gpuCount)
        uint16 outstanding; // minted hours not yet redeemed: still in circulation
        uint16 bondedHours; // hours whose bond is neither released nor seized
        uint16 greenShareBps; // measured share of the node's energy in the slot that was green
        bool greenShareSet;
        bool unredeemedReleased; // the bond of hours never redeemed has been released after the slot
        uint64 bondPerHourUsdc6; // the id's bond per hour (bondPerHourOf), so every release is exact
    }

    struct Redemption {
        address holder;
        uint64 nodeId; // the node that must deliver
        uint16 classId;
        uint32 slot;
        uint16 hoursRedeemed;
        RedemptionStatus status;
        uint64 bondPerHourUsdc6; // the bond behind each hour, released on delivery or paid to the holder on default
    }

    error InvalidAmount(uint256 amount);
    error SlotNotInFuture(uint32 slot, uint256 currentSlot);
    error SlotBeyondHorizon(uint32 slot, uint256 lastMintableSlot);
    error SlotNotLive(uint32 slot, uint256 currentSlot);
    error RedemptionClosed(uint32 slot, uint256 closedAt);
    error SlotNotOver(uint32 slot, uint256 currentSlot);
    error SlotStarted(uint256 id, uint32 slot);
    error ExceedsCapacity(uint256 nodeId, uint32 slot, uint256 requested, uint256 available);
    error NotNodeOwner(uint256 nodeId, address caller);
    error NodeClassMismatch(uint256 nodeId, uint16 nodeClassId, uint16 classId);
    error InsufficientObligation(uint256 nodeId, uint32 slot, uint256 requested, uint256 outstanding);
    error UnknownRedemption(uint256 redemptionId);
    error RedemptionNotPending(uint256 redemptionId, RedemptionStatus status);
    error ConfirmationWindowOpen(uint256 redemptionId, uint256 opensForSettlementAt);
    error ConfirmationWindowClosed(uint256 redemptionId, uint256 closedAt);
    error GreenShareAlreadySet(uint256 nodeId, uint32 slot);
    error InvalidGreenShare(uint256 greenShareBps);
    error NothingToRelease(uint256 nodeId, uint32 slot);

    event HoursMinted(
        uint256 indexed nodeId, uint256 indexed id, uint16 classId, uint32 slot, uint256 amount, uint256 bondUsdc6
    );
    event HoursRedeemed(
        uint256 indexed redemptionId, uint256 indexed nodeId, address indexed holder, uint256 id, uint256 amount
    );
    event DeliveryConfirmed(uint256 indexed redemptionId, uint256 indexed nodeId, uint256 releasedUsdc6);
    event RedemptionDefaulted(uint256 indexed redemptionId, uint256 indexed nodeId, uint256 compensationUsdc6);
    event UnredeemedBondReleased(
        uint256 indexed nodeId, uint32 indexed slot, uint256 hoursUnredeemed, uint256 releasedUsdc6
    );
    event GreenShareSet(uint256 indexed nodeId, uint32 indexed slot, uint16 greenShareBps);

    /// @notice Node owner mints `amount` hours of the node's class for a future `slot` to itself, within the horizon and
    /// the node's free capacity, bonding `amount` × `bondPerHourOf(id)` from the node's free stake (the first mint of an
    /// id fixes it at the class's bond per hour).
    /// @return id the token id of (class, slot).
    function mint(uint256 nodeId, uint32 slot, uint256 amount) external returns (uint256 id);

    /// @notice In the first `REDEMPTION_WINDOW_SECONDS` of its slot (so that what is asked can still be delivered),
    /// burns `amount` hours of `id` held by the caller and assigns their delivery to `nodeId`, which must hold at least
    /// `amount` outstanding hours of that slot.
    /// @return redemptionId the record naming the holder, the node and the hours.
    function redeem(uint256 id, uint256 nodeId, uint256 amount) external returns (uint256 redemptionId);

    /// @notice Delivery role, within the confirmation window: the node delivered; its bond for these hours is released.
    function confirmDelivery(uint256 redemptionId) external;

    /// @notice Anyone, after the confirmation window: an unconfirmed redemption is settled by paying the holder the whole
    /// bond of its hours from the node's stake (bonded stake is never slashed, so the bond is always there).
    function settleUndelivered(uint256 redemptionId) external returns (uint256 compensationUsdc6);

    /// @notice Anyone, after the slot: releases the bond of the node's hours that nobody redeemed (the node stood ready).
    function releaseUnredeemed(uint256 nodeId, uint32 slot) external returns (uint256 releasedUsdc6);

    /// @notice Green-share role (the attestation oracle, from a proven record), once the slot has started: records the
    /// measured green share of the node in the slot.
    function setGreenShare(uint256 nodeId, uint32 slot, uint16 greenShareBps) external;

    function nodeSlot(uint256 nodeId, uint32 slot) external view returns (NodeSlot memory);
    function redemption(uint256 redemptionId) external view returns (Redemption memory);
    function redemptionCount() external view returns (uint256);
    /// @notice Bond per hour behind every hour of `id`, in usdc6; 0 until the id's first mint. The hour market caps the
    /// price of `id` so that no buyer pays more per hour, fee included.
    function bondPerHourOf(uint256 id) external view returns (uint64);
    /// @notice Nodes that ever minted hours of `id`, in mint order; read `nodeSlot` for what each still owes.
    function obligorsOf(uint256 id) external view returns (uint256[] memory nodeIds);
    function totalSupply(uint256 id) external view returns (uint256);
    function hourId(uint16 classId, uint32 slot) external pure returns (uint256);
    function currentSlot() external view returns (uint256);
}
