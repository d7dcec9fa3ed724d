import type { Db } from '../../db/database.ts';
import { newId } from '../../db/ids.ts';

/** A workspace and customers made directly in SQL, so ledger tests need no other module. */
export async function makeWorkspace(db: Db, name = 'loyalty test'): Promise<string> {
  const id = newId();
  await db.query('INSERT INTO workspaces (id, name) VALUES ($1, $2)', [id, name]);
  return id;
}

export async function makeCustomers(
  db: Db,
  workspaceId: string,
  people: { externalId: string; email?: string; phone?: string; postalCode?: string; addressLine1?: string; birthday?: string }[],
): Promise<string[]> {
  const ids = people.map(() => newId());
  await db.query(
    `INSERT INTO customers (workspace_id, id, external_id, email, phone, postal_code, address_line1, birthday)
     SELECT $1, * FROM unnest($2::uuid[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::date[])`,
    [
      workspaceId,
      ids,
      people.map((p) => p.externalId),
      people.map((p) => p.email ?? null),
      people.map((p) => p.phone ?? null),
      people.map((p) => p.postalCode ?? null),
      people.map((p) => p.addressLine1 ?? null),
      people.map((p) => p.birthday ?? null),
    ],
  );
  return ids;
}
