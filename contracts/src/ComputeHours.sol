// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {ERC1155} from "@openzeppelin/contracts/token/ERC1155/ERC1155.sol";
import {ERC1155Supply} from "@openzeppelin/contracts/token/ERC1155/extensions/ERC1155Supply.sol";
import {AccessControl} from "@openzeppelin/contracts/access/AccessControl.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";
import {IComputeHours} from "./interfaces/IComputeHours.sol";
import {INodeRegistry} from "./interfaces/INodeRegistry.sol";
import {HourId} from "./libraries/HourId.sol";
import "./libraries/Constants.sol" as C;

/// @title ComputeHours
/// @notice See {IComputeHours}. Invariants: for every id, the hours in circulation (total supply) equal the sum of the
/// outstanding obligations of the nodes that minted it; a node's bonded stake in the registry equals Σ over its slots
/// of bondedHours × bond per hour.
/// Roles (docs/ARCHITECTURE.md): the delivery role confirms deliveries; green shares are written by the green-share
/// role alone (the attestation oracle, from proven records), granted by the wiring role, which the deployer renounces.
contract ComputeHours is IComputeHours, ERC1155Supply, AccessControl, ReentrancyGuardTransient {
    /// @notice Confirms deliveries (the attestation service; later, verified work).
    bytes32 public constant DELIVERY_ROLE = keccak256("DELIVERY_ROLE");
    /// @notice Writes green shares from proven records (the attestation oracle only).
    bytes32 public constant GREEN_SHARE_ROLE = keccak256("GREEN_SHARE_ROLE");
    /// @notice Grants and revokes the green-share role; renounced by the deployer after wiring.
    bytes32 public constant WIRING_ROLE = keccak256("WIRING_ROLE");

    INodeRegistry public immutable registry;

    /// @dev Per id, one word written by its first mint: the bond per hour (bits 0–63), the number of obligors (64–95)
    /// and the first two obligors' node ids (96–159, 160–223; node ids count from 1 and stay below 2^64). Obligors
    /// from the third on are in `_moreObligors`, one word each.
    struct IdRecord {
        uint64 bondPerHourUsdc6;
        uint32 obligorCount;
        uint64 obligor0;
        uint64 obligor1;
    }

    uint256 public redemptionCount;
    mapping(uint256 id => IdRecord) private _ids;
    mapping(uint256 nodeId => mapping(uint32 slot => NodeSlot)) private _nodeSlots;
    mapping(uint256 redemptionId => Redemption) private _redemptions;
    mapping(uint256 id => mapping(uint256 index => uint256 nodeId)) private _moreObligors;

    constructor(INodeRegistry registry_, address admin, string memory uri_) ERC1155(uri_) {
        if (address(registry_) == address(0)) revert INodeRegistry.ZeroAddress("registry");
        if (admin == address(0)) revert INodeRegistry.ZeroAddress("admin");
        registry = registry_;
        _grantRole(DEFAULT_ADMIN_ROLE, admin);
        _grantRole(WIRING_ROLE, admin);
        _setRoleAdmin(GREEN_SHARE_ROLE, WIRING_ROLE);
        _setRoleAdmin(WIRING_ROLE, WIRING_ROLE);
    }

    /// @inheritdoc IComputeHours
    function mint(uint256 nodeId, uint32 slot, uint256 amount) external nonReentrant returns (uint256 id) {
        // CHECKS
        (uint16 classId, uint16 gpuCount) = _checkMint(nodeId, slot, amount);
        NodeSlot storage ns = _nodeSlots[nodeId][slot];
        uint256 minted = ns.minted;
        if (minted + amount > gpuCount) revert ExceedsCapacity(nodeId, slot, amount, gpuCount - minted);

        // MATH: one bond per hour for every hour of an id, the class's at the id's first mint, so that the market can
        // hold every price of the id under it (see {bondPerHourOf}).
        id = HourId.encode(classId, slot);
        IdRecord memory rec = _ids[id];
        uint64 bondPerHour = rec.bondPerHourUsdc6;
        bool firstOfId = bondPerHour == 0;
        if (firstOfId) bondPerHour = registry.bondPerHourOfClass(classId);
        uint256 bondUsdc6 = amount * bondPerHour;

        // WRITE: the id's word once per new obligor (its first mint of the slot), the node's slot word always.
        // amount ≤ MAX_GPU_COUNT and minted + amount ≤ gpuCount ≤ MAX_GPU_COUNT, so the uint16 counters cannot wrap.
        if (minted == 0) {
            _addObligor(id, rec, nodeId, bondPerHour);
            ns.bondPerHourUsdc6 = bondPerHour;
        }
        ns.minted = uint16(minted + amount);
        ns.outstanding += uint16(amount);
        ns.bondedHours += uint16(amount);
        emit HoursMinted(nodeId, id, classId, slot, amount, bondUsdc6);

        // INTERACTIONS: the registry reverts if the free stake cannot back the hours; the receiver hook comes last.
        registry.bond(nodeId, bondUsdc6);
        _mint(msg.sender, id, amount, "");
    }

    /// @inheritdoc IComputeHours
    function redeem(uint256 id, uint256 nodeId, uint256 amount) external nonReentrant returns (uint256 redemptionId) {
        // CHECKS
        (uint16 classId, uint32 slot) = HourId.decode(id);
        uint256 nowSlot = currentSlot();
        if (slot != nowSlot) revert SlotNotLive(slot, nowSlot);
        uint256 closesAt = HourId.startOf(slot) + C.REDEMPTION_WINDOW_SECONDS;
        if (block.timestamp >= closesAt) revert RedemptionClosed(slot, closesAt);
        if (amount == 0 || amount > C.MAX_GPU_COUNT) revert InvalidAmount(amount);
        (,, uint16 nodeClassId,) = registry.obligorOf(nodeId);
        if (nodeClassId != classId) revert NodeClassMismatch(nodeId, nodeClassId, classId);
        NodeSlot storage ns = _nodeSlots[nodeId][slot];
        if (ns.outstanding < amount) revert InsufficientObligation(nodeId, slot, amount, ns.outstanding);

        // WRITE (the burn checks the caller's balance)
        ns.outstanding -= uint16(amount);
        redemptionId = ++redemptionCount;
        _redemptions[redemptionId] = Redemption({
            holder: msg.sender,
            nodeId: uint64(nodeId),
            classId: classId,
            slot: slot,
            hoursRedeemed: uint16(amount),
            status: RedemptionStatus.Pending,
            bondPerHourUsdc6: ns.bondPerHourUsdc6
        });
        _burn(msg.sender, id, amount);
        emit HoursRedeemed(redemptionId, nodeId, msg.sender, id, amount);
    }

    /// @inheritdoc IComputeHours
    function confirmDelivery(uint256 redemptionId) external onlyRole(DELIVERY_ROLE) nonReentrant {
        Redemption storage r = _pending(redemptionId);
        uint256 closesAt = HourId.startOf(r.slot) + C.SECONDS_PER_SLOT + C.DELIVERY_CONFIRMATION_WINDOW_SECONDS;
        if (block.timestamp >= closesAt) revert ConfirmationWindowClosed(redemptionId, closesAt);

        r.status = RedemptionStatus.Delivered;
        _nodeSlots[r.nodeId][r.slot].bondedHours -= r.hoursRedeemed;
        uint256 released = registry.releaseBond(r.nodeId, uint256(r.hoursRedeemed) * r.bondPerHourUsdc6);
        emit DeliveryConfirmed(redemptionId, r.nodeId, released);
    }

    /// @inheritdoc IComputeHours
    function settleUndelivered(uint256 redemptionId) external nonReentrant returns (uint256 compensationUsdc6) {
        Redemption storage r = _pending(redemptionId);
        uint256 opensAt = HourId.startOf(r.slot) + C.SECONDS_PER_SLOT + C.DELIVERY_CONFIRMATION_WINDOW_SECONDS;
        if (block.timestamp < opensAt) revert ConfirmationWindowOpen(redemptionId, opensAt);

        r.status = RedemptionStatus.Defaulted;
        _nodeSlots[r.nodeId][r.slot].bondedHours -= r.hoursRedeemed;
        compensationUsdc6 = registry.seizeBond(r.nodeId, uint256(r.hoursRedeemed) * r.bondPerHourUsdc6, r.holder);
        emit RedemptionDefaulted(redemptionId, r.nodeId, compensationUsdc6);
    }

    /// @inheritdoc IComputeHours
    function releaseUnredeemed(uint256 nodeId, uint32 slot) external nonReentrant returns (uint256 releasedUsdc6) {
        uint256 nowSlot = currentSlot();
        if (slot >= nowSlot) revert SlotNotOver(slot, nowSlot);
        NodeSlot storage ns = _nodeSlots[nodeId][slot];
        if (ns.unredeemedReleased || ns.outstanding == 0) revert NothingToRelease(nodeId, slot);

        // Expired hours stay in circulation (worthless, untransferable); only their bond is freed.
        ns.unredeemedReleased = true;
        ns.bondedHours -= ns.outstanding;
        releasedUsdc6 = registry.releaseBond(nodeId, uint256(ns.outstanding) * ns.bondPerHourUsdc6);
        emit UnredeemedBondReleased(nodeId, slot, ns.outstanding, releasedUsdc6);
    }

    /// @inheritdoc IComputeHours
    function setGreenShare(uint256 nodeId, uint32 slot, uint16 greenShareBps) external onlyRole(GREEN_SHARE_ROLE) {
        uint256 nowSlot = currentSlot();
        if (slot > nowSlot) revert SlotNotLive(slot, nowSlot);
        if (greenShareBps > C.BPS) revert InvalidGreenShare(greenShareBps);
        NodeSlot storage ns = _nodeSlots[nodeId][slot];
        if (ns.greenShareSet) revert GreenShareAlreadySet(nodeId, slot);

        ns.greenShareSet = true;
        ns.greenShareBps = greenShareBps;
        emit GreenShareSet(nodeId, slot, greenShareBps);
    }

    // ---------------------------------------------------------------- views

    function nodeSlot(uint256 nodeId, uint32 slot) external view returns (NodeSlot memory) {
        return _nodeSlots[nodeId][slot];
    }

    function redemption(uint256 redemptionId) external view returns (Redemption memory) {
        return _redemptions[redemptionId];
    }

    function obligorsOf(uint256 id) external view returns (uint256[] memory nodeIds) {
        IdRecord memory rec = _ids[id];
        nodeIds = new uint256[](rec.obligorCount);
        if (nodeIds.length > 0) nodeIds[0] = rec.obligor0;
        if (nodeIds.length > 1) nodeIds[1] = rec.obligor1;
        for (uint256 i = 2; i < nodeIds.length; ++i) {
            nodeIds[i] = _moreObligors[id][i];
        }
    }

    function bondPerHourOf(uint256 id) external view returns (uint64) {
        return _ids[id].bondPerHourUsdc6;
    }

    function totalSupply(uint256 id) public view override(ERC1155Supply, IComputeHours) returns (uint256) {
        return super.totalSupply(id);
    }

    function hourId(uint16 classId, uint32 slot) external pure returns (uint256) {
        return HourId.encode(classId, slot);
    }

    function currentSlot() public view returns (uint256) {
        return block.timestamp / C.SECONDS_PER_SLOT;
    }

    function supportsInterface(bytes4 interfaceId) public view override(ERC1155, AccessControl) returns (bool) {
        return super.supportsInterface(interfaceId);
    }

    // ---------------------------------------------------------------- internal

    /// @dev Hours are dissipative: a transfer (neither mint nor burn) of any id whose slot has started reverts.
    function _update(address from, address to, uint256[] memory ids, uint256[] memory values) internal override {
        if (from != address(0) && to != address(0)) {
            for (uint256 i; i < ids.length; ++i) {
                (, uint32 slot) = HourId.decode(ids[i]);
                if (block.timestamp >= HourId.startOf(slot)) revert SlotStarted(ids[i], slot);
            }
        }
        super._update(from, to, ids, values);
    }

    /// @dev The checks of a mint that need no storage of this contract; returns the node's class and GPU count.
    function _checkMint(uint256 nodeId, uint32 slot, uint256 amount)
        private
        view
        returns (uint16 classId, uint16 gpuCount)
    {
        address owner;
        INodeRegistry.NodeStatus status;
        (owner, status, classId, gpuCount) = registry.obligorOf(nodeId);
        if (owner != msg.sender) revert NotNodeOwner(nodeId, msg.sender);
        if (status != INodeRegistry.NodeStatus.Online) revert INodeRegistry.NodeNotOnline(nodeId, status);
        if (amount == 0 || amount > C.MAX_GPU_COUNT) revert InvalidAmount(amount);
        uint256 nowSlot = currentSlot();
        if (slot <= nowSlot) revert SlotNotInFuture(slot, nowSlot);
        if (slot > nowSlot + C.MAX_MINT_HORIZON_SLOTS) {
            revert SlotBeyondHorizon(slot, nowSlot + C.MAX_MINT_HORIZON_SLOTS);
        }
    }

    /// @dev Records `nodeId` as a new obligor of `id` and the id's bond per hour, in the id's word (one SSTORE) and,
    /// from the third obligor on, one word of `_moreObligors`. Node ids are below 2^64 (the registry counts them in
    /// 64 bits), so the uint64 fields hold them whole.
    function _addObligor(uint256 id, IdRecord memory rec, uint256 nodeId, uint64 bondPerHour) private {
        uint256 count = rec.obligorCount;
        if (count == 0) rec.obligor0 = uint64(nodeId);
        else if (count == 1) rec.obligor1 = uint64(nodeId);
        else _moreObligors[id][count] = nodeId;
        uint256 word =
            uint256(bondPerHour) | (count + 1) << 64 | uint256(rec.obligor0) << 96 | uint256(rec.obligor1) << 160;
        IdRecord storage ref = _ids[id];
        assembly ("memory-safe") {
            sstore(ref.slot, word)
        }
    }

    function _pending(uint256 redemptionId) private view returns (Redemption storage r) {
        r = _redemptions[redemptionId];
        if (r.status == RedemptionStatus.None) revert UnknownRedemption(redemptionId);
        if (r.status != RedemptionStatus.Pending) revert RedemptionNotPending(redemptionId, r.status);
    }
}
