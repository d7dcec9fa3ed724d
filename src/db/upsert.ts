import type { Queryable } from './database.ts';
import { newId } from './ids.ts';

/**
 * Batch upsert keyed by a client's id (external id, sku), with "absent keeps, null clears"
 * semantics: a field the client did not send keeps its stored value. One INSERT … ON CONFLICT DO
 * NOTHING creates the new rows, one UPDATE applies the sent fields to the rest; both read the
 * batch from a single jsonb parameter, so a batch of thousands is two statements.
 */
export interface UpsertField {
  /** Property name in the input objects. */
  key: string;
  column: string;
  /** SQL type used to read the value out of the jsonb batch. */
  type: 'text' | 'date' | 'timestamptz' | 'bigint' | 'int' | 'uuid' | 'jsonb' | 'char(2)' | 'char(3)' | 'char(7)';
  /** jsonb objects merge key by key into what is stored instead of replacing it. */
  merge?: boolean;
  /** SQL for the inserted value when the field is absent (a column default). */
  insertDefault?: string;
}

export interface UpsertSpec {
  table: string;
  keyColumn: string;
  /** Property of the input objects holding the key. */
  keyField: string;
  fields: UpsertField[];
  /** Extra assignments made on every update, e.g. `updated_at = now()`. */
  touch?: string;
}

export interface UpsertResult {
  ids: Map<string, string>;
  created: number;
  updated: number;
}

export async function upsertByKey(
  q: Queryable,
  spec: UpsertSpec,
  workspaceId: string,
  inputs: Record<string, unknown>[],
): Promise<UpsertResult> {
  const ids = new Map<string, string>();
  if (inputs.length === 0) return { ids, created: 0, updated: 0 };

  // Later items win within a batch: one statement cannot update a row twice.
  const byKey = new Map<string, Record<string, unknown>>();
  for (const input of inputs) {
    const key = String(input[spec.keyField]);
    const previous = byKey.get(key);
    byKey.set(key, previous ? mergeInputs(previous, input, spec.fields) : input);
  }
  // Sorted by key so concurrent batches lock rows in one order and cannot deadlock.
  const batch = JSON.stringify(
    [...byKey].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([key, input]) => {
      const row: Record<string, unknown> = { _id: newId(), _key: key, _set: [] as string[] };
      for (const f of spec.fields) {
        if (input[f.key] === undefined) continue;
        row[f.key] = input[f.key];
        (row._set as string[]).push(f.key);
      }
      return row;
    }),
  );

  const recordType = ['_id uuid', '_key text', '_set text[]', ...spec.fields.map((f) => `"${f.key}" ${f.type}`)].join(', ');
  const source = `jsonb_to_recordset($2::jsonb) AS x(${recordType})`;
  const insertValues = spec.fields.map((f) =>
    f.insertDefault ? `CASE WHEN x._set @> ARRAY['${f.key}'] THEN x."${f.key}" ELSE ${f.insertDefault} END` : `x."${f.key}"`,
  );
  const inserted = await q.query<{ id: string; key: string }>(
    `INSERT INTO ${spec.table} (workspace_id, id, ${spec.keyColumn}, ${spec.fields.map((f) => f.column).join(', ')})
     SELECT $1, x._id, x._key, ${insertValues.join(', ')} FROM ${source}
     ON CONFLICT (workspace_id, ${spec.keyColumn}) DO NOTHING
     RETURNING id, ${spec.keyColumn} AS key`,
    [workspaceId, batch],
  );
  for (const r of inserted.rows) ids.set(r.key, r.id);

  const newValues = spec.fields.map((f) => {
    const value = f.merge ? `t.${f.column} || coalesce(x."${f.key}", '{}'::jsonb)` : `x."${f.key}"`;
    return `CASE WHEN x._set @> ARRAY['${f.key}'] THEN ${value} ELSE t.${f.column} END`;
  });
  const assignments = spec.fields.map((f, i) => `${f.column} = ${newValues[i]}`);
  if (spec.touch) assignments.push(spec.touch);
  // Rows whose values would not change are skipped: a stream of "Product Viewed" events re-sends
  // the same product, and rewriting (and locking) it every batch would serialise ingest on it.
  const updated = await q.query<{ id: string; key: string }>(
    `UPDATE ${spec.table} t SET ${assignments.join(', ')}
     FROM ${source}
     WHERE t.workspace_id = $1 AND t.${spec.keyColumn} = x._key AND cardinality(x._set) > 0 AND NOT (x._key = ANY($3::text[]))
       AND ROW(${newValues.join(', ')}) IS DISTINCT FROM ROW(${spec.fields.map((f) => `t.${f.column}`).join(', ')})
     RETURNING t.id, t.${spec.keyColumn} AS key`,
    [workspaceId, batch, inserted.rows.map((r) => r.key)],
  );
  for (const r of updated.rows) ids.set(r.key, r.id);
  // Rows sent with no fields (a bare reference) or no changes are not rewritten, but the caller still needs their ids.
  const untouched = [...byKey.keys()].filter((k) => !ids.has(k));
  if (untouched.length > 0) {
    const { rows } = await q.query<{ id: string; key: string }>(
      `SELECT id, ${spec.keyColumn} AS key FROM ${spec.table} WHERE workspace_id = $1 AND ${spec.keyColumn} = ANY($2::text[])`,
      [workspaceId, untouched],
    );
    for (const r of rows) ids.set(r.key, r.id);
  }
  return { ids, created: inserted.rows.length, updated: updated.rows.length };
}

function mergeInputs(a: Record<string, unknown>, b: Record<string, unknown>, fields: UpsertField[]): Record<string, unknown> {
  const merged = { ...a };
  for (const [k, v] of Object.entries(b)) {
    if (v === undefined) continue;
    const field = fields.find((f) => f.key === k);
    merged[k] = field?.merge && isObject(a[k]) && isObject(v) ? { ...a[k], ...v } : v;
  }
  return merged;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Ids for client keys, creating bare rows for the unknown ones (an order for a customer we have not
 * seen yet). Known keys are the common case, so they are looked up first and only the rest are
 * inserted; a row inserted concurrently by another transaction is picked up by the last look.
 */
export async function resolveKeys(
  q: Queryable,
  table: string,
  keyColumn: string,
  workspaceId: string,
  keys: string[],
): Promise<Map<string, string>> {
  // Sorted, so that concurrent batches take the unique-index locks in one order and cannot deadlock.
  const unique = [...new Set(keys)].sort();
  const ids = new Map<string, string>();
  if (unique.length === 0) return ids;
  const lookup = async (wanted: string[]) => {
    const { rows } = await q.query<{ key: string; id: string }>(
      `SELECT ${keyColumn} AS key, id FROM ${table} WHERE workspace_id = $1 AND ${keyColumn} = ANY($2::text[])`,
      [workspaceId, wanted],
    );
    for (const r of rows) ids.set(r.key, r.id);
  };
  await lookup(unique);
  let missing = unique.filter((k) => !ids.has(k));
  if (missing.length === 0) return ids;
  const { rows } = await q.query<{ key: string; id: string }>(
    `INSERT INTO ${table} (workspace_id, id, ${keyColumn})
     SELECT $1, id, key FROM unnest($2::text[], $3::uuid[]) AS t(key, id)
     ON CONFLICT (workspace_id, ${keyColumn}) DO NOTHING
     RETURNING ${keyColumn} AS key, id`,
    [workspaceId, missing, missing.map(() => newId())],
  );
  for (const r of rows) ids.set(r.key, r.id);
  missing = missing.filter((k) => !ids.has(k));
  if (missing.length > 0) await lookup(missing);
  return ids;
}
