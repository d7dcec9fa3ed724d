import type { Queryable } from '../../db/database.ts';
import { newId } from '../../db/ids.ts';
import type { Content } from './messenger.ts';
import type { Channel } from './types.ts';

/**
 * Seed copies and proofs: the team's own addresses (the seed list) receive what customers receive.
 * A seed copy is one copy of a campaign's message per seed address, sent by the workers alongside
 * the campaign (rate-limited like it, not through the customer gate, not in the report); a proof is
 * the same message sent on demand before the campaign goes out.
 */
export const SEED_COPY_HEADER = 'X-Kizuna-Seed-Copy';
export const PROOF_HEADER = 'X-Kizuna-Proof';

/** Seed addresses by channel: emails for email, phone numbers for SMS (the other channels have none). */
export function seedAddressesFor(channel: Channel, addresses: string[]): string[] {
  if (channel === 'email') return addresses.filter((a) => a.includes('@'));
  if (channel === 'sms') return addresses.filter((a) => /^\+?\d{6,15}$/.test(a));
  return [];
}

/** The content marked in its subject (email) or text (SMS), so nobody mistakes it for a customer's own. */
export function markedContent(content: Content, mark: string): Content {
  if (content.channel === 'email') return { ...content, subject: `${mark} ${content.subject}` };
  if (content.channel === 'sms') return { ...content, text: `${mark} ${content.text}` };
  return content;
}

/**
 * At a campaign's launch: a queued seed copy per seed address of its channel, rendered for its
 * first treated delivery (a real recipient's message). Idempotent, like the launch.
 */
export async function enqueueSeedCopies(q: Queryable, workspaceId: string, campaign: { id: string; channel: Channel }, now: Date): Promise<number> {
  const { rows: seeds } = await q.query<{ address: string }>('SELECT address FROM messaging_seed_addresses WHERE workspace_id = $1', [workspaceId]);
  const addresses = seedAddressesFor(campaign.channel, seeds.map((s) => s.address));
  if (addresses.length === 0) return 0;
  const { rowCount } = await q.query(
    `INSERT INTO seed_copies (workspace_id, id, campaign_id, address, delivery_id, state, due_at)
     SELECT $1, x.id, $2, x.address, d.id, 'queued', $5
     FROM unnest($3::uuid[], $4::text[]) AS x(id, address)
     CROSS JOIN (SELECT id FROM deliveries WHERE workspace_id = $1 AND campaign_id = $2 AND arm = 'treatment' ORDER BY id LIMIT 1) d
     ON CONFLICT (workspace_id, campaign_id, address) DO NOTHING`,
    [workspaceId, campaign.id, addresses.map(() => newId()), addresses, now],
  );
  return rowCount ?? 0;
}

export interface ClaimedSeedCopy {
  workspace_id: string;
  id: string;
  campaign_id: string;
  address: string;
  attempts: number;
  customer_id: string;
  channel: Channel;
  vars: Record<string, unknown>;
}

/**
 * Due seed copies, committed 'sending' (the claim is the commit: no gate stands between it and the
 * provider). One whose worker died while sending is settled 'uncertain', never sent twice.
 */
export async function claimSeedCopies(q: Queryable, now: Date, limit: number, workspaceId: string | null, leaseMs: number): Promise<ClaimedSeedCopy[]> {
  await q.query(
    `UPDATE seed_copies SET state = 'uncertain', reason = 'lease_expired_while_sending', lease_until = NULL
     WHERE state = 'sending' AND lease_until < $1 AND due_at <= $1 AND ($2::uuid IS NULL OR workspace_id = $2)`,
    [now, workspaceId],
  );
  const { rows } = await q.query<ClaimedSeedCopy>(
    `WITH due AS (
       SELECT workspace_id, id FROM seed_copies WHERE state = 'queued' AND due_at <= $1 AND ($3::uuid IS NULL OR workspace_id = $3)
       ORDER BY due_at LIMIT $2 FOR UPDATE SKIP LOCKED),
     upd AS (
       UPDATE seed_copies s SET state = 'sending', attempts = s.attempts + 1, lease_until = $4
       FROM due WHERE s.workspace_id = due.workspace_id AND s.id = due.id
       RETURNING s.workspace_id, s.id, s.campaign_id, s.address, s.attempts, s.delivery_id)
     SELECT upd.workspace_id, upd.id, upd.campaign_id, upd.address, upd.attempts, d.customer_id, d.channel, d.vars
     FROM upd JOIN deliveries d ON d.workspace_id = upd.workspace_id AND d.id = upd.delivery_id`,
    [now, limit, workspaceId, new Date(now.getTime() + leaseMs)],
  );
  return rows;
}

export async function settleSeedCopy(
  q: Queryable,
  copy: ClaimedSeedCopy,
  outcome: { state: 'sent'; providerId: string } | { state: 'failed' | 'queued'; reason: string; dueAt?: Date },
  now: Date,
): Promise<void> {
  await q.query(
    `UPDATE seed_copies SET state = $4, reason = $5, provider_id = $6, due_at = coalesce($7, due_at), lease_until = NULL,
       sent_at = CASE WHEN $4 = 'sent' THEN $8::timestamptz END
     WHERE workspace_id = $1 AND id = $2 AND attempts = $3 AND state IN ('sending', 'uncertain')`,
    [
      copy.workspace_id, copy.id, copy.attempts, outcome.state,
      outcome.state === 'sent' ? null : outcome.reason,
      outcome.state === 'sent' ? outcome.providerId : null,
      outcome.state === 'sent' ? null : (outcome.dueAt ?? null),
      now,
    ],
  );
}
