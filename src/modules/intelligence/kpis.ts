import { revenueShare } from '../../analytics/models/revenueShare.ts';
import { ValidationError } from '../../kernel/errors.ts';
import type { Db, Queryable } from '../../db/database.ts';
import { npsFromCounts } from '../surveys/nps.ts';
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
  /** Net revenue of each customer buying in the period (null without purchases). */
  revenues: number[] | null;
}

/**
 * Every KPI for every period in one pass over the purchases (docs/metrics.md, "How KPIs are
 * computed"): periods are local calendar boundaries T[1] < … < T[P+1] of the workspace time zone,
 * and each order and subscription is placed among them once with width_bucket; the purchases are
 * sorted once by customer. Counts over windows ("a purchase in [t − W, t)") become the boundary
 * ranges each purchase newly covers, summed as +1/−1 events, so the cost grows with the data plus
 * the periods, not with their product.
 */
export async function computeKpis(db: Db, workspace: Workspace, settings: IntelligenceSettings, query: KpiQuery): Promise<KpiPeriod[]> {
  if (!(query.from <= query.to)) throw new ValidationError('Invalid period', [{ path: ['from'], message: 'must not be after to' }]);
  // The one sort of all purchases by customer wants memory: raised for this read alone, as readSummary does.
  return db.tx(async (q) => {
    await q.query("SET LOCAL work_mem = '256MB'");
    return kpisWithin(q, workspace, settings, query);
  });
}

async function kpisWithin(q: Queryable, workspace: Workspace, settings: IntelligenceSettings, query: KpiQuery): Promise<KpiPeriod[]> {
  const { from, to, granularity } = query;
  const step = STEP[granularity];
  const tz = workspace.timeZone;
  const scope = { workspaceId: workspace.id, currency: workspace.currency, asOf: new Date() };
  // Local wall-clock starts (timestamp without time zone), so that AT TIME ZONE gives the instants
  // of the workspace's midnights whatever the session time zone is.
  const series = `generate_series(date_trunc($3, $1::timestamp) - $4::interval, $2::timestamp, $4::interval)`;
  const { rows: count } = await q.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${series}`, [from, to, granularity, step]);
  if (count[0]!.n > MAX_PERIODS) {
    throw new ValidationError('Too many periods', [{ path: ['from'], message: `at most ${MAX_PERIODS} ${granularity}s at a time` }]);
  }
  // One period before `from` is computed too, for the change of the first one.
  const periods = `periods AS (
      SELECT (row_number() OVER (ORDER BY s))::int AS n, s::date::text AS start_date, (s + $4::interval)::date::text AS end_date,
             s AT TIME ZONE $5 AS start_at, (s + $4::interval) AT TIME ZONE $5 AS end_at
      FROM ${series} AS s)`;
  const params = [from, to, granularity, step, tz];
  // Live at t: started before t, not canceled before t (coverage (started, canceled]); these never are.
  const countable = `status <> 'trialing' AND NOT (status = 'canceled' AND canceled_at IS NULL)`;
  const { rows } = await q.query<PeriodRow>(
    `WITH ${periods},
     -- T[1..P+1] (period n is [T[n], T[n+1])), and T − W, T − D for the windows ending at each boundary.
     bounds AS (
       SELECT t, count(*)::int - 1 AS last_period, array_agg(x - make_interval(days => $8) ORDER BY x) AS t_active,
              array_agg(x - make_interval(days => $10) ORDER BY x) AS t_dormant
       FROM (SELECT array_agg(start_at ORDER BY n) || max(end_at) AS t FROM periods) b CROSS JOIN LATERAL unnest(b.t) AS x GROUP BY t),
     idx AS (SELECT generate_series(0, last_period + 2) AS k FROM bounds),
     -- k: index of the period holding the order (0 before T[1], P + 1 from T[P+1] on). Boundary T[j] is
     -- "covered" by a purchase at x when x < T[j] and x ≥ T[j] − W, i.e. j in [k + 1, width_bucket(x, T − W)].
     o AS MATERIALIZED (
       SELECT o.customer_id, o.ordered_at, o.total_minor - o.refunded_minor AS net, ${localDaySql('o.ordered_at', tz)} AS day,
              width_bucket(o.ordered_at, b.t) AS k, width_bucket(o.ordered_at, b.t_active) AS hi_active, width_bucket(o.ordered_at, b.t_dormant) AS hi_recent
       FROM paying_orders o CROSS JOIN bounds b WHERE ${purchasesWhere(scope)}),
     -- One sort: each customer's purchases in time order. reached_*: the last boundary covered by the earlier ones.
     x AS (
       SELECT customer_id, net, k, hi_active, hi_recent, row_number() OVER w AS nth, first_value(k) OVER w AS first_k,
              day > first_value(day) OVER w AND lag(day) OVER w = first_value(day) OVER w AS second_day,
              ordered_at < first_value(ordered_at) OVER w + make_interval(days => $9) AS within_f2,
              max(hi_active) FILTER (WHERE k < hi_active) OVER earlier AS reached_active,
              max(hi_recent) FILTER (WHERE k < hi_recent) OVER earlier AS reached_recent
       FROM o WINDOW w AS (PARTITION BY customer_id ORDER BY ordered_at), earlier AS (w ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING)),
     -- What each purchase adds: first / second purchase day, and the boundaries it is the first to cover
     -- ([*_from, hi]; joined: the covered range before it ends right at *_from − 1).
     marks AS MATERIALIZED (
       SELECT * FROM (
         SELECT k, nth, first_k, second_day, within_f2, hi_active, hi_recent, reached_active, reached_recent,
                greatest(k + 1, coalesce(reached_active, 0) + 1) AS active_from, greatest(k + 1, coalesce(reached_recent, 0) + 1) AS recent_from
         FROM x) y
       WHERE nth = 1 OR second_day OR active_from <= hi_active OR recent_from <= hi_recent),
     spend AS MATERIALIZED (
       SELECT k, customer_id, count(*) AS orders, sum(net) AS rev, bool_and(first_k = k) AS is_new FROM x GROUP BY 1, 2),
     m AS (
       SELECT s.k, sum(s.orders)::int AS orders, count(*)::int AS buyers, sum(s.rev)::float8 AS revenue,
              coalesce(sum(s.rev) FILTER (WHERE s.is_new), 0)::float8 AS revenue_new, array_agg(s.rev::float8) AS revenues
       FROM spend s CROSS JOIN bounds b WHERE s.k BETWEEN 1 AND b.last_period GROUP BY 1),
     firsts AS (
       SELECT first_k AS k, count(*) FILTER (WHERE nth = 1)::int AS new_customers, count(*) FILTER (WHERE second_day AND within_f2)::int AS f2_hits
       FROM marks WHERE nth = 1 OR second_day GROUP BY 1),
     subs AS (
       SELECT s.account_id, s.mrr_minor, width_bucket(s.started_at, b.t) + 1 AS lo, coalesce(width_bucket(s.canceled_at, b.t), b.last_period + 1) AS hi
       FROM subscriptions s CROSS JOIN bounds b WHERE s.workspace_id = $6 AND s.currency = $7 AND ${countable}),
     -- Each account's MRR as pieces of constant value over boundary indices [lo, hi].
     account_changes AS (
       SELECT account_id, k, sum(d) AS d FROM (
         SELECT account_id, lo AS k, mrr_minor AS d FROM subs WHERE lo <= hi UNION ALL SELECT account_id, hi + 1, -mrr_minor FROM subs WHERE lo <= hi) x
       GROUP BY 1, 2),
     pieces AS (
       SELECT account_id, lo, lead(lo) OVER w - 1 AS hi, v, lead(v) OVER w AS next_v
       FROM (SELECT account_id, k AS lo, sum(d) OVER (PARTITION BY account_id ORDER BY k) AS v FROM account_changes) x
       WINDOW w AS (PARTITION BY account_id ORDER BY lo)),
     -- Pairs (T[n], T[n+1]) = (start, end) of period n: inside a piece both ends have its value, across two pieces they differ.
     account_pairs AS (
       SELECT lo AS k_from, hi AS k_to, v AS s0, v AS s1 FROM pieces WHERE hi IS NOT NULL AND hi > lo
       UNION ALL SELECT hi, hi + 1, v, next_v FROM pieces WHERE hi IS NOT NULL AND hi >= 1),
     running AS (
       SELECT i.k, ${RUNNING.map((c) => `(sum(coalesce(e.${c}, 0)) OVER (ORDER BY i.k))::float8 AS ${c}`).join(', ')}
       FROM idx i LEFT JOIN (
         SELECT k, ${RUNNING.map((c) => `sum(${c}) AS ${c}`).join(', ')} FROM (
           ${[
             event('cum_revenue', 'k', 'rev', 'spend'),
             event('buyers_total', 'k', '1', 'marks WHERE nth = 1'),
             event('repeaters', 'k', '1', 'marks WHERE second_day'),
             event('active_cover', 'active_from', '1', 'marks WHERE active_from <= hi_active'),
             event('active_cover', 'hi_active + 1', '-1', 'marks WHERE active_from <= hi_active'),
             event('active_pairs', 'active_from', '1', 'marks WHERE active_from < hi_active'),
             event('active_pairs', 'hi_active', '-1', 'marks WHERE active_from < hi_active'),
             event('active_pairs', 'reached_active', '1', 'marks WHERE active_from <= hi_active AND active_from = reached_active + 1'),
             event('active_pairs', 'active_from', '-1', 'marks WHERE active_from <= hi_active AND active_from = reached_active + 1'),
             event('recent_cover', 'recent_from', '1', 'marks WHERE recent_from <= hi_recent'),
             event('recent_cover', 'hi_recent + 1', '-1', 'marks WHERE recent_from <= hi_recent'),
             event('mrr_cover', 'lo', 'mrr_minor', 'subs WHERE lo <= hi'),
             event('mrr_cover', 'hi + 1', '-mrr_minor', 'subs WHERE lo <= hi'),
           ].join('\n           UNION ALL ')}
           UNION ALL SELECT k, 0, 0, 0, 0, 0, 0, 0, sum(sign * (s0 > 0)::int), sum(sign * (s0 > 0 AND s1 = 0)::int), sum(sign * s0),
                            sum(sign * CASE WHEN s0 > 0 THEN greatest(s0 - s1, 0) ELSE 0 END), sum(sign * CASE WHEN s0 > 0 THEN s1 ELSE 0 END)
             FROM account_pairs CROSS JOIN LATERAL (VALUES (k_from, 1), (k_to, -1)) AS e(k, sign) GROUP BY 1
         ) x GROUP BY k) e USING (k))
     SELECT p.n, p.start_date, p.end_date, p.start_at, p.end_at,
            coalesce(m.orders, 0) AS orders, coalesce(m.buyers, 0) AS buyers, coalesce(m.revenue, 0) AS revenue, coalesce(m.revenue_new, 0) AS revenue_new, m.revenues,
            r_start.active_cover::int AS s, r_start.active_pairs::int AS retained, r_end.active_cover::int AS active,
            r_start.buyers_total::int AS buyers_total, coalesce(f.new_customers, 0) AS new_customers, r_start.repeaters::int AS repeaters,
            coalesce(f.f2_hits, 0) AS f2_hits, r_start.cum_revenue, r_end.recent_cover::int AS recent, r_end.mrr_cover AS mrr,
            r_start.logos_start::int AS logos_start, r_start.logos_lost::int AS logos_lost, r_start.mrr_start, r_start.mrr_lost, r_start.mrr_kept
     FROM periods p
     JOIN running r_start ON r_start.k = p.n
     JOIN running r_end ON r_end.k = p.n + 1
     LEFT JOIN m ON m.k = p.n
     LEFT JOIN firsts f ON f.k = p.n
     ORDER BY p.n`,
    [...params, workspace.id, workspace.currency, settings.activeWithinDays, settings.f2WindowDays, settings.stages.dormantAfterDays],
  );
  const top20 = new Map(rows.map((r) => [r.n, r.revenues ? revenueShare(r.revenues).share : null]));

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
  const { rows: npsRows } = await q.query<{ n: number; p: number; pa: number; d: number }>(
    `WITH ${periods}
     SELECT p.n, count(*) FILTER (WHERE r.category = 'promoter')::int AS p, count(*) FILTER (WHERE r.category = 'passive')::int AS pa,
            count(*) FILTER (WHERE r.category = 'detractor')::int AS d
     FROM periods p JOIN nps_answers r ON r.workspace_id = $6 AND r.answered_at >= p.start_at AND r.answered_at < p.end_at
     GROUP BY p.n`,
    [...params, workspace.id],
  );
  const npsByPeriod = new Map(npsRows.map((r) => [r.n, npsFromCounts(r.p, r.pa, r.d)]));

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
      // Null in a period without answers: never a made-up number.
      nps: npsByPeriod.get(p.n)?.nps ?? null,
      nps_ci_low: npsByPeriod.get(p.n)?.ciLow ?? null,
      nps_ci_high: npsByPeriod.get(p.n)?.ciHigh ?? null,
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

/** Columns summed as events at a boundary index: the running sum at index j is the value at T[j] (or for the pair T[j], T[j+1]). */
const RUNNING = ['buyers_total', 'repeaters', 'cum_revenue', 'active_cover', 'active_pairs', 'recent_cover', 'mrr_cover', 'logos_start', 'logos_lost', 'mrr_start', 'mrr_lost', 'mrr_kept'] as const;

/** Adds `value` to one running column at index `at`, summed per index first (few rows reach the union). */
const event = (column: (typeof RUNNING)[number], at: string, value: string, from: string) =>
  `SELECT ${at} AS k, ${RUNNING.map((c) => `${c === column ? `sum(${value})` : '0'} AS ${c}`).join(', ')} FROM ${from} GROUP BY 1`;

const finite = (v: number | null): number | null => (v !== null && Number.isFinite(v) ? v : null);
