// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {AccessControl} from "@openzeppelin/contracts/access/AccessControl.sol";
import {ReentrancyGuard} from "@openzeppelin/contracts/utils/ReentrancyGuard.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";
import {INodeRegistry} from "./interfaces/INodeRegistry.sol";
import {Geohash} from "./libraries/Geohash.sol";
import "./libraries/Constants.sol" as C;

/// @title NodeRegistry
/// @notice See {INodeRegistry}. Holds every node's stake; the stake held always equals the token balance of this contract.
contract NodeRegistry is INodeRegistry, AccessControl, ReentrancyGuard {
    using SafeERC20 for IERC20;
    using SafeCast for uint256;

    /// @notice May slash stake on proven fraud (the attestation contract or committee).
    bytes32 public constant ATTESTOR_ROLE = keccak256("ATTESTOR_ROLE");
    /// @notice May bond, release and seize stake behind delivery obligations (the compute-hour contract).
    bytes32 public constant OBLIGATION_ROLE = keccak256("OBLIGATION_ROLE");

    IERC20 private immutable _token;

    uint256 public nodeCount;
    uint256 public totalStakeUsdc6;
    mapping(uint256 nodeId => Node) private _nodes;
    mapping(address deviceSigner => uint256 nodeId) public nodeOfDevice;
    mapping(uint16 classId => CapacityClass) private _classes;
    mapping(bytes32 gpuModel => uint16 classId) public classOfGpuModel;
    mapping(SiteType => uint256) public minimumStakeUsdc6;

    constructor(IERC20 token, address admin) {
        if (address(token) == address(0)) revert ZeroAddress("token");
        if (admin == address(0)) revert ZeroAddress("admin");
        _token = token;
        _grantRole(DEFAULT_ADMIN_ROLE, admin);
    }

    // ---------------------------------------------------------------- nodes

    /// @inheritdoc INodeRegistry
    function register(NodeSpec calldata spec, uint256 stakeUsdc6) external nonReentrant returns (uint256 nodeId) {
        // CHECKS
        _checkSpec(spec);
        uint16 classId = classOfGpuModel[spec.gpuModel];
        if (classId == 0) revert UnknownGpuModel(spec.gpuModel);
        uint256 existing = nodeOfDevice[spec.deviceSigner];
        if (existing != 0) revert DeviceAlreadyRegistered(spec.deviceSigner, existing);
        uint256 minimum = minimumStakeUsdc6[spec.siteType];
        if (stakeUsdc6 == 0 || stakeUsdc6 < minimum) revert StakeBelowMinimum(spec.siteType, stakeUsdc6, minimum);

        // WRITE
        nodeId = ++nodeCount;
        nodeOfDevice[spec.deviceSigner] = nodeId;
        _nodes[nodeId] = Node({
            owner: msg.sender,
            exitRequestedAt: 0,
            status: NodeStatus.Online,
            siteType: spec.siteType,
            classId: classId,
            gpuCount: spec.gpuCount,
            deviceSigner: spec.deviceSigner,
            geohash: spec.geohash,
            gpuModel: spec.gpuModel,
            pvWp: spec.pvWp,
            batteryWh: spec.batteryWh,
            chargerW: spec.chargerW,
            stakeUsdc6: stakeUsdc6.toUint128(),
            bondedUsdc6: 0
        });
        totalStakeUsdc6 += stakeUsdc6;
        emit NodeRegistered(nodeId, msg.sender, classId, spec, stakeUsdc6);

        // INTERACTIONS
        _token.safeTransferFrom(msg.sender, address(this), stakeUsdc6);
    }

    /// @inheritdoc INodeRegistry
    function addStake(uint256 nodeId, uint256 amountUsdc6) external nonReentrant {
        Node storage n = _existing(nodeId);
        if (amountUsdc6 == 0) revert ZeroAmount();
        if (n.status != NodeStatus.Online) revert NodeNotOnline(nodeId, n.status);

        n.stakeUsdc6 = (n.stakeUsdc6 + amountUsdc6).toUint128();
        totalStakeUsdc6 += amountUsdc6;
        emit StakeAdded(nodeId, amountUsdc6, n.stakeUsdc6);

        _token.safeTransferFrom(msg.sender, address(this), amountUsdc6);
    }

    /// @inheritdoc INodeRegistry
    function requestExit(uint256 nodeId) external {
        Node storage n = _ownedBy(nodeId, msg.sender);
        if (n.status != NodeStatus.Online) revert NodeNotOnline(nodeId, n.status);

        n.status = NodeStatus.Exiting;
        n.exitRequestedAt = uint40(block.timestamp);
        emit ExitRequested(nodeId, block.timestamp + C.UNBONDING_DELAY_SECONDS);
    }

    /// @inheritdoc INodeRegistry
    function withdrawStake(uint256 nodeId) external nonReentrant {
        Node storage n = _ownedBy(nodeId, msg.sender);
        if (n.status != NodeStatus.Exiting) revert NodeNotExiting(nodeId, n.status);
        uint256 endsAt = uint256(n.exitRequestedAt) + C.UNBONDING_DELAY_SECONDS;
        if (block.timestamp < endsAt) revert UnbondingNotOver(nodeId, endsAt);
        if (n.bondedUsdc6 != 0) revert StakeStillBonded(nodeId, n.bondedUsdc6);

        uint256 amount = n.stakeUsdc6;
        n.stakeUsdc6 = 0;
        n.status = NodeStatus.Exited;
        totalStakeUsdc6 -= amount;
        emit NodeExited(nodeId, msg.sender, amount);

        if (amount != 0) _token.safeTransfer(msg.sender, amount);
    }

    /// @inheritdoc INodeRegistry
    function slash(uint256 nodeId, uint256 amountUsdc6, address recipient, bytes32 reason)
        external
        onlyRole(ATTESTOR_ROLE)
        nonReentrant
        returns (uint256 slashedUsdc6)
    {
        Node storage n = _existing(nodeId);
        if (amountUsdc6 == 0) revert ZeroAmount();
        if (recipient == address(0)) revert ZeroAddress("recipient");

        uint256 stake = n.stakeUsdc6;
        slashedUsdc6 = amountUsdc6 < stake ? amountUsdc6 : stake;
        uint256 free = stake - n.bondedUsdc6;
        // Free stake goes first so that obligations stay backed as long as possible.
        if (slashedUsdc6 > free) n.bondedUsdc6 -= (slashedUsdc6 - free).toUint128();
        n.stakeUsdc6 = (stake - slashedUsdc6).toUint128();
        totalStakeUsdc6 -= slashedUsdc6;
        emit Slashed(nodeId, slashedUsdc6, recipient, reason);

        if (slashedUsdc6 != 0) _token.safeTransfer(recipient, slashedUsdc6);
    }

    // ---------------------------------------------------------------- obligations

    /// @inheritdoc INodeRegistry
    function bond(uint256 nodeId, uint256 amountUsdc6) external onlyRole(OBLIGATION_ROLE) {
        Node storage n = _existing(nodeId);
        uint256 free = n.stakeUsdc6 - n.bondedUsdc6;
        if (amountUsdc6 > free) revert InsufficientFreeStake(nodeId, free, amountUsdc6);

        n.bondedUsdc6 += amountUsdc6.toUint128();
        emit StakeBonded(nodeId, amountUsdc6, n.bondedUsdc6);
    }

    /// @inheritdoc INodeRegistry
    function releaseBond(uint256 nodeId, uint256 amountUsdc6)
        external
        onlyRole(OBLIGATION_ROLE)
        returns (uint256 releasedUsdc6)
    {
        Node storage n = _existing(nodeId);
        // A slash may already have taken bonded stake; release what is left.
        releasedUsdc6 = amountUsdc6 < n.bondedUsdc6 ? amountUsdc6 : n.bondedUsdc6;
        n.bondedUsdc6 -= uint128(releasedUsdc6);
        emit BondReleased(nodeId, releasedUsdc6, n.bondedUsdc6);
    }

    /// @inheritdoc INodeRegistry
    function seizeBond(uint256 nodeId, uint256 amountUsdc6, address recipient)
        external
        onlyRole(OBLIGATION_ROLE)
        nonReentrant
        returns (uint256 seizedUsdc6)
    {
        Node storage n = _existing(nodeId);
        if (recipient == address(0)) revert ZeroAddress("recipient");

        seizedUsdc6 = amountUsdc6 < n.bondedUsdc6 ? amountUsdc6 : n.bondedUsdc6;
        n.bondedUsdc6 -= uint128(seizedUsdc6);
        n.stakeUsdc6 -= uint128(seizedUsdc6);
        totalStakeUsdc6 -= seizedUsdc6;
        emit BondSeized(nodeId, seizedUsdc6, recipient);

        if (seizedUsdc6 != 0) _token.safeTransfer(recipient, seizedUsdc6);
    }

    // ---------------------------------------------------------------- parameters

    /// @inheritdoc INodeRegistry
    function setCapacityClass(uint16 classId, CapacityClass calldata capacityClass_)
        external
        onlyRole(DEFAULT_ADMIN_ROLE)
    {
        if (classId == 0) revert UnknownCapacityClass(classId);
        if (capacityClass_.label == bytes32(0)) revert InvalidSpec("label", 0);
        if (capacityClass_.fp16TflopsMin == 0) revert InvalidSpec("fp16TflopsMin", 0);
        if (capacityClass_.memoryGbMin == 0) revert InvalidSpec("memoryGbMin", 0);
        if (capacityClass_.boardPowerWMax == 0) revert InvalidSpec("boardPowerWMax", 0);
        if (capacityClass_.bondPerHourUsdc6 == 0) revert InvalidSpec("bondPerHourUsdc6", 0);
        _classes[classId] = capacityClass_;
        emit CapacityClassSet(classId, capacityClass_);
    }

    /// @inheritdoc INodeRegistry
    function setGpuModelClass(bytes32 gpuModel, uint16 classId) external onlyRole(DEFAULT_ADMIN_ROLE) {
        if (gpuModel == bytes32(0)) revert InvalidSpec("gpuModel", 0);
        if (classId != 0 && _classes[classId].label == bytes32(0)) revert UnknownCapacityClass(classId);
        classOfGpuModel[gpuModel] = classId;
        emit GpuModelClassSet(gpuModel, classId);
    }

    /// @inheritdoc INodeRegistry
    function setMinimumStake(SiteType siteType, uint256 minimumUsdc6) external onlyRole(DEFAULT_ADMIN_ROLE) {
        minimumStakeUsdc6[siteType] = minimumUsdc6;
        emit MinimumStakeSet(siteType, minimumUsdc6);
    }

    // ---------------------------------------------------------------- views

    function node(uint256 nodeId) external view returns (Node memory) {
        return _nodes[nodeId];
    }

    function statusOf(uint256 nodeId) external view returns (NodeStatus) {
        Node storage n = _nodes[nodeId];
        if (n.status == NodeStatus.Online && n.bondedUsdc6 != 0) return NodeStatus.InProgress;
        return n.status;
    }

    function capacityClass(uint16 classId) external view returns (CapacityClass memory) {
        return _classes[classId];
    }

    function settlementToken() external view returns (address) {
        return address(_token);
    }

    // ---------------------------------------------------------------- internal

    function _existing(uint256 nodeId) private view returns (Node storage n) {
        n = _nodes[nodeId];
        if (n.status == NodeStatus.None) revert UnknownNode(nodeId);
    }

    function _ownedBy(uint256 nodeId, address caller) private view returns (Node storage n) {
        n = _existing(nodeId);
        if (n.owner != caller) revert NotNodeOwner(nodeId, caller);
    }

    function _checkSpec(NodeSpec calldata spec) private pure {
        if (spec.deviceSigner == address(0)) revert ZeroAddress("deviceSigner");
        if (!Geohash.isValid(spec.geohash)) revert InvalidGeohash(spec.geohash);
        if (spec.pvWp == 0 || spec.pvWp > C.MAX_PV_WP) revert InvalidSpec("pvWp", spec.pvWp);
        if (spec.batteryWh > C.MAX_BATTERY_WH) revert InvalidSpec("batteryWh", spec.batteryWh);
        if (spec.chargerW > C.MAX_CHARGER_W) revert InvalidSpec("chargerW", spec.chargerW);
        // A charging pile is defined by its chargers.
        if (spec.siteType == SiteType.Pile && spec.chargerW == 0) revert InvalidSpec("chargerW", 0);
        if (spec.gpuCount == 0 || spec.gpuCount > C.MAX_GPU_COUNT) revert InvalidSpec("gpuCount", spec.gpuCount);
        if (spec.gpuModel == bytes32(0)) revert InvalidSpec("gpuModel", 0);
    }
}
