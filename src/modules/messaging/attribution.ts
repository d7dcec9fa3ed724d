import type { Queryable } from '../../db/database.ts';
import type { Attributed } from '../../analytics/stats/attribution.ts';

/**
 * Last-touch attribution in SQL, the same rule as src/analytics/stats/attribution.ts (its DB test
 * compares the two): a touch is a delivered marketing message (state 'sent'; transactional ones
 * are not touches, or a receipt would take the credit of the next order); each paying order of
 * the workspace's currency goes to the customer's last touch strictly before it (ties: the larger
 * delivery id), if it falls inside that message's conversion window. Orders are read through the
 * orders module's `paying_orders` view, its one definition of a counted purchase.
 */
const LAST_TOUCH = `CROSS JOIN LATERAL (
    SELECT d.campaign_id, d.sent_at, c.conversion_window_days AS window_days, c.source
    FROM deliveries d JOIN campaigns c ON c.workspace_id = d.workspace_id AND c.id = d.campaign_id
    WHERE d.workspace_id = o.workspace_id AND d.customer_id = o.customer_id AND d.state = 'sent' AND d.class = 'marketing' AND d.sent_at < o.ordered_at
    ORDER BY d.sent_at DESC, d.id DESC LIMIT 1) t`;
const IN_WINDOW = `o.ordered_at < t.sent_at + make_interval(days => t.window_days)`;

interface Row {
  orders: number;
  customers: number;
  revenue: number;
}
const attributed = (r: Row | undefined): Attributed => ({ orders: r?.orders ?? 0, customers: r?.customers ?? 0, revenue: r?.revenue ?? 0 });

/** Orders credited to any of `campaignIds` (a campaign, or a journey's message rows). */
export async function attributedToMessages(q: Queryable, workspaceId: string, currency: string, campaignIds: string[]): Promise<Attributed> {
  // Only orders of customers who got one of these messages, between their first one and the end of the last window, can be credited to them.
  const { rows } = await q.query<Row>(
    `WITH mine AS (
       SELECT d.customer_id, min(d.sent_at) AS first_at, max(d.sent_at + make_interval(days => c.conversion_window_days)) AS last_end
       FROM deliveries d JOIN campaigns c ON c.workspace_id = d.workspace_id AND c.id = d.campaign_id
       WHERE d.workspace_id = $1 AND d.campaign_id = ANY($2::uuid[]) AND d.state = 'sent' AND d.class = 'marketing'
       GROUP BY d.customer_id),
     credited AS (
       SELECT o.id, o.customer_id, o.net_minor
       FROM mine m JOIN paying_orders o ON o.workspace_id = $1 AND o.customer_id = m.customer_id AND o.currency = $3
         AND o.ordered_at > m.first_at AND o.ordered_at < m.last_end
       ${LAST_TOUCH}
       WHERE t.campaign_id = ANY($2::uuid[]) AND ${IN_WINDOW})
     SELECT count(*)::int AS orders, count(DISTINCT customer_id)::int AS customers, coalesce(sum(net_minor), 0)::float8 AS revenue FROM credited`,
    [workspaceId, campaignIds, currency],
  );
  return attributed(rows[0]);
}

/** Orders placed in [from, to) credited to a campaign and to a journey's message. */
export async function attributedInPeriod(q: Queryable, workspaceId: string, currency: string, from: Date, to: Date): Promise<{ campaigns: Attributed; journeys: Attributed }> {
  const { rows } = await q.query<Row & { source: 'campaign' | 'journey' }>(
    `SELECT t.source, count(*)::int AS orders, count(DISTINCT o.customer_id)::int AS customers, coalesce(sum(o.net_minor), 0)::float8 AS revenue
     FROM paying_orders o ${LAST_TOUCH}
     WHERE o.workspace_id = $1 AND o.currency = $2 AND o.ordered_at >= $3 AND o.ordered_at < $4 AND ${IN_WINDOW}
     GROUP BY t.source`,
    [workspaceId, currency, from, to],
  );
  return { campaigns: attributed(rows.find((r) => r.source === 'campaign')), journeys: attributed(rows.find((r) => r.source === 'journey')) };
}
