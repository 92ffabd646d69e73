// `greenhour market quote | buy | sell` against a real anvil with the system deployed and one node's hours in the
// market: the quote is what the buy pays, the buyer then holds the hours, a sell pays its quote, a bound the quote
// already breaks is refused with nothing sent, and every bad flag exits 2 naming the flag.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createTestClient, http, isAddressEqual, toHex, type Address } from 'viem';
import { mnemonicToAccount } from 'viem/accounts';
import { computeHoursAbi, hourMarketAbi, settlementTokenAbi } from '@greenhour/contracts';
import {
  addLiquidity,
  hourIdOf,
  mintHours,
  SANDBOX_CLASS_ID,
  slotOf,
  startMarketSandbox,
  writeDeployment,
  type MarketSandbox,
} from '@greenhour/chain';
import { runCli } from './cli.ts';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const BUYER_KEY = toHex(
  mnemonicToAccount('test test test test test test test test test test test junk', { addressIndex: 1 }).getHdKey()
    .privateKey!,
);

function cli(
  args: string[],
  env: NodeJS.ProcessEnv = process.env,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const p = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'apps/cli/src/main.ts'), ...args], {
      cwd: ROOT,
      env,
    });
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', (d) => (stdout += d));
    p.stderr.on('data', (d) => (stderr += d));
    p.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** The CLI in this process (the same runCli the bin calls): exit code and output. */
async function cliHere(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await runCli(args, { stdout: (s) => (stdout += s), stderr: (s) => (stderr += s) });
  return { code, stdout, stderr };
}

const usdOf = (usdc6: bigint) => `${usdc6 / 1_000_000n}.${(usdc6 % 1_000_000n).toString().padStart(6, '0')}`;

describe('greenhour market quote / buy / sell on a real anvil', () => {
  let sandbox: MarketSandbox;
  let dir: string;
  let deployments: string;
  let keyFile: string;
  let slot: number;
  let hourId: bigint;
  let chainArgs: string[];
  let market: string[];

  const cash = (who: Address) =>
    sandbox.node.publicClient.readContract({
      address: sandbox.deployment.settlementToken,
      abi: settlementTokenAbi,
      functionName: 'balanceOf',
      args: [who],
    });
  const held = (who: Address) =>
    sandbox.node.publicClient.readContract({
      address: sandbox.deployment.computeHours,
      abi: computeHoursAbi,
      functionName: 'balanceOf',
      args: [who, hourId],
    });
  /** What the buyer has: cash, hours, ETH and the transactions it has sent. */
  const buyerState = async () => {
    const me = sandbox.buyer.account.address;
    const pc = sandbox.node.publicClient;
    return {
      cash: await cash(me),
      hours: await held(me),
      eth: await pc.getBalance({ address: me }),
      nonce: await pc.getTransactionCount({ address: me }),
    };
  };

  before(async () => {
    sandbox = await startMarketSandbox(8);
    dir = mkdtempSync(join(tmpdir(), 'gh-cli-market-'));
    deployments = join(dir, 'deployments');
    writeDeployment(deployments, sandbox.deployment);
    keyFile = join(dir, 'buyer.key');
    writeFileSync(keyFile, BUYER_KEY + '\n', { mode: 0o600 });
    // More than the 24 h decay horizon ahead: a unit keeps its value from one block to the next, so the quote read
    // before a trade is exactly what the trade pays.
    slot = slotOf((await sandbox.node.publicClient.getBlock()).timestamp) + 30;
    hourId = hourIdOf(SANDBOX_CLASS_ID, slot);
    await mintHours(sandbox.node, sandbox.deployment, sandbox.nodeId, slot, 8n);
    await addLiquidity(sandbox.node, sandbox.deployment, { hourId, hoursIn: 8n });
    chainArgs = ['--rpc-url', sandbox.anvil.rpcUrl, '--deployments', deployments];
    market = ['--slot', String(slot), '--class', String(SANDBOX_CLASS_ID)];
  });
  after(async () => {
    await sandbox?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('quotes a buy, and the buy pays exactly that; the buyer then holds the hours', async () => {
    const quote = await cli(['market', 'quote', ...market, '--side', 'buy', '--hours', '2', ...chainArgs, '--json']);
    assert.equal(quote.code, 0, quote.stderr);
    const q = JSON.parse(quote.stdout) as { quoteUsdc6: string; hours: string; side: string; slot: number };
    assert.equal(q.side, 'buy');
    assert.equal(q.hours, '2');
    assert.equal(q.slot, slot);
    const quoted = BigInt(q.quoteUsdc6);
    assert.ok(quoted > 4_000_000n && quoted < 5_000_000n, `2 hours at about the 2 USD ask plus fee, got ${quoted}`);
    // The deployment file found through DEPLOYMENTS_DIR, as npm start and the service find it, without --deployments.
    const text = await cli(
      ['market', 'quote', ...market, '--side', 'buy', '--hours', '2', '--rpc-url', sandbox.anvil.rpcUrl],
      {
        ...process.env,
        DEPLOYMENTS_DIR: deployments,
      },
    );
    assert.equal(text.code, 0, text.stderr);
    assert.match(text.stdout, new RegExp(`Buying 2 hours of class 1, slot ${slot} .* costs ${usdOf(quoted)} USD`));

    const before = await buyerState();
    const buy = await cli(['market', 'buy', ...market, '--hours', '2', '--key-file', keyFile, ...chainArgs, '--json']);
    assert.equal(buy.code, 0, buy.stderr);
    assert.match(buy.stderr, /buying 2 hours .* waiting for the transaction/);
    const b = JSON.parse(buy.stdout) as { paidUsdc6: string; txHash: string; hoursHeld: string };
    assert.equal(BigInt(b.paidUsdc6), quoted);
    assert.equal(b.hoursHeld, '2');
    const receipt = await sandbox.node.publicClient.getTransactionReceipt({ hash: b.txHash as `0x${string}` });
    assert.equal(receipt.status, 'success');
    const after = await buyerState();
    assert.equal(after.cash, before.cash - quoted, 'the buyer paid the quote, no more');
    assert.equal(after.hours, before.hours + 2n);
  });

  it('refuses a buy whose quote is above --max-cost-usd, sending nothing', async () => {
    const quoted = BigInt(
      (
        JSON.parse(
          (await cli(['market', 'quote', ...market, '--side', 'buy', '--hours', '1', ...chainArgs, '--json'])).stdout,
        ) as { quoteUsdc6: string }
      ).quoteUsdc6,
    );
    const before = await buyerState();
    const max = usdOf(quoted - 1n);
    const r = await cliHere([
      'market',
      'buy',
      ...market,
      '--hours',
      '1',
      '--max-cost-usd',
      max,
      '--key-file',
      keyFile,
      ...chainArgs,
    ]);
    assert.equal(r.code, 1, r.stderr);
    assert.match(
      r.stderr,
      new RegExp(
        `--max-cost-usd: 1 hour of class 1, slot ${slot} .* would cost ${usdOf(quoted)} USD now, above your maximum ${max} USD; nothing was bought`,
      ),
    );
    assert.equal(r.stdout, '');
    assert.deepEqual(await buyerState(), before, 'no token, hour, gas or transaction spent');

    // At exactly the quote it goes through, and the text says what was paid and the transaction.
    const ok = await cli([
      'market',
      'buy',
      ...market,
      '--hours',
      '1',
      '--max-cost-usd',
      usdOf(quoted),
      '--key-file',
      keyFile,
      ...chainArgs,
    ]);
    assert.equal(ok.code, 0, ok.stderr);
    assert.match(ok.stdout, new RegExp(`Bought 1 hour of class 1, slot ${slot}`));
    assert.match(ok.stdout, new RegExp(`paid +${usdOf(quoted)} USD`));
    assert.match(ok.stdout, /now held +3 hours/);
    assert.match(ok.stdout, /tx +0x[0-9a-f]{64}/);
    assert.equal((await buyerState()).cash, before.cash - quoted);
  });

  it('sells hours back for the quote; a --min-proceeds-usd above it is refused with nothing sent', async () => {
    const q = await cli(['market', 'quote', ...market, '--side', 'sell', '--hours', '1', ...chainArgs, '--json']);
    assert.equal(q.code, 0, q.stderr);
    const quoted = BigInt((JSON.parse(q.stdout) as { quoteUsdc6: string }).quoteUsdc6);
    assert.ok(quoted > 1_000_000n && quoted < 3_000_000n, `about the 2 USD ask less the fee, got ${quoted}`);

    const before = await buyerState();
    const refused = await cliHere([
      'market',
      'sell',
      ...market,
      '--hours',
      '1',
      '--min-proceeds-usd',
      usdOf(quoted + 1n),
      '--key-file',
      keyFile,
      ...chainArgs,
    ]);
    assert.equal(refused.code, 1, refused.stderr);
    assert.match(refused.stderr, /--min-proceeds-usd: .* below your minimum .*; nothing was sold/);
    assert.deepEqual(await buyerState(), before);

    const tooMany = await cliHere(['market', 'sell', ...market, '--hours', '9', '--key-file', keyFile, ...chainArgs]);
    assert.equal(tooMany.code, 1, tooMany.stderr);
    assert.match(tooMany.stderr, /--hours: 0x[0-9a-fA-F]{40} holds 3 hours of \d+, fewer than 9/);
    assert.deepEqual(await buyerState(), before);

    const sell = await cli([
      'market',
      'sell',
      ...market,
      '--hours',
      '1',
      '--key-file',
      keyFile,
      ...chainArgs,
      '--json',
    ]);
    assert.equal(sell.code, 0, sell.stderr);
    assert.match(sell.stderr, /selling 1 hour .* waiting for the transaction/);
    const s = JSON.parse(sell.stdout) as { receivedUsdc6: string; hoursHeld: string; txHash: string };
    assert.equal(BigInt(s.receivedUsdc6), quoted);
    assert.equal(s.hoursHeld, '2');
    const after = await buyerState();
    assert.equal(after.cash, before.cash + quoted);
    assert.equal(after.hours, before.hours - 1n);
  });

  it('says so when the price moves past --max-cost-usd while the buy waits to be mined, and nothing moves', async () => {
    const quoted = BigInt(
      (
        JSON.parse(
          (await cli(['market', 'quote', ...market, '--side', 'buy', '--hours', '1', ...chainArgs, '--json'])).stdout,
        ) as { quoteUsdc6: string }
      ).quoteUsdc6,
    );
    const { node, deployment } = sandbox;
    // A competitor ready to buy at once: allowance given while blocks are still mined on every transaction.
    await node.walletClient.writeContract({
      address: deployment.settlementToken,
      abi: settlementTokenAbi,
      functionName: 'approve',
      args: [deployment.hourMarket, 100_000_000n],
    });
    const test = createTestClient({ mode: 'anvil', transport: http(sandbox.anvil.rpcUrl) });
    const before = await buyerState();
    await test.setAutomine(false);
    try {
      const run = cli([
        'market',
        'buy',
        ...market,
        '--hours',
        '1',
        '--max-cost-usd',
        usdOf(quoted),
        '--key-file',
        keyFile,
        ...chainArgs,
      ]);
      let done: Awaited<typeof run> | undefined;
      void run.then((r) => (done = r));
      // Mine the buyer's approve; when its buy is pending, put a competitor's buy of the same market before it.
      for (let i = 0; i < 300 && done === undefined; i++) {
        const pool = await test.getTxpoolContent();
        const mine = Object.entries(pool.pending).find(([from]) =>
          isAddressEqual(from as Address, sandbox.buyer.account.address),
        );
        const pending = mine ? Object.values(mine[1]) : [];
        if (pending.some((tx) => tx.to && isAddressEqual(tx.to, deployment.hourMarket))) {
          const block = await node.publicClient.getBlock();
          await node.walletClient.writeContract({
            address: deployment.hourMarket,
            abi: hourMarketAbi,
            functionName: 'buy',
            args: [hourId, 1n, 100_000_000n, node.account.address, block.timestamp + 600n],
            maxPriorityFeePerGas: 100_000_000_000n,
            maxFeePerGas: 200_000_000_000n,
            gas: 500_000n,
          });
          await test.mine({ blocks: 1 });
          break;
        }
        if (pending.length > 0) await test.mine({ blocks: 1 });
        await new Promise((res) => setTimeout(res, 100));
      }
      const r = await run;
      assert.equal(r.code, 1, r.stderr);
      assert.match(
        r.stderr,
        /--max-cost-usd: the buy transaction 0x[0-9a-f]{64} was mined but reverted \(most likely the price moved past your bound before it was mined\): no token or hour moved; its gas was spent/,
      );
      assert.equal(r.stdout, '');
    } finally {
      await test.setAutomine(true);
    }
    const after = await buyerState();
    assert.equal(after.cash, before.cash, 'no token moved');
    assert.equal(after.hours, before.hours, 'no hour moved');
    assert.equal(after.nonce, before.nonce + 2, 'the approve and the reverted buy were mined');
    assert.ok(after.eth < before.eth, 'their gas was spent');
  });

  it('refuses every bad input with exit 2 and a message naming the flag, before anything is sent', async () => {
    const keys = join(dir, 'bad-keys');
    mkdirSync(keys);
    const keyWith = (name: string, content: string, mode = 0o600) => {
      const path = join(keys, name);
      writeFileSync(path, content);
      chmodSync(path, mode);
      return path;
    };
    const worldReadable = keyWith('world.key', BUYER_KEY + '\n', 0o644);
    const groupReadable = keyWith('group.key', BUYER_KEY + '\n', 0o640);
    const short = keyWith('short.key', BUYER_KEY.slice(0, -1) + '\n');
    const noPrefix = keyWith('noprefix.key', BUYER_KEY.slice(2) + '\n');
    const twoLines = keyWith('two.key', `${BUYER_KEY}\n${BUYER_KEY}\n`);
    const zero = keyWith('zero.key', '0x' + '0'.repeat(64));
    const currentSlot = slotOf((await sandbox.node.publicClient.getBlock()).timestamp);
    const buy = (...args: string[]) => ['market', 'buy', ...market, '--hours', '1', ...chainArgs, ...args];
    const buyWith = (...args: string[]) => buy('--key-file', keyFile, ...args);
    const quote = (...args: string[]) => ['market', 'quote', '--side', 'buy', ...chainArgs, ...args];
    const before = await buyerState();
    for (const [args, mention] of [
      [buy(), /--key-file: required/],
      [buy('--key-file', join(keys, 'missing.key')), /--key-file: cannot read .*missing\.key \(ENOENT\)/],
      [buy('--key-file', keys), /--key-file: .*bad-keys is not a regular file/],
      [buy('--key-file', worldReadable), /--key-file: permissions 0644 of .*world\.key are too open.*chmod 600/],
      [buy('--key-file', groupReadable), /--key-file: permissions 0640 of .*group\.key are too open/],
      [buy('--key-file', short), /--key-file: .*short\.key does not hold a private key: expected one line, 0x/],
      [buy('--key-file', noPrefix), /--key-file: .*noprefix\.key does not hold a private key/],
      [buy('--key-file', twoLines), /--key-file: .*two\.key does not hold a private key/],
      [buy('--key-file', zero), /--key-file: .*zero\.key: not a valid secp256k1 private key/],
      [['market', 'buy', '--key', BUYER_KEY, ...market, '--hours', '1'], /--key: unknown flag/],
      [quote('--class', '1', '--hours', '1', '--slot', 'soon'), /--slot: must be an integer, got "soon"/],
      [quote('--class', '1', '--hours', '1', '--slot', '0x30'), /--slot: must be an integer, got "0x30"/],
      [quote('--class', '1', '--hours', '1', '--slot=-5'), /--slot: must be between 0 and 4294967295, got -5/],
      [quote('--class', '1', '--hours', '1', '--slot', String(currentSlot)), /--slot: slot \d+ .* has started/],
      [quote('--class', '1', '--hours', '1', '--slot', '1'), /--slot: slot 1 .* has ended/],
      [quote('--class', '1', '--hours', '1'), /--slot: required/],
      [quote('--class', '7', '--hours', '1', '--slot', String(slot)), /--class: no market is open for class 7/],
      [quote('--class', '70000', '--hours', '1', '--slot', String(slot)), /--class: must be between 0 and 65535/],
      [quote(...market, '--hours', '0'), /--hours: must be between 1 and 4294967295, got 0/],
      [quote(...market, '--hours', '-2'), /--hours: must be between 1 and 4294967295, got -2/],
      [quote(...market, '--hours=-2'), /--hours: must be between 1 and 4294967295, got -2/],
      [quote(...market, '--hours', '0x30'), /--hours: must be an integer, got "0x30"/],
      [quote(...market, '--hours', '1.5'), /--hours: must be an integer, got "1.5"/],
      [quote(...market, '--hours', '9'), /--hours: the market holds \d+ hours for sale, fewer than 9/],
      [
        ['market', 'quote', ...market, '--hours', '1', '--side', 'bid'],
        /--side: unknown value "bid" \(expected one of buy, sell\)/,
      ],
      [['market', 'quote', ...market, '--hours', '1'], /--side: required/],
      [
        ['market', 'quote', ...market, '--hours', '1', '--side', 'buy', '--rpc-url', 'ftp://x'],
        /--rpc-url: must be an http/,
      ],
      [
        ['market', 'quote', ...market, '--hours', '1', '--side', 'buy', '--rpc-url', 'localhost'],
        /--rpc-url: not a URL: "localhost"/,
      ],
      [
        ['market', 'quote', ...market, '--hours', '1', '--side', 'buy', '--rpc-url', 'http://127.0.0.1:9'],
        /--rpc-url: http:\/\/127\.0\.0\.1:9: no answer/,
      ],
      [
        [
          'market',
          'quote',
          ...market,
          '--hours',
          '1',
          '--side',
          'buy',
          '--rpc-url',
          sandbox.anvil.rpcUrl,
          '--deployments',
          join(dir, 'none'),
        ],
        /--deployments: no deployment of chain 31337 in .*none/,
      ],
      [buyWith('--max-cost-usd', '4.1234567'), /--max-cost-usd: not a USD amount: "4\.1234567"/],
      [buyWith('--max-cost-usd', 'ten'), /--max-cost-usd: not a USD amount: "ten"/],
      [buyWith('--max-cost-usd=-3'), /--max-cost-usd: not a USD amount: "-3"/],
      [buyWith('--max-cost-usd', '0'), /--max-cost-usd: must be above 0/],
      [
        buyWith('--max-cost-usd', '5', '--slippage-bps', '10'),
        /--slippage-bps: give --max-cost-usd or --slippage-bps, not both/,
      ],
      [buyWith('--slippage-bps', '10001'), /--slippage-bps: must be between 0 and 10000, got 10001/],
      [buyWith('--min-proceeds-usd', '1'), /--min-proceeds-usd: unknown flag/],
      [
        ['market', 'sell', ...market, '--hours', '1', '--key-file', keyFile, '--max-cost-usd', '1'],
        /--max-cost-usd: unknown flag/,
      ],
      [['market', 'bid'], /command: market: unknown subcommand "bid" \(expected quote, buy or sell\)/],
      [['markets'], /command: unknown command "markets" \(expected .*market quote, market buy, market sell, job quote/],
    ] as const) {
      const r = await cliHere([...args]);
      assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
      assert.match(r.stderr, mention, args.join(' '));
      assert.equal(r.stdout, '');
      assert.ok(!r.stderr.includes(BUYER_KEY.slice(2, 20)), 'a key is never echoed');
    }
    assert.deepEqual(await buyerState(), before, 'nothing was sent');
    // The real process exits with the code too.
    const r = await cli(buy('--key-file', worldReadable));
    assert.equal(r.code, 2);
    assert.match(r.stderr, /^greenhour: --key-file: permissions 0644/);
  });

  it('has help for each command', async () => {
    for (const sub of ['quote', 'buy', 'sell']) {
      const r = await cliHere(['market', sub, '--help']);
      assert.equal(r.code, 0);
      assert.match(r.stdout, new RegExp(`Usage: greenhour market ${sub} `));
      assert.match(r.stdout, /--json/);
    }
    const main = await cliHere(['--help']);
    assert.match(main.stdout, /market quote/);
    assert.match(main.stdout, /node register/);
  });
});
