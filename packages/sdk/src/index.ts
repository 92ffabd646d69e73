// The typed client of the Greenhour API. Paths, parameters and bodies are typed by src/schema.d.ts, which
// scripts/openapi.ts generates from the service's own OpenAPI document at build time. Every failure — an error
// answer (`{ error: { code, field, reason } }`), any other non-2xx answer, an unreachable server — is thrown as one
// GreenhourApiError, so `(await api.GET(...)).data` is the answer's body.
import createClient, { type Client, type Middleware } from 'openapi-fetch';
import { GreenhourError } from '@greenhour/errors';
import type { components, paths } from './schema.d.ts';

export type { components, paths };
export type Schemas = components['schemas'];

export class GreenhourApiError extends GreenhourError {
  constructor(
    /** HTTP status; 0 when no answer came (connection refused, DNS, aborted). */
    readonly status: number,
    /** The API's error code (`bad_request`, `not_found`, …), `http_<status>` for an answer without one, `unreachable`. */
    readonly code: string,
    field: string,
    reason: string,
    options?: { cause?: unknown },
  ) {
    super(field, reason, {
      ...options,
      message: `${status === 0 ? 'no answer' : status} ${code}: ${field}: ${reason}`,
    });
  }
}

export type GreenhourClient = Client<paths>;

export interface ClientOptions {
  /** A fetch to use instead of the global one. */
  fetch?: typeof fetch;
  headers?: Record<string, string>;
}

async function errorOf(response: Response): Promise<GreenhourApiError> {
  const text = await response.text().catch(() => '');
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    body = undefined;
  }
  const e = (body as { error?: { code?: unknown; field?: unknown; reason?: unknown } } | undefined)?.error;
  if (e && typeof e.code === 'string' && typeof e.field === 'string' && typeof e.reason === 'string')
    return new GreenhourApiError(response.status, e.code, e.field, e.reason);
  return new GreenhourApiError(
    response.status,
    `http_${response.status}`,
    'response',
    `${response.statusText || 'error'}${text ? `: ${text.slice(0, 200)}` : ''}`,
  );
}

/** A client for the API at `baseUrl` (e.g. http://127.0.0.1:8787). */
export function createGreenhourClient(baseUrl: string, options: ClientOptions = {}): GreenhourClient {
  let url: URL;
  try {
    url = new URL(baseUrl);
  } catch {
    throw new GreenhourApiError(0, 'bad_url', 'baseUrl', `not a URL: ${JSON.stringify(baseUrl)}`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new GreenhourApiError(0, 'bad_url', 'baseUrl', `must be http:// or https://, got ${JSON.stringify(baseUrl)}`);
  const client = createClient<paths>({
    baseUrl: baseUrl.replace(/\/+$/, ''),
    ...(options.fetch ? { fetch: options.fetch } : {}),
    ...(options.headers ? { headers: options.headers } : {}),
  });
  const errors: Middleware = {
    async onResponse({ response }) {
      if (!response.ok) throw await errorOf(response);
      return undefined;
    },
    onError({ error, request }) {
      if (error instanceof GreenhourApiError) return error;
      return new GreenhourApiError(0, 'unreachable', 'baseUrl', `${request.method} ${request.url}: no answer`, {
        cause: error,
      });
    },
  };
  client.use(errors);
  return client;
}

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

/**
 * Walks every page of a list route: `fetchPage(cursor)` fetches one (the first with `undefined`), and the pages are
 * followed by `nextCursor` until it is null. A cursor that repeats is an error (the server would loop).
 */
export async function* pages<T>(fetchPage: (cursor: string | undefined) => Promise<Page<T>>): AsyncGenerator<T[]> {
  const seen = new Set<string>();
  let cursor: string | undefined;
  for (;;) {
    const page = await fetchPage(cursor);
    yield page.items;
    if (page.nextCursor === null) return;
    if (seen.has(page.nextCursor))
      throw new GreenhourApiError(
        0,
        'cursor_loop',
        'nextCursor',
        `the server returned cursor ${page.nextCursor} twice`,
      );
    seen.add(page.nextCursor);
    cursor = page.nextCursor;
  }
}

/** Every item of a list route, all pages (see `pages`). */
export async function allItems<T>(fetchPage: (cursor: string | undefined) => Promise<Page<T>>): Promise<T[]> {
  const out: T[] = [];
  for await (const items of pages(fetchPage)) out.push(...items);
  return out;
}
