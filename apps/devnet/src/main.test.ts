import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createPublicClient, http, type Address } from 'viem';
import { attestationOracleAbi, computeHoursAbi, hourMarketAbi, nodeRegistryAbi } from '@greenhour/contracts';
import { ANVIL_DEFAULT_PRIVATE_KEY, hourIdOf, startAnvil } from '@greenhour/chain';
import { DEMO_FLEET } from '@greenhour/fleet';
import { demoDeviceSigner } from './demo.ts';

const main = join(dirname(fileURLToPath(import.meta.url)), 'main.ts');

function startDevnet(env: Record<string, string>) {
  const child = spawn(process.execPath, ['--import', 'tsx', main], {
    env: { ...process.env, RPC_URL: '', DEPLOYER_PRIVATE_KEY: '', SETTLEMENT_TOKEN_ADDRESS: '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (c: Buffer) => (output += c.toString()));
  child.stderr.on('data', (c: Buffer) => (output += c.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const waitFor = async (pattern: RegExp, timeoutMs: number) => {
    const deadline = Date.now() + timeoutMs;
    while (!pattern.test(output)) {
      if (child.exitCode !== null) throw new Error(`devnet exited ${child.exitCode} before ${pattern}:\n${output}`);
      if (Date.now() > deadline) throw new Error(`no ${pattern} within ${timeoutMs} ms:\n${output}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  };
  return { child, exited, waitFor, output: () => output };
}

describe('npm start (the local devnet)', () => {
  it('starts a local EVM, deploys, registers the demo fleet with hours, catches the dishonest attester through the devices, and stops cleanly on SIGINT', async () => {
    const deploymentsDir = mkdtempSync(join(tmpdir(), 'gh-start-'));
    const run = startDevnet({ ANVIL_PORT: '0', API_PORT: '0', DEPLOYMENTS_DIR: deploymentsDir });
    try {
      await run.waitFor(/ready; Ctrl-C to stop/, 120_000);
      const rpcUrl = /rpc\s+(http:\/\/\S+)/.exec(run.output())![1]!;
      const deployment = JSON.parse(readFileSync(join(deploymentsDir, '31337.json'), 'utf8'));
      assert.match(run.output(), new RegExp(`NodeRegistry\\s+${deployment.nodeRegistry}`));
      assert.match(run.output(), new RegExp(`HourMarket\\s+${deployment.hourMarket}`));

      const client = createPublicClient({ transport: http(rpcUrl) });
      const registry = { address: deployment.nodeRegistry as Address, abi: nodeRegistryAbi } as const;
      assert.equal(await client.readContract({ ...registry, functionName: 'nodeCount' }), BigInt(DEMO_FLEET.length));
      for (const device of DEMO_FLEET) {
        const nodeId = await client.readContract({
          ...registry,
          functionName: 'nodeOfDevice',
          args: [demoDeviceSigner(device.id)],
        });
        const node = await client.readContract({ ...registry, functionName: 'node', args: [nodeId] });
        assert.equal(node.gpuCount, device.gpuCount, device.id);
        assert.equal(node.pvWp, device.pvWp, device.id);
        const slot = Math.floor(Number((await client.getBlock()).timestamp) / 3600) + 1;
        const minted = await client.readContract({
          address: deployment.computeHours,
          abi: computeHoursAbi,
          functionName: 'nodeSlot',
          args: [nodeId, slot],
        });
        assert.equal(minted.minted, device.gpuCount, `${device.id} sold its full capacity of the next slot`);
      }

      // The later slots' hours are in the hour market and the demo buyer's bundle came out of them.
      const bought = /bought (\d+) hours of class (\d+) for ([\d.]+) USD/.exec(run.output());
      assert.ok(bought, 'the demo buyer bought a bundle');
      const classId = Number(bought[2]);
      const now = Math.floor(Number((await client.getBlock()).timestamp) / 3600);
      let provided = 0n;
      let held = 0n;
      for (const s of [now + 2, now + 3, now + 4]) {
        const [, state] = await client.readContract({
          address: deployment.hourMarket,
          abi: hourMarketAbi,
          functionName: 'market',
          args: [hourIdOf(classId, s)],
        });
        held += BigInt(state.hoursReserve);
        provided += await client.readContract({
          address: deployment.computeHours,
          abi: computeHoursAbi,
          functionName: 'balanceOf',
          args: [deployment.hourMarket, hourIdOf(classId, s)],
        });
      }
      assert.ok(held > 0n, 'the market holds hours for sale');
      assert.equal(provided - held, 0n, 'the market holds exactly its reserves');
      assert.ok(Number(bought[3]) > 0, 'the bundle cost something');

      // The accelerated clock: a slot a minute by default, told by the banner and the API, and the chain follows it.
      assert.match(run.output(), /clock\s+60× real time: an hour slot every 60 s/);
      const clockAt = Date.now();
      const chainAt = Number((await client.getBlock()).timestamp);

      // Telemetry is up: PGlite and the embedded broker by default, the API answering, one agent per device.
      assert.match(run.output(), /database\s+pglite/);
      assert.match(run.output(), new RegExp(`${DEMO_FLEET.length} node agents publishing`));
      const apiUrl = /api\s+(http:\/\/\S+)\/v1 /.exec(run.output())![1]!;
      const stats = await (await fetch(`${apiUrl}/v1/telemetry/stats`)).json();
      const clock = (await (await fetch(`${apiUrl}/v1/clock`)).json()) as { nowS: number; slot: number; speed: number };
      assert.equal(clock.speed, 60);
      assert.equal(clock.slot, Math.floor(clock.nowS / 3600));
      assert.ok(Math.abs(clock.nowS - chainAt) < 600, `the service's clock ${clock.nowS} is the chain's ${chainAt}`);
      assert.deepEqual(Object.keys(stats).sort(), ['accepted', 'devices', 'openGaps', 'rejected']);

      // The demo's attester inflates the first node's green energy; that node's own device catches it, proves it on
      // chain from its outbox and the reward goes to the node's owner. The other devices verify their records.
      assert.match(run.output(), /attester: DISHONEST on purpose \(ATTESTER_FAULT=inflate-green\)/);
      await run.waitFor(/light node: CHALLENGE SUCCEEDED node \d+ hour \d+: AggregateMismatch/, 240_000);
      const caught = /agent (\S+): light node: CHALLENGE SUCCEEDED node (\d+) hour (\d+)/.exec(run.output())!;
      assert.equal(caught[1], DEMO_FLEET[0]!.id, 'the cheated device caught it itself');
      const cheatedNode = Number(caught[2]);
      const cheatedHour = Number(caught[3]);
      assert.match(
        run.output(),
        new RegExp(`light node: MISREPORT node ${cheatedNode} hour ${cheatedHour} .*misreported: greenWh`),
      );
      const reports = async () => ((await (await fetch(`${apiUrl}/v1/light-nodes`)).json()) as { items: any[] }).items;
      const deadline = Date.now() + 120_000;
      let verified = 0;
      while (Date.now() < deadline) {
        verified = (await reports()).filter((r) =>
          r.hours.some((h: any) => h.slot === cheatedHour && h.state === 'verified'),
        ).length;
        if (verified === DEMO_FLEET.length - 1) break;
        await new Promise((r) => setTimeout(r, 1000));
      }
      assert.equal(verified, DEMO_FLEET.length - 1, 'every honest device verified its record of the hour');
      const cheated = (await (await fetch(`${apiUrl}/v1/light-nodes/${cheatedNode}`)).json()) as any;
      const hour = cheated.hours.find((h: any) => h.slot === cheatedHour);
      assert.equal(hour.state, 'misreported');
      assert.equal(hour.challenge.status, 'succeeded');
      assert.equal(hour.challenge.fault, 'AggregateMismatch');
      assert.equal(hour.challenge.salt, undefined, 'the route shows no salt');
      assert.ok(hour.reported.greenWh > hour.expected.greenWh);
      const cheatedOwner = (
        await client.readContract({ ...registry, functionName: 'node', args: [BigInt(cheatedNode)] })
      ).owner;
      assert.equal(hour.challenge.rewardTo.toLowerCase(), cheatedOwner.toLowerCase(), 'the reward went to the owner');
      assert.ok(hour.challenge.rewardUsdc6 > 0);
      assert.equal(cheated.metrics.challengesSucceeded, 1);
      assert.equal(
        await client.readContract({
          address: deployment.attestationOracle,
          abi: attestationOracleAbi,
          functionName: 'isExcluded',
          args: [hour.reported.leaf],
        }),
        true,
        'the inflated record is excluded on chain',
      );
      for (const [path, status, error] of [
        ['/v1/light-nodes/abc', 400, /path\.nodeId: must be a non-negative integer/],
        ['/v1/light-nodes/9999', 404, /path\.nodeId: no light node of node 9999/],
      ] as const) {
        const res = await fetch(`${apiUrl}${path}`);
        assert.equal(res.status, status, path);
        const { error: e } = (await res.json()) as { error: { field: string; reason: string } };
        assert.match(`${e.field}: ${e.reason}`, error);
      }

      // Minutes of the test were hours of the chain.
      const wallS = (Date.now() - clockAt) / 1000;
      const chainS = Number((await client.getBlock()).timestamp) - chainAt;
      assert.ok(chainS > 30 * wallS, `the chain moved ${chainS} s in ${wallS} s`);

      run.child.kill('SIGINT');
      assert.equal(await run.exited, 0);
      assert.match(run.output(), /stopped/);
      await assert.rejects(client.getChainId(), 'the local EVM is gone');
    } finally {
      // On a failure the devnet is still up: SIGINT lets it stop its own anvil; SIGKILL would leave that running.
      if (run.child.exitCode === null) {
        run.child.kill('SIGINT');
        const stopped = await Promise.race([run.exited, new Promise((r) => setTimeout(() => r('timeout'), 20_000))]);
        if (stopped === 'timeout') run.child.kill('SIGKILL');
      }
    }
  });

  it('with RPC_URL it deploys once, and a second start attaches to that deployment instead of redeploying', async () => {
    const anvil = await startAnvil({ port: 0 });
    const deploymentsDir = mkdtempSync(join(tmpdir(), 'gh-attach-'));
    const env = {
      RPC_URL: anvil.rpcUrl,
      DEPLOYER_PRIVATE_KEY: ANVIL_DEFAULT_PRIVATE_KEY,
      API_PORT: '0',
      DEPLOYMENTS_DIR: deploymentsDir,
    };
    const runs: ReturnType<typeof startDevnet>[] = [];
    try {
      const registries: string[] = [];
      for (let i = 0; i < 2; i++) {
        const run = startDevnet(env);
        runs.push(run);
        await run.waitFor(/ready; Ctrl-C to stop/, 120_000);
        registries.push(/NodeRegistry\s+(0x[0-9a-fA-F]{40})/.exec(run.output())![1]!);
        assert.match(run.output(), /clock\s+real time/, 'a real chain keeps real time');
        if (i === 1) {
          assert.match(
            run.output(),
            /attached to the deployment in .*31337\.json \(NodeRegistry 0x[0-9a-f]{40}\): nothing redeployed/,
          );
          assert.match(run.output(), /already registered: node 1 /);
        } else assert.doesNotMatch(run.output(), /attached to the deployment/);
        run.child.kill('SIGINT');
        assert.equal(await run.exited, 0);
      }
      assert.equal(registries[1], registries[0], 'the same contracts');
      const client = createPublicClient({ transport: http(anvil.rpcUrl) });
      assert.equal(
        await client.readContract({
          address: registries[0] as Address,
          abi: nodeRegistryAbi,
          functionName: 'nodeCount',
        }),
        BigInt(DEMO_FLEET.length),
        'the fleet registered once',
      );
    } finally {
      for (const run of runs)
        if (run.child.exitCode === null) {
          run.child.kill('SIGINT');
          await run.exited;
        }
      await anvil.stop();
    }
  });

  it('rejects bad configuration naming the variable', async () => {
    for (const [env, message] of [
      [{ ANVIL_PORT: 'eighty' }, /ANVIL_PORT: must be an integer port/],
      [{ ANVIL_PORT: '0', API_PORT: '-1' }, /API_PORT: must be an integer port/],
      [{ ANVIL_PORT: '0', API_PORT: '0', DATABASE_URL: 'mysql://x' }, /DATABASE_URL: must be a postgres:\/\/ URL/],
      [
        { ANVIL_PORT: '0', API_PORT: '0', MQTT_URL: 'http://127.0.0.1:1883' },
        /MQTT_URL: must be an mqtt:\/\/ or mqtts:\/\/ URL/,
      ],
      [{ ANVIL_PORT: '0', API_PORT: '0', ATTESTER_FAULT: 'lie' }, /ATTESTER_FAULT: unknown mode "lie"/],
      [
        { ANVIL_PORT: '0', API_PORT: '0', ATTESTER_FAULT: 'omit-record', ATTESTER_FAULT_NODES: 'one' },
        /ATTESTER_FAULT_NODES: "one" is not a node id/,
      ],
      [{ RPC_URL: 'localhost:8545' }, /RPC_URL: (not a URL|protocol must be)/],
      [{ ANVIL_PORT: '0', API_PORT: '0', DEVNET_CLOCK_SPEED: '0' }, /DEVNET_CLOCK_SPEED: must be an integer from 1/],
      [
        {
          RPC_URL: 'http://127.0.0.1:1',
          DEPLOYER_PRIVATE_KEY: `0x${'11'.repeat(32)}`,
          DEVNET_CLOCK_SPEED: '60',
        },
        /DEVNET_CLOCK_SPEED: must be 1 with RPC_URL/,
      ],
      [{ RPC_URL: 'http://127.0.0.1:1', DEPLOYER_PRIVATE_KEY: 'abc' }, /DEPLOYER_PRIVATE_KEY: must be 0x/],
    ] as const) {
      const run = startDevnet(env);
      assert.equal(await run.exited, 1, JSON.stringify(env));
      assert.match(run.output(), message);
    }
  });
});
