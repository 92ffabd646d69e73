// A fresh anvil with the system deployed, one datacenter class listed on the market and one large station registered:
// the starting point of the market benchmark and of the curve chart. Not used by the services.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringToHex, toHex } from 'viem';
import { mnemonicToAccount, privateKeyToAccount } from 'viem/accounts';
import { startAnvil, type Anvil } from './anvil.ts';
import { connect, type Clients } from './clients.ts';
import { ANVIL_DEFAULT_PRIVATE_KEY } from './config.ts';
import { DATACENTER_ASK_USDC6, deploySystem, marketClassFor } from './deploy.ts';
import type { Deployment } from './deployments.ts';
import { faucet } from './actions/faucet.ts';
import { registerNode } from './actions/registerNode.ts';
import { DEFAULT_MINIMUM_STAKE_USDC6 } from './types.ts';

export const SANDBOX_CLASS_ID = 1;
const GPU = 'NVIDIA H100 SXM5 80GB';
const MNEMONIC = 'test test test test test test test test test test test junk';

export interface MarketSandbox {
  anvil: Anvil;
  /** Deployer, market admin and the station's owner. */
  node: Clients;
  buyer: Clients;
  deployment: Deployment;
  nodeId: bigint;
  stop(): Promise<void>;
}

/** Starts anvil and deploys; the station has `gpuCount` H100s (at most 1,024), so it mints that many hours a slot. */
export async function startMarketSandbox(gpuCount: number): Promise<MarketSandbox> {
  const anvil = await startAnvil();
  try {
    const node = await connect(anvil.rpcUrl, ANVIL_DEFAULT_PRIVATE_KEY);
    const buyerKey = toHex(mnemonicToAccount(MNEMONIC, { addressIndex: 1 }).getHdKey().privateKey!);
    const buyer = await connect(anvil.rpcUrl, buyerKey);
    const capacityClass = {
      classId: SANDBOX_CLASS_ID,
      label: stringToHex('dc-tier', { size: 32 }),
      fp16TflopsMin: 756,
      memoryGbMin: 80,
      boardPowerWMax: 700,
      bondPerHourUsdc6: 9_000_000n, // at least bondCoveringCap(8 USD cap = 4 × the 2 USD ask)
    };
    const deployment = await deploySystem(node, {
      capacityClasses: [capacityClass],
      gpuModels: [{ gpuModel: stringToHex(GPU, { size: 32 }), classId: SANDBOX_CLASS_ID }],
      marketClasses: [marketClassFor(capacityClass, DATACENTER_ASK_USDC6)],
      minimumStakeUsdc6: DEFAULT_MINIMUM_STAKE_USDC6,
      deploymentsDir: mkdtempSync(join(tmpdir(), 'gh-market-sandbox-')),
    });
    const stakeUsdc6 = 1_000_000_000_000n;
    await faucet(node, deployment, node.account.address, stakeUsdc6 + 1_000_000_000n);
    await faucet(node, deployment, buyer.account.address, 1_000_000_000_000n);
    const deviceKey = privateKeyToAccount(stringToHex('sandbox-device', { size: 32 }));
    const nodeId = await registerNode(
      node,
      deployment,
      {
        deviceSigner: deviceKey.address,
        siteType: 'station',
        geohash: 'w21z7',
        pvWp: 500_000,
        batteryWh: 1_000_000,
        chargerW: 0,
        gpuModel: GPU,
        gpuCount,
      },
      stakeUsdc6,
      deviceKey,
    );
    return { anvil, node, buyer, deployment, nodeId, stop: () => anvil.stop() };
  } catch (err) {
    await anvil.stop();
    throw err;
  }
}
