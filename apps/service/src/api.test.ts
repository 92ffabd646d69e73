// The service's HTTP API against a real chain and database: the OpenAPI document describes every route served,
// lists page without loss or repetition, every bad input is refused with the documented error shape naming the
// field, an internal error never shows its text, the rate limit answers 429, readiness reflects the database.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import pino from 'pino';
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
    ])
      assert.ok(body.paths[path]?.get, `${path} is described`);
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
      ['/v1/light-nodes', 404, 'path', /no light nodes/],
      ['/v1/no-such-route', 404, 'path', /no route for GET \/v1\/no-such-route/],
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

  it('serves a node’s telemetry windows (none yet) as a page', async () => {
    const { status, body } = await get('/v1/nodes/1/telemetry?limit=10');
    assert.equal(status, 200);
    assert.deepEqual(body, { items: [], nextCursor: null });
  });

  it('answers health always, and readiness only while its dependencies answer', async () => {
    const health = await get('/health');
    assert.equal(health.status, 200);
    assert.equal(health.body.status, 'ok');
    const ready = await get('/ready');
    assert.equal(ready.status, 200);
    assert.deepEqual(ready.body, { ready: true, checks: { database: 'ok', chain: 'ok', mqtt: 'ok' } });
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
