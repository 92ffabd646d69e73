// The SDK against a real service on a test chain: typed calls, every page walked, errors mapped to GreenhourApiError.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import pino from 'pino';
import { GreenhourError } from '@greenhour/errors';
import { startTestChain, type TestChain } from '@greenhour/attestation/testing';
import { loadServiceConfig, startService, type Service } from '@greenhour/service';
import { allItems, createGreenhourClient, GreenhourApiError, type GreenhourClient } from './index.ts';

describe('sdk against a running service', () => {
  let chain: TestChain;
  let service: Service;
  let api: GreenhourClient;
  before(async () => {
    chain = await startTestChain(['station']);
    const config = loadServiceConfig({ API_PORT: '0', MQTT_PORT: '0', RATE_LIMIT_PER_MINUTE: '0' }, '/unused');
    service = await startService(config, chain.deployment, chain.clients, pino({ level: 'silent' }));
    for (let slot = 100; slot < 107; slot++)
      await service.db.query(
        "INSERT INTO attestations (slot, root, record_count, status, tx_hash) VALUES ($1, NULL, 0, 'empty', NULL)",
        [slot],
      );
    api = createGreenhourClient(service.apiUrl);
  });
  after(async () => {
    await service?.stop();
    await chain?.stop();
  });

  it('typed calls return the body', async () => {
    const { data } = await api.GET('/v1/telemetry/stats');
    assert.equal(typeof data!.accepted, 'number');
    const health = await api.GET('/health');
    assert.ok(health.data);
  });

  it('walks every page of a list once, in order', async () => {
    const slots = await allItems((cursor) =>
      api
        .GET('/v1/attestations', { params: { query: { limit: '3', ...(cursor ? { cursor } : {}) } } })
        .then((r) => r.data!),
    );
    assert.deepEqual(
      slots.map((a) => a.slot),
      [106, 105, 104, 103, 102, 101, 100],
    );
  });

  it('maps an error answer to GreenhourApiError with status, code, field and reason', async () => {
    await assert.rejects(api.GET('/v1/attestations/{slot}', { params: { path: { slot: '99' } } }), (e: unknown) => {
      assert.ok(e instanceof GreenhourApiError);
      assert.ok(e instanceof GreenhourError);
      assert.equal(e.status, 404);
      assert.equal(e.code, 'not_found');
      assert.equal(e.field, 'path.slot');
      assert.match(e.reason, /hour 99 is not attested/);
      return true;
    });
    await assert.rejects(api.GET('/v1/attestations', { params: { query: { limit: '9999' } } }), (e: unknown) => {
      assert.ok(e instanceof GreenhourApiError);
      assert.equal(e.status, 400);
      assert.match(e.field, /limit/);
      return true;
    });
  });

  it('an unreachable server and a bad base URL are GreenhourApiErrors too', async () => {
    const dead = createGreenhourClient('http://127.0.0.1:9');
    await assert.rejects(dead.GET('/health'), (e: unknown) => {
      assert.ok(e instanceof GreenhourApiError);
      assert.equal(e.status, 0);
      assert.equal(e.code, 'unreachable');
      assert.ok(e.cause, 'the network error is kept as the cause');
      return true;
    });
    assert.throws(() => createGreenhourClient('ftp://x'), /baseUrl: must be http/);
  });
});
