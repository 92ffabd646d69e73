// Serving the API (and the dashboard's files) over HTTP, and stopping without dropping a request: close() stops
// accepting connections, lets the requests in flight finish, then closes idle keep-alive connections.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { extname, join, normalize, sep } from 'node:path';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import type { OpenAPIHono } from '@hono/zod-openapi';

export interface ApiServer {
  url: string;
  port: number;
  close(): Promise<void>;
}

export async function serveApi(app: OpenAPIHono, port: number, hostname = '127.0.0.1'): Promise<ApiServer> {
  const server = await new Promise<ReturnType<typeof serve>>((resolve, reject) => {
    const s = serve({ fetch: app.fetch, port, hostname }, () => resolve(s));
    s.once('error', reject);
  });
  const actual = (server.address() as AddressInfo).port;
  return {
    url: `http://${hostname}:${actual}`,
    port: actual,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        (server as { closeIdleConnections?: () => void }).closeIdleConnections?.();
      }),
  };
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
};

/**
 * Serves a built single-page app (the dashboard's `dist/`) at `/`: a file when the path names one, otherwise
 * index.html, so that the app's own routes survive a reload. /v1, /openapi.json and /docs stay the API's.
 */
export function serveDashboard(app: OpenAPIHono, distDir: string): void {
  const index = join(distDir, 'index.html');
  if (!existsSync(index)) throw new Error(`dashboard: ${index} is missing; run npm run build`);
  const root = normalize(distDir + sep);
  app.get('*', (c, next) => {
    const path = c.req.path;
    if (path.startsWith('/v1/') || path === '/openapi.json' || path.startsWith('/docs')) return next();
    const file = normalize(join(distDir, decodeURIComponent(path)));
    const isFile = file.startsWith(root) && existsSync(file) && statSync(file).isFile();
    const chosen = isFile ? file : index;
    const type = TYPES[extname(chosen)] ?? 'application/octet-stream';
    // Vite's hashed assets never change; index.html must be fetched anew to find the newest.
    const cache = chosen.includes(`${sep}assets${sep}`) ? 'public, max-age=31536000, immutable' : 'no-cache';
    return c.body(readFileSync(chosen), 200, { 'content-type': type, 'cache-control': cache });
  });
}
