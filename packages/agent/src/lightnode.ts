// The device as a light node of the chain (docs/TELEMETRY.md, "Light node"): after each hour's commit it fetches its
// own node-hour record and Merkle proof from the service (or any mirror), verifies the proof against the root proven
// from the chain's storage (not the service's word), and compares the record with what it signed and the broker
// acknowledged. On a provable misreport it challenges the record itself (commit, then reveal in a later block) from the
// device key, paying the gas from the key's small balance; the oracle pays the reward to the node's owner
// (`challengeByDevice`). Each hour's state (verified / missing / misreported, and the challenge) is kept in
// `lightnode.json` beside the outbox, so a restarted agent resumes where it stopped.
import { closeSync, fsyncSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import {
  bytesToHex,
  createPublicClient,
  createWalletClient,
  decodeFunctionData,
  defineChain,
  encodeAbiParameters,
  hexToBytes,
  http,
  isAddress,
  keccak256,
  parseEventLogs,
  type Address,
  type Hex,
} from 'viem';
import { privateKeyToAccount } from 'viem/accounts';
import { attestationOracleAbi, settlementTokenAbi } from '@greenhour/contracts';
import { transact, type Clients } from '@greenhour/chain';
import {
  aggregate,
  FAULTS,
  greenShareBps,
  leafOf,
  MAX_WINDOWS_PER_RECORD,
  TelemetryHasher,
  isReceiptOf,
  verifyRecord,
  type NodeHourRecord,
  type SignedReceipt,
  type Telemetry,
} from '@greenhour/telemetry';
import { fsyncDir } from './keystore.ts';
import type { Outbox, OutboxEntry } from './outbox.ts';
import { readProvenCommitment, readProvenNode, type ProvenCommitment, type ProvenNode } from './lightclient.ts';

export const LIGHT_NODE_FILE = 'lightnode.json';
const SECONDS_PER_SLOT = 3600;
/** contracts/src/libraries/Constants.sol: how long after its commit a record can be challenged. */
export const CHALLENGE_WINDOW_SECONDS = 6 * 3600;
/** Constants.sol: how long after its slot ends an hour may still be committed. */
export const COMMIT_DEADLINE_SECONDS = 18 * 3600;
/** Constants.sol: the challenger's (here the owner's) share of what a fault forfeits. */
export const CHALLENGER_REWARD_BPS = 2_000;
/** Constants.sol: an omission claim is opened at the latest this long before the slot's challenge window closes. */
export const OMISSION_ANSWER_SECONDS = 2 * 3600;
/** A challenge or claim whose transaction fails is tried again at the next checks, this many times in all. */
export const MAX_CHALLENGE_ATTEMPTS = 3;
/** An open omission claim is looked at on chain at most this often (seconds) until its answer is due. */
export const OPEN_CLAIM_LOOK_SECONDS = 600;
/** Default interval between checks, ms. */
export const DEFAULT_CHECK_INTERVAL_MS = 60_000;
/** The device's own registration is re-proven at most this often, seconds. */
export const REGISTRATION_RECHECK_SECONDS = 3600;

export type HourState = 'verified' | 'missing' | 'misreported';
export type ChallengeStatus = 'committing' | 'committed' | 'succeeded' | 'failed' | 'not-challengeable';
/** `fraud`: the record misstates the windows it commits to (challengeByDevice); `dropped-window`: it leaves out a
 * window the attester acknowledged with a receipt (challengeDroppedWindow). */
export type ChallengeKind = 'fraud' | 'dropped-window';
/** An omission claim: `claiming` until the transaction is in, `open` until answered or the window closes, then
 * `proven` (paid to the owner), `answered` (the attester proved a record; the claim bond is its), `closed` (a
 * challenge excluded a record of the hour; the claim bond came back) or `failed`. */
export type OmissionStatus = 'claiming' | 'open' | 'proven' | 'answered' | 'closed' | 'failed';

export interface RecordSummary {
  greenWh: number;
  gridWh: number;
  gpuWh: number;
  uptimeS: number;
  messageCount: number;
  messagesHash: Hex;
  greenShareBps: number;
  leaf: Hex;
}

export interface FraudEvidence {
  record: NodeHourRecord;
  proof: Hex[];
  messages: Telemetry[];
  signatures: Hex[];
}

export interface DroppedWindowEvidence {
  record: NodeHourRecord;
  proof: Hex[];
  /** The record's committed windows, digest ‖ signature each: the preimage of its messagesHash. */
  windows: Hex;
  /** The attester's receipt of a window the record leaves out. */
  receipt: SignedReceipt;
}

export interface ChallengeState {
  status: ChallengeStatus;
  /** Absent in stores written before receipts: `fraud`. */
  kind?: ChallengeKind;
  reason?: string;
  /** Transactions tried and failed so far (see MAX_CHALLENGE_ATTEMPTS). */
  attempts?: number;
  salt?: Hex;
  commitment?: Hex;
  committedInBlock?: number;
  commitTx?: Hex;
  revealTx?: Hex;
  commitGas?: number;
  revealGas?: number;
  fault?: string;
  rewardUsdc6?: number;
  rewardTo?: Address;
  /** What the reveal sends, kept until the challenge ends so that a restart can finish it. */
  evidence?: FraudEvidence | DroppedWindowEvidence;
}

export interface OmissionState {
  status: OmissionStatus;
  reason?: string;
  /** The receipt the claim rests on (kept until the claim ends). */
  receipt?: SignedReceipt;
  attempts?: number;
  claimTx?: Hex;
  claimGas?: number;
  bondUsdc6?: number;
  /** UTC seconds: the attester must answer before this (the slot's challenge window closes). */
  answerBy?: number;
  resolveTx?: Hex;
  resolveGas?: number;
  answerTx?: Hex;
  rewardUsdc6?: number;
  rewardTo?: Address;
  /** UTC seconds (the light node's clock) of the last look at the open claim on chain. */
  lookedAt?: number;
}

export interface HourCheck {
  slot: number;
  state: HourState;
  /** UTC seconds of the check. */
  checkedAt: number;
  reason: string;
  expected: RecordSummary;
  reported?: RecordSummary;
  /**
   * Acknowledged windows of the hour holding a receipt signed by the slot's attester (of expected.messageCount): an
   * attester that signs none leaves its drops and omissions unprovable, and this is how the device sees it.
   */
  receiptedWindows?: number;
  /** Acknowledged windows the record leaves out. */
  droppedSeqs?: number[];
  /** Windows the record commits to that this device did not sign (as held in its outbox). */
  foreignSeqs?: number[];
  /** The service (or mirror) whose record proved against the committed root. */
  source?: string;
  /** JSON-RPC requests this hour took: its commitment's proof, plus the challenge's transactions if any. */
  rpcCalls?: number;
  challenge?: ChallengeState;
  /** The omission claim of an hour whose record no service published. */
  omission?: OmissionState;
}

export interface LightNodeMetrics {
  hoursVerified: number;
  hoursMissing: number;
  hoursMisreported: number;
  challengesCommitted: number;
  challengesSucceeded: number;
  challengesFailed: number;
  notChallengeable: number;
  rpcCalls: number;
  apiCalls: number;
  challengeGas: number;
  rewardsUsdc6: number;
  omissionClaims: number;
  omissionsProven: number;
  omissionClaimsAnswered: number;
  /** Acknowledged windows of checked hours without the attester's receipt. */
  windowsUnreceipted: number;
}

export interface RegistrationCheck {
  nodeId: number;
  owner: Address;
  status: string;
  stakeUsdc6: string;
  bondedUsdc6: string;
  blockNumber: number;
  blockHash: Hex;
  checkedAt: number;
}

export interface LightNodeStore {
  version: 1;
  device: Address;
  registration: RegistrationCheck | null;
  hours: Record<string, HourCheck>;
  metrics: LightNodeMetrics;
}

const emptyMetrics = (): LightNodeMetrics => ({
  hoursVerified: 0,
  hoursMissing: 0,
  hoursMisreported: 0,
  challengesCommitted: 0,
  challengesSucceeded: 0,
  challengesFailed: 0,
  notChallengeable: 0,
  rpcCalls: 0,
  apiCalls: 0,
  challengeGas: 0,
  rewardsUsdc6: 0,
  omissionClaims: 0,
  omissionsProven: 0,
  omissionClaimsAnswered: 0,
  windowsUnreceipted: 0,
});

export class LightNodeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'LightNodeError';
  }
}

/** Reads the light node's store in `dir`; undefined when the agent never checked an hour there. */
export function readLightNodeStore(dir: string): LightNodeStore | undefined {
  const file = join(dir, LIGHT_NODE_FILE);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new LightNodeError(`${file}: cannot read (${(err as Error).message})`);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new LightNodeError(`${file}: corrupt, not JSON (${(err as Error).message})`);
  }
  const s = raw as Partial<LightNodeStore> | null;
  if (
    s === null ||
    typeof s !== 'object' ||
    s.version !== 1 ||
    typeof s.device !== 'string' ||
    typeof s.hours !== 'object' ||
    s.hours === null ||
    typeof s.metrics !== 'object'
  )
    throw new LightNodeError(`${file}: corrupt, expected {"version":1,"device","registration","hours","metrics"}`);
  return { ...(s as LightNodeStore), metrics: { ...emptyMetrics(), ...s.metrics } };
}

function writeAtomically(file: string, text: string): void {
  const tmp = `${file}.tmp`;
  const fd = openSync(tmp, 'w', 0o600);
  try {
    const buf = Buffer.from(text);
    let off = 0;
    while (off < buf.length) off += writeSync(fd, buf, off, buf.length - off);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, file);
}

export interface LightNodeOptions {
  /** The device key: the node's registered deviceSigner; it pays the challenges' gas. */
  privateKey: Hex;
  /** JSON-RPC endpoint of the chain. */
  rpcUrl: string;
  chainId: number;
  oracle: Address;
  registry: Address;
  /** The attestation service's API and any mirrors, tried in order (`http(s)://host:port`). */
  apiUrls: readonly string[];
  /** The agent's outbox: the signed windows the checks compare against and challenges are built from. */
  outbox: Outbox;
  /** Where lightnode.json lives (default: the outbox's directory). */
  storeDir?: string;
  /** UTC seconds (default: the system clock): decides which hours have ended. */
  now?: () => number;
  /** Resolves once the chain has a block after `committedIn` (default: poll the block number). */
  nextBlock?: (committedIn: bigint) => Promise<unknown>;
  /** Timeout of one API request, ms (default 10,000). */
  fetchTimeoutMs?: number;
  log?: (line: string) => void;
  /** Called after each hour's state is stored (e.g. to report it). */
  onCheck?: (check: HourCheck) => void;
}

function checkHttpUrl(field: string, raw: string): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new LightNodeError(`${field}: not a URL: ${JSON.stringify(raw)}`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new LightNodeError(`${field}: must be http:// or https://, got ${JSON.stringify(raw)}`);
  return raw.replace(/\/+$/, '');
}

const summary = (r: NodeHourRecord): RecordSummary => ({
  greenWh: r.greenWh,
  gridWh: r.gridWh,
  gpuWh: r.gpuWh,
  uptimeS: r.uptimeS,
  messageCount: r.messageCount,
  messagesHash: r.messagesHash,
  greenShareBps: greenShareBps(r),
  leaf: leafOf(r),
});

const isoHour = (slot: number) => new Date(slot * SECONDS_PER_SLOT * 1000).toISOString().replace(':00:00.000Z', 'Z');
const usd = (usdc6: number) => (usdc6 / 1e6).toFixed(2);
const firstLine = (err: unknown) => (err instanceof Error ? err.message : String(err)).split('\n')[0]!;

type Evidence = FraudEvidence;

/** What the check of one hour compares: the device's own windows and the commitment proven from the chain. */
interface HourContext {
  nodeId: number;
  slot: number;
  /** Acknowledged windows of the hour, at most MAX_WINDOWS_PER_RECORD. */
  sent: OutboxEntry[];
  own: { entry: OutboxEntry; digest: Uint8Array; signature: Uint8Array }[];
  expected: NodeHourRecord;
  base: { slot: number; checkedAt: number; expected: RecordSummary; receiptedWindows: number };
  commitment: ProvenCommitment;
}

const PENDING_CHALLENGE: readonly ChallengeStatus[] = ['committing', 'committed'];
const PENDING_OMISSION: readonly OmissionStatus[] = ['claiming', 'open'];

function parseEvidence(body: unknown): Evidence {
  const b = body as Partial<Evidence> | null;
  if (b === null || typeof b !== 'object') throw new Error('not a JSON object');
  const r = b.record as Partial<NodeHourRecord> | undefined;
  if (r === undefined || r === null || typeof r !== 'object') throw new Error('no record');
  for (const k of ['nodeId', 'slot', 'greenWh', 'gridWh', 'gpuWh', 'uptimeS', 'messageCount'] as const)
    if (!Number.isSafeInteger(r[k]) || (r[k] as number) < 0) throw new Error(`record.${k}: not a non-negative integer`);
  if (typeof r.messagesHash !== 'string' || !/^0x[0-9a-fA-F]{64}$/.test(r.messagesHash))
    throw new Error('record.messagesHash: not 32 bytes of hex');
  const hexes = (v: unknown, name: string): Hex[] => {
    if (!Array.isArray(v) || v.some((x) => typeof x !== 'string' || !/^0x[0-9a-fA-F]*$/.test(x)))
      throw new Error(`${name}: not an array of hex strings`);
    return v as Hex[];
  };
  return {
    record: r as NodeHourRecord,
    proof: hexes(b.proof, 'proof'),
    messages: Array.isArray(b.messages) ? (b.messages as Telemetry[]) : [],
    signatures: Array.isArray(b.signatures) ? hexes(b.signatures, 'signatures') : [],
  };
}

const messageArg = (m: Telemetry) => ({
  ...m,
  seq: BigInt(m.seq),
  windowStart: BigInt(m.windowStart),
  windowEnd: BigInt(m.windowEnd),
});
const recordArg = (r: NodeHourRecord) => ({
  ...r,
  nodeId: BigInt(r.nodeId),
  greenWh: BigInt(r.greenWh),
  gridWh: BigInt(r.gridWh),
  gpuWh: BigInt(r.gpuWh),
});

export class LightNode {
  readonly device: Address;
  readonly apiUrls: readonly string[];
  readonly storeFile: string;
  private readonly opts: LightNodeOptions;
  private readonly clients: Clients;
  private readonly hasher: TelemetryHasher;
  private readonly now: () => number;
  private readonly log: (line: string) => void;
  private store: LightNodeStore;
  private tail: Promise<unknown> = Promise.resolve();
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;

  /** Validates the options and loads the store; the network is untouched until checkDue() or start(). */
  constructor(opts: LightNodeOptions) {
    if (!/^0x[0-9a-fA-F]{64}$/.test(opts.privateKey)) throw new LightNodeError('privateKey: not 32 bytes of 0x hex');
    const rpcUrl = checkHttpUrl('rpcUrl', opts.rpcUrl);
    if (!Number.isSafeInteger(opts.chainId) || opts.chainId < 1)
      throw new LightNodeError(`chainId: must be a positive integer, got ${opts.chainId}`);
    for (const k of ['oracle', 'registry'] as const)
      if (!isAddress(opts[k], { strict: false })) throw new LightNodeError(`${k}: not an address: ${String(opts[k])}`);
    if (opts.apiUrls.length === 0) throw new LightNodeError('apiUrls: at least one service URL');
    this.apiUrls = opts.apiUrls.map((u, i) => checkHttpUrl(`apiUrls[${i}]`, u));
    this.opts = opts;
    const account = privateKeyToAccount(opts.privateKey);
    this.device = account.address.toLowerCase() as Address;
    const chain = defineChain({
      id: opts.chainId,
      name: `chain-${opts.chainId}`,
      nativeCurrency: { name: 'Ether', symbol: 'ETH', decimals: 18 },
      rpcUrls: { default: { http: [rpcUrl] } },
    });
    // Every JSON-RPC request is counted: the cost per device per hour (BENCHMARKS.md).
    const transport = http(rpcUrl, { onFetchRequest: () => void this.store.metrics.rpcCalls++ });
    this.clients = {
      chain,
      account,
      publicClient: createPublicClient({ chain, transport, pollingInterval: 250 }),
      walletClient: createWalletClient({ chain, transport, account, pollingInterval: 250 }),
    };
    this.hasher = new TelemetryHasher({ chainId: opts.chainId, verifyingContract: opts.oracle });
    this.now = opts.now ?? (() => Math.floor(Date.now() / 1000));
    this.log = opts.log ?? ((line) => process.stderr.write(`${line}\n`));
    this.storeFile = join(opts.storeDir ?? opts.outbox.dir, LIGHT_NODE_FILE);
    const held = readLightNodeStore(opts.storeDir ?? opts.outbox.dir);
    if (held && held.device.toLowerCase() !== this.device)
      throw new LightNodeError(`${this.storeFile}: holds the checks of device ${held.device}, not ${this.device}`);
    this.store = held ?? { version: 1, device: this.device, registration: null, hours: {}, metrics: emptyMetrics() };
    // The windows of hours not finished yet stay in the outbox: a challenge rebuilds the record from them.
    opts.outbox.retainFrom = () => this.retainFrom();
  }

  get metrics(): Readonly<LightNodeMetrics> {
    return this.store.metrics;
  }

  get registration(): RegistrationCheck | null {
    return this.store.registration;
  }

  hour(slot: number): HourCheck | undefined {
    return this.store.hours[String(slot)];
  }

  hours(): HourCheck[] {
    return Object.values(this.store.hours).sort((a, b) => a.slot - b.slot);
  }

  /** Checks every ended hour that is due, one at a time (calls are serialised). Resolves to the hours it settled. */
  checkDue(): Promise<HourCheck[]> {
    const run = this.tail.then(() => this.runChecks());
    this.tail = run.catch(() => {});
    return run;
  }

  /** Checks every `intervalMs` until stop(). */
  start(intervalMs = DEFAULT_CHECK_INTERVAL_MS): void {
    if (this.stopped) throw new LightNodeError('light node: stopped');
    if (this.timer) return;
    const tick = () => {
      if (this.stopped) return;
      this.checkDue()
        .catch((err) => this.log(`light node: check failed: ${firstLine(err)}`))
        .finally(() => {
          if (!this.stopped) this.timer = setTimeout(tick, intervalMs);
        });
    };
    this.timer = setTimeout(tick, 0);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.tail;
  }

  private save(): void {
    writeAtomically(this.storeFile, `${JSON.stringify(this.store, null, 1)}\n`);
    fsyncDir(join(this.storeFile, '..'));
  }

  private terminal(c: HourCheck | undefined): boolean {
    if (c === undefined) return false;
    return (
      (c.challenge === undefined || !PENDING_CHALLENGE.includes(c.challenge.status)) &&
      (c.omission === undefined || !PENDING_OMISSION.includes(c.omission.status))
    );
  }

  /** Start of the oldest hour held in the outbox that is not settled yet (its windows are pinned). */
  private retainFrom(): number {
    const current = Math.floor(this.now() / SECONDS_PER_SLOT);
    for (const slot of this.opts.outbox.slots())
      if (slot < current && !this.terminal(this.hour(slot))) return slot * SECONDS_PER_SLOT;
    return current * SECONDS_PER_SLOT;
  }

  /** The device's registration, proven from NodeRegistry's storage (eth_getProof), re-proven at most hourly. */
  async checkRegistration(force = false): Promise<RegistrationCheck | undefined> {
    const held = this.store.registration;
    if (!force && held && this.now() - held.checkedAt < REGISTRATION_RECHECK_SECONDS) return held;
    let node: ProvenNode | undefined;
    node = await readProvenNode(this.clients.publicClient, this.opts.registry, this.device);
    if (node === undefined) {
      this.log(`light node: device ${this.device} is not registered (proven from NodeRegistry storage)`);
      return undefined;
    }
    if (node.deviceSigner.toLowerCase() !== this.device)
      throw new LightNodeError(`registry: node ${node.nodeId} is signed by ${node.deviceSigner}, not ${this.device}`);
    const check: RegistrationCheck = {
      nodeId: node.nodeId,
      owner: node.owner,
      status: node.status,
      stakeUsdc6: node.stakeUsdc6.toString(),
      bondedUsdc6: node.bondedUsdc6.toString(),
      blockNumber: Number(node.blockNumber),
      blockHash: node.blockHash,
      checkedAt: this.now(),
    };
    if (held?.nodeId !== check.nodeId || held.status !== check.status || held.stakeUsdc6 !== check.stakeUsdc6)
      this.log(
        `light node: node ${check.nodeId} ${check.status}, owner ${check.owner}, stake ${usd(Number(node.stakeUsdc6))} USD ` +
          `(storage proof at block ${check.blockNumber})`,
      );
    this.store.registration = check;
    this.save();
    return check;
  }

  private async runChecks(): Promise<HourCheck[]> {
    const registration = await this.checkRegistration();
    if (registration === undefined) return [];
    const settled: HourCheck[] = [];
    const current = Math.floor(this.now() / SECONDS_PER_SLOT);
    for (const slot of this.opts.outbox.slots()) {
      if (this.stopped || slot >= current) break;
      const held = this.hour(slot);
      if (this.terminal(held)) continue;
      const rpcBefore = this.store.metrics.rpcCalls;
      const check = held ?? (await this.checkHour(registration, slot));
      if (check === undefined) continue;
      // An open claim waits for the window to close: the hour is reported again only when something changed.
      let changed = held === undefined;
      if (check.omission && PENDING_OMISSION.includes(check.omission.status))
        changed = (await this.pursueOmission(check, registration)) || changed;
      if (check.challenge && PENDING_CHALLENGE.includes(check.challenge.status)) {
        await this.challenge(check, registration);
        changed = true;
      }
      check.rpcCalls = (check.rpcCalls ?? 0) + this.store.metrics.rpcCalls - rpcBefore;
      this.save();
      if (!changed) continue;
      this.opts.onCheck?.(check);
      settled.push(check);
    }
    return settled;
  }

  private settle(check: HourCheck): HourCheck {
    this.store.hours[String(check.slot)] = check;
    const m = this.store.metrics;
    if (check.state === 'verified') m.hoursVerified++;
    else if (check.state === 'missing') m.hoursMissing++;
    else m.hoursMisreported++;
    if (check.challenge?.status === 'not-challengeable') m.notChallengeable++;
    const unreceipted = check.expected.messageCount - (check.receiptedWindows ?? check.expected.messageCount);
    m.windowsUnreceipted += unreceipted;
    this.save();
    const where = `node ${this.store.registration?.nodeId} hour ${check.slot} (${isoHour(check.slot)})`;
    const receipts =
      unreceipted > 0
        ? `; ${unreceipted} of ${check.expected.messageCount} windows without the attester's receipt`
        : '';
    if (check.state === 'verified') this.log(`light node: ${where} verified: ${check.reason}${receipts}`);
    else
      this.log(
        `light node: MISREPORT ${where} ${check.state}: ${check.reason}` +
          (check.challenge?.status === 'not-challengeable' ? `; not challengeable: ${check.challenge.reason}` : '') +
          (check.omission?.status === 'claiming'
            ? `; claiming the omission with the attester's receipt of seq ${check.omission.receipt!.receipt.seq}`
            : '') +
          receipts,
      );
    return check;
  }

  /** The device's side of an hour and its commitment proven from the chain; undefined when it sent no window. */
  private async context(registration: RegistrationCheck, slot: number): Promise<HourContext | undefined> {
    const nodeId = registration.nodeId;
    // The windows the broker acknowledged: what the attester received. Ingest takes at most 60 a device-hour.
    const sent = this.opts.outbox
      .inSlot(slot)
      .filter((e) => e.acked)
      .slice(0, MAX_WINDOWS_PER_RECORD);
    if (sent.length === 0) return undefined;
    const own = sent.map((e) => ({
      entry: e,
      digest: this.hasher.digest(e.signed.message),
      signature: hexToBytes(e.signed.signature),
    }));
    const expected = aggregate(
      nodeId,
      slot,
      own.map((o) => ({ message: o.entry.signed.message, digest: o.digest, signature: o.signature })),
    );
    const commitment = await readProvenCommitment(this.clients.publicClient, this.opts.oracle, slot);
    return {
      nodeId,
      slot,
      sent,
      own,
      expected,
      base: {
        slot,
        checkedAt: this.now(),
        expected: summary(expected),
        // Before the commit the slot's attester is not known yet: any receipt counts then.
        receiptedWindows: sent.filter(
          (e) =>
            e.receipt !== undefined &&
            (commitment.committedAt === 0 || isReceiptOf(this.hasher.domain, e.receipt, commitment.attester)),
        ).length,
      },
      commitment,
    };
  }

  /** The first of `entries` holding a receipt signed by `attester` (the one the oracle accepts for the slot). */
  private receiptBy(entries: readonly OutboxEntry[], attester: Address): SignedReceipt | undefined {
    for (const e of entries) if (e.receipt && isReceiptOf(this.hasher.domain, e.receipt, attester)) return e.receipt;
    return undefined;
  }

  /** One hour: undefined while it is not committed yet (or no service answered); otherwise its settled check. */
  private async checkHour(registration: RegistrationCheck, slot: number): Promise<HourCheck | undefined> {
    const ctx = await this.context(registration, slot);
    if (ctx === undefined) return undefined;
    const { nodeId, sent, base, commitment } = ctx;
    if (commitment.committedAt === 0) {
      const deadline = (slot + 1) * SECONDS_PER_SLOT + COMMIT_DEADLINE_SECONDS;
      if (Number(commitment.blockTimestamp) < deadline) return undefined;
      return this.settle({
        ...base,
        state: 'missing',
        reason: `hour never committed on chain (deadline ${new Date(deadline * 1000).toISOString()} passed)`,
        challenge: { status: 'not-challengeable', reason: 'no root was committed: nothing to challenge' },
      });
    }

    // The record, from the service or any mirror: only one that proves against the root from the chain counts.
    let found: { url: string; evidence: Evidence } | undefined;
    let answered = false;
    const problems: string[] = [];
    for (const url of this.apiUrls) {
      this.store.metrics.apiCalls++;
      try {
        const res = await fetch(`${url}/v1/attestations/${slot}/nodes/${nodeId}`, {
          signal: AbortSignal.timeout(this.opts.fetchTimeoutMs ?? 10_000),
        });
        if (res.status === 404) {
          answered = true;
          problems.push(`${url}: no record`);
          continue;
        }
        if (!res.ok) {
          problems.push(`${url}: HTTP ${res.status}`);
          continue;
        }
        const evidence = parseEvidence(await res.json());
        answered = true;
        if (evidence.record.nodeId !== nodeId || evidence.record.slot !== slot) {
          problems.push(`${url}: a record of node ${evidence.record.nodeId} hour ${evidence.record.slot}`);
          continue;
        }
        if (!verifyRecord(commitment.root, evidence.record, evidence.proof)) {
          problems.push(`${url}: its record does not prove against the committed root ${commitment.root}`);
          continue;
        }
        found = { url, evidence };
        break;
      } catch (err) {
        problems.push(`${url}: ${firstLine(err)}`);
      }
    }
    if (found !== undefined) return this.judge(ctx, found);

    const closesAt = commitment.committedAt + CHALLENGE_WINDOW_SECONDS;
    const lastClaimAt = closesAt - OMISSION_ANSWER_SECONDS;
    const receipt = this.receiptBy(sent, commitment.attester);
    // Nobody answered (network): try again later, until a claim could still be opened (or, without a receipt to
    // claim with, until the window has closed).
    if (!answered && Number(commitment.blockTimestamp) < (receipt ? lastClaimAt : closesAt)) {
      this.log(`light node: hour ${slot}: no service answered (${problems.join('; ')}); retrying`);
      return undefined;
    }
    const check: HourCheck = {
      ...base,
      state: 'missing',
      reason:
        `${sent.length} acknowledged windows, but no published record of node ${nodeId} proves against the root ` +
        `committed on chain (${problems.join('; ')})`,
    };
    if (receipt === undefined)
      check.challenge = {
        status: 'not-challengeable',
        reason:
          `no window of the hour has a receipt signed by its attester ${commitment.attester}: without one the oracle ` +
          'cannot tell a record the attester never received from one it omitted (docs/TELEMETRY.md, "Light node")',
      };
    else if (Number(commitment.blockTimestamp) > lastClaimAt)
      check.challenge = {
        status: 'not-challengeable',
        reason: `an omission claim had to be opened by ${new Date(lastClaimAt * 1000).toISOString()}`,
      };
    else check.omission = { status: 'claiming', receipt, answerBy: closesAt };
    return this.settle(check);
  }

  /** Compares a record that proves against the committed root with the device's own windows, and settles the hour. */
  private judge(ctx: HourContext, found: { url: string; evidence: Evidence }): HourCheck {
    const { nodeId, slot, sent, own, expected, base, commitment } = ctx;
    const reported = found.evidence.record;
    if (leafOf(reported) === leafOf(expected))
      return this.settle({
        ...base,
        state: 'verified',
        reason: `record of ${sent.length} windows matches, green share ${greenShareBps(expected) / 100} %`,
        reported: summary(reported),
        source: found.url,
      });

    // Misreported. Which windows does the record commit to? Ours, if its messagesHash is theirs; else what the service
    // published, when that hashes to it (each window taken from our own outbox where we hold it).
    const bySeq = new Map(own.map((o) => [o.entry.seq, o]));
    let committed: { message: Telemetry; signature: Hex }[] | undefined;
    const foreignSeqs: number[] = [];
    if (reported.messagesHash === expected.messagesHash) committed = sent.map((e) => e.signed);
    else {
      const { messages, signatures } = found.evidence;
      if (messages.length > 0 && messages.length === signatures.length && messages.length <= MAX_WINDOWS_PER_RECORD) {
        try {
          const candidate = messages.map((m, i) => {
            const mine = bySeq.get(m.seq);
            const digest = this.hasher.digest(m);
            if (mine && bytesToHex(mine.digest) === bytesToHex(digest) && mine.entry.signed.signature === signatures[i])
              return mine.entry.signed;
            foreignSeqs.push(m.seq);
            return { message: m, signature: signatures[i]! };
          });
          const hash = aggregate(
            nodeId,
            slot,
            candidate.map((c) => ({
              message: c.message,
              digest: this.hasher.digest(c.message),
              signature: hexToBytes(c.signature),
            })),
          ).messagesHash;
          if (hash === reported.messagesHash) committed = candidate;
        } catch {
          // published windows that do not even aggregate: treated as not published
        }
      }
    }
    const committedSeqs = new Set((committed ?? []).map((c) => c.message.seq));
    const droppedSeqs = committed ? sent.map((e) => e.seq).filter((s) => !committedSeqs.has(s)) : [];
    const diffs: string[] = [];
    for (const k of ['greenWh', 'gridWh', 'gpuWh', 'uptimeS', 'messageCount'] as const)
      if (reported[k] !== expected[k]) diffs.push(`${k} ${reported[k]} (expected ${expected[k]})`);
    if (greenShareBps(reported) !== greenShareBps(expected))
      diffs.push(`green share ${greenShareBps(reported) / 100} % (expected ${greenShareBps(expected) / 100} %)`);
    if (droppedSeqs.length > 0) diffs.push(`${droppedSeqs.length} acknowledged windows dropped`);
    if (foreignSeqs.length > 0) diffs.push(`${foreignSeqs.length} windows not signed by this device`);
    const check: HourCheck = {
      ...base,
      state: 'misreported',
      reason: diffs.length > 0 ? diffs.join(', ') : 'the record commits to other windows than this device sent',
      reported: summary(reported),
      source: found.url,
      ...(droppedSeqs.length > 0 ? { droppedSeqs } : {}),
      ...(foreignSeqs.length > 0 ? { foreignSeqs } : {}),
    };

    const outOfBounds = reported.messageCount === 0 || reported.messageCount > MAX_WINDOWS_PER_RECORD;
    let notChallengeable: string | undefined;
    let dropped: DroppedWindowEvidence | undefined;
    if (!outOfBounds) {
      if (committed === undefined)
        notChallengeable =
          'the record commits to windows this device cannot reproduce and no service published them (data withheld)';
      else if (foreignSeqs.length === 0) {
        const recomputed = aggregate(
          nodeId,
          slot,
          committed.map((c) => ({
            message: c.message,
            digest: this.hasher.digest(c.message),
            signature: hexToBytes(c.signature),
          })),
        );
        if (leafOf(recomputed) === leafOf(reported)) {
          // Consistent with what it commits to: provable only as a window dropped after the attester's receipt.
          const droppedSet = new Set(droppedSeqs);
          const receipt = this.receiptBy(
            sent.filter((e) => droppedSet.has(e.seq)),
            commitment.attester,
          );
          if (receipt === undefined)
            notChallengeable =
              `the record is consistent with the ${committed.length} windows it commits to, and no dropped window has ` +
              `a receipt signed by the attester ${commitment.attester} (docs/TELEMETRY.md, "Light node")`;
          else
            dropped = {
              record: reported,
              proof: found.evidence.proof,
              windows: bytesToHex(
                Buffer.concat(
                  committed.map((c) => Buffer.concat([this.hasher.digest(c.message), hexToBytes(c.signature)])),
                ),
              ),
              receipt,
            };
        }
      }
    }
    const closesAt = commitment.committedAt + CHALLENGE_WINDOW_SECONDS;
    if (notChallengeable === undefined && Number(commitment.blockTimestamp) >= closesAt)
      notChallengeable = `the challenge window closed at ${new Date(closesAt * 1000).toISOString()}`;
    if (notChallengeable !== undefined) {
      check.challenge = { status: 'not-challengeable', reason: notChallengeable };
      return this.settle(check);
    }
    check.challenge = {
      status: 'committing',
      kind: dropped ? 'dropped-window' : 'fraud',
      salt: bytesToHex(randomBytes(32)),
      evidence: dropped ?? {
        record: reported,
        proof: found.evidence.proof,
        messages: outOfBounds ? [] : committed!.map((c) => c.message),
        signatures: outOfBounds ? [] : committed!.map((c) => c.signature),
      },
    };
    return this.settle(check);
  }

  /** Commits (unless already committed), waits for a later block, reveals; resumes after a restart. */
  private async challenge(check: HourCheck, registration: RegistrationCheck): Promise<void> {
    const c = check.challenge!;
    const evidence = c.evidence!;
    const oracle = { address: this.opts.oracle, abi: attestationOracleAbi } as const;
    const leaf = leafOf(evidence.record);
    const where = `node ${registration.nodeId} hour ${check.slot}`;
    try {
      c.commitment ??= keccak256(
        encodeAbiParameters(
          [{ type: 'bytes32' }, { type: 'address' }, { type: 'bytes32' }],
          [leaf, this.device, c.salt!],
        ),
      );
      if (c.status === 'committing') {
        // A crash after sending: the chain may hold the commitment already.
        const at = await this.clients.publicClient.readContract({
          ...oracle,
          functionName: 'challengeCommittedAt',
          args: [c.commitment],
        });
        if (at === 0n) {
          const { receipt } = await transact(this.clients, {
            ...oracle,
            functionName: 'commitChallenge',
            args: [c.commitment],
          });
          c.commitTx = receipt.transactionHash;
          c.commitGas = Number(receipt.gasUsed);
          c.committedInBlock = Number(receipt.blockNumber);
        } else c.committedInBlock = Number(at);
        c.status = 'committed';
        this.store.metrics.challengesCommitted++;
        this.save();
        this.log(`light node: ${where}: challenge committed in block ${c.committedInBlock} (${c.commitment})`);
      }
      const committedIn = BigInt(c.committedInBlock!);
      if (this.opts.nextBlock) await this.opts.nextBlock(committedIn);
      const deadline = Date.now() + 120_000;
      while ((await this.clients.publicClient.getBlockNumber({ cacheTime: 0 })) <= committedIn) {
        if (Date.now() > deadline) throw new Error(`no block after ${committedIn} to reveal in`);
        await new Promise((r) => setTimeout(r, 1_000));
      }
      const { receipt } =
        'windows' in evidence
          ? await transact(this.clients, {
              ...oracle,
              functionName: 'challengeDroppedWindow',
              args: [
                recordArg(evidence.record),
                evidence.proof,
                evidence.windows,
                receiptArg(evidence.receipt.receipt),
                evidence.receipt.signature,
                c.salt!,
              ],
            })
          : await transact(this.clients, {
              ...oracle,
              functionName: 'challengeByDevice',
              args: [
                recordArg(evidence.record),
                evidence.proof,
                evidence.messages.map(messageArg),
                evidence.signatures,
                c.salt!,
              ],
            });
      const [excluded] = parseEventLogs({ abi: attestationOracleAbi, eventName: 'RecordExcluded', logs: receipt.logs });
      if (excluded === undefined) throw new Error(`reveal ${receipt.transactionHash}: no RecordExcluded event`);
      const share = (v: bigint) => (v * BigInt(CHALLENGER_REWARD_BPS)) / 10_000n;
      const rewardUsdc6 = Number(share(excluded.args.bondPaidUsdc6) + share(excluded.args.slashedUsdc6));
      c.status = 'succeeded';
      c.revealTx = receipt.transactionHash;
      c.revealGas = Number(receipt.gasUsed);
      c.fault = FAULTS[Number(excluded.args.fault)] ?? String(excluded.args.fault);
      c.rewardUsdc6 = rewardUsdc6;
      c.rewardTo = excluded.args.challenger;
      delete c.evidence;
      const m = this.store.metrics;
      m.challengesSucceeded++;
      m.challengeGas += (c.commitGas ?? 0) + c.revealGas;
      m.rewardsUsdc6 += rewardUsdc6;
      this.save();
      this.log(
        `light node: CHALLENGE SUCCEEDED ${where}: ${c.fault}, record excluded, ${usd(rewardUsdc6)} USD to owner ` +
          `${c.rewardTo} (gas ${(c.commitGas ?? 0) + c.revealGas}, reveal ${receipt.transactionHash})`,
      );
    } catch (err) {
      c.attempts = (c.attempts ?? 0) + 1;
      c.reason = firstLine(err);
      if (c.attempts < MAX_CHALLENGE_ATTEMPTS) {
        this.save();
        this.log(
          `light node: challenge of ${where}: attempt ${c.attempts} of ${MAX_CHALLENGE_ATTEMPTS} failed (${c.reason}); ` +
            'trying again at the next check',
        );
        return;
      }
      c.status = 'failed';
      delete c.evidence;
      this.store.metrics.challengesFailed++;
      this.save();
      this.log(`light node: CHALLENGE FAILED ${where} after ${c.attempts} attempts: ${c.reason}`);
    }
  }

  /**
   * An omission claim (answer-or-forfeit): opens it with the attester's receipt, bonding omissionClaimBondUsdc6 from
   * the device key; once the window has closed unanswered, proves it (the forfeit goes to the owner). An answered claim
   * reveals the record in its transaction: the hour is then judged against it like a published one. True when the
   * claim's state changed.
   */
  private async pursueOmission(check: HourCheck, registration: RegistrationCheck): Promise<boolean> {
    const o = check.omission!;
    const where = `node ${registration.nodeId} hour ${check.slot}`;
    const oracle = { address: this.opts.oracle, abi: attestationOracleAbi } as const;
    const nodeId = BigInt(registration.nodeId);
    // An answer is looked for every OPEN_CLAIM_LOOK_SECONDS (there is time to challenge a record it reveals), and at
    // the close, when the claim is due: not at every check, which would cost a call a minute for six hours.
    const now = this.now();
    if (
      o.status === 'open' &&
      o.lookedAt !== undefined &&
      now - o.lookedAt < OPEN_CLAIM_LOOK_SECONDS &&
      now < (o.answerBy ?? 0)
    )
      return false;
    o.lookedAt = now;
    try {
      const onChain = await this.clients.publicClient.readContract({
        ...oracle,
        functionName: 'omissionClaim',
        args: [check.slot, nodeId],
      });
      const status = Number(onChain.status);
      if (o.status === 'claiming') {
        if (status === OMISSION.None) {
          const bondUsdc6 = await this.clients.publicClient.readContract({
            ...oracle,
            functionName: 'omissionClaimBondUsdc6',
          });
          await this.ensureClaimBond(bondUsdc6);
          const { receipt } = await transact(this.clients, {
            ...oracle,
            functionName: 'openOmissionClaim',
            args: [receiptArg(o.receipt!.receipt), o.receipt!.signature],
          });
          o.claimTx = receipt.transactionHash;
          o.claimGas = Number(receipt.gasUsed);
          o.bondUsdc6 = Number(bondUsdc6);
        } else if (onChain.claimant.toLowerCase() !== this.device)
          throw new Error(`the hour's omission claim is ${onChain.claimant}'s, not this device's`);
        else o.bondUsdc6 = Number(onChain.bondUsdc6);
        o.status = 'open';
        this.store.metrics.omissionClaims++;
        this.save();
        this.log(
          `light node: ${where}: OMISSION CLAIM opened with the attester's receipt of seq ${o.receipt!.receipt.seq}, ` +
            `bond ${usd(o.bondUsdc6)} USD; the attester must answer by ${new Date(o.answerBy! * 1000).toISOString()}`,
        );
        return true;
      }
      // Open: answered, closed by a challenge, proven by someone else, or due.
      if (status === OMISSION.Answered) return await this.claimAnswered(check, registration);
      if (status === OMISSION.RecordExcluded) {
        o.status = 'closed';
        o.reason = 'a challenge excluded a record of the hour: it existed; the claim bond came back';
        delete o.receipt;
        this.save();
        this.log(`light node: ${where}: omission claim closed: ${o.reason}`);
        return true;
      }
      let proven: { tx: Hex; gas?: number; owner: Address; bondPaidUsdc6: bigint } | undefined;
      if (status === OMISSION.Proven) {
        const [event] = await this.clients.publicClient.getContractEvents({
          ...oracle,
          eventName: 'OmissionProven',
          args: { slot: check.slot, nodeId },
          fromBlock: 0n,
        });
        if (event === undefined) throw new Error('the claim is proven but its OmissionProven event is not found');
        proven = { tx: event.transactionHash, owner: event.args.owner!, bondPaidUsdc6: event.args.bondPaidUsdc6! };
      } else {
        const block = await this.clients.publicClient.getBlock({ blockTag: 'latest' });
        if (Number(block.timestamp) < o.answerBy!) return false;
        const { receipt } = await transact(this.clients, {
          ...oracle,
          functionName: 'resolveOmissionClaim',
          args: [check.slot, nodeId],
        });
        const [event] = parseEventLogs({ abi: attestationOracleAbi, eventName: 'OmissionProven', logs: receipt.logs });
        if (event === undefined) throw new Error(`resolve ${receipt.transactionHash}: no OmissionProven event`);
        proven = {
          tx: receipt.transactionHash,
          gas: Number(receipt.gasUsed),
          owner: event.args.owner,
          bondPaidUsdc6: event.args.bondPaidUsdc6,
        };
      }
      const rewardUsdc6 = Number((proven.bondPaidUsdc6 * BigInt(CHALLENGER_REWARD_BPS)) / 10_000n);
      o.status = 'proven';
      o.resolveTx = proven.tx;
      if (proven.gas !== undefined) o.resolveGas = proven.gas;
      o.rewardUsdc6 = rewardUsdc6;
      o.rewardTo = proven.owner;
      delete o.receipt;
      const m = this.store.metrics;
      m.omissionsProven++;
      m.rewardsUsdc6 += rewardUsdc6;
      m.challengeGas += (o.claimGas ?? 0) + (o.resolveGas ?? 0);
      this.save();
      this.log(
        `light node: OMISSION PROVEN ${where}: the attester did not answer; ${usd(rewardUsdc6)} USD to owner ` +
          `${o.rewardTo}, the claim bond returned (gas ${(o.claimGas ?? 0) + (o.resolveGas ?? 0)}, ${proven.tx})`,
      );
      return true;
    } catch (err) {
      o.attempts = (o.attempts ?? 0) + 1;
      o.reason = firstLine(err);
      if (o.attempts < MAX_CHALLENGE_ATTEMPTS) {
        this.save();
        this.log(
          `light node: omission claim of ${where}: attempt ${o.attempts} of ${MAX_CHALLENGE_ATTEMPTS} failed ` +
            `(${o.reason}); trying again at the next check`,
        );
        return true;
      }
      o.status = 'failed';
      delete o.receipt;
      this.store.metrics.challengesFailed++;
      this.save();
      this.log(`light node: OMISSION CLAIM FAILED ${where} after ${o.attempts} attempts: ${o.reason}`);
      return true;
    }
  }

  /** The claim bond from the device key: its balance must cover it; the oracle is approved once. */
  private async ensureClaimBond(bondUsdc6: bigint): Promise<void> {
    const token = await this.clients.publicClient.readContract({
      address: this.opts.oracle,
      abi: attestationOracleAbi,
      functionName: 'settlementToken',
    });
    const erc20 = { address: token, abi: settlementTokenAbi } as const;
    const balance = await this.clients.publicClient.readContract({
      ...erc20,
      functionName: 'balanceOf',
      args: [this.device],
    });
    if (balance < bondUsdc6)
      throw new Error(
        `the device key ${this.device} holds ${usd(Number(balance))} USD; an omission claim bonds ${usd(Number(bondUsdc6))} USD`,
      );
    const allowance = await this.clients.publicClient.readContract({
      ...erc20,
      functionName: 'allowance',
      args: [this.device, this.opts.oracle],
    });
    if (allowance < bondUsdc6)
      await transact(this.clients, { ...erc20, functionName: 'approve', args: [this.opts.oracle, 2n ** 256n - 1n] });
  }

  /**
   * The attester answered the claim by proving a record of the hour: the service withheld it. The claim bond is the
   * attester's; the record, read from the answer's calldata, is judged like a published one (and challenged if false).
   */
  private async claimAnswered(check: HourCheck, registration: RegistrationCheck): Promise<boolean> {
    const o = check.omission!;
    const oracle = { address: this.opts.oracle, abi: attestationOracleAbi } as const;
    const [event] = await this.clients.publicClient.getContractEvents({
      ...oracle,
      eventName: 'OmissionClaimAnswered',
      args: { slot: check.slot, nodeId: BigInt(registration.nodeId) },
      fromBlock: 0n,
    });
    if (event === undefined) throw new Error('the claim is answered but its OmissionClaimAnswered event is not found');
    const tx = await this.clients.publicClient.getTransaction({ hash: event.transactionHash });
    const call = decodeFunctionData({ abi: attestationOracleAbi, data: tx.input });
    if (call.functionName !== 'answerOmissionClaim')
      throw new Error(`the answer ${event.transactionHash} is a call of ${call.functionName}, not answerOmissionClaim`);
    const [r, proof] = call.args;
    const record: NodeHourRecord = {
      nodeId: Number(r.nodeId),
      slot: r.slot,
      greenWh: Number(r.greenWh),
      gridWh: Number(r.gridWh),
      gpuWh: Number(r.gpuWh),
      uptimeS: r.uptimeS,
      messageCount: r.messageCount,
      messagesHash: r.messagesHash,
    };
    o.status = 'answered';
    o.answerTx = event.transactionHash;
    o.reason = `the attester proved a record of the hour in the root (${event.transactionHash}); the claim bond is its`;
    delete o.receipt;
    this.store.metrics.omissionClaimsAnswered++;
    this.log(`light node: node ${registration.nodeId} hour ${check.slot}: omission claim answered: ${o.reason}`);
    const ctx = await this.context(registration, check.slot);
    if (ctx === undefined || !verifyRecord(ctx.commitment.root, record, [...proof])) {
      this.save();
      return true;
    }
    // Re-judged: the hour's counters move from missing to what the record shows.
    this.store.metrics.hoursMissing--;
    this.store.metrics.windowsUnreceipted -=
      check.expected.messageCount - (check.receiptedWindows ?? check.expected.messageCount);
    const judged = this.judge(ctx, {
      url: `chain:${event.transactionHash}`,
      evidence: { record, proof: [...proof], messages: [], signatures: [] },
    });
    judged.omission = o;
    Object.assign(check, judged);
    this.store.hours[String(check.slot)] = check;
    this.save();
    return true;
  }
}

/** IAttestationOracle.OmissionStatus. */
const OMISSION = { None: 0, Open: 1, Answered: 2, Proven: 3, RecordExcluded: 4 } as const;

const receiptArg = (r: SignedReceipt['receipt']) => ({
  nodeId: BigInt(r.nodeId),
  slot: r.slot,
  seq: BigInt(r.seq),
  digest: r.digest,
});

export type { OutboxEntry };
