/**
 * One person's messages, read by customer rather than by campaign: the customer 360's list with
 * each delivery's decision log, the privacy export's part, and erasure. Apart from the service
 * because these are what the privacy flows rely on to reach every messaging table that holds what
 * was sent to the person (erasing their bounce reports is bounces/feedback.ts's).
 */
import type { Queryable } from '../../db/database.ts';
import { exportRows } from '../../kernel/exportRows.ts';
import type { CustomerMessage } from './types.ts';

/** A customer's deliveries, newest first, each with its decision log. */
export async function messagesFor(q: Queryable, workspaceId: string, customerId: string, limit: number): Promise<CustomerMessage[]> {
  const { rows } = await q.query<Record<string, unknown> & { log: { at: string; kind: string; reason: string | null }[] }>(
    `SELECT d.*, c.name AS campaign_name,
       (SELECT jsonb_agg(jsonb_build_object('at', l.at, 'kind', l.kind, 'reason', l.reason) ORDER BY l.seq)
        FROM delivery_log l WHERE l.workspace_id = d.workspace_id AND l.delivery_id = d.id) AS log
     FROM deliveries d JOIN campaigns c ON c.workspace_id = d.workspace_id AND c.id = d.campaign_id
     WHERE d.workspace_id = $1 AND d.customer_id = $2 ORDER BY d.created_at DESC, d.id DESC LIMIT $3`,
    [workspaceId, customerId, limit],
  );
  return rows.map((r) => ({
    deliveryId: r.id as string,
    campaignId: r.campaign_id as string,
    campaignName: r.campaign_name as string,
    channel: r.channel as CustomerMessage['channel'],
    class: r.class as CustomerMessage['class'],
    arm: r.arm as CustomerMessage['arm'],
    state: r.state as CustomerMessage['state'],
    reason: (r.reason as string | null) ?? null,
    createdAt: r.created_at as Date,
    sentAt: (r.sent_at as Date | null) ?? null,
    openedAt: (r.opened_at as Date | null) ?? null,
    clickedAt: (r.clicked_at as Date | null) ?? null,
    log: (r.log ?? []).map((l) => ({ at: new Date(l.at), kind: l.kind, reason: l.reason })),
  }));
}

/** The privacy export's part: every message queued for the person with its tracking (sent, opened, clicked), and each decision about it. */
export async function exportCustomerMessages(q: Queryable, workspaceId: string, customerId: string) {
  return {
    messages: await exportRows(
      q,
      `SELECT c.name AS campaign_name, d.* FROM deliveries d JOIN campaigns c ON c.workspace_id = d.workspace_id AND c.id = d.campaign_id
       WHERE d.workspace_id = $1 AND d.customer_id = $2 ORDER BY d.created_at, d.id`,
      [workspaceId, customerId],
    ),
    messageLog: await exportRows(q, 'SELECT * FROM delivery_log WHERE workspace_id = $1 AND customer_id = $2 ORDER BY at, seq', [workspaceId, customerId]),
    outbox: await exportRows(q, 'SELECT * FROM outbox_messages WHERE workspace_id = $1 AND customer_id = $2 ORDER BY id', [workspaceId, customerId]),
    bounceReports: await exportRows(q, 'SELECT * FROM messaging_feedback_events WHERE workspace_id = $1 AND customer_id = $2 ORDER BY occurred_at, id', [workspaceId, customerId]),
  };
}

/**
 * Erasure: what was rendered for the person (variables) and the provider's message ids (which
 * lead to the provider's logs of their address) go; messages not yet sent never will be.
 * States, times and arms stay, so campaign reports and lift stay true.
 */
export async function eraseCustomerMessages(q: Queryable, workspaceId: string, customerId: string): Promise<void> {
  await q.query(
    `UPDATE deliveries SET vars = '{}', provider_id = NULL,
       state = CASE WHEN state IN ('queued', 'deferred', 'waiting') THEN 'suppressed' ELSE state END,
       reason = CASE WHEN state IN ('queued', 'deferred', 'waiting') THEN 'erased' ELSE reason END
     WHERE workspace_id = $1 AND customer_id = $2`,
    [workspaceId, customerId],
  );
  // A seed copy not yet sent would carry their message to the team: it never will be.
  await q.query(
    `UPDATE seed_copies s SET state = 'failed', reason = 'erased' FROM deliveries d
     WHERE s.workspace_id = $1 AND s.state = 'queued' AND d.workspace_id = s.workspace_id AND d.id = s.delivery_id AND d.customer_id = $2`,
    [workspaceId, customerId],
  );
  // The outbox holds what was rendered for them, address included: it goes like the variables.
  await q.query('DELETE FROM outbox_messages WHERE workspace_id = $1 AND customer_id = $2', [workspaceId, customerId]);
}
