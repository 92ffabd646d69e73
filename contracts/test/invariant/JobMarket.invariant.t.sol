// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {MarketFixture} from "../utils/MarketFixture.sol";
import {JobHandler} from "./JobHandler.sol";
import {JobMarket} from "../../src/JobMarket.sol";
import {INodeRegistry} from "../../src/interfaces/INodeRegistry.sol";

/// @dev Escrow conservation of the job market under random call sequences through {JobHandler}; foundry.toml sets
/// runs × depth = 32 × 400 = 12,800 calls per invariant.
contract JobMarketInvariantTest is MarketFixture {
    JobHandler internal handler;
    JobMarket internal jobs;
    address internal scheduler = address(0x5C4ED);
    address internal constant ALICE = address(0xA1);
    address internal constant BOB = address(0xB0B);
    address internal constant CAROL = address(0xCA401);

    function setUp() public override {
        super.setUp();
        jobs = new JobMarket(market, registry, admin);
        bytes32 role = jobs.SCHEDULER_ROLE();
        vm.prank(admin);
        jobs.grantRole(role, scheduler);

        // The handler's own node owner and buyer, so the ledger counts only their credits.
        vm.startPrank(admin);
        token.mint(ALICE, 1_000_000e6);
        token.mint(BOB, 1_000_000_000e6);
        token.mint(CAROL, 1_000_000e6);
        vm.stopPrank();
        vm.prank(CAROL);
        token.approve(address(registry), type(uint256).max);
        vm.startPrank(ALICE);
        token.approve(address(registry), type(uint256).max);
        token.approve(address(market), type(uint256).max);
        hours_.setApprovalForAll(address(market), true);
        vm.stopPrank();
        INodeRegistry.NodeSpec memory spec = stationSpec(deviceAddr(0xD7));
        spec.gpuCount = 64;
        uint256 node = registerAs(ALICE, spec, 500_000e6);
        INodeRegistry.NodeSpec memory second = stationSpec(deviceAddr(0xD8));
        second.gpuCount = 64;
        uint256 secondNode = registerAs(CAROL, second, 500_000e6);
        vm.prank(BOB);
        token.approve(address(jobs), type(uint256).max);

        handler = new JobHandler(token, hours_, market, jobs, node, DC_CLASS, scheduler, attestor, secondNode);
        targetContract(address(handler));
    }

    /// The token held equals what is owed: open escrows, unsettled incentives, credits and bonds paid in but not yet
    /// credited. Exactly: a unit more would be stuck, a unit less would be a debt the last withdrawer could not take.
    function invariant_escrowEqualsOwed() public view {
        vm.assertEq(token.balanceOf(address(jobs)), handler.owedUsdc6(), "balance = owed");
    }

    /// The market never holds hours for a job that is not assigned and unredeemed, nor lends the scheduler's approval.
    function invariant_noAllowanceLeft() public view {
        vm.assertEq(token.allowance(address(jobs), address(market)), 0, "no standing allowance to the market");
    }

    function afterInvariant() public view {
        vm.assertGt(handler.jobCount(), 0, "jobs posted");
        vm.assertGt(handler.assigned(), 0, "jobs assigned");
        vm.assertGt(handler.settled(), 0, "placements settled");
        vm.assertGt(handler.moved(), 0, "placements moved off a drained node");
    }
}
