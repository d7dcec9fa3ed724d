import pg from 'pg';

/**
 * One handle on the database for the whole process. Services receive it and own their SQL;
 * `tx` gives them all-or-nothing writes.
 */
export interface Queryable {
  query<R extends pg.QueryResultRow = Record<string, unknown>>(text: string, values?: unknown[]): Promise<pg.QueryResult<R>>;
}

export interface Db extends Queryable {
  readonly pool: pg.Pool;
  readonly url: string;
  /**
   * Runs `fn` in a transaction; rolls back if it throws. A deadlock or serialization failure is
   * retried (a few times, with jitter), so `fn` must do nothing outside the database. `fn` must
   * await every query it starts before it returns or throws: a query still in flight would run
   * after the ROLLBACK, outside the transaction.
   */
  tx<T>(fn: (client: Tx) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

export interface Tx extends Queryable {
  readonly client: pg.PoolClient;
}

// bigint (int8) and numeric arrive as strings by default; counts and ids fit in a JS number, money
// in minor units too (2^53 yen is plenty), so parse them once here.
pg.types.setTypeParser(pg.types.builtins.INT8, (v) => Number(v));
pg.types.setTypeParser(pg.types.builtins.NUMERIC, (v) => Number(v));

/** deadlock_detected, serialization_failure: the server asks us to try again. */
const RETRYABLE = new Set(['40P01', '40001']);
const MAX_ATTEMPTS = 4;

export function connect(url: string, options: { max?: number } = {}): Db {
  const pool = new pg.Pool({ connectionString: url, max: options.max ?? 10 });
  // An idle client losing its connection (server restart) must not crash the process.
  pool.on('error', () => {});
  return {
    pool,
    url,
    query: (text, values) => pool.query(text, values),
    async tx(fn) {
      for (let attempt = 1; ; attempt++) {
        const client = await pool.connect();
        try {
          await client.query('BEGIN');
          const result = await fn({ client, query: (text, values) => client.query(text, values) });
          await client.query('COMMIT');
          return result;
        } catch (err) {
          await client.query('ROLLBACK').catch(() => {});
          if (attempt < MAX_ATTEMPTS && RETRYABLE.has((err as { code?: string }).code ?? '')) {
            await new Promise((r) => setTimeout(r, Math.random() * 20 * attempt));
            continue;
          }
          throw err;
        } finally {
          client.release();
        }
      }
    },
    close: () => pool.end(),
  };
}

/** Waits for a server that is still starting or recovering from its WAL after a crash. */
export async function waitForServer(url: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const client = new pg.Client({ connectionString: url });
    try {
      await client.connect();
      await client.query('SELECT 1');
      return;
    } catch (err) {
      if (Date.now() > deadline) throw err;
      await new Promise((r) => setTimeout(r, 200));
    } finally {
      await client.end().catch(() => {});
    }
  }
}

/** Same server, another database. */
export function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}
