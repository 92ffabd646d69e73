// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";

/// @notice The hour market's pricing curve (docs/HOUR_MARKET.md). Hours trade against premium units on a constant
/// product between virtual reserves X = hours + L/√cap and Y = units + L·√ask (one Uniswap v3 range [ask, cap]); a unit
/// is worth v(t) settlement token, falling linearly from 1 to floor/ask over the last `horizon` seconds before the slot.
/// Amounts: hours are whole hours (X in WAD hours), units and cash are usdc6, v(t) is a WAD fraction.
/// Rounding always favours the market: buyers pay up, sellers and withdrawers receive down.
library HourCurve {
    uint256 internal constant WAD = 1e18;

    /// @notice A deposit's reserves and liquidity before and after it, and the range's roots (see `imbalanceCut`).
    struct Deposit {
        uint256 hoursBefore;
        uint256 unitsBefore;
        uint256 hoursAfter;
        uint256 unitsAfter;
        uint256 liquidityBefore;
        uint256 liquidityAfter;
        uint256 sqrtAsk;
        uint256 invSqrtCap;
    }

    /// @notice Worth of one premium unit in usdc6 at time `t` (WAD): 1 until `horizonS` before `slotStart`, then linear
    /// down to floor/ask at `slotStart`, constant after. Continuous in t, so no trade can profit from a jump.
    function unitValueWad(uint256 askUsdc6, uint256 floorUsdc6, uint256 horizonS, uint256 slotStart, uint256 t)
        internal
        pure
        returns (uint256)
    {
        // Full value first: the index slot and every market further out than its horizon skip the floor's division.
        if (t < slotStart && slotStart - t >= horizonS) return WAD;
        uint256 minWad = floorUsdc6 * WAD / askUsdc6;
        if (t >= slotStart) return minWad;
        return minWad + (WAD - minWad) * (slotStart - t) / horizonS;
    }

    /// @notice √ask (WAD·√usdc6) and 1/√cap (WAD/√usdc6), the two ends of the range.
    function rangeRoots(uint256 askUsdc6, uint256 capUsdc6)
        internal
        pure
        returns (uint256 sqrtAsk, uint256 invSqrtCap)
    {
        sqrtAsk = Math.sqrt(askUsdc6 * WAD * WAD);
        invSqrtCap = WAD * WAD / Math.sqrt(capUsdc6 * WAD * WAD);
    }

    /// @notice Liquidity L (WAD) of real reserves in the range: the root of (x + L/√cap)(z + L√ask) = L², i.e.
    /// L = (B + √(B² + 4(1 − √(ask/cap))·x·z)) / (2(1 − √(ask/cap))) with B = x√ask + z/√cap. Rounded down.
    /// Homogeneous of degree one: a proportional deposit raises L in proportion and leaves the price unchanged.
    function liquidity(uint256 hoursReserve, uint256 unitsReserve, uint256 sqrtAsk, uint256 invSqrtCap)
        internal
        pure
        returns (uint256)
    {
        uint256 b = hoursReserve * sqrtAsk + unitsReserve * invSqrtCap;
        uint256 d = WAD - sqrtAsk * invSqrtCap / WAD;
        uint256 root = Math.sqrt(b * b + 4 * hoursReserve * unitsReserve * d * WAD);
        return (b + root) * WAD / (2 * d);
    }

    /// @notice Liquidity withheld from a deposit for the swap inside it (R3): the fee a direct swap would pay on the
    /// units the deposit's net trade moves, expressed as a claim on the reserves after the deposit.
    /// With the reserves (x, z) → (a, b) and the liquidity L0 → L1, the providers already in own L0/L1 of the reserves
    /// after a fee-free deposit: (a, b)·L0/L1 is on their curve L0, so the deposit, withdrawn at once, is a trade of
    /// m0 = |z − b·L0/L1| units along it. A claim cut δ (fraction of the reserves after) takes δa hours and δb units from
    /// the depositor, so withdrawn at once the deposit trades δa hours more (a sale) or fewer (a purchase). On the
    /// concave curve those hours move units by at least δa·q_lo, q_lo the marginal price at the far end, so add +
    /// remove pays no less than a direct swap with fee f when
    ///     δ·(b + (1 ∓ f)·a·q_lo) ≥ f·m0        (− for a sale, + for a purchase),
    /// and δ = (f·m0 + margin)/(b + (1 ∓ f)·a·q_lo) is taken, as liquidity W = δ·L1. The caller caps W at `cutMax`, the
    /// fee on the whole excess (a bound that holds by itself), so δ·a ≤ cutMax·a/L1 and q_lo is the price on L0 with
    /// that many hours more at the pool: X'' = a·(L0 + cutMax)/L1 + L0/√cap, q_lo = X0·Y0/X''². For a deposit small
    /// against the pool q_lo → q_after and δ is the Balancer/Curve imbalance fee: f × the excess × the other side's
    /// share of the pool's value. `marginUnits` covers the roundings of a direct swap (its fee is rounded up).
    /// Everything rounds toward the larger cut.
    function imbalanceCut(Deposit memory d, uint256 cutMax, uint256 feeBps, uint256 marginUnits)
        internal
        pure
        returns (uint256)
    {
        uint256 aq = _hoursAtFarPrice(d, cutMax);
        // the units the providers already in hold after a fee-free deposit; the net trade moves m0 units
        uint256 theirs = Math.mulDiv(d.unitsAfter, d.liquidityBefore, d.liquidityAfter);
        bool sale = d.unitsBefore > theirs; // the depositor takes units out: it sold hours
        // Unchecked: units are below 2^65, aq far below 2^200 and the fee at most 10,000 bps.
        unchecked {
            uint256 m0 = sale ? d.unitsBefore - theirs : theirs + 1 - d.unitsBefore;
            return Math.mulDiv(
                (m0 * feeBps + 9_999) / 10_000 + marginUnits,
                d.liquidityAfter,
                d.unitsAfter + aq * (sale ? 10_000 - feeBps : 10_000 + feeBps) / 10_000,
                Math.Rounding.Ceil
            );
        }
    }

    /// @dev a·q_lo in units (see imbalanceCut): (a·WAD)·X0·Y0/X''² rounded down, X'' rounded up.
    function _hoursAtFarPrice(Deposit memory d, uint256 cutMax) private pure returns (uint256) {
        (uint256 vx, uint256 vy) = offsets(d.liquidityBefore, d.sqrtAsk, d.invSqrtCap);
        uint256 aWad = d.hoursAfter * WAD;
        uint256 farX = Math.mulDiv(aWad, d.liquidityBefore + cutMax, d.liquidityAfter, Math.Rounding.Ceil) + vx + 1;
        return Math.mulDiv(Math.mulDiv(d.unitsBefore + vy, d.hoursBefore * WAD + vx, farX), aWad, farX);
    }

    /// @notice Virtual offsets of liquidity L: hours L/√cap (WAD hours) and units L·√ask (usdc6), both rounded down.
    function offsets(uint256 liquidityWad, uint256 sqrtAsk, uint256 invSqrtCap)
        internal
        pure
        returns (uint256 virtualHoursWad, uint256 virtualUnits)
    {
        virtualHoursWad = liquidityWad * invSqrtCap / WAD;
        virtualUnits = liquidityWad * sqrtAsk / (WAD * WAD);
    }

    /// @notice Units a buyer adds to take `hoursOut` from virtual reserves (xWad, y): ⌈X·Y/(X − k)⌉ − Y.
    /// The caller checks hoursOut ≤ real hours; X − k > 0 then holds because the virtual hours are positive.
    function unitsInForHoursOut(uint256 xWad, uint256 y, uint256 hoursOut) internal pure returns (uint256) {
        return Math.mulDiv(xWad, y, xWad - hoursOut * WAD, Math.Rounding.Ceil) - y;
    }

    /// @notice Units a seller takes for `hoursIn` from virtual reserves (xWad, y): Y − ⌈X·Y/(X + k)⌉.
    function unitsOutForHoursIn(uint256 xWad, uint256 y, uint256 hoursIn) internal pure returns (uint256) {
        return y - Math.mulDiv(xWad, y, xWad + hoursIn * WAD, Math.Rounding.Ceil);
    }

    /// @notice Marginal price in units per hour: Y/X, rounded down.
    function spotUnits(uint256 xWad, uint256 y) internal pure returns (uint256) {
        return y * WAD / xWad;
    }

    /// @notice usdc6 worth of `units` at unit value `valueWad`, rounded up (what a payer owes).
    function toCashUp(uint256 units, uint256 valueWad) internal pure returns (uint256) {
        return Math.mulDiv(units, valueWad, WAD, Math.Rounding.Ceil);
    }

    /// @notice usdc6 worth of `units` at unit value `valueWad`, rounded down (what a payee receives).
    function toCashDown(uint256 units, uint256 valueWad) internal pure returns (uint256) {
        return units * valueWad / WAD;
    }

    /// @notice Units bought by `cashUsdc6` at unit value `valueWad`, rounded down.
    function toUnitsDown(uint256 cashUsdc6, uint256 valueWad) internal pure returns (uint256) {
        return cashUsdc6 * WAD / valueWad;
    }
}
