// The service's HTTP API against a real chain and database: the OpenAPI document describes every route served,
// lists page without loss or repetition, every bad input is refused with the documented error shape naming the
// field, an internal error never shows its text, the rate limit answers 429, readiness reflects the database.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import pino from 'pino';
import { toHex } from 'viem';
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts';
import { REPORT_TYPES, reportDomain, reportHashOf } from '@greenhour/telemetry';
import { postLightNodeReport } from '@greenhour/agent';
import { nodeRegistryAbi } from '@greenhour/contracts';
import { startTestChain, type TestChain } from '@greenhour/attestation/testing';
import { loadServiceConfig } from './config.ts';
import { startService, type Service } from './service.ts';

const silent = pino({ level: 'silent' });

describe('service API', () => {
  let chain: TestChain;
  let service: Service;
  const get = async (path: string, init?: RequestInit) => {
    const res = await fetch(`${service.apiUrl}${path}`, init);
    return { status: res.status, headers: res.headers, body: (await res.json()) as any };
  };
  before(async () => {
    chain = await startTestChain(['station']);
    const config = loadServiceConfig({ API_PORT: '0', MQTT_PORT: '0', RATE_LIMIT_PER_MINUTE: '0' }, '/unused');
    service = await startService(config, chain.deployment, chain.clients, silent);
    // Ten attested hours, as the attester leaves them (the attester's own tests cover how they get there).
    for (let slot = 100; slot < 110; slot++)
      await service.db.query(
        "INSERT INTO attestations (slot, root, record_count, status, tx_hash) VALUES ($1, NULL, 0, 'empty', NULL)",
        [slot],
      );
  });
  after(async () => {
    await service?.stop();
    await chain?.stop();
  });

  it('publishes an OpenAPI 3.1 document describing every route, and a docs page served locally', async () => {
    const { status, body } = await get('/openapi.json');
    assert.equal(status, 200);
    assert.equal(body.openapi, '3.1.0');
    for (const path of [
      '/health',
      '/ready',
      '/v1/telemetry/stats',
      '/v1/telemetry/gaps',
      '/v1/nodes/{nodeId}/telemetry',
      '/v1/attestations',
      '/v1/attestations/{slot}',
      '/v1/attestations/{slot}/nodes/{nodeId}',
      '/v1/light-nodes',
      '/v1/light-nodes/{nodeId}',
      '/v1/nodes',
      '/v1/nodes/{nodeId}',
      '/v1/market/trades',
      '/v1/market/markets',
      '/v1/market/index',
      '/v1/portfolio/{address}',
      '/v1/events',
      '/v1/indexer/status',
      '/v1/clock',
    ])
      assert.ok(body.paths[path]?.get, `${path} is described`);
    assert.ok(body.paths['/v1/light-nodes/{nodeId}/reports']?.post, 'the report route is described');
    assert.ok(body.components.schemas.Error, 'the error shape is described');
    const docs = await fetch(`${service.apiUrl}/docs`);
    assert.match(await docs.text(), /swagger-ui-bundle\.js/);
    const bundle = await fetch(`${service.apiUrl}/docs/swagger-ui-bundle.js`);
    assert.equal(bundle.status, 200);
    assert.match(bundle.headers.get('content-type') ?? '', /javascript/);
  });

  it('pages a list with limit and cursor: every item once, in order, and null after the last', async () => {
    const seen: number[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const page: { status: number; body: any } = await get(
        `/v1/attestations?limit=5${cursor ? `&cursor=${cursor}` : ''}`,
      );
      assert.equal(page.status, 200);
      seen.push(...page.body.items.map((h: { slot: number }) => h.slot));
      cursor = page.body.nextCursor;
      pages++;
    } while (cursor !== null);
    assert.equal(pages, 2, 'two full pages and no empty third');
    assert.deepEqual(
      seen,
      Array.from({ length: 10 }, (_, i) => 109 - i),
    );
  });

  it('refuses each bad input with { error: { code, field, reason } } naming the field', async () => {
    const cases: [string, number, string, RegExp][] = [
      ['/v1/attestations?limit=0', 400, 'query.limit', /1\.\.500/],
      ['/v1/attestations?limit=501', 400, 'query.limit', /1\.\.500/],
      ['/v1/attestations?limit=abc', 400, 'query.limit', /1\.\.500/],
      ['/v1/attestations?limit=0x10', 400, 'query.limit', /1\.\.500/],
      ['/v1/attestations?cursor=drop%20table', 400, 'query.cursor', /not a cursor/],
      ['/v1/attestations/abc', 400, 'path.slot', /non-negative integer/],
      ['/v1/attestations/-1', 400, 'path.slot', /non-negative integer/],
      ['/v1/attestations/99', 404, 'path.slot', /not attested/],
      ['/v1/attestations/100/nodes/x', 400, 'path.nodeId', /non-negative integer/],
      ['/v1/nodes/1/telemetry?from=10&to=5', 400, 'query.from', /not be after/],
      ['/v1/nodes/1/telemetry?from=1.5', 400, 'query.from', /non-negative integer/],
      ['/v1/light-nodes/7', 404, 'path.nodeId', /no light node of node 7/],
      ['/v1/no-such-route', 404, 'path', /no route for GET \/v1\/no-such-route/],
      ['/v1/nodes?cursor=x', 400, 'query.cursor', /not a cursor/],
      ['/v1/nodes/999', 404, 'path.nodeId', /no node 999/],
      ['/v1/market/trades?classId=a', 400, 'query.classId', /non-negative integer/],
      ['/v1/market/index?windowS=100', 400, 'query.windowS', /whole hours/],
      ['/v1/portfolio/0x12', 400, 'path.address', /not an address/],
      ['/v1/events?contract=Nope', 400, 'query.contract', /./],
    ];
    for (const [path, status, field, reason] of cases) {
      const res = await get(path);
      assert.equal(res.status, status, path);
      assert.deepEqual(Object.keys(res.body), ['error'], path);
      assert.equal(res.body.error.field, field, path);
      assert.match(res.body.error.reason, reason, path);
      assert.equal(typeof res.body.error.code, 'string', path);
    }
    assert.equal((await get('/v1/attestations', { method: 'DELETE' })).body.error.code, 'not_found');
  });

  it('takes a light-node report signed by the node’s device key once, and refuses forgeries, stale ones and replays', async () => {
    const device = chain.devices[0]!;
    const deviceAccount = privateKeyToAccount(toHex(device.privateKey));
    const domain = reportDomain(chain.deployment.chainId, chain.deployment.attestationOracle);
    const now = Math.floor(Date.now() / 1000);
    const reportOf = (over: Record<string, unknown> = {}) =>
      JSON.stringify({ device: device.address.toLowerCase(), nodeId: device.nodeId, hours: [], ...over });
    const sign = (
      report: string,
      issuedAt: number,
      {
        account = deviceAccount,
        nodeId = device.nodeId,
        d = domain,
      }: { account?: typeof deviceAccount; nodeId?: number; d?: typeof domain } = {},
    ) =>
      account.signTypedData({
        domain: d,
        types: REPORT_TYPES,
        primaryType: 'LightNodeReport',
        message: { nodeId: BigInt(nodeId), issuedAt: BigInt(issuedAt), reportHash: reportHashOf(report) },
      });
    const post = async (nodeId: number, body: unknown) => {
      const res = await fetch(`${service.apiUrl}/v1/light-nodes/${nodeId}/reports`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: typeof body === 'string' ? body : JSON.stringify(body),
      });
      return { status: res.status, body: (await res.json()) as any };
    };
    const good = reportOf({ metrics: { hoursVerified: 3 } });
    const accepted = await post(device.nodeId, { issuedAt: now, report: good, signature: await sign(good, now) });
    assert.deepEqual(accepted, { status: 201, body: { nodeId: device.nodeId, issuedAt: now } });
    const listed = await get(`/v1/light-nodes/${device.nodeId}`);
    assert.equal(listed.status, 200);
    assert.equal(listed.body.source, 'signed report');
    assert.equal(listed.body.metrics.hoursVerified, 3);

    const stranger = privateKeyToAccount(generatePrivateKey());
    const otherDomain = { ...domain, verifyingContract: chain.deployment.nodeRegistry };
    const later = reportOf({ metrics: { hoursVerified: 4 } });
    const cases: [string, number, unknown, number, string][] = [
      [
        'the same report again',
        device.nodeId,
        { issuedAt: now, report: good, signature: await sign(good, now) },
        409,
        'body.issuedAt',
      ],
      [
        'an older one',
        device.nodeId,
        { issuedAt: now - 10, report: good, signature: await sign(good, now - 10) },
        409,
        'body.issuedAt',
      ],
      [
        'signed 20 minutes ago',
        device.nodeId,
        { issuedAt: now - 1200, report: later, signature: await sign(later, now - 1200) },
        401,
        'body.issuedAt',
      ],
      [
        'signed by another key',
        device.nodeId,
        { issuedAt: now + 1, report: later, signature: await sign(later, now + 1, { account: stranger }) },
        401,
        'body.signature',
      ],
      [
        'signed for another node, posted for this one',
        device.nodeId,
        { issuedAt: now + 1, report: later, signature: await sign(later, now + 1, { nodeId: 99 }) },
        401,
        'body.signature',
      ],
      [
        'signed under another contract',
        device.nodeId,
        { issuedAt: now + 1, report: later, signature: await sign(later, now + 1, { d: otherDomain }) },
        401,
        'body.signature',
      ],
      [
        'altered after signing',
        device.nodeId,
        {
          issuedAt: now + 1,
          report: reportOf({ metrics: { hoursVerified: 99 } }),
          signature: await sign(later, now + 1),
        },
        401,
        'body.signature',
      ],
      [
        'about another device',
        device.nodeId,
        {
          issuedAt: now + 1,
          report: reportOf({ device: stranger.address }),
          signature: await sign(reportOf({ device: stranger.address }), now + 1),
        },
        400,
        'body.report.device',
      ],
      [
        'a report that is not JSON',
        device.nodeId,
        { issuedAt: now + 1, report: '{nope', signature: await sign('{nope', now + 1) },
        400,
        'body.report',
      ],
      [
        'a short signature',
        device.nodeId,
        { issuedAt: now + 1, report: later, signature: '0x1234' },
        400,
        'body.signature',
      ],
      ['no issuedAt', device.nodeId, { report: later, signature: await sign(later, now + 1) }, 400, 'body.issuedAt'],
      ['a body that is not JSON', device.nodeId, 'issuedAt=1', 400, 'body'],
    ];
    for (const [what, nodeId, body, status, field] of cases) {
      const res = await post(nodeId, body);
      assert.equal(res.status, status, what);
      assert.equal(res.body.error.field, field, `${what}: ${JSON.stringify(res.body)}`);
    }
    // None of them replaced the stored report; a newer genuine one does.
    assert.equal((await get(`/v1/light-nodes/${device.nodeId}`)).body.metrics.hoursVerified, 3);
    assert.equal(
      (await post(device.nodeId, { issuedAt: now + 1, report: later, signature: await sign(later, now + 1) })).status,
      201,
    );
    assert.equal((await get(`/v1/light-nodes/${device.nodeId}`)).body.metrics.hoursVerified, 4);
  });

  it('takes the report the agent signs and posts (postLightNodeReport), trying each API in turn', async () => {
    const device = chain.devices[0]!;
    const report = { device: device.address, nodeId: device.nodeId, hours: [], metrics: { hoursVerified: 7 } };
    const stored = await postLightNodeReport(report, {
      privateKey: toHex(device.privateKey),
      chainId: chain.deployment.chainId,
      oracle: chain.deployment.attestationOracle,
      apiUrls: ['http://127.0.0.1:1', service.apiUrl],
      nowS: Math.floor(Date.now() / 1000) + 2,
    });
    assert.equal(stored, service.apiUrl);
    assert.equal((await get(`/v1/light-nodes/${device.nodeId}`)).body.metrics.hoursVerified, 7);
    await assert.rejects(
      postLightNodeReport(report, {
        privateKey: toHex(device.privateKey),
        chainId: chain.deployment.chainId,
        oracle: chain.deployment.nodeRegistry,
        apiUrls: [service.apiUrl],
        nowS: Math.floor(Date.now() / 1000) + 3,
      }),
      /HTTP 401 body\.signature/,
    );
  });

  it('serves the indexed fleet as the chain has it, once the indexer has caught up', async () => {
    const deadline = Date.now() + 30_000;
    while ((await get('/v1/indexer/status')).body.lagBlocks !== 0) {
      assert.ok(Date.now() < deadline, 'the indexer caught up');
      await new Promise((r) => setTimeout(r, 200));
    }
    const device = chain.devices[0]!;
    const node = await chain.clients.publicClient.readContract({
      address: chain.deployment.nodeRegistry,
      abi: nodeRegistryAbi,
      functionName: 'node',
      args: [BigInt(device.nodeId)],
    });
    const { body } = await get('/v1/nodes');
    assert.equal(body.items.length, 1);
    assert.equal(body.items[0].nodeId, String(device.nodeId));
    assert.equal(body.items[0].owner.toLowerCase(), node.owner.toLowerCase());
    assert.equal(body.items[0].stakeUsdc6, node.stakeUsdc6.toString());
    assert.deepEqual((await get(`/v1/nodes/${device.nodeId}`)).body, body.items[0]);
    const events = await get('/v1/events?contract=NodeRegistry&limit=500');
    assert.ok(events.body.items.some((e: any) => e.event === 'NodeRegistered'));
  });

  it('serves a node’s telemetry windows (none yet) as a page', async () => {
    const { status, body } = await get('/v1/nodes/1/telemetry?limit=10');
    assert.equal(status, 200);
    assert.deepEqual(body, { items: [], nextCursor: null });
  });

  it('tells its clock: real time here (the devnet’s runs faster, apps/devnet/src/clock.test.ts)', async () => {
    const { status, body } = await get('/v1/clock');
    assert.equal(status, 200);
    assert.equal(body.speed, 1);
    assert.ok(Math.abs(body.nowS - Date.now() / 1000) < 5, `nowS ${body.nowS}`);
    assert.equal(body.slot, Math.floor(body.nowS / 3600));
  });

  it('answers health always, and readiness only while its dependencies answer', async () => {
    const health = await get('/health');
    assert.equal(health.status, 200);
    assert.equal(health.body.status, 'ok');
    const ready = await get('/ready');
    assert.equal(ready.status, 200);
    assert.deepEqual(ready.body, { ready: true, checks: { database: 'ok', chain: 'ok', mqtt: 'ok', indexer: 'ok' } });
  });
});

describe('service API limits and failures', () => {
  let chain: TestChain;
  before(async () => {
    chain = await startTestChain(['station']);
  });
  after(async () => {
    await chain?.stop();
  });

  it('answers 429 with the error shape once a client passes its limit a minute', async () => {
    const config = loadServiceConfig({ API_PORT: '0', MQTT_PORT: '0', RATE_LIMIT_PER_MINUTE: '5' }, '/unused');
    const service = await startService(config, chain.deployment, chain.clients, silent);
    try {
      const statuses: number[] = [];
      let last: any;
      for (let i = 0; i < 7; i++) {
        const res = await fetch(`${service.apiUrl}/v1/telemetry/stats`);
        statuses.push(res.status);
        last = await res.json();
      }
      assert.deepEqual(statuses, [200, 200, 200, 200, 200, 429, 429]);
      assert.equal(last.error.code, 'rate_limited');
      // Health and readiness stay out of the limit: an orchestrator's probes must not be refused.
      assert.equal((await fetch(`${service.apiUrl}/health`)).status, 200);
    } finally {
      await service.stop();
    }
  });

  it('hides an internal error’s text, and readiness reports the database down', async () => {
    const config = loadServiceConfig({ API_PORT: '0', MQTT_PORT: '0', RATE_LIMIT_PER_MINUTE: '0' }, '/unused');
    const lines: string[] = [];
    const logger = pino({ level: 'error' }, { write: (l: string) => void lines.push(l) });
    const service = await startService(config, chain.deployment, chain.clients, logger);
    try {
      await service.db.close();
      const res = await fetch(`${service.apiUrl}/v1/attestations`);
      assert.equal(res.status, 500);
      assert.deepEqual(await res.json(), {
        error: { code: 'internal', field: 'request', reason: 'internal error; the service logged it' },
      });
      assert.ok(
        lines.some((l) => /internal error/.test(l)),
        'the real error is logged',
      );
      const ready = await fetch(`${service.apiUrl}/ready`);
      assert.equal(ready.status, 503);
      assert.match(((await ready.json()) as any).checks.database, /unreachable/);
    } finally {
      await service.stop();
    }
  });
});
