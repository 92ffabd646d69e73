// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {OracleFixture} from "../utils/OracleFixture.sol";
import {OracleHandler} from "./OracleHandler.sol";
import {IAttestationOracle} from "../../src/interfaces/IAttestationOracle.sol";

/// @dev Invariants of the attestation oracle under random call sequences through {OracleHandler}.
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

    /// The settlement token the oracle holds is exactly the bonds of committed slots neither paid to a challenger nor
    /// released to the attester. The handler's account of open bonds is checked against the oracle on every action
    /// (a release or a challenge payout that differs from it fails the run); here, the balance against the account,
    /// and the flags of the latest open slot.
    function invariant_balanceEqualsBondsHeld() public view {
        uint256 open = handler.openSlotCount();
        uint256 held = open * oracle.attesterBondUsdc6();
        vm.assertEq(token.balanceOf(address(oracle)), held, "balance == bonds held");
        vm.assertEq(
            held, handler.bondsIn() - handler.bondsPaid() - handler.bondsReleased(), "bonds in - paid - released"
        );
        vm.assertFalse(handler.payoutWrong(), "a payout differed from the bond or the slash");
        if (open != 0) {
            IAttestationOracle.Commitment memory c = oracle.commitment(handler.openSlots(open - 1));
            vm.assertFalse(c.bondPaid || c.bondReleased, "an open bond is neither paid nor released");
        }
    }

    /// A slot is committed once: a second commit never succeeds, and the first commitment never changes. (The handler
    /// also asserts, as it acts, that honest records withstand every challenge and that credits follow uptime.)
    function invariant_oneCommitmentPerSlot() public view {
        vm.assertFalse(handler.recommitSucceeded(), "a slot was committed twice");
        vm.assertFalse(handler.commitmentChanged(), "a commitment changed");
        vm.assertEq(oracle.pogcsCredits(nodes[0]) + oracle.pogcsCredits(nodes[1]), handler.credits(), "credits");
    }
}
