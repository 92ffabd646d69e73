// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {Fixture} from "./Fixture.sol";
import {TelemetryBuilder} from "./TelemetryBuilder.sol";
import {AttestationOracle} from "../../src/AttestationOracle.sol";
import "../../src/libraries/Constants.sol" as C;
import {IAttestationOracle} from "../../src/interfaces/IAttestationOracle.sol";

/// @dev {Fixture} plus the attestation oracle as the deploy wires it: the oracle holds the attestor role on the registry
/// (to slash devices) and on the compute hours (to set green shares); one attester may commit and has approved its bonds.
abstract contract OracleFixture is Fixture, TelemetryBuilder {
    uint256 internal constant ATTESTER_BOND = 100e6; // 100 USD per bonded record
    /// @dev What a challenger is paid of a forfeited bond (or slash): CHALLENGER_REWARD_BPS, rounded down.
    uint256 internal constant REWARD = ATTESTER_BOND * C.CHALLENGER_REWARD_BPS / C.BPS;
    uint256 internal constant DEVICE_KEY = 0xD1CE;
    uint256 internal constant OTHER_DEVICE_KEY = 0xD2CE;
    uint256 internal constant STRANGER_KEY = 0xBAD;

    address internal attester = address(0xA77E57E4);
    address internal device;
    address internal otherDevice;
    AttestationOracle internal oracle;

    function setUp() public virtual override {
        super.setUp();
        device = deviceAddr(DEVICE_KEY);
        otherDevice = deviceAddr(OTHER_DEVICE_KEY);
        oracle = new AttestationOracle(registry, hours_, admin, ATTESTER_BOND);

        vm.startPrank(admin);
        registry.grantRole(registry.SLASHER_ROLE(), address(oracle));
        hours_.grantRole(hours_.GREEN_SHARE_ROLE(), address(oracle));
        oracle.grantRole(oracle.ATTESTER_ROLE(), attester);
        token.mint(attester, 1_000_000e6);
        vm.stopPrank();

        vm.prank(attester);
        token.approve(address(oracle), type(uint256).max);
    }

    function commitAs(uint32 slot, bytes32 root, uint32 recordCount) internal {
        vm.prank(attester);
        oracle.commit(slot, root, recordCount);
    }

    /// @dev The salt `challenger` commits with in these tests.
    function saltOf(address challenger) internal pure returns (bytes32) {
        return keccak256(abi.encode("salt", challenger));
    }

    /// @dev First step of a challenge: `challenger` commits to challenging `r`, and the chain moves to the next block.
    function armChallenge(address challenger, IAttestationOracle.NodeHourRecord memory r) internal {
        vm.prank(challenger);
        oracle.commitChallenge(oracle.challengeCommitment(leafOf(r), challenger, saltOf(challenger)));
        vm.roll(block.number + 1);
    }

    function rewardOf(uint256 forfeitedUsdc6) internal pure returns (uint256) {
        return forfeitedUsdc6 * C.CHALLENGER_REWARD_BPS / C.BPS;
    }

    /// @dev Second step: the reveal, with the salt of {armChallenge}.
    function revealAs(
        address challenger,
        IAttestationOracle.NodeHourRecord memory r,
        bytes32[] memory proof,
        IAttestationOracle.Telemetry[] memory ms,
        bytes[] memory sigs
    ) internal returns (IAttestationOracle.Fault) {
        vm.prank(challenger);
        return oracle.challenge(r, proof, ms, sigs, saltOf(challenger));
    }

    /// @dev Both steps.
    function challengeAs(
        address challenger,
        IAttestationOracle.NodeHourRecord memory r,
        bytes32[] memory proof,
        IAttestationOracle.Telemetry[] memory ms,
        bytes[] memory sigs
    ) internal returns (IAttestationOracle.Fault) {
        armChallenge(challenger, r);
        return revealAs(challenger, r, proof, ms, sigs);
    }
}
