import { randomInt } from 'node:crypto';
import type { Db, Queryable } from '../../db/database.ts';
import { newId } from '../../db/ids.ts';
import type { EventService } from '../events/index.ts';
import type { ProgrammeContext } from './earning.ts';
import { addMonths, evaluateTier } from './tiers.ts';

// No 0/O, 1/I/L: codes are read aloud and typed from paper.
const ALPHABET = '23456789ABCDEFGHJKMNPQRSTUVWXYZ';
const CODE_LENGTH = 8;

export const referralCodeOf = (): string => Array.from({ length: CODE_LENGTH }, () => ALPHABET[randomInt(ALPHABET.length)]).join('');

/** Makes sure each customer has a member row (and so a referral code); a code clash is drawn again. */
export async function ensureMembers(q: Queryable, workspaceId: string, customerIds: string[]): Promise<void> {
  let missing = [...new Set(customerIds)].sort();
  for (let round = 0; missing.length > 0; round++) {
    if (round > 5) throw new Error('could not draw unused referral codes');
    await q.query(
      `INSERT INTO loyalty_members (workspace_id, customer_id, referral_code)
       SELECT $1, * FROM unnest($2::uuid[], $3::text[]) ON CONFLICT DO NOTHING`,
      [workspaceId, missing, missing.map(referralCodeOf)],
    );
    const { rows } = await q.query<{ customer_id: string }>('SELECT customer_id FROM loyalty_members WHERE workspace_id = $1 AND customer_id = ANY($2::uuid[])', [
      workspaceId,
      missing,
    ]);
    const have = new Set(rows.map((r) => r.customer_id));
    missing = missing.filter((id) => !have.has(id));
  }
}

/** Rolling-window qualifying values: net spend of orders, or points earned net of reversals. Never the current balance. */
export async function qualifyingValues(q: Queryable, p: ProgrammeContext, customerIds: string[], now: Date): Promise<Map<string, number>> {
  const from = addMonths(now, -p.settings.tierWindowMonths);
  const window = [p.workspaceId, customerIds, from, now];
  const { rows } =
    p.settings.tierBasis === 'spend'
      ? await q.query<{ customer_id: string; value: number }>(
          `SELECT customer_id, sum(CASE WHEN status = 'cancelled' THEN 0 ELSE total_minor - refunded_minor END)::bigint AS value FROM orders
           WHERE workspace_id = $1 AND customer_id = ANY($2::uuid[]) AND status <> 'pending' AND currency = $5 AND ordered_at > $3 AND ordered_at <= $4
           GROUP BY customer_id`,
          [...window, p.currency],
        )
      : await q.query<{ customer_id: string; value: number }>(
          `SELECT customer_id, sum(points + pending)::bigint AS value FROM points_ledger
           WHERE workspace_id = $1 AND customer_id = ANY($2::uuid[]) AND kind IN ('earn', 'pending', 'reverse') AND created_at > $3 AND created_at <= $4
           GROUP BY customer_id`,
          window,
        );
  return new Map(rows.map((r) => [r.customer_id, Math.max(0, r.value)]));
}

export interface TierChange {
  customerId: string;
  from: string | null;
  to: string | null;
  reason: 'upgrade' | 'downgrade';
  qualifying: number;
}

/**
 * Re-evaluates the tiers of these customers (tiers.ts decides): upgrades at once, downgrades when
 * their period ended. Member rows are locked while deciding, so concurrent runs cannot both change
 * a tier; each change is recorded and announced ("Tier Changed") in the same transaction.
 */
export async function evaluateTiers(
  db: Db,
  events: Pick<EventService, 'insertForCustomers'>,
  p: ProgrammeContext,
  customerIds: string[],
  now: Date,
): Promise<TierChange[]> {
  const { settings } = p;
  if (settings.tiers.length === 0 || customerIds.length === 0) return [];
  const ids = [...new Set(customerIds)].sort();
  await ensureMembers(db, p.workspaceId, ids);
  const values = await qualifyingValues(db, p, ids, now);
  const rules = { tiers: settings.tiers, gracePercent: settings.tierGracePercent, maxDrop: settings.tierMaxDrop, periodMonths: settings.tierWindowMonths };
  return db.tx(async (tx) => {
    const { rows } = await tx.query<{ customer_id: string; tier: string | null; tier_review_at: Date | null }>(
      `SELECT customer_id, tier, tier_review_at FROM loyalty_members WHERE workspace_id = $1 AND customer_id = ANY($2::uuid[]) ORDER BY customer_id FOR UPDATE`,
      [p.workspaceId, ids],
    );
    const updates = rows.flatMap((m) => {
      const decision = evaluateTier(rules, { tier: m.tier, reviewAt: m.tier_review_at }, values.get(m.customer_id) ?? 0, now);
      const same = decision.tier === m.tier && decision.reviewAt?.getTime() === m.tier_review_at?.getTime();
      return same ? [] : [{ customerId: m.customer_id, from: m.tier, ...decision }];
    });
    if (updates.length === 0) return [];
    await tx.query(
      `UPDATE loyalty_members m SET tier = x.tier, tier_review_at = x.review_at, updated_at = now(),
         tier_since = CASE WHEN x.changed THEN $3 ELSE m.tier_since END
       FROM unnest($2::uuid[], $4::text[], $5::timestamptz[], $6::boolean[]) AS x(customer_id, tier, review_at, changed)
       WHERE m.workspace_id = $1 AND m.customer_id = x.customer_id`,
      [p.workspaceId, updates.map((u) => u.customerId), now, updates.map((u) => u.tier), updates.map((u) => u.reviewAt), updates.map((u) => u.change !== null)],
    );
    const changes: TierChange[] = updates.flatMap((u) =>
      u.change ? [{ customerId: u.customerId, from: u.from, to: u.tier, reason: u.change, qualifying: values.get(u.customerId) ?? 0 }] : [],
    );
    if (changes.length === 0) return [];
    await tx.query(
      `INSERT INTO loyalty_tier_changes (workspace_id, customer_id, id, from_tier, to_tier, reason, qualifying, changed_at)
       SELECT $1, customer_id, id, from_tier, to_tier, reason, qualifying, $2
       FROM unnest($3::uuid[], $4::uuid[], $5::text[], $6::text[], $7::text[], $8::bigint[]) AS x(customer_id, id, from_tier, to_tier, reason, qualifying)`,
      [
        p.workspaceId,
        now,
        changes.map((c) => c.customerId),
        changes.map(() => newId()),
        changes.map((c) => c.from),
        changes.map((c) => c.to),
        changes.map((c) => c.reason),
        changes.map((c) => c.qualifying),
      ],
    );
    await events.insertForCustomers(
      p.workspaceId,
      changes.map((c) => ({
        customerId: c.customerId,
        messageId: `loyalty:tier-changed:${c.customerId}:${c.to ?? 'none'}:${now.toISOString()}`,
        name: 'Tier Changed',
        properties: { from: c.from, to: c.to, direction: c.reason, qualifying: c.qualifying, basis: settings.tierBasis },
        occurredAt: now,
      })),
      tx,
    );
    return changes;
  });
}

/** Members whose tier period has ended: what `process` re-evaluates for downgrades. */
export async function membersDueForReview(q: Queryable, workspaceId: string, now: Date): Promise<string[]> {
  const { rows } = await q.query<{ customer_id: string }>(
    'SELECT customer_id FROM loyalty_members WHERE workspace_id = $1 AND tier IS NOT NULL AND tier_review_at <= $2',
    [workspaceId, now],
  );
  return rows.map((r) => r.customer_id);
}
