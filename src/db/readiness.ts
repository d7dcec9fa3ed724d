import type { Queryable } from './database.ts';
import { listMigrations } from './migrate.ts';

/** The migration ids of this build, read from disk once. */
let shipped: string[] | undefined;

export type Readiness = { ready: true } | { ready: false; reason: string };

/**
 * Whether this process can serve: the database answers, every migration this build ships is
 * applied (a process started from a newer build than the schema must not take traffic), and the
 * read pool (DATABASE_READ_URL) answers when there is one.
 */
export async function checkReadiness(db: Queryable, { readDb = db, timeoutMs = 2_000 }: { readDb?: Queryable; timeoutMs?: number } = {}): Promise<Readiness> {
  let applied: Set<string>;
  try {
    const rows = await withTimeout(db.query<{ id: string }>('SELECT id FROM kizuna_migrations'), timeoutMs);
    applied = new Set(rows.rows.map((r) => r.id));
  } catch (err) {
    const code = (err as { code?: string }).code;
    // 42P01: the migration log does not exist yet (a database never migrated).
    if (code === '42P01') return { ready: false, reason: 'migrations_pending: the database has never been migrated' };
    return { ready: false, reason: `database_unreachable: ${err instanceof Error ? err.message : String(err)}` };
  }
  shipped ??= listMigrations().map((m) => m.id);
  const pending = shipped.filter((id) => !applied.has(id));
  if (pending.length > 0) return { ready: false, reason: `migrations_pending: ${pending.slice(0, 5).join(', ')}${pending.length > 5 ? ', …' : ''}` };
  // DATABASE_READ_URL's pool serves KPIs, exports and previews: a process that cannot reach it would answer those with errors.
  if (readDb !== db) {
    try {
      await withTimeout(readDb.query('SELECT 1'), timeoutMs);
    } catch (err) {
      return { ready: false, reason: `read_database_unreachable: ${err instanceof Error ? err.message : String(err)}` };
    }
  }
  return { ready: true };
}

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}
