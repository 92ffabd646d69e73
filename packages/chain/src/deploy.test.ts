import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  BaseError,
  ContractFunctionRevertedError,
  createTestClient,
  http,
  stringToHex,
  toHex,
  type Address,
  type Hex,
} from 'viem';
import { mnemonicToAccount, privateKeyToAccount } from 'viem/accounts';
import { computeHoursAbi, nodeRegistryAbi, settlementTokenAbi } from '@greenhour/contracts';
import {
  ANVIL_DEFAULT_PRIVATE_KEY,
  chainConfigFromEnv,
  connect,
  DATACENTER_ASK_USDC6,
  deploySystem,
  DEFAULT_MINIMUM_STAKE_USDC6,
  faucet,
  marketClassFor,
  bondCoveringCap,
  type MarketClassRow,
  mintHours,
  readDeployment,
  redeemHours,
  registerNode,
  transferHours,
  slotOf,
  startAnvil,
  type Anvil,
  type Clients,
  type Deployment,
  type NodeSpecInput,
  transact,
} from './index.ts';

// anvil's second default account: a buyer distinct from the deployer, funded with ether at genesis.
const BUYER_KEY = toHex(
  mnemonicToAccount('test test test test test test test test test test test junk', { addressIndex: 1 }).getHdKey()
    .privateKey!,
);

const CLASSES = [
  {
    classId: 1,
    label: stringToHex('dc-tier', { size: 32 }),
    fp16TflopsMin: 756,
    memoryGbMin: 80,
    boardPowerWMax: 700,
    bondPerHourUsdc6: 9_000_000n, // at least bondCoveringCap(8 USD cap = 4 × the 2 USD ask)
  },
];
// The hour market lists the class at the datacenter default: ask 2.00 USD, cap 8.00, floor 0.105 (700 W at 0.15 USD/kWh).
const MARKET_CLASSES = CLASSES.map((c) => marketClassFor(c, DATACENTER_ASK_USDC6));
const MODELS = [{ gpuModel: stringToHex('NVIDIA H100 SXM5 80GB', { size: 32 }), classId: 1 }];

const station = (deviceSigner: Address): NodeSpecInput => ({
  deviceSigner,
  siteType: 'station',
  geohash: 'w21z7',
  pvWp: 500_000,
  batteryWh: 1_000_000,
  chargerW: 0,
  gpuModel: 'NVIDIA H100 SXM5 80GB',
  gpuCount: 8,
});

function revertName(err: unknown): string | undefined {
  if (!(err instanceof BaseError)) return undefined;
  const reverted = err.walk((e) => e instanceof ContractFunctionRevertedError);
  return reverted instanceof ContractFunctionRevertedError ? reverted.data?.errorName : undefined;
}

describe('deploy and drive the contracts on a real anvil', () => {
  let anvil: Anvil;
  let clients: Clients;
  let deployment: Deployment;
  let deploymentsDir: string;

  before(async () => {
    anvil = await startAnvil();
    deploymentsDir = mkdtempSync(join(tmpdir(), 'gh-deployments-'));
    clients = await connect(anvil.rpcUrl, ANVIL_DEFAULT_PRIVATE_KEY);
    deployment = await deploySystem(clients, {
      capacityClasses: CLASSES,
      gpuModels: MODELS,
      marketClasses: MARKET_CLASSES,
      minimumStakeUsdc6: DEFAULT_MINIMUM_STAKE_USDC6,
      deploymentsDir,
    });
  });
  after(async () => anvil?.stop());

  it('writes the deployments file for the chain id and wires the roles', async () => {
    const written = JSON.parse(readFileSync(join(deploymentsDir, '31337.json'), 'utf8'));
    assert.equal(written.nodeRegistry, deployment.nodeRegistry);
    assert.deepEqual(readDeployment(deploymentsDir, 31337), deployment);
    assert.equal(deployment.settlementTokenDeployed, true);

    const { publicClient } = clients;
    const role = await publicClient.readContract({
      address: deployment.nodeRegistry,
      abi: nodeRegistryAbi,
      functionName: 'OBLIGATION_ROLE',
    });
    assert.equal(
      await publicClient.readContract({
        address: deployment.nodeRegistry,
        abi: nodeRegistryAbi,
        functionName: 'hasRole',
        args: [role, deployment.computeHours],
      }),
      true,
    );
    const minimum = await publicClient.readContract({
      address: deployment.nodeRegistry,
      abi: nodeRegistryAbi,
      functionName: 'minimumStakeUsdc6',
      args: [0],
    });
    assert.equal(minimum, DEFAULT_MINIMUM_STAKE_USDC6.station);

    // Stake is slashed only through the oracle's fraud proofs, green shares come only from it, and nobody can grant
    // the powers over stake or green shares again: the deployer renounced the wiring roles.
    const registry = { address: deployment.nodeRegistry, abi: nodeRegistryAbi } as const;
    const hours = { address: deployment.computeHours, abi: computeHoursAbi } as const;
    const [slasher, registryWiring, greenShare, delivery, hoursWiring] = await Promise.all([
      publicClient.readContract({ ...registry, functionName: 'SLASHER_ROLE' }),
      publicClient.readContract({ ...registry, functionName: 'WIRING_ROLE' }),
      publicClient.readContract({ ...hours, functionName: 'GREEN_SHARE_ROLE' }),
      publicClient.readContract({ ...hours, functionName: 'DELIVERY_ROLE' }),
      publicClient.readContract({ ...hours, functionName: 'WIRING_ROLE' }),
    ]);
    const has = (contract: typeof registry | typeof hours, role: Hex, who: Address) =>
      publicClient.readContract({
        ...contract,
        functionName: 'hasRole',
        args: [role, who],
      } as never) as Promise<boolean>;
    assert.equal(await has(registry, slasher, deployment.attestationOracle), true);
    assert.equal(await has(registry, slasher, deployment.admin), false);
    assert.equal(await has(hours, greenShare, deployment.attestationOracle), true);
    assert.equal(await has(hours, greenShare, deployment.attestor), false, 'the attester writes no green shares');
    assert.equal(await has(hours, delivery, deployment.attestor), true);
    assert.equal(await has(registry, registryWiring, deployment.admin), false, 'registry wiring renounced');
    assert.equal(await has(hours, hoursWiring, deployment.admin), false, 'hours wiring renounced');
    const obligation = await publicClient.readContract({ ...registry, functionName: 'OBLIGATION_ROLE' });
    await assert.rejects(
      transact(clients, { ...registry, functionName: 'grantRole', args: [obligation, deployment.admin] }),
      (err) => revertName(err) === 'AccessControlUnauthorizedAccount',
    );
  });

  it('registers a station, mints its hours, transfers them until the slot starts and never after', async () => {
    const { publicClient } = clients;
    await faucet(clients, deployment, clients.account.address, 10_000_000_000n);
    const deviceKey = privateKeyToAccount(stringToHex('device-1', { size: 32 }));
    const device = deviceKey.address;
    const nodeId = await registerNode(clients, deployment, station(device), 6_000_000_000n, deviceKey);
    assert.equal(nodeId, 1n);
    const node = await publicClient.readContract({
      address: deployment.nodeRegistry,
      abi: nodeRegistryAbi,
      functionName: 'node',
      args: [nodeId],
    });
    assert.equal(node.classId, 1);
    assert.equal(node.deviceSigner, device);

    const now = (await publicClient.getBlock()).timestamp;
    const slot = slotOf(now) + 2;
    const id = await mintHours(clients, deployment, nodeId, slot, 3n);
    assert.equal(id, (1n << 32n) | BigInt(slot));

    const buyer = await connect(anvil.rpcUrl, BUYER_KEY);
    const transfer = () => transferHours(clients, deployment, buyer.account.address, id, 1n);
    await transfer();
    const balanceOf = (who: Address) =>
      publicClient.readContract({
        address: deployment.computeHours,
        abi: computeHoursAbi,
        functionName: 'balanceOf',
        args: [who, id],
      });
    assert.equal(await balanceOf(buyer.account.address), 1n);

    const testClient = createTestClient({ mode: 'anvil', transport: http(anvil.rpcUrl) });
    await testClient.setNextBlockTimestamp({ timestamp: BigInt(slot * 3600) });
    await testClient.mine({ blocks: 1 });
    await assert.rejects(transfer, (err) => revertName(err) === 'SlotStarted');
    assert.equal(await balanceOf(buyer.account.address), 1n, 'nothing moved');
  });

  it('rejects bad calls with the contract error that names the problem', async () => {
    const deviceKey = privateKeyToAccount(stringToHex('device-1', { size: 32 }));
    await assert.rejects(
      registerNode(clients, deployment, station(deviceKey.address), 6_000_000_000n, deviceKey),
      (err) => revertName(err) === 'DeviceAlreadyRegistered',
    );
    const otherKey = privateKeyToAccount(stringToHex('device-2', { size: 32 }));
    const other = otherKey.address;
    await assert.rejects(
      registerNode(clients, deployment, { ...station(other), gpuCount: 0 }, 6_000_000_000n, otherKey),
      (err) => revertName(err) === 'InvalidSpec',
    );
    await assert.rejects(
      registerNode(clients, deployment, station(other), 1n, otherKey),
      (err) => revertName(err) === 'StakeBelowMinimum',
    );
    await assert.rejects(
      registerNode(clients, deployment, { ...station(other), geohash: 'ABC' }, 6_000_000_000n, otherKey),
      (err) => revertName(err) === 'InvalidGeohash',
    );
    await assert.rejects(
      registerNode(clients, deployment, { ...station(other), geohash: '' }, 1n, otherKey),
      /geohash: must have/,
    );
    // A device key the caller does not hold cannot be bound: another key's signature is refused on chain.
    const squatter = privateKeyToAccount(stringToHex('squatter', { size: 32 }));
    await assert.rejects(
      registerNode(clients, deployment, station(other), 6_000_000_000n, { ...squatter, address: other }),
      (err) => revertName(err) === 'InvalidDeviceSignature',
    );
    await assert.rejects(
      registerNode(clients, deployment, station(other), 6_000_000_000n, squatter),
      /device: key of .* does not match deviceSigner/,
    );

    const now = (await clients.publicClient.getBlock()).timestamp;
    await assert.rejects(
      mintHours(clients, deployment, 1n, slotOf(now) + 3, 9n),
      (err) => revertName(err) === 'ExceedsCapacity',
    );
    await assert.rejects(
      mintHours(clients, deployment, 1n, slotOf(now), 1n),
      (err) => revertName(err) === 'SlotNotInFuture',
    );
    const buyer = await connect(anvil.rpcUrl, BUYER_KEY);
    await assert.rejects(
      mintHours(buyer, deployment, 1n, slotOf(now) + 3, 1n),
      (err) => revertName(err) === 'NotNodeOwner',
    );
  });

  it('redeems during the slot naming the node, and settles an undelivered hour from its bond to the buyer', async () => {
    const { publicClient } = clients;
    const testClient = createTestClient({ mode: 'anvil', transport: http(anvil.rpcUrl) });
    const buyer = await connect(anvil.rpcUrl, BUYER_KEY);
    const now = (await publicClient.getBlock()).timestamp;
    const slot = slotOf(now) + 1;
    const id = await mintHours(clients, deployment, 1n, slot, 2n);
    await transferHours(clients, deployment, buyer.account.address, id, 2n);

    await assert.rejects(redeemHours(buyer, deployment, id, 1n, 1n), (err) => revertName(err) === 'SlotNotLive');
    await testClient.setNextBlockTimestamp({ timestamp: BigInt(slot * 3600 + 60) });
    await testClient.mine({ blocks: 1 });
    const redemptionId = await redeemHours(buyer, deployment, id, 1n, 2n);
    const hours = { address: deployment.computeHours, abi: computeHoursAbi } as const;
    const redemption = await publicClient.readContract({ ...hours, functionName: 'redemption', args: [redemptionId] });
    assert.equal(redemption.nodeId, 1n);
    assert.equal(redemption.holder, buyer.account.address);
    assert.equal(redemption.hoursRedeemed, 2);

    const balance = () =>
      publicClient.readContract({
        address: deployment.settlementToken,
        abi: settlementTokenAbi,
        functionName: 'balanceOf',
        args: [buyer.account.address],
      });
    const before = await balance();
    await testClient.setNextBlockTimestamp({ timestamp: BigInt((slot + 1) * 3600 + 24 * 3600) });
    await testClient.mine({ blocks: 1 });
    const settle = await buyer.walletClient.writeContract({
      ...hours,
      functionName: 'settleUndelivered',
      args: [redemptionId],
    });
    await publicClient.waitForTransactionReceipt({ hash: settle });
    assert.equal(
      (await balance()) - before,
      2n * CLASSES[0]!.bondPerHourUsdc6,
      'the bond of two hours paid to the buyer',
    );
  });

  it('refuses market classes the contracts would refuse, naming the class and field, before deploying anything', async () => {
    const before = await clients.publicClient.getTransactionCount({ address: clients.account.address });
    const base = MARKET_CLASSES[0]!;
    const cases: [Partial<MarketClassRow>, RegExp][] = [
      [{ classId: 9 }, /marketClasses\[class 9\]\.classId: not one of the capacity classes/],
      [{ floorUsdc6: base.askUsdc6 + 1n }, /marketClasses\[class 1\]\.floorUsdc6: must be in/],
      [{ capUsdc6: base.askUsdc6 }, /marketClasses\[class 1\]\.capUsdc6: must be above askUsdc6/],
      [{ decayHorizonS: 0 }, /marketClasses\[class 1\]\.decayHorizonS/],
      // A bond below what a buyer can pay at the cap with the largest fee would let a node profit from not delivering.
      [{ capUsdc6: 9_000_000n }, /capacityClasses\[class 1\]\.bondPerHourUsdc6: 9000000 does not cover .* 9900003/],
    ];
    for (const [change, message] of cases) {
      await assert.rejects(
        deploySystem(clients, {
          capacityClasses: CLASSES,
          gpuModels: MODELS,
          marketClasses: [{ ...base, ...change }],
          minimumStakeUsdc6: DEFAULT_MINIMUM_STAKE_USDC6,
          deploymentsDir,
        }),
        message,
      );
    }
    assert.equal(await clients.publicClient.getTransactionCount({ address: clients.account.address }), before);
    assert.equal(bondCoveringCap(8_000_000n), 8_800_003n, 'cap x 1.1 + 3 usdc6 of rounding');
  });

  it('deploys to another chain given by RPC_URL with an external stablecoin, one deployments file per chain id', async () => {
    const other = await startAnvil({ chainId: 777 });
    try {
      const config = chainConfigFromEnv(
        { RPC_URL: other.rpcUrl, DEPLOYER_PRIVATE_KEY: ANVIL_DEFAULT_PRIVATE_KEY },
        deploymentsDir,
      );
      const remote = await connect(config.rpcUrl!, config.deployerPrivateKey);
      // Stand-in for a real chain's stablecoin: any ERC-20 already at an address.
      const hash = await remote.walletClient.deployContract({
        abi: settlementTokenAbi,
        bytecode: (await import('@greenhour/contracts')).settlementTokenBytecode,
        args: [remote.account.address],
      });
      const stablecoin = (await remote.publicClient.waitForTransactionReceipt({ hash })).contractAddress!;
      const d = await deploySystem(remote, {
        settlementToken: stablecoin,
        capacityClasses: CLASSES,
        gpuModels: MODELS,
        marketClasses: MARKET_CLASSES,
        minimumStakeUsdc6: DEFAULT_MINIMUM_STAKE_USDC6,
        deploymentsDir: config.deploymentsDir,
      });
      assert.equal(d.chainId, 777);
      assert.equal(d.settlementToken, stablecoin);
      assert.equal(d.settlementTokenDeployed, false);
      assert.equal(readDeployment(deploymentsDir, 777).computeHours, d.computeHours);
      assert.equal(readDeployment(deploymentsDir, 31337).computeHours, deployment.computeHours, 'local file kept');
      await assert.rejects(faucet(remote, d, remote.account.address, 1n), /external stablecoin/);
    } finally {
      await other.stop();
    }
  });
});

describe('deployments file', () => {
  it('a corrupt or mismatched file is rejected naming the file and the field', () => {
    const dir = mkdtempSync(join(tmpdir(), 'gh-bad-deployments-'));
    const good = {
      chainId: 5,
      settlementToken: '0x5fbdb2315678afecb367f032d93f642f64180aa3',
      settlementTokenDeployed: true,
      nodeRegistry: '0xe7f1725e7734ce288f8367e1bb143e90bb3f0512',
      computeHours: '0x9fe46736679d2d9a65f0992f2272de9f3c7fa6e0',
      attestationOracle: '0xcf7ed3acca5a467e9e704c703e8d87f634fb0fc9',
      hourMarket: '0xdc64a140aa3e981100a9beca4e685f962f0cf6c9',
      hourPositions: '0x2b961e3959b79326a8e7f64ef0d2d825707669b5',
      hourRouter: '0x5fc8d32690cc91d4c39d9d3abcbd16989f875707',
      greenComputeIndex: '0x0165878a594ca255338adc94d2da3e8d8f8ce5e5',
      jobMarket: '0xa513e6e4b8f2a923d98304ec87f64353c4d5c853',
      admin: '0xf39fd6e51aad88f6f4ce6ab8827279cfffb92266',
      attestor: '0xf39fd6e51aad88f6f4ce6ab8827279cfffb92266',
      deployedAtBlock: 1,
    };
    assert.throws(() => readDeployment(dir, 5), /5\.json: cannot read deployment/);
    writeFileSync(join(dir, '5.json'), '{"chainId": 5,');
    assert.throws(() => readDeployment(dir, 5), /5\.json: cannot read deployment/);
    writeFileSync(join(dir, '5.json'), JSON.stringify({ ...good, computeHours: '0x1234' }));
    assert.throws(() => readDeployment(dir, 5), /5\.json: field computeHours is not an address/);
    const { hourRouter: _, ...withoutRouter } = good;
    writeFileSync(join(dir, '5.json'), JSON.stringify(withoutRouter));
    assert.throws(() => readDeployment(dir, 5), /5\.json: field hourRouter is not an address/);
    writeFileSync(join(dir, '5.json'), JSON.stringify({ ...good, chainId: 6 }));
    assert.throws(() => readDeployment(dir, 5), /5\.json: field chainId is 6, expected 5/);
    writeFileSync(join(dir, '5.json'), JSON.stringify(good));
    assert.equal(readDeployment(dir, 5).computeHours, good.computeHours);
  });
});

describe('chain configuration from the environment', () => {
  it('defaults to the embedded anvil', () => {
    const config = chainConfigFromEnv({}, '/tmp/d');
    assert.equal(config.rpcUrl, undefined);
    assert.equal(config.deployerPrivateKey, ANVIL_DEFAULT_PRIVATE_KEY);
    assert.equal(config.deploymentsDir, '/tmp/d');
  });

  it('names the variable and the reason for each bad value', () => {
    assert.throws(() => chainConfigFromEnv({ RPC_URL: 'not a url' }, '/d'), /^ConfigError: RPC_URL: not a URL/);
    assert.throws(
      () => chainConfigFromEnv({ RPC_URL: 'ftp://x', DEPLOYER_PRIVATE_KEY: ANVIL_DEFAULT_PRIVATE_KEY }, '/d'),
      /RPC_URL: protocol must be/,
    );
    assert.throws(
      () => chainConfigFromEnv({ RPC_URL: 'http://127.0.0.1:8545' }, '/d'),
      /DEPLOYER_PRIVATE_KEY: required when RPC_URL is set/,
    );
    assert.throws(
      () => chainConfigFromEnv({ DEPLOYER_PRIVATE_KEY: '0x1234' }, '/d'),
      /DEPLOYER_PRIVATE_KEY: must be 0x/,
    );
    assert.throws(
      () => chainConfigFromEnv({ SETTLEMENT_TOKEN_ADDRESS: '0xnope' }, '/d'),
      /SETTLEMENT_TOKEN_ADDRESS: not a checksummed/,
    );
  });
});
