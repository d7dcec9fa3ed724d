import type { Queryable } from '../../db/database.ts';
import { newId } from '../../db/ids.ts';
import type { Arm, Channel, MessageClass } from './types.ts';

/**
 * Messages sent before (the demo's history; an import from another sender would be the same): each
 * row is a delivery already decided, with what the recipient did. Held-out rows are recorded as the
 * gate records them ('held_out', no send), so reports and lift read them like live sends.
 */
export interface PastDelivery {
  customerId: string;
  arm: Arm;
  /** Enqueued at, and sent at for the treated. */
  at: Date;
  step: string;
  opened?: 'human' | 'machine' | null;
  /** Seconds after sending (a click implies a person's open). */
  openedAfter?: number;
  clicked?: boolean;
  unsubscribed?: boolean;
  hardBounce?: boolean;
  complained?: boolean;
}

export async function recordPastDeliveries(q: Queryable, workspaceId: string, campaign: { id: string; channel: Channel; class: MessageClass }, rows: PastDelivery[]): Promise<number> {
  if (rows.length === 0) return 0;
  const input = rows.map((r) => {
    const treated = r.arm === 'treatment';
    const opened = treated && (r.opened || r.clicked) ? new Date(r.at.getTime() + (r.openedAfter ?? 3600) * 1000) : null;
    const human = opened && (r.opened === 'human' || r.clicked);
    return {
      id: newId(),
      customer_id: r.customerId,
      step: r.step,
      arm: r.arm,
      state: treated ? 'sent' : 'held_out',
      at: r.at,
      sent_at: treated ? r.at : null,
      opened_at: opened,
      human_opened_at: human ? opened : null,
      machine_opened_at: opened && r.opened === 'machine' ? opened : null,
      clicked_at: treated && r.clicked ? new Date(opened!.getTime() + 30_000) : null,
      log: treated
        ? [
            ...(opened ? [{ kind: 'opened', reason: human ? null : 'machine', at: opened }] : []),
            ...(r.clicked ? [{ kind: 'clicked', reason: null, at: new Date(opened!.getTime() + 30_000) }] : []),
            ...(r.unsubscribed ? [{ kind: 'unsubscribed', reason: null, at: new Date(r.at.getTime() + 7_200_000) }] : []),
            ...(r.hardBounce ? [{ kind: 'bounced', reason: 'hard_bounce', at: new Date(r.at.getTime() + 60_000) }] : []),
            ...(r.complained ? [{ kind: 'complained', reason: 'complaint', at: new Date(r.at.getTime() + 86_400_000) }] : []),
          ]
        : [],
    };
  });
  const { rows: inserted } = await q.query<{ n: number }>(
    `WITH x AS (
       SELECT * FROM jsonb_to_recordset($4::jsonb) AS x(id uuid, customer_id uuid, step text, arm text, state text, at timestamptz, sent_at timestamptz,
         opened_at timestamptz, human_opened_at timestamptz, machine_opened_at timestamptz, clicked_at timestamptz, log jsonb)),
     ins AS (
       INSERT INTO deliveries (workspace_id, id, campaign_id, step, customer_id, channel, class, arm, state, reason, due_at, created_at, sent_at,
         opened_at, human_opened_at, machine_opened_at, clicked_at)
       SELECT $1, id, $2, step, customer_id, $3, $5, arm, state, CASE WHEN state = 'held_out' THEN arm END, at, at, sent_at,
         opened_at, human_opened_at, machine_opened_at, clicked_at FROM x
       ON CONFLICT (workspace_id, campaign_id, step, customer_id) DO NOTHING
       RETURNING id),
     logged AS (
       INSERT INTO delivery_log (workspace_id, delivery_id, customer_id, at, kind, reason)
       SELECT $1, x.id, x.customer_id, coalesce(l.at, x.at), l.kind, l.reason
       FROM x JOIN ins ON ins.id = x.id
       CROSS JOIN LATERAL (
         SELECT 'queued' AS kind, NULL::text AS reason, x.at AS at WHERE x.state = 'sent'
         UNION ALL SELECT x.state, CASE WHEN x.state = 'held_out' THEN x.arm END, x.at
         UNION ALL SELECT e.kind, e.reason, e.at FROM jsonb_to_recordset(x.log) AS e(kind text, reason text, at timestamptz)) l)
     SELECT count(*)::int AS n FROM ins`,
    [workspaceId, campaign.id, campaign.channel, JSON.stringify(input), campaign.class],
  );
  return inserted[0]!.n;
}
