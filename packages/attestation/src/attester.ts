// The attester: once an hour has ended (plus a grace period for the last windows and their resends) it builds the
// hour's node-hour records from the stored messages, keeps them with their Merkle proofs (the API publishes them),
// commits the root on chain, and after the challenge window claims the records. Every step is idempotent and resumes
// after a crash: the records of an hour are built once (ingest rejects its windows from then on) and the chain refuses a
// second commit, so no hour is attested twice.
import { hexToBytes, type Address, type Hex } from 'viem';
import { attestationOracleAbi, settlementTokenAbi } from '@greenhour/contracts';
import { transact, type Clients } from '@greenhour/chain';
import { aggregate, buildTree, leafOf, slotOf, type NodeHourRecord, type Telemetry } from '@greenhour/telemetry';
import type { Database } from '@greenhour/store';
import type { Ingest } from './ingest.ts';
import { messageOfRow, recordOfRow, type MessageRow, type NodeHourRow } from './rows.ts';

/** IAttestationOracle.OmissionStatus.Open. */
const OMISSION_OPEN = 1;

/** Windows of an hour may arrive this long after it ends: two one-minute windows plus a resend round trip. */
export const DEFAULT_GRACE_S = 180;

export type AttestationStatus = 'empty' | 'built' | 'committed' | 'final';

/**
 * A deliberately dishonest attester, for the light-node tests and the demo (never for production): for the nodes in
 * `nodeIds` it drops the second half of each hour's windows (a consistent, smaller record: the dropped windows are
 * deleted, so what it publishes matches what it commits), inflates the green energy of the honest record (grid energy
 * counted as green, or a tenth more when there was none; the messages stay, so the record no longer matches them), or
 * omits the node's record from the hour.
 */
export const ATTESTER_FAULT_MODES = ['drop-windows', 'inflate-green', 'omit-record'] as const;
export type AttesterFaultMode = (typeof ATTESTER_FAULT_MODES)[number];

export interface AttesterFault {
  mode: AttesterFaultMode;
  nodeIds: readonly number[];
}

/**
 * Parses ATTESTER_FAULT (a mode, or `none`/empty for an honest attester) and ATTESTER_FAULT_NODES (comma-separated node
 * ids; required with a mode). Throws naming the variable.
 */
export function parseAttesterFault(mode: string | undefined, nodes: string | undefined): AttesterFault | undefined {
  const m = mode?.trim() ?? '';
  if (m === '' || m === 'none') {
    if (nodes !== undefined && nodes.trim() !== '')
      throw new Error('ATTESTER_FAULT_NODES: set without ATTESTER_FAULT (give a mode or unset it)');
    return undefined;
  }
  if (!(ATTESTER_FAULT_MODES as readonly string[]).includes(m))
    throw new Error(`ATTESTER_FAULT: unknown mode "${m}" (expected one of ${ATTESTER_FAULT_MODES.join(', ')} or none)`);
  const raw = nodes?.trim() ?? '';
  if (raw === '') throw new Error(`ATTESTER_FAULT_NODES: required with ATTESTER_FAULT=${m} (comma-separated node ids)`);
  const nodeIds = raw.split(',').map((part) => {
    const t = part.trim();
    if (!/^\d{1,15}$/.test(t) || Number(t) < 1)
      throw new Error(`ATTESTER_FAULT_NODES: "${t}" is not a node id (a positive integer)`);
    return Number(t);
  });
  return { mode: m as AttesterFaultMode, nodeIds };
}

function checkFault(fault: AttesterFault | undefined): void {
  if (fault === undefined) return;
  if (!(ATTESTER_FAULT_MODES as readonly string[]).includes(fault.mode))
    throw new Error(
      `fault.mode: unknown mode ${JSON.stringify(fault.mode)} (expected ${ATTESTER_FAULT_MODES.join(', ')})`,
    );
  if (fault.nodeIds.length === 0) throw new Error('fault.nodeIds: at least one node id');
  for (const id of fault.nodeIds)
    if (!Number.isSafeInteger(id) || id < 1) throw new Error(`fault.nodeIds: ${id} is not a node id`);
}

export interface AttesterOptions {
  db: Database;
  ingest: Ingest;
  clients: Clients;
  oracle: Address;
  graceS?: number;
  now?: () => number;
  log?: (line: string) => void;
  /** Claim every final record (sets green shares and PoGCS credits); off leaves claiming to the nodes. */
  claim?: boolean;
  /** Dishonest on purpose (tests and the demo only): see ATTESTER_FAULT_MODES. */
  fault?: AttesterFault;
}

export class Attester {
  private readonly now: () => number;
  private readonly log: (line: string) => void;

  constructor(private readonly options: AttesterOptions) {
    checkFault(options.fault);
    this.now = options.now ?? (() => Math.floor(Date.now() / 1000));
    this.log = options.log ?? (() => {});
  }

  /** Builds, commits and claims whatever is due. Returns the slots it built. */
  async tick(): Promise<number[]> {
    const built = await this.buildDueHours();
    await this.commitBuilt();
    await this.answerOmissionClaims();
    if (this.options.claim !== false) await this.claimFinal();
    return built;
  }

  /**
   * The node ids of the slot's open omission claims, from the OmissionClaimOpened events since the commit (the claims
   * cannot be opened before it), kept to those the oracle still holds open.
   */
  private async openClaimNodes(slot: number, commitTx: Hex | null): Promise<number[]> {
    const { clients, oracle } = this.options;
    const contract = { address: oracle, abi: attestationOracleAbi } as const;
    if (
      (await clients.publicClient.readContract({ ...contract, functionName: 'openOmissionClaims', args: [slot] })) ===
      0n
    )
      return [];
    const fromBlock =
      commitTx === null ? 0n : (await clients.publicClient.getTransactionReceipt({ hash: commitTx })).blockNumber;
    const events = await clients.publicClient.getContractEvents({
      ...contract,
      eventName: 'OmissionClaimOpened',
      args: { slot },
      fromBlock,
    });
    const open: number[] = [];
    for (const nodeId of new Set(events.map((e) => Number(e.args.nodeId)))) {
      const claim = await clients.publicClient.readContract({
        ...contract,
        functionName: 'omissionClaim',
        args: [slot, BigInt(nodeId)],
      });
      if (claim.status === OMISSION_OPEN) open.push(nodeId);
    }
    return open;
  }

  /**
   * Answers each open omission claim of a committed hour whose record it holds, by proving the record in the root: a
   * false claim then pays its bond to the attester. A record it omitted it cannot prove, so that claim stands.
   */
  async answerOmissionClaims(): Promise<number> {
    const { db, clients, oracle } = this.options;
    const hours = await db.query<{ slot: number; tx_hash: Hex | null }>(
      `SELECT slot, tx_hash FROM attestations WHERE status = 'committed' ORDER BY slot`,
    );
    let answered = 0;
    for (const hour of hours) {
      const slot = Number(hour.slot);
      const open = await this.openClaimNodes(slot, hour.tx_hash);
      if (open.length === 0) continue;
      if (
        await clients.publicClient.readContract({
          address: oracle,
          abi: attestationOracleAbi,
          functionName: 'isFinal',
          args: [slot],
        })
      )
        continue;
      const rows = await db.query<NodeHourRow>(
        'SELECT * FROM node_hours WHERE slot = $1 AND node_id = ANY($2::bigint[])',
        [slot, open],
      );
      for (const row of rows) {
        await transact(clients, {
          address: oracle,
          abi: attestationOracleAbi,
          functionName: 'answerOmissionClaim',
          args: [recordOfRow(row), JSON.parse(row.proof) as Hex[]],
        });
        answered++;
        this.log(`attester: hour ${slot}: omission claim of node ${row.node_id} answered with its record`);
      }
    }
    return answered;
  }

  /** Builds every hour that ended at least the grace period ago and is not built yet. */
  async buildDueHours(): Promise<number[]> {
    const { db, ingest } = this.options;
    const lastDue = slotOf(this.now() - (this.options.graceS ?? DEFAULT_GRACE_S)) - 1;
    return ingest.exclusive(async () => {
      const [last] = await db.query<{ slot: number | null }>('SELECT max(slot) AS slot FROM attestations');
      let next: number;
      if (last?.slot != null) next = Number(last.slot) + 1;
      else {
        const [first] = await db.query<{ slot: number | null }>('SELECT min(slot) AS slot FROM telemetry_messages');
        if (first?.slot == null) return [];
        next = Number(first.slot);
      }
      const built: number[] = [];
      for (let slot = next; slot <= lastDue; slot++) {
        await this.buildHour(slot);
        ingest.markClosed(slot);
        built.push(slot);
      }
      return built;
    });
  }

  private async buildHour(slot: number): Promise<void> {
    const { db } = this.options;
    const rows = await db.query<MessageRow>('SELECT * FROM telemetry_messages WHERE slot = $1 ORDER BY node_id, seq', [
      slot,
    ]);
    const byNode = new Map<number, { message: Telemetry; digest: Uint8Array; signature: Uint8Array }[]>();
    for (const row of rows) {
      const nodeId = Number(row.node_id);
      const list = byNode.get(nodeId) ?? [];
      list.push({ message: messageOfRow(row), digest: hexToBytes(row.digest), signature: hexToBytes(row.signature) });
      byNode.set(nodeId, list);
    }
    const fault = this.options.fault;
    const dropped: { nodeId: number; seqs: number[] }[] = [];
    const records: NodeHourRecord[] = [];
    for (const [nodeId, messages] of byNode) {
      if (fault === undefined || !fault.nodeIds.includes(nodeId)) {
        records.push(aggregate(nodeId, slot, messages));
        continue;
      }
      if (fault.mode === 'omit-record') {
        this.log(
          `attester: FAULT omit-record: node ${nodeId} hour ${slot}: record of ${messages.length} windows omitted`,
        );
        continue;
      }
      if (fault.mode === 'drop-windows' && messages.length > 1) {
        const kept = messages.slice(0, Math.ceil(messages.length / 2));
        const seqs = messages.slice(kept.length).map((m) => m.message.seq);
        dropped.push({ nodeId, seqs });
        records.push(aggregate(nodeId, slot, kept));
        this.log(
          `attester: FAULT drop-windows: node ${nodeId} hour ${slot}: ${seqs.length} of ${messages.length} windows dropped`,
        );
        continue;
      }
      const honest = aggregate(nodeId, slot, messages);
      if (fault.mode === 'inflate-green') {
        const addedWh = honest.gridWh > 0 ? honest.gridWh : Math.floor(honest.greenWh / 10) + 1;
        records.push({ ...honest, greenWh: honest.greenWh + addedWh, gridWh: 0 });
        this.log(
          `attester: FAULT inflate-green: node ${nodeId} hour ${slot}: green energy ${honest.greenWh} Wh reported as ${honest.greenWh + addedWh} Wh`,
        );
      } else records.push(honest);
    }
    await db.transaction(async (tx) => {
      // The dropping attester publishes what it committed: the dropped windows are gone from its store.
      for (const { nodeId, seqs } of dropped)
        await tx.query('DELETE FROM telemetry_messages WHERE slot = $1 AND node_id = $2 AND seq = ANY($3::bigint[])', [
          slot,
          nodeId,
          seqs,
        ]);
      if (records.length === 0) {
        await tx.query(`INSERT INTO attestations (slot, record_count, status) VALUES ($1, 0, 'empty')`, [slot]);
        return;
      }
      const tree = buildTree(records);
      await tx.query(
        `INSERT INTO node_hours (slot, node_id, leaf_index, green_wh, grid_wh, gpu_wh, uptime_s, message_count,
           messages_hash, proof)
         SELECT * FROM unnest($1::bigint[], $2::bigint[], $3::bigint[], $4::bigint[], $5::bigint[], $6::bigint[],
           $7::bigint[], $8::bigint[], $9::text[], $10::text[])`,
        [
          records.map((r) => r.slot),
          records.map((r) => r.nodeId),
          records.map((_, i) => i),
          records.map((r) => r.greenWh),
          records.map((r) => r.gridWh),
          records.map((r) => r.gpuWh),
          records.map((r) => r.uptimeS),
          records.map((r) => r.messageCount),
          records.map((r) => r.messagesHash),
          tree.proofs.map((p) => JSON.stringify(p)),
        ],
      );
      await tx.query(`INSERT INTO attestations (slot, root, record_count, status) VALUES ($1, $2, $3, 'built')`, [
        slot,
        tree.root,
        records.length,
      ]);
    });
    this.log(`attester: hour ${slot} built, ${records.length} node-hour records from ${rows.length} windows`);
  }

  /**
   * Lets the oracle pull the bond of each commitment from the attester's settlement token balance: one bond per record
   * the tree can hold (bondOf(recordCount)), each paid to the challenger of a record proven false.
   */
  private async ensureBondAllowance(recordCounts: number[]): Promise<void> {
    const { clients, oracle } = this.options;
    const contract = { address: oracle, abi: attestationOracleAbi } as const;
    const [token, bonds] = await Promise.all([
      clients.publicClient.readContract({ ...contract, functionName: 'settlementToken' }),
      Promise.all(
        recordCounts.map((n) => clients.publicClient.readContract({ ...contract, functionName: 'bondOf', args: [n] })),
      ),
    ]);
    const bond = bonds.reduce((a, b) => a + b, 0n);
    const allowance = await clients.publicClient.readContract({
      address: token,
      abi: settlementTokenAbi,
      functionName: 'allowance',
      args: [clients.account.address, oracle],
    });
    if (allowance < bond)
      await transact(clients, {
        address: token,
        abi: settlementTokenAbi,
        functionName: 'approve',
        args: [oracle, 2n ** 256n - 1n],
      });
  }

  /** Commits every built hour; an hour the chain already holds (a crash after sending) is only marked. */
  async commitBuilt(): Promise<void> {
    const { db, clients, oracle } = this.options;
    const rows = await db.query<{ slot: number; root: Hex; record_count: number }>(
      `SELECT slot, root, record_count FROM attestations WHERE status = 'built' ORDER BY slot`,
    );
    if (rows.length > 0) await this.ensureBondAllowance(rows.map((r) => Number(r.record_count)));
    for (const row of rows) {
      const slot = Number(row.slot);
      const onChain = await clients.publicClient.readContract({
        address: oracle,
        abi: attestationOracleAbi,
        functionName: 'commitment',
        args: [slot],
      });
      let txHash: Hex | null = null;
      if (onChain.committedAt === 0) {
        const receipt = await transact(clients, {
          address: oracle,
          abi: attestationOracleAbi,
          functionName: 'commit',
          args: [slot, row.root, Number(row.record_count)],
        });
        txHash = receipt.receipt.transactionHash;
        this.log(`attester: hour ${slot} committed, root ${row.root} (${row.record_count} records, tx ${txHash})`);
      } else if (onChain.root.toLowerCase() !== row.root.toLowerCase()) {
        throw new Error(`attester: hour ${slot} is committed on chain with root ${onChain.root}, ours is ${row.root}`);
      }
      await db.query(`UPDATE attestations SET status = 'committed', tx_hash = COALESCE($2, tx_hash) WHERE slot = $1`, [
        slot,
        txHash,
      ]);
    }
  }

  /** Claims the records of every committed hour whose challenge window has closed, then marks the hour final. */
  async claimFinal(): Promise<void> {
    const { db, clients, oracle } = this.options;
    const hours = await db.query<{ slot: number; tx_hash: Hex | null }>(
      `SELECT slot, tx_hash FROM attestations WHERE status = 'committed' ORDER BY slot`,
    );
    const hourTx = new Map(hours.map((h) => [Number(h.slot), h.tx_hash]));
    for (const { slot } of hours) {
      const contract = { address: oracle, abi: attestationOracleAbi } as const;
      if (!(await clients.publicClient.readContract({ ...contract, functionName: 'isFinal', args: [Number(slot)] })))
        break;
      const records = await db.query<NodeHourRow>(
        'SELECT * FROM node_hours WHERE slot = $1 AND NOT claimed ORDER BY leaf_index',
        [slot],
      );
      for (const row of records) {
        const record = recordOfRow(row);
        const leaf = leafOf(record);
        const [excluded, claimed] = await Promise.all([
          clients.publicClient.readContract({ ...contract, functionName: 'isExcluded', args: [leaf] }),
          clients.publicClient.readContract({ ...contract, functionName: 'isClaimed', args: [leaf] }),
        ]);
        if (!excluded && !claimed)
          await transact(clients, {
            ...contract,
            functionName: 'claim',
            args: [record, JSON.parse(row.proof) as Hex[]],
          });
        await db.query('UPDATE node_hours SET claimed = TRUE WHERE slot = $1 AND node_id = $2', [slot, row.node_id]);
      }
      // The bonds of the records that stood come back (unless a crash came after releasing them).
      const [commitment, excluded] = await Promise.all([
        clients.publicClient.readContract({ ...contract, functionName: 'commitment', args: [Number(slot)] }),
        clients.publicClient.readContract({ ...contract, functionName: 'excludedCount', args: [Number(slot)] }),
      ]);
      if (!commitment.bondReleased) {
        // An omission claim still open at the close is proven (the record was omitted): resolving it pays the node's
        // owner, and the bond is released only once no claim is open.
        for (const nodeId of await this.openClaimNodes(Number(slot), hourTx.get(Number(slot)) ?? null)) {
          await transact(clients, {
            ...contract,
            functionName: 'resolveOmissionClaim',
            args: [Number(slot), BigInt(nodeId)],
          });
          this.log(`attester: hour ${slot}: omission of node ${nodeId}'s record proven, its bond forfeited`);
        }
        await transact(clients, { ...contract, functionName: 'releaseBond', args: [Number(slot)] });
      }
      if (excluded > 0n)
        this.log(`attester: hour ${slot}: ${excluded} records excluded, their bonds paid to challengers`);
      await db.query(`UPDATE attestations SET status = 'final' WHERE slot = $1`, [slot]);
      this.log(`attester: hour ${slot} final, ${records.length} records claimed`);
    }
  }
}

export { recordArg } from './challenger.ts';
