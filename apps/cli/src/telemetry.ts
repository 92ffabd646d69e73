// `greenhour telemetry status`: the service's ingest counters and its open gaps, read through the typed SDK.
import { allItems, createGreenhourClient, GreenhourApiError } from '@greenhour/sdk';
import { UsageError, helpText, parseFlags, type FlagSpecs } from '@greenhour/flags';

export const TELEMETRY_STATUS_FLAGS = {
  api: { kind: 'string', metavar: 'URL', default: 'http://127.0.0.1:8787', help: 'the Greenhour service API' },
  json: { kind: 'boolean', help: 'print one JSON document to stdout' },
  help: { kind: 'boolean', help: 'show this help' },
} as const satisfies FlagSpecs;

export const TELEMETRY_STATUS_HELP = helpText(
  'greenhour telemetry status [--api URL] [--json]',
  'Ingest statistics of the service (windows accepted, rejected by reason, devices) and the open gaps it is\nasking devices to resend.',
  TELEMETRY_STATUS_FLAGS,
);

/** An http(s) URL flag, or a UsageError naming it. */
export function httpUrl(flag: string, raw: string): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new UsageError(flag, `not a URL: ${JSON.stringify(raw)}`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new UsageError(flag, `must be an http:// or https:// URL, got ${JSON.stringify(raw)}`);
  return raw;
}

export async function telemetryStatus(
  argv: readonly string[],
  io: { stdout: (s: string) => void; stderr: (s: string) => void },
): Promise<number> {
  const flags = parseFlags(argv, TELEMETRY_STATUS_FLAGS);
  if (flags.help) {
    io.stdout(TELEMETRY_STATUS_HELP + '\n');
    return 0;
  }
  const api = createGreenhourClient(httpUrl('--api', flags.api));
  try {
    const stats = (await api.GET('/v1/telemetry/stats')).data!;
    const gaps = await allItems((cursor) =>
      api.GET('/v1/telemetry/gaps', { params: { query: cursor ? { cursor } : {} } }).then((r) => r.data!),
    );
    if (flags.json) {
      io.stdout(JSON.stringify({ stats, gaps }, null, 2) + '\n');
      return 0;
    }
    const rejected = Object.entries(stats.rejected);
    io.stdout(
      [
        `Telemetry at ${flags.api}`,
        `  windows accepted  ${stats.accepted}`,
        `  windows rejected  ${rejected.length ? rejected.map(([r, n]) => `${r} ${n}`).join(', ') : 'none'}`,
        `  devices           ${stats.devices}`,
        `  open gaps         ${stats.openGaps}`,
        ...gaps.map((g) => `    ${g.device} seq ${g.fromSeq}..${g.toSeq}`),
      ].join('\n') + '\n',
    );
    return 0;
  } catch (e) {
    if (e instanceof GreenhourApiError && e.status === 0) throw new UsageError('--api', `${flags.api}: no answer`);
    throw e;
  }
}
