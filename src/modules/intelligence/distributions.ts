import type { Readable } from 'node:stream';
import { cursorRows } from '../../db/cursor.ts';
import type { Db, Queryable } from '../../db/database.ts';
import { csvExport, type ExportOptions } from '../../kernel/exportRows.ts';
import { glossaryLabel } from '../../lib/glossary.ts';
import type { Stage } from './stages.ts';

/**
 * Read-only aggregates over the current scores for the web app's analytics pages: every answer is
 * a few hundred numbers or one page of customers, computed in SQL, whatever the workspace's size.
 */

/** The FM column of the RFM grid, as rfm.ts and scoreViews.ts compute it (and the cell index holds it). */
const FM_SQL = 'floor((s.f_score + s.m_score) / 2.0 + 0.5)::int';

export interface ScoredCustomer {
  customerId: string;
  externalId: string | null;
  name: string | null;
  email: string | null;
  ordersCount: number;
  revenueMinor: number;
  lastOrderAt: Date | null;
  rfmSegment: string | null;
  stage: Stage;
  pAlive: number | null;
  /** P(alive) now minus at the customer's previous score snapshot; null without one. */
  pAliveChange: number | null;
  clv12mMinor: number | null;
  churnRisk: number | null;
  /** Expected 12-month CLV the customer's drift puts at risk (VALUE_AT_STAKE_SQL); null without a model. */
  valueAtStakeMinor: number | null;
  /** Why the customer is at risk: days from the last order to the score's date… */
  daysSinceLastOrder: number | null;
  /** …against their own usual gap between orders (first to last order over orders − 1); null below 2 orders. */
  usualIntervalDays: number | null;
}

export interface CustomerPage {
  total: number;
  data: ScoredCustomer[];
}

/**
 * Value at stake: the expected 12-month CLV the customer would bring if still alive, times the
 * probability that they are not. The models' CLV is P(alive) × (CLV if alive) (BG/NBD, MBG/NBD and
 * Pareto/NBD conditional expectations all factor so), hence CLV if alive = CLV / P(alive), and
 *   value at stake = CLV if alive × (1 − P(alive)) = CLV × (1 − P(alive)) / P(alive).
 * P(alive) is floored at 1 % so a near-zero P(alive) does not blow up a rounding error of CLV: the
 * long-gone (stage lost) are not savable anyway and are left out of the at-risk list by default.
 */
export const VALUE_AT_STAKE_SQL = `CASE WHEN s.p_alive IS NULL OR s.clv_12m_minor IS NULL THEN NULL
  ELSE s.clv_12m_minor::float8 * (1 - s.p_alive) / greatest(s.p_alive, 0.01) END`;
const DAYS_SINCE_LAST_ORDER_SQL = `floor(extract(epoch FROM s.computed_at - s.last_order_at) / 86400)::int`;
const USUAL_INTERVAL_SQL = `CASE WHEN s.orders_count > 1 THEN round((extract(epoch FROM s.last_order_at - s.first_order_at) / 86400 / (s.orders_count - 1))::numeric, 1)::float8 END`;

const CUSTOMER_COLUMNS = `s.customer_id, c.external_id, nullif(concat_ws(' ', c.family_name, c.given_name), '') AS name, c.email, s.orders_count,
  s.revenue_minor::float8 AS revenue_minor, s.last_order_at, s.rfm_segment, s.stage, s.p_alive, s.p_alive - prev.p_alive AS p_alive_change,
  s.clv_12m_minor::float8 AS clv_12m_minor, s.churn_risk, ${VALUE_AT_STAKE_SQL} AS value_at_stake_minor,
  ${DAYS_SINCE_LAST_ORDER_SQL} AS days_since_last_order, ${USUAL_INTERVAL_SQL} AS usual_interval_days`;

/** The previous snapshot's P(alive), looked up only for the rows of the page. */
const PREVIOUS_SNAPSHOT = `LEFT JOIN LATERAL (
    SELECT h.p_alive FROM customer_score_history h
    WHERE h.workspace_id = s.workspace_id AND h.customer_id = s.customer_id AND h.computed_at < s.computed_at
    ORDER BY h.computed_at DESC LIMIT 1
  ) prev ON true`;

const toCustomer = (r: Record<string, unknown>): ScoredCustomer => ({
  customerId: r.customer_id as string,
  externalId: r.external_id as string | null,
  name: r.name as string | null,
  email: r.email as string | null,
  ordersCount: r.orders_count as number,
  revenueMinor: r.revenue_minor as number,
  lastOrderAt: r.last_order_at as Date | null,
  rfmSegment: r.rfm_segment as string | null,
  stage: r.stage as Stage,
  pAlive: r.p_alive as number | null,
  pAliveChange: r.p_alive_change as number | null,
  clv12mMinor: r.clv_12m_minor as number | null,
  churnRisk: r.churn_risk as number | null,
  valueAtStakeMinor: r.value_at_stake_minor === null ? null : Math.round(r.value_at_stake_minor as number),
  daysSinceLastOrder: r.days_since_last_order as number | null,
  usualIntervalDays: r.usual_interval_days as number | null,
});

/** Customers of one R × FM cell of the RFM grid, by revenue (highest first). */
export async function rfmCellCustomers(q: Queryable, workspaceId: string, query: { r: number; fm: number; limit: number; offset: number }): Promise<CustomerPage> {
  const where = `s.workspace_id = $1 AND s.r_score = $2 AND ${FM_SQL} = $3`;
  const [count, page] = await Promise.all([
    q.query<{ n: number }>(`SELECT count(*)::int AS n FROM customer_scores s WHERE ${where}`, [workspaceId, query.r, query.fm]),
    q.query(
      `SELECT ${CUSTOMER_COLUMNS}
       FROM (SELECT * FROM customer_scores s WHERE ${where} ORDER BY s.revenue_minor DESC, s.customer_id LIMIT $4 OFFSET $5) s
       JOIN customers c ON c.workspace_id = s.workspace_id AND c.id = s.customer_id
       ${PREVIOUS_SNAPSHOT}
       ORDER BY s.revenue_minor DESC, s.customer_id`,
      [workspaceId, query.r, query.fm, query.limit, query.offset],
    ),
  ]);
  return { total: count.rows[0]!.n, data: page.rows.map(toCustomer) };
}

export const AT_RISK_SORTS = ['valueAtStake', 'revenue', 'clv', 'pAlive', 'churnRisk', 'lastOrder'] as const;
export type AtRiskSort = (typeof AT_RISK_SORTS)[number];
const SORT_COLUMN: Record<AtRiskSort, string> = {
  valueAtStake: `(${VALUE_AT_STAKE_SQL})`,
  revenue: 's.revenue_minor',
  clv: 's.clv_12m_minor',
  pAlive: 's.p_alive',
  churnRisk: 's.churn_risk',
  lastOrder: 's.last_order_at',
};

export interface AtRiskQuery {
  /** Customers whose P(alive) is below this. */
  maxPAlive: number;
  /** High value: FM column of the RFM grid (frequency and monetary quintiles) at least this. */
  minFm: number;
  sort: AtRiskSort;
  direction: 'asc' | 'desc';
  /** Customers in the lost stage are past saving: listed only when asked for. */
  includeLost: boolean;
}

/** The at-risk filter; its parameters are $1 workspace, $2 maxPAlive, $3 minFm. */
const atRiskWhere = (query: AtRiskQuery) => `s.workspace_id = $1 AND s.p_alive < $2 AND ${FM_SQL} >= $3${query.includeLost ? '' : ` AND s.stage <> 'lost'`}`;
const atRiskOrder = (query: AtRiskQuery) => `${SORT_COLUMN[query.sort]} ${query.direction === 'asc' ? 'ASC' : 'DESC'} NULLS LAST, s.customer_id`;

/**
 * High-value customers whose P(alive) has fallen below the threshold, sorted and paginated on the
 * server: by default the most value at stake first, without the lost.
 */
export async function atRiskCustomers(q: Queryable, workspaceId: string, query: AtRiskQuery & { limit: number; offset: number }): Promise<CustomerPage> {
  const params = [workspaceId, query.maxPAlive, query.minFm];
  const order = atRiskOrder(query);
  const AT_RISK_WHERE = atRiskWhere(query);
  const [count, page] = await Promise.all([
    q.query<{ n: number }>(`SELECT count(*)::int AS n FROM customer_scores s WHERE ${AT_RISK_WHERE}`, params),
    q.query(
      `SELECT ${CUSTOMER_COLUMNS}
       FROM (SELECT * FROM customer_scores s WHERE ${AT_RISK_WHERE} ORDER BY ${order} LIMIT $4 OFFSET $5) s
       JOIN customers c ON c.workspace_id = s.workspace_id AND c.id = s.customer_id
       ${PREVIOUS_SNAPSHOT}
       ORDER BY ${order}`,
      [...params, query.limit, query.offset],
    ),
  ]);
  return { total: count.rows[0]!.n, data: page.rows.map(toCustomer) };
}

/** The at-risk CSV's columns, in order, with their headers in both languages. */
const AT_RISK_COLUMNS = [
  ['customer_id', 'Customer ID', '顧客ID'],
  ['external_id', 'External ID', '外部ID'],
  ['email', 'Email', 'メールアドレス'],
  ['family_name', 'Family name', '姓'],
  ['given_name', 'Given name', '名'],
  ['rfm_segment', 'RFM segment', 'RFMセグメント'],
  ['stage', 'Stage', 'ステージ'],
  ['orders_count', 'Orders', '購入回数'],
  ['revenue_minor', 'Revenue (minor units)', '累計売上（最小通貨単位）'],
  ['clv_12m_minor', '12-month CLV (minor units)', '予測LTV 12か月（最小通貨単位）'],
  ['value_at_stake_minor', 'Value at stake (minor units)', '失われうる価値（最小通貨単位）'],
  ['currency', 'Currency', '通貨'],
  ['p_alive', 'P(alive)', '生存確率'],
  ['p_alive_change', 'P(alive) change', '生存確率の変化'],
  ['churn_risk', 'Churn risk', '離反リスク'],
  ['last_order_at', 'Last order', '最終購入日時'],
  ['days_since_last_order', 'Days since last order', '最終購入からの日数'],
  ['usual_interval_days', 'Usual days between orders', '普段の購入間隔（日）'],
  // The glossary's words for the ids above, in the export's language (added last: columns keep their places).
  ['rfm_segment_name', 'RFM segment (name)', 'RFMセグメント名'],
  ['stage_name', 'Stage (name)', 'ステージ名'],
] as const;

/**
 * The whole at-risk list as CSV, in the list's order, through the one export writer (BOM or
 * Shift_JIS, headers in the asked language, times in the workspace's zone); rows come from a
 * server-side cursor, so a list of any length streams.
 */
export function atRiskCsv(db: Db, workspaceId: string, query: AtRiskQuery, currency: string, options: ExportOptions): Readable {
  const sql = `SELECT ${CUSTOMER_COLUMNS}, c.family_name, c.given_name, $4::text AS currency,
      round(s.p_alive::numeric, 4)::float8 AS p_alive_4, round(s.churn_risk::numeric, 4)::float8 AS churn_risk_4
    FROM customer_scores s JOIN customers c ON c.workspace_id = s.workspace_id AND c.id = s.customer_id
    ${PREVIOUS_SNAPSHOT}
    WHERE ${atRiskWhere(query)} ORDER BY ${atRiskOrder(query)}`;
  async function* rows() {
    for await (const r of cursorRows(db, sql, [workspaceId, query.maxPAlive, query.minFm, currency])) {
      const c = toCustomer(r);
      const values: Record<(typeof AT_RISK_COLUMNS)[number][0], unknown> = {
        customer_id: c.customerId,
        external_id: c.externalId,
        email: c.email,
        family_name: r.family_name,
        given_name: r.given_name,
        rfm_segment: c.rfmSegment,
        stage: c.stage,
        orders_count: c.ordersCount,
        revenue_minor: c.revenueMinor,
        clv_12m_minor: c.clv12mMinor,
        value_at_stake_minor: c.valueAtStakeMinor,
        currency: r.currency,
        p_alive: r.p_alive_4,
        p_alive_change: c.pAliveChange === null ? null : Math.round(c.pAliveChange * 10_000) / 10_000,
        churn_risk: r.churn_risk_4,
        last_order_at: c.lastOrderAt,
        days_since_last_order: c.daysSinceLastOrder,
        usual_interval_days: c.usualIntervalDays,
        rfm_segment_name: c.rfmSegment === null ? null : glossaryLabel('rfm', c.rfmSegment, options.lang),
        stage_name: glossaryLabel('stage', c.stage, options.lang),
      };
      yield AT_RISK_COLUMNS.map(([key]) => values[key]);
    }
  }
  return csvExport(
    AT_RISK_COLUMNS.map(([, en, ja]) => ({ header: { en, ja } })),
    rows(),
    options,
  );
}

export interface ClvHistogram {
  /** Scored customers with a CLV prediction. */
  customers: number;
  meanMinor: number | null;
  medianMinor: number | null;
  /** Equal-width bins from 0; the last one is open-ended (from the 99th percentile up). */
  bins: { fromMinor: number; toMinor: number | null; customers: number }[];
}

/** A round bin width (1, 2 or 5 × 10^k) at least `raw`. */
export function niceWidth(raw: number): number {
  if (!(raw > 0)) return 1;
  const power = 10 ** Math.floor(Math.log10(raw));
  for (const step of [1, 2, 5, 10]) if (step * power >= raw) return step * power;
  return 10 * power;
}

/** Distribution of predicted 12-month CLV: bins up to the 99th percentile, the tail in the last bin. */
export async function clvHistogram(q: Queryable, workspaceId: string, binCount = 20): Promise<ClvHistogram> {
  const { rows: stats } = await q.query<{ n: number; mean: number | null; median: number | null; p99: number | null }>(
    `SELECT count(*)::int AS n, avg(clv_12m_minor)::float8 AS mean,
            percentile_cont(0.5) WITHIN GROUP (ORDER BY clv_12m_minor)::float8 AS median,
            percentile_disc(0.99) WITHIN GROUP (ORDER BY clv_12m_minor)::float8 AS p99
     FROM customer_scores WHERE workspace_id = $1 AND clv_12m_minor IS NOT NULL`,
    [workspaceId],
  );
  const { n, mean, median, p99 } = stats[0]!;
  if (n === 0) return { customers: 0, meanMinor: null, medianMinor: null, bins: [] };
  const width = niceWidth(Math.max(p99 ?? 0, 1) / binCount);
  const { rows } = await q.query<{ bin: number; n: number }>(
    `SELECT least(floor(greatest(clv_12m_minor, 0) / $2::float8), $3)::int AS bin, count(*)::int AS n
     FROM customer_scores WHERE workspace_id = $1 AND clv_12m_minor IS NOT NULL GROUP BY 1`,
    [workspaceId, width, binCount],
  );
  const counts = new Map(rows.map((r) => [r.bin, r.n]));
  const last = Math.max(...rows.map((r) => r.bin));
  const bins = Array.from({ length: last + 1 }, (_, i) => ({
    fromMinor: i * width,
    toMinor: i === binCount ? null : (i + 1) * width,
    customers: counts.get(i) ?? 0,
  }));
  return { customers: n, meanMinor: mean, medianMinor: median, bins };
}

export interface ParetoCurve {
  /** Customers with at least one purchase, and their lifetime net revenue. */
  customers: number;
  revenueMinor: number;
  /** Cumulative share of revenue of the top `customerShare` of customers (1 %, 2 %, … 100 %). */
  points: { customerShare: number; revenueShare: number }[];
}

/**
 * Lifetime net revenue concentration: the share of revenue of the top x % of buying customers,
 * exact without ranking every customer. The top k % are the ⌊k n / 100⌋ highest; with t the revenue
 * at that rank, their revenue is Σ(revenue > t) + (rank − #(revenue > t)) × t, whatever the ties.
 * One sort finds the hundred t's (percentile_disc), one pass sums revenue between them.
 */
export async function paretoCurve(q: Queryable, workspaceId: string): Promise<ParetoCurve> {
  const buyers = 'FROM customer_scores WHERE workspace_id = $1 AND orders_count > 0';
  const { rows: totals } = await q.query<{ n: number; revenue: number }>(
    `SELECT count(*)::int AS n, coalesce(sum(revenue_minor), 0)::float8 AS revenue ${buyers}`,
    [workspaceId],
  );
  const { n, revenue } = totals[0]!;
  if (n === 0) return { customers: 0, revenueMinor: 0, points: [] };
  const percents = Array.from({ length: 100 }, (_, i) => i + 1).filter((k) => Math.floor((k * n) / 100) >= 1);
  const ranks = percents.map((k) => Math.floor((k * n) / 100));
  // percentile_disc(p) takes the value at position ⌈p n⌉; p = (rank − ½) / n lands on the rank despite rounding.
  const { rows: cut } = await q.query<{ values: number[] }>(
    `SELECT percentile_disc($2::float8[]) WITHIN GROUP (ORDER BY revenue_minor DESC)::float8[] AS values ${buyers}`,
    [workspaceId, ranks.map((r) => (r - 0.5) / n)],
  );
  const thresholds = cut[0]!.values;
  const bounds = [...new Set(thresholds)].sort((a, b) => a - b);
  // width_bucket: bucket j holds bounds[j−1] ≤ revenue < bounds[j] (1-based); 0 is below the lowest.
  const { rows: buckets } = await q.query<{ bucket: number; at_bound: boolean | null; n: number; revenue: number }>(
    `SELECT width_bucket(revenue_minor::float8, $2::float8[]) AS bucket,
            revenue_minor::float8 = ($2::float8[])[width_bucket(revenue_minor::float8, $2::float8[])] AS at_bound,
            count(*)::int AS n, sum(revenue_minor)::float8 AS revenue
     ${buyers} GROUP BY 1, 2`,
    [workspaceId, bounds],
  );
  // Customers and revenue strictly above each bound, from the highest bound down.
  const above = new Map<number, { n: number; revenue: number }>();
  let higherN = 0;
  let higherRevenue = 0;
  for (let j = bounds.length; j >= 1; j--) {
    const rows = buckets.filter((b) => b.bucket === j);
    const inBucket = rows.reduce((s, b) => ({ n: s.n + b.n, revenue: s.revenue + b.revenue }), { n: 0, revenue: 0 });
    const atBound = rows.filter((b) => b.at_bound).reduce((s, b) => ({ n: s.n + b.n, revenue: s.revenue + b.revenue }), { n: 0, revenue: 0 });
    above.set(bounds[j - 1]!, { n: higherN + inBucket.n - atBound.n, revenue: higherRevenue + inBucket.revenue - atBound.revenue });
    higherN += inBucket.n;
    higherRevenue += inBucket.revenue;
  }
  const points = percents.map((k, i) => {
    const t = thresholds[i]!;
    const strictlyAbove = above.get(t)!;
    const top = strictlyAbove.revenue + (ranks[i]! - strictlyAbove.n) * t;
    return { customerShare: k / 100, revenueShare: revenue > 0 ? top / revenue : 0 };
  });
  return { customers: n, revenueMinor: revenue, points };
}

export interface StageFlow {
  from: string;
  to: string;
  /** Stage changes counted: events written by scoring runs in (from, to]. */
  moves: { from: Stage; to: Stage; customers: number }[];
}

/**
 * How many customers moved between lifecycle stages in a period, from the `Lifecycle Stage Changed`
 * events of the scoring runs (a customer who moved twice counts in both moves).
 */
export async function stageFlow(q: Queryable, workspaceId: string, period: { from: Date; to: Date }): Promise<StageFlow> {
  const { rows } = await q.query<{ from: Stage; to: Stage; n: number }>(
    `SELECT properties->>'from' AS "from", properties->>'to' AS "to", count(*)::int AS n
     FROM events WHERE workspace_id = $1 AND name = 'Lifecycle Stage Changed' AND occurred_at > $2 AND occurred_at <= $3
     GROUP BY 1, 2 ORDER BY 3 DESC`,
    [workspaceId, period.from, period.to],
  );
  return { from: period.from.toISOString(), to: period.to.toISOString(), moves: rows.map((r) => ({ from: r.from, to: r.to, customers: r.n })) };
}

export interface SizesOverTime {
  /** One point per day with a successful run (its last run of the day): customers per stage and RFM segment. */
  points: { asOf: Date; customers: number; stages: Record<string, number>; segments: Record<string, number> }[];
}

/** Stage and RFM segment sizes after each scoring run (the counts each run stores), oldest first. */
export async function sizesOverTime(q: Queryable, workspaceId: string, limit = 366): Promise<SizesOverTime> {
  const { rows } = await q.query<{ as_of: Date; counts: { customers: number; stages: Record<string, number>; segments: Record<string, number> } }>(
    `SELECT as_of, counts FROM (
       SELECT DISTINCT ON (as_of::date) as_of, counts, started_at FROM model_runs
       WHERE workspace_id = $1 AND status = 'succeeded' AND counts IS NOT NULL ORDER BY as_of::date DESC, started_at DESC LIMIT $2
     ) r ORDER BY as_of`,
    [workspaceId, limit],
  );
  return { points: rows.map((r) => ({ asOf: r.as_of, customers: r.counts.customers, stages: r.counts.stages, segments: r.counts.segments })) };
}

/** The latest successful scoring run: the stage flow's default period ends at its as-of, and aggregates of the scores stay valid until the next. */
export async function latestRun(q: Queryable, workspaceId: string): Promise<{ id: string; asOf: Date } | null> {
  const { rows } = await q.query<{ id: string; as_of: Date }>(
    `SELECT id, as_of FROM model_runs WHERE workspace_id = $1 AND status = 'succeeded' ORDER BY started_at DESC LIMIT 1`,
    [workspaceId],
  );
  return rows[0] ? { id: rows[0].id, asOf: rows[0].as_of } : null;
}
