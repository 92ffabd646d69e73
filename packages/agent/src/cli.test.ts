// End-to-end: spawn the real `greenhour-agent` process for each bad input, for `address`, and for a real run against
// both brokers.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Address } from 'viem';
import { DeviceVerifier, TelemetryHasher } from '@greenhour/telemetry';
import { LIGHT_SCRYPT, loadOrCreateDeviceKey, type KeystoreFile } from './keystore.ts';
import { Outbox } from './outbox.ts';
import { PASSWORD_ENV, PASSWORD_FILE_ENV, runAgentCli } from './cli.ts';
import { BROKERS, signedWindow, T0, TelemetrySubscriber, waitFor } from './testkit.ts';

const BIN = resolve(dirname(fileURLToPath(import.meta.url)), '../bin/greenhour-agent.mjs');
const tmp = mkdtempSync(join(tmpdir(), 'gh-agent-cli-'));
test.after(() => rmSync(tmp, { recursive: true, force: true }));

// The keystore passphrase of every run, through the environment unless a case says otherwise; keys are created with
// the light scrypt cost (n=4096) so that each spawn stays fast.
const PASSWORD = 'cli test passphrase';
const ENV: Record<string, string | undefined> = { [PASSWORD_ENV]: PASSWORD, [PASSWORD_FILE_ENV]: undefined };
const LIGHT = { password: PASSWORD, kdf: LIGHT_SCRYPT };
const createKey = (file: string, password = PASSWORD) => loadOrCreateDeviceKey(file, { ...LIGHT, password });

interface Run {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  done: Promise<number | null>;
}

function start(args: string[], env = ENV): Run {
  const childEnv: Record<string, string | undefined> = { ...process.env, ...env };
  for (const [k, v] of Object.entries(childEnv)) if (v === undefined) delete childEnv[k];
  const child = spawn(process.execPath, [BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: childEnv });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d) => (stdout += d));
  child.stderr!.on('data', (d) => (stderr += d));
  const done = new Promise<number | null>((res, rej) => {
    child.on('error', rej);
    child.on('close', (code) => res(code));
  });
  return { child, stdout: () => stdout, stderr: () => stderr, done };
}

const ORACLE = '0x5FbDB2315678afecb367f032d93F642f64180aa3';
const keystore = join(tmp, 'keys', 'device.json');
const outbox = join(tmp, 'outbox');
// A valid run command for a 2C home; each bad case changes one flag.
const GOOD: Record<string, string> = {
  '--keystore': keystore,
  '--site': 'home',
  '--zone': 'DE-LU',
  '--pv-wp': '9800',
  '--battery-wh': '10000',
  '--charger-w': '11000',
  '--gpu-count': '1',
  '--gpu-board-power-w': '450',
  '--mqtt': 'mqtt://127.0.0.1:1883',
  '--oracle': ORACLE,
  '--chain-id': '31337',
  '--outbox': outbox,
  '--keystore-kdf': 'light',
};
const argsWith = (changes: Record<string, string | null>, base = GOOD) => {
  const merged: Record<string, string | null> = { ...base, ...changes };
  return Object.entries(merged).flatMap(([flag, value]) => (value === null ? [] : [flag, value]));
};

// Every bad input is checked in-process (runAgentCli, the function main.ts runs). One case per validation stage (flag
// parsing, the fleet's plausible ranges, the keystore, the outbox, the `address` command) is also
// spawned as a real process, to check the exit code and streams end to end; each spawn costs one to two seconds of CPU
// here, so not every variant is spawned.
test('bad input exits 2 with an error naming the flag and the reason', async () => {
  const looseKey = join(tmp, 'loose', 'key.json');
  await createKey(looseKey);
  chmodSync(looseKey, 0o644);
  const otherKey = join(tmp, 'other-pass', 'key.json');
  await createKey(otherKey, 'another passphrase');
  const v1Key = join(tmp, 'v1', 'key.json');
  const v1 = { version: 1, address: `0x${'ab'.repeat(20)}`, privateKey: `0x${'cd'.repeat(32)}` };
  await createKey(v1Key);
  writeFileSync(v1Key, JSON.stringify(v1));
  const noSalt = join(tmp, 'no-salt', 'key.json');
  const body = JSON.parse(readFileSync((await createKey(noSalt)).path, 'utf8')) as {
    crypto: { kdfparams: Record<string, unknown> };
  };
  delete body.crypto.kdfparams.salt;
  writeFileSync(noSalt, JSON.stringify(body));
  const emptyFile = join(tmp, 'empty-password');
  writeFileSync(emptyFile, '\n');
  const passwordFile = join(tmp, 'password');
  writeFileSync(passwordFile, `${PASSWORD}\n`);
  const corruptStore = join(tmp, 'corrupt-store');
  mkdirSync(corruptStore);
  writeFileSync(join(corruptStore, 'lightnode.json'), '{"version":1,');
  const foreignOutbox = join(tmp, 'foreign-outbox');
  const box = Outbox.open(foreignOutbox);
  box.append(signedWindow(randomBytes(32), 1, T0));
  box.close();

  const cases: { args: string[]; mentions: string[]; spawn?: true; env?: typeof ENV }[] = [
    { args: [...argsWith({}), '--bogus', '1'], mentions: ['--bogus: unknown flag'], spawn: true },
    { args: ['run', ...argsWith({})], mentions: ['unexpected argument "run"'] },
    { args: argsWith({ '--oracle': null }), mentions: ['--oracle: required'] },
    { args: [...argsWith({}), '--zone', 'SG'], mentions: ['--zone: given more than once'] },
    { args: [...argsWith({ '--outbox': null }), '--outbox'], mentions: ['--outbox: missing value'] },
    { args: argsWith({ '--site': 'castle' }), mentions: ['--site: unknown value "castle"', 'station, pile, home'] },
    { args: argsWith({ '--zone': 'XX' }), mentions: ['--zone: unknown value "XX"', 'DE-LU'] },
    { args: argsWith({ '--pv-wp': '9.8k' }), mentions: ['--pv-wp: must be an integer, got "9.8k"'] },
    { args: argsWith({ '--battery-wh': '-1' }), mentions: ['--battery-wh: must be between 0 and'] },
    {
      args: argsWith({ '--pv-wp': '600000' }),
      mentions: ['--pv-wp: 600000 W is outside the plausible range for a home'],
      spawn: true,
    },
    { args: argsWith({ '--gpu-count': '0' }), mentions: ['--gpu-count: must be between 1 and 1024, got 0'] },
    { args: argsWith({ '--gpu-board-power-w': '' }), mentions: ['--gpu-board-power-w: empty value'] },
    {
      args: argsWith({ '--mqtt': 'http://127.0.0.1:1883' }),
      mentions: ['--mqtt: unsupported scheme "http:"'],
    },
    { args: argsWith({ '--mqtt': 'broker' }), mentions: ['--mqtt: not a URL: "broker"'] },
    { args: argsWith({ '--oracle': '0x1234' }), mentions: ['--oracle: not a 0x-prefixed 20-byte address'] },
    {
      args: argsWith({ '--oracle': ORACLE.replace('F', 'f') }),
      mentions: ['--oracle: bad EIP-55 checksum'],
    },
    { args: argsWith({ '--oracle': `0x${'0'.repeat(40)}` }), mentions: ['--oracle: the zero address'] },
    { args: [...argsWith({}), '--attester', '0xabc'], mentions: ['--attester: not a 0x-prefixed 20-byte address'] },
    { args: [...argsWith({}), '--attester', `0x${'0'.repeat(40)}`], mentions: ['--attester: the zero address'] },
    {
      args: [...argsWith({}), '--attester', ORACLE.replace('F', 'f')],
      mentions: ['--attester: bad EIP-55 checksum'],
    },
    // The light node's flags: all three or none, each checked.
    {
      args: [...argsWith({}), '--rpc', 'http://127.0.0.1:8545'],
      mentions: ['--registry: required with --rpc'],
      spawn: true,
    },
    {
      args: [...argsWith({}), '--api', 'http://127.0.0.1:8787', '--registry', ORACLE],
      mentions: ['--rpc: required with --registry'],
    },
    {
      args: [...argsWith({}), '--rpc', 'ws://127.0.0.1:8545', '--registry', ORACLE, '--api', 'http://127.0.0.1:8787'],
      mentions: ['--rpc: must be an http:// or https:// URL, got "ws://127.0.0.1:8545"'],
    },
    {
      args: [...argsWith({}), '--rpc', 'http://127.0.0.1:8545', '--registry', '0x12', '--api', 'http://127.0.0.1:1'],
      mentions: ['--registry: not a 0x-prefixed 20-byte address: "0x12"'],
    },
    {
      args: [...argsWith({}), '--rpc', 'http://127.0.0.1:8545', '--registry', ORACLE, '--api', 'http://a:1,'],
      mentions: ['--api: an empty URL in "http://a:1,"'],
    },
    {
      args: [...argsWith({}), '--rpc', 'http://127.0.0.1:8545', '--registry', ORACLE, '--api', 'ftp://a'],
      mentions: ['--api: must be an http:// or https:// URL, got "ftp://a"'],
    },
    {
      args: [...argsWith({}), '--check-interval-seconds', '30'],
      mentions: ['--check-interval-seconds: only with --rpc, --registry and --api'],
    },
    {
      args: [
        ...argsWith({}),
        '--rpc',
        'http://127.0.0.1:8545',
        '--registry',
        ORACLE,
        '--api',
        'http://127.0.0.1:8787',
        '--check-interval-seconds',
        '2',
      ],
      mentions: ['--check-interval-seconds: must be between 5 and 3600, got 2'],
    },
    { args: ['status'], mentions: ['--outbox: required'] },
    { args: ['status', '--outbox', join(tmp, 'nowhere')], mentions: ['--outbox: no such directory'], spawn: true },
    { args: ['status', '--outbox', tmp, '--format', 'xml'], mentions: ['--format: unknown value "xml"'] },
    { args: ['status', '--outbox', corruptStore], mentions: ['--outbox:', 'lightnode.json: corrupt, not JSON'] },
    { args: argsWith({ '--chain-id': '0' }), mentions: ['--chain-id: must be between 1 and'] },
    { args: argsWith({ '--window-seconds': '7' }), mentions: ['--window-seconds: must divide 3600'] },
    {
      args: argsWith({ '--window-seconds': '30' }),
      mentions: ['--window-seconds: at least 60 (at most 60 windows an hour'],
    },
    { args: argsWith({ '--window-seconds': '7200' }), mentions: ['--window-seconds: must be between 1 and 3600'] },
    {
      args: argsWith({ '--keystore': looseKey }),
      mentions: [`--keystore: keystore ${looseKey}: mode 0644 allows group/other access; chmod 600 it`],
      spawn: true,
    },
    {
      args: argsWith({ '--outbox': foreignOutbox }),
      mentions: ['--outbox: outbox', 'holds messages of device'],
      spawn: true,
    },
    {
      args: argsWith({ '--keystore': otherKey }),
      mentions: [`--keystore: keystore ${otherKey}: wrong passphrase (MAC mismatch)`],
      spawn: true,
    },
    {
      args: argsWith({ '--keystore': otherKey, '--password-file': passwordFile }),
      env: { [PASSWORD_ENV]: undefined },
      mentions: [`--keystore: keystore ${otherKey}: wrong passphrase (MAC mismatch)`],
    },
    { args: argsWith({ '--keystore': v1Key }), mentions: [`keystore ${v1Key}: version: 1 is the plaintext keystore`] },
    {
      args: argsWith({ '--keystore': noSalt }),
      mentions: [`--keystore: keystore ${noSalt}: crypto.kdfparams.salt: missing`],
    },
    {
      args: argsWith({}),
      env: { [PASSWORD_ENV]: undefined },
      mentions: [
        `no keystore passphrase: pass --password-file FILE or set ${PASSWORD_FILE_ENV} (a file) or ${PASSWORD_ENV}`,
      ],
      spawn: true,
    },
    {
      args: argsWith({ '--password-file': passwordFile }),
      mentions: [`--password-file: the passphrase is given twice (--password-file and ${PASSWORD_ENV}); give one`],
    },
    {
      args: argsWith({}),
      env: { [PASSWORD_ENV]: PASSWORD, [PASSWORD_FILE_ENV]: passwordFile },
      mentions: [`${PASSWORD_FILE_ENV}: the passphrase is given twice (${PASSWORD_FILE_ENV} and ${PASSWORD_ENV})`],
    },
    {
      args: argsWith({ '--password-file': join(tmp, 'nowhere') }),
      env: { [PASSWORD_ENV]: undefined },
      mentions: [`--password-file: cannot read ${join(tmp, 'nowhere')} (ENOENT`],
    },
    {
      args: argsWith({}),
      env: { [PASSWORD_ENV]: undefined, [PASSWORD_FILE_ENV]: emptyFile },
      mentions: [`${PASSWORD_FILE_ENV}: ${emptyFile} is empty`],
    },
    { args: argsWith({ '--keystore-kdf': 'fast' }), mentions: ['--keystore-kdf: unknown value "fast"'] },
    { args: ['address'], mentions: ['--keystore: required'], spawn: true },
    { args: ['address', '--keystore', keystore, '--zone', 'SG'], mentions: ['--zone: unknown flag'] },
  ];
  const check = (c: (typeof cases)[number], code: number | null, stdout: string, stderr: string, how: string) => {
    const where = `${how} greenhour-agent ${c.args.join(' ')}\nstderr: ${stderr}`;
    assert.equal(code, 2, where);
    assert.equal(stdout, '', where);
    assert.ok(stderr.startsWith('greenhour-agent: '), where);
    for (const m of c.mentions) assert.ok(stderr.includes(m), `${where}\nmissing: ${m}`);
  };
  for (const c of cases) {
    let stdout = '';
    let stderr = '';
    const code = await runAgentCli(c.args, {
      stdout: (s) => (stdout += s),
      stderr: (s) => (stderr += s),
      stopSignal: () => Promise.reject(new Error('bad input must not start the agent')),
      env: { ...ENV, ...c.env },
    });
    check(c, code, stdout, stderr, 'in-process');
  }
  // Two processes at a time (two cores).
  const queue = cases.filter((c) => c.spawn);
  assert.ok(queue.length >= 5);
  const worker = async () => {
    for (let c = queue.shift(); c; c = queue.shift()) {
      const run = start(c.args, { ...ENV, ...c.env });
      check(c, await run.done, run.stdout(), run.stderr(), 'spawned');
    }
  };
  await Promise.all([worker(), worker()]);
});

test('`address` creates the key once and prints the same address every time', async () => {
  const file = join(tmp, 'addr', 'key.json');
  const first = start(['address', '--keystore', file, '--keystore-kdf', 'light']);
  assert.equal(await first.done, 0, first.stderr());
  const address = first.stdout().trim();
  assert.match(address, /^0x[0-9a-f]{40}$/);
  assert.match(first.stderr(), /created device key in/);
  assert.equal(statSync(file).mode & 0o777, 0o600);
  const body = JSON.parse(readFileSync(file, 'utf8')) as KeystoreFile;
  assert.equal(body.version, 3);
  assert.equal(`0x${body.address}`, address);
  assert.equal(body.crypto.kdfparams.n, LIGHT_SCRYPT.n);
  // The second time in-process (the same function main.ts runs), the passphrase from a file named by the environment
  // (its trailing newline is not part of it): the same address, nothing created.
  const passwordFile = join(tmp, 'addr', 'password');
  writeFileSync(passwordFile, `${PASSWORD}\r\n`);
  let stdout = '';
  let stderr = '';
  const code = await runAgentCli(['address', '--keystore', file], {
    stdout: (s) => (stdout += s),
    stderr: (s) => (stderr += s),
    stopSignal: () => Promise.reject(new Error('`address` must not start the agent')),
    env: { [PASSWORD_FILE_ENV]: passwordFile },
  });
  assert.equal(code, 0);
  assert.equal(stdout.trim(), address);
  assert.equal(stderr, '');
  assert.equal((await loadOrCreateDeviceKey(file, LIGHT)).address, address);
});

for (const { name, start: startBroker } of BROKERS) {
  test(`a run against ${name}: a progress line per published window, valid signed messages, a clean stop on SIGTERM`, async () => {
    const broker = await startBroker();
    const dir = join(tmp, `run-${name}`);
    const key = join(dir, 'key.json');
    const device = (await createKey(key)).address as Address;
    const sub = await TelemetrySubscriber.connect(broker.directUrl, device);
    const run = start(
      argsWith({
        '--keystore': key,
        '--outbox': join(dir, 'outbox'),
        '--mqtt': broker.url,
        '--window-seconds': '1',
        '--max-windows-per-hour': '3600', // never attested
      }),
    );
    try {
      const progress = () =>
        run.stdout().match(/^published seq \d+ window \S+ pv [\d.]+ kWh gpu [\d.]+ kWh .*$/gm) ?? [];
      await waitFor(
        `two progress lines (stdout: ${run.stdout()} stderr: ${run.stderr()})`,
        () => progress().length >= 2,
        15_000,
      );
      run.child.kill('SIGTERM');
      assert.equal(await run.done, 0, run.stderr());
      assert.match(run.stdout(), new RegExp(`^greenhour-agent: device ${device}, home in DE-LU, 1 s windows`));
      assert.match(run.stdout(), /greenhour-agent: stopped at seq \d+, 0 unacknowledged in the outbox\n$/);
      assert.match(progress()[0]!, /^published seq 1 window \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ\/1s /);
      const count = progress().length;
      await sub.waitForSeq(count);
      const hasher = new TelemetryHasher({ chainId: 31337, verifyingContract: ORACLE });
      const verifier = new DeviceVerifier();
      assert.deepEqual(
        sub.distinctSeqs,
        Array.from({ length: count }, (_, i) => i + 1),
      );
      for (const { message, signature } of sub.received)
        assert.equal(verifier.verify(device, hasher.digest(message), signature), true);
    } finally {
      run.child.kill('SIGKILL');
      await sub.close();
      await broker.close();
    }
  });
}

test('with --rpc, --registry and --api the agent runs its light node, which proves from storage that the device is unknown there', async () => {
  const { startAnvil } = await import('@greenhour/chain');
  const anvil = await startAnvil();
  // anvil's genesis header carries the empty trie's stateRoot although its dev accounts exist: nothing verifies against
  // block 0 (the light client rightly refuses it), so the chain moves one block on first.
  const { createTestClient, http } = await import('viem');
  await createTestClient({ mode: 'anvil', transport: http(anvil.rpcUrl) }).mine({ blocks: 1 });
  const dir = join(tmp, 'run-light-node');
  const key = join(dir, 'key.json');
  await createKey(key);
  // A chain where nothing is deployed: the registry's account is proven absent (an exclusion proof).
  const registry = '0x00000000000000000000000000000000000000aa';
  const run = start([
    ...argsWith({ '--keystore': key, '--outbox': join(dir, 'outbox'), '--mqtt': 'mqtt://127.0.0.1:1' }),
    '--rpc',
    anvil.rpcUrl,
    '--registry',
    registry,
    '--api',
    'http://127.0.0.1:1,http://127.0.0.1:2',
    '--check-interval-seconds',
    '5',
  ]);
  try {
    await waitFor(
      "the light node's first check",
      () => /light node: check failed: /.test(run.stderr()) || run.child.exitCode !== null,
      20_000,
    );
    assert.match(run.stderr(), /light node: check failed: account 0x0+aa: proven absent at block \d+/);
    assert.match(
      run.stdout(),
      new RegExp(`greenhour-agent: light node on ${anvil.rpcUrl}, records from http://127.0.0.1:1, http://127.0.0.1:2`),
    );
    run.child.kill('SIGTERM');
    assert.equal(await run.done, 0, run.stderr());
  } finally {
    run.child.kill('SIGKILL');
    await anvil.stop();
  }
});
