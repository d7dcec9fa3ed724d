import { revenueShare } from '../../analytics/models/revenueShare.ts';
import { differenceOfNps, npsInterval, type NpsCounts } from '../../analytics/stats/nps.ts';
import { differenceOfProportions, proportionInterval, significance, type ChangeSignificance } from '../../analytics/stats/proportion.ts';
import { ValidationError } from '../../kernel/errors.ts';
import type { Db, Queryable } from '../../db/database.ts';
import { npsFromCounts } from '../surveys/nps.ts';
import type { Workspace } from '../workspaces/index.ts';
import { KPI_DEFINITIONS, KPI_KEYS, type Granularity, type KpiKey } from './kpiDefinitions.ts';
import { calendarPeriods, comparisonWindows, localDay, type ComparisonBasis, type Window } from './periods.ts';
import type { IntelligenceSettings } from './settings.ts';
import { dayNumber, f2Maturity, isCalendarPeriod, liveWindowStats, readDayTotals, readPeriodStats, refreshKpiRollups, type CalendarWindow, type WindowStats } from './kpiRollups.ts';
import { localDaySql, payingOrdersWhere } from './summarySql.ts';

/** KPIs per period (definitions in kpiDefinitions.ts and docs/metrics.md), with targets. */
export interface KpiQuery {
  /** First and last day (YYYY-MM-DD, workspace time zone) to cover; periods containing them are included. */
  from: string;
  to: string;
  granularity: Granularity;
  /** What the comparison puts side by side (periods.ts); default "complete". */
  basis?: ComparisonBasis;
  /** The instant whose local day is "today" (excluded: it has not ended); default now. */
  asOf?: Date;
}

export interface KpiValue {
  value: number | null;
  target: number | null;
  /** value / target, or target / value for KPIs where lower is better; null without both. */
  attainment: number | null;
  /** value − value of the period compared with; null for a partial period in the series. */
  change: number | null;
  /** For rates: the denominator (customers, accounts); for NPS: the answers. Null for other KPIs. */
  n: number | null;
  /** 95 % interval of the value (Wilson for proportions, Wald for NPS), null where not defined. */
  low: number | null;
  high: number | null;
  /** 95 % interval of the change (Newcombe for proportions, Wald for NPS differences). */
  changeLow: number | null;
  changeHigh: number | null;
  /** "none" when the change's interval holds 0; null for KPIs without an interval. */
  significance: ChangeSignificance | null;
}

export interface KpiPeriod {
  start: string;
  /** Exclusive calendar end. */
  end: string;
  /** Exclusive end of the days the values cover: `end`, or today for the partial period. */
  coveredEnd: string;
  partial: boolean;
  kpis: Record<KpiKey, KpiValue>;
}

export interface KpiComparison {
  basis: ComparisonBasis;
  current: Window;
  previous: Window;
  kpis: Record<KpiKey, KpiValue>;
}

export interface KpiResult {
  /** Today in the workspace's time zone: periods end before it. */
  asOfDay: string;
  periods: KpiPeriod[];
  comparison: KpiComparison | null;
}

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
  /** New customers of the period whose F2 window has ended by the as-of day. */
  f2_eligible: number;
  /** Customers whose first purchase is at least N days before the period's end, and those of them with a second purchase day before it. */
  mature_total: number;
  mature_repeaters: number;
  cum_revenue: number;
  recent: number;
  mrr: number;
  logos_start: number;
  logos_lost: number;
  mrr_start: number;
  mrr_lost: number;
  mrr_kept: number;
  /** Revenue share of the period's top ⌈20 %⌉ buyers (null without purchases). */
  top20: number | null;
}

/**
 * Every KPI for every period in one pass over the purchases (docs/metrics.md, "How KPIs are
 * computed"): periods are local calendar boundaries T[1] < … < T[P+1] of the workspace time zone,
 * and each order and subscription is placed among them once with width_bucket; the purchases are
 * sorted once by customer. Counts over windows ("a purchase in [t − W, t)") become the boundary
 * ranges each purchase newly covers, summed as +1/−1 events, so the cost grows with the data plus
 * the periods, not with their product.
 *
 * Like for like (periods.ts): the last boundary is today at the latest, so a partial period holds
 * its days to date and is flagged; the comparison is computed over its own boundaries when it is
 * "to date" (the previous period's first days, then the current period's).
 */
export async function computeKpis(db: Db, workspace: Workspace, settings: IntelligenceSettings, query: KpiQuery, options: KpiSource = {}): Promise<KpiResult> {
  if (!(query.from <= query.to)) throw new ValidationError('Invalid period', [{ path: ['from'], message: 'must not be after to' }]);
  const asOfDay = localDay(query.asOf ?? new Date(), workspace.timeZone);
  const periods = calendarPeriods(query.from, query.to, query.granularity, asOfDay);
  if (periods.length > MAX_PERIODS) {
    throw new ValidationError('Too many periods', [{ path: ['from'], message: `at most ${MAX_PERIODS} ${query.granularity}s at a time` }]);
  }
  if (periods.length < 2) return { asOfDay, periods: [], comparison: null };
  const windows = comparisonWindows(periods, query.granularity, query.basis ?? 'complete');
  const source: Source = { direct: options.direct ?? false, granularity: query.granularity };
  return db.tx(async (q) => {
    // The direct computation's one sort of all purchases by customer wants memory (as readSummary's);
    // the rollups are brought up to date first, in this transaction.
    await q.query("SET LOCAL work_mem = '256MB'");
    if (!source.direct) await refreshKpiRollups(q, workspace, settings);
    const bounds = [...periods.map((p) => p.start), periods.at(-1)!.coveredEnd];
    const raw = await periodValues(q, workspace, settings, bounds, asOfDay, source);
    const targets = await targetsFor(q, workspace.id, query.granularity, periods.map((p) => p.start));
    const shown = periods.slice(1).map((p, i): KpiPeriod => {
      // A partial period has no change: its base would be a full period.
      const kpis = compare(raw[i + 1]!, p.partial ? null : raw[i]!, (key) => targets.get(`${key}|${p.start}`) ?? null);
      return { ...p, kpis };
    });
    let comparison: KpiComparison | null = null;
    if (windows) {
      const { basis, current, previous } = windows;
      const [now, before] =
        basis === 'complete'
          ? [raw[periods.findIndex((p) => p.start === current.start)]!, raw[periods.findIndex((p) => p.start === previous.start)]!]
          : await toDate(q, workspace, settings, windows, asOfDay, source);
      // Predicted LTV is a stock of the latest scoring run, not a flow of a period: when the compared
      // window does not hold that run, the card shows the run's value, uncompared.
      const latestLtv = raw.map((r) => r.values.predicted_ltv).filter((v) => v !== null).at(-1) ?? null;
      const shownNow = now.values.predicted_ltv === null ? { ...now, values: { ...now.values, predicted_ltv: latestLtv } } : now;
      const shownBefore = now.values.predicted_ltv === null ? { ...before, values: { ...before.values, predicted_ltv: null } } : before;
      comparison = { basis, current, previous, kpis: compare(shownNow, shownBefore, (key) => targets.get(`${key}|${current.start}`) ?? null) };
    }
    return { asOfDay, periods: shown, comparison };
  });
}

/** The current period to date and the same days of the previous one, over their own boundaries. */
async function toDate(q: Queryable, workspace: Workspace, settings: IntelligenceSettings, w: { current: Window; previous: Window }, asOfDay: string, source: Source): Promise<[RawPeriod, RawPeriod]> {
  // Each window's values depend on its own bounds only, so the two are computed apart.
  const [current] = await periodValues(q, workspace, settings, [w.current.start, w.current.end], asOfDay, source);
  const [previous] = await periodValues(q, workspace, settings, [w.previous.start, w.previous.end], asOfDay, source);
  return [current!, previous!];
}

/** Where the values come from: the rollups (kpiRollups.ts; default), or one pass over the orders (the reference they are tested against). */
export interface KpiSource {
  direct?: boolean;
}
interface Source {
  direct: boolean;
  granularity: Granularity;
}

async function targetsFor(q: Queryable, workspaceId: string, granularity: Granularity, starts: string[]): Promise<Map<string, number>> {
  const { rows } = await q.query<{ kpi: KpiKey; period_start: string; target: number }>(
    'SELECT kpi, period_start::text, target FROM kpi_targets WHERE workspace_id = $1 AND granularity = $2 AND period_start = ANY($3::date[])',
    [workspaceId, granularity, starts],
  );
  return new Map(rows.map((t) => [`${t.kpi}|${t.period_start}`, t.target]));
}

/** One period's values, and the counts behind its rates and NPS (for n and intervals). */
interface RawPeriod {
  values: Record<KpiKey, number | null>;
  /** Rates as x of n. */
  counts: Partial<Record<KpiKey, { x: number; n: number }>>;
  nps: NpsCounts;
}

/** Local dates at midnight (timestamp without time zone), so that AT TIME ZONE gives the instants of the workspace's midnights whatever the session time zone is. */
const periodsCte = `periods AS (
      SELECT i AS n, ($1::date[])[i]::text AS start_date, ($1::date[])[i + 1]::text AS end_date,
             ($1::date[])[i]::timestamp AT TIME ZONE $2 AS start_at, ($1::date[])[i + 1]::timestamp AT TIME ZONE $2 AS end_at
      FROM generate_series(1, cardinality($1::date[]) - 1) AS i)`;

/** The periods' rows in one pass over the purchases (the reference the rollups are tested against). */
async function directPeriodRows(q: Queryable, workspace: Workspace, settings: IntelligenceSettings, bounds: string[], asOfDay: string): Promise<PeriodRow[]> {
  const tz = workspace.timeZone;
  const scope = { workspaceId: workspace.id, currency: workspace.currency, asOf: new Date() };
  const periods = periodsCte;
  const params = [bounds, tz];
  const { rows } = await q.query<Omit<PeriodRow, 'top20'> & { revenues: number[] | null }>(
    `WITH ${periods},
     -- T[1..P+1] (period n is [T[n], T[n+1])), and T − W, T − D, T − N for the windows ending at each boundary.
     bounds AS (
       SELECT t, count(*)::int - 1 AS last_period, array_agg(x - make_interval(days => $5) ORDER BY x) AS t_active,
              array_agg(x - make_interval(days => $7) ORDER BY x) AS t_dormant, array_agg(x - make_interval(days => $6) ORDER BY x) AS t_mature
       FROM (SELECT array_agg(start_at ORDER BY n) || max(end_at) AS t FROM periods) b CROSS JOIN LATERAL unnest(b.t) AS x GROUP BY t),
     idx AS (SELECT generate_series(0, last_period + 2) AS k FROM bounds),
     -- k: index of the period holding the order (0 before T[1], P + 1 from T[P+1] on). Boundary T[j] is
     -- "covered" by a purchase at x when x < T[j] and x ≥ T[j] − W, i.e. j in [k + 1, width_bucket(x, T − W)].
     o AS MATERIALIZED (
       SELECT o.customer_id, o.ordered_at, o.total_minor - o.refunded_minor AS net, ${localDaySql('o.ordered_at', tz)} AS day,
              width_bucket(o.ordered_at, b.t) AS k, width_bucket(o.ordered_at, b.t_active) AS hi_active, width_bucket(o.ordered_at, b.t_dormant) AS hi_recent,
              -- From running index k_mature on, a customer who first bought here is N days old (first < T − N).
              width_bucket(o.ordered_at, b.t_mature) AS k_mature
       FROM paying_orders o CROSS JOIN bounds b WHERE ${payingOrdersWhere(scope)}),
     -- One sort: each customer's purchases in time order. reached_*: the last boundary covered by the earlier ones.
     x AS (
       SELECT customer_id, net, k, hi_active, hi_recent, row_number() OVER w AS nth, first_value(k) OVER w AS first_k,
              day > first_value(day) OVER w AND lag(day) OVER w = first_value(day) OVER w AS second_day,
              ordered_at < first_value(ordered_at) OVER w + make_interval(days => $6) AS within_f2,
              first_value(k_mature) OVER w AS first_k_mature,
              -- F2 counts a first purchase once its N-day window has ended by the as-of day.
              first_value(ordered_at) OVER w + make_interval(days => $6) <= $8::date::timestamp AT TIME ZONE $2 AS f2_mature,
              max(hi_active) FILTER (WHERE k < hi_active) OVER earlier AS reached_active,
              max(hi_recent) FILTER (WHERE k < hi_recent) OVER earlier AS reached_recent
       FROM o WINDOW w AS (PARTITION BY customer_id ORDER BY ordered_at), earlier AS (w ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING)),
     -- What each purchase adds: first / second purchase day, and the boundaries it is the first to cover
     -- ([*_from, hi]; joined: the covered range before it ends right at *_from − 1).
     marks AS MATERIALIZED (
       SELECT * FROM (
         SELECT k, nth, first_k, second_day, within_f2, first_k_mature, f2_mature, hi_active, hi_recent, reached_active, reached_recent,
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
       SELECT first_k AS k, count(*) FILTER (WHERE nth = 1)::int AS new_customers, count(*) FILTER (WHERE nth = 1 AND f2_mature)::int AS f2_eligible,
              count(*) FILTER (WHERE second_day AND within_f2 AND f2_mature)::int AS f2_hits
       FROM marks WHERE nth = 1 OR second_day GROUP BY 1),
     ${MRR_PIECES},
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
             event('mature_total', 'first_k_mature', '1', 'marks WHERE nth = 1'),
             event('mature_repeaters', 'greatest(k, first_k_mature)', '1', 'marks WHERE second_day'),
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
                            sum(sign * CASE WHEN s0 > 0 THEN greatest(s0 - s1, 0) ELSE 0 END), sum(sign * CASE WHEN s0 > 0 THEN s1 ELSE 0 END), 0, 0
             FROM account_pairs CROSS JOIN LATERAL (VALUES (k_from, 1), (k_to, -1)) AS e(k, sign) GROUP BY 1
         ) x GROUP BY k) e USING (k))
     SELECT p.n, p.start_date, p.end_date, p.start_at, p.end_at,
            coalesce(m.orders, 0) AS orders, coalesce(m.buyers, 0) AS buyers, coalesce(m.revenue, 0) AS revenue, coalesce(m.revenue_new, 0) AS revenue_new, m.revenues,
            r_start.active_cover::int AS s, r_start.active_pairs::int AS retained, r_end.active_cover::int AS active,
            r_start.buyers_total::int AS buyers_total, coalesce(f.new_customers, 0) AS new_customers, r_start.repeaters::int AS repeaters,
            coalesce(f.f2_hits, 0) AS f2_hits, coalesce(f.f2_eligible, 0) AS f2_eligible, r_start.mature_total::int AS mature_total, r_start.mature_repeaters::int AS mature_repeaters, r_start.cum_revenue, r_end.recent_cover::int AS recent, r_end.mrr_cover AS mrr,
            r_start.logos_start::int AS logos_start, r_start.logos_lost::int AS logos_lost, r_start.mrr_start, r_start.mrr_lost, r_start.mrr_kept
     FROM periods p
     JOIN running r_start ON r_start.k = p.n
     JOIN running r_end ON r_end.k = p.n + 1
     LEFT JOIN m ON m.k = p.n
     LEFT JOIN firsts f ON f.k = p.n
     ORDER BY p.n`,
    [...params, workspace.id, workspace.currency, settings.activeWithinDays, settings.f2WindowDays, settings.stages.dormantAfterDays, asOfDay],
  );
  return rows.map(({ revenues, ...r }) => ({ ...r, top20: revenues ? revenueShare(revenues).share : null }));
}

/**
 * The periods' rows from the rollups (kpiRollups.ts): stocks at a boundary are running sums of the
 * day totals; period sums are differences of two; what is not a sum over days comes from the stored
 * calendar periods, or is computed for the window when it is not a whole period (the partial one, the
 * "to date" windows); subscriptions are few and read as before.
 */
async function rollupPeriodRows(q: Queryable, workspace: Workspace, settings: IntelligenceSettings, bounds: string[], asOfDay: string, granularity: Granularity): Promise<PeriodRow[]> {
  const N = settings.f2WindowDays;
  const days = bounds.map(dayNumber);
  const windows: CalendarWindow[] = days.slice(0, -1).map((start, i) => ({ granularity: 'window', start, end: days[i + 1]! }));
  const whole = (w: CalendarWindow) => isCalendarPeriod(granularity, w.start, w.end);
  const [totals, stored, live, immature, subs] = [
    await readDayTotals(q, workspace.id),
    await readPeriodStats(q, workspace.id, granularity, windows.filter(whole).map((w) => w.start)),
    await liveWindowStats(q, workspace.id, settings.activeWithinDays, windows.filter((w) => !whole(w)), asOfDay),
    await f2Maturity(q, workspace.id, workspace.timeZone, N, asOfDay),
    await subscriptionRows(q, workspace, bounds),
  ];
  const liveStats = new Map(windows.filter((w) => !whole(w)).map((w, i) => [w.start, live[i]!]));
  const none: WindowStats = { buyers: 0, revenueNew: 0, churned: 0, top20Revenue: 0 };
  return windows.map((w, i): PeriodRow => {
    const stats = (whole(w) ? stored.get(w.start) : liveStats.get(w.start)) ?? none;
    const { start: s, end: e } = w;
    const within = (column: Parameters<typeof totals.before>[0]) => totals.before(column, e) - totals.before(column, s);
    // Not yet mature for F2: every first purchase from immatureFrom on, and some of the days just before.
    const youngFrom = Math.max(s, immature.immatureFrom);
    const young = immature.edge.filter((f) => f.day >= s && f.day < e);
    const youngCount = young.length + (youngFrom < e ? totals.before('new_customers', e) - totals.before('new_customers', youngFrom) : 0);
    const youngHits = young.filter((f) => f.hit).length + (youngFrom < e ? totals.before('f2_hits', e) - totals.before('f2_hits', youngFrom) : 0);
    const S = totals.before('active_delta', s);
    const revenue = within('net_minor');
    const newCustomers = within('new_customers');
    return {
      ...subs[i]!,
      orders: within('orders'),
      buyers: stats.buyers,
      revenue,
      revenue_new: stats.revenueNew,
      s: S,
      retained: S - stats.churned,
      active: totals.before('active_delta', e),
      buyers_total: totals.before('new_customers', e),
      new_customers: newCustomers,
      repeaters: totals.before('second_days', e),
      f2_hits: within('f2_hits') - youngHits,
      f2_eligible: newCustomers - youngCount,
      mature_total: totals.before('new_customers', e - N),
      mature_repeaters: totals.before('mature_repeaters', e),
      cum_revenue: totals.before('net_minor', e),
      recent: totals.before('recent_delta', e),
      top20: stats.buyers > 0 ? stats.top20Revenue / revenue : null,
    };
  });
}

type SubscriptionRow = Pick<PeriodRow, 'n' | 'start_date' | 'end_date' | 'start_at' | 'end_at' | 'mrr' | 'logos_start' | 'logos_lost' | 'mrr_start' | 'mrr_lost' | 'mrr_kept'>;

/** MRR and account churn per period: the subscription part of the direct query (subscriptions are per account, not per customer, and few). */
async function subscriptionRows(q: Queryable, workspace: Workspace, bounds: string[]): Promise<SubscriptionRow[]> {
  const columns = ['mrr_cover', 'logos_start', 'logos_lost', 'mrr_start', 'mrr_lost', 'mrr_kept'];
  const { rows } = await q.query<SubscriptionRow>(
    `WITH ${periodsCte},
     bounds AS (SELECT array_agg(start_at ORDER BY n) || max(end_at) AS t, count(*)::int AS last_period FROM periods),
     idx AS (SELECT generate_series(0, last_period + 2) AS k FROM bounds),
     ${MRR_PIECES},
     account_pairs AS (
       SELECT lo AS k_from, hi AS k_to, v AS s0, v AS s1 FROM pieces WHERE hi IS NOT NULL AND hi > lo
       UNION ALL SELECT hi, hi + 1, v, next_v FROM pieces WHERE hi IS NOT NULL AND hi >= 1),
     events AS (
       SELECT lo AS k, sum(mrr_minor) AS mrr_cover, 0 AS logos_start, 0 AS logos_lost, 0 AS mrr_start, 0 AS mrr_lost, 0 AS mrr_kept FROM subs WHERE lo <= hi GROUP BY 1
       UNION ALL SELECT hi + 1, sum(-mrr_minor), 0, 0, 0, 0, 0 FROM subs WHERE lo <= hi GROUP BY 1
       UNION ALL SELECT k, 0, sum(sign * (s0 > 0)::int), sum(sign * (s0 > 0 AND s1 = 0)::int), sum(sign * s0),
                        sum(sign * CASE WHEN s0 > 0 THEN greatest(s0 - s1, 0) ELSE 0 END), sum(sign * CASE WHEN s0 > 0 THEN s1 ELSE 0 END)
         FROM account_pairs CROSS JOIN LATERAL (VALUES (k_from, 1), (k_to, -1)) AS e(k, sign) GROUP BY 1),
     running AS (
       SELECT i.k, ${columns.map((c) => `(sum(coalesce(e.${c}, 0)) OVER (ORDER BY i.k))::float8 AS ${c}`).join(', ')}
       FROM idx i LEFT JOIN (SELECT k, ${columns.map((c) => `sum(${c}) AS ${c}`).join(', ')} FROM events GROUP BY k) e USING (k))
     SELECT p.n, p.start_date, p.end_date, p.start_at, p.end_at, r_end.mrr_cover AS mrr,
            r_start.logos_start::int AS logos_start, r_start.logos_lost::int AS logos_lost, r_start.mrr_start, r_start.mrr_lost, r_start.mrr_kept
     FROM periods p JOIN running r_start ON r_start.k = p.n JOIN running r_end ON r_end.k = p.n + 1
     ORDER BY p.n`,
    [bounds, workspace.timeZone, workspace.id, workspace.currency],
  );
  return rows;
}

/**
 * Raw values of the periods [bounds[i], bounds[i+1]) (local dates). Rates that need time to mature
 * count only customers old enough on the as-of day (F2) or at the period's end (repeat purchase).
 */
async function periodValues(q: Queryable, workspace: Workspace, settings: IntelligenceSettings, bounds: string[], asOfDay: string, source: Source): Promise<RawPeriod[]> {
  const rows = source.direct ? await directPeriodRows(q, workspace, settings, bounds, asOfDay) : await rollupPeriodRows(q, workspace, settings, bounds, asOfDay, source.granularity);
  const tz = workspace.timeZone;
  const periods = periodsCte;
  const params = [bounds, tz];

  // The mean the run that wrote the current scores recorded (its tally, scoreTally.ts); a run recorded
  // before runs kept it: the live average.
  const { rows: predicted } = await q.query<{ as_of: Date | null; ltv: number | null }>(
    `WITH last AS (SELECT (diagnostics->>'ltvMeanMinor')::float8 AS ltv, diagnostics ? 'ltvMeanMinor' AS kept
                   FROM model_runs WHERE workspace_id = $1 AND status = 'succeeded' ORDER BY finished_at DESC LIMIT 1)
     SELECT (SELECT max(as_of) FROM model_runs WHERE workspace_id = $1 AND status = 'succeeded') AS as_of,
            CASE WHEN (SELECT kept FROM last) THEN (SELECT ltv FROM last)
                 ELSE (SELECT avg(revenue_minor + clv_12m_minor)::float8 FROM customer_scores WHERE workspace_id = $1 AND clv_12m_minor IS NOT NULL) END AS ltv`,
    [workspace.id],
  );
  const { rows: npsRows } = await q.query<{ n: number; p: number; pa: number; d: number }>(
    `WITH ${periods}
     SELECT p.n, count(*) FILTER (WHERE r.category = 'promoter')::int AS p, count(*) FILTER (WHERE r.category = 'passive')::int AS pa,
            count(*) FILTER (WHERE r.category = 'detractor')::int AS d
     FROM periods p JOIN nps_answers r ON r.workspace_id = $3 AND r.answered_at >= p.start_at AND r.answered_at < p.end_at
     GROUP BY p.n`,
    [...params, workspace.id],
  );
  const npsByPeriod = new Map(npsRows.map((r) => [r.n, { promoters: r.p, passives: r.pa, detractors: r.d }]));

  const ratio = (a: number, b: number) => (b > 0 ? a / b : null);
  return rows.map((p): RawPeriod => {
    const asOf = predicted[0]!.as_of;
    // A period ending today also holds today's run (today is in no period: it has not ended).
    const holdsRun = asOf !== null && asOf >= p.start_at && (asOf < p.end_at || p.end_date === asOfDay);
    const nps = npsByPeriod.get(p.n) ?? { promoters: 0, passives: 0, detractors: 0 };
    const npsSummary = npsFromCounts(nps.promoters, nps.passives, nps.detractors);
    const counts = {
      retention_rate: { x: p.retained, n: p.s },
      churn_rate: { x: p.s - p.retained, n: p.s },
      repeat_purchase_rate: { x: p.mature_repeaters, n: p.mature_total },
      f2_conversion: { x: p.f2_hits, n: p.f2_eligible },
      dormant_share: { x: p.buyers_total - p.recent, n: p.buyers_total },
      logo_churn: { x: p.logos_lost, n: p.logos_start },
    } satisfies Partial<Record<KpiKey, { x: number; n: number }>>;
    const rate = (key: keyof typeof counts) => ratio(counts[key].x, counts[key].n);
    const values: Record<KpiKey, number | null> = {
      active_customers: p.active,
      new_customers: p.new_customers,
      retention_rate: rate('retention_rate'),
      churn_rate: rate('churn_rate'),
      repeat_purchase_rate: rate('repeat_purchase_rate'),
      f2_conversion: rate('f2_conversion'),
      purchase_frequency: ratio(p.orders, p.buyers),
      average_order_value: ratio(p.revenue, p.orders),
      revenue: p.revenue,
      revenue_existing_customers: p.revenue - p.revenue_new,
      revenue_new_customers: p.revenue_new,
      historic_ltv: ratio(p.cum_revenue, p.buyers_total),
      predicted_ltv: holdsRun ? predicted[0]!.ltv : null,
      dormant_share: rate('dormant_share'),
      top20_revenue_share: p.top20,
      mrr: p.mrr,
      logo_churn: rate('logo_churn'),
      revenue_churn: ratio(p.mrr_lost, p.mrr_start),
      net_revenue_retention: ratio(p.mrr_kept, p.mrr_start),
      // Null in a period without answers: never a made-up number.
      nps: npsSummary.nps,
      nps_ci_low: npsSummary.ciLow,
      nps_ci_high: npsSummary.ciHigh,
    };
    for (const key of KPI_KEYS) values[key] = finite(values[key]);
    return { values, counts, nps };
  });
}

/**
 * A period's KPI values against the period compared with (null: no change shown), with n, the
 * value's interval and the change's interval and significance where the KPI is a proportion or NPS.
 */
function compare(current: RawPeriod, previous: RawPeriod | null, targetOf: (key: KpiKey) => number | null): Record<KpiKey, KpiValue> {
  const kpis = {} as Record<KpiKey, KpiValue>;
  for (const def of KPI_DEFINITIONS) {
    const value = current.values[def.key];
    const before = previous?.values[def.key] ?? null;
    const target = targetOf(def.key);
    const attainment = value === null || target === null ? null : def.higherIsBetter ? safeRatio(value, target) : safeRatio(target, value);
    const out: KpiValue = {
      value,
      target,
      attainment,
      change: value !== null && before !== null ? value - before : null,
      n: null,
      low: null,
      high: null,
      changeLow: null,
      changeHigh: null,
      significance: null,
    };
    const count = current.counts[def.key];
    const countBefore = previous?.counts[def.key];
    if (count) {
      out.n = count.n;
      const interval = proportionInterval(count.x, count.n);
      if (interval) Object.assign(out, { low: interval.low, high: interval.high });
      const change = countBefore && out.change !== null ? differenceOfProportions(count.x, count.n, countBefore.x, countBefore.n) : null;
      if (change) Object.assign(out, { changeLow: change.low, changeHigh: change.high, significance: significance(change) });
    } else if (def.key === 'nps') {
      const interval = npsInterval(current.nps);
      out.n = current.nps.promoters + current.nps.passives + current.nps.detractors;
      if (interval) Object.assign(out, { low: interval.low, high: interval.high });
      const change = previous ? differenceOfNps(current.nps, previous.nps) : null;
      if (change) Object.assign(out, { changeLow: change.low, changeHigh: change.high, significance: significance(change) });
    }
    kpis[def.key] = out;
  }
  return kpis;
}

const safeRatio = (a: number, b: number) => (b > 0 ? a / b : null);

/** Columns summed as events at a boundary index: the running sum at index j is the value at T[j] (or for the pair T[j], T[j+1]). */
const RUNNING = ['buyers_total', 'repeaters', 'cum_revenue', 'active_cover', 'active_pairs', 'recent_cover', 'mrr_cover', 'logos_start', 'logos_lost', 'mrr_start', 'mrr_lost', 'mrr_kept', 'mature_total', 'mature_repeaters'] as const;

/** Adds `value` to one running column at index `at`, summed per index first (few rows reach the union). */
const event = (column: (typeof RUNNING)[number], at: string, value: string, from: string) =>
  `SELECT ${at} AS k, ${RUNNING.map((c) => `${c === column ? `sum(${value})` : '0'} AS ${c}`).join(', ')} FROM ${from} GROUP BY 1`;

const finite = (v: number | null): number | null => (v !== null && Number.isFinite(v) ? v : null);

/**
 * Each account's MRR as pieces of constant value over boundary indices [lo, hi] (CTEs `subs`,
 * `account_changes`, `pieces`; they need a `bounds` CTE with the boundaries `t` and `last_period`,
 * the workspace as $3 and the currency as $4). Shared by the direct and the rollup computation.
 */
// Live at t: started before t, not canceled before t (coverage (started, canceled]); these never are.
const COUNTABLE = `status <> 'trialing' AND NOT (status = 'canceled' AND canceled_at IS NULL)`;
const MRR_PIECES = `subs AS (
       SELECT s.account_id, s.mrr_minor, width_bucket(s.started_at, b.t) + 1 AS lo, coalesce(width_bucket(s.canceled_at, b.t), b.last_period + 1) AS hi
       FROM subscriptions s CROSS JOIN bounds b WHERE s.workspace_id = $3 AND s.currency = $4 AND ${COUNTABLE}),
     account_changes AS (
       SELECT account_id, k, sum(d) AS d FROM (
         SELECT account_id, lo AS k, mrr_minor AS d FROM subs WHERE lo <= hi UNION ALL SELECT account_id, hi + 1, -mrr_minor FROM subs WHERE lo <= hi) x
       GROUP BY 1, 2),
     pieces AS (
       SELECT account_id, lo, lead(lo) OVER w - 1 AS hi, v, lead(v) OVER w AS next_v
       FROM (SELECT account_id, k AS lo, sum(d) OVER (PARTITION BY account_id ORDER BY k) AS v FROM account_changes) x
       WINDOW w AS (PARTITION BY account_id ORDER BY lo))`;
