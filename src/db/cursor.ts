import type { Db } from './database.ts';

/**
 * The rows of a query, `batch` at a time, through a server-side cursor in its own read-only
 * transaction: a whole-table export streams without holding the result in memory or paying OFFSET.
 * The connection is released when the iteration ends, fails or is abandoned (the client went away).
 */
export async function* cursorRows(db: Db, sql: string, values: unknown[], batch = 2000): AsyncGenerator<Record<string, unknown>> {
  const client = await db.pool.connect();
  let broken = false;
  try {
    await client.query('BEGIN READ ONLY');
    await client.query(`DECLARE export_cursor NO SCROLL CURSOR FOR ${sql}`, values);
    for (;;) {
      const { rows } = await client.query(`FETCH ${batch} FROM export_cursor`);
      yield* rows;
      if (rows.length < batch) break;
    }
    await client.query('COMMIT');
  } catch (err) {
    broken = true;
    throw err;
  } finally {
    // Abandoned mid-way (return() from a closed response): roll back before the connection goes back.
    if (!broken) await client.query('ROLLBACK').catch(() => (broken = true));
    client.release(broken);
  }
}
