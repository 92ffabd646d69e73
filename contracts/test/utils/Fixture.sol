// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {Test} from "./Test.sol";
import {SettlementToken} from "../../src/SettlementToken.sol";
import {NodeRegistry} from "../../src/NodeRegistry.sol";
import {ComputeHours} from "../../src/ComputeHours.sol";
import {INodeRegistry} from "../../src/interfaces/INodeRegistry.sol";

/// @dev The deployed system as the deploy script wires it: registry and hours share the token; hours hold the obligation
/// role on the registry; one attestor holds the slasher role of the registry and the delivery and green-share roles of
/// the hours (on a real deployment the oracle holds slasher and green share). Devices are keys made with `deviceAddr`,
/// so that `registerAs` can sign their bindings.
abstract contract Fixture is Test {
    address internal admin = address(0xA11CE);
    address internal attestor = address(0xA77E5);
    address internal alice = address(0xA1);
    address internal bob = address(0xB0B);
    address internal carol = address(0xCA401);

    SettlementToken internal token;
    NodeRegistry internal registry;
    ComputeHours internal hours_;

    bytes32 internal constant H100 = "NVIDIA H100 SXM5 80GB";
    bytes32 internal constant RTX4090 = "NVIDIA GeForce RTX 4090";
    uint16 internal constant DC_CLASS = 1;
    uint16 internal constant CONSUMER_CLASS = 2;
    // Bonds cover the highest price the market can ask, fee and rounding included (cap × (1 + MAX_FEE_BPS) + 3 usdc6):
    // 9 USD over the 8 USD cap of the market fixture, 1.80 over the consumer class's 1.60.
    uint64 internal constant DC_BOND_PER_HOUR = 9_000_000;
    uint64 internal constant CONSUMER_BOND_PER_HOUR = 1_800_000;
    uint256 internal constant STATION_MIN_STAKE = 1_000e6;
    uint256 internal constant HOME_MIN_STAKE = 50e6;

    // 2026-11-26T00:00:00Z, on an hour boundary.
    uint256 internal constant T0 = 1_795_651_200;

    function setUp() public virtual {
        vm.warp(T0);
        token = new SettlementToken(admin);
        registry = new NodeRegistry(token, admin);
        hours_ = new ComputeHours(registry, admin, "https://greenhour.example/hours/{id}.json");

        vm.startPrank(admin);
        registry.grantRole(registry.OBLIGATION_ROLE(), address(hours_));
        registry.grantRole(registry.SLASHER_ROLE(), attestor);
        hours_.grantRole(hours_.DELIVERY_ROLE(), attestor);
        hours_.grantRole(hours_.GREEN_SHARE_ROLE(), attestor);
        registry.setCapacityClass(
            DC_CLASS,
            INodeRegistry.CapacityClass({
                label: "dc-900",
                fp16TflopsMin: 756,
                memoryGbMin: 80,
                boardPowerWMax: 700,
                bondPerHourUsdc6: DC_BOND_PER_HOUR
            })
        );
        registry.setCapacityClass(
            CONSUMER_CLASS,
            INodeRegistry.CapacityClass({
                label: "consumer-165",
                fp16TflopsMin: 165,
                memoryGbMin: 24,
                boardPowerWMax: 450,
                bondPerHourUsdc6: CONSUMER_BOND_PER_HOUR
            })
        );
        registry.setGpuModelClass(H100, DC_CLASS);
        registry.setGpuModelClass(RTX4090, CONSUMER_CLASS);
        registry.setMinimumStake(INodeRegistry.SiteType.Station, STATION_MIN_STAKE);
        registry.setMinimumStake(INodeRegistry.SiteType.Pile, 200e6);
        registry.setMinimumStake(INodeRegistry.SiteType.Home, HOME_MIN_STAKE);
        token.mint(alice, 1_000_000e6);
        token.mint(bob, 1_000_000e6);
        token.mint(carol, 1_000_000e6);
        vm.stopPrank();

        vm.prank(alice);
        token.approve(address(registry), type(uint256).max);
        vm.prank(bob);
        token.approve(address(registry), type(uint256).max);
        vm.prank(carol);
        token.approve(address(registry), type(uint256).max);
    }

    function stationSpec(address device) internal pure returns (INodeRegistry.NodeSpec memory) {
        return INodeRegistry.NodeSpec({
            deviceSigner: device,
            siteType: INodeRegistry.SiteType.Station,
            geohash: "w21z7",
            pvWp: 500_000,
            batteryWh: 1_000_000,
            chargerW: 0,
            gpuModel: H100,
            gpuCount: 8
        });
    }

    function homeSpec(address device) internal pure returns (INodeRegistry.NodeSpec memory) {
        return INodeRegistry.NodeSpec({
            deviceSigner: device,
            siteType: INodeRegistry.SiteType.Home,
            geohash: "u33dc0",
            pvWp: 8_000,
            batteryWh: 13_500,
            chargerW: 11_000,
            gpuModel: RTX4090,
            gpuCount: 1
        });
    }

    mapping(address device => uint256 key) internal deviceKeyOf;

    /// @dev The address of device key `key` (any non-zero key below the curve order), remembered for signing.
    function deviceAddr(uint256 key) internal returns (address device) {
        device = vm.addr(key);
        deviceKeyOf[device] = key;
    }

    /// @dev A binding deadline far enough ahead for any test.
    function bindingDeadline() internal view returns (uint256) {
        return block.timestamp + 1 hours;
    }

    /// @dev The device's EIP-712 binding to `owner` at its current nonce until `bindingDeadline()`, signed with the
    /// device key.
    function deviceBinding(address owner, address device) internal view returns (bytes memory) {
        uint256 key = deviceKeyOf[device];
        require(key != 0, "Fixture: device not made by deviceAddr");
        (uint8 v, bytes32 r, bytes32 s) =
            vm.sign(key, registry.deviceBindingDigest(owner, device, registry.deviceNonce(device), bindingDeadline()));
        return abi.encodePacked(r, s, v);
    }

    /// @dev `owner` registers `spec` with `stake`, its device signing the binding.
    function registerAs(address owner, INodeRegistry.NodeSpec memory spec, uint256 stake)
        internal
        returns (uint256 nodeId)
    {
        bytes memory binding = deviceBinding(owner, spec.deviceSigner);
        uint256 deadline = bindingDeadline();
        vm.prank(owner);
        nodeId = registry.register(spec, stake, deadline, binding);
    }

    function registerStation(address owner, address device, uint256 stake) internal returns (uint256 nodeId) {
        return registerAs(owner, stationSpec(device), stake);
    }

    function slotNow() internal view returns (uint32) {
        return uint32(block.timestamp / 3600);
    }
}
