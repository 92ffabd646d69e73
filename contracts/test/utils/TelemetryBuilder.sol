// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {Test} from "./Test.sol";
import {IAttestationOracle} from "../../src/interfaces/IAttestationOracle.sol";

/// @dev Builds what an agent and an attester would: signed telemetry windows, node-hour records and small Merkle trees.
/// Encodings are written out here from docs/TELEMETRY.md, independently of the contract's library, so that tests compare
/// the two.
abstract contract TelemetryBuilder is Test {
    bytes32 internal constant DOMAIN_TYPEHASH =
        keccak256("EIP712Domain(string name,string version,uint256 chainId,address verifyingContract)");
    bytes32 internal constant TELEMETRY_TYPEHASH = keccak256(
        "Telemetry(address device,uint64 seq,uint64 windowStart,uint64 windowEnd,uint32 pvWh,uint32 batteryInWh,uint32 batteryOutWh,uint32 batterySocWh,uint32 gridImportWh,uint32 gridExportWh,uint32 gpuWh,uint32 evWh,uint32 uptimeS,bytes32 jobsHash)"
    );
    /// @dev secp256k1 group order: a signature with s above n / 2 is the malleable twin of a low-s one.
    uint256 internal constant SECP256K1_N = 0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141;

    function domainSeparator(address oracle) internal view returns (bytes32) {
        return
            keccak256(
                abi.encode(DOMAIN_TYPEHASH, keccak256("Greenhour Telemetry"), keccak256("1"), block.chainid, oracle)
            );
    }

    function digestOf(address oracle, IAttestationOracle.Telemetry memory m) internal view returns (bytes32) {
        // abi.encode of the type hash and the 14 fields, in two halves (each field is one word, so the concatenation is
        // the whole encoding): 15 arguments at once are too deep for the legacy code generator's stack.
        bytes32 structHash = keccak256(
            bytes.concat(
                abi.encode(
                    TELEMETRY_TYPEHASH,
                    m.device,
                    m.seq,
                    m.windowStart,
                    m.windowEnd,
                    m.pvWh,
                    m.batteryInWh,
                    m.batteryOutWh
                ),
                abi.encode(m.batterySocWh, m.gridImportWh, m.gridExportWh, m.gpuWh, m.evWh, m.uptimeS, m.jobsHash)
            )
        );
        return keccak256(abi.encodePacked(hex"1901", domainSeparator(oracle), structHash));
    }

    /// @dev The 65-byte r ‖ s ‖ v signature, as the agent sends it.
    function signDigest(uint256 key, bytes32 digest) internal pure returns (bytes memory) {
        (uint8 v, bytes32 r, bytes32 s) = vm.sign(key, digest);
        return abi.encodePacked(r, s, v);
    }

    function signAll(address oracle, uint256 key, IAttestationOracle.Telemetry[] memory ms)
        internal
        view
        returns (bytes[] memory sigs)
    {
        sigs = new bytes[](ms.length);
        for (uint256 i; i < ms.length; ++i) {
            sigs[i] = signDigest(key, digestOf(oracle, ms[i]));
        }
    }

    /// @dev A plausible one-minute window of a station (500 kWp PV, 1 MWh battery, 8 × H100 at 700 W): PV charges the
    /// battery, from half full by 3,000 Wh a minute, and runs the GPUs; every third minute 30 Wh come from the grid.
    function stationWindow(address device, uint64 seq, uint32 slot, uint256 minute)
        internal
        pure
        returns (IAttestationOracle.Telemetry memory)
    {
        uint64 start = uint64(uint256(slot) * 3600 + minute * 60);
        return IAttestationOracle.Telemetry({
            device: device,
            seq: seq,
            windowStart: start,
            windowEnd: start + 60,
            pvWh: uint32(4_000 + minute * 10),
            batteryInWh: 3_000,
            batteryOutWh: 0,
            batterySocWh: uint32(500_000 + (minute + 1) * 3_000),
            gridImportWh: minute % 3 == 0 ? 30 : 0,
            gridExportWh: 500,
            gpuWh: 90,
            evWh: 0,
            uptimeS: minute % 10 == 9 ? 50 : 60,
            jobsHash: keccak256(abi.encode(device, seq))
        });
    }

    /// @dev `count` consecutive station windows from minute `firstMinute`, seq from `firstSeq`.
    function stationHour(address device, uint64 firstSeq, uint32 slot, uint256 firstMinute, uint256 count)
        internal
        pure
        returns (IAttestationOracle.Telemetry[] memory ms)
    {
        ms = new IAttestationOracle.Telemetry[](count);
        for (uint256 i; i < count; ++i) {
            ms[i] = stationWindow(device, firstSeq + uint64(i), slot, firstMinute + i);
        }
    }

    /// @dev keccak256(digest_1 ‖ signature_1 ‖ … ‖ digest_n ‖ signature_n), signatures as given (docs/TELEMETRY.md
    /// section 3 has them 65 bytes long).
    function messagesHashOf(address oracle, IAttestationOracle.Telemetry[] memory ms, bytes[] memory sigs)
        internal
        view
        returns (bytes32)
    {
        require(sigs.length == ms.length, "one signature per message");
        bytes memory committed;
        for (uint256 i; i < ms.length; ++i) {
            committed = bytes.concat(committed, digestOf(oracle, ms[i]), sigs[i]);
        }
        return keccak256(committed);
    }

    /// @dev The record an attester makes of `ms` and the signatures it received with them, aggregated as
    /// docs/TELEMETRY.md section 3 says.
    function recordOf(
        address oracle,
        uint64 nodeId,
        uint32 slot,
        IAttestationOracle.Telemetry[] memory ms,
        bytes[] memory sigs
    ) internal view returns (IAttestationOracle.NodeHourRecord memory r) {
        r.nodeId = nodeId;
        r.slot = slot;
        for (uint256 i; i < ms.length; ++i) {
            uint256 load = uint256(ms[i].gpuWh) + ms[i].evWh;
            uint256 fromGrid = ms[i].gridImportWh < load ? ms[i].gridImportWh : load;
            r.gridWh += uint64(fromGrid);
            r.greenWh += uint64(load - fromGrid);
            r.gpuWh += ms[i].gpuWh;
            r.uptimeS += ms[i].uptimeS;
        }
        r.messageCount = uint32(ms.length);
        r.messagesHash = messagesHashOf(oracle, ms, sigs);
    }

    function leafOf(IAttestationOracle.NodeHourRecord memory r) internal pure returns (bytes32) {
        return keccak256(bytes.concat(keccak256(abi.encode(r))));
    }

    function hashPair(bytes32 a, bytes32 b) internal pure returns (bytes32) {
        return a < b ? keccak256(abi.encodePacked(a, b)) : keccak256(abi.encodePacked(b, a));
    }

    function proofOf(bytes32 sibling) internal pure returns (bytes32[] memory p) {
        p = new bytes32[](1);
        p[0] = sibling;
    }

    function proofOf(bytes32 a, bytes32 b) internal pure returns (bytes32[] memory p) {
        p = new bytes32[](2);
        p[0] = a;
        p[1] = b;
    }

    /// @dev Root of a tree of any number of leaves: pairs hashed sorted level by level, an odd last node carried up.
    function rootOf(bytes32[] memory leaves) internal pure returns (bytes32) {
        bytes32[] memory level = leaves;
        while (level.length > 1) {
            level = _up(level);
        }
        return level[0];
    }

    /// @dev The proof of `leaves[index]` in the tree of {rootOf}.
    function proofOf(bytes32[] memory leaves, uint256 index) internal pure returns (bytes32[] memory p) {
        bytes32[] memory path = new bytes32[](256);
        uint256 n;
        bytes32[] memory level = leaves;
        while (level.length > 1) {
            uint256 sibling = index ^ 1;
            if (sibling < level.length) path[n++] = level[sibling];
            level = _up(level);
            index /= 2;
        }
        p = new bytes32[](n);
        for (uint256 i; i < n; ++i) {
            p[i] = path[i];
        }
    }

    function _up(bytes32[] memory level) private pure returns (bytes32[] memory next) {
        next = new bytes32[]((level.length + 1) / 2);
        for (uint256 i; i < next.length; ++i) {
            next[i] = 2 * i + 1 < level.length ? hashPair(level[2 * i], level[2 * i + 1]) : level[2 * i];
        }
    }
}
