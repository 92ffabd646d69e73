// The attestation API alone, on a port of its own: what the attestation and light-node tests serve. The service
// (apps/service) mounts the same routes beside the other domains'.
import pino from 'pino';
import { createApi, publishOpenApi, serveApi, type ApiServer } from '@greenhour/api';
import type { Database } from '@greenhour/store';
import type { Ingest } from './ingest.ts';
import { attestationRoutes, type AttestationRoutesOptions } from './routes.ts';

export async function startApi(
  db: Database,
  ingest: Ingest,
  port = 0,
  options: AttestationRoutesOptions = {},
): Promise<ApiServer> {
  const app = createApi({ log: pino({ level: 'silent' }), rateLimitPerMinute: 0, version: '0.1.0' });
  app.route('/', attestationRoutes(db, ingest, options));
  publishOpenApi(app, '0.1.0');
  return serveApi(app, port);
}
