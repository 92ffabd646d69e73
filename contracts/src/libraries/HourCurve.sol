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

    /// @notice The swap fee of a deposit, in units (R3): what a direct swap would pay on the deposit's net trade.
    /// With the reserves (x, z) → (a, b) and the liquidity L0 → L1, the providers already in own L0/L1 of the reserves
    /// after a fee-free deposit: (a, b)·L0/L1 is on their curve L0 (L is homogeneous), so the deposit withdrawn at once
    /// is a trade of m0 = |z − b·L0/L1| units along it: a sale of hours when the depositor takes units out
    /// (z > b·L0/L1), a purchase when it leaves units in. The fee F leaves the reserves before the shares are counted
    /// (shares = S·(L' − L0)/L0 with L' = L(a, b − F)), so the providers' curve ends exactly where a direct swap would
    /// put it and the depositor's trade is m' units along it, less F. A direct swap pays f·m'. For a purchase
    /// m' ≤ m0 (b/L(a, b) grows with b), so F = f·m0 is enough; for a sale m' ≤ m0 + F·L0/L1 ≤ m0 + F, so
    /// F = f·m0/(1 − f) is: at most f/(1 − f) of the fair fee more (0.3 % of it at 30 bps, 11 % at the 10 % maximum).
    /// A deposit in the reserves' proportion trades nothing (m0 ≈ 0). `marginUnits` covers the roundings of the direct
    /// swap (its fee is rounded up) and is added; F is rounded up and at most b (all the units there are).
    function imbalanceFeeUnits(Deposit memory d, uint256 feeBps, uint256 marginUnits)
        internal
        pure
        returns (uint256 feeUnits)
    {
        // the units the providers already in hold after a fee-free deposit
        uint256 theirs = Math.mulDiv(d.unitsAfter, d.liquidityBefore, d.liquidityAfter);
        // Unchecked: units are below 2^65 and the fee at most 10,000 bps (in fact 1,000).
        unchecked {
            feeUnits = d.unitsBefore > theirs
                ? ((d.unitsBefore - theirs) * feeBps + 9_999 - feeBps) / (10_000 - feeBps)
                : ((theirs + 1 - d.unitsBefore) * feeBps + 9_999) / 10_000;
            feeUnits += marginUnits;
        }
        if (feeUnits > d.unitsAfter) feeUnits = d.unitsAfter;
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
        return _mulDivUp(xWad, y, xWad - hoursOut * WAD) - y;
    }

    /// @notice Units a seller takes for `hoursIn` from virtual reserves (xWad, y): Y − ⌈X·Y/(X + k)⌉.
    function unitsOutForHoursIn(uint256 xWad, uint256 y, uint256 hoursIn) internal pure returns (uint256) {
        return y - _mulDivUp(xWad, y, xWad + hoursIn * WAD);
    }

    /// @dev ⌈x·y/d⌉: in 256 bits when x·y fits (a swap's X·Y does unless its reserves are extreme), else OpenZeppelin's
    /// 512-bit mulDiv; the same value either way, and d = 0 panics (division by zero) in both.
    function _mulDivUp(uint256 x, uint256 y, uint256 d) private pure returns (uint256) {
        // Unchecked: the product is used only when it did not wrap (p / x == y), and d > 0 (the callers' X ± k > 0).
        unchecked {
            uint256 p = x * y;
            if (x == 0 || p / x == y) return p / d + (p % d == 0 ? 0 : 1);
        }
        return Math.mulDiv(x, y, d, Math.Rounding.Ceil);
    }

    /// @notice Marginal price in units per hour: Y/X, rounded down.
    function spotUnits(uint256 xWad, uint256 y) internal pure returns (uint256) {
        return y * WAD / xWad;
    }

    /// @notice usdc6 worth of `units` at unit value `valueWad`, rounded up (what a payer owes).
    function toCashUp(uint256 units, uint256 valueWad) internal pure returns (uint256) {
        // At full value (every market further out than its horizon) the cash is the units, exactly.
        if (valueWad == WAD) return units;
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
