// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

/// @title Hour router
/// @notice Periphery of the hour market: buys a bundle of hours of one class spread over a range of slots at the lowest
/// total price, and sells a basket of hours back before their slots, each with one slippage bound and a deadline.
interface IHourRouter {
    error InvalidSlotRange(uint32 fromSlot, uint32 toSlot);
    error BundleTooLong(uint256 slots, uint256 maxSlots);
    error NotEnoughHours(uint256 wanted, uint256 available);
    error LengthMismatch(uint256 hourIds, uint256 amounts);

    event BundleBought(
        address indexed buyer,
        uint16 indexed classId,
        uint32 fromSlot,
        uint32 toSlot,
        uint256 hoursBought,
        uint256 costUsdc6
    );
    event BasketSold(address indexed seller, uint256 hoursSold, uint256 proceedsUsdc6);

    /// @notice The cheapest way to buy `hoursWanted` hours of `classId` in slots [fromSlot, toSlot] now: hours per slot
    /// (index 0 = fromSlot) and the total cost, fees included. Marginal costs rise within each market (the curve is
    /// convex), so taking the cheapest next hour `hoursWanted` times is optimal.
    function quoteBundle(uint16 classId, uint32 fromSlot, uint32 toSlot, uint256 hoursWanted)
        external
        view
        returns (uint256[] memory hoursPerSlot, uint256 totalCostUsdc6);

    /// @notice Buys the bundle of `quoteBundle` for at most `maxTotalUsdc6`, hours to `recipient`.
    function buyBundle(
        uint16 classId,
        uint32 fromSlot,
        uint32 toSlot,
        uint256 hoursWanted,
        uint256 maxTotalUsdc6,
        address recipient,
        uint256 deadline
    ) external returns (uint256[] memory hoursPerSlot, uint256 totalCostUsdc6);

    /// @notice Sells `amounts[i]` hours of `hourIds[i]` (approved to the router with setApprovalForAll) for at least
    /// `minTotalUsdc6` in all, proceeds to `recipient`.
    function sellBasket(
        uint256[] calldata hourIds,
        uint256[] calldata amounts,
        uint256 minTotalUsdc6,
        address recipient,
        uint256 deadline
    ) external returns (uint256 proceedsUsdc6);
}
