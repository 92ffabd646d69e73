// Versioned migrations: the SQL files of ../migrations, applied in name order by umzug, each once per database, with
// the names applied recorded in `schema_migrations`. All pending migrations run in one transaction under an advisory
// lock, so two services starting on one PostgreSQL cannot both apply a migration, and a failed one leaves the database
// as it was. A migration is never edited once released: a change to the schema is a new file.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Umzug, type UmzugStorage } from 'umzug';
import { ConfigError } from '@greenhour/errors';
import type { Database, Sql } from './db.ts';

export const MIGRATIONS_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', 'migrations');

/** A migration file is `NNNN_name.sql`: four digits fix the order, the name says what it does. */
const MIGRATION_FILE = /^\d{4}_[a-z0-9_]+\.sql$/;

/** pg_advisory_xact_lock key: the ASCII of "ghmigrat", so it cannot collide with another application's by chance. */
const MIGRATION_LOCK_KEY = 0x67686d6967726174n;

export interface MigrateOptions {
  /** Folder of the migration files; the shipped one by default (tests point it at a copy with one more). */
  migrationsDir?: string;
}

export function migrationFiles(dir: string): string[] {
  const names = readdirSync(dir).filter((f) => f.endsWith('.sql'));
  for (const name of names)
    if (!MIGRATION_FILE.test(name))
      throw new ConfigError(`migrations/${name}`, 'a migration file is named NNNN_lowercase_name.sql');
  return names.sort();
}

function storageIn(tx: Sql): UmzugStorage {
  return {
    async executed() {
      return (await tx.query<{ name: string }>('SELECT name FROM schema_migrations ORDER BY name')).map((r) => r.name);
    },
    async logMigration({ name }) {
      await tx.query('INSERT INTO schema_migrations (name, applied_at) VALUES ($1, $2)', [
        name,
        Math.floor(Date.now() / 1000),
      ]);
    },
    async unlogMigration({ name }) {
      await tx.query('DELETE FROM schema_migrations WHERE name = $1', [name]);
    },
  };
}

/** Applies the pending migrations; returns the names it applied (none when the database is up to date). */
export async function migrate(db: Database, options: MigrateOptions = {}): Promise<string[]> {
  const dir = options.migrationsDir ?? MIGRATIONS_DIR;
  const files = migrationFiles(dir);
  return db.transaction(async (tx) => {
    await tx.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK_KEY.toString()]);
    await tx.exec('CREATE TABLE IF NOT EXISTS schema_migrations (name TEXT PRIMARY KEY, applied_at BIGINT NOT NULL)');
    const umzug = new Umzug({
      migrations: files.map((name) => ({
        name,
        up: async () => {
          try {
            await tx.exec(readFileSync(join(dir, name), 'utf8'));
          } catch (err) {
            throw new ConfigError(`migrations/${name}`, `failed: ${(err as Error).message}`, { cause: err });
          }
        },
      })),
      context: tx,
      storage: storageIn(tx),
      logger: undefined,
    });
    const known = new Set(files);
    const unknown = (await storageIn(tx).executed({ context: tx })).filter((n) => !known.has(n));
    if (unknown.length > 0)
      throw new ConfigError(
        'DATABASE_URL',
        `the database has migrations this release does not know (${unknown.join(', ')}): it was written by a newer release`,
      );
    try {
      return (await umzug.up()).map((m) => m.name);
    } catch (err) {
      // umzug wraps what a migration threw; the ConfigError naming the file is what a user needs.
      const cause = (err as { cause?: unknown }).cause;
      throw cause instanceof ConfigError ? cause : err;
    }
  });
}
