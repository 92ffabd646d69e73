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

// Largest GPU count of one node: a full 128-node DGX SuperPOD has 1,024 GPUs. Capacity per slot is the GPU count.
uint16 constant MAX_GPU_COUNT = 1024;

// Spec bounds that reject typos (a value in W entered as mW): 100 MWp PV is a utility plant, 1 GWh a grid battery,
// 10 MW the largest truck-charging depot connection. A Greenhour site is far below each.
uint32 constant MAX_PV_WP = 100_000_000;
uint32 constant MAX_BATTERY_WH = 1_000_000_000;
uint32 constant MAX_CHARGER_W = 10_000_000;

// Green share is in basis points of the energy a node drew in a slot.
uint16 constant BPS = 10_000;
