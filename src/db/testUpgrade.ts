import type { Db } from './database.ts';
import { migrate } from './migrate.ts';

/**
 * An upgrade, replayed on a migrated test database: `undo` puts the schema back as it was before
 * `migrationId` (the rows already there stay, as on an installation of that time), the migration
 * is struck from the log, and `migrate` applies it again. Returns what `migrate` applied.
 */
export async function replayUpgrade(db: Db, migrationId: string, undo: string): Promise<string[]> {
  await db.tx(async (tx) => {
    await tx.query(undo);
    await tx.query('DELETE FROM kizuna_migrations WHERE id = $1', [migrationId]);
  });
  return migrate(db);
}
