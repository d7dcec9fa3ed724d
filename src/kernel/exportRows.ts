import type { Queryable } from '../db/database.ts';

/**
 * Rows as the privacy export gives them: every column, so a column added later is exported without
 * anyone remembering to, under camelCase keys; `workspace_id` is left out, as it is not about the person.
 */
export async function exportRows(q: Queryable, sql: string, values: unknown[]): Promise<Record<string, unknown>[]> {
  const { rows } = await q.query(sql, values);
  return rows.map((row) =>
    Object.fromEntries(
      Object.entries(row)
        .filter(([column]) => column !== 'workspace_id')
        .map(([column, value]) => [column.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase()), value]),
    ),
  );
}
