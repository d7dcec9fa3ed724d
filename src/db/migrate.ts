import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import path from 'node:path';
import { PROJECT_ROOT } from '../kernel/projectRoot.ts';
import { backfillSearchText } from '../modules/customers/searchText.ts';
import type { Db, Queryable } from './database.ts';
import { distributeOnCitus } from './distribution.ts';

/**
 * Each module keeps its SQL in `src/modules/<module>/migrations/NNN_name.sql`. Modules are applied in
 * dependency order (a module's tables may reference only the modules before it), files in name order.
 * A migration runs once, in its own transaction, under an advisory lock so two processes starting
 * together do not race.
 */
export const MODULE_ORDER = [
  'workspaces',
  'users',
  'customers',
  'catalog',
  'orders',
  'events',
  'accounts',
  'intelligence',
  'jobs',
  'recommendations',
  'coupons',
  'segments',
  'webhooks',
  'loyalty',
  'messaging',
  'journeys',
  'surveys',
  'ugc',
  'media',
] as const;

const MODULES_DIR = pathToFileURL(path.join(PROJECT_ROOT, 'src', 'modules') + path.sep);
const LOCK_ID = 0x6b697a75; // "kizu"

export interface Migration {
  id: string;
  sql: string;
}

export function listMigrations(modules: readonly string[] = MODULE_ORDER): Migration[] {
  return modules.flatMap((module) => {
    const dir = new URL(`${module}/migrations/`, MODULES_DIR);
    if (!existsSync(dir)) return [];
    return readdirSync(dir)
      .filter((f) => f.endsWith('.sql'))
      .sort()
      .map((file) => ({ id: `${module}/${file}`, sql: readFileSync(new URL(file, dir), 'utf8') }));
  });
}

/** Data a SQL file cannot compute (it needs a JavaScript library), filled in the migration's own transaction. */
const BACKFILLS: Record<string, (tx: Queryable) => Promise<unknown>> = {
  'customers/003_search_text.sql': backfillSearchText,
};

export async function migrate(db: Db): Promise<string[]> {
  const applied = await applyMigrations(db);
  // On Citus, new tables are placed (distributed or reference) under the same lock; elsewhere a no-op.
  await db.tx(async (tx) => {
    await tx.query('SELECT pg_advisory_xact_lock($1)', [LOCK_ID]);
    await distributeOnCitus(tx);
  });
  return applied;
}

async function applyMigrations(db: Db): Promise<string[]> {
  return db.tx(async (tx) => {
    await tx.query('SELECT pg_advisory_xact_lock($1)', [LOCK_ID]);
    await tx.query(`CREATE TABLE IF NOT EXISTS kizuna_migrations (
      id text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())`);
    const done = new Set((await tx.query<{ id: string }>('SELECT id FROM kizuna_migrations')).rows.map((r) => r.id));
    const applied: string[] = [];
    for (const m of listMigrations()) {
      if (done.has(m.id)) continue;
      await tx.query(m.sql);
      await BACKFILLS[m.id]?.(tx);
      await tx.query('INSERT INTO kizuna_migrations (id) VALUES ($1)', [m.id]);
      applied.push(m.id);
    }
    return applied;
  });
}
