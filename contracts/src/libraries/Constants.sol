// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

// Protocol constants, each with its derivation.

// Hour slots are floor(unix seconds / 3600): the unit of a compute hour.
uint256 constant SECONDS_PER_SLOT = 3600;

// Hours can be minted at most 90 days (2,160 slots) ahead: day-ahead and forward energy markets rarely price beyond a
// quarter, and a node's green supply cannot be forecast usefully further out. Bounds the storage a node can reserve.
uint256 constant MAX_MINT_HORIZON_SLOTS = 90 * 24;

// A node that asks to exit keeps its stake locked for 7 days (168 slots): long enough for attestation challenges on its
// last hours (telemetry challenge window, see PRODUCT.md component 2) and for its last obligations to be settled.
uint256 constant UNBONDING_DELAY_SECONDS = 7 days;

// After a slot ends, the attestation role has 24 h to confirm delivery of the hours redeemed in it; after that, anyone
// may settle an unconfirmed redemption from the node's bond. 24 h covers the hourly telemetry commit plus a day of slack.
uint256 constant DELIVERY_CONFIRMATION_WINDOW_SECONDS = 24 hours;

// A redemption is accepted in the first 6 minutes of its slot only: a GPU-hour counts as delivered when the GPUs were
// available for MIN_UPTIME_BPS (90 %) of the slot, 3,240 s, so a redemption later than 3,600 − 3,240 = 360 s would ask
// for what can no longer be delivered (and would earn the bond from a node that was never given the time).
uint256 constant REDEMPTION_WINDOW_SECONDS = SECONDS_PER_SLOT * (BPS - MIN_UPTIME_BPS) / BPS;

// Largest GPU count of one node: a full 128-node DGX SuperPOD has 1,024 GPUs. Capacity per slot is the GPU count.
uint16 constant MAX_GPU_COUNT = 1024;

// A GPU's board power is at most 10 kW: the densest accelerator board today (a GB200 superchip) draws ~2.7 kW. With
// MAX_GPU_COUNT GPUs a node's power bound is at most 10.24 MW, inside the uint24 W (16.7 MW) the registry keeps per node.
uint32 constant MAX_GPU_BOARD_POWER_W = 10_000;

// Spec bounds that reject typos (a value in W entered as mW): 100 MWp PV is a utility plant, 1 GWh a grid battery,
// 10 MW the largest truck-charging depot connection. A Greenhour site is far below each.
uint32 constant MAX_PV_WP = 100_000_000;
uint32 constant MAX_BATTERY_WH = 1_000_000_000;
uint32 constant MAX_CHARGER_W = 10_000_000;

// Largest stake of one node: 10^18 usdc6, a trillion dollars, more than any settlement token's supply. It bounds the
// registry's packed stake words (uint64 stake and bond per node, < 1.8 × 10^19); `register` and `addStake` revert
// `StakeAboveMax` above it.
uint256 constant MAX_NODE_STAKE_USDC6 = 1e18;

// Green share is in basis points of the energy a node drew in a slot.
uint16 constant BPS = 10_000;

// A committed hour can be challenged for 6 h; then it is final. The attester commits minutes after the hour ends, so the
// hour is final about 6 h after its end: well inside the 24 h DELIVERY_CONFIRMATION_WINDOW_SECONDS, leaving 18 h to
// confirm deliveries against final records. Six hours is ample for anyone to download an hour's records and signed
// messages (a few MB for a thousand nodes) and re-verify them, while a node's payouts wait at most a quarter of a day.
uint256 constant CHALLENGE_WINDOW_SECONDS = 6 hours;

// A slot's root must be committed within 18 h of the slot's end: later it could not become final (6 h of challenges)
// inside the 24 h in which deliveries are confirmed. Being shorter than UNBONDING_DELAY_SECONDS (7 days), it also
// means that a device key bound to a new node (possible only after its old node's unbonding) can never be held to the
// new node's spec with windows it signed for the old one.
uint256 constant COMMIT_DEADLINE_SECONDS = DELIVERY_CONFIRMATION_WINDOW_SECONDS - CHALLENGE_WINDOW_SECONDS;

// A successful challenger is paid a fifth of what the fault forfeits (the record's bond, and the device slash when the
// device signed impossible data); the rest goes to the protocol's treasury. Paying the whole of it would let a cheater
// challenge its own false record (or its own device) first, from a second address, and lose nothing; at a fifth a
// self-challenge still costs four fifths. A fifth of the default 10 USD record bond, 2 USD, pays a challenge of the
// largest record (~1.2M gas) on an L2 many times over.
uint16 constant CHALLENGER_REWARD_BPS = 2_000;

// A claimed node-hour earns a PoGCS credit when its GPUs were available for at least 90 % of it: 54 of 60 minutes
// (3,240 s), the availability of a typical 90 % SLA. Checked as uptimeS × BPS ≥ MIN_UPTIME_BPS × SECONDS_PER_SLOT.
uint16 constant MIN_UPTIME_BPS = 9_000;

// A device that signed physically impossible telemetry loses half of its node's stake to the challenger. Half, not all:
// a single fault already costs far more than the hour it could earn (stake minimums are 50 to 1,000 USD against hours of
// cents to a few dollars), a repeat takes 75 %, and the other half keeps backing the node's bonded delivery obligations
// to buyers (a slash takes free stake first), who did nothing wrong. A broken meter, not only a forger, can trip a bound.
uint16 constant DEVICE_FRAUD_SLASH_BPS = 5_000;

// A node-hour record aggregates at most 60 windows: one-minute windows, the agent's default and shortest allowed
// length. A challenge resubmits every window of a record in one transaction: for 60 windows, a 32-hash proof and every
// check run, 1,272,056 gas under EIP-7623 calldata pricing, at most 1,614,224 whatever the bytes (measured in
// AttestationOracleChallengeGasTest), against a budget of 5M: every false record is provable in a sixth of a 30M-gas
// block. Unbounded, a 3,600-window record of one-second windows took 18.4M gas and ~3,400 forged windows filled a block.
// A record whose messageCount is 0 or above the bound is itself a fault, provable without messages.
uint32 constant MAX_WINDOWS_PER_RECORD = 60;

// Battery charge and discharge power is bounded at 2C (twice the capacity per hour): commercial LFP storage is rated at
// most 1C continuous; the factor 2 leaves room for peaks. Physical bound of docs/TELEMETRY.md section 2.
uint256 constant MAX_BATTERY_C_RATE = 2;

// ------------------------------------------------------------------ hour market

// A new class trades at a 0.30 % fee, Uniswap v2's single rate: enough to make any same-block round trip lose (the
// curve is path-independent, so a round trip's only cost is twice the fee) while staying below a typical compute
// broker's spread. The fee role may change it per class, at most to MAX_FEE_BPS.
uint16 constant DEFAULT_FEE_BPS = 30;

// Fees above 10 % would make the market worse than an off-chain broker; the bound also stops a wrong entry (1,000 for
// 100) from taking a tenth of every trade.
uint16 constant MAX_FEE_BPS = 1_000;

// The protocol keeps a fifth of each fee; liquidity providers get the rest. Uniswap v3's protocol fee ranges from 1/10
// to 1/4 of the LP fee; a fifth sits in that range and pays for the attestation and index upkeep.
uint16 constant PROTOCOL_FEE_SHARE_BPS = 2_000;

// Curve prices are bounded to 1,000,000 USD per hour: three orders of magnitude above the dearest GPU-hour, small
// enough that reserves × √price stays far inside 256-bit arithmetic (see HourCurve.liquidity).
uint64 constant MAX_PRICE_USDC6 = 1e12;

// A unit starts to lose value at most 90 days before its slot, the minting horizon: before hours exist there is
// nothing to decay.
uint32 constant MAX_DECAY_HORIZON_S = 90 days;

// A market opens (and its curve is copied from its class and frozen) at most 7 days (168 slots) before its slot: the
// longest bundle a buyer books in one go (MAX_BUNDLE_SLOTS, a weekly run) can be bought a week ahead, while every market
// further out than a week still takes the class's parameters as corrected by the admin. Opening is permissionless, so a
// longer lead (up to the 90-day minting horizon) would let anyone freeze a wrong curve on 2,160 markets at once (F11).
uint256 constant MARKET_OPEN_LEAD_SLOTS = 7 * 24;

// A class's index slot (the one market whose trades set its price series, HourMarket._isIndexSlot) starts in
// (now + lead, now + lead + 1 h] with lead = its decay horizon, capped here at one slot less than the opening lead so the
// index slot is always a market that can be open: (168 − 1) × 3600 s. A class whose horizon is longer is then observed
// a little inside its decay, always at the same distance from the slot.
uint256 constant MAX_INDEX_LEAD_S = (MARKET_OPEN_LEAD_SLOTS - 1) * SECONDS_PER_SLOT;

// The green compute index is published only over windows the market admin allows (F3), each a whole number of hours
// (TWAPs run between hour boundaries, where the class's cumulative is exact: PriceOracle), at least 1 h: every slot is
// its class's index slot for one hour (HourMarket._isIndexSlot), so a shorter window is the price of one market held up
// for minutes; at most 7 days, the longest horizon a lending or options consumer re-reads its index over.
uint32 constant MIN_INDEX_WINDOW_S = 1 hours;
uint32 constant MAX_INDEX_WINDOW_S = 7 days;

// A class's price ring holds one observation per hour with observed trades, dated at the hour's start (R2). A window of
// W hours ending at an hour boundary needs the observations at its W + 1 boundaries at most, so 7 × 24 + 1 = 169 slots
// span the longest window whatever the trading pattern: the oldest of 169 distinct hourly observations is at least
// 168 h before the newest, which is at or before the window's end. Fixed, so no trade and no caller can shorten it;
// the ring position is a uint8 (169 ≤ 256, checked by a test).
uint256 constant OBSERVATIONS = MAX_INDEX_WINDOW_S / SECONDS_PER_SLOT + 1;

// Relative prices (a curve's spot over its ask) are in parts per million: 1e6 = at the ask.
uint256 constant PPM = 1e6;

// A class's cap is at most 100 × its ask: a relative price then stays ≤ 2e8 ppm, even in a market whose curve was scaled
// under its bond (rounding its ask down at most doubles cap / ask there, as the scaled ask is ≥ 1); a uint48 in the
// oracle holds 2.8e14, and the cumulative ≤ 2e8 × 2^32 s < 2^60 a uint96. The default classes' caps are 4 × their asks.
uint256 constant MAX_CAP_OVER_ASK = 100;

// The index starts with one allowed window, 24 h: every hour of a day (sunny and dark, so green supply high and low) is
// an index slot once in it, so the published value is a day's average rather than one time of day.
uint32 constant DEFAULT_INDEX_WINDOW_S = 24 hours;

// A bundle spans at most one week of slots (168): a weekly training run is the longest job a buyer books in one go,
// and the router's quote loops over every slot once per hour bought, so the bound keeps a bundle's gas predictable.
uint256 constant MAX_BUNDLE_SLOTS = 168;

// An omission claim (docs/TELEMETRY.md section 5) can be opened until 2 h before the slot's challenge window closes, and
// the attester answers it by the close: an attester always has at least 2 h to prove a record it holds (a transaction
// of one Merkle proof), however late in the window the claim comes, and every claim is answered or due when the slot
// becomes final. The device checks each minute and sees the commit within minutes, so the first 4 h of the 6 h window
// leave it ample time to claim.
uint256 constant OMISSION_ANSWER_SECONDS = 2 hours;

// The claim bond of an omission claim at deployment (governance sets it later): 1 USD, a tenth of the default record
// bond. A claim the attester answers costs its claimant this, which pays the attester's answer (one proof, ~60k gas)
// many times over on an L2, so a flood of false claims pays the attester; a true one returns it.
uint256 constant DEFAULT_OMISSION_CLAIM_BOND_USDC6 = 1_000_000;

// ------------------------------------------------------------------ job market

// A job spec's URI is at most 256 bytes: an IPFS or HTTPS address with a path fits in a fifth of that, and the bound
// keeps the JobPosted event's calldata and log cost predictable (the URI is logged, never stored).
uint256 constant MAX_SPEC_URI_BYTES = 256;

// A job is served by at most 64 placements (node-hours): a day of 2 to 3 nodes, or one slot of 64 home nodes for a
// sharded inference batch. Assignment buys each placement on the hour market (~60k gas each), so 64 of them stay
// under 4.5M gas, a seventh of a 30M block.
uint256 constant MAX_PLACEMENTS_PER_JOB = 64;

// A job asks at most 65,536 GPU-hours: 64 placements of the largest node (1,024 GPUs). The bound also holds the
// escrow, 65,536 × MAX_PRICE_USDC6 (1e12) < 2^57, far inside the job's 128-bit budget.
uint256 constant MAX_JOB_GPU_HOURS = MAX_PLACEMENTS_PER_JOB * MAX_GPU_COUNT;

// A completion incentive is at most 10^15 usdc6 (a billion dollars): a typo bound, inside 128 bits with any budget.
uint256 constant MAX_INCENTIVE_USDC6 = 1e15;
