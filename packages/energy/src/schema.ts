// A small strict validator for JSON documents (zone files, site files). A schema is a function that
// checks a value at a field path and returns it typed; the first problem throws SchemaError naming the
// path and the reason. Objects are closed: an unknown field is an error, so a typo never goes unnoticed.

export class SchemaError extends Error {
  constructor(
    readonly path: string,
    readonly reason: string,
  ) {
    super(`field "${path}": ${reason}`);
    this.name = 'SchemaError';
  }
}

export type Schema<T> = (v: unknown, path: string) => T;

const got = (v: unknown): string => (v === undefined ? 'nothing' : JSON.stringify(v));
const join = (path: string, key: string): string => (path === '' ? key : `${path}.${key}`);

export interface NumberRule {
  min?: number;
  max?: number;
  /** Exclude `min` itself (the range is (min, max]). */
  minExclusive?: boolean;
  integer?: boolean;
}

export function number(rule: NumberRule = {}): Schema<number> {
  const { min, max, minExclusive = false, integer = false } = rule;
  const noun = integer ? 'integer' : 'number';
  const kind =
    min === 0 && max === undefined
      ? `a ${minExclusive ? 'positive' : 'non-negative'} ${noun}`
      : min !== undefined && max !== undefined
        ? `${integer ? 'an' : 'a'} ${noun} in ${minExclusive ? '(' : '['}${min}, ${max}]`
        : min !== undefined
          ? `${integer ? 'an' : 'a'} ${noun} ${minExclusive ? '>' : '>='} ${min}`
          : max !== undefined
            ? `${integer ? 'an' : 'a'} ${noun} <= ${max}`
            : `${integer ? 'an' : 'a'} ${noun}`;
  return (v, path) => {
    const ok =
      typeof v === 'number' &&
      Number.isFinite(v) &&
      (!integer || Number.isInteger(v)) &&
      (min === undefined || (minExclusive ? v > min : v >= min)) &&
      (max === undefined || v <= max);
    if (!ok) throw new SchemaError(path, `must be ${kind}, got ${got(v)}`);
    return v;
  };
}

export function string(check?: (s: string) => string | null): Schema<string> {
  return (v, path) => {
    if (typeof v !== 'string' || v.trim() === '')
      throw new SchemaError(path, `must be a non-empty string, got ${got(v)}`);
    const problem = check?.(v) ?? null;
    if (problem !== null) throw new SchemaError(path, `${problem}, got ${got(v)}`);
    return v;
  };
}

export function boolean(): Schema<boolean> {
  return (v, path) => {
    if (typeof v !== 'boolean') throw new SchemaError(path, `must be true or false, got ${got(v)}`);
    return v;
  };
}

export function oneOf<const T extends string>(values: readonly T[]): Schema<T> {
  return (v, path) => {
    if (typeof v !== 'string' || !(values as readonly string[]).includes(v)) {
      throw new SchemaError(path, `must be one of ${values.map((x) => JSON.stringify(x)).join(', ')}, got ${got(v)}`);
    }
    return v as T;
  };
}

export function array<T>(item: Schema<T>): Schema<T[]> {
  return (v, path) => {
    if (!Array.isArray(v)) throw new SchemaError(path, `must be an array, got ${got(v)}`);
    return v.map((x, i) => item(x, `${path}[${i}]`));
  };
}

type Shape = Record<string, Schema<unknown>>;
type Out<S extends Shape> = { [K in keyof S]: S[K] extends Schema<infer T> ? T : never };

/** A closed object: every key of `required` must be present, keys of `optional` may be; nothing else. */
export function object<R extends Shape, O extends Shape = Record<never, never>>(
  required: R,
  optional?: O,
): Schema<Out<R> & Partial<Out<O>>> {
  return (v, path) => {
    if (v === null || typeof v !== 'object' || Array.isArray(v)) {
      throw new SchemaError(path === '' ? '(top level)' : path, `must be an object, got ${got(v)}`);
    }
    const o = v as Record<string, unknown>;
    const known = [...Object.keys(required), ...Object.keys(optional ?? {})];
    for (const k of Object.keys(o)) {
      if (!known.includes(k))
        throw new SchemaError(join(path, k), `unknown field (expected one of ${known.join(', ')})`);
    }
    const out: Record<string, unknown> = {};
    for (const [k, s] of Object.entries(required)) {
      if (!(k in o)) throw new SchemaError(join(path, k), 'missing');
      out[k] = s(o[k], join(path, k));
    }
    for (const [k, s] of Object.entries(optional ?? {})) {
      if (k in o && o[k] !== undefined) out[k] = s(o[k], join(path, k));
    }
    return out as Out<R> & Partial<Out<O>>;
  };
}
