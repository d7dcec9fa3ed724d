import { z } from 'zod';
import { ValidationError } from './errors.ts';

/** Cursor pagination: `limit` and the `nextCursor` of the previous page; ids are UUIDv7, so pages follow creation order. */
export const pageQuery = z.object({
  limit: z.coerce.number().int().min(1).max(500).default(50),
  cursor: z.string().min(1).max(200).optional().describe('nextCursor of the previous page'),
});

/** A page's cursor names its last id; opaque to clients. */
export function encodeCursor(id: string): string {
  return Buffer.from(id).toString('base64url');
}

export function decodeCursor(cursor: string): string {
  const id = Buffer.from(cursor, 'base64url').toString('utf8');
  if (!/^[0-9a-f-]{36}$/.test(id)) throw new ValidationError('Invalid cursor', [{ path: ['query', 'cursor'], message: 'not a cursor from a previous page' }]);
  return id;
}

export const page = <T extends z.ZodType>(item: T) => z.object({ data: z.array(item), nextCursor: z.string().nullable() });

export { instant } from '../lib/instant.ts';
