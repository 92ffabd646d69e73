// `greenhour job quote | submit | status` against a real anvil with the system deployed and one station's hours on the
// market: the quote plans the job on those hours with its expected emissions, submit escrows exactly what it says and
// the chain holds the job, status reads it back, and every bad flag or unpayable job is refused with nothing sent.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { keccak256, toHex, type Address } from 'viem';
import { generatePrivateKey, mnemonicToAccount } from 'viem/accounts';
import { settlementTokenAbi } from '@greenhour/contracts';
import {
  addLiquidity,
  hourIdOf,
  jobView,
  mintHours,
  SANDBOX_CLASS_ID,
  slotOf,
  startMarketSandbox,
  writeDeployment,
  type MarketSandbox,
} from '@greenhour/chain';
import { runCli } from './cli.ts';

const BUYER_KEY = toHex(
  mnemonicToAccount('test test test test test test test test test test test junk', { addressIndex: 1 }).getHdKey()
    .privateKey!,
);

async function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await runCli(args, { stdout: (s) => (stdout += s), stderr: (s) => (stderr += s) });
  return { code, stdout, stderr };
}

describe('greenhour job quote / submit / status on a real anvil', () => {
  let sandbox: MarketSandbox;
  let dir: string;
  let keyFile: string;
  let poorKeyFile: string;
  let specFile: string;
  let chainArgs: string[];
  let earliest: number;
  const spec = () => [
    '--kind',
    'inference',
    '--gpu-hours',
    '3',
    '--min-class',
    String(SANDBOX_CLASS_ID),
    '--max-price-usd',
    '5',
    '--incentive-usd',
    '2',
    '--earliest-slot',
    String(earliest),
    '--window-slots',
    '3',
  ];
  const cash = (who: Address) =>
    sandbox.node.publicClient.readContract({
      address: sandbox.deployment.settlementToken,
      abi: settlementTokenAbi,
      functionName: 'balanceOf',
      args: [who],
    });

  before(async () => {
    sandbox = await startMarketSandbox(8);
    dir = mkdtempSync(join(tmpdir(), 'gh-cli-job-'));
    const deployments = join(dir, 'deployments');
    writeDeployment(deployments, sandbox.deployment);
    keyFile = join(dir, 'buyer.key');
    writeFileSync(keyFile, BUYER_KEY + '\n', { mode: 0o600 });
    poorKeyFile = join(dir, 'poor.key');
    writeFileSync(poorKeyFile, generatePrivateKey() + '\n', { mode: 0o600 });
    specFile = join(dir, 'spec.json');
    writeFileSync(specFile, '{"module":"int8-mlp","batch":7}\n');
    earliest = slotOf((await sandbox.node.publicClient.getBlock()).timestamp) + 2;
    for (let slot = earliest; slot < earliest + 3; slot++) {
      await mintHours(sandbox.node, sandbox.deployment, sandbox.nodeId, slot, 8n);
      await addLiquidity(sandbox.node, sandbox.deployment, { hourId: hourIdOf(SANDBOX_CLASS_ID, slot), hoursIn: 8n });
    }
    chainArgs = ['--rpc-url', sandbox.anvil.rpcUrl, '--deployments', deployments];
  });
  after(async () => {
    await sandbox?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('quotes the node-hours the scheduler would take, with expected energy and emissions', async () => {
    const q = await cli(['job', 'quote', ...spec(), ...chainArgs, '--json']);
    assert.equal(q.code, 0, q.stderr);
    const doc = JSON.parse(q.stdout);
    assert.equal(doc.placeable, true, doc.reason);
    assert.equal(doc.escrowUsdc6, '17000000', '3 × 5 USD + 2 USD incentive');
    assert.equal(
      doc.hours.reduce((s: number, h: { gpuHours: number }) => s + h.gpuHours, 0),
      3,
    );
    assert.equal(doc.expected.energyWh, 3 * 700, 'three H100 hours at 700 W');
    const text = await cli(['job', 'quote', ...spec(), ...chainArgs]);
    assert.match(text.stdout, /3 GPU-hours of inference .* node 1 in SG/s);
    assert.match(text.stdout, /SCI \d+\.\d g CO2e per GPU-hour/);
  });

  it('submits the job with its escrow, and status reads it back from the chain', async () => {
    const me = sandbox.buyer.account.address;
    const before = await cash(me);
    const r = await cli([
      'job',
      'submit',
      ...spec(),
      '--spec-uri',
      'ipfs://bafy-int8-mlp-7',
      '--spec-file',
      specFile,
      '--key-file',
      keyFile,
      ...chainArgs,
      '--json',
    ]);
    assert.equal(r.code, 0, r.stderr);
    const { jobId, escrowUsdc6 } = JSON.parse(r.stdout);
    assert.equal(escrowUsdc6, '17000000');
    assert.equal(before - (await cash(me)), 17_000_000n, 'exactly the escrow left the buyer');
    const job = await jobView(sandbox.node, sandbox.deployment, BigInt(jobId));
    assert.equal(job.status, 'open');
    assert.equal(job.earliestSlot, earliest);
    assert.equal(job.deadlineSlot, earliest + 3);
    const status = await cli(['job', 'status', '--job', jobId, ...chainArgs]);
    assert.equal(status.code, 0, status.stderr);
    assert.match(status.stdout, new RegExp(`Job ${jobId} \\(inference\\) is open: 3 GPU-hours`));
    assert.match(status.stdout, /escrowed 17\.000000 USD/);
    const { specHash } = (await sandbox.node.publicClient.readContract({
      address: sandbox.deployment.jobMarket,
      abi: (await import('@greenhour/contracts')).jobMarketAbi,
      functionName: 'job',
      args: [BigInt(jobId)],
    })) as { specHash: string };
    assert.equal(specHash, keccak256(new TextEncoder().encode('{"module":"int8-mlp","batch":7}\n')));
  });

  it('refuses bad flags (exit 2) and an unpayable job (exit 1) with nothing sent', async () => {
    const cases: [string[], RegExp][] = [
      [['job', 'quote', ...spec(), '--kind', 'mining'], /--kind/],
      [['job', 'quote', '--kind', 'inference', '--gpu-hours', '3', '--min-class', '1'], /--max-price-usd/],
      [['job', 'quote', ...spec().slice(0, 6), '--max-price-usd', '0'], /--max-price-usd: must be above 0/],
      [['job', 'quote', ...spec(), '--gpu-hours', '0'], /--gpu-hours/],
      [['job', 'submit', ...spec(), '--spec-uri', 'x', '--spec-hash', '0x12', '--key-file', keyFile], /--spec-hash/],
      [['job', 'submit', ...spec(), '--spec-uri', 'x', '--key-file', keyFile], /--spec-hash: give --spec-file/],
      [['job', 'status', '--job', '99'], /--job: no job 99/],
      [['job', 'run'], /unknown subcommand "run"/],
    ];
    for (const [args, message] of cases) {
      const r = await cli([...args, ...chainArgs]);
      assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
      assert.match(r.stderr, message);
    }
    const nonce = await sandbox.node.publicClient.getTransactionCount({ address: sandbox.buyer.account.address });
    const poor = await cli([
      'job',
      'submit',
      ...spec(),
      '--spec-uri',
      'x',
      '--spec-file',
      specFile,
      '--key-file',
      poorKeyFile,
      ...chainArgs,
    ]);
    assert.equal(poor.code, 1);
    assert.match(poor.stderr, /less than the escrow 17\.000000 USD; nothing was posted/);
    assert.equal(
      await sandbox.node.publicClient.getTransactionCount({ address: sandbox.buyer.account.address }),
      nonce,
    );
  });
});
