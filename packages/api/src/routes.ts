// Pieces every domain's routes use: a JSON response of a schema, and an integer path or query parameter (decimal
// digits only: `0x30` and `1e3` are not integers here).
import { z } from '@hono/zod-openapi';

export const jsonContent = <T extends z.ZodType>(schema: T, description: string) => ({
  description,
  content: { 'application/json': { schema } },
});

export const integerParam = (name: string, where: 'path' | 'query', description: string) =>
  z
    .string()
    .regex(/^\d{1,15}$/, 'must be a non-negative integer')
    .transform(Number)
    .openapi({ param: { name, in: where }, example: '1', description });
