// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {AccessControl} from "@openzeppelin/contracts/access/AccessControl.sol";
import {ReentrancyGuard} from "@openzeppelin/contracts/utils/ReentrancyGuard.sol";
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
contract NodeRegistry is INodeRegistry, AccessControl, ReentrancyGuard, EIP712 {
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

    IERC20 private immutable _token;

    uint256 public nodeCount;
    uint256 public totalStakeUsdc6;
    mapping(uint256 nodeId => Node) private _nodes;
    mapping(address deviceSigner => uint256 nodeId) public nodeOfDevice;
    mapping(uint16 classId => CapacityClass) private _classes;
    mapping(bytes32 gpuModel => uint16 classId) public classOfGpuModel;
    mapping(SiteType => uint256) public minimumStakeUsdc6;
    mapping(address deviceSigner => uint256) public deviceNonce;
    mapping(uint256 nodeId => address) public slashDebtRecipient;

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
        _checkSpec(spec);
        uint16 classId = classOfGpuModel[spec.gpuModel];
        if (classId == 0) revert UnknownGpuModel(spec.gpuModel);
        uint256 existing = nodeOfDevice[spec.deviceSigner];
        if (existing != 0) revert DeviceAlreadyRegistered(spec.deviceSigner, existing);
        uint256 minimum = minimumStakeUsdc6[spec.siteType];
        if (stakeUsdc6 == 0 || stakeUsdc6 < minimum) revert StakeBelowMinimum(spec.siteType, stakeUsdc6, minimum);
        if (block.timestamp > bindingDeadline) revert BindingExpired(bindingDeadline, block.timestamp);
        uint256 nonce = deviceNonce[spec.deviceSigner];
        (address recovered,,) = ECDSA.tryRecoverCalldata(
            deviceBindingDigest(msg.sender, spec.deviceSigner, nonce, bindingDeadline), deviceSignature
        );
        if (recovered != spec.deviceSigner) revert InvalidDeviceSignature(spec.deviceSigner, recovered);

        // MATH: the power bound is fixed now, so a later class update cannot change what the node's records may say.
        uint32 gpuPowerWMax = (uint256(_classes[classId].boardPowerWMax) * spec.gpuCount).toUint32();

        // WRITE
        nodeId = ++nodeCount;
        deviceNonce[spec.deviceSigner] = nonce + 1;
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
            gpuPowerWMax: gpuPowerWMax,
            stakeUsdc6: stakeUsdc6.toUint128(),
            bondedUsdc6: 0,
            slashDebtUsdc6: 0
        });
        totalStakeUsdc6 += stakeUsdc6;
        emit NodeRegistered(nodeId, msg.sender, classId, spec, stakeUsdc6);

        // INTERACTIONS
        _token.safeTransferFrom(msg.sender, address(this), stakeUsdc6);
    }

    /// @inheritdoc INodeRegistry
    function addStake(uint256 nodeId, uint256 amountUsdc6) external nonReentrant {
        Node storage n = _existing(nodeId);
        if (amountUsdc6 == 0) revert ZeroAmount("amountUsdc6");
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

        // Nothing bonded means no slash debt either (debt ≤ bonded).
        uint256 amount = n.stakeUsdc6;
        n.stakeUsdc6 = 0;
        n.status = NodeStatus.Exited;
        totalStakeUsdc6 -= amount;
        delete nodeOfDevice[n.deviceSigner];
        emit NodeExited(nodeId, msg.sender, amount);
        emit DeviceReleased(n.deviceSigner, nodeId);

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
        Node storage n = _existing(nodeId);
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
        n.stakeUsdc6 -= slashedUsdc6.toUint128();
        totalStakeUsdc6 -= slashedUsdc6;
        if (debtAfter != debt) {
            n.slashDebtUsdc6 = uint128(debtAfter);
            if (debt == 0) slashDebtRecipient[nodeId] = recipient;
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
        Node storage n = _existing(nodeId);
        uint256 free = _bondable(n.stakeUsdc6, n.bondedUsdc6);
        if (amountUsdc6 > free) revert InsufficientFreeStake(nodeId, free, amountUsdc6);

        n.bondedUsdc6 += amountUsdc6.toUint128();
        emit StakeBonded(nodeId, amountUsdc6, n.bondedUsdc6);
    }

    /// @inheritdoc INodeRegistry
    function releaseBond(uint256 nodeId, uint256 amountUsdc6)
        external
        onlyRole(OBLIGATION_ROLE)
        nonReentrant
        returns (uint256 releasedUsdc6)
    {
        // CHECKS
        Node storage n = _existing(nodeId);
        uint256 bonded = n.bondedUsdc6;
        if (amountUsdc6 > bonded) revert BondExceedsBonded(nodeId, amountUsdc6, bonded);

        // MATH: the debt is paid first from what is released; debt ≤ bonded holds after (see {slash}).
        uint256 debt = n.slashDebtUsdc6;
        uint256 debtPaid = amountUsdc6 < debt ? amountUsdc6 : debt;
        releasedUsdc6 = amountUsdc6 - debtPaid;

        // WRITE
        n.bondedUsdc6 = uint128(bonded - amountUsdc6);
        emit BondReleased(nodeId, releasedUsdc6, n.bondedUsdc6);
        if (debtPaid != 0) {
            n.slashDebtUsdc6 = uint128(debt - debtPaid);
            n.stakeUsdc6 -= uint128(debtPaid);
            totalStakeUsdc6 -= debtPaid;
            address recipient = slashDebtRecipient[nodeId];
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
        Node storage n = _existing(nodeId);
        if (recipient == address(0)) revert ZeroAddress("recipient");
        uint256 bonded = n.bondedUsdc6;
        if (amountUsdc6 > bonded) revert BondExceedsBonded(nodeId, amountUsdc6, bonded);

        // WRITE: the buyer is paid in full; the slash debt shrinks to what is still bonded.
        seizedUsdc6 = amountUsdc6;
        uint256 bondedAfter = bonded - amountUsdc6;
        n.bondedUsdc6 = uint128(bondedAfter);
        if (n.slashDebtUsdc6 > bondedAfter) n.slashDebtUsdc6 = uint128(bondedAfter);
        n.stakeUsdc6 -= uint128(seizedUsdc6);
        totalStakeUsdc6 -= seizedUsdc6;
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
        classOfGpuModel[gpuModel] = classId;
        emit GpuModelClassSet(gpuModel, classId);
    }

    /// @inheritdoc INodeRegistry
    function setMinimumStake(SiteType siteType, uint256 minimumUsdc6) external onlyRole(PARAMETER_ROLE) {
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

    function deviceBindingDigest(address owner, address deviceSigner, uint256 nonce, uint256 deadline)
        public
        view
        returns (bytes32)
    {
        return _hashTypedDataV4(keccak256(abi.encode(DEVICE_BINDING_TYPEHASH, owner, deviceSigner, nonce, deadline)));
    }

    function bondableUsdc6(uint256 nodeId) external view returns (uint256) {
        Node storage n = _nodes[nodeId];
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
