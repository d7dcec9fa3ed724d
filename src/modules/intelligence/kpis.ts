import { revenueShare } from '../../analytics/models/revenueShare.ts';
import { ValidationError } from '../../app/errors.ts';
import type { Queryable } from '../../db/database.ts';
import type { Workspace } from '../workspaces/service.ts';
import { KPI_DEFINITIONS, type Granularity, type KpiKey } from './kpiDefinitions.ts';
import type { IntelligenceSettings } from './settings.ts';
import { localDaySql, purchasesWhere } from './summarySql.ts';

/** KPIs per period (definitions in kpiDefinitions.ts and docs/metrics.md), with targets. */
export interface KpiQuery {
  /** First and last day (YYYY-MM-DD, workspace time zone) to cover; periods containing them are included. */
  from: string;
  to: string;
  granularity: Granularity;
}

export interface KpiValue {
  value: number | null;
  target: number | null;
  /** value / target, or target / value for KPIs where lower is better; null without both. */
  attainment: number | null;
  /** value − value of the previous period. */
  change: number | null;
}

export interface KpiPeriod {
  start: string;
  end: string;
  kpis: Record<KpiKey, KpiValue>;
}

const STEP: Record<Granularity, string> = { day: '1 day', week: '1 week', month: '1 month', quarter: '3 months' };
const MAX_PERIODS = 400;

interface PeriodRow {
  n: number;
  start_date: string;
  end_date: string;
  start_at: Date;
  end_at: Date;
  orders: number;
  buyers: number;
  revenue: number;
  revenue_new: number;
  s: number;
  retained: number;
  active: number;
  buyers_total: number;
  new_customers: number;
  repeaters: number;
  f2_hits: number;
  cum_revenue: number;
  recent: number;
  mrr: number;
  logos_start: number;
  logos_lost: number;
  mrr_start: number;
  mrr_lost: number;
  mrr_kept: number;
}

export async function computeKpis(q: Queryable, workspace: Workspace, settings: IntelligenceSettings, query: KpiQuery): Promise<KpiPeriod[]> {
  const { from, to, granularity } = query;
  if (!(from <= to)) throw new ValidationError('Invalid period', [{ path: ['from'], message: 'must not be after to' }]);
  const step = STEP[granularity];
  const tz = workspace.timeZone;
  const scope = { workspaceId: workspace.id, currency: workspace.currency, asOf: new Date() };
  const { rows: count } = await q.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM generate_series(date_trunc($3, $1::date) - $4::interval, $2::date, $4::interval)`,
    [from, to, granularity, step],
  );
  if (count[0]!.n > MAX_PERIODS) {
    throw new ValidationError('Too many periods', [{ path: ['from'], message: `at most ${MAX_PERIODS} ${granularity}s at a time` }]);
  }
  // One period before `from` is computed too, for the change of the first one.
  const periods = `periods AS (
      SELECT (row_number() OVER (ORDER BY s))::int AS n, s::date::text AS start_date, (s + $4::interval)::date::text AS end_date,
             s AT TIME ZONE $5 AS start_at, (s + $4::interval) AT TIME ZONE $5 AS end_at
      FROM generate_series(date_trunc($3, $1::date) - $4::interval, $2::date, $4::interval) AS s)`;
  const purchases = `o AS MATERIALIZED (
      SELECT o.customer_id, o.ordered_at, o.total_minor - o.refunded_minor AS net, ${localDaySql('o.ordered_at', tz)} AS day
      FROM orders o WHERE ${purchasesWhere(scope)})`;
  const params = [from, to, granularity, step, tz];
  const live = (t: string) => `(started_at < ${t} AND (canceled_at IS NULL OR canceled_at >= ${t}) AND status <> 'trialing' AND NOT (status = 'canceled' AND canceled_at IS NULL))`;
  const { rows } = await q.query<PeriodRow>(
    `WITH ${periods}, ${purchases},
     f AS MATERIALIZED (SELECT customer_id, min(ordered_at) AS first_at, min(day) AS first_day FROM o GROUP BY 1),
     c AS MATERIALIZED (
       SELECT f.customer_id, f.first_at, s.second_at FROM f
       LEFT JOIN (SELECT o.customer_id, min(o.ordered_at) AS second_at FROM o JOIN f USING (customer_id) WHERE o.day > f.first_day GROUP BY 1) s USING (customer_id)),
     subs AS MATERIALIZED (
       SELECT account_id, mrr_minor, started_at, canceled_at, status FROM subscriptions WHERE workspace_id = $6 AND currency = $7)
     SELECT p.*, m.*, r.*, k.*, h.*, sub.*, acc.*
     FROM periods p
     CROSS JOIN LATERAL (
       SELECT count(*)::int AS orders, count(DISTINCT o.customer_id)::int AS buyers, coalesce(sum(o.net), 0)::float8 AS revenue,
              coalesce(sum(o.net) FILTER (WHERE c.first_at >= p.start_at), 0)::float8 AS revenue_new
       FROM o JOIN c USING (customer_id) WHERE o.ordered_at >= p.start_at AND o.ordered_at < p.end_at) m
     CROSS JOIN LATERAL (
       SELECT count(*) FILTER (WHERE in_s)::int AS s, count(*) FILTER (WHERE in_s AND in_e)::int AS retained, count(*) FILTER (WHERE in_e)::int AS active
       FROM (SELECT customer_id, bool_or(ordered_at < p.start_at) AS in_s, bool_or(ordered_at >= p.end_at - make_interval(days => $8)) AS in_e
             FROM o WHERE ordered_at >= p.start_at - make_interval(days => $8) AND ordered_at < p.end_at GROUP BY customer_id) x) r
     CROSS JOIN LATERAL (
       SELECT count(*) FILTER (WHERE first_at < p.end_at)::int AS buyers_total,
              count(*) FILTER (WHERE first_at >= p.start_at AND first_at < p.end_at)::int AS new_customers,
              count(*) FILTER (WHERE second_at < p.end_at)::int AS repeaters,
              count(*) FILTER (WHERE first_at >= p.start_at AND first_at < p.end_at AND second_at < first_at + make_interval(days => $9))::int AS f2_hits
       FROM c) k
     CROSS JOIN LATERAL (
       SELECT coalesce(sum(net), 0)::float8 AS cum_revenue,
              count(DISTINCT customer_id) FILTER (WHERE ordered_at >= p.end_at - make_interval(days => $10))::int AS recent
       FROM o WHERE ordered_at < p.end_at) h
     CROSS JOIN LATERAL (SELECT coalesce(sum(mrr_minor) FILTER (WHERE ${live('p.end_at')}), 0)::float8 AS mrr FROM subs) sub
     CROSS JOIN LATERAL (
       SELECT count(*) FILTER (WHERE s0 > 0)::int AS logos_start, count(*) FILTER (WHERE s0 > 0 AND s1 = 0)::int AS logos_lost,
              coalesce(sum(s0), 0)::float8 AS mrr_start, coalesce(sum(greatest(s0 - s1, 0)) FILTER (WHERE s0 > 0), 0)::float8 AS mrr_lost,
              coalesce(sum(s1) FILTER (WHERE s0 > 0), 0)::float8 AS mrr_kept
       FROM (SELECT account_id, coalesce(sum(mrr_minor) FILTER (WHERE ${live('p.start_at')}), 0) AS s0,
                    coalesce(sum(mrr_minor) FILTER (WHERE ${live('p.end_at')}), 0) AS s1
             FROM subs GROUP BY account_id) a) acc
     ORDER BY p.n`,
    [...params, workspace.id, workspace.currency, settings.activeWithinDays, settings.f2WindowDays, settings.stages.dormantAfterDays],
  );

  const { rows: spread } = await q.query<{ n: number; revenues: number[] }>(
    `WITH ${periods}, ${purchases}
     SELECT p.n, array_agg(x.rev) AS revenues FROM periods p
     CROSS JOIN LATERAL (SELECT sum(net)::float8 AS rev FROM o WHERE ordered_at >= p.start_at AND ordered_at < p.end_at GROUP BY customer_id) x
     GROUP BY p.n`,
    params,
  );
  const top20 = new Map(spread.map((r) => [r.n, revenueShare(r.revenues).share]));

  const { rows: predicted } = await q.query<{ as_of: Date | null; ltv: number | null }>(
    `SELECT (SELECT max(as_of) FROM model_runs WHERE workspace_id = $1 AND status = 'succeeded') AS as_of,
            (SELECT avg(revenue_minor + clv_12m_minor)::float8 FROM customer_scores WHERE workspace_id = $1 AND clv_12m_minor IS NOT NULL) AS ltv`,
    [workspace.id],
  );
  const { rows: targetRows } = await q.query<{ kpi: KpiKey; period_start: string; target: number }>(
    `SELECT kpi, period_start::text, target FROM kpi_targets WHERE workspace_id = $1 AND granularity = $2 AND period_start >= $3::date - interval '3 months' AND period_start <= $4`,
    [workspace.id, granularity, from, to],
  );
  const targets = new Map(targetRows.map((t) => [`${t.kpi}|${t.period_start}`, t.target]));

  const ratio = (a: number, b: number) => (b > 0 ? a / b : null);
  const values = rows.map((p): Record<KpiKey, number | null> => {
    const asOf = predicted[0]!.as_of;
    const holdsRun = asOf !== null && asOf >= p.start_at && asOf < p.end_at;
    return {
      active_customers: p.active,
      new_customers: p.new_customers,
      retention_rate: ratio(p.retained, p.s),
      churn_rate: ratio(p.s - p.retained, p.s),
      repeat_purchase_rate: ratio(p.repeaters, p.buyers_total),
      f2_conversion: ratio(p.f2_hits, p.new_customers),
      purchase_frequency: ratio(p.orders, p.buyers),
      average_order_value: ratio(p.revenue, p.orders),
      revenue: p.revenue,
      revenue_existing_customers: p.revenue - p.revenue_new,
      revenue_new_customers: p.revenue_new,
      historic_ltv: ratio(p.cum_revenue, p.buyers_total),
      predicted_ltv: holdsRun ? predicted[0]!.ltv : null,
      dormant_share: ratio(p.buyers_total - p.recent, p.buyers_total),
      top20_revenue_share: top20.get(p.n) ?? null,
      mrr: p.mrr,
      logo_churn: ratio(p.logos_lost, p.logos_start),
      revenue_churn: ratio(p.mrr_lost, p.mrr_start),
      net_revenue_retention: ratio(p.mrr_kept, p.mrr_start),
      // No survey module yet: never a made-up number.
      nps: null,
    };
  });
  return rows.slice(1).map((p, i) => {
    const current = values[i + 1];
    const previous = values[i];
    const kpis = {} as Record<KpiKey, KpiValue>;
    for (const def of KPI_DEFINITIONS) {
      const value = finite(current[def.key]);
      const before = finite(previous[def.key]);
      const target = targets.get(`${def.key}|${p.start_date}`) ?? null;
      const attainment = value === null || target === null ? null : def.higherIsBetter ? ratio(value, target) : ratio(target, value);
      kpis[def.key] = { value, target, attainment, change: value !== null && before !== null ? value - before : null };
    }
    return { start: p.start_date, end: p.end_date, kpis };
  });
}

const finite = (v: number | null): number | null => (v !== null && Number.isFinite(v) ? v : null);
