// `greenhour node register` and `greenhour node status` against a real anvil with the system deployed and the
// service (indexer and API) running on it: a registered node shows, with its owner, device signer, status and stake,
// both from the chain and from the API; what the registry would refuse is refused before anything is sent, and every
// bad flag exits 2 naming the flag.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pino from 'pino';
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts';
import { settlementTokenAbi } from '@greenhour/contracts';
import { ANVIL_DEFAULT_PRIVATE_KEY, DEFAULT_MINIMUM_STAKE_USDC6, writeDeployment } from '@greenhour/chain';
import { startTestChain, type TestChain } from '@greenhour/attestation/testing';
import { loadServiceConfig, startService, type Service } from '@greenhour/service';
import { runCli } from './cli.ts';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const H100 = 'NVIDIA H100 SXM5 80GB';

function cli(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const p = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'apps/cli/src/main.ts'), ...args], { cwd: ROOT });
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', (d) => (stdout += d));
    p.stderr.on('data', (d) => (stderr += d));
    p.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

async function cliHere(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await runCli(args, { stdout: (s) => (stdout += s), stderr: (s) => (stderr += s) });
  return { code, stdout, stderr };
}

interface StatusDoc {
  source: string;
  nodeId: string;
  owner: string;
  deviceSigner: string;
  classId: number;
  status: string;
  stakeUsdc6: string;
  spec: Record<string, unknown>;
}

describe('greenhour node register / status on a real anvil and service', () => {
  let chain: TestChain;
  let service: Service;
  let dir: string;
  let chainArgs: string[];
  let ownerKeyFile: string;
  const deviceKey = generatePrivateKey();
  const device = privateKeyToAccount(deviceKey);
  const owner = privateKeyToAccount(ANVIL_DEFAULT_PRIVATE_KEY).address;
  let deviceKeyFile: string;
  const ownerState = async () => ({
    cash: await chain.clients.publicClient.readContract({
      address: chain.deployment.settlementToken,
      abi: settlementTokenAbi,
      functionName: 'balanceOf',
      args: [owner],
    }),
    nonce: await chain.clients.publicClient.getTransactionCount({ address: owner }),
  });
  const register = (...extra: string[]) => [
    'node',
    'register',
    '--key-file',
    ownerKeyFile,
    '--site-type',
    'station',
    '--geohash',
    'u33db',
    '--gpu-model',
    H100,
    '--gpu-count',
    '8',
    '--pv-wp',
    '500000',
    '--battery-wh',
    '1000000',
    ...chainArgs,
    ...extra,
  ];

  before(async () => {
    chain = await startTestChain([]); // anvil, the system deployed, the owner (anvil account 0) funded; no node yet
    dir = mkdtempSync(join(tmpdir(), 'gh-cli-node-'));
    writeDeployment(join(dir, 'deployments'), chain.deployment);
    chainArgs = ['--rpc-url', chain.anvil.rpcUrl, '--deployments', join(dir, 'deployments')];
    ownerKeyFile = join(dir, 'owner.key');
    writeFileSync(ownerKeyFile, ANVIL_DEFAULT_PRIVATE_KEY + '\n', { mode: 0o600 });
    deviceKeyFile = join(dir, 'device.key');
    writeFileSync(deviceKeyFile, deviceKey, { mode: 0o600 });
    const config = loadServiceConfig(
      { API_PORT: '0', MQTT_PORT: '0', RATE_LIMIT_PER_MINUTE: '0', INDEXER_CONFIRMATIONS: '0' },
      '/unused',
    );
    service = await startService(config, chain.deployment, chain.clients, pino({ level: 'silent' }));
  });
  after(async () => {
    await service?.stop();
    await chain?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('registers a node, and status shows it from the chain and from the API', async () => {
    const before = await ownerState();
    const r = await cli(register('--device-key-file', deviceKeyFile, '--json'));
    assert.equal(r.code, 0, r.stderr);
    assert.match(
      r.stderr,
      /registering device 0x[0-9a-fA-F]{40} \(station, class 1\) with 5,000\.000000 USD stake; waiting/,
    );
    const doc = JSON.parse(r.stdout) as { nodeId: string; owner: string; deviceSigner: string; stakeUsdc6: string };
    assert.equal(doc.nodeId, '1');
    assert.equal(doc.deviceSigner, device.address);
    assert.equal(doc.owner, owner);
    assert.equal(BigInt(doc.stakeUsdc6), DEFAULT_MINIMUM_STAKE_USDC6.station, "the registry's minimum by default");
    assert.equal((await ownerState()).cash, before.cash - DEFAULT_MINIMUM_STAKE_USDC6.station);

    const expected = {
      nodeId: '1',
      owner,
      deviceSigner: device.address,
      classId: 1,
      stakeUsdc6: '5000000000',
      spec: {
        siteType: 'station',
        geohash: 'u33db',
        pvWp: 500_000,
        batteryWh: 1_000_000,
        chargerW: 0,
        gpuModel: H100,
        gpuCount: 8,
      },
    };
    const onChain = await cli(['node', 'status', '--node', '1', ...chainArgs, '--json']);
    assert.equal(onChain.code, 0, onChain.stderr);
    const c = JSON.parse(onChain.stdout) as StatusDoc & { bondedUsdc6: string };
    assert.deepEqual(
      { ...c, source: undefined, status: undefined, bondedUsdc6: undefined },
      {
        ...expected,
        source: undefined,
        status: undefined,
        bondedUsdc6: undefined,
      },
    );
    assert.equal(c.source, 'chain');
    assert.equal(c.status, 'online');
    assert.equal(c.bondedUsdc6, '0');

    // The API has it once the indexer has read the block.
    let fromApi: StatusDoc | undefined;
    for (let i = 0; i < 100 && fromApi === undefined; i++) {
      const a = await cliHere(['node', 'status', '--node', '1', '--api', service.apiUrl, '--json']);
      if (a.code === 0) fromApi = JSON.parse(a.stdout) as StatusDoc;
      else {
        assert.match(a.stderr, /--node: no node 1 is registered/);
        await new Promise((res) => setTimeout(res, 100));
      }
    }
    assert.ok(fromApi, 'the API shows the node');
    assert.deepEqual(
      { ...fromApi, source: undefined, status: undefined, slashedUsdc6: undefined },
      {
        ...expected,
        source: undefined,
        status: undefined,
        slashedUsdc6: undefined,
      },
    );
    assert.equal(fromApi.source, 'api');
    assert.equal(fromApi.status, 'active');

    const text = await cli(['node', 'status', '--node', '1', '--api', service.apiUrl]);
    assert.equal(text.code, 0, text.stderr);
    assert.match(text.stdout, new RegExp(`owner +${owner}`));
    assert.match(text.stdout, new RegExp(`device signer +${device.address}`));
    assert.match(text.stdout, /status +active/);
    assert.match(text.stdout, /stake +5,000\.000000 USD/);
    assert.match(text.stdout, /GPUs +8 × NVIDIA H100 SXM5 80GB/);
  });

  it('refuses what the registry would refuse before sending anything', async () => {
    const before = await ownerState();
    const fresh = join(dir, 'fresh-device.key');
    writeFileSync(fresh, generatePrivateKey() + '\n', { mode: 0o600 });
    for (const [args, code, mention] of [
      [
        register('--device-key-file', deviceKeyFile),
        2,
        /--device-key-file: device 0x[0-9a-fA-F]{40} is already registered as node 1/,
      ],
      [
        register('--device-key-file', fresh, '--stake-usd', '4999.999999'),
        2,
        /--stake-usd: 4,999\.999999 USD is below the minimum 5,000\.000000 USD of a station/,
      ],
      [
        register('--device-key-file', fresh, '--stake-usd', '2000000'),
        1,
        /--stake-usd: the owner 0x[0-9a-fA-F]{40} holds .* less than the stake 2,000,000\.000000 USD; nothing was sent/,
      ],
      [
        [...register('--device-key-file', fresh), '--gpu-model', 'NVIDIA GTX 480'],
        2,
        /--gpu-model: given more than once/,
      ],
    ] as const) {
      const r = await cliHere([...args]);
      assert.equal(r.code, code, `${args.join(' ')}: ${r.stderr}`);
      assert.match(r.stderr, mention);
      assert.equal(r.stdout, '');
    }
    const unknownGpu = register('--device-key-file', fresh);
    unknownGpu[unknownGpu.indexOf(H100)] = 'NVIDIA GTX 480';
    const r = await cliHere(unknownGpu);
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /--gpu-model: "NVIDIA GTX 480" is not in this chain's GPU model table/);
    assert.deepEqual(await ownerState(), before, 'no stake, gas or transaction spent');
  });

  it('refuses every bad flag with exit 2 naming the flag', async () => {
    const open = join(dir, 'open.key');
    writeFileSync(open, ANVIL_DEFAULT_PRIVATE_KEY);
    chmodSync(open, 0o644);
    const garbage = join(dir, 'garbage.key');
    writeFileSync(garbage, 'not a key\n', { mode: 0o600 });
    const without = (flag: string) => {
      const args = register('--device-key-file', deviceKeyFile);
      const i = args.indexOf(flag);
      args.splice(i, 2);
      return args;
    };
    const before = await ownerState();
    for (const [args, mention] of [
      [without('--key-file'), /--key-file: required/],
      [register(), /--device-key-file: required/],
      [register('--device-key-file', open), /--device-key-file: permissions 0644 of .*open\.key are too open/],
      [register('--device-key-file', garbage), /--device-key-file: .*garbage\.key does not hold a private key/],
      [['node', 'register', '--key-file', open, ...without('--key-file').slice(2)], /--key-file: permissions 0644/],
      [
        ['node', 'register', '--key-file', join(dir, 'nope'), ...without('--key-file').slice(2)],
        /--key-file: cannot read .*nope \(ENOENT\)/,
      ],
      [without('--site-type'), /--site-type: required/],
      [register('--device-key-file', deviceKeyFile, '--site-type', 'castle'), /--site-type: given more than once/],
      [
        [...without('--site-type'), '--site-type', 'castle'],
        /--site-type: unknown value "castle" \(expected one of station, pile, home\)/,
      ],
      [[...without('--geohash'), '--geohash', 'u33a!'], /--geohash: not a geohash: "u33a!"/],
      [[...without('--geohash'), '--geohash', 'u33dbu33dbu33'], /--geohash: not a geohash/],
      [[...without('--gpu-count'), '--gpu-count', '0'], /--gpu-count: must be between 1 and 65535, got 0/],
      [[...without('--gpu-count'), '--gpu-count', '0x30'], /--gpu-count: must be an integer, got "0x30"/],
      [[...without('--pv-wp'), '--pv-wp=-1'], /--pv-wp: must be between 0 and 4294967295, got -1/],
      [
        [...without('--gpu-model'), '--gpu-model', 'X'.repeat(32)],
        /--gpu-model: must be 1 to 31 printable ASCII characters/,
      ],
      [register('--device-key-file', deviceKeyFile, '--stake-usd', '5e3'), /--stake-usd: not a USD amount: "5e3"/],
      [[...without('--rpc-url'), '--rpc-url', 'ws//x'], /--rpc-url: not a URL/],
      [['node', 'status'], /--node: required/],
      [['node', 'status', '--node', '0'], /--node: must be between 1 and/],
      [['node', 'status', '--node', 'one'], /--node: must be an integer, got "one"/],
      [['node', 'status', '--node', '0x1'], /--node: must be an integer, got "0x1"/],
      [['node', 'status', '--node', '1', '--api', 'ftp://x'], /--api: must be an http/],
      [['node', 'status', '--node', '1', '--api', 'http://127.0.0.1:9'], /--api: http:\/\/127\.0\.0\.1:9: no answer/],
      [['node', 'status', '--node', '1', '--rpc-url', 'nope'], /--rpc-url: not a URL: "nope"/],
      [['node', 'status', '--node', '99', ...chainArgs], /--node: no node 99 is registered on chain 31337/],
      [['node', 'status', '--node', '99', '--api', service.apiUrl], /--node: no node 99 is registered/],
      [
        ['node', 'status', '--node', '1', '--api', service.apiUrl, ...chainArgs],
        /--api: give --api \(the service\) or --rpc-url \(the chain\), not both/,
      ],
      [['node', 'status', '--node', '1', '--deployments', dir], /--deployments: only with --rpc-url/],
      [['node', 'exit'], /command: node: unknown subcommand "exit" \(expected register or status\)/],
    ] as const) {
      const r = await cliHere([...args]);
      assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
      assert.match(r.stderr, mention, args.join(' '));
      assert.equal(r.stdout, '');
      assert.ok(!r.stderr.includes(ANVIL_DEFAULT_PRIVATE_KEY.slice(2, 20)), 'a key is never echoed');
    }
    assert.deepEqual(await ownerState(), before);
    for (const sub of ['register', 'status']) {
      const h = await cliHere(['node', sub, '--help']);
      assert.equal(h.code, 0);
      assert.match(h.stdout, new RegExp(`Usage: greenhour node ${sub} `));
      assert.match(h.stdout, /--json/);
    }
  });
});
