import pg from 'pg';
import type { Queryable } from '../../db/database.ts';
import type { Workspace } from '../workspaces/index.ts';
import { GRANULARITIES, type Granularity } from './kpiDefinitions.ts';
import { addPeriods, periodStart } from './periods.ts';
import type { IntelligenceSettings } from './settings.ts';
import { localDaySql } from './summarySql.ts';

/**
 * KPI rollups (docs/metrics.md, "How KPIs are computed fast"). Three tables, all derived from the
 * orders module's `paying_orders`:
 *
 * - `kpi_customer_days`: each customer's purchases per local day, with their first, previous and
 *   next purchase days;
 * - `kpi_day_totals`: additive events per day (orders, revenue, first and second purchase days, the
 *   starts and ends of each customer's W- and D-day windows, F2 hits): a stock at a boundary is the
 *   sum of the events before it;
 * - `kpi_period_stats`: per calendar period, what no sum over days gives (distinct buyers, revenue
 *   of new customers, customers lost between the period's ends, top-20 % revenue).
 *
 * Kept current from `kpi_order_changes` (filled by triggers on orders): the customers listed there
 * are recomputed from their orders; their old and new day rows are compared, the day totals get the
 * difference of the two rows' events, and the calendar periods those rows touch are recomputed.
 */
export interface RollupRefresh {
  kind: 'none' | 'incremental' | 'full';
  customers: number;
  ms: number;
}

const DAY_MS = 86_400_000;
/** Local date (YYYY-MM-DD) ↔ day number (days since 1970-01-01), the `day` of the rollups. */
export const dayNumber = (date: string): number => Date.parse(`${date}T00:00:00Z`) / DAY_MS;
export const dayDate = (day: number): string => new Date(day * DAY_MS).toISOString().slice(0, 10);

/** Brings the rollups up to date for the workspace's currency, time zone and windows (rebuilt when any differs). */
export async function refreshKpiRollups(q: Queryable, workspace: Workspace, settings: IntelligenceSettings): Promise<RollupRefresh> {
  const started = performance.now();
  await q.query(`SELECT pg_advisory_xact_lock(hashtextextended('kpi_rollups:' || $1::text, 0))`, [workspace.id]);
  const params = rollupParams(workspace, settings);
  const { rows } = await q.query<{ time_zone: string; currency: string; active_within_days: number; dormant_after_days: number; f2_window_days: number }>(
    'SELECT time_zone, currency, active_within_days, dormant_after_days, f2_window_days FROM kpi_rollup_state WHERE workspace_id = $1',
    [workspace.id],
  );
  const state = rows[0];
  const current =
    state &&
    state.time_zone === params.timeZone &&
    state.currency.trim() === params.currency &&
    state.active_within_days === params.W &&
    state.dormant_after_days === params.D &&
    state.f2_window_days === params.N;
  if (!current) {
    const customers = await rebuild(q, workspace.id, params);
    return { kind: 'full', customers, ms: performance.now() - started };
  }
  const { rows: changed } = await q.query<{ ids: string[] | null }>(
    `WITH taken AS (DELETE FROM kpi_order_changes WHERE workspace_id = $1 RETURNING customer_ids)
     SELECT array_agg(DISTINCT id) AS ids FROM taken CROSS JOIN LATERAL unnest(customer_ids) AS id`,
    [workspace.id],
  );
  const ids = changed[0]?.ids ?? [];
  if (ids.length === 0) return { kind: 'none', customers: 0, ms: performance.now() - started };
  await recompute(q, workspace.id, params, ids);
  await q.query('UPDATE kpi_rollup_state SET refreshed_at = now() WHERE workspace_id = $1', [workspace.id]);
  return { kind: 'incremental', customers: ids.length, ms: performance.now() - started };
}

interface RollupParams {
  timeZone: string;
  currency: string;
  /** activeWithinDays, dormantAfterDays, f2WindowDays. */
  W: number;
  D: number;
  N: number;
}

const rollupParams = (workspace: Workspace, settings: IntelligenceSettings): RollupParams => ({
  timeZone: workspace.timeZone,
  currency: workspace.currency,
  W: settings.activeWithinDays,
  D: settings.stages.dormantAfterDays,
  N: settings.f2WindowDays,
});

const lit = (v: string) => pg.escapeLiteral(v);
const int = (n: number) => {
  if (!Number.isInteger(n)) throw new Error(`not an integer: ${n}`);
  return String(n);
};

/** Day rows (customer, day, …) of the customers (all when null), from paying_orders in the workspace currency. */
function customerDaysSql(workspaceId: string, p: RollupParams, only: boolean): string {
  return `SELECT customer_id, day, orders, net_minor, first_at, first_value(day) OVER w AS first_day, lag(day) OVER w AS prev_day,
                 lead(day) OVER w AS next_day, lead(first_at) OVER w AS next_first_at
          FROM (SELECT o.customer_id, ${localDaySql('o.ordered_at', p.timeZone)}::int AS day, count(*)::int AS orders,
                       sum(o.net_minor)::bigint AS net_minor, min(o.ordered_at) AS first_at
                FROM paying_orders o
                WHERE o.workspace_id = ${lit(workspaceId)} AND o.currency = ${lit(p.currency)} ${only ? 'AND o.customer_id = ANY($1::uuid[])' : ''}
                GROUP BY 1, 2) d
          WINDOW w AS (PARTITION BY customer_id ORDER BY day)`;
}

const DAY_COLUMNS = ['orders', 'net_minor', 'new_customers', 'second_days', 'mature_repeaters', 'active_delta', 'recent_delta', 'f2_hits'] as const;

/**
 * The day events of day rows in `relation`, times `sign`. A purchase on day d puts the customer in
 * the W-day window of boundaries d + 1 … d + W; a boundary B counts the events at days < B, so the
 * window is +1 at d and −1 at d + W, starting where the previous purchase's window ended (one
 * customer counts once). Repeat purchase maturity: first day + N < B and second day < B.
 */
function dayEventsSql(relation: string, sign: 1 | -1, p: RollupParams): string {
  const W = int(p.W);
  const D = int(p.D);
  const N = int(p.N);
  return `SELECT v.at AS day, ${DAY_COLUMNS.map((c) => `sum(v.${c}) * ${sign} AS ${c}`).join(', ')}
    FROM ${relation} r CROSS JOIN LATERAL (VALUES
      (r.day, r.orders::bigint, r.net_minor, (r.day = r.first_day)::int, ((r.prev_day = r.first_day) IS TRUE)::int, 0, 0, 0,
       ((r.day = r.first_day AND r.next_first_at < r.first_at + make_interval(days => ${N})) IS TRUE)::int),
      (CASE WHEN r.prev_day = r.first_day THEN greatest(r.first_day + ${N}, r.day) END, 0, 0, 0, 0, 1, 0, 0, 0),
      (greatest(r.day, r.prev_day + ${W}), 0, 0, 0, 0, 0, 1, 0, 0),
      (r.day + ${W}, 0, 0, 0, 0, 0, -1, 0, 0),
      (greatest(r.day, r.prev_day + ${D}), 0, 0, 0, 0, 0, 0, 1, 0),
      (r.day + ${D}, 0, 0, 0, 0, 0, 0, -1, 0)
    ) AS v(at, ${DAY_COLUMNS.join(', ')})
    WHERE v.at IS NOT NULL GROUP BY v.at`;
}

async function rebuild(q: Queryable, workspaceId: string, p: RollupParams): Promise<number> {
  // Changes logged so far are in what is read below.
  await q.query('DELETE FROM kpi_order_changes WHERE workspace_id = $1', [workspaceId]);
  for (const table of ['kpi_customer_days', 'kpi_day_totals', 'kpi_period_stats']) await q.query(`DELETE FROM ${table} WHERE workspace_id = $1`, [workspaceId]);
  // Stored in day order: the period and window reads scan days.
  await q.query(
    `INSERT INTO kpi_customer_days (workspace_id, customer_id, day, orders, net_minor, first_at, first_day, prev_day, next_day, next_first_at)
     SELECT ${lit(workspaceId)}, customer_id, day, orders, net_minor, first_at, first_day, prev_day, next_day, next_first_at
     FROM (${customerDaysSql(workspaceId, p, false)}) x ORDER BY day`,
  );
  await q.query(`ANALYZE kpi_customer_days`);
  await q.query(
    `INSERT INTO kpi_day_totals (workspace_id, day, ${DAY_COLUMNS.join(', ')})
     SELECT ${lit(workspaceId)}, day, ${DAY_COLUMNS.join(', ')} FROM (${dayEventsSql(`(SELECT * FROM kpi_customer_days WHERE workspace_id = ${lit(workspaceId)})`, 1, p)}) e`,
  );
  const { rows } = await q.query<{ lo: number | null; hi: number | null; customers: number }>(
    'SELECT min(day) AS lo, max(day) AS hi, count(DISTINCT customer_id)::int AS customers FROM kpi_customer_days WHERE workspace_id = $1',
    [workspaceId],
  );
  const { lo, hi } = rows[0]!;
  if (lo !== null && hi !== null) {
    const windows = GRANULARITIES.flatMap((g) => calendarWindows(g, lo, hi + p.W));
    await storePeriodStats(q, workspaceId, p, windows);
  }
  await q.query(
    `INSERT INTO kpi_rollup_state (workspace_id, time_zone, currency, active_within_days, dormant_after_days, f2_window_days)
     VALUES ($1, $2, $3, $4, $5, $6)
     ON CONFLICT (workspace_id) DO UPDATE SET time_zone = EXCLUDED.time_zone, currency = EXCLUDED.currency, active_within_days = EXCLUDED.active_within_days,
       dormant_after_days = EXCLUDED.dormant_after_days, f2_window_days = EXCLUDED.f2_window_days, built_at = now(), refreshed_at = now()`,
    [workspaceId, p.timeZone, p.currency, p.W, p.D, p.N],
  );
  return rows[0]!.customers;
}

/** Recomputes the customers' day rows; applies the difference to the day totals and recomputes the periods it touches. */
async function recompute(q: Queryable, workspaceId: string, p: RollupParams, ids: string[]): Promise<void> {
  await q.query('DROP TABLE IF EXISTS kpi_new, kpi_old, kpi_gone, kpi_came');
  await q.query(`CREATE TEMP TABLE kpi_new ON COMMIT DROP AS ${customerDaysSql(workspaceId, p, true)}`, [ids]);
  await q.query(
    `CREATE TEMP TABLE kpi_old ON COMMIT DROP AS
     SELECT customer_id, day, orders, net_minor, first_at, first_day, prev_day, next_day, next_first_at
     FROM kpi_customer_days WHERE workspace_id = $1 AND customer_id = ANY($2::uuid[])`,
    [workspaceId, ids],
  );
  await q.query('CREATE TEMP TABLE kpi_gone ON COMMIT DROP AS SELECT * FROM kpi_old EXCEPT ALL SELECT * FROM kpi_new');
  await q.query('CREATE TEMP TABLE kpi_came ON COMMIT DROP AS SELECT * FROM kpi_new EXCEPT ALL SELECT * FROM kpi_old');
  await q.query('DELETE FROM kpi_customer_days d USING kpi_gone g WHERE d.workspace_id = $1 AND d.customer_id = g.customer_id AND d.day = g.day', [workspaceId]);
  await q.query(
    `INSERT INTO kpi_customer_days (workspace_id, customer_id, day, orders, net_minor, first_at, first_day, prev_day, next_day, next_first_at)
     SELECT $1, customer_id, day, orders, net_minor, first_at, first_day, prev_day, next_day, next_first_at FROM kpi_came`,
    [workspaceId],
  );
  await q.query(
    `INSERT INTO kpi_day_totals (workspace_id, day, ${DAY_COLUMNS.join(', ')})
     SELECT $1, day, ${DAY_COLUMNS.map((c) => `sum(${c})`).join(', ')}
     FROM (${dayEventsSql('kpi_came', 1, p)} UNION ALL ${dayEventsSql('kpi_gone', -1, p)}) e GROUP BY day
     ON CONFLICT (workspace_id, day) DO UPDATE SET ${DAY_COLUMNS.map((c) => `${c} = kpi_day_totals.${c} + EXCLUDED.${c}`).join(', ')}`,
    [workspaceId],
  );
  // Buyers, new customers' revenue and lost customers are sums of row events too (a row counts as a
  // buyer when the customer's previous purchase is before its period, as lost in the period holding
  // d + W when its next purchase is after that period's end): old rows out, new rows in.
  await q.query(
    `INSERT INTO kpi_period_stats (workspace_id, granularity, start_day, end_day, buyers, revenue_new, churned, top20_revenue)
     SELECT $1, granularity, start_day, end_day, sum(buyers), sum(revenue_new), sum(churned), 0
     FROM (${periodEventsSql('kpi_came', 1, p)} UNION ALL ${periodEventsSql('kpi_gone', -1, p)}) e GROUP BY 2, 3, 4
     ON CONFLICT (workspace_id, granularity, start_day, end_day) DO UPDATE SET buyers = kpi_period_stats.buyers + EXCLUDED.buyers,
       revenue_new = kpi_period_stats.revenue_new + EXCLUDED.revenue_new, churned = kpi_period_stats.churned + EXCLUDED.churned`,
    [workspaceId],
  );
  // Cached windows (not whole periods) read rows on days [start − W, end): dropped when one changed.
  await q.query(
    `DELETE FROM kpi_period_stats s WHERE s.workspace_id = $1 AND s.granularity = 'window'
       AND EXISTS (SELECT 1 FROM (SELECT day FROM kpi_gone UNION ALL SELECT day FROM kpi_came) c WHERE c.day >= s.start_day - $2 AND c.day < s.end_day)`,
    [workspaceId, p.W],
  );
  // The top 20 % is no sum: recomputed for the periods where a customer's revenue on a day changed.
  // Lost customers of periods longer than W depend on more than one row: recomputed where a row on
  // day d or d + W changed.
  const { rows: spent } = await q.query<{ day: number }>(
    `SELECT DISTINCT day FROM ((SELECT customer_id, day, net_minor FROM kpi_gone EXCEPT SELECT customer_id, day, net_minor FROM kpi_came)
                               UNION ALL (SELECT customer_id, day, net_minor FROM kpi_came EXCEPT SELECT customer_id, day, net_minor FROM kpi_gone)) x`,
  );
  const { rows: touched } = await q.query<{ day: number }>(
    `SELECT DISTINCT x AS day FROM (SELECT day FROM kpi_gone UNION SELECT day FROM kpi_came) r CROSS JOIN LATERAL (VALUES (r.day), (r.day + ${int(p.W)})) AS v(x)`,
  );
  const top20 = new Map<string, CalendarWindow>();
  const longLost = new Map<string, CalendarWindow>();
  for (const g of GRANULARITIES) {
    for (const { day } of spent) {
      const w = calendarWindowOf(g, day);
      top20.set(`${g}|${w.start}`, w);
    }
    for (const { day } of touched) {
      const w = calendarWindowOf(g, day);
      if (w.end - w.start > p.W) longLost.set(`${g}|${w.start}`, w);
    }
  }
  const windows = [...new Map([...top20, ...longLost]).values()];
  const stats = await windowStats(q, workspaceId, p.W, windows);
  const key = (w: CalendarWindow) => `${w.granularity}|${w.start}`;
  await q.query(
    `UPDATE kpi_period_stats s SET top20_revenue = CASE WHEN x.set_top20 THEN x.top20 ELSE s.top20_revenue END,
                                   churned = CASE WHEN x.set_lost THEN x.churned ELSE s.churned END
     FROM unnest($2::text[], $3::int[], $4::bool[], $5::bigint[], $6::bool[], $7::bigint[]) AS x(g, start_day, set_top20, top20, set_lost, churned)
     WHERE s.workspace_id = $1 AND s.granularity = x.g AND s.start_day = x.start_day`,
    [
      workspaceId,
      windows.map((w) => w.granularity),
      windows.map((w) => w.start),
      windows.map((w) => top20.has(key(w))),
      stats.map((st) => st.top20Revenue),
      windows.map((w) => longLost.has(key(w))),
      stats.map((st) => st.churned),
    ],
  );
}

/** The period events of day rows in `relation`, times `sign`, for every granularity (see `recompute`). */
function periodEventsSql(relation: string, sign: 1 | -1, p: RollupParams): string {
  const W = int(p.W);
  const bounds = (day: string) =>
    `date_trunc(g, (DATE '1970-01-01' + ${day})::timestamp)::date - DATE '1970-01-01', (date_trunc(g, (DATE '1970-01-01' + ${day})::timestamp) + CASE g WHEN 'quarter' THEN interval '3 months' ELSE ('1 ' || g)::interval END)::date - DATE '1970-01-01'`;
  return `SELECT g AS granularity, v.start_day, v.end_day, sum(v.buyers) * ${sign} AS buyers, sum(v.revenue_new) * ${sign} AS revenue_new, sum(v.churned) * ${sign} AS churned
    FROM ${relation} r CROSS JOIN unnest(ARRAY[${GRANULARITIES.map(lit).join(', ')}]) AS g
    CROSS JOIN LATERAL (SELECT ${bounds('r.day')}) AS sp(s, e)
    CROSS JOIN LATERAL (SELECT ${bounds(`r.day + ${W}`)}) AS lp(s, e)
    CROSS JOIN LATERAL (VALUES
      (sp.s, sp.e, ((r.prev_day < sp.s) IS NOT FALSE)::int, CASE WHEN r.first_day >= sp.s THEN r.net_minor ELSE 0 END, 0),
      (lp.s, lp.e, 0, 0, (lp.e - lp.s <= ${W} AND (r.next_day IS NULL OR r.next_day >= lp.e))::int)
    ) AS v(start_day, end_day, buyers, revenue_new, churned)
    GROUP BY 1, 2, 3`;
}

export interface CalendarWindow {
  granularity: Granularity | 'window';
  /** Day numbers; end exclusive. */
  start: number;
  end: number;
}

function calendarWindowOf(granularity: Granularity, day: number): CalendarWindow {
  const start = periodStart(dayDate(day), granularity);
  return { granularity, start: dayNumber(start), end: dayNumber(addPeriods(start, granularity, 1)) };
}

/** The calendar periods of a granularity covering days lo … hi. */
function calendarWindows(granularity: Granularity, lo: number, hi: number): CalendarWindow[] {
  const out: CalendarWindow[] = [];
  for (let w = calendarWindowOf(granularity, lo); w.start <= hi; w = calendarWindowOf(granularity, w.end)) out.push(w);
  return out;
}

/** Whether [start, end) is exactly one calendar period of the granularity (else it is read live). */
export function isCalendarPeriod(granularity: Granularity, start: number, end: number): boolean {
  const w = calendarWindowOf(granularity, start);
  return w.start === start && w.end === end;
}

export interface WindowStats {
  buyers: number;
  revenueNew: number;
  churned: number;
  top20Revenue: number;
}

async function storePeriodStats(q: Queryable, workspaceId: string, p: RollupParams, windows: CalendarWindow[]): Promise<void> {
  if (windows.length === 0) return;
  const stats = await windowStats(q, workspaceId, p.W, windows);
  await q.query(
    `DELETE FROM kpi_period_stats s USING unnest($2::text[], $3::int[]) AS w(g, s)
     WHERE s.workspace_id = $1 AND s.granularity = w.g AND s.start_day = w.s`,
    [workspaceId, windows.map((w) => w.granularity), windows.map((w) => w.start)],
  );
  await q.query(
    `INSERT INTO kpi_period_stats (workspace_id, granularity, start_day, end_day, buyers, revenue_new, churned, top20_revenue)
     SELECT $1, * FROM unnest($2::text[], $3::int[], $4::int[], $5::bigint[], $6::bigint[], $7::bigint[], $8::bigint[])`,
    [
      workspaceId,
      windows.map((w) => w.granularity),
      windows.map((w) => w.start),
      windows.map((w) => w.end),
      stats.map((s) => s.buyers),
      stats.map((s) => s.revenueNew),
      stats.map((s) => s.churned),
      stats.map((s) => s.top20Revenue),
    ],
  );
}

/**
 * Buyers, revenue of customers first buying in the window, customers lost over it (a purchase in
 * [start − W, start), none in [end − W, end)) and the revenue of its top ⌈20 %⌉ buyers, for any
 * windows of days, from the customer day rows: calendar periods when stored, the partial period
 * and the "to date" windows at query time. Lost customers, for windows no longer than W: the
 * customer's last purchase before end lies in [start − W, end − W), so one row per customer in a
 * scan of the window's length.
 */
export async function windowStats(q: Queryable, workspaceId: string, W: number, windows: CalendarWindow[]): Promise<WindowStats[]> {
  if (windows.length === 0) return [];
  const { rows } = await q.query<{ i: number; buyers: string; revenue_new: string; churned: string; top20: string }>(
    `WITH w AS (SELECT i::int, s, e FROM unnest($2::int[], $3::int[]) WITH ORDINALITY AS w(s, e, i)),
     spend AS (
       SELECT w.i, r.customer_id, sum(r.net_minor) AS rev, min(r.first_day) >= min(w.s) AS is_new
       FROM w JOIN kpi_customer_days r ON r.workspace_id = $1 AND r.day >= w.s AND r.day < w.e GROUP BY 1, 2),
     ranked AS (SELECT i, rev, is_new, row_number() OVER (PARTITION BY i ORDER BY rev DESC) AS rank, count(*) OVER (PARTITION BY i) AS n FROM spend),
     agg AS (
       SELECT i, count(*) AS buyers, coalesce(sum(rev) FILTER (WHERE is_new), 0) AS revenue_new,
              coalesce(sum(rev) FILTER (WHERE rank <= ceil(0.2::float8 * n - 1e-9)), 0) AS top20
       FROM ranked GROUP BY 1),
     lost_short AS (
       SELECT w.i, count(*) AS churned FROM w JOIN kpi_customer_days r ON r.workspace_id = $1 AND r.day >= w.s - $4 AND r.day < w.e - $4
       WHERE w.e - w.s <= $4 AND (r.next_day IS NULL OR r.next_day >= w.e) GROUP BY 1),
     lost_long AS (
       SELECT w.i, count(DISTINCT r.customer_id) AS churned FROM w JOIN kpi_customer_days r ON r.workspace_id = $1 AND r.day >= w.s - $4 AND r.day < w.s
       WHERE w.e - w.s > $4
         AND NOT EXISTS (SELECT 1 FROM kpi_customer_days x WHERE x.workspace_id = $1 AND x.customer_id = r.customer_id AND x.day >= w.e - $4 AND x.day < w.e)
       GROUP BY 1)
     SELECT w.i, coalesce(a.buyers, 0) AS buyers, coalesce(a.revenue_new, 0) AS revenue_new, coalesce(ls.churned, ll.churned, 0) AS churned, coalesce(a.top20, 0) AS top20
     FROM w LEFT JOIN agg a USING (i) LEFT JOIN lost_short ls USING (i) LEFT JOIN lost_long ll USING (i) ORDER BY w.i`,
    [workspaceId, windows.map((w) => w.start), windows.map((w) => w.end), W],
  );
  return rows.map((r) => ({ buyers: Number(r.buyers), revenueNew: Number(r.revenue_new), churned: Number(r.churned), top20Revenue: Number(r.top20) }));
}

/** Day totals as running sums: `before(column, B)` is the sum of the events at days < B. */
export interface DayTotals {
  before(column: (typeof DAY_COLUMNS)[number], day: number): number;
}

export async function readDayTotals(q: Queryable, workspaceId: string): Promise<DayTotals> {
  const { rows } = await q.query<Record<(typeof DAY_COLUMNS)[number] | 'day', string | number>>(
    `SELECT day, ${DAY_COLUMNS.join(', ')} FROM kpi_day_totals WHERE workspace_id = $1 ORDER BY day`,
    [workspaceId],
  );
  const days = Int32Array.from(rows, (r) => Number(r.day));
  const running = new Map(
    DAY_COLUMNS.map((c) => {
      const sums = new Float64Array(rows.length + 1);
      rows.forEach((r, i) => (sums[i + 1] = sums[i]! + Number(r[c])));
      return [c, sums];
    }),
  );
  return {
    before(column, day) {
      // Rows with day < B: binary search for the count.
      let lo = 0;
      let hi = days.length;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (days[mid]! < day) lo = mid + 1;
        else hi = mid;
      }
      return running.get(column)![lo]!;
    },
  };
}

/** Stored stats of calendar periods of one granularity, by start day (a period without a row had no purchases near it). */
export async function readPeriodStats(q: Queryable, workspaceId: string, granularity: Granularity, starts: number[]): Promise<Map<number, WindowStats>> {
  const { rows } = await q.query<{ start_day: number; buyers: string; revenue_new: string; churned: string; top20_revenue: string }>(
    `SELECT start_day, buyers, revenue_new, churned, top20_revenue FROM kpi_period_stats
     WHERE workspace_id = $1 AND granularity = $2 AND start_day = ANY($3::int[])`,
    [workspaceId, granularity, starts],
  );
  return new Map(rows.map((r) => [r.start_day, { buyers: Number(r.buyers), revenueNew: Number(r.revenue_new), churned: Number(r.churned), top20Revenue: Number(r.top20_revenue) }]));
}

/**
 * F2 maturity is per order instant: a first purchase counts once first order + N days ≤ today's
 * local midnight. First purchases before day today − N − 1 all are, those from today − N + 2 on all
 * are not (whatever a daylight-saving hour does); the three days between are read row by row.
 */
export interface F2Maturity {
  /** Days from which every first purchase is still immature. */
  immatureFrom: number;
  /** The first purchases of the three days in between that are not mature yet. */
  edge: { day: number; hit: boolean }[];
}

export async function f2Maturity(q: Queryable, workspaceId: string, timeZone: string, N: number, asOfDay: string): Promise<F2Maturity> {
  const from = dayNumber(asOfDay) - N - 1;
  const { rows } = await q.query<{ day: number; hit: boolean }>(
    `SELECT day, (next_first_at < first_at + make_interval(days => $3)) IS TRUE AS hit FROM kpi_customer_days
     WHERE workspace_id = $1 AND day = first_day AND day >= $4 AND day < $4 + 3
       AND first_at + make_interval(days => $3) > $5::date::timestamp AT TIME ZONE $2`,
    [workspaceId, timeZone, N, from, asOfDay],
  );
  return { immatureFrom: from + 3, edge: rows };
}

/** Stats of windows that are not whole periods, from the cache or computed (and cached) now. */
export async function liveWindowStats(q: Queryable, workspaceId: string, W: number, windows: CalendarWindow[], asOfDay: string): Promise<WindowStats[]> {
  if (windows.length === 0) return [];
  const key = (s: number, e: number) => `${s}|${e}`;
  const { rows } = await q.query<{ start_day: number; end_day: number; buyers: string; revenue_new: string; churned: string; top20_revenue: string }>(
    `SELECT start_day, end_day, buyers, revenue_new, churned, top20_revenue FROM kpi_period_stats s
     JOIN unnest($2::int[], $3::int[]) AS w(s, e) ON s.start_day = w.s AND s.end_day = w.e
     WHERE s.workspace_id = $1 AND s.granularity = 'window'`,
    [workspaceId, windows.map((w) => w.start), windows.map((w) => w.end)],
  );
  const cached = new Map(rows.map((r) => [key(r.start_day, r.end_day), { buyers: Number(r.buyers), revenueNew: Number(r.revenue_new), churned: Number(r.churned), top20Revenue: Number(r.top20_revenue) }]));
  const missing = windows.filter((w) => !cached.has(key(w.start, w.end)));
  if (missing.length > 0) {
    const stats = await windowStats(q, workspaceId, W, missing);
    missing.forEach((w, i) => cached.set(key(w.start, w.end), stats[i]!));
    // Windows of past days are not asked for again: the cache keeps the last few months.
    await q.query(`DELETE FROM kpi_period_stats WHERE workspace_id = $1 AND granularity = 'window' AND end_day < $2`, [workspaceId, dayNumber(asOfDay) - 200]);
    await q.query(
      `INSERT INTO kpi_period_stats (workspace_id, granularity, start_day, end_day, buyers, revenue_new, churned, top20_revenue)
       SELECT $1, 'window', * FROM unnest($2::int[], $3::int[], $4::bigint[], $5::bigint[], $6::bigint[], $7::bigint[]) ON CONFLICT DO NOTHING`,
      [workspaceId, missing.map((w) => w.start), missing.map((w) => w.end), stats.map((s) => s.buyers), stats.map((s) => s.revenueNew), stats.map((s) => s.churned), stats.map((s) => s.top20Revenue)],
    );
  }
  return windows.map((w) => cached.get(key(w.start, w.end))!);
}
