// The `greenhour-agent` command line. runAgentCli never calls process.exit; it returns the exit code (0 ok, 1 runtime
// error, 2 bad input: a flag, the keystore or the outbox) so it can be tested in-process too.
//
// Only the flag parser's own needs are imported up front; the fleet catalog, viem, the telemetry package, mqtt and the
// agent are imported once the flags that need them have been parsed, so a mistyped command fails fast.
import type { Address } from 'viem';
import { listZones, SITE_TYPES, type SiteType, type ZoneId } from '@greenhour/energy';
import type { DeviceKey } from './keystore.ts';
import type { NodeAgent } from './agent.ts';
import type { SiteSpec } from './simulated.ts';
import { MAX_WINDOWS_PER_RECORD } from '@greenhour/telemetry';
import { DEFAULT_WINDOW_SECONDS } from './meter.ts';
import { UsageError, flagsHelp, parseFlags, type FlagSpec, type ParsedFlags } from '@greenhour/flags';

export { UsageError };

export interface AgentIo {
  stdout: (s: string) => void;
  stderr: (s: string) => void;
  /** Resolves when the agent should stop (SIGINT / SIGTERM in main.ts). */
  stopSignal: () => Promise<void>;
  /** Where GREENHOUR_KEYSTORE_PASSWORD(_FILE) are read; process.env when absent. */
  env?: Readonly<Record<string, string | undefined>>;
}

/** The keystore passphrase itself (for scripts and containers; a file is safer: the environment leaks into `ps e`). */
export const PASSWORD_ENV = 'GREENHOUR_KEYSTORE_PASSWORD';
/** A file holding the keystore passphrase (its content without one trailing newline). */
export const PASSWORD_FILE_ENV = 'GREENHOUR_KEYSTORE_PASSWORD_FILE';

const UINT32_MAX = 2 ** 32 - 1;

const RUN_FLAGS = {
  keystore: {
    kind: 'string',
    metavar: 'PATH',
    help: 'device keystore, Web3 Secret Storage v3 (created on first use, 0600)',
  },
  'password-file': {
    kind: 'string',
    metavar: 'FILE',
    help: 'file holding the keystore passphrase (see above)',
  },
  'keystore-kdf': {
    kind: 'enum',
    values: ['standard', 'light'],
    help: 'scrypt cost of a new key: standard n=262144 (default), light n=4096',
  },
  site: { kind: 'enum', values: SITE_TYPES, help: 'site type' },
  zone: { kind: 'enum', values: listZones(), help: 'grid zone of the shipped data (weather of the simulated meter)' },
  'pv-wp': { kind: 'integer', metavar: 'W', min: 0, max: UINT32_MAX, help: 'PV peak power, W (as registered)' },
  'battery-wh': { kind: 'integer', metavar: 'WH', min: 0, max: UINT32_MAX, help: 'battery capacity, Wh' },
  'charger-w': { kind: 'integer', metavar: 'W', min: 0, max: UINT32_MAX, help: 'total EV charger power, W' },
  'gpu-count': { kind: 'integer', metavar: 'N', min: 1, max: 1024, help: 'number of GPUs' },
  'gpu-board-power-w': { kind: 'integer', metavar: 'W', min: 1, max: 5000, help: 'board power of one GPU, W' },
  mqtt: { kind: 'string', metavar: 'URL', help: 'broker, mqtt://host:port (mqtts, ws, wss too)' },
  oracle: { kind: 'string', metavar: 'ADDRESS', help: 'AttestationOracle address (EIP-712 verifyingContract)' },
  attester: {
    kind: 'string',
    metavar: 'ADDRESS',
    help: 'keep only the ingest receipts signed by this attester account (default: any receipt of its own window)',
  },
  'chain-id': { kind: 'integer', metavar: 'N', min: 1, max: Number.MAX_SAFE_INTEGER, help: 'chain id' },
  outbox: { kind: 'string', metavar: 'DIR', help: 'outbox directory (signed messages kept until acknowledged)' },
  'window-seconds': {
    kind: 'integer',
    metavar: 'S',
    min: 1,
    max: 3600,
    help: `window length, a divisor of 3600 giving at most the hour's window bound (default ${DEFAULT_WINDOW_SECONDS})`,
  },
  'max-windows-per-hour': {
    kind: 'integer',
    metavar: 'N',
    min: 1,
    max: 3600,
    help: `windows an hour allowed (default ${MAX_WINDOWS_PER_RECORD}, what a record holds; more only for a test rig whose hours are never attested)`,
  },
  rpc: {
    kind: 'string',
    metavar: 'URL',
    help: 'light node: JSON-RPC of the chain (http/https); with --registry and --api the agent checks its own records',
  },
  registry: { kind: 'string', metavar: 'ADDRESS', help: 'light node: NodeRegistry address' },
  api: {
    kind: 'string',
    metavar: 'URL[,URL]',
    help: 'light node: the attestation API and any mirrors, comma-separated, tried in order',
  },
  'check-interval-seconds': {
    kind: 'integer',
    metavar: 'S',
    min: 5,
    max: 3600,
    help: 'light node: seconds between checks of its own records (default 60)',
  },
} as const satisfies Record<string, FlagSpec>;
const STATUS_FLAGS = {
  outbox: RUN_FLAGS.outbox,
  format: { kind: 'enum', values: ['text', 'json'], help: 'status: text (default) or json' },
} as const satisfies Record<string, FlagSpec>;
const LIGHT_NODE_FLAGS = ['rpc', 'registry', 'api'] as const;
const ADDRESS_FLAGS = {
  keystore: RUN_FLAGS.keystore,
  'password-file': RUN_FLAGS['password-file'],
  'keystore-kdf': RUN_FLAGS['keystore-kdf'],
} as const satisfies Record<string, FlagSpec>;
const OPTIONAL = new Set([
  'window-seconds',
  'max-windows-per-hour',
  'password-file',
  'keystore-kdf',
  'rpc',
  'registry',
  'api',
  'check-interval-seconds',
  'attester',
  'format',
]);

const USAGE = `Usage:
  greenhour-agent --keystore PATH --site station|pile|home --zone ZONE --pv-wp W --battery-wh WH --charger-w W
                  --gpu-count N --gpu-board-power-w W --mqtt URL --oracle ADDRESS --chain-id N --outbox DIR
                  [--window-seconds S] [--max-windows-per-hour N] [--password-file FILE]
                  [--keystore-kdf standard|light]
                  [--rpc URL --registry ADDRESS --api URL[,URL] [--check-interval-seconds S]]
  greenhour-agent status --outbox DIR [--format text|json]
  greenhour-agent address --keystore PATH [--password-file FILE] [--keystore-kdf standard|light]

Runs the node agent: every window it reads the meter (a simulated site on the zone's real weather), signs the
window's telemetry with the device key, keeps it in the outbox and publishes it (MQTT QoS 1). \`address\` creates the
device key if needed and prints its address, for registration as the node's deviceSigner.

With --rpc, --registry and --api the agent is also a light node: after each hour's commit it fetches its own record
and proof, verifies them against the root proven from the chain's storage (eth_getProof), compares the record with
the windows it signed, and challenges a provable misreport itself (the device key pays the gas, the node's owner gets
the reward); with the ingest's signed receipts (--attester: only its) it also proves a dropped window and claims an
omitted record. \`status\` prints each checked hour's state (verified / missing / misreported), the challenges and
the omission claims.

The keystore passphrase comes from exactly one of --password-file FILE, ${PASSWORD_FILE_ENV}=FILE or
${PASSWORD_ENV}=PASSPHRASE (a file's content without one trailing newline).

Options:
${flagsHelp(RUN_FLAGS, 46)}
  --help                                      show this help
`;

type Parsed = ParsedFlags;

/** Every flag is required except the OPTIONAL ones (one list for the three commands). */
function specs<T extends Record<string, FlagSpec>>(flags: T): T {
  return Object.fromEntries(
    Object.entries(flags).map(([name, s]) => [name, OPTIONAL.has(name) ? s : { ...s, required: true }]),
  ) as T;
}

const MQTT_PROTOCOLS = ['mqtt:', 'mqtts:', 'tcp:', 'tls:', 'ssl:', 'ws:', 'wss:'];

function checkMqttUrl(raw: string): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new UsageError('--mqtt', `not a URL: ${JSON.stringify(raw)} (expected mqtt://host:port)`);
  }
  if (!MQTT_PROTOCOLS.includes(url.protocol))
    throw new UsageError(
      '--mqtt',
      `unsupported scheme ${JSON.stringify(url.protocol)} (expected ${MQTT_PROTOCOLS.join(' ')})`,
    );
  if (url.hostname === '') throw new UsageError('--mqtt', `no host in ${JSON.stringify(raw)}`);
  return raw;
}

function checkOracleSyntax(raw: string): void {
  if (!/^0x[0-9a-fA-F]{40}$/.test(raw))
    throw new UsageError('--oracle', `not a 0x-prefixed 20-byte address: ${JSON.stringify(raw)}`);
  if (/^0x0{40}$/.test(raw)) throw new UsageError('--oracle', 'the zero address is not a contract');
}

async function checkOracleChecksum(raw: string): Promise<Address> {
  const { isAddress } = await import('viem');
  if (!isAddress(raw, { strict: true }))
    throw new UsageError('--oracle', `bad EIP-55 checksum in ${raw} (use all lower case or the checksummed form)`);
  return raw as Address;
}

async function checkAttester(raw: string): Promise<Address> {
  const { isAddress } = await import('viem');
  if (!/^0x[0-9a-fA-F]{40}$/.test(raw))
    throw new UsageError('--attester', `not a 0x-prefixed 20-byte address: ${JSON.stringify(raw)}`);
  if (/^0x0{40}$/.test(raw)) throw new UsageError('--attester', 'the zero address signs nothing');
  if (!isAddress(raw, { strict: true }))
    throw new UsageError('--attester', `bad EIP-55 checksum in ${raw} (use all lower case or the checksummed form)`);
  return raw as Address;
}

async function checkSpec(site: SiteType, spec: SiteSpec): Promise<void> {
  const { SITE_ENVELOPES } = await import('@greenhour/fleet');
  const envelope = SITE_ENVELOPES[site];
  const flags = [
    ['pv-wp', spec.pvWp, envelope.pvWp, 'W'],
    ['battery-wh', spec.batteryWh, envelope.batteryWh, 'Wh'],
    ['charger-w', spec.chargerW, envelope.chargerW, 'W'],
    ['gpu-count', spec.gpuCount, envelope.gpuCount, 'GPUs'],
  ] as const;
  for (const [flag, value, range, unit] of flags)
    if (value < range.min || value > range.max)
      throw new UsageError(
        `--${flag}`,
        `${value} ${unit} is outside the plausible range for a ${site} [${range.min}, ${range.max}] (a unit slip?)`,
      );
}

/** The passphrase from exactly one of --password-file, GREENHOUR_KEYSTORE_PASSWORD_FILE, GREENHOUR_KEYSTORE_PASSWORD. */
async function passwordOf(flags: Parsed, env: Readonly<Record<string, string | undefined>>): Promise<string> {
  const sources: { name: string; file?: string; value?: string }[] = [];
  if (flags['password-file'] !== undefined)
    sources.push({ name: '--password-file', file: flags['password-file'] as string });
  if (env[PASSWORD_FILE_ENV] !== undefined && env[PASSWORD_FILE_ENV] !== '')
    sources.push({ name: PASSWORD_FILE_ENV, file: env[PASSWORD_FILE_ENV] });
  if (env[PASSWORD_ENV] !== undefined && env[PASSWORD_ENV] !== '')
    sources.push({ name: PASSWORD_ENV, value: env[PASSWORD_ENV] });
  const [source, other] = sources;
  if (source === undefined)
    throw new UsageError(
      '--password-file',
      `no keystore passphrase: pass --password-file FILE or set ${PASSWORD_FILE_ENV} (a file) or ${PASSWORD_ENV}`,
    );
  if (other !== undefined)
    throw new UsageError(
      source.name,
      `the passphrase is given twice (${sources.map((s) => s.name).join(' and ')}); give one`,
    );
  if (source.value !== undefined) return source.value;
  const { readFileSync } = await import('node:fs');
  let text: string;
  try {
    text = readFileSync(source.file!, 'utf8');
  } catch (err) {
    throw new UsageError(source.name, `cannot read ${source.file} (${(err as Error).message})`);
  }
  const password = text.replace(/\r?\n$/, '');
  if (password === '') throw new UsageError(source.name, `${source.file} is empty`);
  return password;
}

async function loadKey(flags: Parsed, env: Readonly<Record<string, string | undefined>>): Promise<DeviceKey> {
  const password = await passwordOf(flags, env);
  const { KeystoreError, loadOrCreateDeviceKey, LIGHT_SCRYPT, STANDARD_SCRYPT } = await import('./keystore.ts');
  const kdf = flags['keystore-kdf'] === 'light' ? LIGHT_SCRYPT : STANDARD_SCRYPT;
  try {
    return await loadOrCreateDeviceKey(flags.keystore as string, { password, kdf });
  } catch (err) {
    if (err instanceof KeystoreError) throw new UsageError('--keystore', `${err.message}`);
    throw err;
  }
}

const kwh = (wh: number) => (wh / 1000).toFixed(3);

function checkHttp(flag: string, raw: string): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new UsageError(`--${flag}`, `not a URL: ${JSON.stringify(raw)}`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new UsageError(`--${flag}`, `must be an http:// or https:// URL, got ${JSON.stringify(raw)}`);
  return raw;
}

interface LightNodeFlags {
  rpcUrl: string;
  registry: Address;
  apiUrls: string[];
  intervalS: number;
}

/** The light-node flags: none of them (a plain agent), or --rpc, --registry and --api together. */
function lightNodeFlags(flags: Parsed): LightNodeFlags | undefined {
  const given = LIGHT_NODE_FLAGS.filter((f) => flags[f] !== undefined);
  if (given.length === 0) {
    if (flags['check-interval-seconds'] !== undefined)
      throw new UsageError('--check-interval-seconds', 'only with --rpc, --registry and --api (the light node)');
    return undefined;
  }
  const missing = LIGHT_NODE_FLAGS.find((f) => flags[f] === undefined);
  if (missing)
    throw new UsageError(
      `--${missing}`,
      `required with --${given[0]} (the light node needs --rpc, --registry and --api)`,
    );
  const registry = flags.registry as string;
  if (!/^0x[0-9a-fA-F]{40}$/.test(registry))
    throw new UsageError('--registry', `not a 0x-prefixed 20-byte address: ${JSON.stringify(registry)}`);
  if (/^0x0{40}$/.test(registry)) throw new UsageError('--registry', 'the zero address is not a contract');
  const apiUrls = (flags.api as string).split(',').map((u) => u.trim());
  if (apiUrls.some((u) => u === '')) throw new UsageError('--api', `an empty URL in ${JSON.stringify(flags.api)}`);
  return {
    rpcUrl: checkHttp('rpc', flags.rpc as string),
    registry: registry as Address,
    apiUrls: apiUrls.map((u) => checkHttp('api', u)),
    intervalS: (flags['check-interval-seconds'] as number | undefined) ?? 60,
  };
}

async function runStatus(flags: Parsed, io: AgentIo): Promise<number> {
  const dir = flags.outbox as string;
  const { existsSync } = await import('node:fs');
  if (!existsSync(dir)) throw new UsageError('--outbox', `no such directory: ${dir}`);
  const { readLightNodeStore, LightNodeError } = await import('./lightnode.ts');
  let store;
  try {
    store = readLightNodeStore(dir);
  } catch (err) {
    if (err instanceof LightNodeError) throw new UsageError('--outbox', `${err.message}`);
    throw err;
  }
  if (flags.format === 'json') {
    io.stdout(`${JSON.stringify(store ?? null, null, 2)}\n`);
    return 0;
  }
  if (store === undefined) {
    io.stdout(`greenhour-agent: no hour checked yet in ${dir} (the light node runs with --rpc, --registry, --api)\n`);
    return 0;
  }
  const usd = (usdc6: number | string) => (Number(usdc6) / 1e6).toFixed(2);
  const r = store.registration;
  io.stdout(
    r
      ? `device ${store.device}: node ${r.nodeId} ${r.status}, owner ${r.owner}, stake ${usd(r.stakeUsdc6)} USD ` +
          `(storage proof at block ${r.blockNumber} ${r.blockHash})\n`
      : `device ${store.device}: registration not proven yet\n`,
  );
  const hours = Object.values(store.hours).sort((a, b) => a.slot - b.slot);
  for (const h of hours) {
    const when = new Date(h.slot * 3600 * 1000).toISOString().replace(':00:00.000Z', 'Z');
    const c = h.challenge;
    let challenge = '';
    if (c?.status === 'succeeded')
      challenge = `; challenge succeeded (${c.fault}), ${usd(c.rewardUsdc6 ?? 0)} USD to owner ${c.rewardTo}`;
    else if (c?.status === 'not-challengeable') challenge = `; not challengeable: ${c.reason}`;
    else if (c) challenge = `; challenge ${c.status}${c.reason ? `: ${c.reason}` : ''}`;
    if (c?.kind === 'dropped-window' && c.status !== 'not-challengeable') challenge += ' [dropped window, by receipt]';
    const o = h.omission;
    let omission = '';
    if (o?.status === 'proven')
      omission = `; omission proven, ${usd(o.rewardUsdc6 ?? 0)} USD to owner ${o.rewardTo}, claim bond returned`;
    else if (o?.status === 'open')
      omission = `; omission claim open (bond ${usd(o.bondUsdc6 ?? 0)} USD), answer due by ${new Date((o.answerBy ?? 0) * 1000).toISOString()}`;
    else if (o) omission = `; omission claim ${o.status}${o.reason ? `: ${o.reason}` : ''}`;
    const missingReceipts =
      h.receiptedWindows !== undefined && h.receiptedWindows < h.expected.messageCount
        ? ` [receipts: ${h.receiptedWindows} of ${h.expected.messageCount} windows]`
        : '';
    io.stdout(`hour ${h.slot} ${when} ${h.state}: ${h.reason}${challenge}${omission}${missingReceipts}\n`);
  }
  const m = store.metrics;
  io.stdout(
    `hours: ${m.hoursVerified} verified, ${m.hoursMisreported} misreported, ${m.hoursMissing} missing\n` +
      `challenges: ${m.challengesCommitted} committed, ${m.challengesSucceeded} succeeded, ${m.challengesFailed} failed, ` +
      `${m.notChallengeable} not challengeable; omission claims: ${m.omissionClaims} opened, ${m.omissionsProven} ` +
      `proven, ${m.omissionClaimsAnswered} answered; gas ${m.challengeGas}; rewards ${usd(m.rewardsUsdc6)} USD to the owner\n` +
      `windows without the attester's receipt: ${m.windowsUnreceipted ?? 0} (their drops or omission cannot be proven)\n` +
      `cost so far: ${m.rpcCalls} RPC calls, ${m.apiCalls} API requests\n`,
  );
  return 0;
}

export async function runAgentCli(argv: readonly string[], io: AgentIo): Promise<number> {
  try {
    if (argv.includes('--help') || argv.includes('-h')) {
      io.stdout(USAGE);
      return 0;
    }
    const env = io.env ?? process.env;
    if (argv[0] === 'address') {
      const flags = parseFlags(argv.slice(1), specs(ADDRESS_FLAGS));
      const key = await loadKey(flags, env);
      io.stdout(`${key.address}\n`);
      if (key.created) io.stderr(`created device key in ${key.path}\n`);
      return 0;
    }
    if (argv[0] === 'status') return await runStatus(parseFlags(argv.slice(1), specs(STATUS_FLAGS)), io);
    const flags = parseFlags(argv, specs(RUN_FLAGS));
    const light = lightNodeFlags(flags);
    const site = flags.site as SiteType;
    const zone = flags.zone as ZoneId;
    const spec: SiteSpec = {
      pvWp: flags['pv-wp'] as number,
      batteryWh: flags['battery-wh'] as number,
      chargerW: flags['charger-w'] as number,
      gpuCount: flags['gpu-count'] as number,
      gpuBoardPowerW: flags['gpu-board-power-w'] as number,
    };
    const mqttUrl = checkMqttUrl(flags.mqtt as string);
    const windowSeconds = (flags['window-seconds'] as number | undefined) ?? DEFAULT_WINDOW_SECONDS;
    if (3600 % windowSeconds !== 0)
      throw new UsageError(
        '--window-seconds',
        `must divide 3600 so windows stay inside one hour, got ${windowSeconds}`,
      );
    const maxWindowsPerHour = (flags['max-windows-per-hour'] as number | undefined) ?? MAX_WINDOWS_PER_RECORD;
    if (3600 / windowSeconds > maxWindowsPerHour)
      throw new UsageError(
        '--window-seconds',
        `at least ${3600 / maxWindowsPerHour} (at most ${maxWindowsPerHour} windows an hour; a node-hour record holds ${MAX_WINDOWS_PER_RECORD}), got ${windowSeconds}`,
      );
    checkOracleSyntax(flags.oracle as string);
    await checkSpec(site, spec);
    const oracle = await checkOracleChecksum(flags.oracle as string);
    const attester = flags.attester === undefined ? undefined : await checkAttester(flags.attester as string);
    const key = await loadKey(flags, env);
    const [{ NodeAgent }, { OutboxError }, { SimulatedSiteDriver }] = await Promise.all([
      import('./agent.ts'),
      import('./outbox.ts'),
      import('./simulated.ts'),
    ]);
    // Different devices draw different (but reproducible) GPU jobs and EV sessions.
    const meter = new SimulatedSiteDriver({
      siteType: site,
      zone,
      spec,
      seed: Number.parseInt(key.address.slice(2, 10), 16),
    });
    let agent: NodeAgent;
    try {
      agent = new NodeAgent({
        privateKey: key.privateKey,
        chainId: flags['chain-id'] as number,
        verifyingContract: oracle,
        meter,
        mqttUrl,
        outboxDir: flags.outbox as string,
        windowSeconds,
        maxWindowsPerHour,
        limits: meter.limits(),
        ...(attester ? { attester } : {}),
        log: (line) => io.stderr(`${line}\n`),
        onPublished: ({ message: m }) =>
          io.stdout(
            `published seq ${m.seq} window ${new Date(m.windowStart * 1000).toISOString().replace('.000Z', 'Z')}/${m.windowEnd - m.windowStart}s` +
              ` pv ${kwh(m.pvWh)} kWh gpu ${kwh(m.gpuWh)} kWh ev ${kwh(m.evWh)} kWh` +
              ` battery +${kwh(m.batteryInWh)}/-${kwh(m.batteryOutWh)} kWh grid +${kwh(m.gridImportWh)}/-${kwh(m.gridExportWh)} kWh\n`,
          ),
      });
    } catch (err) {
      if (err instanceof OutboxError) throw new UsageError('--outbox', `${err.message}`);
      throw err;
    }
    io.stdout(
      `greenhour-agent: device ${agent.device}, ${site} in ${zone}, ${windowSeconds} s windows, broker ${mqttUrl}, ` +
        `outbox ${agent.outbox.dir} (next seq ${agent.nextSeq}, ${agent.outbox.unackedSize} unacknowledged)\n`,
    );
    let lightNode: import('./lightnode.ts').LightNode | undefined;
    if (light) {
      const { LightNode, LightNodeError } = await import('./lightnode.ts');
      const { bytesToHex } = await import('viem');
      try {
        lightNode = new LightNode({
          privateKey: bytesToHex(key.privateKey),
          rpcUrl: light.rpcUrl,
          chainId: flags['chain-id'] as number,
          oracle,
          registry: light.registry,
          apiUrls: light.apiUrls,
          outbox: agent.outbox,
          log: (line) => io.stderr(`${line}\n`),
        });
      } catch (err) {
        await agent.stop();
        if (err instanceof LightNodeError) throw new UsageError('--outbox', `${err.message}`);
        throw err;
      }
      io.stdout(`greenhour-agent: light node on ${light.rpcUrl}, records from ${light.apiUrls.join(', ')}\n`);
    }
    agent.start();
    let reporter: NodeJS.Timeout | undefined;
    if (light && lightNode) {
      const node = lightNode;
      node.start(light.intervalS * 1000);
      // Tell the service what the light node found, signed by the device key (its dashboard shows remote devices too).
      const { bytesToHex } = await import('viem');
      const { lightNodeReport, postLightNodeReport } = await import('./report.ts');
      const report = () => {
        const r = lightNodeReport(node);
        if (r.nodeId === null) return;
        postLightNodeReport(r, {
          privateKey: bytesToHex(key.privateKey),
          chainId: flags['chain-id'] as number,
          oracle,
          apiUrls: light.apiUrls,
        }).catch((err: Error) => io.stderr(`greenhour-agent: ${err.message}\n`));
      };
      reporter = setInterval(report, light.intervalS * 1000);
    }
    await io.stopSignal();
    clearInterval(reporter);
    await lightNode?.stop();
    await agent.stop();
    io.stdout(
      `greenhour-agent: stopped at seq ${agent.nextSeq - 1}, ${agent.outbox.unackedSize} unacknowledged in the outbox\n`,
    );
    return 0;
  } catch (err) {
    if (err instanceof UsageError) {
      io.stderr(`greenhour-agent: ${err.message}\n`);
      return 2;
    }
    io.stderr(`greenhour-agent: ${(err as Error).stack ?? String(err)}\n`);
    return 1;
  }
}
