// Anyone can check an attested hour: fetch a node-hour's record, proof and signed windows (from the API or the
// database), recompute, and if the record is wrong, prove it on chain. A challenge is committed first and revealed in a
// later block (docs/TELEMETRY.md section 4), so that nobody copying the reveal from the mempool takes the reward.
import { bytesToHex, type Address, type Hex } from 'viem';
import { randomBytes } from 'node:crypto';
import { attestationOracleAbi } from '@greenhour/contracts';
import { transact, type Clients } from '@greenhour/chain';
import { FAULTS, leafOf, MAX_WINDOWS_PER_RECORD, type NodeHourRecord, type Telemetry } from '@greenhour/telemetry';
import type { Sql } from '@greenhour/store';
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

/** Whether a record's window count is itself a fault: 0, or above MAX_WINDOWS_PER_RECORD (provable without messages). */
export const countOutOfBounds = (r: Pick<NodeHourRecord, 'messageCount'>) =>
  r.messageCount === 0 || r.messageCount > MAX_WINDOWS_PER_RECORD;

export interface ChallengeOptions {
  /**
   * Resolves once the chain has a block after `committedIn`; by default polls the block number every `pollMs` for up to
   * `timeoutMs`. A dev chain that mines only on transactions (anvil) passes one that mines a block.
   */
  nextBlock?: (committedIn: bigint) => Promise<unknown>;
  pollMs?: number;
  timeoutMs?: number;
}

/**
 * Submits a fraud proof in two transactions: the commitment keccak256(leaf, challenger, salt), then, in a later block,
 * the reveal with the evidence (none for a record whose window count is out of bounds). Resolves to the fault the
 * contract found; a right record's reveal reverts with NoFraud (the commitment stays, unspent).
 */
export async function challengeRecord(
  clients: Clients,
  oracle: Address,
  evidence: NodeHourEvidence,
  options: ChallengeOptions = {},
) {
  const contract = { address: oracle, abi: attestationOracleAbi } as const;
  const salt = bytesToHex(randomBytes(32));
  const commitment = await clients.publicClient.readContract({
    ...contract,
    functionName: 'challengeCommitment',
    args: [leafOf(evidence.record), clients.account.address, salt],
  });
  const committed = await transact(clients, { ...contract, functionName: 'commitChallenge', args: [commitment] });
  const committedIn = committed.receipt.blockNumber;
  if (options.nextBlock) await options.nextBlock(committedIn);
  const deadline = Date.now() + (options.timeoutMs ?? 60_000);
  while ((await clients.publicClient.getBlockNumber({ cacheTime: 0 })) <= committedIn) {
    if (Date.now() > deadline) throw new Error(`challenge: no block after ${committedIn} to reveal in`);
    await new Promise((r) => setTimeout(r, options.pollMs ?? 1_000));
  }
  const withoutMessages = countOutOfBounds(evidence.record);
  const { result, receipt } = await transact(clients, {
    ...contract,
    functionName: 'challenge',
    args: [
      recordArg(evidence.record),
      evidence.proof,
      (withoutMessages ? [] : evidence.messages).map((m) => ({
        ...m,
        seq: BigInt(m.seq),
        windowStart: BigInt(m.windowStart),
        windowEnd: BigInt(m.windowEnd),
      })),
      withoutMessages ? [] : evidence.signatures,
      salt,
    ],
  });
  return { fault: FAULTS[Number(result)]!, receipt };
}

/** A record as the contract's ABI types it: uint64 fields as bigint. */
export function recordArg(r: NodeHourRecord) {
  return {
    ...r,
    nodeId: BigInt(r.nodeId),
    greenWh: BigInt(r.greenWh),
    gridWh: BigInt(r.gridWh),
    gpuWh: BigInt(r.gpuWh),
  };
}
