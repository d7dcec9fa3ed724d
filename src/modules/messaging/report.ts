import type { Queryable } from '../../db/database.ts';
import { liftReport, type GroupOutcome, type LiftReport } from '../../analytics/stats/lift.ts';
import type { Arm, DeliveryState } from './types.ts';

/**
 * Conversions and revenue of a campaign's recipients by arm, intent-to-treat: every treatment-arm
 * delivery counts (also those the gate suppressed), because the holdout also holds people the gate
 * would have stopped; comparing only the sent would flatter the campaign. A customer converts with
 * a paying order in the window that opens when the delivery was enqueued (the same moment for
 * both arms); revenue is net of refunds. Orders are read through the orders module's
 * `paying_orders` view (its definition of a counted purchase), in every currency as before.
 */
export interface CampaignReport {
  campaignId: string;
  conversionWindowDays: number;
  arms: Record<Arm, GroupOutcome>;
  sent: number;
  /**
   * Messages whose worker died after committing them 'sending' and before recording the provider's
   * answer: they may or may not have arrived, and are not sent again (at most once).
   */
  uncertain: number;
  opened: number;
  clicked: number;
  /** Deliveries by outcome and reason (the gate rule that suppressed or deferred, the provider error), most first. */
  outcomes: { state: DeliveryState; reason: string | null; count: number }[];
  /** Treatment against the campaign's own holdout (null without one). */
  vsHoldout: LiftReport | null;
  /** Treatment against the global control group's members in the segment (null when none). */
  vsGlobalControl: LiftReport | null;
}

const EMPTY: GroupOutcome = { n: 0, conversions: 0, revenueSum: 0, revenueSumSquares: 0 };

export async function campaignReport(q: Queryable, workspaceId: string, campaignId: string, windowDays: number, confidence = 0.95): Promise<CampaignReport> {
  const { rows } = await q.query<{ arm: Arm; n: number; conversions: number; revenue_sum: number; revenue_sq: number; sent: number; uncertain: number; opened: number; clicked: number }>(
    `WITH per_customer AS (
       SELECT d.arm, d.state, d.opened_at, d.clicked_at,
         count(o.id) AS orders, coalesce(sum(o.net_minor), 0)::float8 AS revenue
       FROM deliveries d
       LEFT JOIN paying_orders o ON o.workspace_id = d.workspace_id AND o.customer_id = d.customer_id
         AND o.ordered_at >= d.created_at AND o.ordered_at < d.created_at + make_interval(days => $3)
       WHERE d.workspace_id = $1 AND d.campaign_id = $2
       GROUP BY d.id, d.arm, d.state, d.opened_at, d.clicked_at)
     SELECT arm, count(*)::int AS n, count(*) FILTER (WHERE orders > 0 AND revenue > 0)::int AS conversions,
       sum(revenue) AS revenue_sum, sum(revenue * revenue) AS revenue_sq,
       count(*) FILTER (WHERE state = 'sent')::int AS sent,
       count(*) FILTER (WHERE state = 'uncertain')::int AS uncertain, count(opened_at)::int AS opened, count(clicked_at)::int AS clicked
     FROM per_customer GROUP BY arm`,
    [workspaceId, campaignId, windowDays],
  );
  const { rows: outcomes } = await q.query<{ state: DeliveryState; reason: string | null; count: number }>(
    `SELECT state, reason, count(*)::int AS count FROM deliveries WHERE workspace_id = $1 AND campaign_id = $2
     GROUP BY state, reason ORDER BY count(*) DESC, state, reason`,
    [workspaceId, campaignId],
  );
  const arms: Record<Arm, GroupOutcome> = { treatment: EMPTY, holdout: EMPTY, global_control: EMPTY };
  for (const r of rows) arms[r.arm] = { n: r.n, conversions: r.conversions, revenueSum: r.revenue_sum, revenueSumSquares: r.revenue_sq };
  const sum = (k: 'sent' | 'uncertain' | 'opened' | 'clicked') => rows.reduce((a, r) => a + r[k], 0);
  return {
    campaignId,
    conversionWindowDays: windowDays,
    arms,
    sent: sum('sent'),
    uncertain: sum('uncertain'),
    opened: sum('opened'),
    clicked: sum('clicked'),
    outcomes,
    vsHoldout: arms.holdout.n > 0 && arms.treatment.n > 0 ? liftReport(arms.treatment, arms.holdout, confidence) : null,
    vsGlobalControl: arms.global_control.n > 0 && arms.treatment.n > 0 ? liftReport(arms.treatment, arms.global_control, confidence) : null,
  };
}

/**
 * The global control group over time: per calendar month (UTC), the customers targeted by any
 * marketing campaign that month, global control against everyone else, each converting with a
 * completed order between their first delivery of the month and the month's end.
 */
export async function globalControlReport(q: Queryable, workspaceId: string, from: Date, to: Date, confidence = 0.95): Promise<{ month: string; lift: LiftReport }[]> {
  const { rows } = await q.query<{ month: string; control: boolean; n: number; conversions: number; revenue_sum: number; revenue_sq: number }>(
    `WITH targeted AS (
       SELECT customer_id, date_trunc('month', created_at AT TIME ZONE 'UTC') AS month, bool_or(arm = 'global_control') AS control, min(created_at) AS first_at
       FROM deliveries WHERE workspace_id = $1 AND class = 'marketing' AND created_at >= $2 AND created_at < $3
       GROUP BY customer_id, date_trunc('month', created_at AT TIME ZONE 'UTC')),
     outcome AS (
       SELECT t.month, t.control, count(o.id) AS orders, coalesce(sum(o.net_minor), 0)::float8 AS revenue
       FROM targeted t
       LEFT JOIN paying_orders o ON o.workspace_id = $1 AND o.customer_id = t.customer_id
         AND o.ordered_at >= t.first_at AND o.ordered_at < (t.month + interval '1 month') AT TIME ZONE 'UTC'
       GROUP BY t.customer_id, t.month, t.control)
     SELECT to_char(month, 'YYYY-MM') AS month, control, count(*)::int AS n, count(*) FILTER (WHERE orders > 0 AND revenue > 0)::int AS conversions,
       sum(revenue) AS revenue_sum, sum(revenue * revenue) AS revenue_sq
     FROM outcome GROUP BY month, control ORDER BY month`,
    [workspaceId, from, to],
  );
  const months = new Map<string, { control: GroupOutcome; treated: GroupOutcome }>();
  for (const r of rows) {
    const m = months.get(r.month) ?? { control: EMPTY, treated: EMPTY };
    m[r.control ? 'control' : 'treated'] = { n: r.n, conversions: r.conversions, revenueSum: r.revenue_sum, revenueSumSquares: r.revenue_sq };
    months.set(r.month, m);
  }
  return [...months].filter(([, m]) => m.control.n > 0 && m.treated.n > 0).map(([month, m]) => ({ month, lift: liftReport(m.treated, m.control, confidence) }));
}
