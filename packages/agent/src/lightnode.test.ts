// The device as a light node, on a real anvil with the whole path: the node agent signs windows into its outbox and
// publishes them over MQTT (embedded aedes), the ingest stores them (PGlite), a deliberately dishonest attester commits
// the hours, the API publishes them, and the light node checks its own records against the chain and challenges.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer } from 'node:http';
import { createTestClient, hexToBytes, http, toHex, type Address, type Hex } from 'viem';
import { mnemonicToAccount, privateKeyToAccount } from 'viem/accounts';
import { randomBytes } from 'node:crypto';
import { attestationOracleAbi, nodeRegistryAbi, settlementTokenAbi } from '@greenhour/contracts';
import {
  ANVIL_DEFAULT_PRIVATE_KEY,
  connect,
  DEFAULT_MINIMUM_STAKE_USDC6,
  faucet,
  registerNode,
  type Clients,
} from '@greenhour/chain';
import {
  Attester,
  Ingest,
  openDatabase,
  RegistryDirectory,
  startApi,
  startEmbeddedBroker,
  subscribeTelemetry,
  type ApiServer,
  type AttesterFault,
  type Database,
  type EmbeddedBroker,
  type Subscriber,
} from '@greenhour/attestation';
import { startTestChain, type TestChain } from '@greenhour/attestation/testing';
import {
  addressOfPrivateKey,
  encodeTelemetry,
  signDigest,
  telemetryTopic,
  ZERO_HASH,
  type NodeLimits,
  type Telemetry,
} from '@greenhour/telemetry';
import { NodeAgent } from './agent.ts';
import { SimulatedSiteDriver } from './simulated.ts';
import { LightNode, LightNodeError, OPEN_CLAIM_LOOK_SECONDS, readLightNodeStore } from './lightnode.ts';
import {
  readProvenCommitment,
  readProvenNode,
  readProvenStorage,
  verifyHeader,
  LightClientError,
  mappingSlot,
  NODE_REGISTRY_LAYOUT,
} from './lightclient.ts';
import { runAgentCli } from './cli.ts';
import { Outbox } from './outbox.ts';

const CHILD = join(dirname(fileURLToPath(import.meta.url)), 'lightnodeChild.ts');

const HOUR = 3600;
const WINDOWS_PER_HOUR = 60; // a full hour of one-minute windows: the real cost per hour
const OWNER_KEY = toHex(
  mnemonicToAccount('test test test test test test test test test test test junk', { addressIndex: 3 }).getHdKey()
    .privateKey!,
);
const SPEC = { pvWp: 500_000, batteryWh: 1_000_000, chargerW: 0, gpuCount: 8 };
const H100 = 'NVIDIA H100 SXM5 80GB';

describe('the device as a light node (anvil, MQTT, PGlite, a dishonest attester)', () => {
  let chain: TestChain;
  let owner: Clients;
  let db: Database;
  let broker: EmbeddedBroker;
  let ingest: Ingest;
  let subscriber: Subscriber;
  let api: ApiServer;
  let deviceKey: Hex;
  let device: Address;
  let nodeId: number;
  let limits: NodeLimits;
  let outboxDir: string;
  let chainNow: () => Promise<number>;
  let ingestNow = 0;
  const lines: string[] = [];
  const log = (line: string) => lines.push(line);

  before(async () => {
    chain = await startTestChain(['pile']);
    owner = await connect(chain.anvil.rpcUrl, OWNER_KEY);
    const { clients, deployment } = chain;
    // A station registered by its own owner (not the attester), its device key holding a little ETH for gas.
    deviceKey = toHex(randomBytes(32));
    device = addressOfPrivateKey(Buffer.from(deviceKey.slice(2), 'hex')).toLowerCase() as Address;
    await faucet(clients, deployment, owner.account.address, DEFAULT_MINIMUM_STAKE_USDC6.station);
    nodeId = Number(
      await registerNode(
        owner,
        deployment,
        { deviceSigner: device, siteType: 'station', geohash: 'u33db', gpuModel: H100, ...SPEC },
        DEFAULT_MINIMUM_STAKE_USDC6.station,
        privateKeyToAccount(deviceKey),
      ),
    );
    const gas = await clients.walletClient.sendTransaction({ to: device, value: 10n ** 16n });
    await clients.publicClient.waitForTransactionReceipt({ hash: gas });
    // And one omission claim's bond (1 USD at deployment); the second claim finds the key short and tries again.
    await faucet(clients, deployment, device, 1_000_000n);
    limits = { pvWp: SPEC.pvWp, batteryWh: SPEC.batteryWh, chargerW: SPEC.chargerW, gpuPowerWMax: 700 * SPEC.gpuCount };
    chainNow = async () => Number((await clients.publicClient.getBlock()).timestamp);

    db = await openDatabase({});
    broker = await startEmbeddedBroker(0);
    ingestNow = await chainNow();
    ingest = new Ingest({
      db,
      directory: new RegistryDirectory(clients.publicClient, deployment.nodeRegistry),
      hasher: chain.hasher,
      now: () => ingestNow,
      // Receipts signed by the attester account (the deployer commits the roots), as the service sends them.
      onStored: (windows) => {
        if (signingReceipts) subscriber.sendReceipts(windows, hexToBytes(ANVIL_DEFAULT_PRIVATE_KEY));
      },
    });
    await ingest.start();
    subscriber = await subscribeTelemetry(ingest, { mqttUrl: broker.url, protocolVersion: 4 });
    api = await startApi(db, ingest);
    outboxDir = mkdtempSync(join('/tmp', 'i19-lightnode-'));
  });
  after(async () => {
    await api?.close();
    await subscriber?.close();
    await ingest?.stop();
    await broker?.close();
    await db?.close();
    await chain?.stop();
  });

  const mine = () => createTestClient({ mode: 'anvil', transport: http(chain.anvil.rpcUrl) }).mine({ blocks: 1 });

  async function startAgent(clockS: number): Promise<NodeAgent> {
    const meter = new SimulatedSiteDriver({
      siteType: 'station',
      zone: 'SG',
      spec: { ...SPEC, gpuBoardPowerW: 700 },
      seed: 7,
    });
    const agent = new NodeAgent({
      privateKey: deviceKey,
      chainId: chain.clients.chain.id,
      verifyingContract: chain.deployment.attestationOracle,
      meter,
      mqttUrl: broker.url,
      outboxDir,
      clock: () => clockS,
      limits,
      attester: chain.clients.account.address,
      log,
    });
    agent.connect();
    return agent;
  }

  let pileSeq = 0;
  /**
   * The agent signs and publishes the first WINDOWS_PER_HOUR minutes of `slot`, and the pile (another node, honest)
   * reports three windows, so that every hour has a root; resolves once all are stored.
   */
  /** An attester that signs no receipts (off for one hour below) leaves its drops and omissions unprovable. */
  let signingReceipts = true;
  async function runHour(agent: NodeAgent, slot: number): Promise<void> {
    const pile = chain.devices[0]!;
    for (let i = 0; i < 3; i++) {
      const message: Telemetry = {
        device: pile.address.toLowerCase() as Address,
        seq: ++pileSeq,
        windowStart: slot * HOUR + i * 60,
        windowEnd: slot * HOUR + (i + 1) * 60,
        pvWh: 300,
        batteryInWh: 0,
        batteryOutWh: 0,
        batterySocWh: 50_000, // half of the pile's 100 kWh
        gridImportWh: 5,
        gridExportWh: 0,
        gpuWh: 10,
        evWh: 0,
        uptimeS: 60,
        jobsHash: ZERO_HASH,
      };
      const signature = signDigest(chain.hasher.digest(message), pile.privateKey);
      await ingest.handle(telemetryTopic(pile.address), encodeTelemetry({ message, signature }));
    }
    let last = 0;
    for (let i = 0; i < WINDOWS_PER_HOUR; i++) last = (await agent.tickWindow(slot * HOUR + i * 60)).message.seq;
    await agent.acked(last);
    const deadline = Date.now() + 10_000;
    while ((await db.query('SELECT 1 FROM telemetry_messages WHERE slot = $1', [slot])).length < WINDOWS_PER_HOUR + 3) {
      if (Date.now() > deadline) throw new Error(`windows of hour ${slot} not stored`);
      await ingest.drain();
      await new Promise((r) => setTimeout(r, 20));
    }
    // Each stored window's receipt comes back to the agent.
    while (signingReceipts && agent.outbox.inSlot(slot).some((e) => e.receipt === undefined)) {
      if (Date.now() > deadline) throw new Error(`receipts of hour ${slot} not received`);
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  /** Builds and commits exactly `slot` (and any empty hours before it), dishonestly when `fault` says so. */
  async function attest(slot: number, fault?: AttesterFault): Promise<void> {
    const attester = new Attester({
      db,
      ingest,
      clients: chain.clients,
      oracle: chain.deployment.attestationOracle,
      graceS: 0,
      now: () => (slot + 1) * HOUR + 1,
      claim: false,
      log,
      ...(fault ? { fault } : {}),
    });
    await attester.buildDueHours();
    await attester.commitBuilt();
  }

  const tokenBalance = (address: Address) =>
    chain.clients.publicClient.readContract({
      address: chain.deployment.settlementToken,
      abi: settlementTokenAbi,
      functionName: 'balanceOf',
      args: [address],
    });

  function lightNode(now: number, extra: Partial<ConstructorParameters<typeof LightNode>[0]> = {}, agent?: NodeAgent) {
    return new LightNode({
      privateKey: deviceKey,
      rpcUrl: chain.anvil.rpcUrl,
      chainId: chain.clients.chain.id,
      oracle: chain.deployment.attestationOracle,
      registry: chain.deployment.nodeRegistry,
      apiUrls: [api.url],
      outbox: agent!.outbox,
      now: () => now,
      nextBlock: mine,
      log,
      ...extra,
    });
  }

  it('light-client reads: registration and commitments proven from storage equal eth_call; a lying RPC is caught', async () => {
    const { clients, deployment } = chain;
    const proven = await readProvenNode(clients.publicClient, deployment.nodeRegistry, device);
    const called = await clients.publicClient.readContract({
      address: deployment.nodeRegistry,
      abi: nodeRegistryAbi,
      functionName: 'node',
      args: [BigInt(nodeId)],
    });
    assert.ok(proven);
    assert.equal(proven.nodeId, nodeId);
    assert.equal(proven.owner.toLowerCase(), called.owner.toLowerCase());
    assert.equal(proven.owner.toLowerCase(), owner.account.address.toLowerCase());
    assert.equal(proven.deviceSigner.toLowerCase(), called.deviceSigner.toLowerCase());
    assert.equal(proven.status, ['None', 'Online', 'InProgress', 'Exiting', 'Exited'][called.status]);
    assert.equal(proven.stakeUsdc6, called.stakeUsdc6);
    assert.equal(proven.bondedUsdc6, called.bondedUsdc6);
    assert.equal(proven.stakeUsdc6, DEFAULT_MINIMUM_STAKE_USDC6.station);
    // The pile registered by the deployer: another owner, the same layout.
    const pile = chain.devices[0]!;
    const provenPile = await readProvenNode(clients.publicClient, deployment.nodeRegistry, pile.address);
    assert.equal(provenPile?.nodeId, pile.nodeId);
    assert.equal(provenPile?.owner.toLowerCase(), clients.account.address.toLowerCase());
    assert.equal(
      await readProvenNode(clients.publicClient, deployment.nodeRegistry, `0x${'11'.repeat(20)}`),
      undefined,
    );

    // A lying RPC: it answers eth_getProof with a changed storage value, or a header with another stateRoot.
    const slot = mappingSlot(BigInt(nodeId), 'uint256', NODE_REGISTRY_LAYOUT.nodesSlot, 2n);
    const lying = (tamper: (method: string, result: any) => any) => ({
      request: async (args: { method: string; params?: unknown }) =>
        tamper(args.method, await clients.publicClient.request(args as never)),
    });
    await assert.rejects(
      readProvenStorage(
        lying((method, r) =>
          method === 'eth_getProof'
            ? { ...r, storageProof: r.storageProof.map((p: any) => ({ ...p, value: '0x1' })) }
            : r,
        ),
        deployment.nodeRegistry,
        [slot],
      ),
      (err: Error) => err instanceof LightClientError && /the RPC said 0x1, the proof says/.test(err.message),
    );
    await assert.rejects(
      readProvenStorage(
        lying((method, r) => (method === 'eth_getBlockByNumber' ? { ...r, stateRoot: `0x${'ab'.repeat(32)}` } : r)),
        deployment.nodeRegistry,
        [slot],
      ),
      /header: fields hash to .* not to the block hash/,
    );
    await assert.rejects(
      readProvenStorage(
        lying((method, r) => (method === 'eth_getProof' ? { ...r, accountProof: r.accountProof.slice(0, -1) } : r)),
        deployment.nodeRegistry,
        [slot],
      ),
      /account .*: (proof does not verify|proven absent)/,
    );
    await assert.rejects(
      readProvenStorage(clients.publicClient, deployment.nodeRegistry, [slot], {
        trustedBlockHash: `0x${'00'.repeat(32)}`,
      }),
      /trusted 0x0000/,
    );
    const raw = (await clients.publicClient.request({
      method: 'eth_getBlockByNumber',
      params: ['latest', false],
    })) as any;
    assert.equal(verifyHeader(raw).hash, raw.hash);
    assert.throws(() => verifyHeader({ ...raw, gasUsed: '0x1' }), /hash to/);
    assert.throws(() => verifyHeader({ ...raw, stateRoot: undefined }), /header: field stateRoot missing/);
  });

  it('bad options are rejected naming the field', async () => {
    const agent = await startAgent(0);
    try {
      for (const [extra, message] of [
        [{ rpcUrl: 'localhost:8545' }, /rpcUrl: (not a URL|must be http)/],
        [{ rpcUrl: 'ws://127.0.0.1:1' }, /rpcUrl: must be http/],
        [{ apiUrls: [] }, /apiUrls: at least one/],
        [{ apiUrls: ['ftp://x'] }, /apiUrls\[0\]: must be http/],
        [{ oracle: '0x1234' as Address }, /oracle: not an address/],
        [{ registry: 'nope' as Address }, /registry: not an address/],
        [{ chainId: 0 }, /chainId: must be a positive integer/],
        [{ privateKey: '0x12' as Hex }, /privateKey: not 32 bytes/],
      ] as const)
        assert.throws(
          () => lightNode(0, extra as never, agent),
          (err: Error) => err instanceof LightNodeError && message.test(err.message),
        );
    } finally {
      await agent.stop();
    }
  });

  it('an honest hour is verified; inflated green energy, dropped windows, an omitted and a withheld record are each caught by the device, and what is provable is paid to the owner', async (t) => {
    const { clients, deployment } = chain;
    const testClient = createTestClient({ mode: 'anvil', transport: http(chain.anvil.rpcUrl) });
    const now = await chainNow();
    const current = Math.floor(now / HOUR);
    const [honest, inflated, dropped, omitted, withheld] = [
      current - 6,
      current - 5,
      current - 4,
      current - 3,
      current - 2,
    ];
    const agent = await startAgent(now);
    t.after(() => agent.stop());
    // A mirror that withholds one record (it answers "no record" for it) and passes every other request on.
    const mirror = createServer(async (req, res) => {
      if (req.url === `/v1/attestations/${withheld}/nodes/${nodeId}`) {
        res.writeHead(404, { 'content-type': 'application/json' }).end('{"error":{"code":"not_found"}}');
        return;
      }
      const upstream = await fetch(`${api.url}${req.url}`);
      res.writeHead(upstream.status, { 'content-type': 'application/json' }).end(await upstream.text());
    });
    mirror.listen(0, '127.0.0.1');
    await once(mirror, 'listening');
    t.after(() => new Promise((r) => mirror.close(r)));
    const mirrorUrl = `http://127.0.0.1:${(mirror.address() as { port: number }).port}`;
    // The light node starts with the agent: it pins the windows of the hours it has not settled in the outbox.
    // Its clock moves on below: an open claim is looked at every OPEN_CLAIM_LOOK_SECONDS, and when due.
    let lightClock = now;
    const node = lightNode(now, { apiUrls: [mirrorUrl], now: () => lightClock }, agent);
    for (const s of [honest, inflated, dropped, omitted, withheld]) await runHour(agent, s);
    await attest(honest);
    await attest(inflated, { mode: 'inflate-green', nodeIds: [nodeId] });
    await attest(dropped, { mode: 'drop-windows', nodeIds: [nodeId] });
    await attest(omitted, { mode: 'omit-record', nodeIds: [nodeId] });
    await attest(withheld);

    // The root the light node trusts is proven from storage; it equals what eth_call says.
    for (const s of [honest, inflated]) {
      const proven = await readProvenCommitment(clients.publicClient, deployment.attestationOracle, s);
      const called = await clients.publicClient.readContract({
        address: deployment.attestationOracle,
        abi: attestationOracleAbi,
        functionName: 'commitment',
        args: [s],
      });
      assert.equal(proven.root, called.root);
      assert.equal(proven.committedAt, called.committedAt);
      assert.equal(proven.recordCount, called.recordCount);
      assert.equal(proven.attester.toLowerCase(), called.attester.toLowerCase());
      assert.equal(proven.recordCount, 2);
    }

    const ownerBefore = await tokenBalance(owner.account.address);
    const deviceEthBefore = await clients.publicClient.getBalance({ address: device });
    const settled = await node.checkDue();
    const registrationCalls = node.metrics.rpcCalls - node.hours().reduce((sum, c) => sum + (c.rpcCalls ?? 0), 0);
    assert.equal(registrationCalls, 4, 'two storage proofs (node id, then the node), two calls each');
    assert.deepEqual(
      settled.map((c) => [c.slot, c.state]),
      [
        [honest, 'verified'],
        [inflated, 'misreported'],
        [dropped, 'misreported'],
        [omitted, 'missing'],
        [withheld, 'missing'],
      ],
    );
    // The device key held one claim bond: the second claim failed, and is tried again once the key is funded.
    const short = node.hour(withheld)!.omission!;
    assert.equal(short.status, 'claiming');
    assert.equal(short.attempts, 1);
    assert.match(short.reason!, /holds 0\.00 USD; an omission claim bonds 1\.00 USD/);
    assert.ok(lines.some((l) => /omission claim of node \d+ hour \d+: attempt 1 of 3 failed/.test(l)));
    await faucet(clients, deployment, device, 1_000_000n);
    assert.deepEqual(
      (await node.checkDue()).map((c) => [c.slot, c.omission?.status]),
      [[withheld, 'open']],
    );

    // Honest: verified against the root proven from the chain, no challenge.
    const h = node.hour(honest)!;
    assert.equal(h.challenge, undefined);
    assert.equal(h.omission, undefined);
    assert.equal(h.reported?.leaf, h.expected.leaf);

    // Inflated: the device challenged from its own outbox; AggregateMismatch; the owner got a fifth of the bond.
    const i = node.hour(inflated)!;
    assert.equal(i.challenge?.status, 'succeeded', JSON.stringify(i.challenge));
    assert.equal(i.challenge?.kind, 'fraud');
    assert.equal(i.challenge?.fault, 'AggregateMismatch');
    assert.ok(i.reported!.greenWh > i.expected.greenWh, 'the record claimed more green energy');
    assert.ok(i.reported!.greenShareBps >= i.expected.greenShareBps);
    assert.equal(i.reported!.messagesHash, i.expected.messagesHash, 'it kept the device’s windows');
    const bond = await clients.publicClient.readContract({
      address: deployment.attestationOracle,
      abi: attestationOracleAbi,
      functionName: 'bondPerRecordUsdc6',
    });
    const reward = (bond * 2_000n) / 10_000n;
    assert.equal(i.challenge?.rewardUsdc6, Number(reward));
    assert.equal(i.challenge?.rewardTo?.toLowerCase(), owner.account.address.toLowerCase());
    const deviceEthAfter = await clients.publicClient.getBalance({ address: device });
    assert.ok(deviceEthAfter < deviceEthBefore, 'the device paid the gas');
    for (const leaf of [i.reported!.leaf, node.hour(dropped)!.reported!.leaf])
      assert.equal(
        await clients.publicClient.readContract({
          address: deployment.attestationOracle,
          abi: attestationOracleAbi,
          functionName: 'isExcluded',
          args: [leaf],
        }),
        true,
      );
    assert.ok(i.challenge!.commitGas! > 0 && i.challenge!.revealGas! > 0);
    assert.ok(lines.some((l) => /MISREPORT node \d+ hour \d+ .*misreported: greenWh/.test(l)));
    assert.ok(lines.some((l) => /CHALLENGE SUCCEEDED node \d+ hour \d+: AggregateMismatch/.test(l)));

    // Dropped windows: the smaller record is consistent with what it commits to, but the attester had signed a
    // receipt of each dropped window: the device proves one dropped (DroppedWindow) and the owner is paid.
    const d = node.hour(dropped)!;
    assert.equal(d.droppedSeqs?.length, WINDOWS_PER_HOUR / 2);
    assert.equal(d.reported?.messageCount, WINDOWS_PER_HOUR / 2);
    assert.equal(d.challenge?.status, 'succeeded', JSON.stringify(d.challenge));
    assert.equal(d.challenge?.kind, 'dropped-window');
    assert.equal(d.challenge?.fault, 'DroppedWindow');
    assert.equal(d.challenge?.rewardUsdc6, Number(reward));
    assert.ok(lines.some((l) => /CHALLENGE SUCCEEDED node \d+ hour \d+: DroppedWindow/.test(l)));
    assert.equal((await tokenBalance(owner.account.address)) - ownerBefore, 2n * reward, 'both paid to the owner');

    // Omitted and withheld: no record proves against the committed root; each hour's claim is open, bonded by the
    // device with the attester's receipt.
    for (const slot of [omitted, withheld]) {
      const o = node.hour(slot)!;
      assert.equal(o.reported, undefined);
      assert.equal(o.challenge, undefined);
      assert.equal(o.omission?.status, 'open', JSON.stringify(o.omission));
      assert.match(o.reason, /no published record of node \d+ proves against the root/);
      assert.ok(o.omission!.claimGas! > 0);
    }
    const claimBond = 1_000_000n;
    assert.equal(await tokenBalance(device), 0n, 'both claim bonds are held by the oracle');
    assert.ok(lines.some((l) => /OMISSION CLAIM opened with the attester's receipt of seq \d+/.test(l)));

    // The honest attester answers the claim of the withheld record (it holds it); it cannot answer the omitted one.
    const attester = new Attester({
      db,
      ingest,
      clients,
      oracle: deployment.attestationOracle,
      claim: false,
      log,
    });
    // (The attester is the treasury too: measured here, after the challenges' forfeits.)
    const attesterUsdBefore = await tokenBalance(clients.account.address);
    assert.equal(await attester.answerOmissionClaims(), 1);
    assert.equal((await tokenBalance(clients.account.address)) - attesterUsdBefore, claimBond, 'the claim bond');
    // Not looked at again within OPEN_CLAIM_LOOK_SECONDS; then the answer reveals the record: the device judges it
    // like a published one, and it is honest.
    const callsBefore = node.metrics.rpcCalls;
    assert.deepEqual(await node.checkDue(), []);
    assert.equal(node.metrics.rpcCalls - callsBefore, 0, 'an open claim is not looked at every check');
    lightClock += OPEN_CLAIM_LOOK_SECONDS;
    const answered = await node.checkDue();
    assert.deepEqual(
      answered.map((c) => [c.slot, c.state, c.omission?.status]),
      [[withheld, 'verified', 'answered']],
    );
    assert.match(node.hour(withheld)!.source!, /^chain:0x/);
    assert.equal(node.hour(omitted)!.omission?.status, 'open', 'not due until the window closes');

    // Once the window has closed unanswered, the omission is proven: a record's bond forfeited, a fifth to the owner.
    await testClient.increaseTime({ seconds: 6 * HOUR + 60 });
    await mine();
    lightClock = await chainNow();
    const ownerBeforeProof = await tokenBalance(owner.account.address);
    const proven = await node.checkDue();
    assert.deepEqual(
      proven.map((c) => [c.slot, c.omission?.status]),
      [[omitted, 'proven']],
    );
    const o = node.hour(omitted)!.omission!;
    assert.equal(o.rewardUsdc6, Number(reward));
    assert.equal(o.rewardTo?.toLowerCase(), owner.account.address.toLowerCase());
    assert.equal((await tokenBalance(owner.account.address)) - ownerBeforeProof, reward);
    assert.equal(await tokenBalance(device), claimBond, 'the proven claim’s bond came back, the answered one did not');
    assert.ok(lines.some((l) => /OMISSION PROVEN node \d+ hour \d+/.test(l)));

    const m = node.metrics;
    assert.equal(m.hoursVerified, 2);
    assert.equal(m.hoursMisreported, 2);
    assert.equal(m.hoursMissing, 1);
    assert.equal(m.challengesCommitted, 2, 'an honest hour produces no challenge');
    assert.equal(m.challengesSucceeded, 2);
    assert.equal(m.notChallengeable, 0);
    assert.equal(m.omissionClaims, 2);
    assert.equal(m.omissionsProven, 1);
    assert.equal(m.omissionClaimsAnswered, 1);
    assert.equal(m.rewardsUsdc6, Number(3n * reward));
    assert.ok(m.rpcCalls > 0 && m.apiCalls === 5);

    // The cost per device and hour (BENCHMARKS.md).
    t.diagnostic(
      `BENCH light node, ${WINDOWS_PER_HOUR} windows an hour: registration proof ${registrationCalls} RPC calls ` +
        `(re-proven hourly); honest hour ${h.rpcCalls} RPC calls + 1 API request; challenged hour ${i.rpcCalls} RPC ` +
        `calls + 1 API request; challenge gas commit ${i.challenge!.commitGas} + reveal ${i.challenge!.revealGas} = ` +
        `${i.challenge!.commitGas! + i.challenge!.revealGas!}; dropped-window challenge gas ${d.challenge!.commitGas} + ` +
        `${d.challenge!.revealGas} = ${d.challenge!.commitGas! + d.challenge!.revealGas!} (${d.rpcCalls} RPC calls); ` +
        `omission claim gas ${o.claimGas} + resolve ${o.resolveGas} = ${o.claimGas! + o.resolveGas!} ` +
        `(${node.hour(omitted)!.rpcCalls} RPC calls); totals ${JSON.stringify(m)}`,
    );
    // A second round checks nothing again.
    const calls = m.apiCalls;
    assert.deepEqual(await node.checkDue(), []);
    assert.equal(node.metrics.apiCalls, calls);
    await node.stop();

    // `greenhour-agent status` shows every hour's state from the store.
    let out = '';
    const code = await runAgentCli(['status', '--outbox', outboxDir], {
      stdout: (s) => (out += s),
      stderr: (s) => (out += s),
      stopSignal: () => new Promise(() => {}),
    });
    assert.equal(code, 0, out);
    assert.match(out, new RegExp(`hour ${honest} .*verified`));
    assert.match(out, new RegExp(`hour ${inflated} .*misreported.*challenge succeeded \\(AggregateMismatch\\)`));
    assert.match(out, new RegExp(`hour ${dropped} .*misreported.*challenge succeeded \\(DroppedWindow\\)`));
    assert.match(out, new RegExp(`hour ${omitted} .*missing.*omission proven, \\d+\\.\\d\\d USD to owner`));
    assert.match(out, new RegExp(`hour ${withheld} .*verified.*omission claim answered`));
    assert.match(out, /challenges: 2 committed, 2 succeeded, 0 failed/);
    assert.match(out, /omission claims: 2 opened, 1 proven, 1 answered/);

    // A restarted agent resumes where it stopped: only the new hour is fetched and checked.
    await agent.stop();
    const restarted = await startAgent(now);
    try {
      const next = current - 1;
      // This time a mirror that is down comes first: the light node moves on to the next one.
      const again = lightNode(now, { apiUrls: ['http://127.0.0.1:1', api.url] }, restarted);
      // This hour the attester signs no receipts: the record is honest, and the device says it holds no receipt.
      signingReceipts = false;
      await runHour(restarted, next);
      signingReceipts = true;
      await attest(next);
      assert.equal(again.hour(inflated)?.challenge?.status, 'succeeded', 'the store survived the restart');
      const apiBefore = again.metrics.apiCalls;
      const resumed = await again.checkDue();
      assert.deepEqual(
        resumed.map((c) => [c.slot, c.state]),
        [[next, 'verified']],
      );
      assert.equal(again.metrics.apiCalls - apiBefore, 2, 'the new hour only: the dead mirror, then the service');
      assert.equal(again.hour(next)?.source, api.url);
      assert.equal(again.hour(next)?.rpcCalls, 2, 'an honest hour: one commitment proof (header + eth_getProof)');
      assert.equal(again.metrics.challengesCommitted, 2);
      assert.equal(readLightNodeStore(outboxDir)?.hours[String(next)]?.state, 'verified');
      assert.equal(again.hour(next)?.receiptedWindows, 0);
      assert.equal(again.hour(honest)?.receiptedWindows, WINDOWS_PER_HOUR, 'every window of an ordinary hour');
      assert.equal(again.metrics.windowsUnreceipted, WINDOWS_PER_HOUR);
      assert.ok(lines.some((l) => /verified: .*; 60 of 60 windows without the attester's receipt/.test(l)));
      await again.stop();
      let status = '';
      await runAgentCli(['status', '--outbox', outboxDir], {
        stdout: (s) => (status += s),
        stderr: (s) => (status += s),
        stopSignal: () => new Promise(() => {}),
      });
      assert.match(status, new RegExp(`hour ${next} .*verified.*\\[receipts: 0 of 60 windows\\]`));
      assert.match(status, /windows without the attester's receipt: 60 /);
    } finally {
      await restarted.stop();
    }
  });
  it('a light node killed between its challenge commit and reveal finishes the challenge after a restart, committing once', async (t) => {
    const anvil = createTestClient({ mode: 'anvil', transport: http(chain.anvil.rpcUrl) });
    // The current hour ends once the chain (and the ingest's clock) move two hours on.
    const slot = Math.floor((await chainNow()) / HOUR);
    await anvil.increaseTime({ seconds: 2 * HOUR });
    await mine();
    const now = await chainNow();
    ingestNow = now;
    const agent = await startAgent(now);
    try {
      await runHour(agent, slot);
    } finally {
      await agent.stop();
    }
    await attest(slot, { mode: 'inflate-green', nodeIds: [nodeId] });

    const child = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        CHILD,
        JSON.stringify({
          privateKey: deviceKey,
          rpcUrl: chain.anvil.rpcUrl,
          chainId: chain.clients.chain.id,
          oracle: chain.deployment.attestationOracle,
          registry: chain.deployment.nodeRegistry,
          apiUrl: api.url,
          outboxDir,
          now,
        }),
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    const exited = once(child, 'exit');
    t.after(() => child.kill('SIGKILL'));
    const deadline = Date.now() + 60_000;
    while (!/challenge committed in block/.test(out)) {
      if (Date.now() > deadline || child.exitCode !== null) throw new Error(`no commitment from the child:\n${out}`);
      await new Promise((r) => setTimeout(r, 50));
    }
    child.kill('SIGKILL');
    await exited;
    const stored = readLightNodeStore(outboxDir)!.hours[String(slot)]!;
    assert.equal(stored.state, 'misreported');
    assert.equal(stored.challenge?.status, 'committed', 'killed after the commit, before the reveal');
    const commitTx = stored.challenge!.commitTx;
    assert.ok(commitTx);

    const outbox = Outbox.open(outboxDir, { onWarning: log }); // takes over the dead process's lock
    t.after(() => outbox.close());
    const ownerBefore = await tokenBalance(owner.account.address);
    const node = new LightNode({
      privateKey: deviceKey,
      rpcUrl: chain.anvil.rpcUrl,
      chainId: chain.clients.chain.id,
      oracle: chain.deployment.attestationOracle,
      registry: chain.deployment.nodeRegistry,
      apiUrls: [api.url],
      outbox,
      now: () => now,
      nextBlock: mine,
      log,
    });
    const committedBefore = node.metrics.challengesCommitted;
    const settled = await node.checkDue();
    assert.deepEqual(
      settled.map((c) => [c.slot, c.challenge?.status]),
      [[slot, 'succeeded']],
    );
    const c = node.hour(slot)!.challenge!;
    assert.equal(c.fault, 'AggregateMismatch');
    assert.equal(c.commitTx, commitTx, 'the killed process’s commitment is revealed, not made again');
    assert.equal(node.metrics.challengesCommitted, committedBefore, 'no second commitment');
    assert.ok((await tokenBalance(owner.account.address)) - ownerBefore > 0n, 'the owner is paid');
    await node.stop();
  });
});
