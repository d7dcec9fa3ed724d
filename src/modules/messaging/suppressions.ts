import type { Queryable } from '../../db/database.ts';
import { contactHash } from '../customers/service.ts';

export type SuppressionReason = 'unsubscribed' | 'hard_bounce' | 'complaint';

/**
 * Adds addresses to the customers module's suppression list (hashed as it hashes them). The
 * customers service has no bulk writer for it yet; this is the one place messaging writes there.
 * An existing entry keeps its reason unless the new one is stronger (a hard bounce beats an unsubscribe).
 */
export async function addSuppressions(q: Queryable, workspaceId: string, entries: { kind: 'email' | 'phone' | 'line'; value: string; reason: SuppressionReason }[]): Promise<void> {
  if (entries.length === 0) return;
  await q.query(
    `INSERT INTO suppressions (workspace_id, value_hash, kind, reason)
     SELECT $1, hash, kind, reason FROM unnest($2::text[], $3::text[], $4::text[]) AS t(hash, kind, reason)
     ON CONFLICT (workspace_id, value_hash) DO UPDATE SET reason = EXCLUDED.reason
       WHERE suppressions.reason NOT IN ('erased', 'hard_bounce') AND EXCLUDED.reason = 'hard_bounce'`,
    [workspaceId, entries.map((e) => contactHash(e.value)), entries.map((e) => e.kind), entries.map((e) => e.reason)],
  );
}
