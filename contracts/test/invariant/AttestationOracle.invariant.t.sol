// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {OracleFixture} from "../utils/OracleFixture.sol";
import {OracleHandler} from "./OracleHandler.sol";

/// @dev Invariants of the attestation oracle under random call sequences through {OracleHandler}, which asserts each
/// call's outcome as it acts (a wrong revert or a missing one fails the run).
contract AttestationOracleInvariantTest is OracleFixture {
    OracleHandler internal handler;
    uint256[2] internal nodes;

    function setUp() public override {
        super.setUp();
        nodes[0] = registerStation(alice, device, 2_000e6);
        nodes[1] = registerStation(bob, otherDevice, 2_000e6);
        handler = new OracleHandler(token, registry, oracle, attester, nodes, [DEVICE_KEY, OTHER_DEVICE_KEY]);
        vm.prank(admin);
        token.mint(attester, 1_000_000_000e6);
        targetContract(address(handler));
    }

    /// The settlement token the oracle holds is exactly, over the committed slots not released, one bond per record
    /// that was not excluded. The handler's account is checked against the oracle on every action (a commit, a
    /// challenge payout or a release that differs from it fails the run); here, the balance against the account.
    function invariant_balanceEqualsBondsOfRecordsNotExcluded() public view {
        vm.assertEq(token.balanceOf(address(oracle)), handler.bondsHeld(), "balance == bonds held");
        vm.assertEq(
            handler.bondsHeld(),
            handler.bondsIn() - handler.bondsPaid() - handler.bondsReleased(),
            "bonds in - paid - released"
        );
        vm.assertEq(handler.bondsPaid(), handler.exclusions() * oracle.bondPerRecordUsdc6(), "one bond per exclusion");
    }

    /// Each run did what the invariants are about: challenges that excluded records (paying bonds), claims, releases,
    /// calls that had to revert, and records out of the window bound (empty or above it).
    function afterInvariant() public view {
        vm.assertGt(handler.exclusions(), 0, "some records were excluded");
        vm.assertGt(handler.claims(), 0, "some records were claimed");
        vm.assertGt(handler.releases(), 0, "some bonds were released");
        vm.assertGt(handler.expectedReverts(), 0, "some calls had to revert");
        vm.assertGt(handler.emptyOrOverBoundCommitted(), 0, "some records were out of the window bound");
    }

    /// A slot is committed once and its commitment never changes (a second commit reverts AlreadyCommitted, asserted by
    /// the handler); credits follow the claims with enough uptime.
    function invariant_oneCommitmentPerSlot() public view {
        vm.assertFalse(handler.commitmentChanged(), "a commitment changed");
        vm.assertEq(oracle.pogcsCredits(nodes[0]) + oracle.pogcsCredits(nodes[1]), handler.credits(), "credits");
    }
}
