// Pagination for every list route: `?limit=` (1..500, default 100) and an opaque `?cursor=` taken from the previous
// page's `nextCursor`, which is null on the last page. Cursors are keyset positions (never offsets), so a page is stable
// while new rows arrive.
import { z } from '@hono/zod-openapi';
import { ApiError } from './errors.ts';

export const MAX_PAGE_LIMIT = 500;
export const DEFAULT_PAGE_LIMIT = 100;

export const PageQuery = z.object({
  limit: z
    .string()
    .regex(/^[1-9]\d{0,2}$/, 'must be a whole number 1..500')
    .transform(Number)
    .refine((n) => n <= MAX_PAGE_LIMIT, 'must be a whole number 1..500')
    .optional()
    .openapi({ param: { name: 'limit', in: 'query' }, example: '100', description: 'Items per page, 1..500 (100).' }),
  cursor: z
    .string()
    .max(200)
    .optional()
    .openapi({ param: { name: 'cursor', in: 'query' }, description: "The previous page's `nextCursor`." }),
});

export function pageOf<T extends z.ZodType>(item: T, name: string) {
  return z
    .object({
      items: z.array(item),
      nextCursor: z
        .string()
        .nullable()
        .openapi({ description: 'Pass as `cursor` for the next page; null on the last.' }),
    })
    .openapi(name);
}

/** A cursor that is a sequence of non-negative integers (a keyset position), encoded as `a.b.c`. */
export function decodeIntegerCursor(raw: string | undefined, parts: number): number[] | undefined {
  if (raw === undefined) return undefined;
  const values = raw.split('.');
  if (values.length !== parts || !values.every((v) => /^\d{1,15}$/.test(v)))
    throw new ApiError('bad_request', 'query.cursor', 'not a cursor this route gave out');
  return values.map(Number);
}

export const encodeIntegerCursor = (values: readonly number[]): string => values.join('.');

/**
 * Turns `limit + 1` rows fetched in keyset order into a page: the extra row only says that there is a next page, whose
 * cursor is the position of the last row shown.
 */
export function toPage<Row, Item>(
  rows: readonly Row[],
  limit: number,
  item: (row: Row) => Item,
  position: (row: Row) => readonly number[],
): { items: Item[]; nextCursor: string | null } {
  const shown = rows.slice(0, limit);
  const last = shown[shown.length - 1];
  return {
    items: shown.map(item),
    nextCursor: rows.length > limit && last !== undefined ? encodeIntegerCursor(position(last)) : null,
  };
}
