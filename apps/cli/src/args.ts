// A small strict argv parser: every flag is declared with its kind; anything else is a usage error
// that names the flag and the reason (exit code 2).

export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

export type FlagSpec =
  | { kind: 'boolean'; help: string }
  | { kind: 'string'; help: string; metavar: string; default?: string }
  | { kind: 'enum'; help: string; values: readonly string[]; default?: string }
  | { kind: 'number'; help: string; metavar: string; min: number; max: number; integer?: boolean; default?: number }
  | { kind: 'date'; help: string; default?: string };

export type FlagSpecs = Record<string, FlagSpec>;

export type ParsedFlags = Record<string, string | number | boolean | undefined>;

const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Validate a YYYY-MM-DD calendar date (rejects 2023-02-30). */
export function isCalendarDate(s: string): boolean {
  const m = DATE_RE.exec(s);
  if (!m) return false;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return d.toISOString().slice(0, 10) === s;
}

/** Parse `--flag value`, `--flag=value` and boolean `--flag`; positional arguments are rejected. */
export function parseFlags(argv: readonly string[], specs: FlagSpecs): ParsedFlags {
  const out: ParsedFlags = {};
  for (const [name, spec] of Object.entries(specs)) if ('default' in spec) out[name] = spec.default;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (!arg.startsWith('--')) throw new UsageError(`unexpected argument ${JSON.stringify(arg)}`);
    const eq = arg.indexOf('=');
    const name = eq >= 0 ? arg.slice(2, eq) : arg.slice(2);
    const spec = specs[name];
    if (!spec) throw new UsageError(`--${name}: unknown flag (see --help)`);
    if (spec.kind === 'boolean') {
      if (eq >= 0) throw new UsageError(`--${name}: takes no value`);
      out[name] = true;
      continue;
    }
    let raw: string | undefined;
    if (eq >= 0) raw = arg.slice(eq + 1);
    else {
      raw = argv[i + 1];
      if (raw === undefined || raw.startsWith('--')) throw new UsageError(`--${name}: missing value`);
      i++;
    }
    out[name] = parseValue(name, spec, raw);
  }
  return out;
}

function parseValue(name: string, spec: Exclude<FlagSpec, { kind: 'boolean' }>, raw: string): string | number {
  switch (spec.kind) {
    case 'string':
      if (raw === '') throw new UsageError(`--${name}: empty value`);
      return raw;
    case 'enum':
      if (!spec.values.includes(raw))
        throw new UsageError(
          `--${name}: unknown value ${JSON.stringify(raw)} (expected one of ${spec.values.join(', ')})`,
        );
      return raw;
    case 'number': {
      const v = raw.trim() === '' ? NaN : Number(raw);
      if (!Number.isFinite(v)) throw new UsageError(`--${name}: not a number: ${JSON.stringify(raw)}`);
      if (spec.integer && !Number.isInteger(v)) throw new UsageError(`--${name}: must be an integer, got ${raw}`);
      if (v < spec.min || v > spec.max)
        throw new UsageError(`--${name}: must be between ${spec.min} and ${spec.max}, got ${raw}`);
      return v;
    }
    case 'date':
      if (!isCalendarDate(raw))
        throw new UsageError(`--${name}: not a calendar date YYYY-MM-DD: ${JSON.stringify(raw)}`);
      return raw;
  }
}

export function requireFlag(flags: ParsedFlags, name: string): void {
  if (flags[name] === undefined) throw new UsageError(`--${name}: required`);
}

/** Help text for a command: usage line, description, then one aligned line per flag. */
export function helpText(usage: string, description: string, specs: FlagSpecs): string {
  const rows = Object.entries(specs).map(([name, s]) => {
    const meta =
      s.kind === 'boolean'
        ? ''
        : s.kind === 'enum'
          ? ` ${s.values.join('|')}`
          : s.kind === 'date'
            ? ' YYYY-MM-DD'
            : ` ${s.metavar}`;
    const def = 'default' in s && s.default !== undefined ? ` (default ${s.default})` : '';
    return [`  --${name}${meta}`, `${s.help}${def}`] as const;
  });
  const w = Math.max(...rows.map((r) => r[0].length)) + 2;
  return [`Usage: ${usage}`, '', description, '', 'Options:', ...rows.map(([a, b]) => a.padEnd(w) + b)].join('\n');
}
