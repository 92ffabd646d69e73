export { createApi, createRouter, publishOpenApi, type ApiApp, type ApiConfig } from './app.ts';
export { ApiError, ErrorBody, errorResponses, ERROR_CODES, type ErrorCode } from './errors.ts';
export {
  PageQuery,
  pageOf,
  toPage,
  decodeIntegerCursor,
  encodeIntegerCursor,
  MAX_PAGE_LIMIT,
  DEFAULT_PAGE_LIMIT,
} from './pagination.ts';
export { serveApi, serveDashboard, type ApiServer } from './server.ts';
export { z, createRoute } from '@hono/zod-openapi';
export { jsonContent, integerParam } from './routes.ts';
