/**
 * Citus readiness, checked on the catalogue of the migrated database: every table is classified in
 * src/db/distribution.ts, distributed tables carry workspace_id in every key, reference tables
 * point only at reference tables, and the statements that place them come in an order Citus accepts.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Queryable } from './database.ts';
import { DISTRIBUTION_COLUMN, TABLE_PLACEMENT, citusPlan, readTableRefs, type Placement } from './distribution.ts';
import { describeEachDatabase } from './testDatabase.ts';

interface Constraint {
  table: string;
  name: string;
  type: 'p' | 'u' | 'f' | 'x' | 'i';
  columns: (string | null)[];
  refTable: string | null;
  refColumns: string[];
  onDelete: string;
  /** `ON DELETE SET NULL (cols)` (PostgreSQL 15+): only these columns are set; empty means all. */
  onDeleteColumns: string[];
}

/** Primary keys, unique and exclusion constraints, foreign keys, and unique indexes that back no constraint. */
async function readConstraints(db: Queryable): Promise<Constraint[]> {
  const { rows } = await db.query<Constraint>(
    `SELECT r.relname AS table, c.conname AS name, c.contype AS type,
       array(SELECT a.attname::text FROM unnest(c.conkey) WITH ORDINALITY k(n, i) JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.n ORDER BY k.i) AS columns,
       f.relname AS "refTable",
       coalesce(array(SELECT a.attname::text FROM unnest(c.confkey) WITH ORDINALITY k(n, i) JOIN pg_attribute a ON a.attrelid = c.confrelid AND a.attnum = k.n ORDER BY k.i), '{}') AS "refColumns",
       c.confdeltype AS "onDelete",
       coalesce(array(SELECT a.attname::text FROM unnest(c.confdelsetcols) k(n) JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.n), '{}') AS "onDeleteColumns"
     FROM pg_constraint c JOIN pg_class r ON r.oid = c.conrelid JOIN pg_namespace n ON n.oid = r.relnamespace
     LEFT JOIN pg_class f ON f.oid = c.confrelid
     WHERE n.nspname = 'public' AND c.contype IN ('p', 'u', 'f', 'x')
     UNION ALL
     -- Unique indexes of their own (partial, on expressions): an expression column shows as null.
     SELECT r.relname, i.relname, 'i',
       array(SELECT CASE WHEN k.n = 0 THEN NULL ELSE a.attname::text END FROM unnest(x.indkey) WITH ORDINALITY k(n, o)
             LEFT JOIN pg_attribute a ON a.attrelid = x.indrelid AND a.attnum = k.n ORDER BY k.o),
       NULL, '{}', ' ', '{}'
     FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_class r ON r.oid = x.indrelid JOIN pg_namespace n ON n.oid = r.relnamespace
     WHERE n.nspname = 'public' AND x.indisunique AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = x.indexrelid)`,
  );
  return rows;
}

const KIND = { p: 'primary key', u: 'unique constraint', x: 'exclusion constraint', i: 'unique index', f: 'foreign key' } as const;

/** What keeps each table from its placement on Citus: `table: reason` lines. */
export async function distributionViolations(db: Queryable, placement: Record<string, Placement> = TABLE_PLACEMENT): Promise<Map<string, string[]>> {
  const found = new Map<string, string[]>();
  const note = (table: string, why: string) => found.set(table, [...(found.get(table) ?? []), why]);
  const tables = (await readTableRefs(db)).map((t) => t.table);
  for (const t of tables) if (!placement[t]) note(t, 'not classified in src/db/distribution.ts');
  for (const t of Object.keys(placement)) if (!tables.includes(t)) note(t, 'classified in src/db/distribution.ts but no such table');

  const { rows: columns } = await db.query<{ table: string; type: string; notNull: boolean }>(
    `SELECT c.relname AS table, format_type(a.atttypid, a.atttypmod) AS type, a.attnotnull AS "notNull"
     FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace
     WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') AND a.attname = $1 AND NOT a.attisdropped`,
    [DISTRIBUTION_COLUMN],
  );
  const distColumn = new Map(columns.map((c) => [c.table, c]));
  for (const t of tables) {
    if (placement[t]?.kind !== 'distributed') continue;
    const col = distColumn.get(t);
    if (!col) note(t, `distributed, but has no ${DISTRIBUTION_COLUMN}`);
    else if (col.type !== 'uuid' || !col.notNull) note(t, `${DISTRIBUTION_COLUMN} must be uuid NOT NULL to co-locate (is ${col.type}${col.notNull ? '' : ', nullable'})`);
  }

  for (const c of await readConstraints(db)) {
    const from = placement[c.table]?.kind;
    if (c.type !== 'f') {
      if (from === 'distributed' && !c.columns.includes(DISTRIBUTION_COLUMN)) note(c.table, `${KIND[c.type]} ${c.name} (${c.columns.map((x) => x ?? '<expr>').join(', ')}) lacks ${DISTRIBUTION_COLUMN}`);
      continue;
    }
    const to = placement[c.refTable!]?.kind;
    if (from === 'reference' && to !== 'reference') note(c.table, `foreign key ${c.name} runs from a reference table to ${to ?? 'an unclassified'} table ${c.refTable}`);
    if (from !== 'distributed') continue;
    if (to === 'local') note(c.table, `foreign key ${c.name} references local table ${c.refTable}`);
    const at = c.columns.indexOf(DISTRIBUTION_COLUMN);
    if (at < 0) note(c.table, `foreign key ${c.name} (${c.columns.join(', ')}) lacks ${DISTRIBUTION_COLUMN}`);
    else if (to === 'distributed' && c.refColumns[at] !== DISTRIBUTION_COLUMN) note(c.table, `foreign key ${c.name} does not match ${DISTRIBUTION_COLUMN} with ${c.refTable}.${DISTRIBUTION_COLUMN}`);
    // ON DELETE SET NULL / SET DEFAULT would rewrite the distribution column.
    const setsDistColumn = c.onDeleteColumns.length === 0 || c.onDeleteColumns.includes(DISTRIBUTION_COLUMN);
    if (at >= 0 && (c.onDelete === 'n' || c.onDelete === 'd') && setsDistColumn) note(c.table, `foreign key ${c.name} sets ${DISTRIBUTION_COLUMN} on delete`);
  }
  return found;
}

describeEachDatabase('Citus: every table classified, distributed keys carry workspace_id', (t) => {
  test('the migrated schema breaks no rule', async () => {
    const violations = [...(await distributionViolations(t.db))].flatMap(([table, why]) => why.map((w) => `${table}: ${w}`));
    assert.deepEqual(violations, [], 'fix the table, or classify it in src/db/distribution.ts');
  });

  test('a new table that is unclassified or breaks a rule is caught', async () => {
    await t.db.query(`CREATE TABLE probe_parent (workspace_id uuid NOT NULL, id uuid NOT NULL, code text, PRIMARY KEY (workspace_id, id))`);
    await t.db.query(`CREATE UNIQUE INDEX probe_parent_code ON probe_parent (lower(code))`);
    await t.db.query(`CREATE TABLE probe_child (workspace_id uuid, id uuid PRIMARY KEY, parent_id uuid, FOREIGN KEY (workspace_id, parent_id) REFERENCES probe_parent (workspace_id, id) ON DELETE SET NULL)`);
    await t.db.query(`CREATE TABLE probe_ref (id uuid PRIMARY KEY, workspace_id uuid NOT NULL, parent_id uuid NOT NULL, FOREIGN KEY (workspace_id, parent_id) REFERENCES probe_parent (workspace_id, id))`);
    try {
      const unclassified = await distributionViolations(t.db);
      assert.deepEqual(unclassified.get('probe_parent'), ['not classified in src/db/distribution.ts']);
      assert.deepEqual(unclassified.get('probe_child'), ['not classified in src/db/distribution.ts']);
      // The Citus step refuses to place anything while they are unclassified.
      assert.deepEqual(citusPlan(await readTableRefs(t.db)).blockers.sort(), ['probe_child', 'probe_parent', 'probe_ref'].map((x) => `${x}: not classified in src/db/distribution.ts`));

      const placed = await distributionViolations(t.db, {
        ...TABLE_PLACEMENT,
        probe_parent: { kind: 'distributed' },
        probe_child: { kind: 'distributed' },
        probe_ref: { kind: 'reference', why: 'probe' },
        probe_gone: { kind: 'local', why: 'probe' },
      });
      assert.deepEqual(placed.get('probe_parent'), ['unique index probe_parent_code (<expr>) lacks workspace_id']);
      // The catalogue lists constraints in no set order.
      assert.deepEqual(placed.get('probe_child')?.sort(), [
        'foreign key probe_child_workspace_id_parent_id_fkey sets workspace_id on delete',
        'primary key probe_child_pkey (id) lacks workspace_id',
        'workspace_id must be uuid NOT NULL to co-locate (is uuid, nullable)',
      ]);
      assert.deepEqual(placed.get('probe_ref'), ['foreign key probe_ref_workspace_id_parent_id_fkey runs from a reference table to distributed table probe_parent']);
      assert.deepEqual(placed.get('probe_gone'), ['classified in src/db/distribution.ts but no such table']);
    } finally {
      await t.db.query('DROP TABLE probe_ref, probe_child, probe_parent');
    }
  });

  test('the Citus step places every table once: reference tables first, each after what it references, distributed ones co-located', async () => {
    const tables = await readTableRefs(t.db);
    const plan = citusPlan(tables);
    assert.deepEqual(plan.blockers, []);

    const placedAt = new Map<string, number>();
    plan.statements.forEach((s, i) => {
      const m = /^SELECT create_(reference|distributed)_table\('([a-z_]+)'/.exec(s);
      assert.ok(m, s);
      assert.equal(placedAt.has(m[2]!), false, `${m[2]} placed once`);
      placedAt.set(m[2]!, i);
      assert.equal(m[1], TABLE_PLACEMENT[m[2]!]!.kind, `${m[2]} placed as classified`);
    });
    const notLocal = tables.filter((x) => TABLE_PLACEMENT[x.table]?.kind !== 'local').map((x) => x.table);
    assert.deepEqual([...placedAt.keys()].sort(), notLocal.sort());
    const lastReference = Math.max(...[...placedAt].filter(([n]) => TABLE_PLACEMENT[n]!.kind === 'reference').map(([, i]) => i));
    const firstDistributed = Math.min(...[...placedAt].filter(([n]) => TABLE_PLACEMENT[n]!.kind === 'distributed').map(([, i]) => i));
    assert.ok(lastReference < firstDistributed, 'reference tables before distributed ones');
    for (const x of tables) for (const r of x.references) if (r !== x.table && placedAt.has(x.table)) assert.ok(placedAt.get(r)! < placedAt.get(x.table)!, `${r} placed before ${x.table}`);

    const distributedStatements = plan.statements.filter((s) => s.includes('create_distributed_table'));
    const anchor = /'([a-z_]+)'/.exec(distributedStatements[0]!)![1];
    assert.equal(distributedStatements[0], `SELECT create_distributed_table('${anchor}', 'workspace_id', colocate_with => 'none')`);
    for (const s of distributedStatements.slice(1)) assert.match(s, new RegExp(`^SELECT create_distributed_table\\('[a-z_]+', 'workspace_id', colocate_with => '${anchor}'\\)$`));
    assert.ok(plan.statements.includes(`SELECT create_reference_table('workspaces')`));
  });

  test('without the citus extension the migration step changes nothing', async () => {
    const { distributeOnCitus } = await import('./distribution.ts');
    assert.deepEqual(await distributeOnCitus(t.db), []);
  });
});
