// The one error base of Greenhour's TypeScript side. Every error a user can cause names the input (`field`: an
// environment variable, a flag, a request field, a file's dotted path) and why it was refused (`reason`); what went
// wrong underneath travels as `cause`, never in the message shown to a caller over the API.

export class GreenhourError extends Error {
  constructor(
    /** The input at fault: `DATABASE_URL`, `--limit`, `body.nodeId`, `site.pv.tiltDeg`. */
    readonly field: string,
    /** Why it was refused, in words a user can act on. */
    readonly reason: string,
    options?: { cause?: unknown; message?: string },
  ) {
    super(options?.message ?? `${field}: ${reason}`, options?.cause === undefined ? {} : { cause: options.cause });
    this.name = new.target.name;
  }
}

/** A configuration value (environment variable, config file field) is missing or wrong. */
export class ConfigError extends GreenhourError {}

/** A request, flag or message from outside is malformed or out of range. */
export class InputError extends GreenhourError {}

/** Walks `cause` links: the error itself first, then what caused it. */
export function causeChain(err: unknown): unknown[] {
  const chain: unknown[] = [];
  for (let e: unknown = err; e !== undefined && chain.length < 16; e = (e as { cause?: unknown }).cause) {
    chain.push(e);
    if (!(e instanceof Error)) break;
  }
  return chain;
}
