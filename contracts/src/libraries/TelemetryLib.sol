// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {ECDSA} from "@openzeppelin/contracts/utils/cryptography/ECDSA.sol";
import {MessageHashUtils} from "@openzeppelin/contracts/utils/cryptography/MessageHashUtils.sol";
import {IAttestationOracle} from "../interfaces/IAttestationOracle.sol";
import "./Constants.sol" as C;

/// @notice The encodings, physical bounds and aggregation of docs/TELEMETRY.md as pure functions: EIP-712 digests of
/// telemetry windows, a record's `messagesHash` over the digests and the device signatures, node-hour record leaves, the
/// first violated bound of a window, a record's aggregate, and the first fault of a challenged record. All arithmetic is in uint256, so no product or sum of the uint32/uint64 inputs overflows.
library TelemetryLib {
    /// @notice r ‖ s ‖ v.
    uint256 internal constant SIGNATURE_LENGTH = 65;
    bytes32 internal constant TELEMETRY_TYPEHASH = keccak256(
        "Telemetry(address device,uint64 seq,uint64 windowStart,uint64 windowEnd,uint32 pvWh,uint32 batteryInWh,uint32 batteryOutWh,uint32 batterySocWh,uint32 gridImportWh,uint32 gridExportWh,uint32 gpuWh,uint32 evWh,uint32 uptimeS,bytes32 jobsHash)"
    );

    /// @notice A node's spec as the bounds need it. Power in W, energy in Wh.
    struct Limits {
        uint256 pvWp;
        uint256 batteryWh;
        uint256 chargerW;
        uint256 gpuW; // boardPowerWMax of the node's class × gpuCount
    }

    // ---------------------------------------------------------------- encodings

    /// @dev keccak256(TELEMETRY_TYPEHASH ‖ the 14 static fields as ABI words), i.e. keccak256(abi.encode(TYPEHASH, m)),
    /// hashed straight from calldata: a third of the cost of abi.encode, which copies field by field. The words are
    /// hashed as sent; a non-canonical word (dirty high bits) gives a digest that no canonical encoding has, so it
    /// matches no honestly made `messagesHash` and no device signature, and the fields themselves are read through
    /// Solidity's checked accessors.
    function structHash(IAttestationOracle.Telemetry calldata m) internal pure returns (bytes32 h) {
        bytes32 typehash = TELEMETRY_TYPEHASH;
        assembly ("memory-safe") {
            let ptr := mload(0x40) // scratch above the free memory pointer, not kept
            mstore(ptr, typehash)
            calldatacopy(add(ptr, 0x20), m, 0x1c0) // 14 words
            h := keccak256(ptr, 0x1e0)
        }
    }

    function digest(bytes32 domainSeparator, IAttestationOracle.Telemetry calldata m) internal pure returns (bytes32) {
        return MessageHashUtils.toTypedDataHash(domainSeparator, structHash(m));
    }

    /// @notice The digests of `messages`, in order.
    function digests(bytes32 domainSeparator, IAttestationOracle.Telemetry[] calldata messages)
        internal
        pure
        returns (bytes32[] memory ds)
    {
        ds = new bytes32[](messages.length);
        for (uint256 i; i < messages.length; ++i) {
            ds[i] = digest(domainSeparator, messages[i]);
        }
    }

    /// @notice A record's `messagesHash`: keccak256(digest_1 ‖ signature_1 ‖ … ‖ digest_n ‖ signature_n), each digest
    /// 32 bytes, each signature its bytes as given, no length prefixes. A record commits to 65-byte signatures (r ‖ s ‖ v)
    /// only, so `fixedWidth`, whether every signature is 65 bytes long, must hold for the hash to be a record's: the
    /// entries would otherwise be ambiguous. The caller has checked that there is one signature per digest.
    function messagesHash(bytes32[] memory ds, bytes[] calldata signatures)
        internal
        pure
        returns (bytes32 h, bool fixedWidth)
    {
        fixedWidth = true;
        uint256 size;
        for (uint256 i; i < ds.length; ++i) {
            uint256 len = signatures[i].length;
            if (len != SIGNATURE_LENGTH) fixedWidth = false;
            size += 0x20 + len;
        }
        uint256 buf;
        assembly ("memory-safe") {
            buf := mload(0x40)
            mstore(0x40, add(buf, and(add(size, 0x1f), not(0x1f))))
        }
        uint256 ptr = buf;
        for (uint256 i; i < ds.length; ++i) {
            bytes32 d = ds[i];
            bytes calldata sig = signatures[i];
            assembly ("memory-safe") {
                mstore(ptr, d)
                calldatacopy(add(ptr, 0x20), sig.offset, sig.length)
                ptr := add(ptr, add(0x20, sig.length))
            }
        }
        assembly ("memory-safe") {
            h := keccak256(buf, size)
        }
    }

    /// @notice OpenZeppelin's standard Merkle tree leaf: double hashed, so that no inner node is a valid leaf.
    function leaf(IAttestationOracle.NodeHourRecord calldata record) internal pure returns (bytes32) {
        return keccak256(bytes.concat(keccak256(abi.encode(record))));
    }

    // ---------------------------------------------------------------- bounds

    /// @notice The first physical bound `m` breaks for a node with `limits`, in the order of docs/TELEMETRY.md section 2.
    function violation(Limits memory limits, IAttestationOracle.Telemetry calldata m)
        internal
        pure
        returns (IAttestationOracle.Violation)
    {
        uint256 start = m.windowStart;
        uint256 end = m.windowEnd;
        if (end <= start || start / C.SECONDS_PER_SLOT != (end - 1) / C.SECONDS_PER_SLOT) {
            return IAttestationOracle.Violation.Window;
        }
        uint256 d = end - start;
        if (uint256(m.pvWh) * C.SECONDS_PER_SLOT > limits.pvWp * d) return IAttestationOracle.Violation.Pv;
        uint256 batteryMax = C.MAX_BATTERY_C_RATE * limits.batteryWh * d;
        if (uint256(m.batteryInWh) * C.SECONDS_PER_SLOT > batteryMax) return IAttestationOracle.Violation.BatteryIn;
        if (uint256(m.batteryOutWh) * C.SECONDS_PER_SLOT > batteryMax) return IAttestationOracle.Violation.BatteryOut;
        if (uint256(m.gpuWh) * C.SECONDS_PER_SLOT > limits.gpuW * d) return IAttestationOracle.Violation.Gpu;
        if (uint256(m.evWh) * C.SECONDS_PER_SLOT > limits.chargerW * d) return IAttestationOracle.Violation.Ev;
        if (m.uptimeS > d) return IAttestationOracle.Violation.Uptime;
        // Sinks cannot exceed sources.
        if (
            uint256(m.gridExportWh) + m.batteryInWh + m.gpuWh + m.evWh
                > uint256(m.pvWh) + m.gridImportWh + m.batteryOutWh
        ) return IAttestationOracle.Violation.EnergyBalance;
        // The battery cannot hold more than its registered capacity.
        if (m.batterySocWh > limits.batteryWh) return IAttestationOracle.Violation.BatterySoc;
        return IAttestationOracle.Violation.None;
    }

    // ---------------------------------------------------------------- aggregation

    /// @notice The energy and uptime sums of a record of `messages`: grid imports are charged to the loads (GPU + EV)
    /// first, so green energy is never overstated.
    function sums(IAttestationOracle.Telemetry[] calldata messages)
        internal
        pure
        returns (uint256 greenWh, uint256 gridWh, uint256 gpuWh, uint256 uptimeS)
    {
        for (uint256 i; i < messages.length; ++i) {
            IAttestationOracle.Telemetry calldata m = messages[i];
            uint256 loadWh = uint256(m.gpuWh) + m.evWh;
            uint256 fromGridWh = m.gridImportWh < loadWh ? m.gridImportWh : loadWh;
            gridWh += fromGridWh;
            greenWh += loadWh - fromGridWh;
            gpuWh += m.gpuWh;
            uptimeS += m.uptimeS;
        }
    }

    /// @notice The aggregate of `messages` and their `signatures` (one per message, 65 bytes each: the caller checks).
    function aggregate(
        bytes32 domainSeparator,
        IAttestationOracle.Telemetry[] calldata messages,
        bytes[] calldata signatures
    ) internal pure returns (IAttestationOracle.Aggregate memory a) {
        (a.greenWh, a.gridWh, a.gpuWh, a.uptimeS) = sums(messages);
        a.messageCount = messages.length;
        (a.messagesHash,) = messagesHash(digests(domainSeparator, messages), signatures);
    }

    /// @notice Green share in basis points, rounded down; 0 for an hour that drew nothing.
    function greenShareBps(uint256 greenWh, uint256 gridWh) internal pure returns (uint16) {
        uint256 total = greenWh + gridWh;
        return total == 0 ? 0 : uint16(greenWh * C.BPS / total);
    }

    /// @notice Whether an hour with `uptimeS` seconds of GPU availability earns a PoGCS credit.
    function meetsUptime(uint256 uptimeS) internal pure returns (bool) {
        return uptimeS * C.BPS >= uint256(C.MIN_UPTIME_BPS) * C.SECONDS_PER_SLOT;
    }

    // ---------------------------------------------------------------- faults

    /// @notice The first fault, in the order of {IAttestationOracle.Fault}, that `record` shows, or `None`. The caller
    /// has checked that the messages and signatures are the record's: `messageCount` messages, one 65-byte signature
    /// each, and `messagesHash` from `ds` (their digests) and the signatures. So every signature here is committed by the
    /// attester, and one that does not recover to the device is the attester's fault; past that check every message is
    /// the device's own, and an `Impossible` one proves that the device signed impossible data.
    /// @param device the node's registered device signer; address(0) for an unknown node.
    function faultOf(
        IAttestationOracle.NodeHourRecord calldata record,
        IAttestationOracle.Telemetry[] calldata messages,
        bytes[] calldata signatures,
        bytes32[] memory ds,
        address device,
        Limits memory limits
    ) internal pure returns (IAttestationOracle.Fault) {
        // An unknown node has no device: none of its messages can be right.
        if (device == address(0)) return IAttestationOracle.Fault.WrongDevice;
        // 1. Signed by the node's device. tryRecover rejects malformed, bad-v and high-s signatures and never returns
        // address(0) without an error.
        for (uint256 i; i < messages.length; ++i) {
            (address signer, ECDSA.RecoverError err,) = ECDSA.tryRecoverCalldata(ds[i], signatures[i]);
            if (err != ECDSA.RecoverError.NoError || signer != device) return IAttestationOracle.Fault.BadSignature;
        }
        // 2. About the node's device.
        for (uint256 i; i < messages.length; ++i) {
            if (messages[i].device != device) return IAttestationOracle.Fault.WrongDevice;
        }
        // 3, 4. Inside the record's slot, in sequence order, not overlapping.
        IAttestationOracle.Fault fault = _orderFault(record.slot, messages);
        if (fault != IAttestationOracle.Fault.None) return fault;
        // 5. Physically possible.
        for (uint256 i; i < messages.length; ++i) {
            if (violation(limits, messages[i]) != IAttestationOracle.Violation.None) {
                return IAttestationOracle.Fault.Impossible;
            }
        }
        // 6. Aggregated right (count and messagesHash are already checked by the caller). A record aggregates 1 to
        // MAX_WINDOWS_PER_RECORD messages (docs/TELEMETRY.md section 3): the oracle finds the MessageCount fault before
        // calling this, so the empty case below is defensive only.
        (uint256 greenWh, uint256 gridWh, uint256 gpuWh, uint256 uptimeS) = sums(messages);
        if (
            messages.length == 0 || greenWh != record.greenWh || gridWh != record.gridWh || gpuWh != record.gpuWh
                || uptimeS != record.uptimeS
        ) return IAttestationOracle.Fault.AggregateMismatch;
        return IAttestationOracle.Fault.None;
    }

    function _orderFault(uint32 slot, IAttestationOracle.Telemetry[] calldata messages)
        private
        pure
        returns (IAttestationOracle.Fault)
    {
        uint256 slotStart = uint256(slot) * C.SECONDS_PER_SLOT;
        uint256 slotEnd = slotStart + C.SECONDS_PER_SLOT;
        for (uint256 i; i < messages.length; ++i) {
            if (messages[i].windowStart < slotStart || messages[i].windowEnd > slotEnd) {
                return IAttestationOracle.Fault.OutsideSlot;
            }
        }
        for (uint256 i = 1; i < messages.length; ++i) {
            if (messages[i].seq <= messages[i - 1].seq || messages[i].windowStart < messages[i - 1].windowEnd) {
                return IAttestationOracle.Fault.NotIncreasing;
            }
        }
        return IAttestationOracle.Fault.None;
    }
}
