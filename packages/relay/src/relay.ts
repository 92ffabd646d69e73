// The relay's I/O shell: the chain's state decides what the pure check cannot. A transaction the chain already has
// (same hash) is `already_known`, a nonce the sender has used is `nonce_too_low`, both before anything is sent (the
// chain's nonce and chain id are what make a signed transaction single-use; the relay adds no replay surface of its
// own); a transaction that would revert is simulated from its sender at the pending block and refused with the
// decoded error; only then is it broadcast, and kept in `relayed_transactions` so its status can be read back.
import { getAddress, type Address, type Hex, type PublicClient } from 'viem';
import type { Logger } from 'pino';
import { ApiError } from '@greenhour/api';
import type { Deployment } from '@greenhour/chain';
import { InputError } from '@greenhour/errors';
import type { Database } from '@greenhour/store';
import { checkTransaction, describeRevert, FIELD } from './validate.ts';

const BODY_FIELD = `body.${FIELD}`;

export interface Relayed {
  hash: Hex;
  from: Address;
  to: Address;
  contract: string;
  function: string;
  nonce: number;
}

export interface RelayedStatus extends Relayed {
  submittedAt: number;
  /**
   * `pending`: the chain's node holds it; `mined`: in a block (see `receipt`); `replaced`: another transaction of the
   * sender took its nonce; `dropped`: the node no longer holds it and its nonce is free (send it again).
   */
  status: 'pending' | 'mined' | 'replaced' | 'dropped';
  receipt: { blockNumber: number; blockHash: Hex; status: 'success' | 'reverted'; gasUsed: string } | null;
}

interface Row {
  hash: string;
  from_address: string;
  to_address: string;
  contract: string;
  function_name: string;
  nonce: number | string;
  submitted_at: number | string;
}

export interface RelayOptions {
  db: Database;
  publicClient: PublicClient;
  deployment: Deployment;
  log?: Logger;
  nowS?: () => number;
}

/** The error's whole message chain, lower case, to recognise what the node said. */
function messagesOf(err: unknown): string {
  const parts: string[] = [];
  for (let e = err as { message?: unknown; details?: unknown; cause?: unknown } | undefined; e && parts.length < 10;) {
    if (typeof e.message === 'string') parts.push(e.message);
    if (typeof e.details === 'string') parts.push(e.details);
    e = e.cause as typeof e;
  }
  return parts.join(' | ').toLowerCase();
}

/** The revert data an eth_call error carries, if it is a revert at all. */
function revertOf(err: unknown): { reverted: boolean; data: Hex | undefined } {
  let data: Hex | undefined;
  for (
    let e = err as { data?: unknown; cause?: unknown } | undefined, i = 0;
    e && i < 10;
    e = e.cause as typeof e, i++
  ) {
    const d = e.data;
    if (typeof d === 'string' && /^0x[0-9a-fA-F]*$/.test(d)) data = d as Hex;
    else if (d && typeof d === 'object' && typeof (d as { data?: unknown }).data === 'string')
      data = (d as { data: Hex }).data;
  }
  const text = messagesOf(err);
  return { reverted: data !== undefined || /revert|out ?of ?gas|invalid opcode|evm error/.test(text), data };
}

export class Relay {
  private readonly db: Database;
  private readonly client: PublicClient;
  private readonly deployment: Deployment;
  private readonly log: Logger | undefined;
  private readonly nowS: () => number;

  constructor(options: RelayOptions) {
    this.db = options.db;
    this.client = options.publicClient;
    this.deployment = options.deployment;
    this.log = options.log;
    this.nowS = options.nowS ?? (() => Math.floor(Date.now() / 1000));
  }

  /** Checks, simulates and broadcasts a raw signed transaction; throws ApiError naming the field at fault. */
  async submit(raw: string): Promise<Relayed> {
    let tx: Awaited<ReturnType<typeof checkTransaction>>;
    try {
      tx = await checkTransaction(raw, this.deployment);
    } catch (err) {
      if (err instanceof InputError) throw new ApiError('bad_request', BODY_FIELD, err.reason);
      throw err;
    }
    const relayed: Relayed = {
      hash: tx.hash,
      from: tx.from,
      to: tx.to,
      contract: tx.contract,
      function: tx.functionName,
      nonce: tx.nonce,
    };
    // Replays: the same signed transaction, or another one with a nonce the sender has used.
    const known = await this.client.request({ method: 'eth_getTransactionByHash', params: [tx.hash] });
    if (known !== null)
      throw new ApiError(
        'already_known',
        BODY_FIELD,
        `transaction ${tx.hash} was sent already; GET /v1/transactions/${tx.hash}`,
      );
    const [mined, pending] = await Promise.all([
      this.client.getTransactionCount({ address: tx.from, blockTag: 'latest' }),
      this.client.getTransactionCount({ address: tx.from, blockTag: 'pending' }),
    ]);
    if (tx.nonce < mined)
      throw new ApiError(
        'nonce_too_low',
        BODY_FIELD,
        `nonce ${tx.nonce} of ${tx.from} is used already (its next nonce is ${mined}): sign it again with nonce ${pending}`,
      );
    if (tx.nonce > pending)
      throw new ApiError(
        'conflict',
        BODY_FIELD,
        `nonce ${tx.nonce} leaves a gap: the next nonce of ${tx.from} is ${pending}; send the missing ones first`,
      );
    await this.simulate(tx);
    const balance = await this.client.getBalance({ address: tx.from, blockTag: 'pending' });
    if (balance < tx.maxCostWei)
      throw new ApiError(
        'unprocessable',
        BODY_FIELD,
        `${tx.from} holds ${balance} wei; the transaction may cost up to ${tx.maxCostWei} wei (gas limit × max fee + value)`,
      );
    const block = await this.client.getBlock({ blockTag: 'latest' });
    if (block.baseFeePerGas !== null && tx.maxFeePerGas < block.baseFeePerGas)
      throw new ApiError(
        'unprocessable',
        BODY_FIELD,
        `its max fee per gas (${tx.maxFeePerGas} wei) is below the latest block's base fee (${block.baseFeePerGas} wei)`,
      );

    const [existing] = await this.db.query<{ hash: string }>('SELECT hash FROM relayed_transactions WHERE hash = $1', [
      tx.hash,
    ]);
    await this.db.query(
      `INSERT INTO relayed_transactions (hash, from_address, to_address, contract, function_name, nonce, submitted_at, status)
       VALUES ($1, $2, $3, $4, $5, $6, $7, 'pending')
       ON CONFLICT (hash) DO UPDATE SET submitted_at = EXCLUDED.submitted_at, status = 'pending'`,
      [tx.hash, tx.from.toLowerCase(), tx.to.toLowerCase(), tx.contract, tx.functionName, tx.nonce, this.nowS()],
    );
    try {
      await this.client.sendRawTransaction({ serializedTransaction: raw.toLowerCase() as Hex });
    } catch (err) {
      if (existing === undefined) await this.db.query('DELETE FROM relayed_transactions WHERE hash = $1', [tx.hash]);
      throw this.refusal(err, tx.hash, tx.nonce);
    }
    this.log?.info({ ...relayed }, 'relay: broadcast');
    return relayed;
  }

  /** eth_call from the sender at the pending block, with its gas limit; a revert is refused with its decoded error. */
  private async simulate(tx: Awaited<ReturnType<typeof checkTransaction>>): Promise<void> {
    const call = (gas: bigint | undefined) =>
      this.client.call({
        account: tx.from,
        to: tx.to,
        data: tx.data,
        value: tx.value,
        ...(gas === undefined ? {} : { gas }),
        blockTag: 'pending',
      });
    try {
      await call(tx.gas);
      return;
    } catch (err) {
      if (/intrinsic gas/.test(messagesOf(err)))
        throw new ApiError(
          'unprocessable',
          BODY_FIELD,
          `its gas limit ${tx.gas} is below the transaction's intrinsic gas (21,000 and its calldata's)`,
        );
      let revert = revertOf(err);
      if (!revert.reverted) throw err;
      if (revert.data === undefined || revert.data === '0x') {
        // No error data: out of gas at its limit, if it runs with more; else what it reverts with then.
        const retried = await call(undefined).then(
          () => undefined,
          (e: unknown) => revertOf(e),
        );
        if (retried === undefined)
          throw new ApiError(
            'would_revert',
            BODY_FIELD,
            `runs out of gas: its gas limit ${tx.gas} is too low for ${tx.contract}.${tx.functionName}`,
          );
        if (retried.reverted) revert = retried;
      }
      throw new ApiError(
        'would_revert',
        BODY_FIELD,
        `${tx.contract}.${tx.functionName} ${describeRevert(revert.data)} when simulated from ${tx.from} at the pending block`,
      );
    }
  }

  /** What the chain's node said when it refused the transaction, in the relay's words (its own text is logged). */
  private refusal(err: unknown, hash: Hex, nonce: number): Error {
    const text = messagesOf(err);
    if (/already known|known transaction|already imported/.test(text))
      return new ApiError(
        'already_known',
        BODY_FIELD,
        `transaction ${hash} was sent already; GET /v1/transactions/${hash}`,
      );
    if (/nonce too low/.test(text))
      return new ApiError(
        'nonce_too_low',
        BODY_FIELD,
        `nonce ${nonce} is used already: sign it again with the next one`,
      );
    if (/underpriced|replacement/.test(text))
      return new ApiError(
        'unprocessable',
        BODY_FIELD,
        `another pending transaction of the sender has nonce ${nonce} and pays at least as much: raise the fees to replace it`,
      );
    if (/insufficient funds/.test(text))
      return new ApiError('unprocessable', BODY_FIELD, 'the sender cannot pay gas limit × max fee + value');
    if (/intrinsic gas|gas too low/.test(text))
      return new ApiError('unprocessable', BODY_FIELD, 'its gas limit is below the intrinsic gas of the transaction');
    if (/gas limit|exceeds block gas/.test(text))
      return new ApiError('unprocessable', BODY_FIELD, "its gas limit exceeds the block's gas limit");
    if (/base fee|fee cap|max fee/.test(text))
      return new ApiError('unprocessable', BODY_FIELD, "its max fee per gas is below the block's base fee");
    return err instanceof Error ? err : new Error(String(err));
  }

  /** A relayed transaction's state, its receipt read from the chain; undefined when this service did not relay it. */
  async status(hash: Hex): Promise<RelayedStatus | undefined> {
    const [row] = await this.db.query<Row>('SELECT * FROM relayed_transactions WHERE hash = $1', [hash.toLowerCase()]);
    if (row === undefined) return undefined;
    const base = {
      hash: row.hash as Hex,
      from: getAddress(row.from_address),
      to: getAddress(row.to_address),
      contract: row.contract,
      function: row.function_name,
      nonce: Number(row.nonce),
      submittedAt: Number(row.submitted_at),
    };
    const receipt = await this.client.getTransactionReceipt({ hash: base.hash }).catch((err: Error) => {
      if (err.name === 'TransactionReceiptNotFoundError') return null;
      throw err;
    });
    let status: RelayedStatus['status'];
    if (receipt !== null) status = 'mined';
    else if ((await this.client.request({ method: 'eth_getTransactionByHash', params: [base.hash] })) !== null)
      status = 'pending';
    else
      status =
        (await this.client.getTransactionCount({ address: base.from, blockTag: 'latest' })) > base.nonce
          ? 'replaced'
          : 'dropped';
    await this.db.query('UPDATE relayed_transactions SET status = $2, block_number = $3 WHERE hash = $1', [
      base.hash,
      status,
      receipt === null ? null : Number(receipt.blockNumber),
    ]);
    return {
      ...base,
      status,
      receipt:
        receipt === null
          ? null
          : {
              blockNumber: Number(receipt.blockNumber),
              blockHash: receipt.blockHash,
              status: receipt.status,
              gasUsed: receipt.gasUsed.toString(),
            },
    };
  }
}
