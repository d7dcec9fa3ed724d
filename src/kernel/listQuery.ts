import { z } from 'zod';

/** Cursor pagination: `limit` and the `nextCursor` of the previous page; ids are UUIDv7, so pages follow creation order. */
export const pageQuery = z.object({
  limit: z.coerce.number().int().min(1).max(500).default(50),
  cursor: z.string().min(1).max(200).optional().describe('nextCursor of the previous page'),
});

export const page = <T extends z.ZodType>(item: T) => z.object({ data: z.array(item), nextCursor: z.string().nullable() });

export { instant } from '../lib/instant.ts';
