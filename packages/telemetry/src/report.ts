// The light-node report a device signs for the service (POST /v1/light-nodes/{nodeId}/reports): EIP-712 under the
// oracle's chain and address, over the report's JSON text exactly as sent (docs/TELEMETRY.md §5).
import { keccak256, stringToBytes, type Address, type Hex } from 'viem';

export const REPORT_TYPES = {
  LightNodeReport: [
    { name: 'nodeId', type: 'uint64' },
    { name: 'issuedAt', type: 'uint64' },
    { name: 'reportHash', type: 'bytes32' },
  ],
} as const;

export function reportDomain(chainId: number, oracle: Address) {
  return { name: 'Greenhour light-node report', version: '1', chainId, verifyingContract: oracle } as const;
}

/** The hash a device signs: keccak256 of the report's JSON text exactly as sent. */
export const reportHashOf = (reportJson: string): Hex => keccak256(stringToBytes(reportJson));
