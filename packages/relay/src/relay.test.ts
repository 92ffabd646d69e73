// The transaction relay against a real anvil and the real service: a client that cannot reach the chain registers a
// node and buys hours through POST /v1/transactions, signed by its own key, and reads the outcome back; the same
// transaction again, a used nonce, anything not for this chain, not to the deployment, not a user-facing function,
// ether to a function that is not payable, a contract creation, malformed or oversized input are refused naming the
// field, before anything reaches the chain; a transaction that would revert is refused with its decoded error.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import pino from 'pino';
import {
  encodeFunctionData,
  getAddress,
  hexToBigInt,
  keccak256,
  numberToHex,
  parseTransaction,
  parseEther,
  serializeTransaction,
  stringToHex,
  type Abi,
  type Address,
  type Hex,
} from 'viem';
import { generatePrivateKey, privateKeyToAccount, type PrivateKeyAccount } from 'viem/accounts';
import {
  addLiquidity,
  DEFAULT_MINIMUM_STAKE_USDC6,
  faucet,
  geohashToBytes12,
  hourIdOf,
  mintHours,
  quoteBuy,
  signDeviceBinding,
  SITE_TYPE_ENUM,
  slotOf,
} from '@greenhour/chain';
import {
  attestationOracleAbi,
  computeHoursAbi,
  hourMarketAbi,
  nodeRegistryAbi,
  settlementTokenAbi,
  settlementTokenBytecode,
} from '@greenhour/contracts';
import { startTestChain, TEST_CLASSES, type TestChain } from '@greenhour/attestation/testing';
import { loadServiceConfig, startService, type Service } from '@greenhour/service';
import { createGreenhourClient, GreenhourApiError } from '@greenhour/sdk';
import { MAX_TRANSACTION_BYTES } from './validate.ts';

const silent = pino({ level: 'silent' });
const H100 = 'NVIDIA H100 SXM5 80GB';
const SECP256K1_N = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n;

describe('transaction relay', () => {
  let chain: TestChain;
  let service: Service;
  const user = privateKeyToAccount(generatePrivateKey());
  const post = async (body: unknown) => {
    const res = await fetch(`${service.apiUrl}/v1/transactions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });
    return { status: res.status, body: (await res.json()) as any };
  };
  const get = async (path: string) => {
    const res = await fetch(`${service.apiUrl}${path}`);
    return { status: res.status, body: (await res.json()) as any };
  };
  /** A transaction `account` signs itself, as a thin client would: EIP-1559, for this chain, its next nonce. */
  const sign = async (
    account: PrivateKeyAccount,
    call: { to: Address | undefined; abi?: Abi; functionName?: string; args?: readonly unknown[]; data?: Hex },
    over: { nonce?: number; chainId?: number; gas?: bigint; value?: bigint; feeTimes?: bigint } = {},
  ): Promise<Hex> => {
    const { publicClient } = chain.clients;
    const fees = await publicClient.estimateFeesPerGas();
    const data =
      call.data ??
      encodeFunctionData({ abi: call.abi!, functionName: call.functionName!, args: call.args ?? [] } as never);
    return account.signTransaction({
      type: 'eip1559',
      chainId: over.chainId ?? chain.deployment.chainId,
      nonce: over.nonce ?? (await publicClient.getTransactionCount({ address: account.address, blockTag: 'pending' })),
      ...(call.to === undefined ? {} : { to: call.to }),
      data,
      gas: over.gas ?? 1_000_000n,
      value: over.value ?? 0n,
      maxFeePerGas: fees.maxFeePerGas * (over.feeTimes ?? 1n),
      maxPriorityFeePerGas: fees.maxPriorityFeePerGas * (over.feeTimes ?? 1n),
    });
  };
  const untilMined = async (hash: string) => {
    const deadline = Date.now() + 20_000;
    for (;;) {
      const res = await get(`/v1/transactions/${hash}`);
      if (res.body.status === 'mined') return res;
      assert.ok(Date.now() < deadline, `${hash} mined: ${JSON.stringify(res.body)}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  };
  const chainHas = async (raw: Hex) =>
    (await chain.clients.publicClient.request({ method: 'eth_getTransactionByHash', params: [keccak256(raw)] })) !==
    null;

  before(async () => {
    chain = await startTestChain(['station']);
    const config = loadServiceConfig({ API_PORT: '0', MQTT_PORT: '0', RATE_LIMIT_PER_MINUTE: '0' }, '/unused');
    service = await startService(config, chain.deployment, chain.clients, silent);
    // The user holds gas money and settlement tokens, and has never sent a transaction.
    await chain.clients.publicClient.waitForTransactionReceipt({
      hash: await chain.clients.walletClient.sendTransaction({ to: user.address, value: parseEther('10') }),
    });
    await faucet(chain.clients, chain.deployment, user.address, 1_000_000_000n);
  });
  after(async () => {
    await service?.stop();
    await chain?.stop();
  });

  it('documents both routes in /openapi.json', async () => {
    const { body } = await get('/openapi.json');
    assert.ok(body.paths['/v1/transactions']?.post, 'POST /v1/transactions is described');
    assert.ok(body.paths['/v1/transactions/{hash}']?.get, 'GET /v1/transactions/{hash} is described');
    assert.ok(body.components.schemas.RelayedTransactionStatus);
  });

  it('relays a node registration signed by the owner’s key: the node is on chain and the status mined/success', async () => {
    const { deployment } = chain;
    const device = privateKeyToAccount(generatePrivateKey());
    const stake = DEFAULT_MINIMUM_STAKE_USDC6.home;
    const approve = await sign(user, {
      to: deployment.settlementToken,
      abi: settlementTokenAbi,
      functionName: 'approve',
      args: [deployment.nodeRegistry, stake],
    });
    const approved = await post({ signedTransaction: approve });
    assert.equal(approved.status, 202, JSON.stringify(approved.body));
    assert.deepEqual(approved.body, {
      hash: keccak256(approve),
      from: user.address,
      to: getAddress(deployment.settlementToken),
      contract: 'SettlementToken',
      function: 'approve',
      nonce: 0,
    });
    await untilMined(approved.body.hash);

    const deadline = (await chain.clients.publicClient.getBlock()).timestamp + 3600n;
    const binding = await signDeviceBinding(chain.clients, deployment, device, user.address, deadline);
    const register = await sign(user, {
      to: deployment.nodeRegistry,
      abi: nodeRegistryAbi,
      functionName: 'register',
      args: [
        {
          deviceSigner: device.address,
          siteType: SITE_TYPE_ENUM.home,
          geohash: geohashToBytes12('u33db'),
          pvWp: 8_000,
          batteryWh: 13_500,
          chargerW: 11_000,
          gpuModel: stringToHex(H100, { size: 32 }),
          gpuCount: 1,
        },
        stake,
        deadline,
        binding,
      ],
    });
    const registered = await post({ signedTransaction: register });
    assert.equal(registered.status, 202, JSON.stringify(registered.body));
    assert.equal(registered.body.function, 'register');
    assert.equal(registered.body.nonce, 1);
    const status = await untilMined(registered.body.hash);
    assert.equal(status.body.from, user.address, 'the status names the sender as the POST did');
    assert.equal(status.body.to, getAddress(deployment.nodeRegistry));
    assert.equal(status.body.receipt.status, 'success');
    assert.ok(Number(status.body.receipt.gasUsed) > 21_000);
    const receipt = await chain.clients.publicClient.getTransactionReceipt({ hash: registered.body.hash });
    assert.equal(status.body.receipt.blockNumber, Number(receipt.blockNumber));

    const nodeId = await chain.clients.publicClient.readContract({
      address: deployment.nodeRegistry,
      abi: nodeRegistryAbi,
      functionName: 'nodeOfDevice',
      args: [device.address],
    });
    assert.ok(nodeId > 0n, 'the device is registered');
    const node = await chain.clients.publicClient.readContract({
      address: deployment.nodeRegistry,
      abi: nodeRegistryAbi,
      functionName: 'node',
      args: [nodeId],
    });
    assert.equal(node.owner, user.address, 'owned by the key that signed, not by the service');
    assert.equal(node.stakeUsdc6, stake);

    // The same signed transaction again: refused, naming its hash, before anything is sent.
    const again = await post({ signedTransaction: register });
    assert.equal(again.status, 409);
    assert.equal(again.body.error.code, 'already_known');
    assert.equal(again.body.error.field, 'body.signedTransaction');
    assert.match(again.body.error.reason, new RegExp(registered.body.hash));

    // A different transaction with a used nonce: refused as nonce_too_low, and it never reaches the chain.
    const stale = await sign(
      user,
      {
        to: deployment.settlementToken,
        abi: settlementTokenAbi,
        functionName: 'approve',
        args: [deployment.hourMarket, 1n],
      },
      { nonce: 0 },
    );
    const refused = await post({ signedTransaction: stale });
    assert.equal(refused.status, 409);
    assert.equal(refused.body.error.code, 'nonce_too_low');
    assert.match(refused.body.error.reason, /nonce 0 .* used already .* next nonce is 2/);
    assert.equal(await chainHas(stale), false);
  });

  it('refuses a buy that would revert (no allowance) with the decoded error, then relays the buy once approved', async () => {
    const { deployment } = chain;
    const station = chain.devices[0]!;
    const slot = slotOf((await chain.clients.publicClient.getBlock()).timestamp) + 3;
    const hourId = hourIdOf(TEST_CLASSES[0]!.classId, slot);
    await mintHours(chain.clients, deployment, BigInt(station.nodeId), slot, 4n);
    await addLiquidity(chain.clients, deployment, { hourId, hoursIn: 4n });
    const maxCost = ((await quoteBuy(chain.clients, deployment, hourId, 2n)) * 11n) / 10n;
    const deadline = (await chain.clients.publicClient.getBlock()).timestamp + 3600n;
    const buy = { to: deployment.hourMarket, abi: hourMarketAbi, functionName: 'buy' } as const;
    const buyArgs = [hourId, 2n, maxCost, user.address, deadline] as const;

    const noAllowance = await sign(user, { ...buy, args: buyArgs });
    const reverted = await post({ signedTransaction: noAllowance });
    assert.equal(reverted.status, 422, JSON.stringify(reverted.body));
    assert.equal(reverted.body.error.code, 'would_revert');
    assert.equal(reverted.body.error.field, 'body.signedTransaction');
    assert.match(
      reverted.body.error.reason,
      new RegExp(
        `HourMarket\\.buy reverts with ERC20InsufficientAllowance\\(spender: ${deployment.hourMarket}, allowance: 0, needed: \\d+\\)`,
        'i',
      ),
    );
    assert.equal(await chainHas(noAllowance), false, 'not broadcast');

    const approve = await sign(user, {
      to: deployment.settlementToken,
      abi: settlementTokenAbi,
      functionName: 'approve',
      args: [deployment.hourMarket, maxCost],
    });
    assert.equal((await post({ signedTransaction: approve })).status, 202);
    // The refused buy's nonce is still free: the same buy, signed again, now goes through.
    const bought = await post({ signedTransaction: await sign(user, { ...buy, args: buyArgs }) });
    assert.equal(bought.status, 202, JSON.stringify(bought.body));
    assert.equal(bought.body.function, 'buy');
    assert.equal((await untilMined(bought.body.hash)).body.receipt.status, 'success');
    const held = await chain.clients.publicClient.readContract({
      address: deployment.computeHours,
      abi: computeHoursAbi,
      functionName: 'balanceOf',
      args: [user.address, hourId],
    });
    assert.equal(held, 2n);

    // Too little gas: refused before the chain would take the fee for a failed call.
    const starved = await post({
      signedTransaction: await sign(
        user,
        {
          to: deployment.settlementToken,
          abi: settlementTokenAbi,
          functionName: 'approve',
          args: [deployment.hourRouter, 5n],
        },
        { gas: 30_000n },
      ),
    });
    assert.equal(starved.status, 422, JSON.stringify(starved.body));
    assert.match(
      starved.body.error.reason,
      /runs out of gas: its gas limit 30000 is too low for SettlementToken\.approve/,
    );
  });

  it('refuses what is not for this chain, not to the deployment, not user-facing or malformed, naming the field', async () => {
    const { deployment } = chain;
    const deployer = privateKeyToAccount(
      '0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80', // anvil account 0: the deployer and admin
    );
    const broke = privateKeyToAccount(generatePrivateKey());
    const approve = {
      to: deployment.settlementToken,
      abi: settlementTokenAbi,
      functionName: 'approve',
      args: [deployment.hourMarket, 1n],
    } as const;
    const unsigned = serializeTransaction({
      type: 'eip1559',
      chainId: deployment.chainId,
      nonce: 0,
      to: deployment.settlementToken,
      gas: 100_000n,
      maxFeePerGas: 10n ** 10n,
      maxPriorityFeePerGas: 1n,
      data: encodeFunctionData(approve),
    });
    const preEip155 = await deployer.signTransaction({
      type: 'legacy',
      nonce: 0,
      to: deployment.settlementToken,
      gas: 100_000n,
      gasPrice: 10n ** 10n,
      data: encodeFunctionData(approve),
    });
    const good = parseTransaction(await sign(user, approve));
    const highS = serializeTransaction(good, {
      r: good.r!,
      s: numberToHex(SECP256K1_N - hexToBigInt(good.s!), { size: 32 }),
      yParity: good.yParity === 0 ? 1 : 0,
    });
    const cases: [string, unknown, number, string, RegExp][] = [
      [
        'signed for another chain',
        await sign(user, approve, { chainId: 1 }),
        400,
        'body.signedTransaction',
        /signed for chain 1; .* chain 31337/,
      ],
      [
        'to an address that is no contract of the deployment',
        await sign(user, { ...approve, to: deployment.admin }),
        400,
        'body.signedTransaction',
        /none of this deployment's contracts/,
      ],
      [
        'an admin function of the oracle, signed by the admin',
        await sign(deployer, {
          to: deployment.attestationOracle,
          abi: attestationOracleAbi,
          functionName: 'setTreasury',
          args: [user.address],
        }),
        400,
        'body.signedTransaction',
        /AttestationOracle\.setTreasury, which the relay does not send/,
      ],
      [
        'a role grant on the registry, signed by the admin',
        await sign(deployer, {
          to: deployment.nodeRegistry,
          abi: nodeRegistryAbi,
          functionName: 'grantRole',
          args: [keccak256(stringToHex('SLASHER_ROLE')), user.address],
        }),
        400,
        'body.signedTransaction',
        /NodeRegistry\.grantRole, which the relay does not send/,
      ],
      [
        'the attester’s commit',
        await sign(deployer, {
          to: deployment.attestationOracle,
          abi: attestationOracleAbi,
          functionName: 'commit',
          args: [1, keccak256('0x01'), 1],
        }),
        400,
        'body.signedTransaction',
        /AttestationOracle\.commit, which the relay does not send/,
      ],
      [
        'a selector no contract function has',
        await sign(user, { to: deployment.hourMarket, data: '0xdeadbeef' }),
        400,
        'body.signedTransaction',
        /calls 0xdeadbeef, which is no function of HourMarket/,
      ],
      [
        'a contract creation',
        await sign(user, { to: undefined, data: settlementTokenBytecode }),
        400,
        'body.signedTransaction',
        /creates a contract/,
      ],
      [
        'ether to a function that is not payable',
        await sign(user, approve, { value: 1n }),
        400,
        'body.signedTransaction',
        /sends 1 wei to SettlementToken\.approve, which is not payable/,
      ],
      ['an unsigned transaction', unsigned, 400, 'body.signedTransaction', /not signed/],
      [
        'a transaction signed before EIP-155',
        preEip155,
        400,
        'body.signedTransaction',
        /no chain id .* replayed on any chain/,
      ],
      ['hex that is no transaction', '0x02c0ffee', 400, 'body.signedTransaction', /not an RLP-encoded transaction/],
      [
        'an odd number of hex digits',
        `${await sign(user, approve)}0`,
        400,
        'body.signedTransaction',
        /even number of hex digits/,
      ],
      ['not hex', '0xnot-a-transaction', 400, 'body.signedTransaction', /hex digits/],
      ['no 0x', 'deadbeef', 400, 'body.signedTransaction', /hex digits/],
      [
        'a transaction larger than a node takes',
        `0x${'00'.repeat(MAX_TRANSACTION_BYTES + 1)}`,
        400,
        'body.signedTransaction',
        /at most 131072 bytes/,
      ],
      ['the same transaction, its signature made high-s', highS, 400, 'body.signedTransaction', /high-s signature/],
      [
        'a gas limit below the intrinsic gas',
        await sign(user, approve, { gas: 21_000n }),
        422,
        'body.signedTransaction',
        /gas limit 21000 is below the transaction's intrinsic gas/,
      ],
      [
        'a sender who cannot pay the gas',
        await sign(broke, approve),
        422,
        'body.signedTransaction',
        /holds 0 wei; the transaction may cost up to \d+ wei/,
      ],
    ];
    for (const [what, signedTransaction, status, field, reason] of cases) {
      const res = await post({ signedTransaction });
      assert.equal(res.status, status, `${what}: ${JSON.stringify(res.body)}`);
      assert.deepEqual(Object.keys(res.body), ['error'], what);
      assert.equal(res.body.error.field, field, what);
      assert.match(res.body.error.reason, reason, `${what}: ${res.body.error.reason}`);
      if (
        typeof signedTransaction === 'string' &&
        /^0x[0-9a-f]{2,}$/i.test(signedTransaction) &&
        signedTransaction.length % 2 === 0
      )
        assert.equal(await chainHas(signedTransaction as Hex), false, `${what}: not broadcast`);
    }
    // The admin's refused call changed nothing.
    assert.equal(
      await chain.clients.publicClient.readContract({
        address: deployment.attestationOracle,
        abi: attestationOracleAbi,
        functionName: 'treasury',
      }),
      deployer.address,
    );

    const bodies: [string, string, string, RegExp][] = [
      [
        'a body over the limit',
        JSON.stringify({ signedTransaction: `0x${'ab'.repeat(200_000)}` }),
        'body',
        /larger than \d+ bytes/,
      ],
      ['no signedTransaction', '{}', 'body.signedTransaction', /./],
      ['a body that is not JSON', 'signedTransaction=0x01', 'body', /./],
    ];
    for (const [what, body, field, reason] of bodies) {
      const res = await post(body);
      assert.equal(res.status, 400, `${what}: ${JSON.stringify(res.body)}`);
      assert.equal(res.body.error.field, field, what);
      assert.match(res.body.error.reason, reason, what);
    }
  });

  it('tells pending, dropped, replaced and mined apart, refuses a nonce gap and an underpriced replacement', async () => {
    const { deployment } = chain;
    const rpc = chain.clients.publicClient;
    const approve = (amount: bigint) =>
      ({
        to: deployment.settlementToken,
        abi: settlementTokenAbi,
        functionName: 'approve',
        args: [deployment.hourRouter, amount],
      }) as const;
    const nonce = await rpc.getTransactionCount({ address: user.address, blockTag: 'pending' });
    // Blocks are mined only when asked: a transaction stays in the node's pool meanwhile.
    await rpc.request({ method: 'evm_setAutomine' as never, params: [false] as never });
    try {
      const firstRaw = await sign(user, approve(1n), { nonce });
      const first = await post({ signedTransaction: firstRaw });
      assert.equal(first.status, 202, JSON.stringify(first.body));
      const pending = await get(`/v1/transactions/${first.body.hash}`);
      assert.equal(pending.body.status, 'pending');
      assert.equal(pending.body.receipt, null);
      // Evicted from the node's pool, its nonce still free: dropped, and the same transaction may be posted again.
      await rpc.request({ method: 'anvil_dropTransaction' as never, params: [first.body.hash] as never });
      assert.equal((await get(`/v1/transactions/${first.body.hash}`)).body.status, 'dropped');
      assert.equal((await post({ signedTransaction: firstRaw })).status, 202);
      assert.equal((await get(`/v1/transactions/${first.body.hash}`)).body.status, 'pending');

      const gap = await post({ signedTransaction: await sign(user, approve(2n), { nonce: nonce + 2 }) });
      assert.equal(gap.status, 409);
      assert.equal(gap.body.error.code, 'conflict');
      assert.match(
        gap.body.error.reason,
        new RegExp(`nonce ${nonce + 2} leaves a gap: .* next nonce .* is ${nonce + 1}`),
      );

      const underpriced = await post({ signedTransaction: await sign(user, approve(3n), { nonce }) });
      assert.equal(underpriced.status, 422, JSON.stringify(underpriced.body));
      assert.match(underpriced.body.error.reason, /raise the fees to replace it/);

      const replacement = await post({ signedTransaction: await sign(user, approve(4n), { nonce, feeTimes: 3n }) });
      assert.equal(replacement.status, 202, JSON.stringify(replacement.body));
      await rpc.request({ method: 'evm_mine' as never, params: [] as never });
      assert.equal((await get(`/v1/transactions/${first.body.hash}`)).body.status, 'replaced');
      const mined = await get(`/v1/transactions/${replacement.body.hash}`);
      assert.equal(mined.body.status, 'mined');
      assert.equal(mined.body.receipt.status, 'success');
    } finally {
      await rpc.request({ method: 'evm_setAutomine' as never, params: [true] as never });
    }
  });

  it('limits how often a client may post, like every /v1 route', async () => {
    const config = loadServiceConfig({ API_PORT: '0', MQTT_PORT: '0', RATE_LIMIT_PER_MINUTE: '2' }, '/unused');
    const limited = await startService(config, chain.deployment, chain.clients, silent);
    try {
      const statuses: number[] = [];
      let last: any;
      for (let i = 0; i < 3; i++) {
        const res = await fetch(`${limited.apiUrl}/v1/transactions`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ signedTransaction: '0x02c0ffee' }),
        });
        statuses.push(res.status);
        last = await res.json();
      }
      assert.deepEqual(statuses, [400, 400, 429]);
      assert.equal(last.error.code, 'rate_limited');
    } finally {
      await limited.stop();
    }
  });

  it('answers 404 for a hash it did not relay and 400 for one that is no hash', async () => {
    const unknown = await get(`/v1/transactions/${keccak256('0x1234')}`);
    assert.equal(unknown.status, 404);
    assert.equal(unknown.body.error.field, 'path.hash');
    assert.match(unknown.body.error.reason, /relayed no transaction/);
    // The SDK, typed from the service's own document, has the route and throws the same error.
    const sdk = createGreenhourClient(service.apiUrl);
    await assert.rejects(
      sdk.GET('/v1/transactions/{hash}', { params: { path: { hash: keccak256('0x1234') } } }),
      (e: unknown) => e instanceof GreenhourApiError && e.status === 404 && e.field === 'path.hash',
    );
    const bad = await get('/v1/transactions/0x12');
    assert.equal(bad.status, 400);
    assert.equal(bad.body.error.field, 'path.hash');
  });
});
