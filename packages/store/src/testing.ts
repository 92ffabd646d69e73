// The two databases every storage test runs against: a fresh PGlite directory and a fresh database on a PostgreSQL
// server (TEST_DATABASE_URL, by default the machine's server on 127.0.0.1:5432).
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { openDatabase, type Database } from './db.ts';

/** The PostgreSQL server the tests use; DATABASE_URL overrides it. */
export const TEST_POSTGRES_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

export interface TestDatabase {
  kind: 'pglite' | 'postgres';
  /** What DATABASE_URL would be set to ('' for PGlite). */
  url: string;
  /** PGlite's data directory, so that a restarted process finds the data. */
  dataDir?: string;
  /** What `openDatabase` is given to open it. */
  options: { databaseUrl?: string; dataDir?: string };
  open(): Promise<Database>;
  drop(): Promise<void>;
}

/** A fresh PGlite directory and a fresh database on the PostgreSQL server: every storage test runs on both. */
export async function testDatabases(): Promise<TestDatabase[]> {
  const dataDir = mkdtempSync(join(tmpdir(), 'gh-pglite-'));
  const name = `greenhour_test_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: TEST_POSTGRES_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(TEST_POSTGRES_URL);
  url.pathname = `/${name}`;
  return [
    {
      kind: 'pglite',
      url: '',
      dataDir,
      options: { dataDir },
      open: () => openDatabase({ dataDir }),
      drop: async () => {},
    },
    {
      kind: 'postgres',
      url: url.toString(),
      options: { databaseUrl: url.toString() },
      open: () => openDatabase({ databaseUrl: url.toString() }),
      async drop() {
        const c = new pg.Client({ connectionString: TEST_POSTGRES_URL });
        await c.connect();
        await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
        await c.end();
      },
    },
  ];
}
