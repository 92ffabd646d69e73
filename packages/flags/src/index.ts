// The one command-line parser of Greenhour's CLIs (`greenhour`, `greenhour-agent`), on node:util parseArgs with its
// tokens. Every flag is declared with its kind; anything else is a UsageError (an InputError whose field is the flag,
// `--name`) that says why: unknown flag, repeated flag (unless declared `multiple`), missing or empty value, a value of
// the wrong form (integers are decimal digits with an optional minus: no 0x30, 1e3, " 12 "; negatives must be in range),
// out of range, not a calendar date,
// a positional argument that was not declared, a required flag that was not given.
import { parseArgs } from 'node:util';
import { InputError } from '@greenhour/errors';

/** A bad command line: `field` is the flag (`--limit`) or `argument` / `command`; the CLIs exit with code 2. */
export class UsageError extends InputError {
  constructor(field: string, reason: string, options?: { cause?: unknown }) {
    super(field, reason, options);
  }
}

interface Common {
  help: string;
  /** The flag must be given (a default makes no sense with it). */
  required?: boolean;
  /** The flag may be given more than once; its value is then the list of values in order. */
  multiple?: boolean;
}
export type FlagSpec =
  | (Common & { kind: 'boolean' })
  | (Common & { kind: 'string'; metavar: string; default?: string })
  | (Common & { kind: 'enum'; values: readonly string[]; default?: string })
  | (Common & { kind: 'integer'; metavar: string; min: number; max: number; default?: number })
  | (Common & { kind: 'number'; metavar: string; min: number; max: number; default?: number })
  | (Common & { kind: 'date'; default?: string });

export type FlagSpecs = Record<string, FlagSpec>;

type ValueOf<S> = S extends { kind: 'boolean' } ? boolean : S extends { kind: 'integer' | 'number' } ? number : string;
/** The parsed flags, typed by their specs: a list for `multiple`, never undefined when required or defaulted. */
export type Parsed<T extends FlagSpecs> = {
  -readonly [K in keyof T]: T[K] extends { multiple: true }
    ? ValueOf<T[K]>[]
    : T[K] extends { kind: 'boolean' } | { required: true } | { default: string | number }
      ? ValueOf<T[K]>
      : ValueOf<T[K]> | undefined;
};
/** The loose form, for code that reads flags by a computed name. */
export type ParsedFlags = Record<string, string | number | boolean | (string | number | boolean)[] | undefined>;

export interface ParseOptions {
  /** Names of the positional arguments allowed, in order (none by default: a stray word is refused). */
  positionals?: readonly string[];
}

const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;
const INT_RE = /^-?\d+$/;
const DECIMAL_RE = /^-?\d+(\.\d+)?$/;

/** A YYYY-MM-DD calendar date (2023-02-30 is not one). */
export function isCalendarDate(s: string): boolean {
  const m = DATE_RE.exec(s);
  if (!m) return false;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return d.getUTCFullYear() === Number(m[1]) && d.toISOString().slice(0, 10) === s;
}

/** Parse `--flag value`, `--flag=value` and boolean `--flag`. */
export function parseFlags<T extends FlagSpecs>(argv: readonly string[], specs: T): Parsed<T> {
  return parseCommandLine(argv, specs).flags;
}

/** Flags and the declared positional arguments (by name). */
export function parseCommandLine<T extends FlagSpecs>(
  argv: readonly string[],
  specs: T,
  options: ParseOptions = {},
): { flags: Parsed<T>; positionals: Record<string, string> } {
  const allowed = options.positionals ?? [];
  const config = Object.fromEntries(
    Object.entries(specs).map(([name, s]) => [name, { type: s.kind === 'boolean' ? 'boolean' : 'string' } as const]),
  );
  // Non-strict first, to see every token and name the flag at fault ourselves; then the strict pass must agree.
  const { tokens } = parseArgs({
    args: [...argv],
    options: config,
    strict: false,
    allowPositionals: true,
    tokens: true,
  });
  const values = new Map<string, (string | number | boolean)[]>();
  const positionals: string[] = [];
  for (const t of tokens) {
    if (t.kind === 'option-terminator') continue;
    if (t.kind === 'positional') {
      if (positionals.length >= allowed.length)
        throw new UsageError(
          'argument',
          `unexpected argument ${JSON.stringify(t.value)}` +
            (allowed.length ? ` (takes ${allowed.join(', ')})` : ' (every input is a --flag; see --help)'),
        );
      positionals.push(t.value);
      continue;
    }
    const field = t.rawName.startsWith('--') ? `--${t.name}` : t.rawName;
    const spec = Object.hasOwn(specs, t.name) && t.rawName.startsWith('--') ? specs[t.name] : undefined;
    if (!spec) throw new UsageError(field, 'unknown flag (see --help)');
    const seen = values.get(t.name) ?? [];
    if (seen.length > 0 && !spec.multiple) throw new UsageError(field, 'given more than once');
    if (spec.kind === 'boolean') {
      if (t.value !== undefined) throw new UsageError(field, 'takes no value');
      seen.push(true);
    } else {
      if (t.value === undefined) throw new UsageError(field, 'missing value');
      if (t.inlineValue === false && t.value.startsWith('-')) {
        // `--flag -3`: a negative number is checked as one (so its range error shows), then must be written `--flag=-3`
        // (the strict parse reads it as an option); anything else dash-led is the next flag, so the value is missing.
        if (!/^-\d/.test(t.value) || (spec.kind !== 'integer' && spec.kind !== 'number'))
          throw new UsageError(field, 'missing value');
        parseValue(field, spec, t.value);
        throw new UsageError(field, `write ${field}=${t.value} for a negative number`);
      }
      seen.push(parseValue(field, spec, t.value));
    }
    values.set(t.name, seen);
  }
  try {
    parseArgs({ args: [...argv], options: config, strict: true, allowPositionals: allowed.length > 0 });
  } catch (err) {
    throw new UsageError('argument', (err as Error).message, { cause: err });
  }
  const out: ParsedFlags = {};
  for (const [name, spec] of Object.entries(specs)) {
    const got = values.get(name);
    if (spec.multiple) out[name] = got ?? ('default' in spec && spec.default !== undefined ? [spec.default] : []);
    else if (got) out[name] = got[0];
    else if (spec.kind === 'boolean') out[name] = false;
    else if ('default' in spec && spec.default !== undefined) out[name] = spec.default;
    if (spec.required && !got) throw new UsageError(`--${name}`, 'required');
  }
  return {
    flags: out as Parsed<T>,
    positionals: Object.fromEntries(positionals.map((v, i) => [allowed[i]!, v])),
  };
}

function parseValue(field: string, spec: Exclude<FlagSpec, { kind: 'boolean' }>, raw: string): string | number {
  if (raw.trim() === '') throw new UsageError(field, 'empty value');
  switch (spec.kind) {
    case 'string':
      return raw;
    case 'enum':
      if (!spec.values.includes(raw))
        throw new UsageError(field, `unknown value ${JSON.stringify(raw)} (expected one of ${spec.values.join(', ')})`);
      return raw;
    case 'integer': {
      if (!INT_RE.test(raw))
        throw new UsageError(
          field,
          `must be an integer, got ${JSON.stringify(raw)} (decimal digits${spec.min < 0 ? ', optional leading minus' : ' only'})`,
        );
      const v = Number(raw);
      if (!Number.isSafeInteger(v) || v < spec.min || v > spec.max)
        throw new UsageError(field, `must be between ${spec.min} and ${spec.max}, got ${raw}`);
      return v;
    }
    case 'number': {
      if (!DECIMAL_RE.test(raw))
        throw new UsageError(field, `not a decimal number (digits, one optional point): ${JSON.stringify(raw)}`);
      const v = Number(raw);
      if (v < spec.min || v > spec.max)
        throw new UsageError(field, `must be between ${spec.min} and ${spec.max}, got ${raw}`);
      return v;
    }
    case 'date':
      if (!isCalendarDate(raw)) throw new UsageError(field, `not a calendar date YYYY-MM-DD: ${JSON.stringify(raw)}`);
      return raw;
  }
}

/** For flags required only in some combinations: refuses an undefined (or empty multiple) value. */
export function requireFlag(flags: ParsedFlags, name: string): void {
  const v = flags[name];
  if (v === undefined || (Array.isArray(v) && v.length === 0)) throw new UsageError(`--${name}`, 'required');
}

/** One aligned line per flag: `--name META  help (default …, required, repeatable)`. */
export function flagsHelp(specs: FlagSpecs, width?: number): string {
  const rows = Object.entries(specs).map(([name, s]) => {
    const meta =
      s.kind === 'boolean'
        ? ''
        : s.kind === 'enum'
          ? ` ${s.values.join('|')}`
          : s.kind === 'date'
            ? ' YYYY-MM-DD'
            : ` ${s.metavar}`;
    const notes = [
      'default' in s && s.default !== undefined ? `default ${s.default}` : '',
      s.required ? 'required' : '',
      s.multiple ? 'repeatable' : '',
    ].filter(Boolean);
    return [`  --${name}${meta}`, `${s.help}${notes.length ? ` (${notes.join(', ')})` : ''}`] as const;
  });
  const w = width ?? Math.max(...rows.map((r) => r[0].length)) + 2;
  return rows.map(([a, b]) => (a.length >= w ? `${a}  ${b}` : a.padEnd(w) + b)).join('\n');
}

/** Help text for a command: usage line, description, then the flags. */
export function helpText(usage: string, description: string, specs: FlagSpecs): string {
  return [`Usage: ${usage}`, '', description, '', 'Options:', flagsHelp(specs)].join('\n');
}
