// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {PriceOracle} from "../libraries/PriceOracle.sol";

/// @title Greenhour hour market
/// @notice One contract holds an automated market for every (capacity class, hour slot) of compute hours against the
/// settlement token. A market opens lazily on first use. Its status follows block time alone: Upcoming until the slot
/// starts (trading, adding and removing liquidity), InProgress during the slot (no trading; holders redeem hours on
/// ComputeHours), Exited afterwards (no trading; liquidity providers withdraw their cash; leftover hours are worthless).
/// Prices follow a constant-product curve on (hours, premium units) between the class's ask and cap, and a unit's worth
/// in settlement token decays from 1 toward floor/ask as the slot nears: see docs/HOUR_MARKET.md.
/// Liquidity positions are ERC-721 tokens (HourPositions); each earns its share of trading fees and of the cash the decay frees.
interface IHourMarket {
    enum Status {
        Upcoming,
        InProgress,
        Exited
    }

    /// @notice Curve parameters of a capacity class, copied into each market of the class when it opens.
    struct ClassConfig {
        uint64 askUsdc6; // price of an hour at full unit value with no net sales: the bottom of the curve
        uint64 capUsdc6; // price of an hour at full unit value with every hour sold: the top of the curve
        uint64 floorUsdc6; // the node's marginal energy cost of an hour: what unsold capacity decays toward
        uint32 decayHorizonS; // seconds before the slot at which a unit starts losing value
        uint16 indexWeight; // weight of the class in the green compute index (0 = not in the index)
        uint16 indexMinDepthHours; // a trade sets the class price only in a market at least this deep (virtual hours)
    }

    /// @notice Trading state of one market. Fits one storage word.
    struct MarketState {
        uint32 hoursReserve; // hours the market holds for sale
        uint64 unitsReserve; // premium units the market holds: what buyers paid, in full-value usdc6
        uint96 cashUsdc6; // settlement token backing the units at their current value, plus fees not yet settled
        uint64 protocolFeesUsdc6; // the protocol's share of fees, withdrawable by the fee role
    }

    /// @notice An ERC-721 liquidity position in one market.
    struct Position {
        uint48 hourId;
        uint128 shares;
        uint128 owedUsdc6; // earnings settled to the position, not yet collected
        uint256 earnedPerShareX128; // the market's accumulator when `owedUsdc6` was last brought up to date
    }

    /// @notice Curve of an open market, frozen from its class when it opens so later listings never move a live curve.
    struct MarketParams {
        uint64 askUsdc6; // 0 while the market is not open
        uint64 capUsdc6;
        uint64 floorUsdc6;
        uint32 decayHorizonS;
        // Block of the market's last liquidity change: trades in that block do not set the class price, so liquidity
        // added and removed around a trade in one transaction (or block) cannot lend a market the depth it lacks.
        uint32 liquidityBlock;
    }

    /// @notice Virtual offsets of the market's liquidity, rewritten only when liquidity changes.
    struct Curve {
        uint128 virtualHoursWad;
        uint128 virtualUnits;
    }

    /// @notice Liquidity-provider book of a market; touched by deposits, withdrawals and collections only.
    struct Book {
        uint128 totalShares;
        uint128 earnedUsdc6; // settled earnings not yet collected, Σ over positions (plus rounding dust)
        uint256 earnedPerShareX128;
    }

    /// @notice A withdrawal would leave the market that sets its class price with liquidity for `depthHours` hours at
    /// the bottom of its range, under the class's minimum depth `minDepthHours` (at least 1): wait until a later index
    /// slot takes the price over, or the slot starts.
    error PriceMarketTooShallow(uint256 hourId, uint256 depthHours, uint256 minDepthHours);
    error ZeroAddress(string field);
    error ZeroAmount(string field);
    error InvalidClassConfig(string field, uint256 value);
    error FeeTooHigh(uint256 feeBps, uint256 maxFeeBps);
    error ClassNotListed(uint16 classId);
    error MarketNotOpen(uint256 hourId);
    /// @notice A market opens only over minted hours: its cap is bounded by their bond.
    error NoHoursMinted(uint256 hourId);
    /// @notice The id's bond per hour is too small to scale the class's curve under it (a zero floor).
    error BondBelowAsk(uint256 hourId, uint256 bondPerHourUsdc6, uint256 askUsdc6);
    error NotUpcoming(uint256 hourId, Status status);
    error InProgressNoWithdrawals(uint256 hourId);
    error SlotBeyondHorizon(uint32 slot, uint256 lastOpenableSlot);
    error DeadlinePassed(uint256 deadline, uint256 timestamp);
    error InsufficientHours(uint256 hourId, uint256 requested, uint256 available);
    error InsufficientLiquidity(uint256 hourId, uint256 hoursIn);
    error CostAboveMax(uint256 costUsdc6, uint256 maxCostUsdc6);
    error ProceedsBelowMin(uint256 proceedsUsdc6, uint256 minProceedsUsdc6);
    error Slippage(string field, uint256 value, uint256 limit);
    error NotPositionOwner(uint256 positionId, address caller);
    error SharesExceedPosition(uint256 positionId, uint256 shares, uint256 held);
    /// @dev Before the slot a withdrawal takes whole hours only (R4), and `shares` of the position hold less than one.
    error LessThanOneHour(uint256 positionId, uint256 shares);
    error PositionMarketMismatch(uint256 positionId, uint256 positionHourId, uint256 hourId);
    error ReserveOverflow(string field);

    event ClassListed(uint16 indexed classId, ClassConfig config);
    event FeeSet(uint16 indexed classId, uint16 feeBps);
    event MarketOpened(uint256 indexed hourId, uint16 indexed classId, uint32 indexed slot);
    /// @dev The recipient is in the hours' TransferSingle event.
    event Bought(uint256 indexed hourId, address indexed buyer, uint256 hoursOut, uint256 costUsdc6, uint256 feeUsdc6);
    /// @dev The recipient is in the token's Transfer event.
    event Sold(
        uint256 indexed hourId, address indexed seller, uint256 hoursIn, uint256 proceedsUsdc6, uint256 feeUsdc6
    );
    event LiquidityAdded(
        uint256 indexed positionId, uint256 indexed hourId, uint256 hoursIn, uint256 cashUsdc6, uint256 shares
    );
    event LiquidityRemoved(
        uint256 indexed positionId, uint256 indexed hourId, uint256 hoursOut, uint256 cashUsdc6, uint256 shares
    );
    event Collected(uint256 indexed positionId, address recipient, uint256 amountUsdc6);
    event ProtocolFeesCollected(uint256 indexed hourId, address recipient, uint256 amountUsdc6);

    /// @notice Sets the curve of a capacity class for markets opened from now on (admin): every market whose slot is more
    /// than MARKET_OPEN_LEAD_SLOTS ahead, and any nearer one not yet open. ask ≥ floor > 0, 100 × ask ≥ cap > ask. The
    /// class's index slot follows the new horizon at once.
    function listClass(uint16 classId, ClassConfig calldata config) external;

    /// @notice Sets the trading fee of a class, effective on the next trade in any of its markets (fee role).
    function setFee(uint16 classId, uint16 newFeeBps) external;

    /// @notice Opens the market of `hourId` (any caller; also done by the first deposit), copying and freezing its
    /// class's curve, scaled down if needed (ask, cap and floor alike) so that a buyer's cost per hour at the largest
    /// fee stays within the hours' bond per hour (`IComputeHours.bondPerHourOf`). Only within MARKET_OPEN_LEAD_SLOTS
    /// (7 days) of the slot, so the admin can still correct a class for every market further out; reverts
    /// `SlotBeyondHorizon` beyond, `NoHoursMinted` before any hour of the id exists and `BondBelowAsk` when the bond is
    /// too small to scale the curve under. No market trades before it opens. Idempotent.
    function open(uint256 hourId) external;

    /// @notice Buys exactly `hoursOut` hours, paying at most `maxCostUsdc6` (fee included) from the caller.
    /// @return costUsdc6 what the caller paid, fee included; rounded up.
    function buy(uint256 hourId, uint256 hoursOut, uint256 maxCostUsdc6, address recipient, uint256 deadline)
        external
        returns (uint256 costUsdc6);

    /// @notice Sells exactly `hoursIn` hours of the caller (approved with setApprovalForAll) for at least
    /// `minProceedsUsdc6` (after the fee).
    /// @return proceedsUsdc6 what `recipient` received; rounded down.
    function sell(uint256 hourId, uint256 hoursIn, uint256 minProceedsUsdc6, address recipient, uint256 deadline)
        external
        returns (uint256 proceedsUsdc6);

    /// @notice Deposits hours and/or cash into the market of `hourId`. Either may be zero: a node adds its hours
    /// single-sided. `positionId` 0 mints a new position to `recipient`; otherwise the caller must own or be approved
    /// for the position, which must be in the same market. Shares are the increase of the market's liquidity after the
    /// swap fee on the deposit's net trade (what it would trade along the curve if withdrawn at once) has left the
    /// reserves, paid as a swap's fee is (docs/HOUR_MARKET.md, property 5). A deposit worth less than the fee's 2-usdc6
    /// rounding margin gets no shares.
    /// @return id the position; @return shares the shares minted, at least `minShares`.
    function addLiquidity(
        uint256 positionId,
        uint256 hourId,
        uint256 hoursIn,
        uint256 cashUsdc6,
        uint256 minShares,
        address recipient,
        uint256 deadline
    ) external returns (uint256 id, uint256 shares);

    /// @notice Burns `shares` of a position for its share of the market's hours (Upcoming only: hours cannot move once
    /// the slot starts) and of its units at their current value. Not during the slot. Earnings stay on the position.
    /// Before the slot only whole hours leave (R4): if the shares' part of the hours is not whole, only the shares of
    /// its whole hours are burned (rounded up) and the rest stays on the position with its fraction of an hour; the
    /// event reports the shares burned. A part below one hour reverts `LessThanOneHour`.
    function removeLiquidity(
        uint256 positionId,
        uint256 shares,
        uint256 minHoursOut,
        uint256 minCashUsdc6,
        address recipient,
        uint256 deadline
    ) external returns (uint256 hoursOut, uint256 cashUsdc6);

    /// @notice Pays a position's earnings (fees and freed cash) to `recipient`. Any status.
    function collect(uint256 positionId, address recipient) external returns (uint256 amountUsdc6);

    /// @notice Pays the protocol's fees of the listed markets to `recipient` (fee role).
    function collectProtocolFees(uint256[] calldata hourIds, address recipient) external returns (uint256 amountUsdc6);

    /// @notice Status of a market at the current block time.
    function status(uint256 hourId) external view returns (Status);

    /// @notice Hours a buyer can take from the market now: its reserve while Upcoming, else 0.
    function hoursForSale(uint256 hourId) external view returns (uint256);

    /// @notice Price of the next hour at time `timestamp` if nobody trades until then, in usdc6, fee excluded.
    function priceAt(uint256 hourId, uint256 timestamp) external view returns (uint256 priceUsdc6);

    /// @notice Cost of buying `hoursOut` hours now, fee included, rounded up as `buy` does. Reverts unless Upcoming.
    function quoteBuy(uint256 hourId, uint256 hoursOut) external view returns (uint256 costUsdc6);

    /// @notice Proceeds of selling `hoursIn` hours now, after fee, rounded down as `sell` does. Reverts unless Upcoming.
    function quoteSell(uint256 hourId, uint256 hoursIn) external view returns (uint256 proceedsUsdc6);

    /// @notice The settlement token every market trades against.
    function token() external view returns (IERC20);

    /// @notice Role that lists classes and sets their curves; the index's windows follow it too.
    function MARKET_ADMIN_ROLE() external view returns (bytes32);

    /// @notice A class's curve parameters as last listed (ask 0: not listed).
    function classConfig(uint16 classId) external view returns (ClassConfig memory);

    /// @notice A class's trading fee, basis points.
    function feeBps(uint16 classId) external view returns (uint16);

    /// @notice A class's fee and price-oracle head: its index lead, the cumulative relative price·seconds and the
    /// relative price in force (PriceOracle).
    function oracleHead(uint16 classId) external view returns (PriceOracle.Head memory);

    /// @notice Observation `i` of a class's price ring (OBSERVATIONS = 169 slots, one per hour with observed trades).
    function observation(uint16 classId, uint256 i) external view returns (PriceOracle.Observation memory);

    /// @notice Every class ever listed, in listing order (the index reads those of non-zero weight).
    function indexClasses() external view returns (uint16[] memory);

    /// @notice A market's frozen curve (ask 0: not open), trading state, liquidity offsets and provider book.
    function market(uint256 hourId)
        external
        view
        returns (MarketParams memory params, MarketState memory state, Curve memory curve, Book memory book);

    /// @notice A position, with `owedUsdc6` brought up to the market's last settlement.
    function position(uint256 positionId) external view returns (Position memory pos);
}
