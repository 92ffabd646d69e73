// A static server for the built dashboard (dist/) that forwards /v1/... to a running API: what the service will do,
// for the browser tests and for looking at a build against `npm start` (node --import tsx
// apps/dashboard/src/serve-dist.ts http://127.0.0.1:8787 [port]). Paths that are not files get index.html (the app
// routes by hash, so only / is needed today; the fallback keeps deep links working if it ever routes by path).
import { createServer, type Server } from 'node:http';
import { once } from 'node:events';
import { readFile, stat } from 'node:fs/promises';
import { extname, join, normalize, resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

export const DIST_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '..', 'dist');

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
};

export interface DashboardServer {
  url: string;
  close(): Promise<void>;
}

export async function serveDashboard(apiUrl: string, port = 0, distDir = DIST_DIR): Promise<DashboardServer> {
  const server: Server = createServer(async (req, res) => {
    try {
      const url = new URL(req.url ?? '/', 'http://localhost');
      if (url.pathname.startsWith('/v1/')) {
        const upstream = await fetch(new URL(url.pathname + url.search, apiUrl), { method: req.method });
        res.writeHead(upstream.status, { 'content-type': upstream.headers.get('content-type') ?? 'application/json' });
        res.end(Buffer.from(await upstream.arrayBuffer()));
        return;
      }
      let file = join(distDir, normalize(url.pathname).replace(/^(\.\.[/\\])+/, ''));
      if (!file.startsWith(distDir) || !(await stat(file).catch(() => null))?.isFile())
        file = join(distDir, 'index.html');
      res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' });
      res.end(await readFile(file));
    } catch (err) {
      res.writeHead(502, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: { code: 'bad_gateway', field: null, reason: (err as Error).message } }));
    }
  });
  server.listen(port, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('dashboard: no TCP address');
  return {
    url: `http://127.0.0.1:${address.port}`,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const server = await serveDashboard(process.argv[2] ?? 'http://127.0.0.1:8787', Number(process.argv[3] ?? 5173));
  console.log(`dashboard ${server.url}`);
}
