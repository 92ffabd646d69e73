// The signed window message (docs/TELEMETRY.md section 1): its EIP-712 type, domain and a fast digest.
// viem's hashTypedData is the reference (message.test.ts); this one precomputes the type hash and the domain separator
// because ingest hashes every message it receives.
import { keccak256 } from './keccak.ts';
import { type Address, type Hex, hashDomain, hexToBytes, bytesToHex } from 'viem';

export interface Telemetry {
  device: Address;
  seq: number;
  windowStart: number;
  windowEnd: number;
  pvWh: number;
  batteryInWh: number;
  batteryOutWh: number;
  /** The battery's state of charge at `windowEnd`, Wh: at most the node's registered capacity (`batteryWh`). */
  batterySocWh: number;
  gridImportWh: number;
  gridExportWh: number;
  gpuWh: number;
  evWh: number;
  uptimeS: number;
  jobsHash: Hex;
}

export const TELEMETRY_TYPES = {
  Telemetry: [
    { name: 'device', type: 'address' },
    { name: 'seq', type: 'uint64' },
    { name: 'windowStart', type: 'uint64' },
    { name: 'windowEnd', type: 'uint64' },
    { name: 'pvWh', type: 'uint32' },
    { name: 'batteryInWh', type: 'uint32' },
    { name: 'batteryOutWh', type: 'uint32' },
    { name: 'batterySocWh', type: 'uint32' },
    { name: 'gridImportWh', type: 'uint32' },
    { name: 'gridExportWh', type: 'uint32' },
    { name: 'gpuWh', type: 'uint32' },
    { name: 'evWh', type: 'uint32' },
    { name: 'uptimeS', type: 'uint32' },
    { name: 'jobsHash', type: 'bytes32' },
  ],
} as const;

/** The numeric fields in type order, with their Solidity width in bits. */
export const NUMERIC_FIELDS = TELEMETRY_TYPES.Telemetry.filter((f) => f.type.startsWith('uint')).map((f) => ({
  name: f.name as Exclude<keyof Telemetry, 'device' | 'jobsHash'>,
  bits: Number(f.type.slice(4)),
}));

export interface TelemetryDomain {
  chainId: number;
  verifyingContract: Address;
}

export const domainOf = (d: TelemetryDomain) =>
  ({ name: 'Greenhour Telemetry', version: '1', chainId: d.chainId, verifyingContract: d.verifyingContract }) as const;

const encoder = new TextEncoder();
const TYPE_HASH = keccak256(
  encoder.encode(`Telemetry(${TELEMETRY_TYPES.Telemetry.map((f) => `${f.type} ${f.name}`).join(',')})`),
);

/** Computes EIP-712 digests for one domain. */
export class TelemetryHasher {
  readonly domainSeparator: Uint8Array;
  private readonly struct = new Uint8Array(32 * 15);
  private readonly view = new DataView(this.struct.buffer);
  private readonly outer = new Uint8Array(66);

  constructor(readonly domain: TelemetryDomain) {
    this.domainSeparator = hexToBytes(
      hashDomain({
        domain: { ...domainOf(domain), chainId: BigInt(domain.chainId) },
        types: {
          EIP712Domain: [
            { name: 'name', type: 'string' },
            { name: 'version', type: 'string' },
            { name: 'chainId', type: 'uint256' },
            { name: 'verifyingContract', type: 'address' },
          ],
        },
      }),
    );
    this.struct.set(TYPE_HASH, 0);
    this.outer[0] = 0x19;
    this.outer[1] = 0x01;
    this.outer.set(this.domainSeparator, 2);
  }

  /** keccak256(0x1901 ‖ domainSeparator ‖ hashStruct(message)); fields must already be validated. */
  digest(m: Telemetry): Uint8Array {
    const s = this.struct;
    s.fill(0, 32);
    s.set(Buffer.from(m.device.slice(2), 'hex'), 32 + 12);
    this.word(64, m.seq);
    this.word(96, m.windowStart);
    this.word(128, m.windowEnd);
    this.word(160, m.pvWh);
    this.word(192, m.batteryInWh);
    this.word(224, m.batteryOutWh);
    this.word(256, m.batterySocWh);
    this.word(288, m.gridImportWh);
    this.word(320, m.gridExportWh);
    this.word(352, m.gpuWh);
    this.word(384, m.evWh);
    this.word(416, m.uptimeS);
    s.set(Buffer.from(m.jobsHash.slice(2), 'hex'), 448);
    this.outer.set(keccak256(s), 34);
    return keccak256(this.outer);
  }

  /** A uint value below 2^53 (validated) as a big-endian 32-byte word: the high half of a uint64 is at most 2^21. */
  private word(offset: number, value: number): void {
    this.view.setUint32(offset + 24, Math.floor(value / 2 ** 32));
    this.view.setUint32(offset + 28, value >>> 0);
  }

  digestHex(m: Telemetry): Hex {
    return bytesToHex(this.digest(m));
  }
}

export const ZERO_HASH: Hex = `0x${'00'.repeat(32)}`;
