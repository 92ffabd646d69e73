// One small SQL interface over PGlite (embedded, the default) and a PostgreSQL server (DATABASE_URL). Both speak the
// same SQL; the schema is the migrations in ../migrations, applied in name order (migrate.ts).
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import { ConfigError } from '@greenhour/errors';
import { migrate, type MigrateOptions } from './migrate.ts';

export interface Sql {
  query<Row = Record<string, unknown>>(text: string, params?: unknown[]): Promise<Row[]>;
  /** Runs a script of several statements without parameters (a migration). */
  exec(script: string): Promise<void>;
}

export interface Database extends Sql {
  /** Runs `fn` in one transaction: everything it writes lands, or nothing does. */
  transaction<T>(fn: (tx: Sql) => Promise<T>): Promise<T>;
  close(): Promise<void>;
  readonly kind: 'pglite' | 'postgres';
}

/**
 * Opens the database: a PostgreSQL server when `databaseUrl` is a postgres:// URL, otherwise PGlite, in memory or in
 * `dataDir` when given. Applies every migration it has not applied yet.
 */
export async function openDatabase(
  options: { databaseUrl?: string | undefined; dataDir?: string } & MigrateOptions,
): Promise<Database> {
  const { databaseUrl } = options;
  let db: Database;
  if (databaseUrl !== undefined && databaseUrl !== '') {
    let url: URL;
    try {
      url = new URL(databaseUrl);
    } catch {
      throw new ConfigError('DATABASE_URL', `not a URL: ${databaseUrl}`);
    }
    if (url.protocol !== 'postgres:' && url.protocol !== 'postgresql:')
      throw new ConfigError('DATABASE_URL', `must be a postgres:// URL, got ${url.protocol}`);
    db = await openPostgres(databaseUrl);
  } else {
    db = await openPglite(options.dataDir);
  }
  try {
    await migrate(db, options);
  } catch (err) {
    await db.close().catch(() => {});
    throw err;
  }
  return db;
}

async function openPglite(dataDir?: string): Promise<Database> {
  const lite = await PGlite.create(dataDir);
  const query = async <Row>(text: string, params?: unknown[]) => (await lite.query<Row>(text, params)).rows;
  return {
    kind: 'pglite',
    query,
    exec: async (script) => void (await lite.exec(script)),
    transaction: (fn) =>
      lite.transaction((tx) =>
        fn({
          query: async <Row>(text: string, params?: unknown[]) => (await tx.query<Row>(text, params)).rows,
          exec: async (script) => void (await tx.exec(script)),
        }),
      ),
    close: () => lite.close(),
  };
}

async function openPostgres(connectionString: string): Promise<Database> {
  // BIGINT as JS numbers: every BIGINT here (Wh sums, seconds, sequence numbers) stays below 2^53.
  pg.types.setTypeParser(pg.types.builtins.INT8, (v) => Number(v));
  const pool = new pg.Pool({ connectionString, max: 4 });
  // A server restart drops idle connections; the pool replaces them. Without a listener the error would crash us.
  pool.on('error', () => {});
  try {
    await pool.query('SELECT 1');
  } catch (err) {
    await pool.end();
    throw new ConfigError('DATABASE_URL', `cannot connect: ${(err as Error).message}`, { cause: err });
  }
  return {
    kind: 'postgres',
    query: async <Row>(text: string, params?: unknown[]) => (await pool.query(text, params)).rows as Row[],
    exec: async (script) => void (await pool.query(script)),
    async transaction(fn) {
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        const result = await fn({
          query: async <Row>(text: string, params?: unknown[]) => (await client.query(text, params)).rows as Row[],
          exec: async (script) => void (await client.query(script)),
        });
        await client.query('COMMIT');
        return result;
      } catch (err) {
        await client.query('ROLLBACK').catch(() => {});
        throw err;
      } finally {
        client.release();
      }
    },
    close: () => pool.end(),
  };
}

/**
 * Ties the database to one deployment: telemetry signed for another oracle (another EIP-712 domain) and hours attested
 * on another chain must not mix. A first start records the deployment; a later one with another is refused.
 */
export async function bindDeployment(db: Database, chainId: number, oracle: string): Promise<void> {
  await db.query('INSERT INTO deployment (chain_id, oracle) VALUES ($1, $2) ON CONFLICT (id) DO NOTHING', [
    chainId,
    oracle.toLowerCase(),
  ]);
  const [row] = await db.query<{ chain_id: number; oracle: string }>('SELECT chain_id, oracle FROM deployment');
  if (Number(row!.chain_id) !== chainId || row!.oracle !== oracle.toLowerCase())
    throw new ConfigError(
      'DATABASE_URL',
      `the database holds telemetry of chain ${row!.chain_id}, oracle ${row!.oracle}; this is chain ${chainId}, oracle ${oracle}: use a fresh database`,
    );
}
