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

/** Errors that waiting cannot fix: the database does not exist, the server refuses these credentials. */
const FATAL: Record<string, (where: string, database: string, setting: string, serverSaid: string) => string> = {
  '3D000': (where, database, setting) =>
    `database "${database}" does not exist on ${where.split('/')[0]}: create it (\`createdb ${database}\`, or CREATE DATABASE ${database}; as a superuser), or correct ${setting}`,
  '28P01': (where, _database, setting, serverSaid) => `authentication to the database at ${where} failed (${serverSaid}): check the user and password in ${setting}`,
  // A role that does not exist, or no pg_hba.conf entry for this user, host and database.
  '28000': (where, _database, setting, serverSaid) =>
    `the database server refused the connection to ${where} (${serverSaid}): check the user in ${setting}, or ask the server's administrator to allow it (pg_hba.conf)`,
};

export interface WaitOptions {
  timeoutMs?: number;
  /** Told once, after `sayAfterMs`, that the server has not answered yet and why (stderr by default). */
  say?: (line: string) => void;
  sayAfterMs?: number;
  /** The setting the URL came from, for messages. */
  setting?: string;
}

/**
 * Waits for a server that is still starting or recovering from its WAL after a crash; fails at once
 * on what waiting cannot fix (a malformed URL, a missing database, refused credentials).
 */
export async function waitForServer(url: string, { timeoutMs = 30_000, say = (line) => process.stderr.write(`${line}\n`), sayAfterMs = 2_000, setting = 'DATABASE_URL' }: WaitOptions = {}): Promise<void> {
  const target = describeUrl(url, setting);
  const started = Date.now();
  let lastError: unknown;
  const reason = () => (lastError === undefined ? 'no answer yet' : errorText(lastError));
  const waitingNote = setTimeout(() => say(`Waiting for the database at ${target.where} (${reason()}); giving up in ${Math.round((timeoutMs - (Date.now() - started)) / 1000)} s…`), sayAfterMs);
  waitingNote.unref();
  try {
    for (;;) {
      // A host that drops packets would hold connect() for minutes: each try is bounded.
      const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5_000 });
      try {
        await client.connect();
        await client.query('SELECT 1');
        return;
      } catch (err) {
        const fatal = FATAL[(err as { code?: string }).code ?? ''];
        if (fatal) throw new Error(fatal(target.where, target.database, setting, errorText(err)), { cause: err });
        lastError = err;
        if (Date.now() - started > timeoutMs) {
          throw new Error(`the database at ${target.where} did not answer within ${Math.round(timeoutMs / 1000)} s (${errorText(err)})`, { cause: err });
        }
        await new Promise((r) => setTimeout(r, 200));
      } finally {
        await client.end().catch(() => {});
      }
    }
  } finally {
    clearTimeout(waitingNote);
  }
}

/** host:port/database of a connection URL, without its credentials; a URL that is not one fails here. */
export function describeUrl(url: string, setting = 'DATABASE_URL'): { where: string; database: string } {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new Error(`${setting} is not a valid URL: expected postgres://user:password@host:5432/database`);
  }
  if (u.protocol !== 'postgres:' && u.protocol !== 'postgresql:') {
    throw new Error(`${setting} must start with postgres:// or postgresql:// (not ${u.protocol}//)`);
  }
  const database = decodeURIComponent(u.pathname.slice(1)) || decodeURIComponent(u.username) || 'postgres';
  return { where: `${u.host || 'localhost'}/${database}`, database };
}

/** "ECONNREFUSED: connect ECONNREFUSED 127.0.0.1:1", or the message alone. */
function errorText(err: unknown): string {
  const { code, message } = err as { code?: string; message?: string };
  const text = message || (err instanceof AggregateError ? err.errors.map(errorText).join('; ') : String(err));
  return code && !text.includes(code) ? `${code}: ${text}` : text;
}

/** Same server, another database. */
export function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}
