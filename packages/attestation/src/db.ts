// One small SQL interface over PGlite (embedded, the default) and a PostgreSQL server (DATABASE_URL). Both speak the
// same SQL; the schema below is the only one.
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';

export interface Sql {
  query<Row = Record<string, unknown>>(text: string, params?: unknown[]): Promise<Row[]>;
}

export interface Database extends Sql {
  /** Runs `fn` in one transaction: everything it writes lands, or nothing does. */
  transaction<T>(fn: (tx: Sql) => Promise<T>): Promise<T>;
  close(): Promise<void>;
  readonly kind: 'pglite' | 'postgres';
}

export class ConfigError extends Error {
  constructor(variable: string, reason: string) {
    super(`${variable}: ${reason}`);
    this.name = 'ConfigError';
  }
}

/**
 * Opens the database: a PostgreSQL server when `databaseUrl` is a postgres:// URL, otherwise PGlite, in memory or in
 * `dataDir` when given. Applies the schema.
 */
export async function openDatabase(options: { databaseUrl?: string | undefined; dataDir?: string }): Promise<Database> {
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
  await migrate(db);
  return db;
}

async function openPglite(dataDir?: string): Promise<Database> {
  const lite = await PGlite.create(dataDir);
  const query = async <Row>(text: string, params?: unknown[]) => (await lite.query<Row>(text, params)).rows;
  return {
    kind: 'pglite',
    query,
    transaction: (fn) =>
      lite.transaction((tx) =>
        fn({ query: async <Row>(text: string, params?: unknown[]) => (await tx.query<Row>(text, params)).rows }),
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
    throw new ConfigError('DATABASE_URL', `cannot connect: ${(err as Error).message}`);
  }
  return {
    kind: 'postgres',
    query: async <Row>(text: string, params?: unknown[]) => (await pool.query(text, params)).rows as Row[],
    async transaction(fn) {
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        const result = await fn({
          query: async <Row>(text: string, params?: unknown[]) => (await client.query(text, params)).rows as Row[],
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

const SCHEMA = `
CREATE TABLE IF NOT EXISTS deployment (
  id BOOLEAN PRIMARY KEY DEFAULT TRUE CHECK (id),
  chain_id BIGINT NOT NULL,
  oracle TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS telemetry_messages (
  device TEXT NOT NULL,
  seq BIGINT NOT NULL,
  node_id BIGINT NOT NULL,
  slot BIGINT NOT NULL,
  window_start BIGINT NOT NULL,
  window_end BIGINT NOT NULL,
  pv_wh BIGINT NOT NULL,
  battery_in_wh BIGINT NOT NULL,
  battery_out_wh BIGINT NOT NULL,
  grid_import_wh BIGINT NOT NULL,
  grid_export_wh BIGINT NOT NULL,
  gpu_wh BIGINT NOT NULL,
  ev_wh BIGINT NOT NULL,
  uptime_s BIGINT NOT NULL,
  jobs_hash TEXT NOT NULL,
  signature TEXT NOT NULL,
  digest TEXT NOT NULL,
  PRIMARY KEY (device, seq)
);
CREATE INDEX IF NOT EXISTS telemetry_messages_slot ON telemetry_messages (slot, node_id, seq);
CREATE TABLE IF NOT EXISTS device_state (
  device TEXT PRIMARY KEY,
  node_id BIGINT NOT NULL,
  last_seq BIGINT NOT NULL,
  last_window_end BIGINT NOT NULL
);
CREATE TABLE IF NOT EXISTS telemetry_gaps (
  device TEXT NOT NULL,
  from_seq BIGINT NOT NULL,
  to_seq BIGINT NOT NULL,
  after_window_end BIGINT NOT NULL,
  before_window_start BIGINT NOT NULL,
  PRIMARY KEY (device, from_seq)
);
CREATE TABLE IF NOT EXISTS telemetry_rejections (
  reason TEXT PRIMARY KEY,
  count BIGINT NOT NULL
);
CREATE TABLE IF NOT EXISTS attestations (
  slot BIGINT PRIMARY KEY,
  root TEXT,
  record_count BIGINT NOT NULL,
  status TEXT NOT NULL,
  tx_hash TEXT
);
CREATE TABLE IF NOT EXISTS node_hours (
  slot BIGINT NOT NULL,
  node_id BIGINT NOT NULL,
  leaf_index BIGINT NOT NULL,
  green_wh BIGINT NOT NULL,
  grid_wh BIGINT NOT NULL,
  gpu_wh BIGINT NOT NULL,
  uptime_s BIGINT NOT NULL,
  message_count BIGINT NOT NULL,
  messages_hash TEXT NOT NULL,
  proof TEXT NOT NULL,
  claimed BOOLEAN NOT NULL DEFAULT FALSE,
  PRIMARY KEY (slot, node_id)
);
`;

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

async function migrate(db: Database): Promise<void> {
  await db.transaction(async (tx) => {
    for (const statement of SCHEMA.split(';')
      .map((s) => s.trim())
      .filter(Boolean))
      await tx.query(statement);
  });
}
