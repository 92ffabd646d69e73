// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {AccessControl} from "@openzeppelin/contracts/access/AccessControl.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";
import {EIP712} from "@openzeppelin/contracts/utils/cryptography/EIP712.sol";
import {ECDSA} from "@openzeppelin/contracts/utils/cryptography/ECDSA.sol";
import {INodeRegistry} from "./interfaces/INodeRegistry.sol";
import {Geohash} from "./libraries/Geohash.sol";
import "./libraries/Constants.sol" as C;

/// @title NodeRegistry
/// @notice See {INodeRegistry}. Holds every node's stake; the stake held always equals the token balance of this contract.
/// Roles (docs/ARCHITECTURE.md): the parameter role sets classes, models and minimums; the slasher (the oracle) and the
/// obligation role (the compute hours) are granted by the wiring role, which the deployer renounces once they are set,
/// so no admin can later grant itself the power to move stake.
contract NodeRegistry is INodeRegistry, AccessControl, ReentrancyGuardTransient, EIP712 {
    using SafeERC20 for IERC20;
    using SafeCast for uint256;

    /// @notice May slash stake on proven fraud (the attestation oracle).
    bytes32 public constant SLASHER_ROLE = keccak256("SLASHER_ROLE");
    /// @notice May bond, release and seize stake behind delivery obligations (the compute-hour contract).
    bytes32 public constant OBLIGATION_ROLE = keccak256("OBLIGATION_ROLE");
    /// @notice Sets capacity classes, GPU models and minimum stakes (governance).
    bytes32 public constant PARAMETER_ROLE = keccak256("PARAMETER_ROLE");
    /// @notice Grants and revokes the slasher and obligation roles; renounced by the deployer after wiring.
    bytes32 public constant WIRING_ROLE = keccak256("WIRING_ROLE");
    bytes32 public constant DEVICE_BINDING_TYPEHASH =
        keccak256("DeviceBinding(address owner,address device,uint256 nonce,uint256 deadline)");

    /// @dev A node as stored: four words, the first three written at registration (one SSTORE each), the fourth only by
    /// a slash that leaves a debt. Word 0 is all that minting and redeeming read (`obligorOf`); word 2 is all that a
    /// bond reads and writes. `node` returns it as a {Node}: the widths here are bounded by the checks that write them
    /// (chargerW ≤ MAX_CHARGER_W < 2^24, gpuPowerWMax ≤ MAX_GPU_BOARD_POWER_W × MAX_GPU_COUNT < 2^24, stake ≤
    /// MAX_NODE_STAKE_USDC6 < 2^64, bonded ≤ stake, debt ≤ bonded), and the GPU model is its index in the model table.
    struct NodeRecord {
        // word 0
        address owner;
        uint40 exitRequestedAt;
        NodeStatus status;
        SiteType siteType;
        uint16 classId;
        uint16 gpuCount;
        // word 1
        address deviceSigner;
        bytes12 geohash;
        // word 2
        uint32 pvWp;
        uint32 batteryWh;
        uint24 chargerW;
        uint24 gpuPowerWMax;
        uint16 gpuModelIndex;
        uint64 stakeUsdc6;
        uint64 bondedUsdc6;
        // word 3
        uint96 slashDebtUsdc6;
        address slashDebtRecipient;
    }

    /// @dev A GPU model's class and its index in `_gpuModelByIndex` (from 1; kept when the model is removed).
    struct GpuModel {
        uint16 classId;
        uint16 index;
    }

    IERC20 private immutable _token;

    // One word, read and written by every registration: the node count and the stake held.
    uint64 private _nodeCount;
    uint192 private _totalStakeUsdc6;
    uint16 private _gpuModelCount;
    mapping(uint256 nodeId => NodeRecord) private _nodes;
    /// @dev Per device key, one word: the node it is bound to (low 128 bits, 0 when none) and its binding nonce (high).
    mapping(address deviceSigner => uint256) private _devices;
    mapping(uint16 classId => CapacityClass) private _classes;
    mapping(bytes32 gpuModel => GpuModel) private _gpuModels;
    mapping(uint16 index => bytes32 gpuModel) private _gpuModelByIndex;
    mapping(SiteType => uint256) public minimumStakeUsdc6;

    constructor(IERC20 token, address admin) EIP712("Greenhour NodeRegistry", "1") {
        if (address(token) == address(0)) revert ZeroAddress("token");
        if (admin == address(0)) revert ZeroAddress("admin");
        _token = token;
        _grantRole(DEFAULT_ADMIN_ROLE, admin);
        _grantRole(PARAMETER_ROLE, admin);
        _grantRole(WIRING_ROLE, admin);
        _setRoleAdmin(SLASHER_ROLE, WIRING_ROLE);
        _setRoleAdmin(OBLIGATION_ROLE, WIRING_ROLE);
        _setRoleAdmin(WIRING_ROLE, WIRING_ROLE);
    }

    // ---------------------------------------------------------------- nodes

    /// @inheritdoc INodeRegistry
    function register(
        NodeSpec calldata spec,
        uint256 stakeUsdc6,
        uint256 bindingDeadline,
        bytes calldata deviceSignature
    ) external nonReentrant returns (uint256 nodeId) {
        // CHECKS
        (GpuModel memory model, uint256 nonce) = _checkRegistration(spec, stakeUsdc6, bindingDeadline, deviceSignature);

        // WRITE: the totals word: a node count below 2^64 (one registration per id; the cast checks it) and the stake
        // held below 2^64 × MAX_NODE_STAKE_USDC6 < 2^192.
        nodeId = uint256(_nodeCount) + 1;
        _nodeCount = nodeId.toUint64();
        _totalStakeUsdc6 += uint192(stakeUsdc6);
        _devices[spec.deviceSigner] = (nonce + 1) << 128 | nodeId;
        _writeNode(_nodes[nodeId], spec, model, stakeUsdc6);
        uint16 classId = model.classId;
        emit NodeRegistered(nodeId, msg.sender, classId, spec, stakeUsdc6);

        // INTERACTIONS
        _token.safeTransferFrom(msg.sender, address(this), stakeUsdc6);
    }

    /// @inheritdoc INodeRegistry
    function addStake(uint256 nodeId, uint256 amountUsdc6) external nonReentrant {
        NodeRecord storage n = _existing(nodeId);
        if (amountUsdc6 == 0) revert ZeroAmount("amountUsdc6");
        if (n.status != NodeStatus.Online) revert NodeNotOnline(nodeId, n.status);
        uint256 stake = n.stakeUsdc6 + amountUsdc6;
        if (stake > C.MAX_NODE_STAKE_USDC6) revert StakeAboveMax(stake, C.MAX_NODE_STAKE_USDC6);

        n.stakeUsdc6 = uint64(stake);
        _totalStakeUsdc6 += uint192(amountUsdc6);
        emit StakeAdded(nodeId, amountUsdc6, stake);

        _token.safeTransferFrom(msg.sender, address(this), amountUsdc6);
    }

    /// @inheritdoc INodeRegistry
    function requestExit(uint256 nodeId) external {
        NodeRecord storage n = _ownedBy(nodeId, msg.sender);
        if (n.status != NodeStatus.Online) revert NodeNotOnline(nodeId, n.status);

        n.status = NodeStatus.Exiting;
        n.exitRequestedAt = uint40(block.timestamp);
        emit ExitRequested(nodeId, block.timestamp + C.UNBONDING_DELAY_SECONDS);
    }

    /// @inheritdoc INodeRegistry
    function withdrawStake(uint256 nodeId) external nonReentrant {
        NodeRecord storage n = _ownedBy(nodeId, msg.sender);
        if (n.status != NodeStatus.Exiting) revert NodeNotExiting(nodeId, n.status);
        uint256 endsAt = uint256(n.exitRequestedAt) + C.UNBONDING_DELAY_SECONDS;
        if (block.timestamp < endsAt) revert UnbondingNotOver(nodeId, endsAt);
        if (n.bondedUsdc6 != 0) revert StakeStillBonded(nodeId, n.bondedUsdc6);

        // Nothing bonded means no slash debt either (debt ≤ bonded).
        uint256 amount = n.stakeUsdc6;
        n.stakeUsdc6 = 0;
        n.status = NodeStatus.Exited;
        _totalStakeUsdc6 -= uint192(amount);
        address deviceSigner = n.deviceSigner;
        _devices[deviceSigner] &= ~uint256(type(uint128).max); // unbound; the nonce stays
        emit NodeExited(nodeId, msg.sender, amount);
        emit DeviceReleased(deviceSigner, nodeId);

        if (amount != 0) _token.safeTransfer(msg.sender, amount);
    }

    /// @inheritdoc INodeRegistry
    function slash(uint256 nodeId, uint256 amountUsdc6, address recipient, bytes32 reason)
        external
        onlyRole(SLASHER_ROLE)
        nonReentrant
        returns (uint256 slashedUsdc6)
    {
        // CHECKS
        NodeRecord storage n = _existing(nodeId);
        if (amountUsdc6 == 0) revert ZeroAmount("amountUsdc6");
        if (recipient == address(0)) revert ZeroAddress("recipient");

        // MATH: free stake now; the rest, up to what is bonded, once the bonds are released. Bonded stake backs the
        // buyers' compensation and is never taken from under an obligation. `bond` keeps a fraud reserve free, so a
        // first fraud slash of DEVICE_FRAUD_SLASH_BPS is always paid in full now; only a later one can leave a debt.
        uint256 bonded = n.bondedUsdc6;
        uint256 debt = n.slashDebtUsdc6;
        uint256 free = n.stakeUsdc6 - bonded; // the debt is a claim on bonded stake, not on free stake
        slashedUsdc6 = amountUsdc6 < free ? amountUsdc6 : free;
        uint256 debtAfter = debt + (amountUsdc6 - slashedUsdc6);
        if (debtAfter > bonded) debtAfter = bonded;

        // WRITE: a node proven to cheat sells nothing more: it is put into exit (its obligations stay and are settled).
        // slashed ≤ free ≤ stake < 2^64 and debt ≤ bonded < 2^64: the casts cannot truncate.
        n.stakeUsdc6 -= uint64(slashedUsdc6);
        _totalStakeUsdc6 -= uint192(slashedUsdc6);
        if (debtAfter != debt) {
            n.slashDebtUsdc6 = uint96(debtAfter);
            if (debt == 0) n.slashDebtRecipient = recipient;
        }
        if (n.status == NodeStatus.Online) {
            n.status = NodeStatus.Exiting;
            n.exitRequestedAt = uint40(block.timestamp);
            emit ExitRequested(nodeId, block.timestamp + C.UNBONDING_DELAY_SECONDS);
        }
        emit Slashed(nodeId, slashedUsdc6, debtAfter - debt, recipient, reason);

        // INTERACTIONS
        if (slashedUsdc6 != 0) _token.safeTransfer(recipient, slashedUsdc6);
    }

    // ---------------------------------------------------------------- obligations

    /// @inheritdoc INodeRegistry
    function bond(uint256 nodeId, uint256 amountUsdc6) external onlyRole(OBLIGATION_ROLE) {
        NodeRecord storage n = _existing(nodeId);
        uint256 bonded = n.bondedUsdc6;
        uint256 free = _bondable(n.stakeUsdc6, bonded);
        if (amountUsdc6 > free) revert InsufficientFreeStake(nodeId, free, amountUsdc6);

        // bonded + amount ≤ stake < 2^64 (_bondable), so the cast cannot truncate.
        bonded += amountUsdc6;
        n.bondedUsdc6 = uint64(bonded);
        emit StakeBonded(nodeId, amountUsdc6, bonded);
    }

    /// @inheritdoc INodeRegistry
    function releaseBond(uint256 nodeId, uint256 amountUsdc6)
        external
        onlyRole(OBLIGATION_ROLE)
        nonReentrant
        returns (uint256 releasedUsdc6)
    {
        // CHECKS
        NodeRecord storage n = _existing(nodeId);
        uint256 bonded = n.bondedUsdc6;
        if (amountUsdc6 > bonded) revert BondExceedsBonded(nodeId, amountUsdc6, bonded);

        // MATH: the debt is paid first from what is released; debt ≤ bonded holds after (see {slash}).
        uint256 debt = n.slashDebtUsdc6;
        uint256 debtPaid = amountUsdc6 < debt ? amountUsdc6 : debt;
        releasedUsdc6 = amountUsdc6 - debtPaid;

        // WRITE
        n.bondedUsdc6 = uint64(bonded - amountUsdc6);
        emit BondReleased(nodeId, releasedUsdc6, bonded - amountUsdc6);
        if (debtPaid != 0) {
            n.slashDebtUsdc6 = uint96(debt - debtPaid);
            n.stakeUsdc6 -= uint64(debtPaid);
            _totalStakeUsdc6 -= uint192(debtPaid);
            address recipient = n.slashDebtRecipient;
            emit SlashDebtPaid(nodeId, debtPaid, recipient);

            // INTERACTIONS
            _token.safeTransfer(recipient, debtPaid);
        }
    }

    /// @inheritdoc INodeRegistry
    function seizeBond(uint256 nodeId, uint256 amountUsdc6, address recipient)
        external
        onlyRole(OBLIGATION_ROLE)
        nonReentrant
        returns (uint256 seizedUsdc6)
    {
        // CHECKS
        NodeRecord storage n = _existing(nodeId);
        if (recipient == address(0)) revert ZeroAddress("recipient");
        uint256 bonded = n.bondedUsdc6;
        if (amountUsdc6 > bonded) revert BondExceedsBonded(nodeId, amountUsdc6, bonded);

        // WRITE: the buyer is paid in full; the slash debt shrinks to what is still bonded.
        seizedUsdc6 = amountUsdc6;
        uint256 bondedAfter = bonded - amountUsdc6;
        n.bondedUsdc6 = uint64(bondedAfter);
        if (n.slashDebtUsdc6 > bondedAfter) n.slashDebtUsdc6 = uint96(bondedAfter);
        n.stakeUsdc6 -= uint64(seizedUsdc6);
        _totalStakeUsdc6 -= uint192(seizedUsdc6);
        emit BondSeized(nodeId, seizedUsdc6, recipient);

        // INTERACTIONS
        if (seizedUsdc6 != 0) _token.safeTransfer(recipient, seizedUsdc6);
    }

    // ---------------------------------------------------------------- parameters

    /// @inheritdoc INodeRegistry
    function setCapacityClass(uint16 classId, CapacityClass calldata capacityClass_) external onlyRole(PARAMETER_ROLE) {
        if (classId == 0) revert UnknownCapacityClass(classId);
        if (capacityClass_.label == bytes32(0)) revert InvalidSpec("label", 0);
        if (capacityClass_.fp16TflopsMin == 0) revert InvalidSpec("fp16TflopsMin", 0);
        if (capacityClass_.memoryGbMin == 0) revert InvalidSpec("memoryGbMin", 0);
        if (capacityClass_.boardPowerWMax == 0 || capacityClass_.boardPowerWMax > C.MAX_GPU_BOARD_POWER_W) {
            revert InvalidSpec("boardPowerWMax", capacityClass_.boardPowerWMax);
        }
        if (capacityClass_.bondPerHourUsdc6 == 0) revert InvalidSpec("bondPerHourUsdc6", 0);
        _classes[classId] = capacityClass_;
        emit CapacityClassSet(classId, capacityClass_);
    }

    /// @inheritdoc INodeRegistry
    function setGpuModelClass(bytes32 gpuModel, uint16 classId) external onlyRole(PARAMETER_ROLE) {
        if (gpuModel == bytes32(0)) revert InvalidSpec("gpuModel", 0);
        if (classId != 0 && _classes[classId].label == bytes32(0)) revert UnknownCapacityClass(classId);
        GpuModel storage m = _gpuModels[gpuModel];
        if (m.index == 0) {
            // A model's first mapping gives it its index in the table the nodes refer to (one word per model).
            uint16 count = _gpuModelCount;
            if (count == type(uint16).max) revert InvalidSpec("gpuModelCount", count);
            m.index = ++count;
            _gpuModelCount = count;
            _gpuModelByIndex[count] = gpuModel;
        }
        m.classId = classId;
        emit GpuModelClassSet(gpuModel, classId);
    }

    /// @inheritdoc INodeRegistry
    function setMinimumStake(SiteType siteType, uint256 minimumUsdc6) external onlyRole(PARAMETER_ROLE) {
        minimumStakeUsdc6[siteType] = minimumUsdc6;
        emit MinimumStakeSet(siteType, minimumUsdc6);
    }

    // ---------------------------------------------------------------- views

    function node(uint256 nodeId) external view returns (Node memory) {
        NodeRecord storage r = _nodes[nodeId];
        return Node({
            owner: r.owner,
            exitRequestedAt: r.exitRequestedAt,
            status: r.status,
            siteType: r.siteType,
            classId: r.classId,
            gpuCount: r.gpuCount,
            deviceSigner: r.deviceSigner,
            geohash: r.geohash,
            gpuModel: _gpuModelByIndex[r.gpuModelIndex],
            pvWp: r.pvWp,
            batteryWh: r.batteryWh,
            chargerW: r.chargerW,
            gpuPowerWMax: r.gpuPowerWMax,
            stakeUsdc6: r.stakeUsdc6,
            bondedUsdc6: r.bondedUsdc6,
            slashDebtUsdc6: r.slashDebtUsdc6
        });
    }

    /// @inheritdoc INodeRegistry
    function obligorOf(uint256 nodeId)
        external
        view
        returns (address owner, NodeStatus status, uint16 classId, uint16 gpuCount)
    {
        NodeRecord storage r = _nodes[nodeId];
        return (r.owner, r.status, r.classId, r.gpuCount);
    }

    function statusOf(uint256 nodeId) external view returns (NodeStatus) {
        NodeRecord storage n = _nodes[nodeId];
        if (n.status == NodeStatus.Online && n.bondedUsdc6 != 0) return NodeStatus.InProgress;
        return n.status;
    }

    function nodeCount() external view returns (uint256) {
        return _nodeCount;
    }

    function totalStakeUsdc6() external view returns (uint256) {
        return _totalStakeUsdc6;
    }

    function nodeOfDevice(address deviceSigner) external view returns (uint256) {
        return uint128(_devices[deviceSigner]);
    }

    function deviceNonce(address deviceSigner) external view returns (uint256) {
        return _devices[deviceSigner] >> 128;
    }

    function slashDebtRecipient(uint256 nodeId) external view returns (address) {
        return _nodes[nodeId].slashDebtRecipient;
    }

    function classOfGpuModel(bytes32 gpuModel) external view returns (uint16) {
        return _gpuModels[gpuModel].classId;
    }

    /// @inheritdoc INodeRegistry
    function bondPerHourOfClass(uint16 classId) external view returns (uint64) {
        return _classes[classId].bondPerHourUsdc6;
    }

    function capacityClass(uint16 classId) external view returns (CapacityClass memory) {
        return _classes[classId];
    }

    function settlementToken() external view returns (address) {
        return address(_token);
    }

    function deviceBindingDigest(address owner, address deviceSigner, uint256 nonce, uint256 deadline)
        public
        view
        returns (bytes32)
    {
        return _hashTypedDataV4(keccak256(abi.encode(DEVICE_BINDING_TYPEHASH, owner, deviceSigner, nonce, deadline)));
    }

    function bondableUsdc6(uint256 nodeId) external view returns (uint256) {
        NodeRecord storage n = _nodes[nodeId];
        return _bondable(n.stakeUsdc6, n.bondedUsdc6);
    }

    // ---------------------------------------------------------------- internal

    /// @dev Stake that may still back new obligations: the free stake less the fraud reserve, DEVICE_FRAUD_SLASH_BPS of
    /// the stake (rounded up), which stays free so that a fraud slash never has to wait for bonds that the node could
    /// seize back for itself by redeeming its own hours.
    function _bondable(uint256 stake, uint256 bonded) private pure returns (uint256) {
        uint256 reserve = (stake * C.DEVICE_FRAUD_SLASH_BPS + C.BPS - 1) / C.BPS;
        return stake > bonded + reserve ? stake - bonded - reserve : 0;
    }

    function _existing(uint256 nodeId) private view returns (NodeRecord storage n) {
        n = _nodes[nodeId];
        if (n.status == NodeStatus.None) revert UnknownNode(nodeId);
    }

    function _ownedBy(uint256 nodeId, address caller) private view returns (NodeRecord storage n) {
        n = _existing(nodeId);
        if (n.owner != caller) revert NotNodeOwner(nodeId, caller);
    }

    /// @dev Every check of a registration; returns the GPU model's class and index and the device's binding nonce.
    function _checkRegistration(
        NodeSpec calldata spec,
        uint256 stakeUsdc6,
        uint256 bindingDeadline,
        bytes calldata deviceSignature
    ) private view returns (GpuModel memory model, uint256 nonce) {
        _checkSpec(spec);
        model = _gpuModels[spec.gpuModel];
        if (model.classId == 0) revert UnknownGpuModel(spec.gpuModel);
        uint256 device = _devices[spec.deviceSigner];
        uint256 existing = uint128(device);
        if (existing != 0) revert DeviceAlreadyRegistered(spec.deviceSigner, existing);
        uint256 minimum = minimumStakeUsdc6[spec.siteType];
        if (stakeUsdc6 == 0 || stakeUsdc6 < minimum) revert StakeBelowMinimum(spec.siteType, stakeUsdc6, minimum);
        if (stakeUsdc6 > C.MAX_NODE_STAKE_USDC6) revert StakeAboveMax(stakeUsdc6, C.MAX_NODE_STAKE_USDC6);
        if (block.timestamp > bindingDeadline) revert BindingExpired(bindingDeadline, block.timestamp);
        nonce = device >> 128;
        (address recovered,,) = ECDSA.tryRecoverCalldata(
            deviceBindingDigest(msg.sender, spec.deviceSigner, nonce, bindingDeadline), deviceSignature
        );
        if (recovered != spec.deviceSigner) revert InvalidDeviceSignature(spec.deviceSigner, recovered);
    }

    /// @dev Writes a new node's three words, one SSTORE each (Solidity writes a struct member by member); word 3 (the
    /// slash debt) stays empty. The power bound is fixed now, so a later class update cannot change what the node's
    /// records may say: ≤ MAX_GPU_BOARD_POWER_W × MAX_GPU_COUNT < 2^24 (setCapacityClass, _checkSpec), and the cast
    /// checks it anyway; chargerW ≤ MAX_CHARGER_W < 2^24 (_checkSpec).
    function _writeNode(NodeRecord storage n, NodeSpec calldata spec, GpuModel memory model, uint256 stakeUsdc6)
        private
    {
        uint256 gpuPowerWMax = (uint256(_classes[model.classId].boardPowerWMax) * spec.gpuCount).toUint24();
        uint256 w0 = uint256(uint160(msg.sender)) | uint256(uint8(NodeStatus.Online)) << 200
            | uint256(uint8(spec.siteType)) << 208 | uint256(model.classId) << 216 | uint256(spec.gpuCount) << 232;
        uint256 w1 = uint256(uint160(spec.deviceSigner)) | uint256(uint96(spec.geohash)) << 160;
        uint256 w2 = uint256(spec.pvWp) | uint256(spec.batteryWh) << 32 | uint256(spec.chargerW) << 64 | gpuPowerWMax
            << 88 | uint256(model.index) << 112 | stakeUsdc6 << 128;
        assembly ("memory-safe") {
            sstore(n.slot, w0)
            sstore(add(n.slot, 1), w1)
            sstore(add(n.slot, 2), w2)
        }
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
