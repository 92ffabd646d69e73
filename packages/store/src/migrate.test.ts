import { test, describe, after } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError } from '@greenhour/errors';
import { migrate, migrationFiles, MIGRATIONS_DIR } from './migrate.ts';
import { openDatabase } from './db.ts';
import { DATABASE_KINDS, POSTGRES_MISSING, testDatabases, type TestDatabase } from './testing.ts';

/** A copy of the shipped migrations, to which a test adds the next release's. */
function migrationsCopy(): string {
  const dir = mkdtempSync(join(tmpdir(), 'gh-migrations-'));
  cpSync(MIGRATIONS_DIR, dir, { recursive: true });
  return dir;
}

const columnsOf = async (db: Awaited<ReturnType<typeof openDatabase>>, table: string) =>
  (
    await db.query<{ column_name: string }>(
      'SELECT column_name FROM information_schema.columns WHERE table_name = $1 ORDER BY column_name',
      [table],
    )
  ).map((r) => r.column_name);

describe('store migrations', () => {
  // Every test gets databases of its own: one test's extra migrations must not reach another's.
  const made: TestDatabase[] = [];
  const fresh = async (kind: TestDatabase['kind']) => {
    const pair = await testDatabases();
    made.push(...pair);
    return pair.find((d) => d.kind === kind)!;
  };
  after(async () => {
    for (const d of made) await d.drop();
  });

  for (const kind of DATABASE_KINDS) {
    test(`${kind}: a migration added by a later release reaches a database created by an earlier one`, async () => {
      const target = await fresh(kind);
      const dir = migrationsCopy();
      const first = await openDatabase({ ...target.options, migrationsDir: dir });
      await first.query("INSERT INTO telemetry_rejections (reason, count) VALUES ('bad-signature', 3)");
      assert.ok(!(await columnsOf(first, 'telemetry_rejections')).includes('last_seen'));
      await first.close();

      writeFileSync(
        join(dir, '9000_rejection_last_seen.sql'),
        'ALTER TABLE telemetry_rejections ADD COLUMN last_seen BIGINT;',
      );
      const second = await openDatabase({ ...target.options, migrationsDir: dir });
      assert.ok((await columnsOf(second, 'telemetry_rejections')).includes('last_seen'));
      // The data written before the upgrade is still there.
      assert.deepEqual(await second.query('SELECT reason, count FROM telemetry_rejections'), [
        { reason: 'bad-signature', count: 3 },
      ]);
      // Applied once: opening again applies nothing.
      assert.deepEqual(await migrate(second, { migrationsDir: dir }), []);
      const applied = (await second.query<{ name: string }>('SELECT name FROM schema_migrations ORDER BY name')).map(
        (r) => r.name,
      );
      assert.deepEqual(applied, [...migrationFiles(MIGRATIONS_DIR), '9000_rejection_last_seen.sql']);
      await second.close();
    });

    test(`${kind}: a failing migration names its file and leaves the database as it was`, async () => {
      const target = await fresh(kind);
      const dir = migrationsCopy();
      await (await openDatabase({ ...target.options, migrationsDir: dir })).close();
      writeFileSync(
        join(dir, '9001_half.sql'),
        'CREATE TABLE half_done (x INT); SELECT no_such_column FROM half_done;',
      );
      await assert.rejects(
        openDatabase({ ...target.options, migrationsDir: dir }),
        (e: unknown) => e instanceof ConfigError && e.field === 'migrations/9001_half.sql',
      );
      const db = await openDatabase({ ...target.options });
      assert.deepEqual(await columnsOf(db, 'half_done'), []);
      await db.close();
    });

    test(`${kind}: a database migrated by a newer release is refused, not guessed at`, async () => {
      const target = await fresh(kind);
      const db = await openDatabase({ ...target.options });
      await db.query("INSERT INTO schema_migrations (name, applied_at) VALUES ('9999_from_the_future.sql', 0)");
      await db.close();
      await assert.rejects(
        openDatabase({ ...target.options }),
        (e: unknown) => e instanceof ConfigError && e.field === 'DATABASE_URL' && /9999_from_the_future/.test(e.reason),
      );
    });
  }

  test(
    'postgres: two services starting at once apply each migration once',
    { skip: POSTGRES_MISSING ?? false },
    async () => {
      const target = await fresh('postgres');
      const [a, b] = await Promise.all([openDatabase(target.options), openDatabase(target.options)]);
      const rows = await a.query<{ n: number }>('SELECT count(*)::int AS n FROM schema_migrations');
      assert.equal(rows[0]!.n, migrationFiles(MIGRATIONS_DIR).length);
      await a.close();
      await b.close();
    },
  );

  test('a migration file not named NNNN_name.sql is refused by name', () => {
    const dir = mkdtempSync(join(tmpdir(), 'gh-migrations-'));
    writeFileSync(join(dir, 'add column.sql'), 'SELECT 1');
    assert.throws(
      () => migrationFiles(dir),
      (e: unknown) => e instanceof ConfigError && e.field === 'migrations/add column.sql',
    );
  });

  test('a DATABASE_URL that is not postgres:// is refused before anything opens', async () => {
    await assert.rejects(
      openDatabase({ databaseUrl: 'mysql://localhost/x' }),
      (e: unknown) => e instanceof ConfigError && e.field === 'DATABASE_URL' && /postgres:\/\//.test(e.reason),
    );
    await assert.rejects(
      openDatabase({ databaseUrl: 'postgres://127.0.0.1:1/none' }),
      (e: unknown) => e instanceof ConfigError && e.field === 'DATABASE_URL' && /cannot connect/.test(e.reason),
    );
  });
});
