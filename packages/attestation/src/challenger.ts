// Anyone can check an attested hour: fetch a node-hour's record, proof and signed windows (from the API or the
// database), recompute, and if the record is wrong, prove it on chain.
import type { Address, Hex } from 'viem';
import { attestationOracleAbi } from '@greenhour/contracts';
import { transact, type Clients } from '@greenhour/chain';
import type { NodeHourRecord, Telemetry } from '@greenhour/telemetry';
import type { Sql } from './db.ts';
import { messageOfRow, recordOfRow, type MessageRow, type NodeHourRow } from './rows.ts';

export interface NodeHourEvidence {
  record: NodeHourRecord;
  proof: Hex[];
  messages: Telemetry[];
  signatures: Hex[];
}

/** A node-hour's published record with its proof and the signed windows behind it, or undefined if not attested. */
export async function loadEvidence(db: Sql, slot: number, nodeId: number): Promise<NodeHourEvidence | undefined> {
  const [row] = await db.query<NodeHourRow>('SELECT * FROM node_hours WHERE slot = $1 AND node_id = $2', [
    slot,
    nodeId,
  ]);
  if (row === undefined) return undefined;
  const messages = await db.query<MessageRow>(
    'SELECT * FROM telemetry_messages WHERE slot = $1 AND node_id = $2 ORDER BY seq',
    [slot, nodeId],
  );
  return {
    record: recordOfRow(row),
    proof: JSON.parse(row.proof) as Hex[],
    messages: messages.map(messageOfRow),
    signatures: messages.map((m) => m.signature),
  };
}

export const FAULTS = [
  'None',
  'BadSignature',
  'WrongDevice',
  'OutsideSlot',
  'NotIncreasing',
  'Impossible',
  'AggregateMismatch',
] as const;
export type Fault = (typeof FAULTS)[number];

/** Submits a fraud proof. Resolves to the fault the contract found; a right record reverts with NoFraud. */
export async function challengeRecord(clients: Clients, oracle: Address, evidence: NodeHourEvidence) {
  const { result, receipt } = await transact(clients, {
    address: oracle,
    abi: attestationOracleAbi,
    functionName: 'challenge',
    args: [
      evidence.record,
      evidence.proof,
      evidence.messages.map((m) => ({
        ...m,
        seq: BigInt(m.seq),
        windowStart: BigInt(m.windowStart),
        windowEnd: BigInt(m.windowEnd),
      })),
      evidence.signatures,
    ],
  });
  return { fault: FAULTS[Number(result)]!, receipt };
}
