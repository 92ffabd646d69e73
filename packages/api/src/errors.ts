// The one error shape of the HTTP API: `{ error: { code, field, reason } }`. `field` names the request part at fault
// (`query.limit`, `path.slot`, `body.signature`), `reason` says why in words a user can act on. An internal error's own
// text never reaches a caller: it is logged, and the caller is told only that it happened.
import { z } from '@hono/zod-openapi';
import { GreenhourError } from '@greenhour/errors';

export const ERROR_CODES = [
  'bad_request',
  'unauthorized',
  'not_found',
  'method_not_allowed',
  'conflict',
  'already_known',
  'nonce_too_low',
  'would_revert',
  'unprocessable',
  'rate_limited',
  'not_ready',
  'internal',
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

const STATUS: Record<ErrorCode, number> = {
  bad_request: 400,
  unauthorized: 401,
  not_found: 404,
  method_not_allowed: 405,
  conflict: 409,
  already_known: 409,
  nonce_too_low: 409,
  would_revert: 422,
  unprocessable: 422,
  rate_limited: 429,
  not_ready: 503,
  internal: 500,
};

export const ErrorBody = z
  .object({
    error: z.object({
      code: z.enum(ERROR_CODES).openapi({ description: 'What kind of failure; the HTTP status follows from it.' }),
      field: z.string().openapi({ description: 'The request part at fault, e.g. `query.limit`; `request` when none.' }),
      reason: z.string().openapi({ description: 'Why, in words a user can act on.' }),
    }),
  })
  .openapi('Error');
export type ErrorBody = z.infer<typeof ErrorBody>;

export class ApiError extends GreenhourError {
  readonly status: number;
  constructor(
    readonly code: ErrorCode,
    field: string,
    reason: string,
  ) {
    super(field, reason);
    this.status = STATUS[code];
  }
  body(): ErrorBody {
    return { error: { code: this.code, field: this.field, reason: this.reason } };
  }
}

/** The documented error responses every route may give, for its OpenAPI description. */
export const errorResponses = {
  400: {
    description: 'A request field is malformed or out of range',
    content: { 'application/json': { schema: ErrorBody } },
  },
  404: { description: 'Nothing at this path or id', content: { 'application/json': { schema: ErrorBody } } },
  429: { description: 'Too many requests from this client', content: { 'application/json': { schema: ErrorBody } } },
  500: {
    description: 'An internal error (logged by the service)',
    content: { 'application/json': { schema: ErrorBody } },
  },
} as const;
