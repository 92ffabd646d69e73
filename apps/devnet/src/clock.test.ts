// The devnet clock against a real anvil: the chain's block timestamps follow the accelerated clock, in order, while
// transactions keep being mined in between.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createPublicClient, http } from 'viem';
import { connect, startAnvil, ANVIL_DEFAULT_PRIVATE_KEY } from '@greenhour/chain';
import { ConfigError } from '@greenhour/errors';
import { acceleratedClock, DEFAULT_DEVNET_CLOCK_SPEED, paceChain, parseClockSpeed } from './clock.ts';

describe('devnet clock', () => {
  it('DEVNET_CLOCK_SPEED: 60 by default on the local chain, 1 with RPC_URL, bad values refused naming the variable', () => {
    assert.equal(parseClockSpeed(undefined, false), DEFAULT_DEVNET_CLOCK_SPEED);
    assert.equal(parseClockSpeed('', false), 60);
    assert.equal(parseClockSpeed(undefined, true), 1);
    assert.equal(parseClockSpeed(' 120 ', false), 120);
    assert.equal(parseClockSpeed('1', true), 1);
    for (const [raw, real, reason] of [
      ['0', false, /must be an integer from 1 to 3600/],
      ['3601', false, /must be an integer from 1 to 3600/],
      ['1.5', false, /must be an integer/],
      ['0x3c', false, /must be an integer/],
      ['-60', false, /must be an integer/],
      ['fast', false, /must be an integer/],
      ['60', true, /must be 1 with RPC_URL/],
    ] as const)
      assert.throws(
        () => parseClockSpeed(raw, real),
        (err: Error) => err instanceof ConfigError && err.field === 'DEVNET_CLOCK_SPEED' && reason.test(err.message),
        raw,
      );
  });

  it('an accelerated clock runs `speed` times as fast as the system clock from its start', () => {
    let wall = 1_000_000;
    const clock = acceleratedClock(1_796_000_000, 60, () => wall);
    assert.equal(clock.nowS(), 1_796_000_000);
    wall += 1_500;
    assert.equal(clock.nowS(), 1_796_000_090);
    assert.equal(clock.speed, 60);
  });

  it('paces the chain: block timestamps follow the clock, never go back, and transactions in between still mine', async () => {
    const anvil = await startAnvil({ port: 0 });
    try {
      const chain = createPublicClient({ transport: http(anvil.rpcUrl) });
      const start = Number((await chain.getBlock()).timestamp);
      const clock = acceleratedClock(start, 600);
      const lines: string[] = [];
      const pacer = paceChain(anvil.rpcUrl, clock, (l) => lines.push(l));
      const sender = await connect(anvil.rpcUrl, ANVIL_DEFAULT_PRIVATE_KEY);
      const wallStart = Date.now();
      try {
        for (let i = 0; i < 4; i++) {
          await new Promise((r) => setTimeout(r, 700));
          const hash = await sender.walletClient.sendTransaction({ to: sender.account.address, value: 1n });
          await sender.publicClient.waitForTransactionReceipt({ hash });
        }
        await pacer.pace();
      } finally {
        await pacer.stop();
      }
      const elapsedS = (Date.now() - wallStart) / 1000;
      const head = await chain.getBlock();
      const advanced = Number(head.timestamp) - start;
      // At 600× the chain moved ~10 minutes a second; it lags the clock by at most one pace (1 s of wall time).
      assert.ok(advanced >= 600 * (elapsedS - 1.2), `chain advanced ${advanced} s in ${elapsedS} s of wall time`);
      assert.ok(advanced <= 600 * (elapsedS + 0.5), `not beyond the clock: ${advanced} s in ${elapsedS} s`);
      let last = -1n;
      for (let n = 0n; n <= head.number; n++) {
        const t = (await chain.getBlock({ blockNumber: n })).timestamp;
        // Never back in time (anvil may give a transaction's block the second of the paced block before it).
        assert.ok(t >= last, `block ${n} at ${t} before ${last}`);
        last = t;
      }
      assert.deepEqual(lines, []);
      // Stopped: the chain keeps its own time again.
      const stoppedAt = Number((await chain.getBlock()).timestamp);
      await new Promise((r) => setTimeout(r, 1_200));
      const hash = await sender.walletClient.sendTransaction({ to: sender.account.address, value: 1n });
      const receipt = await sender.publicClient.waitForTransactionReceipt({ hash });
      const after = Number((await chain.getBlock({ blockNumber: receipt.blockNumber })).timestamp);
      assert.ok(after - stoppedAt <= 5, `real time once stopped: +${after - stoppedAt} s`);
    } finally {
      await anvil.stop();
    }
  });
});
