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

/**
 * The WHERE of a list query, built filter by filter: `add('status = ?', value)` appends a condition
 * in which every `?` stands for the value's parameter; `values` are the query's parameters in order.
 */
export class ListFilter {
  readonly values: unknown[] = [];
  private readonly conditions: string[] = [];

  constructor(sql: string, value: unknown) {
    this.add(sql, value);
  }

  add(sql: string, value: unknown): void {
    this.values.push(value);
    this.conditions.push(sql.replaceAll('?', `$${this.values.length}`));
  }

  get sql(): string {
    return this.conditions.join(' AND ');
  }

  /** The LIMIT parameter: one row more than the page, to tell whether another page follows (`pageOf`). */
  limit(pageSize: number): string {
    this.values.push(pageSize + 1);
    return `$${this.values.length}`;
  }
}

/** A page of items read with `limit + 1` rows: the first `limit`, and the cursor of the next page if there is one. */
export function pageOf<T extends { id: string }>(items: T[], limit: number): { data: T[]; nextCursor: string | null } {
  const data = items.slice(0, limit);
  return { data, nextCursor: items.length > limit ? encodeCursor(data[data.length - 1]!.id) : null };
}

export const page = <T extends z.ZodType>(item: T) => z.object({ data: z.array(item), nextCursor: z.string().nullable() });

export { instant } from '../lib/instant.ts';
