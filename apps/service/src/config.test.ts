import { test } from 'node:test';
import assert from 'node:assert/strict';
import { availableParallelism } from 'node:os';
import { ConfigError } from '@greenhour/errors';
import { loadServiceConfig, portFromEnv } from './config.ts';

const load = (env: Record<string, string>) => loadServiceConfig(env, '/deployments');

test('defaults: embedded database and broker, API on 8787, rate limit on', () => {
  const c = load({});
  assert.equal(c.databaseUrl, undefined);
  assert.equal(c.mqttUrl, undefined);
  assert.equal(c.apiPort, 8787);
  assert.equal(c.apiHost, '127.0.0.1');
  assert.equal(c.rateLimitPerMinute, 600);
  assert.equal(c.ingestWorkers, availableParallelism());
  assert.equal(load({ INGEST_WORKERS: '0' }).ingestWorkers, 0);
  assert.equal(c.logLevel, 'info');
  assert.equal(c.attesterFaultSet, false);
  assert.equal(load({ API_PORT: ' ', DATABASE_URL: '' }).apiPort, 8787);
});

test('each bad variable is refused by name, with the value it got', () => {
  const cases: [Record<string, string>, string, RegExp][] = [
    [{ DATABASE_URL: 'mysql://db/x' }, 'DATABASE_URL', /a postgres:\/\/ URL, got "mysql:\/\/db\/x"/],
    [{ DATABASE_URL: 'not a url' }, 'DATABASE_URL', /not a URL/],
    [{ MQTT_URL: 'http://broker' }, 'MQTT_URL', /mqtt:/],
    [{ API_PORT: '70000' }, 'API_PORT', /0\.\.65535/],
    [{ API_PORT: '0x30' }, 'API_PORT', /0\.\.65535.*got "0x30"/],
    [{ API_PORT: '-1' }, 'API_PORT', /0\.\.65535/],
    [{ MQTT_PORT: '1e3' }, 'MQTT_PORT', /0\.\.65535/],
    [{ LOG_LEVEL: 'loud' }, 'LOG_LEVEL', /loud/],
    [{ RATE_LIMIT_PER_MINUTE: '-5' }, 'RATE_LIMIT_PER_MINUTE', /whole number/],
    [{ INGEST_WORKERS: '65' }, 'INGEST_WORKERS', /whole number 0\.\.64/],
    [{ INGEST_WORKERS: '1.5' }, 'INGEST_WORKERS', /whole number/],
    [{ INDEXER_CONFIRMATIONS: 'two' }, 'INDEXER_CONFIRMATIONS', /whole number of blocks/],
    [{ ATTESTER_FAULT_NODES: '1' }, 'ATTESTER_FAULT_NODES', /without ATTESTER_FAULT/],
    [{ ATTESTER_FAULT: 'lie' }, 'ATTESTER_FAULT', /unknown mode "lie"/],
    [{ RPC_URL: 'ftp://x' }, 'RPC_URL', /protocol/],
  ];
  for (const [env, field, reason] of cases)
    assert.throws(
      () => load(env),
      (e: unknown) => e instanceof ConfigError && e.field === field && reason.test(e.reason),
      `${JSON.stringify(env)} should be refused as ${field}`,
    );
});

test('a port outside the service set is checked the same way', () => {
  assert.equal(portFromEnv('ANVIL_PORT', undefined, 8545), 8545);
  assert.equal(portFromEnv('ANVIL_PORT', '0', 8545), 0);
  assert.throws(
    () => portFromEnv('ANVIL_PORT', '48.5', 8545),
    (e: unknown) => e instanceof ConfigError && e.field === 'ANVIL_PORT',
  );
});
