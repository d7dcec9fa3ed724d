import { RFM_SEGMENTS } from '../../analytics/models/rfm.ts';
import type { Queryable } from '../../db/database.ts';
import { camelRow } from '../../kernel/rowMapper.ts';
import type { Stage } from './stages.ts';

/** Rows of customer_scores and customer_score_history as the service hands them out. */
export interface CurrentScores {
  customerId: string;
  runId: string;
  computedAt: Date;
  firstOrderAt: Date | null;
  lastOrderAt: Date | null;
  ordersCount: number;
  revenueMinor: number;
  recencyDays: number | null;
  frequency: number;
  recency: number;
  T: number;
  monetaryMinor: number;
  rScore: number | null;
  fScore: number | null;
  mScore: number | null;
  rfmSegment: string | null;
  pAlive: number | null;
  expectedPurchases90d: number | null;
  expectedPurchases365d: number | null;
  expectedAovMinor: number | null;
  clv12mMinor: number | null;
  nextPurchaseAt: Date | null;
  churnRisk: number | null;
  stage: Stage;
  stageSince: Date;
}

export interface ScoreSnapshot {
  runId: string;
  computedAt: Date;
  ordersCount: number;
  revenueMinor: number;
  rScore: number | null;
  fScore: number | null;
  mScore: number | null;
  rfmSegment: string | null;
  pAlive: number | null;
  expectedPurchases365d: number | null;
  clv12mMinor: number | null;
  churnRisk: number | null;
  stage: Stage;
}

export const toCurrentScores = camelRow<CurrentScores>()(
  'customer_id run_id computed_at first_order_at last_order_at orders_count revenue_minor recency_days frequency recency T monetary_minor r_score f_score m_score rfm_segment p_alive expected_purchases_90d expected_purchases_365d expected_aov_minor clv_12m_minor next_purchase_at churn_risk stage stage_since',
);
export const CURRENT_COLUMNS = toCurrentScores.columns;

export const toHistory = camelRow<ScoreSnapshot>()(
  'run_id computed_at orders_count revenue_minor r_score f_score m_score rfm_segment p_alive expected_purchases_365d clv_12m_minor churn_risk stage',
);
export const HISTORY_COLUMNS = toHistory.columns;

export interface RfmSegmentsReport {
  customers: number;
  revenueMinor: number;
  segments: { segment: string; customers: number; revenueMinor: number; share: number; revenueShare: number }[];
  /** R (5..1) × FM = round((F + M) / 2) (1..5), as rfm.ts maps them to segments. */
  cells: { r: number; fm: number; segment: string; customers: number; revenueMinor: number }[];
}

export async function rfmCells(q: Queryable, workspaceId: string): Promise<RfmSegmentsReport> {
  const { rows } = await q.query<{ r: number; fm: number; segment: string; customers: number; revenue: number }>(
    `SELECT r_score AS r, floor((f_score + m_score) / 2.0 + 0.5)::int AS fm, rfm_segment AS segment, count(*)::int AS customers,
            sum(revenue_minor)::float8 AS revenue
     FROM customer_scores WHERE workspace_id = $1 AND rfm_segment IS NOT NULL GROUP BY 1, 2, 3 ORDER BY 1 DESC, 2`,
    [workspaceId],
  );
  const customers = rows.reduce((s, r) => s + r.customers, 0);
  const revenue = rows.reduce((s, r) => s + r.revenue, 0);
  const segments = RFM_SEGMENTS.map((segment) => {
    const cells = rows.filter((r) => r.segment === segment);
    const c = cells.reduce((s, r) => s + r.customers, 0);
    const m = cells.reduce((s, r) => s + r.revenue, 0);
    return { segment, customers: c, revenueMinor: m, share: customers > 0 ? c / customers : 0, revenueShare: revenue > 0 ? m / revenue : 0 };
  });
  return {
    customers,
    revenueMinor: revenue,
    segments,
    cells: rows.map((r) => ({ r: r.r, fm: r.fm, segment: r.segment, customers: r.customers, revenueMinor: r.revenue })),
  };
}
