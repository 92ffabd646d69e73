// The service's one configuration loader: every environment variable it reads, validated at start, so that a bad
// value (a DATABASE_URL that is not postgres://, a port of 70000) is reported by name before anything connects or
// deploys. The chain's variables are chainConfigFromEnv's (packages/chain).
import { availableParallelism } from 'node:os';
import { z } from 'zod';
import { chainConfigFromEnv, type ChainConfig } from '@greenhour/chain';
import { parseAttesterFault, type AttesterFault } from '@greenhour/attestation';
import { ConfigError } from '@greenhour/errors';

const blankIsUnset = (v: unknown) =>
  typeof v === 'string' && v.trim() === '' ? undefined : typeof v === 'string' ? v.trim() : v;

const port = (fallback: number) =>
  z.preprocess(
    blankIsUnset,
    z
      .string()
      .regex(/^\d{1,5}$/, 'must be an integer port 0..65535 (0 = any free port)')
      .transform(Number)
      .refine((n) => n <= 65535, 'must be an integer port 0..65535 (0 = any free port)')
      .default(fallback),
  );
const count = (fallback: number, max: number, what: string) =>
  z.preprocess(
    blankIsUnset,
    z
      .string()
      .regex(/^\d{1,9}$/, `must be a whole number 0..${max} (${what})`)
      .transform(Number)
      .refine((n) => n <= max, `must be a whole number 0..${max} (${what})`)
      .default(fallback),
  );
const url = (protocols: readonly string[], expected: string) =>
  z.preprocess(
    blankIsUnset,
    z
      .string()
      .refine((v) => URL.canParse(v), 'not a URL')
      .refine((v) => !URL.canParse(v) || protocols.includes(new URL(v).protocol), `must be ${expected}`)
      .optional(),
  );

const ServiceEnv = z.object({
  DATABASE_URL: url(['postgres:', 'postgresql:'], 'a postgres:// URL'),
  PGLITE_DIR: z.preprocess(blankIsUnset, z.string().optional()),
  MQTT_URL: url(['mqtt:', 'mqtts:'], 'an mqtt:// or mqtts:// URL'),
  MQTT_PORT: port(0),
  API_PORT: port(8787),
  API_HOST: z.preprocess(blankIsUnset, z.string().default('127.0.0.1')),
  LOG_LEVEL: z.preprocess(
    blankIsUnset,
    z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  ),
  RATE_LIMIT_PER_MINUTE: count(600, 1_000_000, '0 turns the limit off'),
  DASHBOARD_DIR: z.preprocess(blankIsUnset, z.string().optional()),
  INGEST_WORKERS: count(availableParallelism(), 64, 'threads checking signatures; 0 checks on the service thread'),
  INDEXER_CONFIRMATIONS: z.preprocess(
    blankIsUnset,
    z
      .string()
      .regex(/^\d{1,4}$/, 'must be a whole number of blocks 0..9999')
      .transform(Number)
      .optional(),
  ),
});

export interface ServiceConfig {
  chain: ChainConfig;
  databaseUrl?: string;
  /** PGlite's data directory when DATABASE_URL is not set; absent keeps PGlite in memory. */
  pgliteDir?: string;
  mqttUrl?: string;
  /** Port of the embedded broker when MQTT_URL is not set (0: any free port). */
  mqttPort: number;
  apiPort: number;
  apiHost: string;
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  rateLimitPerMinute: number;
  /** Worker threads for the ingest's signature checks and receipts (INGEST_WORKERS; default one per core). */
  ingestWorkers: number;
  /** The dashboard's built files; the shipped apps/dashboard/dist by default. */
  dashboardDir?: string;
  /** Blocks the indexer stays behind the head (reorg safety); the indexer's default for the chain when unset. */
  indexerConfirmations?: number;
  /** ATTESTER_FAULT / ATTESTER_FAULT_NODES: a deliberately dishonest attester (tests and demos only). */
  attesterFault?: AttesterFault;
  /** Whether ATTESTER_FAULT was set at all (`none` included): the demo's own default applies only when it was not. */
  attesterFaultSet: boolean;
}

/** Reads and checks every variable; throws a ConfigError naming the first bad one. */
export function loadServiceConfig(env: NodeJS.ProcessEnv, defaultDeploymentsDir: string): ServiceConfig {
  const parsed = ServiceEnv.safeParse(env);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const name = String(issue.path[0]);
    throw new ConfigError(name, `${issue.message}, got "${env[name] ?? ''}"`);
  }
  const e = parsed.data;
  let attesterFault: AttesterFault | undefined;
  try {
    attesterFault = parseAttesterFault(env.ATTESTER_FAULT, env.ATTESTER_FAULT_NODES);
  } catch (err) {
    const message = (err as Error).message;
    const at = message.indexOf(': ');
    throw new ConfigError(message.slice(0, at), message.slice(at + 2), { cause: err });
  }
  return {
    chain: chainConfigFromEnv(env, defaultDeploymentsDir),
    ...(e.DATABASE_URL === undefined ? {} : { databaseUrl: e.DATABASE_URL }),
    ...(e.PGLITE_DIR === undefined ? {} : { pgliteDir: e.PGLITE_DIR }),
    ...(e.MQTT_URL === undefined ? {} : { mqttUrl: e.MQTT_URL }),
    mqttPort: e.MQTT_PORT,
    apiPort: e.API_PORT,
    apiHost: e.API_HOST,
    logLevel: e.LOG_LEVEL,
    rateLimitPerMinute: e.RATE_LIMIT_PER_MINUTE,
    ingestWorkers: e.INGEST_WORKERS,
    ...(e.DASHBOARD_DIR === undefined ? {} : { dashboardDir: e.DASHBOARD_DIR }),
    ...(e.INDEXER_CONFIRMATIONS === undefined ? {} : { indexerConfirmations: e.INDEXER_CONFIRMATIONS }),
    ...(attesterFault === undefined ? {} : { attesterFault }),
    attesterFaultSet: (env.ATTESTER_FAULT ?? '').trim() !== '',
  };
}

/** A port variable outside the service's own set (the devnet's ANVIL_PORT), checked the same way. */
export function portFromEnv(name: string, raw: string | undefined, fallback: number): number {
  const parsed = port(fallback).safeParse(raw);
  if (!parsed.success) throw new ConfigError(name, `${parsed.error.issues[0]!.message}, got "${raw}"`);
  return parsed.data;
}
