// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {IERC1155} from "@openzeppelin/contracts/token/ERC1155/IERC1155.sol";
import {IERC1155Receiver} from "@openzeppelin/contracts/token/ERC1155/IERC1155Receiver.sol";
import {IERC165} from "@openzeppelin/contracts/utils/introspection/IERC165.sol";
import {AccessControl} from "@openzeppelin/contracts/access/AccessControl.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";
import {IHourMarket} from "./interfaces/IHourMarket.sol";
import {IComputeHours} from "./interfaces/IComputeHours.sol";
import {HourPositions} from "./HourPositions.sol";
import {PulledHoursReceiver} from "./utils/PulledHoursReceiver.sol";
import {HourId} from "./libraries/HourId.sol";
import {HourCurve} from "./libraries/HourCurve.sol";
import {PriceOracle} from "./libraries/PriceOracle.sol";
import "./libraries/Constants.sol" as C;

/// @title HourMarket
/// @notice See {IHourMarket}. One singleton for every (class, slot) market; positions are ERC-721 tokens of the
/// HourPositions contract it deploys.
/// Ledger invariant: the settlement token held equals Σ over markets of cash + protocol fees + earnings not collected.
contract HourMarket is IHourMarket, AccessControl, ReentrancyGuardTransient, PulledHoursReceiver {
    using SafeERC20 for IERC20;

    /// @notice Lists classes and sets their curves.
    bytes32 public constant MARKET_ADMIN_ROLE = keccak256("MARKET_ADMIN_ROLE");
    /// @notice Sets fees and collects the protocol's share (an admin now, governance later).
    bytes32 public constant FEE_ROLE = keccak256("FEE_ROLE");

    /// @dev One trade's amounts, computed before anything is written.
    struct Trade {
        uint256 units;
        uint256 grossUsdc6;
        uint256 feeUsdc6;
        uint256 protocolUsdc6;
        uint256 spotAfterUnits; // the curve's spot after the trade, units per hour (usdc6 at full unit value)
        bool deep; // the market is deep enough for its trades to set the class price (if it is the index slot)
    }

    IERC20 public immutable token;

    HourPositions public immutable positions;
    uint16[] private _indexClasses;

    mapping(uint16 classId => ClassConfig) private _classes;
    mapping(uint16 classId => PriceOracle.Head) private _heads;
    mapping(uint16 classId => mapping(uint256 => PriceOracle.Observation)) private _rings;
    mapping(uint256 hourId => MarketParams) private _params;
    mapping(uint256 hourId => MarketState) private _states;
    mapping(uint256 hourId => Curve) private _curves;
    mapping(uint256 hourId => Book) private _books;
    mapping(uint256 positionId => Position) private _positions;

    constructor(IERC20 token_, IERC1155 hours__, address admin) PulledHoursReceiver(hours__) {
        if (address(token_) == address(0)) revert ZeroAddress("token");
        if (address(hours__) == address(0)) revert ZeroAddress("hours");
        if (admin == address(0)) revert ZeroAddress("admin");
        token = token_;
        positions = new HourPositions();
        _grantRole(DEFAULT_ADMIN_ROLE, admin);
        _grantRole(MARKET_ADMIN_ROLE, admin);
        _grantRole(FEE_ROLE, admin);
    }

    // ---------------------------------------------------------------- admin

    /// @inheritdoc IHourMarket
    function listClass(uint16 classId, ClassConfig calldata config) external onlyRole(MARKET_ADMIN_ROLE) {
        if (config.askUsdc6 == 0) revert InvalidClassConfig("askUsdc6", 0);
        if (config.floorUsdc6 == 0 || config.floorUsdc6 > config.askUsdc6) {
            revert InvalidClassConfig("floorUsdc6", config.floorUsdc6);
        }
        if (
            config.capUsdc6 <= config.askUsdc6 || config.capUsdc6 > C.MAX_PRICE_USDC6
                || config.capUsdc6 > uint256(config.askUsdc6) * C.MAX_CAP_OVER_ASK
        ) {
            revert InvalidClassConfig("capUsdc6", config.capUsdc6);
        }
        if (config.decayHorizonS == 0 || config.decayHorizonS > C.MAX_DECAY_HORIZON_S) {
            revert InvalidClassConfig("decayHorizonS", config.decayHorizonS);
        }
        bool firstListing = _classes[classId].askUsdc6 == 0;
        _classes[classId] = config;
        PriceOracle.Head storage h = _heads[classId];
        h.minDepthHours = config.indexMinDepthHours;
        // R5: the index slot follows the class's current horizon, so relisting never makes two slots observed at once.
        h.indexLeadS = uint32(config.decayHorizonS > C.MAX_INDEX_LEAD_S ? C.MAX_INDEX_LEAD_S : config.decayHorizonS);
        if (firstListing) {
            h.feeBps = C.DEFAULT_FEE_BPS;
            _indexClasses.push(classId);
        }
        emit ClassListed(classId, config);
    }

    /// @inheritdoc IHourMarket
    function setFee(uint16 classId, uint16 newFeeBps) external onlyRole(FEE_ROLE) {
        if (_classes[classId].askUsdc6 == 0) revert ClassNotListed(classId);
        if (newFeeBps > C.MAX_FEE_BPS) revert FeeTooHigh(newFeeBps, C.MAX_FEE_BPS);
        _heads[classId].feeBps = newFeeBps;
        emit FeeSet(classId, newFeeBps);
    }

    /// @inheritdoc IHourMarket
    function collectProtocolFees(uint256[] calldata hourIds, address recipient)
        external
        onlyRole(FEE_ROLE)
        nonReentrant
        returns (uint256 amountUsdc6)
    {
        if (recipient == address(0)) revert ZeroAddress("recipient");
        for (uint256 i; i < hourIds.length; ++i) {
            MarketState storage s = _states[hourIds[i]];
            uint256 fees = s.protocolFeesUsdc6;
            if (fees == 0) continue;
            s.protocolFeesUsdc6 = 0;
            amountUsdc6 += fees;
            emit ProtocolFeesCollected(hourIds[i], recipient, fees);
        }
        if (amountUsdc6 != 0) token.safeTransfer(recipient, amountUsdc6);
    }

    // ---------------------------------------------------------------- markets

    /// @inheritdoc IHourMarket
    function open(uint256 hourId) public {
        // CHECKS
        if (_params[hourId].askUsdc6 != 0) return;
        (uint16 classId, uint32 slot) = HourId.decode(hourId);
        ClassConfig memory config = _classes[classId];
        if (config.askUsdc6 == 0) revert ClassNotListed(classId);
        Status st = _status(slot);
        if (st != Status.Upcoming) revert NotUpcoming(hourId, st);
        // F11: a market's curve is fixed when it opens, and it opens at most MARKET_OPEN_LEAD_SLOTS ahead, so a class's
        // corrected parameters reach every market further out than that.
        uint256 lastSlot = block.timestamp / C.SECONDS_PER_SLOT + C.MARKET_OPEN_LEAD_SLOTS;
        if (slot > lastSlot) revert SlotBeyondHorizon(slot, lastSlot);

        // WRITE
        _params[hourId] = _freezeParams(hourId, config);
        emit MarketOpened(hourId, classId, slot);
    }

    /// @dev THE derivation of a market's curve from its class, called exactly once per market, at the moment its
    /// parameters are fixed (`open`, also reached by the first deposit); no market trades before (`_openParams`).
    function _freezeParams(uint256 hourId, ClassConfig memory config) private view returns (MarketParams memory p) {
        // Delivery guarantee (docs/ARCHITECTURE.md): no buyer may pay more per hour, at the largest fee and with
        // rounding, than the bond a node forfeits per undelivered hour of the id, so non-delivery never pays. A buy
        // rounds its cost up twice (units, fee): at most cap × (1 + fee) + 3 usdc6 per hour. The whole curve scales
        // (ask, cap and floor by maxCap / cap, rounded down), not the cap alone: an id whose bond was fixed before its
        // class was repriced upward still trades, at the prices its bond covers, with the class's shape.
        uint256 bond = IComputeHours(address(hours_)).bondPerHourOf(hourId);
        if (bond == 0) revert NoHoursMinted(hourId);
        uint256 maxCap = bond > 3 ? (bond - 3) * C.BPS / (C.BPS + C.MAX_FEE_BPS) : 0;
        p = MarketParams(config.askUsdc6, config.capUsdc6, config.floorUsdc6, config.decayHorizonS, 0);
        if (config.capUsdc6 <= maxCap) return p;
        p.askUsdc6 = uint64(uint256(config.askUsdc6) * maxCap / config.capUsdc6);
        p.floorUsdc6 = uint64(uint256(config.floorUsdc6) * maxCap / config.capUsdc6);
        p.capUsdc6 = uint64(maxCap);
        if (p.floorUsdc6 == 0 || p.askUsdc6 >= p.capUsdc6) revert BondBelowAsk(hourId, bond, config.askUsdc6);
    }

    /// @inheritdoc IHourMarket
    function buy(uint256 hourId, uint256 hoursOut, uint256 maxCostUsdc6, address recipient, uint256 deadline)
        external
        nonReentrant
        returns (uint256 costUsdc6)
    {
        // CHECKS
        if (hoursOut == 0) revert ZeroAmount("hoursOut");
        if (recipient == address(0)) revert ZeroAddress("recipient");
        (uint16 classId, MarketParams memory p, uint256 valueWad) = _tradable(hourId, deadline);
        MarketState memory s = _states[hourId];
        PriceOracle.Head memory h = _heads[classId];

        // MATH
        Trade memory t = _buyTrade(hourId, s, hoursOut, valueWad, h);
        costUsdc6 = t.grossUsdc6 + t.feeUsdc6;
        if (costUsdc6 > maxCostUsdc6) revert CostAboveMax(costUsdc6, maxCostUsdc6);

        // WRITE
        _applyBuy(s, t, hoursOut, costUsdc6);
        _storeState(hourId, s);
        if (_observed(hourId, h, t.deep, p.liquidityBlock)) _observe(hourId, h, t.spotAfterUnits, p.askUsdc6);
        emit Bought(hourId, msg.sender, hoursOut, costUsdc6, t.feeUsdc6);

        // INTERACTIONS
        token.safeTransferFrom(msg.sender, address(this), costUsdc6);
        hours_.safeTransferFrom(address(this), recipient, hourId, hoursOut, "");
    }

    /// @inheritdoc IHourMarket
    function sell(uint256 hourId, uint256 hoursIn, uint256 minProceedsUsdc6, address recipient, uint256 deadline)
        external
        nonReentrant
        returns (uint256 proceedsUsdc6)
    {
        // CHECKS
        if (hoursIn == 0) revert ZeroAmount("hoursIn");
        if (recipient == address(0)) revert ZeroAddress("recipient");
        (uint16 classId, MarketParams memory p, uint256 valueWad) = _tradable(hourId, deadline);
        MarketState memory s = _states[hourId];
        PriceOracle.Head memory h = _heads[classId];

        // MATH
        Trade memory t = _sellTrade(hourId, s, hoursIn, valueWad, h);
        proceedsUsdc6 = t.grossUsdc6 - t.feeUsdc6;
        if (proceedsUsdc6 < minProceedsUsdc6) revert ProceedsBelowMin(proceedsUsdc6, minProceedsUsdc6);

        // WRITE
        _applySell(s, t, hoursIn, proceedsUsdc6);
        _storeState(hourId, s);
        if (_observed(hourId, h, t.deep, p.liquidityBlock)) _observe(hourId, h, t.spotAfterUnits, p.askUsdc6);
        emit Sold(hourId, msg.sender, hoursIn, proceedsUsdc6, t.feeUsdc6);

        // INTERACTIONS
        hours_.safeTransferFrom(msg.sender, address(this), hourId, hoursIn, "");
        if (proceedsUsdc6 != 0) token.safeTransfer(recipient, proceedsUsdc6);
    }

    // ---------------------------------------------------------------- liquidity

    /// @inheritdoc IHourMarket
    function addLiquidity(
        uint256 positionId,
        uint256 hourId,
        uint256 hoursIn,
        uint256 cashUsdc6,
        uint256 minShares,
        address recipient,
        uint256 deadline
    ) external nonReentrant returns (uint256 id, uint256 shares) {
        // CHECKS
        if (hoursIn == 0 && cashUsdc6 == 0) revert ZeroAmount("hoursIn+cashUsdc6");
        if (positionId == 0) {
            if (recipient == address(0)) revert ZeroAddress("recipient");
        } else {
            _checkPosition(positionId, hourId);
        }
        open(hourId);
        (, MarketParams memory p, uint256 valueWad) = _tradable(hourId, deadline);

        // MATH and WRITE of the market, then the position
        Book memory book = _settle(hourId, valueWad);
        shares = _deposit(hourId, p, book, hoursIn, cashUsdc6, valueWad, minShares);
        if (positionId == 0) {
            id = positions.mint(recipient);
            _positions[id] = Position(uint48(hourId), uint128(shares), 0, book.earnedPerShareX128);
        } else {
            id = positionId;
            Position storage pos = _accrue(id, book.earnedPerShareX128);
            pos.shares += uint128(shares);
        }
        _params[hourId].liquidityBlock = uint32(block.number);
        _observeLiquidity(hourId, p.askUsdc6, false);
        emit LiquidityAdded(id, hourId, hoursIn, cashUsdc6, shares);

        // INTERACTIONS
        if (hoursIn != 0) hours_.safeTransferFrom(msg.sender, address(this), hourId, hoursIn, "");
        if (cashUsdc6 != 0) token.safeTransferFrom(msg.sender, address(this), cashUsdc6);
    }

    /// @inheritdoc IHourMarket
    function removeLiquidity(
        uint256 positionId,
        uint256 shares,
        uint256 minHoursOut,
        uint256 minCashUsdc6,
        address recipient,
        uint256 deadline
    ) external nonReentrant returns (uint256 hoursOut, uint256 cashUsdc6) {
        // CHECKS
        if (shares == 0) revert ZeroAmount("shares");
        if (recipient == address(0)) revert ZeroAddress("recipient");
        if (block.timestamp > deadline) revert DeadlinePassed(deadline, block.timestamp);
        uint256 hourId = _positions[positionId].hourId;
        _checkPosition(positionId, hourId);
        Status st;
        uint256 valueWad;
        {
            uint256 held = _positions[positionId].shares;
            if (shares > held) revert SharesExceedPosition(positionId, shares, held);
            (, uint32 slot) = HourId.decode(hourId);
            st = _status(slot);
            if (st == Status.InProgress) revert InProgressNoWithdrawals(hourId);
            valueWad = _unitValue(_params[hourId], slot);
        }

        // MATH and WRITE
        {
            Book memory book = _settle(hourId, valueWad);
            uint256 requested = shares;
            (shares, hoursOut, cashUsdc6) = _withdraw(hourId, book, shares, valueWad, st == Status.Upcoming);
            if (shares == 0) revert LessThanOneHour(positionId, requested);
            _accrue(positionId, book.earnedPerShareX128).shares -= uint128(shares);
        }
        if (hoursOut < minHoursOut) revert Slippage("hoursOut", hoursOut, minHoursOut);
        if (cashUsdc6 < minCashUsdc6) revert Slippage("cashUsdc6", cashUsdc6, minCashUsdc6);
        _params[hourId].liquidityBlock = uint32(block.number);
        if (st == Status.Upcoming) _observeLiquidity(hourId, _params[hourId].askUsdc6, true);
        emit LiquidityRemoved(positionId, hourId, hoursOut, cashUsdc6, shares);

        // INTERACTIONS
        if (hoursOut != 0) hours_.safeTransferFrom(address(this), recipient, hourId, hoursOut, "");
        if (cashUsdc6 != 0) token.safeTransfer(recipient, cashUsdc6);
    }

    /// @inheritdoc IHourMarket
    function collect(uint256 positionId, address recipient) external nonReentrant returns (uint256 amountUsdc6) {
        if (recipient == address(0)) revert ZeroAddress("recipient");
        uint256 hourId = _positions[positionId].hourId;
        _checkPosition(positionId, hourId);
        (, uint32 slot) = HourId.decode(hourId);
        Book memory book = _settle(hourId, _unitValue(_params[hourId], slot));
        Position storage pos = _accrue(positionId, book.earnedPerShareX128);
        amountUsdc6 = pos.owedUsdc6;
        pos.owedUsdc6 = 0;
        book.earnedUsdc6 -= uint128(amountUsdc6);
        _books[hourId] = book;
        emit Collected(positionId, recipient, amountUsdc6);
        if (amountUsdc6 != 0) token.safeTransfer(recipient, amountUsdc6);
    }

    // ---------------------------------------------------------------- views

    /// @inheritdoc IHourMarket
    function status(uint256 hourId) external view returns (Status) {
        (, uint32 slot) = HourId.decode(hourId);
        return _status(slot);
    }

    /// @inheritdoc IHourMarket
    function hoursForSale(uint256 hourId) external view returns (uint256) {
        (, uint32 slot) = HourId.decode(hourId);
        if (_status(slot) != Status.Upcoming) return 0;
        return _states[hourId].hoursReserve; // zero for a market not open
    }

    /// @inheritdoc IHourMarket
    function priceAt(uint256 hourId, uint256 timestamp) external view returns (uint256) {
        (, uint32 slot) = HourId.decode(hourId);
        MarketParams memory p = _openParams(hourId);
        MarketState memory s = _states[hourId];
        Curve memory c = _curves[hourId];
        if (c.virtualHoursWad == 0) return 0; // no liquidity yet
        uint256 valueWad =
            HourCurve.unitValueWad(p.askUsdc6, p.floorUsdc6, p.decayHorizonS, HourId.startOf(slot), timestamp);
        uint256 xWad = uint256(s.hoursReserve) * HourCurve.WAD + c.virtualHoursWad;
        return HourCurve.toCashDown(HourCurve.spotUnits(xWad, uint256(s.unitsReserve) + c.virtualUnits), valueWad);
    }

    /// @inheritdoc IHourMarket
    function quoteBuy(uint256 hourId, uint256 hoursOut) external view returns (uint256) {
        (uint16 classId, uint32 slot) = HourId.decode(hourId);
        if (hoursOut == 0) revert ZeroAmount("hoursOut");
        Status st = _status(slot);
        if (st != Status.Upcoming) revert NotUpcoming(hourId, st);
        Trade memory t =
            _buyTrade(hourId, _states[hourId], hoursOut, _unitValue(_openParams(hourId), slot), _heads[classId]);
        return t.grossUsdc6 + t.feeUsdc6;
    }

    /// @inheritdoc IHourMarket
    function quoteSell(uint256 hourId, uint256 hoursIn) external view returns (uint256) {
        (uint16 classId, uint32 slot) = HourId.decode(hourId);
        if (hoursIn == 0) revert ZeroAmount("hoursIn");
        Status st = _status(slot);
        if (st != Status.Upcoming) revert NotUpcoming(hourId, st);
        Trade memory t =
            _sellTrade(hourId, _states[hourId], hoursIn, _unitValue(_openParams(hourId), slot), _heads[classId]);
        return t.grossUsdc6 - t.feeUsdc6;
    }

    /// @inheritdoc IHourMarket
    function classConfig(uint16 classId) external view returns (ClassConfig memory) {
        return _classes[classId];
    }

    /// @inheritdoc IHourMarket
    function feeBps(uint16 classId) external view returns (uint16) {
        return _heads[classId].feeBps;
    }

    /// @inheritdoc IHourMarket
    function oracleHead(uint16 classId) external view returns (PriceOracle.Head memory) {
        return _heads[classId];
    }

    /// @inheritdoc IHourMarket
    function market(uint256 hourId)
        external
        view
        returns (MarketParams memory params, MarketState memory state, Curve memory curve, Book memory book)
    {
        return (_params[hourId], _states[hourId], _curves[hourId], _books[hourId]);
    }

    /// @inheritdoc IHourMarket
    function position(uint256 positionId) external view returns (Position memory pos) {
        pos = _positions[positionId];
        pos.owedUsdc6 += _earnedSince(pos.shares, pos.earnedPerShareX128, _books[pos.hourId].earnedPerShareX128);
    }

    /// @inheritdoc IHourMarket
    function observation(uint16 classId, uint256 i) external view returns (PriceOracle.Observation memory) {
        return _rings[classId][i];
    }

    /// @inheritdoc IHourMarket
    function indexClasses() external view returns (uint16[] memory) {
        return _indexClasses;
    }

    function supportsInterface(bytes4 interfaceId) public view override(AccessControl, IERC165) returns (bool) {
        return interfaceId == type(IERC1155Receiver).interfaceId || super.supportsInterface(interfaceId);
    }

    // ---------------------------------------------------------------- internal

    function _status(uint32 slot) private view returns (Status) {
        uint256 start = HourId.startOf(slot);
        if (block.timestamp < start) return Status.Upcoming;
        if (block.timestamp < start + C.SECONDS_PER_SLOT) return Status.InProgress;
        return Status.Exited;
    }

    /// @dev Checks that `hourId`'s market is open and trading before `deadline`; returns its curve and unit value now.
    function _tradable(uint256 hourId, uint256 deadline)
        private
        view
        returns (uint16 classId, MarketParams memory p, uint256 valueWad)
    {
        if (block.timestamp > deadline) revert DeadlinePassed(deadline, block.timestamp);
        uint32 slot;
        (classId, slot) = HourId.decode(hourId);
        Status st = _status(slot);
        if (st != Status.Upcoming) revert NotUpcoming(hourId, st);
        p = _openParams(hourId);
        valueWad = _unitValue(p, slot);
    }

    /// @dev Whether `hourId` is its class's index slot now (F3): the one slot whose start is more than the class's
    /// index lead and at most one slot more ahead, (now + lead, now + lead + 3600]. Only its trades write the class's
    /// price series: one market per class at any time, each slot in turn for one hour; no trader can pick which market
    /// sets the class price. The lead is the class's decay horizon (so the slot trades at full unit value), capped at
    /// MAX_INDEX_LEAD_S, the farthest openable slot, for a longer horizon; the series is taken without decay anyway.
    function _isIndexSlot(uint256 hourId, uint256 leadS) private view returns (bool) {
        unchecked {
            // a uint32 lead added to a timestamp cannot overflow
            return uint32(hourId) == (block.timestamp + leadS) / C.SECONDS_PER_SLOT + 1;
        }
    }

    /// @dev Whether a trade in `hourId` moves its class price: every trade of the market that set the price in force;
    /// a trade of the index slot takes the price over if its market is deep enough and its liquidity did not change in
    /// this block (depth that cannot be borrowed).
    function _observed(uint256 hourId, PriceOracle.Head memory h, bool deep, uint32 liquidityBlock)
        private
        view
        returns (bool)
    {
        if (uint32(hourId) == h.priceSlot) return true;
        return deep && liquidityBlock != uint32(block.number) && _isIndexSlot(hourId, h.indexLeadS);
    }

    /// @dev Records a market's spot relative to its ask as its class price (PriceOracle: decay and bond scaling left
    /// out); the market becomes its class's price market.
    function _observe(uint256 hourId, PriceOracle.Head memory h, uint256 spotUnits, uint256 askUsdc6) private {
        uint16 classId = uint16(hourId >> 32);
        PriceOracle.store(
            _heads[classId], PriceOracle.record(h, _rings[classId], spotUnits * C.PPM / askUsdc6, uint32(hourId))
        );
    }

    /// @dev A liquidity change in the market that sets its class price moves the price with the market's spot, so no
    /// action there is unobserved; and a withdrawal may not leave that market shallower than the class's minimum depth
    /// (at least one hour), or a market emptied after moving the price would hold it with nothing left to trade
    /// against. The depth here is its liquidity's, in hours at the bottom of its range (L/√ask = virtual units / ask),
    /// which trades do not change: buying the market out does not lock its providers. A deposit only deepens it, so it
    /// is never refused.
    function _observeLiquidity(uint256 hourId, uint256 askUsdc6, bool withdrawal) private {
        PriceOracle.Head memory h = _heads[uint16(hourId >> 32)];
        if (uint32(hourId) != h.priceSlot) return;
        MarketState memory s = _states[hourId];
        Curve memory c = _curves[hourId];
        uint256 minDepth = h.minDepthHours == 0 ? 1 : h.minDepthHours;
        if (withdrawal && c.virtualUnits < minDepth * askUsdc6) {
            revert PriceMarketTooShallow(hourId, c.virtualUnits / askUsdc6, minDepth);
        }
        uint256 xWad = uint256(s.hoursReserve) * HourCurve.WAD + c.virtualHoursWad;
        _observe(hourId, h, HourCurve.spotUnits(xWad, uint256(s.unitsReserve) + c.virtualUnits), askUsdc6);
    }

    function _openParams(uint256 hourId) private view returns (MarketParams memory p) {
        p = _params[hourId];
        if (p.askUsdc6 == 0) revert MarketNotOpen(hourId);
    }

    function _unitValue(MarketParams memory p, uint32 slot) private view returns (uint256) {
        return HourCurve.unitValueWad(p.askUsdc6, p.floorUsdc6, p.decayHorizonS, HourId.startOf(slot), block.timestamp);
    }

    /// @dev Adds a deposit to the market's reserves and returns the shares it earns: the rise of the market's liquidity
    /// in proportion to the shares outstanding, rounded down, after the swap fee on its net trade has left the reserves
    /// (R3): that fee is paid as a swap's is, 80 % to the providers already in and 20 % to the protocol.
    function _deposit(
        uint256 hourId,
        MarketParams memory p,
        Book memory book,
        uint256 hoursIn,
        uint256 cashUsdc6,
        uint256 valueWad,
        uint256 minShares
    ) private returns (uint256 shares) {
        uint256 unitsIn = HourCurve.toUnitsDown(cashUsdc6, valueWad);
        if (cashUsdc6 != 0 && unitsIn == 0) revert ZeroAmount("unitsIn");
        MarketState memory s = _states[hourId];
        HourCurve.Deposit memory d;
        (d.hoursBefore, d.unitsBefore) = (s.hoursReserve, s.unitsReserve);
        (d.hoursAfter, d.unitsAfter) = (d.hoursBefore + hoursIn, d.unitsBefore + unitsIn);
        (d.sqrtAsk, d.invSqrtCap) = HourCurve.rangeRoots(p.askUsdc6, p.capUsdc6);
        uint256 feeUnits;
        (shares, feeUnits) = _sharesFor(hourId, d, book.totalShares, valueWad);
        if (shares == 0 || shares < minShares) revert Slippage("shares", shares, minShares);

        s.hoursReserve = uint32(_fit(d.hoursAfter, type(uint32).max, "hoursReserve"));
        s.unitsReserve = uint64(_fit(d.unitsAfter, type(uint64).max, "unitsReserve"));
        s.cashUsdc6 = uint96(_fit(uint256(s.cashUsdc6) + cashUsdc6, type(uint96).max, "cashUsdc6"));
        _payDepositFee(s, book, HourCurve.toCashDown(feeUnits, valueWad));
        _states[hourId] = s;
        _setCurve(hourId, d.liquidityAfter, d.sqrtAsk, d.invSqrtCap);
        book.totalShares = uint128(_fit(uint256(book.totalShares) + shares, type(uint128).max, "totalShares"));
        _books[hourId] = book;
    }

    /// @dev Pays a deposit's swap fee, whose units have left the reserves, out of the backing as a swap's fee is paid:
    /// the protocol's share (rounded down) to the protocol, the rest to the providers already in, per share, before
    /// the deposit's shares exist. Cash ≥ ⌈v·units⌉ still holds: ⌊v·fee units⌋ leaves with ⌈v·…⌉ of backing freed.
    function _payDepositFee(MarketState memory s, Book memory book, uint256 feeCash) private pure {
        if (feeCash == 0) return;
        uint256 protocolCash = feeCash * C.PROTOCOL_FEE_SHARE_BPS / C.BPS;
        s.cashUsdc6 -= uint96(feeCash);
        s.protocolFeesUsdc6 =
            uint64(_fit(uint256(s.protocolFeesUsdc6) + protocolCash, type(uint64).max, "protocolFeesUsdc6"));
        book.earnedUsdc6 += uint128(feeCash - protocolCash);
        book.earnedPerShareX128 += ((feeCash - protocolCash) << 128) / book.totalShares;
    }

    /// @dev Shares of a deposit and the units of its swap fee (F7, R3). The first deposit's shares are its liquidity.
    /// A later deposit, withdrawn at once, is a trade along the curve of the providers already in (their L0 of the
    /// liquidity L1 after it holds (a, b)·L0/L1, on their curve): `HourCurve.imbalanceFeeUnits` is the fee a direct
    /// swap would pay on that trade, taken out of the deposit's units side of the reserves (`d.unitsAfter` is set to
    /// what stays), and the shares are the rise of the liquidity of what stays, S·(L' − L0)/L0, rounded down. A
    /// deposit in the reserves' proportion trades nothing and pays only the rounding margin.
    function _sharesFor(uint256 hourId, HourCurve.Deposit memory d, uint256 totalShares, uint256 valueWad)
        private
        view
        returns (uint256 shares, uint256 feeUnits)
    {
        d.liquidityAfter = HourCurve.liquidity(d.hoursAfter, d.unitsAfter, d.sqrtAsk, d.invSqrtCap);
        if (totalShares == 0) return (d.liquidityAfter, 0);
        d.liquidityBefore = HourCurve.liquidity(d.hoursBefore, d.unitsBefore, d.sqrtAsk, d.invSqrtCap);
        // The fee of the class of an id that _tradable decoded, plus two usdc6 at the unit value (≥ floor/ask > 0) for
        // the roundings of the swap it is compared with, also at a zero fee: rounding favours the market.
        feeUnits = HourCurve.imbalanceFeeUnits(
            d, _heads[uint16(hourId >> 32)].feeBps, (2 * HourCurve.WAD + valueWad - 1) / valueWad
        );
        if (feeUnits != 0) {
            d.unitsAfter -= feeUnits;
            d.liquidityAfter = HourCurve.liquidity(d.hoursAfter, d.unitsAfter, d.sqrtAsk, d.invSqrtCap);
        }
        if (d.liquidityAfter > d.liquidityBefore) {
            shares = totalShares * (d.liquidityAfter - d.liquidityBefore) / d.liquidityBefore;
        }
    }

    /// @dev Takes `shares`' part of the market's hours and units out of the reserves; returns the shares burned, the
    /// hours to send (none once the slot has started: hours cannot move then and are worthless, so they stay here) and
    /// the units' cash. Before the slot only whole hours leave (R4): when the shares' part of the hours is not whole,
    /// only the shares of its whole hours are burned, rounded up against the withdrawer (⌈h·S/x⌉ ≤ shares), so the
    /// providers who stay are never diluted, and the rest of the position, with its fraction of an hour, stays its
    /// claim (sold with the market's hours or, after the slot, withdrawn as the units' cash). Paying the fraction in
    /// cash instead would be a fee-free sale of it to the other providers (F7). A part below one hour burns nothing:
    /// the caller reverts `LessThanOneHour` (with the hours, 0).
    function _withdraw(uint256 hourId, Book memory book, uint256 shares, uint256 valueWad, bool upcoming)
        private
        returns (uint256 burned, uint256 hoursOut, uint256 cashUsdc6)
    {
        MarketState memory s = _states[hourId];
        uint256 total = book.totalShares;
        uint256 hoursShare;
        uint256 unitsShare;
        // Unchecked: shares ≤ total < 2^128, hours < 2^32 and units < 2^64, so no product reaches 2^256; total > 0.
        unchecked {
            hoursShare = uint256(s.hoursReserve) * shares / total;
            burned = shares;
            if (upcoming) {
                hoursOut = hoursShare;
                if (hoursShare * total != uint256(s.hoursReserve) * shares) {
                    if (hoursShare == 0) return (0, 0, 0);
                    burned = (hoursShare * total - 1) / s.hoursReserve + 1;
                }
            }
            unitsShare = uint256(s.unitsReserve) * burned / total;
        }
        cashUsdc6 = HourCurve.toCashDown(unitsShare, valueWad);

        book.totalShares -= uint128(burned);
        s.hoursReserve -= uint32(hoursShare);
        s.unitsReserve -= uint64(unitsShare);
        s.cashUsdc6 -= uint96(cashUsdc6);
        if (book.totalShares == 0) {
            // The last provider is out: what rounding left behind belongs to no one but the protocol.
            s.protocolFeesUsdc6 =
                uint64(_fit(uint256(s.protocolFeesUsdc6) + s.cashUsdc6, type(uint64).max, "protocolFeesUsdc6"));
            s.cashUsdc6 = 0;
        }
        _states[hourId] = s;
        _books[hourId] = book;
        if (upcoming) {
            MarketParams memory p = _params[hourId];
            (uint256 sqrtAsk, uint256 invSqrtCap) = HourCurve.rangeRoots(p.askUsdc6, p.capUsdc6);
            _setCurve(
                hourId, HourCurve.liquidity(s.hoursReserve, s.unitsReserve, sqrtAsk, invSqrtCap), sqrtAsk, invSqrtCap
            );
        }
    }

    /// @dev The units a buyer adds for `hoursOut`, their cash (rounded up), the fee and the price after.
    function _buyTrade(
        uint256 hourId,
        MarketState memory s,
        uint256 hoursOut,
        uint256 valueWad,
        PriceOracle.Head memory h
    ) private view returns (Trade memory t) {
        if (hoursOut > s.hoursReserve) revert InsufficientHours(hourId, hoursOut, s.hoursReserve);
        Curve memory c = _curves[hourId];
        uint256 xWad = uint256(s.hoursReserve) * HourCurve.WAD + c.virtualHoursWad;
        uint256 y = uint256(s.unitsReserve) + c.virtualUnits;
        t.units = HourCurve.unitsInForHoursOut(xWad, y, hoursOut);
        t.grossUsdc6 = HourCurve.toCashUp(t.units, valueWad);
        (t.feeUsdc6, t.protocolUsdc6) = _fee(t.grossUsdc6, h.feeBps);
        t.deep = xWad >= uint256(h.minDepthHours) * HourCurve.WAD;
        t.spotAfterUnits = HourCurve.spotUnits(xWad - hoursOut * HourCurve.WAD, y + t.units);
    }

    /// @dev The units a seller takes for `hoursIn`, their cash (rounded down), the fee and the price after.
    function _sellTrade(
        uint256 hourId,
        MarketState memory s,
        uint256 hoursIn,
        uint256 valueWad,
        PriceOracle.Head memory h
    ) private view returns (Trade memory t) {
        Curve memory c = _curves[hourId];
        uint256 xWad = uint256(s.hoursReserve) * HourCurve.WAD + c.virtualHoursWad;
        uint256 y = uint256(s.unitsReserve) + c.virtualUnits;
        t.units = HourCurve.unitsOutForHoursIn(xWad, y, hoursIn);
        // No units to pay with, or no curve at all (a market without liquidity prices every sale at 0).
        if (t.units == 0 || t.units > s.unitsReserve) revert InsufficientLiquidity(hourId, hoursIn);
        t.grossUsdc6 = HourCurve.toCashDown(t.units, valueWad);
        (t.feeUsdc6, t.protocolUsdc6) = _fee(t.grossUsdc6, h.feeBps);
        t.deep = xWad >= uint256(h.minDepthHours) * HourCurve.WAD;
        t.spotAfterUnits = HourCurve.spotUnits(xWad + hoursIn * HourCurve.WAD, y - t.units);
    }

    /// @dev A buy's new reserves, in memory; the cash keeps the LP part of the fee until the next settlement.
    function _applyBuy(MarketState memory s, Trade memory t, uint256 hoursOut, uint256 costUsdc6) private pure {
        uint256 units = uint256(s.unitsReserve) + t.units;
        uint256 cash = uint256(s.cashUsdc6) + costUsdc6 - t.protocolUsdc6;
        uint256 protocolFees = uint256(s.protocolFeesUsdc6) + t.protocolUsdc6;
        if (units > type(uint64).max) revert ReserveOverflow("unitsReserve");
        if (cash > type(uint96).max) revert ReserveOverflow("cashUsdc6");
        if (protocolFees > type(uint64).max) revert ReserveOverflow("protocolFeesUsdc6");
        s.hoursReserve -= uint32(hoursOut);
        (s.unitsReserve, s.cashUsdc6, s.protocolFeesUsdc6) = (uint64(units), uint96(cash), uint64(protocolFees));
    }

    /// @dev A sell's new reserves, in memory. Cash ≥ value·units ≥ gross, so paying out cannot underflow.
    function _applySell(MarketState memory s, Trade memory t, uint256 hoursIn, uint256 proceedsUsdc6) private pure {
        uint256 hoursAfter = uint256(s.hoursReserve) + hoursIn;
        uint256 protocolFees = uint256(s.protocolFeesUsdc6) + t.protocolUsdc6;
        if (hoursAfter > type(uint32).max) revert ReserveOverflow("hoursReserve");
        if (protocolFees > type(uint64).max) revert ReserveOverflow("protocolFeesUsdc6");
        s.hoursReserve = uint32(hoursAfter);
        s.unitsReserve -= uint64(t.units);
        s.cashUsdc6 -= uint96(proceedsUsdc6 + t.protocolUsdc6);
        s.protocolFeesUsdc6 = uint64(protocolFees);
    }

    /// @dev Fee rounded up; the protocol's share of it rounded down.
    function _fee(uint256 grossUsdc6, uint16 feeBps_) private pure returns (uint256 feeUsdc6, uint256 protocolUsdc6) {
        feeUsdc6 = (grossUsdc6 * feeBps_ + C.BPS - 1) / C.BPS;
        protocolUsdc6 = feeUsdc6 * C.PROTOCOL_FEE_SHARE_BPS / C.BPS;
    }

    /// @dev Moves the cash that no longer backs the units at their current value (decay, fees) to the providers'
    /// earnings, per share. Between two settlements shares do not change, so the split is exact.
    function _settle(uint256 hourId, uint256 valueWad) private returns (Book memory book) {
        book = _books[hourId];
        MarketState storage s = _states[hourId];
        uint256 backing = HourCurve.toCashUp(s.unitsReserve, valueWad);
        uint256 cash = s.cashUsdc6;
        if (book.totalShares == 0 || cash <= backing) return book;
        uint256 surplus = cash - backing;
        s.cashUsdc6 = uint96(backing);
        book.earnedUsdc6 += uint128(surplus);
        book.earnedPerShareX128 += (surplus << 128) / book.totalShares;
        _books[hourId] = book;
    }

    /// @dev Writes a market's state in one SSTORE (the trade path; Solidity writes struct members one by one).
    function _storeState(uint256 hourId, MarketState memory s) private {
        uint256 word = uint256(s.hoursReserve) | uint256(s.unitsReserve) << 32 | uint256(s.cashUsdc6) << 96
            | uint256(s.protocolFeesUsdc6) << 192;
        MarketState storage ref = _states[hourId];
        assembly ("memory-safe") {
            sstore(ref.slot, word)
        }
    }

    function _accrue(uint256 positionId, uint256 earnedPerShareX128) private returns (Position storage pos) {
        pos = _positions[positionId];
        pos.owedUsdc6 += _earnedSince(pos.shares, pos.earnedPerShareX128, earnedPerShareX128);
        pos.earnedPerShareX128 = earnedPerShareX128;
    }

    /// @dev What `shares` earned since the accumulator stood at `checkpointX128` and until it stands at `nowX128`;
    /// rounded down, so the positions' sum never exceeds the book's earnings.
    function _earnedSince(uint256 shares, uint256 checkpointX128, uint256 nowX128) private pure returns (uint128) {
        return uint128(shares * (nowX128 - checkpointX128) >> 128);
    }

    function _setCurve(uint256 hourId, uint256 liquidityWad, uint256 sqrtAsk, uint256 invSqrtCap) private {
        (uint256 vx, uint256 vy) = HourCurve.offsets(liquidityWad, sqrtAsk, invSqrtCap);
        _curves[hourId] = Curve(uint128(vx), uint128(vy));
    }

    function _checkPosition(uint256 positionId, uint256 hourId) private view {
        if (!positions.isAuthorized(msg.sender, positionId)) revert NotPositionOwner(positionId, msg.sender);
        uint256 positionHourId = _positions[positionId].hourId;
        if (positionHourId != hourId) revert PositionMarketMismatch(positionId, positionHourId, hourId);
    }

    /// @dev `v`, checked to fit a reserve field whose largest value is `max`.
    function _fit(uint256 v, uint256 max, string memory field) private pure returns (uint256) {
        if (v > max) revert ReserveOverflow(field);
        return v;
    }
}
