import assert from 'node:assert/strict';
import { test } from 'node:test';
import { migrate, listMigrations } from './migrate.ts';
import { describeEachDatabase } from './testDatabase.ts';

describeEachDatabase('migrations', (t) => {
  test('apply every module and are idempotent', async () => {
    const all = listMigrations().map((m) => m.id);
    const applied = (await t.db.query<{ id: string }>('SELECT id FROM kizuna_migrations ORDER BY id')).rows.map((r) => r.id);
    assert.deepEqual(applied.sort(), [...all].sort());
    assert.deepEqual(await migrate(t.db), []);
  });

  // Besides the tenants themselves and the migration log, only sign-in throttling is global: a
  // sign-in names an email before any workspace is known (a Citus reference table).
  test('every table carries workspace_id', async () => {
    const { rows } = await t.db.query<{ table_name: string }>(`
      SELECT table_name FROM information_schema.tables t
      WHERE table_schema = 'public' AND table_type = 'BASE TABLE' AND table_name NOT IN ('workspaces', 'kizuna_migrations', 'sign_in_throttle')
        AND NOT EXISTS (SELECT 1 FROM information_schema.columns c
                        WHERE c.table_name = t.table_name AND c.column_name = 'workspace_id')`);
    assert.deepEqual(rows, []);
  });
});
