// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {OracleFixture} from "../utils/OracleFixture.sol";
import {OracleHandler} from "./OracleHandler.sol";

/// @dev Invariants of the attestation oracle under random call sequences through {OracleHandler}, which asserts each
/// call's outcome as it acts (a wrong revert or a missing one fails the run).
contract AttestationOracleInvariantTest is OracleFixture {
    OracleHandler internal handler;
    uint256[2] internal nodes;

    uint256 internal constant ATTESTER_KEY = 0xA77E;

    function setUp() public override {
        attester = vm.addr(ATTESTER_KEY); // signs the ingest receipts the devices' omission claims and drop proofs use
        super.setUp();
        nodes[0] = registerStation(alice, device, 2_000e6);
        nodes[1] = registerStation(bob, otherDevice, 2_000e6);
        handler =
            new OracleHandler(token, registry, oracle, attester, ATTESTER_KEY, nodes, [DEVICE_KEY, OTHER_DEVICE_KEY]);
        vm.startPrank(admin);
        token.mint(attester, 1_000_000_000e6);
        token.mint(device, 1_000_000_000e6); // claim bonds
        token.mint(otherDevice, 1_000_000_000e6);
        vm.stopPrank();
        vm.prank(device);
        token.approve(address(oracle), type(uint256).max);
        vm.prank(otherDevice);
        token.approve(address(oracle), type(uint256).max);
        targetContract(address(handler));
    }

    /// The settlement token the oracle holds is exactly, over the committed slots not released, one bond per record
    /// bonded less one per bond forfeited (a record excluded or an omission proven), plus the claim bonds of the open
    /// omission claims. The handler's account is checked against the oracle on every action (a commit, a
    /// challenge payout or a release that differs from it fails the run); here, the balance against the account.
    function invariant_balanceEqualsBondsOfRecordsNotExcluded() public view {
        vm.assertEq(
            token.balanceOf(address(oracle)), handler.bondsHeld() + handler.claimBondsHeld(), "balance == bonds held"
        );
        vm.assertEq(
            handler.bondsHeld(),
            handler.bondsIn() - handler.bondsPaid() - handler.bondsReleased(),
            "bonds in - paid - released"
        );
        vm.assertEq(
            handler.bondsPaid(),
            (handler.exclusions() + handler.omissionsProven()) * oracle.bondPerRecordUsdc6(),
            "one bond per exclusion or proven omission"
        );
    }

    /// Each run did what the invariants are about: challenges that excluded records (paying bonds), claims, releases,
    /// calls that had to revert, and records out of the window bound (empty or above it).
    function afterInvariant() public view {
        vm.assertGt(handler.exclusions(), 0, "some records were excluded");
        vm.assertGt(handler.claims(), 0, "some records were claimed");
        vm.assertGt(handler.releases(), 0, "some bonds were released");
        vm.assertGt(handler.expectedReverts(), 0, "some calls had to revert");
        vm.assertGt(handler.emptyOrOverBoundCommitted(), 0, "some records were out of the window bound");
        vm.assertGt(handler.drops(), 0, "some dropped windows were proven");
        // Omissions proven and claims answered are not asserted per run: a run of 400 calls has too few true claims
        // opened in time and resolved after the window to have one every time (see the Receipts unit tests).
    }

    /// A slot is committed once and its commitment never changes (a second commit reverts AlreadyCommitted, asserted by
    /// the handler); credits follow the claims with enough uptime.
    function invariant_oneCommitmentPerSlot() public view {
        vm.assertFalse(handler.commitmentChanged(), "a commitment changed");
        vm.assertEq(oracle.pogcsCredits(nodes[0]) + oracle.pogcsCredits(nodes[1]), handler.credits(), "credits");
    }
}
