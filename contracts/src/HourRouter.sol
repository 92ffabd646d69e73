// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {IERC1155} from "@openzeppelin/contracts/token/ERC1155/IERC1155.sol";
import {IERC1155Receiver} from "@openzeppelin/contracts/token/ERC1155/IERC1155Receiver.sol";
import {IERC165} from "@openzeppelin/contracts/utils/introspection/IERC165.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";
import {IHourRouter} from "./interfaces/IHourRouter.sol";
import {IHourMarket} from "./interfaces/IHourMarket.sol";
import {HourId} from "./libraries/HourId.sol";
import {PulledHoursReceiver} from "./utils/PulledHoursReceiver.sol";
import "./libraries/Constants.sol" as C;

/// @dev The market's hours, checked before the receiver base is built from them.
function hoursOf(IHourMarket market_) view returns (IERC1155) {
    if (address(market_) == address(0)) revert IHourMarket.ZeroAddress("market");
    return PulledHoursReceiver(address(market_)).hours_();
}

/// @title HourRouter
/// @notice See {IHourRouter}. Holds nothing between calls: every call pulls exactly what it spends or sells.
contract HourRouter is IHourRouter, PulledHoursReceiver, ReentrancyGuardTransient {
    using SafeERC20 for IERC20;

    IHourMarket public immutable market;
    IERC20 public immutable token;

    constructor(IHourMarket market_) PulledHoursReceiver(hoursOf(market_)) {
        market = market_;
        token = market_.token();
        token.forceApprove(address(market_), type(uint256).max);
        hours_.setApprovalForAll(address(market_), true);
    }

    /// @inheritdoc IHourRouter
    function quoteBundle(uint16 classId, uint32 fromSlot, uint32 toSlot, uint256 hoursWanted)
        public
        view
        returns (uint256[] memory hoursPerSlot, uint256 totalCostUsdc6)
    {
        if (hoursWanted == 0) revert IHourMarket.ZeroAmount("hoursWanted");
        if (toSlot < fromSlot) revert InvalidSlotRange(fromSlot, toSlot);
        uint256 n = uint256(toSlot) - fromSlot + 1;
        if (n > C.MAX_BUNDLE_SLOTS) revert BundleTooLong(n, C.MAX_BUNDLE_SLOTS);

        uint256[] memory ids = new uint256[](n);
        for (uint256 i; i < n; ++i) {
            ids[i] = HourId.encode(classId, uint32(fromSlot + i));
        }
        return _cheapest(ids, hoursWanted);
    }

    /// @inheritdoc IHourRouter
    function buyBundle(
        uint16 classId,
        uint32 fromSlot,
        uint32 toSlot,
        uint256 hoursWanted,
        uint256 maxTotalUsdc6,
        address recipient,
        uint256 deadline
    ) external nonReentrant returns (uint256[] memory hoursPerSlot, uint256 totalCostUsdc6) {
        if (block.timestamp > deadline) revert IHourMarket.DeadlinePassed(deadline, block.timestamp);
        if (recipient == address(0)) revert IHourMarket.ZeroAddress("recipient");
        (hoursPerSlot, totalCostUsdc6) = quoteBundle(classId, fromSlot, toSlot, hoursWanted);
        if (totalCostUsdc6 > maxTotalUsdc6) {
            revert IHourMarket.Slippage("totalCostUsdc6", totalCostUsdc6, maxTotalUsdc6);
        }

        token.safeTransferFrom(msg.sender, address(this), totalCostUsdc6);
        uint256 paid;
        for (uint256 i; i < hoursPerSlot.length; ++i) {
            if (hoursPerSlot[i] == 0) continue;
            paid += market.buy(
                HourId.encode(classId, uint32(fromSlot + i)), hoursPerSlot[i], type(uint256).max, recipient, deadline
            );
        }
        // The quote is exact in the same transaction; a mismatch would strand tokens here, so it reverts.
        if (paid != totalCostUsdc6) revert IHourMarket.Slippage("paidUsdc6", paid, totalCostUsdc6);
        emit BundleBought(msg.sender, classId, fromSlot, toSlot, hoursWanted, totalCostUsdc6);
    }

    /// @inheritdoc IHourRouter
    function sellBasket(
        uint256[] calldata hourIds,
        uint256[] calldata amounts,
        uint256 minTotalUsdc6,
        address recipient,
        uint256 deadline
    ) external nonReentrant returns (uint256 proceedsUsdc6) {
        if (hourIds.length != amounts.length) revert LengthMismatch(hourIds.length, amounts.length);
        if (hourIds.length == 0) revert IHourMarket.ZeroAmount("hourIds");
        if (recipient == address(0)) revert IHourMarket.ZeroAddress("recipient");
        uint256 hoursSold;
        for (uint256 i; i < hourIds.length; ++i) {
            hours_.safeTransferFrom(msg.sender, address(this), hourIds[i], amounts[i], "");
            proceedsUsdc6 += market.sell(hourIds[i], amounts[i], 0, recipient, deadline);
            hoursSold += amounts[i];
        }
        if (proceedsUsdc6 < minTotalUsdc6) revert IHourMarket.Slippage("proceedsUsdc6", proceedsUsdc6, minTotalUsdc6);
        emit BasketSold(msg.sender, hoursSold, proceedsUsdc6);
    }

    function supportsInterface(bytes4 interfaceId) external pure returns (bool) {
        return interfaceId == type(IERC1155Receiver).interfaceId || interfaceId == type(IERC165).interfaceId;
    }

    /// @dev Greedy: take the cheapest next hour `hoursWanted` times. Availability is read once per slot and checked
    /// before each quote (no try/catch), so the plan never depends on the gas the caller sent.
    function _cheapest(uint256[] memory ids, uint256 hoursWanted)
        private
        view
        returns (uint256[] memory taken, uint256 total)
    {
        uint256 n = ids.length;
        taken = new uint256[](n);
        uint256[] memory available = new uint256[](n);
        uint256[] memory spent = new uint256[](n); // cost of the hours taken so far in each slot
        uint256[] memory next = new uint256[](n); // marginal cost of one more hour; max = none left
        for (uint256 i; i < n; ++i) {
            available[i] = market.hoursForSale(ids[i]);
            next[i] = available[i] == 0 ? type(uint256).max : market.quoteBuy(ids[i], 1);
        }
        for (uint256 k; k < hoursWanted; ++k) {
            uint256 best = type(uint256).max;
            uint256 pick;
            for (uint256 i; i < n; ++i) {
                if (next[i] < best) (best, pick) = (next[i], i);
            }
            if (best == type(uint256).max) revert NotEnoughHours(hoursWanted, k);
            spent[pick] += best;
            uint256 more = ++taken[pick] + 1;
            next[pick] = more > available[pick] ? type(uint256).max : market.quoteBuy(ids[pick], more) - spent[pick];
        }
        for (uint256 i; i < n; ++i) {
            total += spent[i];
        }
    }
}
