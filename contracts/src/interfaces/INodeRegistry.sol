// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

/// @title Greenhour node registry
/// @notice Devices (green energy sites with GPUs) register here with their specs and a stake in the settlement token.
/// The device proves possession of its key by signing the binding to its owner (EIP-712 `DeviceBinding`), so nobody can
/// register a key they do not hold; an exited node's key may be registered again. Part of each stake is bonded by the
/// compute-hour contract for every hour a node sells, and is seized to compensate a buyer when the node does not
/// deliver. The slasher (the attestation oracle) takes free stake on proven fraud; bonded stake is the buyers' and is
/// never slashed: what a slash cannot take now is a debt paid from the node's bonds as they are released.
interface INodeRegistry {
    enum SiteType {
        Station, // 2B green energy station: PV + battery + GPU racks
        Pile, // 2B charging-and-storage pile: PV + battery + EV chargers + edge GPU
        Home // 2C green smart home: rooftop PV + home battery + one consumer GPU
    }

    /// @dev Stored status. `InProgress` is never stored: `statusOf` derives it from an Online node with bonded stake.
    enum NodeStatus {
        None,
        Online,
        InProgress,
        Exiting,
        Exited
    }

    /// @notice What an owner declares about a device. Energy and power in integer W / Wh.
    struct NodeSpec {
        address deviceSigner; // key that signs the device's telemetry; one node per device
        SiteType siteType;
        bytes12 geohash; // left-aligned, zero-padded, 1..12 characters
        uint32 pvWp; // PV peak power, W
        uint32 batteryWh; // usable battery capacity, Wh
        uint32 chargerW; // total EV charger power, W
        bytes32 gpuModel; // canonical model name as a left-aligned ASCII string, e.g. "NVIDIA H100 SXM5 80GB"
        uint16 gpuCount; // capacity: GPU-hours per slot
    }

    struct Node {
        address owner;
        uint40 exitRequestedAt; // 0 until the owner asks to exit
        NodeStatus status;
        SiteType siteType;
        uint16 classId;
        uint16 gpuCount;
        address deviceSigner;
        bytes12 geohash;
        bytes32 gpuModel;
        uint32 pvWp;
        uint32 batteryWh;
        uint32 chargerW;
        uint32 gpuPowerWMax; // board power bound of the node's GPUs: class boardPowerWMax × gpuCount at registration
        uint128 stakeUsdc6; // all stake held for this node, bonded included
        uint128 bondedUsdc6; // part of the stake backing outstanding delivery obligations
        uint128 slashDebtUsdc6; // slashed but still bonded: paid to `slashDebtRecipient` as bonds are released
    }

    /// @notice A standard capacity class: every member GPU meets these bounds, so hours of one class are interchangeable.
    struct CapacityClass {
        bytes32 label;
        uint32 fp16TflopsMin; // dense FP16/BF16 tensor TFLOPS, rounded down
        uint32 memoryGbMin;
        uint32 boardPowerWMax;
        uint64 bondPerHourUsdc6; // stake bonded per GPU-hour minted in this class
    }

    error ZeroAddress(string field);
    error InvalidSpec(string field, uint256 value);
    error InvalidGeohash(bytes12 geohash);
    error UnknownGpuModel(bytes32 gpuModel);
    error UnknownCapacityClass(uint16 classId);
    error DeviceAlreadyRegistered(address deviceSigner, uint256 nodeId);
    error StakeBelowMinimum(SiteType siteType, uint256 stakeUsdc6, uint256 minimumUsdc6);
    error ZeroAmount(string field);
    error InvalidDeviceSignature(address deviceSigner, address recovered);
    error BindingExpired(uint256 deadline, uint256 timestamp);
    error BondExceedsBonded(uint256 nodeId, uint256 amountUsdc6, uint256 bondedUsdc6);
    error UnknownNode(uint256 nodeId);
    error NotNodeOwner(uint256 nodeId, address caller);
    error NodeNotOnline(uint256 nodeId, NodeStatus status);
    error NodeNotExiting(uint256 nodeId, NodeStatus status);
    error UnbondingNotOver(uint256 nodeId, uint256 unbondingEndsAt);
    error StakeStillBonded(uint256 nodeId, uint256 bondedUsdc6);
    error InsufficientFreeStake(uint256 nodeId, uint256 freeUsdc6, uint256 requiredUsdc6);
    /// @notice A node's stake would exceed MAX_NODE_STAKE_USDC6 (the registry packs it into 64 bits).
    error StakeAboveMax(uint256 stakeUsdc6, uint256 maxUsdc6);

    event NodeRegistered(
        uint256 indexed nodeId, address indexed owner, uint16 indexed classId, NodeSpec spec, uint256 stakeUsdc6
    );
    event StakeAdded(uint256 indexed nodeId, uint256 amountUsdc6, uint256 stakeUsdc6);
    event ExitRequested(uint256 indexed nodeId, uint256 unbondingEndsAt);
    event NodeExited(uint256 indexed nodeId, address indexed owner, uint256 returnedUsdc6);
    /// @param amountUsdc6 taken now, from free stake; @param debtUsdc6 added to the node's slash debt (bonded stake).
    event Slashed(
        uint256 indexed nodeId, uint256 amountUsdc6, uint256 debtUsdc6, address indexed recipient, bytes32 reason
    );
    event SlashDebtPaid(uint256 indexed nodeId, uint256 amountUsdc6, address indexed recipient);
    event DeviceReleased(address indexed deviceSigner, uint256 indexed nodeId);
    event StakeBonded(uint256 indexed nodeId, uint256 amountUsdc6, uint256 bondedUsdc6);
    event BondReleased(uint256 indexed nodeId, uint256 amountUsdc6, uint256 bondedUsdc6);
    event BondSeized(uint256 indexed nodeId, uint256 amountUsdc6, address indexed recipient);
    event CapacityClassSet(uint16 indexed classId, CapacityClass capacityClass);
    event GpuModelClassSet(bytes32 indexed gpuModel, uint16 indexed classId);
    event MinimumStakeSet(SiteType indexed siteType, uint256 minimumUsdc6);

    /// @notice Registers a device, pulling `stakeUsdc6` of the settlement token from the caller, who becomes the owner.
    /// `deviceSignature` is the device key's EIP-712 signature of `DeviceBinding(owner = caller, device, nonce =
    /// deviceNonce(device), deadline = bindingDeadline)` under this contract's domain ("Greenhour NodeRegistry", "1",
    /// chain id, this address): only the key's holder can bind it, to the owner it chose, on this chain; the nonce
    /// makes each binding single-use and the deadline (UTC s, reverts `BindingExpired` after it) lets a binding that
    /// was signed but not used lapse.
    /// @return nodeId the new node's id, counting from 1.
    function register(
        NodeSpec calldata spec,
        uint256 stakeUsdc6,
        uint256 bindingDeadline,
        bytes calldata deviceSignature
    ) external returns (uint256 nodeId);

    /// @notice Adds stake to a node that has not asked to exit. Anyone may top up a node.
    function addStake(uint256 nodeId, uint256 amountUsdc6) external;

    /// @notice Owner stops the node from selling new hours and starts the unbonding delay.
    function requestExit(uint256 nodeId) external;

    /// @notice Owner withdraws the whole stake once unbonding is over and no stake is bonded; the node is Exited and its
    /// device key is free to be registered again.
    function withdrawStake(uint256 nodeId) external;

    /// @notice Slasher role: takes up to `amountUsdc6` of the node's free stake to `recipient` now and puts an Online
    /// node into exit (a node proven to cheat sells no new hours). What free stake cannot cover, up to the bonded
    /// stake, is added to the node's slash debt, paid out of each bond release to the recipient of the slash that
    /// opened it; a bond seized for a buyer goes to the buyer first. New bonds keep DEVICE_FRAUD_SLASH_BPS of the stake
    /// free, so a node's first fraud slash of that size never leaves a debt.
    /// @return slashedUsdc6 what was taken now.
    function slash(uint256 nodeId, uint256 amountUsdc6, address recipient, bytes32 reason)
        external
        returns (uint256 slashedUsdc6);

    /// @notice Obligation role (the compute-hour contract): bonds free stake behind new delivery obligations, at most
    /// `bondableUsdc6(nodeId)`: free stake less the fraud reserve (DEVICE_FRAUD_SLASH_BPS of the stake).
    function bond(uint256 nodeId, uint256 amountUsdc6) external;

    /// @notice Obligation role: returns `amountUsdc6` of bonded stake (reverts `BondExceedsBonded` above what is bonded)
    /// to free stake, paying the node's slash debt from it first.
    /// @return releasedUsdc6 what became free stake: `amountUsdc6` less the debt paid.
    function releaseBond(uint256 nodeId, uint256 amountUsdc6) external returns (uint256 releasedUsdc6);

    /// @notice Obligation role: pays `amountUsdc6` of bonded stake (reverts `BondExceedsBonded` above what is bonded) to
    /// `recipient`, the compensation for an undelivered obligation. Buyers come before the slash debt.
    function seizeBond(uint256 nodeId, uint256 amountUsdc6, address recipient) external returns (uint256 seizedUsdc6);

    /// @notice Parameter role: sets a capacity class. Class ids start at 1. A node keeps the power bound of the class
    /// as it was at its registration, so an update never turns an honest past record into a fault.
    function setCapacityClass(uint16 classId, CapacityClass calldata capacityClass) external;

    /// @notice Parameter role: maps a GPU model to its capacity class (0 removes the model for new registrations).
    function setGpuModelClass(bytes32 gpuModel, uint16 classId) external;

    /// @notice Parameter role: minimum stake to register a node of a site type.
    function setMinimumStake(SiteType siteType, uint256 minimumUsdc6) external;

    function node(uint256 nodeId) external view returns (Node memory);
    /// @notice What minting and redeeming check of a node, from one storage word: its owner, stored status, class and
    /// GPU count.
    function obligorOf(uint256 nodeId)
        external
        view
        returns (address owner, NodeStatus status, uint16 classId, uint16 gpuCount);
    /// @notice The stake bonded per GPU-hour of a class (its `CapacityClass.bondPerHourUsdc6`), from one storage word.
    function bondPerHourOfClass(uint16 classId) external view returns (uint64);
    function statusOf(uint256 nodeId) external view returns (NodeStatus);
    function nodeCount() external view returns (uint256);
    /// @notice The node a device key is bound to; 0 when none (or its node has exited).
    function nodeOfDevice(address deviceSigner) external view returns (uint256);
    /// @notice Bindings the device has signed that were used: the nonce its next `DeviceBinding` must carry.
    function deviceNonce(address deviceSigner) external view returns (uint256);
    /// @notice The EIP-712 digest a device signs to bind itself to `owner` with `nonce`, valid until `deadline`.
    function deviceBindingDigest(address owner, address deviceSigner, uint256 nonce, uint256 deadline)
        external
        view
        returns (bytes32);
    /// @notice Stake the node may still bond behind new hours: free stake less the fraud reserve.
    function bondableUsdc6(uint256 nodeId) external view returns (uint256);
    /// @notice Who is paid the node's slash debt.
    function slashDebtRecipient(uint256 nodeId) external view returns (address);
    function capacityClass(uint16 classId) external view returns (CapacityClass memory);
    function classOfGpuModel(bytes32 gpuModel) external view returns (uint16);
    function minimumStakeUsdc6(SiteType siteType) external view returns (uint256);
    function totalStakeUsdc6() external view returns (uint256);
    function settlementToken() external view returns (address);
}
