/**
 * The KPI catalogue, written once: the API lists it, docs/metrics.md explains it with the same
 * keys. "Purchase" everywhere means a completed order with positive net revenue (total − refunds)
 * in the workspace currency; periods are calendar days, ISO weeks, months or quarters in the
 * workspace time zone; W = activeWithinDays (default 365), D = dormantAfterDays (default 180),
 * N = f2WindowDays (default 90).
 */
export const KPI_KEYS = [
  'active_customers',
  'new_customers',
  'retention_rate',
  'churn_rate',
  'repeat_purchase_rate',
  'f2_conversion',
  'purchase_frequency',
  'average_order_value',
  'revenue',
  'revenue_existing_customers',
  'revenue_new_customers',
  'historic_ltv',
  'predicted_ltv',
  'dormant_share',
  'top20_revenue_share',
  'mrr',
  'logo_churn',
  'revenue_churn',
  'net_revenue_retention',
  'nps',
  'nps_ci_low',
  'nps_ci_high',
] as const;
export type KpiKey = (typeof KPI_KEYS)[number];

export interface KpiDefinition {
  key: KpiKey;
  label: string;
  unit: 'customers' | 'ratio' | 'orders per customer' | 'minor units' | 'score';
  /** Whether a higher value is better: attainment is value/target, or target/value when lower is better. */
  higherIsBetter: boolean;
  formula: string;
  /** When the KPI needs time to mature, the rule that keeps immature customers out; null when it does not. */
  maturity: string | null;
  /** How its uncertainty is shown: n and a 95 % interval, or nothing (exact counts and sums). */
  interval: 'wilson' | 'nps' | null;
}

const d = (
  key: KpiKey,
  label: string,
  unit: KpiDefinition['unit'],
  higherIsBetter: boolean,
  formula: string,
  more: Partial<Pick<KpiDefinition, 'maturity' | 'interval'>> = {},
): KpiDefinition => ({ key, label, unit, higherIsBetter, formula, maturity: more.maturity ?? null, interval: more.interval ?? null });

const WILSON = { interval: 'wilson' } as const;

export const KPI_DEFINITIONS: readonly KpiDefinition[] = [
  d('active_customers', 'Active customers', 'customers', true, '|E|, E = customers with a purchase in [end − W, end)'),
  d('new_customers', 'New customers', 'customers', true, 'customers whose first purchase is in [start, end)'),
  d('retention_rate', 'Retention rate', 'ratio', true, '|S ∩ E| / |S|, S = customers with a purchase in [start − W, start)', {
    ...WILSON,
    maturity: 'compares two windows of W days each ending at start and at end; a partial period ends today, and is only compared with the same days of the previous period',
  }),
  d('churn_rate', 'Churn rate', 'ratio', false, '|S \\ E| / |S| = 1 − retention rate', { ...WILSON, maturity: 'as retention rate' }),
  d('repeat_purchase_rate', 'Repeat purchase rate', 'ratio', true, 'customers with purchases on ≥ 2 days before end / customers with a purchase before end, both among customers whose first purchase is at least N days before end', {
    ...WILSON,
    maturity: 'counts only customers whose first purchase is at least N days before the end (or today), so every one has had N days to come back',
  }),
  d('f2_conversion', 'F2 conversion', 'ratio', true, 'customers first buying in the period whose second purchase day is within N days of the first / customers first buying in the period, both among those whose first purchase is at least N days before today', {
    ...WILSON,
    maturity: 'counts only first purchases made at least N days before today (their N-day window is over); null for a period where none is',
  }),
  d('purchase_frequency', 'Purchase frequency', 'orders per customer', true, 'purchases in the period / customers with a purchase in the period'),
  d('average_order_value', 'Average order value', 'minor units', true, 'net revenue in the period / purchases in the period'),
  d('revenue', 'Revenue', 'minor units', true, 'Σ net revenue of purchases in the period'),
  d('revenue_existing_customers', 'Revenue from existing customers', 'minor units', true, 'net revenue in the period from customers whose first purchase was before start'),
  d('revenue_new_customers', 'Revenue from new customers', 'minor units', true, 'net revenue in the period from customers whose first purchase is in the period'),
  d('historic_ltv', 'Historic LTV', 'minor units', true, 'Σ net revenue before end / customers with a purchase before end'),
  d('predicted_ltv', 'Predicted LTV', 'minor units', true, 'mean over scored buyers of (revenue so far + predicted 12-month CLV), from the latest scoring run; only for the period containing its as-of'),
  d('dormant_share', 'Dormant share', 'ratio', false, 'customers whose last purchase before end is at least D days before end / customers with a purchase before end', WILSON),
  d('top20_revenue_share', 'Revenue share of the top 20 %', 'ratio', false, 'net revenue in the period of the top ⌈0.2 n⌉ of its n buying customers / net revenue in the period'),
  d('mrr', 'MRR', 'minor units', true, 'Σ mrr of subscriptions (workspace currency) started before end and not canceled by end'),
  d('logo_churn', 'Logo churn', 'ratio', false, 'accounts with MRR > 0 at start and 0 at end / accounts with MRR > 0 at start', WILSON),
  d('revenue_churn', 'Gross revenue churn', 'ratio', false, 'Σ max(MRR_start − MRR_end, 0) / Σ MRR_start, over accounts with MRR > 0 at start'),
  d('net_revenue_retention', 'Net revenue retention', 'ratio', true, 'Σ MRR_end / Σ MRR_start, over accounts with MRR > 0 at start'),
  d('nps', 'NPS', 'score', true, '% promoters (9–10) − % detractors (0–6) of NPS answers in the period; null without answers', { interval: 'nps' }),
  d('nps_ci_low', 'NPS, 95 % interval low', 'score', true, 'NPS − 1.96·SE, SE = 100·√((p_P + p_D − (p_P − p_D)²) / n), clipped to −100…100; null without answers'),
  d('nps_ci_high', 'NPS, 95 % interval high', 'score', true, 'NPS + 1.96·SE (as nps_ci_low), clipped to −100…100; null without answers'),
];

export const GRANULARITIES = ['day', 'week', 'month', 'quarter'] as const;
export type Granularity = (typeof GRANULARITIES)[number];
