// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {IERC1155Receiver} from "@openzeppelin/contracts/token/ERC1155/IERC1155Receiver.sol";
import {IERC165} from "@openzeppelin/contracts/utils/introspection/IERC165.sol";
import {AccessControl} from "@openzeppelin/contracts/access/AccessControl.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";
import {IJobMarket} from "./interfaces/IJobMarket.sol";
import {IHourMarket} from "./interfaces/IHourMarket.sol";
import {IComputeHours} from "./interfaces/IComputeHours.sol";
import {INodeRegistry} from "./interfaces/INodeRegistry.sol";
import {PulledHoursReceiver} from "./utils/PulledHoursReceiver.sol";
import {HourId} from "./libraries/HourId.sol";
import "./libraries/Constants.sol" as C;

/// @title JobMarket
/// @notice See {IJobMarket}.
contract JobMarket is IJobMarket, IERC1155Receiver, AccessControl, ReentrancyGuardTransient {
    using SafeERC20 for IERC20;

    bytes32 public constant SCHEDULER_ROLE = keccak256("SCHEDULER_ROLE");

    IHourMarket public immutable market;
    IComputeHours public immutable hours_;
    INodeRegistry public immutable registry;
    IERC20 public immutable token;

    uint256 public jobCount;
    mapping(uint256 jobId => Job) private _jobs;
    mapping(uint256 jobId => mapping(uint256 index => Placement)) private _placements;
    mapping(address account => uint256 usdc6) private _credits;

    // Set only while `assign` buys: the market's transfers of bought hours are the only ones this contract accepts.
    bool private transient _buying;

    constructor(IHourMarket market_, INodeRegistry registry_, address admin) {
        if (address(market_) == address(0)) revert ZeroAddress("market");
        if (address(registry_) == address(0)) revert ZeroAddress("registry");
        if (admin == address(0)) revert ZeroAddress("admin");
        market = market_;
        registry = registry_;
        token = market_.token();
        hours_ = IComputeHours(address(PulledHoursReceiver(address(market_)).hours_()));
        _grantRole(DEFAULT_ADMIN_ROLE, admin);
    }

    // ---------------------------------------------------------------- buyer

    /// @inheritdoc IJobMarket
    function post(JobSpec calldata spec) external nonReentrant returns (uint256 jobId) {
        // CHECKS
        if (spec.specHash == bytes32(0)) revert InvalidSpec("specHash", 0);
        uint256 uriBytes = bytes(spec.specUri).length;
        if (uriBytes == 0 || uriBytes > C.MAX_SPEC_URI_BYTES) revert InvalidSpec("specUri", uriBytes);
        if (spec.gpuHours == 0 || spec.gpuHours > C.MAX_JOB_GPU_HOURS) revert InvalidSpec("gpuHours", spec.gpuHours);
        if (registry.capacityClass(spec.minClassId).bondPerHourUsdc6 == 0) revert UnknownClass(spec.minClassId);
        uint256 nowSlot = block.timestamp / C.SECONDS_PER_SLOT;
        if (spec.earliestSlot <= nowSlot) revert InvalidSpec("earliestSlot", spec.earliestSlot);
        if (spec.earliestSlot > nowSlot + C.MAX_MINT_HORIZON_SLOTS) {
            revert InvalidSpec("earliestSlot", spec.earliestSlot);
        }
        if (spec.deadlineSlot <= spec.earliestSlot || spec.deadlineSlot > nowSlot + C.MAX_MINT_HORIZON_SLOTS + 1) {
            revert InvalidSpec("deadlineSlot", spec.deadlineSlot);
        }
        // A job on one node takes at most its window × the largest node; more can never be placed.
        if (!spec.shardable && spec.gpuHours > uint256(spec.deadlineSlot - spec.earliestSlot) * C.MAX_GPU_COUNT) {
            revert InvalidSpec("gpuHours", spec.gpuHours);
        }
        if (spec.minGreenShareBps > C.BPS) revert InvalidSpec("minGreenShareBps", spec.minGreenShareBps);
        if (spec.maxPricePerGpuHourUsdc6 == 0 || spec.maxPricePerGpuHourUsdc6 > C.MAX_PRICE_USDC6) {
            revert InvalidSpec("maxPricePerGpuHourUsdc6", spec.maxPricePerGpuHourUsdc6);
        }
        if (spec.incentiveUsdc6 > C.MAX_INCENTIVE_USDC6) revert InvalidSpec("incentiveUsdc6", spec.incentiveUsdc6);

        // MATH: bounded above (65,536 × 1e12), exact.
        uint256 budgetUsdc6 = uint256(spec.gpuHours) * spec.maxPricePerGpuHourUsdc6;

        // WRITE
        jobId = ++jobCount;
        _jobs[jobId] = Job({
            buyer: msg.sender,
            kind: spec.kind,
            status: JobStatus.Open,
            shardable: spec.shardable,
            minClassId: spec.minClassId,
            minGreenShareBps: spec.minGreenShareBps,
            placementCount: 0,
            placementsSettled: 0,
            gpuHours: spec.gpuHours,
            earliestSlot: spec.earliestSlot,
            deadlineSlot: spec.deadlineSlot,
            maxPricePerGpuHourUsdc6: spec.maxPricePerGpuHourUsdc6,
            aggregatorNodeId: 0,
            budgetUsdc6: uint128(budgetUsdc6),
            incentiveUsdc6: spec.incentiveUsdc6,
            spentUsdc6: 0,
            incentiveTotalUsdc6: spec.incentiveUsdc6,
            specHash: spec.specHash
        });
        emit JobPosted(jobId, msg.sender, spec.kind, spec.specHash, spec.specUri, spec);

        // INTERACTIONS
        token.safeTransferFrom(msg.sender, address(this), budgetUsdc6 + spec.incentiveUsdc6);
    }

    /// @inheritdoc IJobMarket
    function cancel(uint256 jobId) external nonReentrant {
        Job storage j = _open(jobId);
        if (j.buyer != msg.sender) revert NotBuyer(jobId, msg.sender);
        j.status = JobStatus.Cancelled;
        emit JobCancelled(jobId, _refundEscrow(j));
    }

    /// @inheritdoc IJobMarket
    function expire(uint256 jobId) external nonReentrant {
        Job storage j = _open(jobId);
        // The market sells a slot's hours only before it starts: the window's last slot is the last that can be bought.
        uint256 lastBuyableSlot = uint256(j.deadlineSlot) - 1;
        if (block.timestamp < HourId.startOf(uint32(lastBuyableSlot))) revert StillAssignable(jobId, lastBuyableSlot);
        j.status = JobStatus.Expired;
        emit JobExpired(jobId, _refundEscrow(j));
    }

    // ---------------------------------------------------------------- scheduler

    /// @inheritdoc IJobMarket
    function assign(uint256 jobId, PlacementRequest[] calldata placements, uint64 aggregatorNodeId)
        external
        onlyRole(SCHEDULER_ROLE)
        nonReentrant
    {
        // CHECKS
        Job storage j = _open(jobId);
        uint256 n = placements.length;
        if (n == 0 || n > C.MAX_PLACEMENTS_PER_JOB) revert InvalidPlacements("length", 0, n);
        uint256 placed;
        bool oneNode = true;
        for (uint256 i; i < n; ++i) {
            PlacementRequest calldata p = placements[i];
            _checkPlacement(j, p, i);
            if (i > 0) {
                PlacementRequest calldata prev = placements[i - 1];
                // Sorted by (slot, node), no repeats: one placement per node-hour, so holdings cannot be counted twice.
                if (p.slot < prev.slot || (p.slot == prev.slot && p.nodeId <= prev.nodeId)) {
                    revert InvalidPlacements("order", i, p.nodeId);
                }
                if (p.nodeId != placements[0].nodeId) {
                    if (!j.shardable) revert NotOneNode(i, p.nodeId, placements[0].nodeId);
                    oneNode = false;
                }
            }
            placed += p.gpuHours;
        }
        if (placed != j.gpuHours) revert HoursNotMatched(placed, j.gpuHours);
        if (oneNode) {
            if (aggregatorNodeId != 0) revert InvalidAggregator(aggregatorNodeId);
        } else {
            INodeRegistry.Node memory agg = registry.node(aggregatorNodeId);
            if (agg.status != INodeRegistry.NodeStatus.Online || agg.siteType == INodeRegistry.SiteType.Home) {
                revert InvalidAggregator(aggregatorNodeId);
            }
        }

        // WRITE (before the market calls, which are guarded by this contract's and the market's reentrancy locks)
        uint256 budgetUsdc6 = j.budgetUsdc6;
        j.status = JobStatus.Assigned;
        j.placementCount = uint8(n);
        j.aggregatorNodeId = aggregatorNodeId;
        j.budgetUsdc6 = 0;
        for (uint256 i; i < n; ++i) {
            PlacementRequest calldata p = placements[i];
            _placements[jobId][i] = Placement({
                nodeId: p.nodeId,
                classId: p.classId,
                slot: p.slot,
                gpuHours: p.gpuHours,
                status: PlacementStatus.Bought,
                redemptionId: 0
            });
        }

        // INTERACTIONS: each placement is capped at its own hours × the job's price, so cheap hours in one slot never
        // pay for dear ones in another above the buyer's price.
        token.forceApprove(address(market), budgetUsdc6);
        _buying = true;
        uint256 spentUsdc6;
        for (uint256 i; i < n; ++i) {
            PlacementRequest calldata p = placements[i];
            spentUsdc6 += market.buy(
                HourId.encode(p.classId, p.slot),
                p.gpuHours,
                uint256(p.gpuHours) * j.maxPricePerGpuHourUsdc6,
                address(this),
                block.timestamp
            );
        }
        _buying = false;
        token.forceApprove(address(market), 0);

        uint256 refundUsdc6 = budgetUsdc6 - spentUsdc6;
        j.spentUsdc6 = uint128(spentUsdc6);
        _credits[j.buyer] += refundUsdc6;
        emit JobAssigned(jobId, aggregatorNodeId, spentUsdc6, refundUsdc6, placements);
    }

    // ---------------------------------------------------------------- keepers

    /// @inheritdoc IJobMarket
    function redeem(uint256 jobId, uint256 index) external nonReentrant returns (uint256 redemptionId) {
        Placement storage p = _placement(jobId, index);
        if (p.status != PlacementStatus.Bought) revert PlacementNotBought(jobId, index, p.status);
        p.status = PlacementStatus.Redeemed;
        // ComputeHours checks the slot is live, the window open and the node still owes the hours.
        redemptionId = hours_.redeem(HourId.encode(p.classId, p.slot), p.nodeId, p.gpuHours);
        p.redemptionId = uint64(redemptionId);
        emit PlacementRedeemed(jobId, index, p.nodeId, redemptionId);
    }

    /// @inheritdoc IJobMarket
    function redeemElsewhere(uint256 jobId, uint256 index, uint64 nodeId)
        external
        onlyRole(SCHEDULER_ROLE)
        nonReentrant
        returns (uint256 redemptionId)
    {
        // CHECKS: least privilege, the scheduler moves a placement only when its node cannot deliver it any more.
        Placement storage p = _placement(jobId, index);
        if (p.status != PlacementStatus.Bought) revert PlacementNotBought(jobId, index, p.status);
        uint64 fromNodeId = p.nodeId;
        uint256 left = hours_.nodeSlot(fromNodeId, p.slot).outstanding;
        if (left >= p.gpuHours) revert NodeCanStillDeliver(jobId, index, left);
        Job storage j = _jobs[jobId];
        if (!j.shardable && j.placementCount > 1) revert NotOneNode(index, nodeId, fromNodeId);
        (,, uint16 nodeClassId,) = registry.obligorOf(nodeId);
        if (nodeClassId != p.classId) revert NodeClassMismatch(index, nodeId, nodeClassId, p.classId);
        uint256 owed = hours_.nodeSlot(nodeId, p.slot).outstanding;
        if (owed < p.gpuHours) revert InvalidPlacements("nodeOutstanding", index, owed);

        // WRITE, then the redemption (ComputeHours checks the slot's redemption window)
        p.nodeId = nodeId;
        p.status = PlacementStatus.Redeemed;
        redemptionId = hours_.redeem(HourId.encode(p.classId, p.slot), nodeId, p.gpuHours);
        p.redemptionId = uint64(redemptionId);
        emit PlacementMoved(jobId, index, fromNodeId, nodeId);
        emit PlacementRedeemed(jobId, index, nodeId, redemptionId);
    }

    /// @inheritdoc IJobMarket
    function settle(uint256 jobId, uint256 index) external nonReentrant {
        // CHECKS
        Placement storage p = _placement(jobId, index);
        if (p.status == PlacementStatus.Settled) revert PlacementAlreadySettled(jobId, index);
        // After the confirmation window the delivery of the slot is decided, and its green share has had the time the
        // attestation needs (commit deadline and challenge window end inside it).
        uint256 opensAt = HourId.startOf(p.slot) + C.SECONDS_PER_SLOT + C.DELIVERY_CONFIRMATION_WINDOW_SECONDS;
        if (block.timestamp < opensAt) revert SettlementNotOpen(jobId, index, opensAt);
        Job storage j = _jobs[jobId];
        (bool delivered, uint256 compensationUsdc6) = _resolveRedemption(p);
        bool greenEnough = delivered && _greenEnough(p.nodeId, p.slot, j.minGreenShareBps);

        // MATH: the placement's part of the incentive, rounded down; the last placement takes what is left, so the
        // parts add up to the incentive exactly.
        uint256 settledAfter = uint256(j.placementsSettled) + 1;
        uint256 partUsdc6 = settledAfter == j.placementCount
            ? j.incentiveUsdc6
            : uint256(j.incentiveTotalUsdc6) * p.gpuHours / j.gpuHours;

        // WRITE
        p.status = PlacementStatus.Settled;
        j.placementsSettled = uint8(settledAfter);
        j.incentiveUsdc6 -= uint128(partUsdc6);
        if (greenEnough) _credits[registry.node(p.nodeId).owner] += partUsdc6;
        else _credits[j.buyer] += partUsdc6;
        _credits[j.buyer] += compensationUsdc6;
        emit PlacementSettled(
            jobId,
            index,
            p.nodeId,
            delivered,
            greenEnough,
            greenEnough ? partUsdc6 : 0,
            (greenEnough ? 0 : partUsdc6) + compensationUsdc6
        );
        if (settledAfter == j.placementCount) {
            j.status = JobStatus.Settled;
            emit JobSettled(jobId);
        }
    }

    /// @dev Whether the placement's hours were delivered, and the bond an undelivered redemption paid here. Unredeemed
    /// hours were not delivered and paid nothing (their node stood ready; the keeper missed the window).
    function _resolveRedemption(Placement storage p) private returns (bool delivered, uint256 compensationUsdc6) {
        if (p.status != PlacementStatus.Redeemed) return (false, 0);
        IComputeHours.Redemption memory r = hours_.redemption(p.redemptionId);
        if (r.status == IComputeHours.RedemptionStatus.Pending) {
            // The bond comes to this contract; reentry is locked out by both contracts' guards.
            return (false, hours_.settleUndelivered(p.redemptionId));
        }
        if (r.status == IComputeHours.RedemptionStatus.Defaulted) {
            // Someone settled it on ComputeHours directly: the bond already came here (seizeBond pays it whole).
            return (false, uint256(r.hoursRedeemed) * r.bondPerHourUsdc6);
        }
        return (true, 0);
    }

    function _greenEnough(uint64 nodeId, uint32 slot, uint16 minGreenShareBps) private view returns (bool) {
        IComputeHours.NodeSlot memory ns = hours_.nodeSlot(nodeId, slot);
        return ns.greenShareSet && ns.greenShareBps >= minGreenShareBps;
    }

    /// @inheritdoc IJobMarket
    function withdraw() external nonReentrant returns (uint256 amountUsdc6) {
        amountUsdc6 = _credits[msg.sender];
        if (amountUsdc6 == 0) revert NothingToWithdraw(msg.sender);
        _credits[msg.sender] = 0;
        emit Withdrawn(msg.sender, amountUsdc6);
        token.safeTransfer(msg.sender, amountUsdc6);
    }

    // ---------------------------------------------------------------- ERC-1155 receiver

    function onERC1155Received(address operator, address, uint256, uint256, bytes calldata)
        external
        view
        returns (bytes4)
    {
        if (!_buying || msg.sender != address(hours_) || operator != address(market)) {
            revert UnsolicitedTransfer(operator);
        }
        return IERC1155Receiver.onERC1155Received.selector;
    }

    function onERC1155BatchReceived(address operator, address, uint256[] calldata, uint256[] calldata, bytes calldata)
        external
        pure
        returns (bytes4)
    {
        revert UnsolicitedTransfer(operator);
    }

    function supportsInterface(bytes4 interfaceId) public view override(AccessControl, IERC165) returns (bool) {
        return interfaceId == type(IERC1155Receiver).interfaceId || super.supportsInterface(interfaceId);
    }

    // ---------------------------------------------------------------- views

    function job(uint256 jobId) external view returns (Job memory) {
        return _jobs[jobId];
    }

    function placement(uint256 jobId, uint256 index) external view returns (Placement memory) {
        return _placements[jobId][index];
    }

    function creditOf(address account) external view returns (uint256) {
        return _credits[account];
    }

    /// @inheritdoc IJobMarket
    function meetsClass(uint16 classId, uint16 minClassId) public view returns (bool) {
        if (classId == minClassId) return true;
        INodeRegistry.CapacityClass memory c = registry.capacityClass(classId);
        INodeRegistry.CapacityClass memory m = registry.capacityClass(minClassId);
        return c.bondPerHourUsdc6 != 0 && c.fp16TflopsMin >= m.fp16TflopsMin && c.memoryGbMin >= m.memoryGbMin;
    }

    // ---------------------------------------------------------------- internal

    function _open(uint256 jobId) private view returns (Job storage j) {
        j = _jobs[jobId];
        if (j.status == JobStatus.None) revert UnknownJob(jobId);
        if (j.status != JobStatus.Open) revert JobNotOpen(jobId, j.status);
    }

    function _placement(uint256 jobId, uint256 index) private view returns (Placement storage) {
        Job storage j = _jobs[jobId];
        if (j.status == JobStatus.None) revert UnknownJob(jobId);
        if (j.status != JobStatus.Assigned) revert JobNotAssigned(jobId, j.status);
        if (index >= j.placementCount) revert UnknownPlacement(jobId, index);
        return _placements[jobId][index];
    }

    function _checkPlacement(Job storage j, PlacementRequest calldata p, uint256 i) private view {
        if (p.gpuHours == 0 || p.gpuHours > C.MAX_GPU_COUNT) revert InvalidPlacements("gpuHours", i, p.gpuHours);
        if (p.slot < j.earliestSlot || p.slot >= j.deadlineSlot) revert InvalidPlacements("slot", i, p.slot);
        if (!meetsClass(p.classId, j.minClassId)) revert ClassBelowMinimum(i, p.classId, j.minClassId);
        (,, uint16 nodeClassId,) = registry.obligorOf(p.nodeId);
        if (nodeClassId != p.classId) revert NodeClassMismatch(i, p.nodeId, nodeClassId, p.classId);
        // The named node must owe these hours now; its outstanding hours can still fall before the slot (others
        // redeem first), in which case the redemption fails and the placement settles as undelivered.
        uint256 outstanding = hours_.nodeSlot(p.nodeId, p.slot).outstanding;
        if (outstanding < p.gpuHours) revert InvalidPlacements("nodeOutstanding", i, outstanding);
    }

    function _refundEscrow(Job storage j) private returns (uint256 refundUsdc6) {
        refundUsdc6 = uint256(j.budgetUsdc6) + j.incentiveUsdc6;
        j.budgetUsdc6 = 0;
        j.incentiveUsdc6 = 0;
        _credits[j.buyer] += refundUsdc6;
    }
}
