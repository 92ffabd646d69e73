// The service's HTTP API: one Hono app whose OpenAPI document is generated from the zod schemas that validate each
// request (served at /openapi.json, read at /docs), with the error shape of errors.ts, per-client rate limits,
// structured request logs, health and readiness. Each domain adds its routes as a router (`mount`).
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { OpenAPIHono, createRoute, z } from '@hono/zod-openapi';
import { getConnInfo } from '@hono/node-server/conninfo';
import { rateLimiter } from 'hono-rate-limiter';
import { HTTPException } from 'hono/http-exception';
import type { Logger } from 'pino';
import { ApiError, ErrorBody } from './errors.ts';

export type ApiApp = OpenAPIHono;

export interface ApiConfig {
  log: Logger;
  /** Requests a client (by IP address) may make per minute to /v1; 0 turns the limit off (load tests). */
  rateLimitPerMinute: number;
  /** What readiness depends on; each check says `ok` or why not. */
  readiness?: () => Promise<Record<string, string>>;
  /** The service's release, shown by /health. */
  version: string;
}

/** A router of one domain's routes, with the same validation-error hook as the app. */
export function createRouter(): OpenAPIHono {
  return new OpenAPIHono({ defaultHook: validationHook });
}

function validationHook(
  result: { success: boolean; target: string; error?: unknown },
  c: { json: (body: unknown, status: 400) => Response },
): Response | undefined {
  if (result.success) return undefined;
  const issue = (result.error as z.ZodError).issues[0];
  const target = result.target === 'json' ? 'body' : result.target === 'param' ? 'path' : result.target;
  const field = [target, ...(issue?.path ?? []).map(String)].join('.');
  return c.json(new ApiError('bad_request', field, issue?.message ?? 'invalid').body(), 400);
}

function clientAddress(c: Parameters<typeof getConnInfo>[0]): string {
  try {
    return getConnInfo(c).remote.address ?? 'unknown';
  } catch {
    return 'unknown';
  }
}

const Health = z.object({ status: z.literal('ok'), version: z.string(), uptimeS: z.number().int() }).openapi('Health');
const Ready = z
  .object({ ready: z.boolean(), checks: z.record(z.string(), z.string()) })
  .openapi('Readiness', { description: 'Each dependency: `ok`, or why it is not ready.' });

export function createApi(config: ApiConfig): OpenAPIHono {
  const app = new OpenAPIHono({ defaultHook: validationHook });
  const startedAt = Date.now();

  app.use('*', async (c, next) => {
    const t0 = performance.now();
    await next();
    config.log.debug(
      {
        method: c.req.method,
        path: c.req.path,
        status: c.res.status,
        ms: Math.round((performance.now() - t0) * 10) / 10,
        client: clientAddress(c),
      },
      'request',
    );
  });
  if (config.rateLimitPerMinute > 0)
    app.use(
      '/v1/*',
      rateLimiter({
        windowMs: 60_000,
        limit: config.rateLimitPerMinute,
        standardHeaders: 'draft-6',
        keyGenerator: (c) => clientAddress(c),
        handler: (c) =>
          c.json(
            new ApiError(
              'rate_limited',
              'request',
              `more than ${config.rateLimitPerMinute} requests a minute from this client; retry after the Retry-After header's seconds`,
            ).body(),
            429,
          ),
      }),
    );

  app.onError((err, c) => {
    if (err instanceof ApiError) return c.json(err.body(), err.status as 400);
    // Hono's own refusals of a request (a body that is not JSON, say) are the caller's fault, not ours.
    if (err instanceof HTTPException && err.status < 500)
      return c.json(new ApiError('bad_request', 'body', err.message || 'malformed request').body(), 400);
    config.log.error({ err, method: c.req.method, path: c.req.path }, 'internal error');
    return c.json(new ApiError('internal', 'request', 'internal error; the service logged it').body(), 500);
  });
  app.notFound((c) =>
    c.json(new ApiError('not_found', 'path', `no route for ${c.req.method} ${c.req.path}`).body(), 404),
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/health',
      tags: ['service'],
      summary: 'Liveness: the process answers',
      responses: { 200: { description: 'Alive', content: { 'application/json': { schema: Health } } } },
    }),
    (c) =>
      c.json(
        { status: 'ok' as const, version: config.version, uptimeS: Math.floor((Date.now() - startedAt) / 1000) },
        200,
      ),
  );
  app.openapi(
    createRoute({
      method: 'get',
      path: '/ready',
      tags: ['service'],
      summary: 'Readiness: every dependency (database, chain, broker) answers',
      responses: {
        200: { description: 'Ready', content: { 'application/json': { schema: Ready } } },
        503: { description: 'Not ready', content: { 'application/json': { schema: Ready } } },
      },
    }),
    async (c) => {
      const checks = config.readiness === undefined ? {} : await config.readiness();
      const ready = Object.values(checks).every((v) => v === 'ok');
      return c.json({ ready, checks }, ready ? 200 : 503);
    },
  );
  return app;
}

const swaggerDir = dirname(createRequire(import.meta.url).resolve('swagger-ui-dist/package.json'));
const SWAGGER_FILES: Record<string, string> = {
  'swagger-ui.css': 'text/css; charset=utf-8',
  'swagger-ui-bundle.js': 'text/javascript; charset=utf-8',
};
const DOCS_PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Greenhour API</title>
<link rel="stylesheet" href="/docs/swagger-ui.css"></head>
<body><div id="ui"></div><script src="/docs/swagger-ui-bundle.js"></script>
<script>window.ui = SwaggerUIBundle({ url: '/openapi.json', dom_id: '#ui' });</script></body></html>`;

/**
 * Adds /openapi.json (the document generated from every route mounted so far) and /docs (Swagger UI, served from the
 * npm package: nothing is fetched from elsewhere). Call after every router is mounted.
 */
export function publishOpenApi(app: OpenAPIHono, version: string): void {
  app.doc31('/openapi.json', {
    openapi: '3.1.0',
    info: {
      title: 'Greenhour API',
      version,
      description:
        'Read the fleet, telemetry, attestations, the hour market and portfolios, and relay transactions signed by your own key; lists are paginated with `limit` and `cursor`; every error is `{ error: { code, field, reason } }`.',
    },
  });
  app.get('/docs', (c) => c.html(DOCS_PAGE));
  app.get('/docs/:file', (c) => {
    const file = c.req.param('file');
    const type = SWAGGER_FILES[file];
    if (type === undefined) throw new ApiError('not_found', 'path', `no docs file ${file}`);
    return c.body(readFileSync(join(swaggerDir, file)), 200, { 'content-type': type, 'cache-control': 'max-age=3600' });
  });
}

export { ErrorBody };
