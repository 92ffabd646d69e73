// The TypeScript core and AttestationOracle must agree exactly, or honest records would be challengeable (or false ones
// not): digest, physical bounds, aggregate and leaf, compared on a real EVM over seeded random windows near the limits.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { bytesToHex, hexToBytes, type Address } from 'viem';
import { attestationOracleAbi } from '@greenhour/contracts';
import { mulberry32 } from '@greenhour/energy';
import {
  aggregate,
  leafOf,
  signDigest,
  VIOLATIONS,
  violationOf,
  ZERO_HASH,
  type Telemetry,
} from '@greenhour/telemetry';
import { recordArg } from './attester.ts';
import { startTestChain, type TestChain, type TestDevice } from './testing.ts';

const asArg = (m: Telemetry) => ({
  ...m,
  seq: BigInt(m.seq),
  windowStart: BigInt(m.windowStart),
  windowEnd: BigInt(m.windowEnd),
});

describe('TypeScript core and AttestationOracle agree', () => {
  let chain: TestChain;
  before(async () => {
    chain = await startTestChain(['station', 'pile', 'home']);
  });
  after(() => chain.stop());

  const read = (functionName: string, args: readonly unknown[]) =>
    chain.clients.publicClient.readContract({
      address: chain.deployment.attestationOracle,
      abi: attestationOracleAbi,
      functionName,
      args,
    } as never) as Promise<unknown>;

  /** A window whose every value sits within ±3 of its bound for the node, so each rule is hit from both sides. */
  function nearLimits(random: () => number, device: TestDevice, seq: number): Telemetry {
    const { limits } = device;
    const jitter = (bound: number) => Math.max(0, Math.floor(bound) + Math.floor(random() * 7) - 3);
    const slotStart = Math.floor(1_795_651_200 / 3600) * 3600;
    const d = [1, 60, 900, 3600][Math.floor(random() * 4)]!;
    const windowStart = slotStart + (d === 3600 ? 0 : Math.floor(random() * (3600 - d)));
    const pick = <T>(a: T, b: T) => (random() < 0.5 ? a : b);
    const pvWh = jitter((limits.pvWp * d) / 3600);
    const gpuWh = jitter((limits.gpuPowerWMax * d) / 3600);
    const evWh = jitter((limits.chargerW * d) / 3600);
    const batteryInWh = pick(0, jitter((2 * limits.batteryWh * d) / 3600));
    const batteryOutWh = pick(0, jitter((2 * limits.batteryWh * d) / 3600));
    const gridImportWh = jitter(gpuWh + evWh + batteryInWh - pvWh - batteryOutWh);
    return {
      device: device.address.toLowerCase() as Address,
      seq,
      windowStart,
      windowEnd: windowStart + pick(d, jitter(d)),
      pvWh,
      batteryInWh,
      batteryOutWh,
      batterySocWh: pick(jitter(limits.batteryWh), Math.floor(random() * limits.batteryWh)),
      gridImportWh,
      gridExportWh: pick(0, Math.floor(random() * 5)),
      gpuWh,
      evWh,
      uptimeS: jitter(d),
      jobsHash: ZERO_HASH,
    };
  }

  it('violationOf and the EIP-712 digest agree on 240 windows near the limits, every rule seen', async () => {
    const random = mulberry32(7);
    const seen = new Set<string>();
    for (let i = 0; i < 240; i++) {
      const device = chain.devices[i % chain.devices.length]!;
      const m = nearLimits(random, device, i + 1);
      const onChain = VIOLATIONS[Number(await read('violationOf', [BigInt(device.nodeId), asArg(m)]))];
      assert.equal(violationOf(device.limits, m), onChain, JSON.stringify(m));
      seen.add(onChain!);
      if (i % 20 === 0) assert.equal(await read('digestOf', [asArg(m)]), chain.hasher.digestHex(m));
    }
    for (const v of VIOLATIONS)
      if (v !== 'Window' && v !== 'EnergyBalance' && v !== 'Uptime') assert.ok(seen.has(v), `${v} was exercised`);
  });

  it('aggregate (sums and messagesHash over digests and signatures) and leafOf agree', async () => {
    const random = mulberry32(11);
    const device = chain.devices[1]!;
    for (const n of [1, 7, 60]) {
      const messages = Array.from({ length: n }, (_, i) => {
        const m = nearLimits(random, device, i + 1);
        const digest = chain.hasher.digest(m);
        return { message: m, digest, signature: hexToBytes(signDigest(digest, device.privateKey)) };
      });
      const record = aggregate(device.nodeId, 498_792, messages);
      const onChain = (await read('aggregate', [
        messages.map((m) => asArg(m.message)),
        messages.map((m) => bytesToHex(m.signature)),
      ])) as Record<string, bigint | string>;
      assert.deepEqual(
        [onChain.greenWh, onChain.gridWh, onChain.gpuWh, onChain.uptimeS, onChain.messageCount, onChain.messagesHash],
        [
          BigInt(record.greenWh),
          BigInt(record.gridWh),
          BigInt(record.gpuWh),
          BigInt(record.uptimeS),
          BigInt(n),
          record.messagesHash,
        ],
      );
      assert.equal(await read('leafOf', [recordArg(record)]), leafOf(record));
    }
  });
});
