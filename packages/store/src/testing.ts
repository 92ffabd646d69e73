// The two databases every storage test runs against: a fresh PGlite directory and a fresh database on a PostgreSQL
// server (TEST_DATABASE_URL, by default the machine's server on 127.0.0.1:5432).
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { connect as connectTcp, createServer, type AddressInfo } from 'node:net';
import { test } from 'node:test';
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

/** A fresh PGlite directory and a fresh database on the PostgreSQL server (when it is here): each storage test runs on both. */
export async function testDatabases(): Promise<TestDatabase[]> {
  const dataDir = mkdtempSync(join(tmpdir(), 'gh-pglite-'));
  const pglite: TestDatabase = {
    kind: 'pglite',
    url: '',
    dataDir,
    options: { dataDir },
    open: () => openDatabase({ dataDir }),
    drop: async () => {},
  };
  if (POSTGRES_MISSING !== undefined) return [pglite];
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

/** A PostgreSQL server a test started for itself (to restart it), stopped by its own process id. */
export interface OwnPostgres {
  url: string;
  port: number;
  restart(): Promise<void>;
  stop(): Promise<void>;
}

const POSTGRES_BIN_ROOT = '/usr/lib/postgresql';

/** The server binaries of the machine's PostgreSQL installation, or undefined when there are none. */
export function postgresBinaries(): string | undefined {
  if (!existsSync(POSTGRES_BIN_ROOT)) return undefined;
  const versions = readdirSync(POSTGRES_BIN_ROOT).sort((a, b) => Number(b) - Number(a));
  for (const v of versions) {
    const bin = join(POSTGRES_BIN_ROOT, v, 'bin');
    if (existsSync(join(bin, 'initdb')) && existsSync(join(bin, 'postgres'))) return bin;
  }
  return undefined;
}

async function freePort(): Promise<number> {
  const server = createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  await new Promise((r) => server.close(r));
  return port;
}

/**
 * Starts a PostgreSQL server of the test's own, in a fresh directory on a free port, trust auth on loopback only. As
 * root (a container), it runs as the `postgres` system user, since PostgreSQL refuses to run as root.
 */
export async function startOwnPostgres(): Promise<OwnPostgres> {
  const bin = postgresBinaries();
  if (bin === undefined) throw new Error(`no PostgreSQL server binaries under ${POSTGRES_BIN_ROOT}`);
  // Node's spawn sets the user itself: the server is then our direct child, and a signal to it reaches it.
  const user =
    process.getuid?.() === 0
      ? {
          uid: Number(execFileSync('id', ['-u', 'postgres']).toString().trim()),
          gid: Number(execFileSync('id', ['-g', 'postgres']).toString().trim()),
        }
      : {};
  const dir = mkdtempSync(join(tmpdir(), 'gh-postgres-'));
  if ('uid' in user) execFileSync('chown', [`${user.uid}:${user.gid}`, dir]);
  execFileSync(join(bin, 'initdb'), ['-D', join(dir, 'data'), '-U', 'postgres', '--auth=trust', '-E', 'UTF8'], {
    stdio: 'ignore',
    cwd: dir,
    ...user,
  });
  const port = await freePort();
  let child: ChildProcess | undefined;
  const url = `postgres://postgres@127.0.0.1:${port}/postgres`;
  const start = async () => {
    child = spawn(
      join(bin, 'postgres'),
      ['-D', join(dir, 'data'), '-p', String(port), '-k', dir, '-c', 'listen_addresses=127.0.0.1', '-c', 'fsync=off'],
      { stdio: 'ignore', cwd: dir, ...user },
    );
    const deadline = Date.now() + 30_000;
    for (;;) {
      const c = new pg.Client({ connectionString: url });
      try {
        await c.connect();
        await c.end();
        return;
      } catch {
        await c.end().catch(() => {});
        if (child.exitCode !== null) throw new Error(`own PostgreSQL exited with ${child.exitCode}`);
        if (Date.now() > deadline) throw new Error('own PostgreSQL did not accept connections within 30 s');
        await new Promise((r) => setTimeout(r, 100));
      }
    }
  };
  const stop = async () => {
    const c = child;
    if (c === undefined || c.exitCode !== null) return;
    // SIGINT: PostgreSQL's fast shutdown, sent to the server this test started and to nothing else.
    c.kill('SIGINT');
    await once(c, 'exit');
  };
  await start();
  return {
    url,
    port,
    async restart() {
      await stop();
      await start();
    },
    stop: async () => {
      await stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * Whether the servers the storage and broker suites run against are here. On a machine with only Node they are not:
 * those suites are then skipped, saying so (a skipped test in the summary naming what is missing), unless
 * GREENHOUR_REQUIRE_SERVERS=1 (CI sets it), which makes a missing server a failure.
 */
async function serverMissing(name: string, check: () => Promise<void>): Promise<string | undefined> {
  try {
    await check();
    return undefined;
  } catch (err) {
    const reason = `${name} is not available here (${(err as Error).message}); its suites are skipped`;
    if (process.env.GREENHOUR_REQUIRE_SERVERS === '1')
      throw new Error(`${reason}, but GREENHOUR_REQUIRE_SERVERS=1 requires it`);
    test(`${name} suites`, { skip: reason }, () => {});
    return reason;
  }
}

function tcpAccepts(port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = connectTcp(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve();
    });
    socket.once('error', (err) => reject(err));
  });
}

/** Why the PostgreSQL server (TEST_DATABASE_URL) cannot be used, or undefined when it can. */
export const POSTGRES_MISSING = await serverMissing('PostgreSQL', async () => {
  const c = new pg.Client({ connectionString: TEST_POSTGRES_URL, connectionTimeoutMillis: 3000 });
  try {
    await c.connect();
  } finally {
    await c.end().catch(() => {});
  }
});

/** The databases the storage suites run on: PGlite always, PostgreSQL when its server is here. */
export const DATABASE_KINDS: readonly ('pglite' | 'postgres')[] =
  POSTGRES_MISSING === undefined ? ['pglite', 'postgres'] : ['pglite'];

/** Why the machine's Mosquitto (127.0.0.1:1883) cannot be used, or undefined when it can. */
export const MOSQUITTO_MISSING = await serverMissing('Mosquitto at 127.0.0.1:1883', () => tcpAccepts(1883));

/** Why a test cannot start PostgreSQL or Mosquitto servers of its own (to restart them), or undefined. */
export const OWN_SERVERS_MISSING = await serverMissing('PostgreSQL and Mosquitto server binaries', async () => {
  if (postgresBinaries() === undefined) throw new Error(`no initdb and postgres under ${POSTGRES_BIN_ROOT}`);
  if (!existsSync('/usr/sbin/mosquitto')) throw new Error('no /usr/sbin/mosquitto');
});
