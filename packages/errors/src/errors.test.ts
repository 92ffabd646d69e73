import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ConfigError, GreenhourError, InputError, causeChain } from './index.ts';

test('an error names its field and reason, and keeps its subclass name', () => {
  const e = new ConfigError('DATABASE_URL', 'must be a postgres:// URL');
  assert.ok(e instanceof GreenhourError);
  assert.equal(e.name, 'ConfigError');
  assert.equal(e.field, 'DATABASE_URL');
  assert.equal(e.reason, 'must be a postgres:// URL');
  assert.equal(String(e), 'ConfigError: DATABASE_URL: must be a postgres:// URL');
  assert.equal(new InputError('limit', 'too big').name, 'InputError');
});

test('the cause chain is walked from the error to its root', () => {
  const root = new Error('ECONNREFUSED');
  const e = new ConfigError('DATABASE_URL', 'cannot connect', { cause: root });
  assert.deepEqual(causeChain(e), [e, root]);
});
