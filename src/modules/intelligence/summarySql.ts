import pg from 'pg';
import { copyOut } from '../../kernel/pgCopy.ts';

/**
 * The per-customer purchase summary, computed by one SQL aggregate and read with COPY into typed
 * arrays. Purchases are defined as src/analytics/models/summary.ts does with `unit: 'weeks',
 * collapse: 'days'` (lifetimes' freq='D', freq_multiplier=7, the CDNOW convention): completed
 * orders with positive net revenue (total − refunds) in the workspace currency, collapsed per
 * calendar day in the workspace time zone (same-day orders are one purchase, amounts summed);
 * frequency = purchase days − 1, recency = last − first day, T = as-of day − first day, in weeks;
 * monetary value = mean of the repeat days' sums. Orders in other currencies are left out (counted
 * in the run's diagnostics). Anonymous visitors who never bought are not customers to score.
 */
export interface SummaryScope {
  workspaceId: string;
  currency: string;
  timeZone: string;
  /** Orders before this instant count; its local day is the end of observation. */
  asOf: Date;
  /** Only these customers (incremental runs); all customers of the workspace otherwise. */
  customerIds?: string[];
}

export interface PurchaseSummary {
  size: number;
  customerId: string[];
  /** Distinct purchase days (0: never bought). */
  purchaseDays: Int32Array;
  firstDay: Int32Array;
  lastDay: Int32Array;
  /** Day of the purchase before the last one (-1 with one purchase day). */
  prevDay: Int32Array;
  ordersCount: Int32Array;
  revenue: Float64Array;
  /** Net revenue of the first purchase day (excluded from the monetary value). */
  firstAmount: Float64Array;
  firstOrderAt: Float64Array;
  lastOrderAt: Float64Array;
  /** Day number (days since 1970-01-01) of the as-of instant in the workspace time zone. */
  endDay: number;
}

const lit = (v: string) => pg.escapeLiteral(v);

/** Day number of an instant in a time zone, as SQL (the same expression is used for orders). */
export const localDaySql = (ts: string, timeZone: string) => `((${ts} AT TIME ZONE ${lit(timeZone)})::date - DATE '1970-01-01')`;

/**
 * Of the orders module's `paying_orders` (its one definition of a counted purchase), those of the
 * workspace currency before `asOf`: the set every KPI and score counts. Use on `paying_orders ${alias}`.
 */
export function purchasesWhere(scope: Pick<SummaryScope, 'workspaceId' | 'currency' | 'asOf'>, alias = 'o'): string {
  return `${alias}.workspace_id = ${lit(scope.workspaceId)} AND ${alias}.currency = ${lit(scope.currency)}
    AND ${alias}.ordered_at < ${lit(scope.asOf.toISOString())}::timestamptz`;
}

export function summarySql(scope: SummaryScope): string {
  const only = scope.customerIds ? `AND %s = ANY(${lit(`{${scope.customerIds.join(',')}}`)}::uuid[])` : '';
  return `WITH days AS (
      SELECT o.customer_id, ${localDaySql('o.ordered_at', scope.timeZone)} AS day, sum(o.net_minor) AS amount,
             count(*) AS n, min(o.ordered_at) AS first_at, max(o.ordered_at) AS last_at
      FROM paying_orders o WHERE ${purchasesWhere(scope)} ${only.replace('%s', 'o.customer_id')}
      GROUP BY 1, 2
    ), seq AS (
      SELECT d.*, lag(d.day) OVER (PARTITION BY d.customer_id ORDER BY d.day) AS prev FROM days d
    ), s AS (
      SELECT customer_id, count(*) AS purchase_days, min(day) AS first_day, max(day) AS last_day, max(prev) AS prev_day,
             sum(n) AS orders, sum(amount) AS revenue, sum(amount) FILTER (WHERE prev IS NULL) AS first_amount,
             floor(extract(epoch FROM min(first_at)) * 1000) AS first_at, floor(extract(epoch FROM max(last_at)) * 1000) AS last_at
      FROM seq GROUP BY customer_id
    )
    SELECT c.id, s.purchase_days, s.first_day, s.last_day, s.prev_day, s.orders, s.revenue, s.first_amount, s.first_at, s.last_at
    FROM customers c LEFT JOIN s ON s.customer_id = c.id
    WHERE c.workspace_id = ${lit(scope.workspaceId)} ${only.replace('%s', 'c.id')} AND (c.external_id IS NOT NULL OR s.customer_id IS NOT NULL)`;
}

/**
 * Runs the aggregate on its own connection. Its one big sort (orders by customer and day) wants
 * memory, so work_mem is raised for this transaction alone; and it runs serially: gathering millions
 * of sorted rows from parallel workers cost more than the parallel scan saved (measured on 2 cores).
 */
export async function readSummary(pool: pg.Pool, scope: SummaryScope, expected = 1024): Promise<PurchaseSummary> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    await client.query("SET LOCAL work_mem = '512MB'");
    await client.query('SET LOCAL max_parallel_workers_per_gather = 0');
    const { rows } = await client.query<{ day: number }>(`SELECT ${localDaySql('$1::timestamptz', scope.timeZone)} AS day`, [scope.asOf]);
    const cols = new SummaryColumns(expected);
    await copyOut(client, summarySql(scope), (f) => cols.push(f));
    await client.query('COMMIT');
    return cols.finish(rows[0]!.day);
  } catch (err) {
    await client.query('ROLLBACK').catch(() => {});
    throw err;
  } finally {
    client.release();
  }
}

/** Growable typed columns for the COPY rows. */
class SummaryColumns {
  private n = 0;
  private ids: string[] = [];
  private ints: Int32Array[];
  private nums: Float64Array[];

  constructor(private cap: number) {
    this.ints = Array.from({ length: 5 }, () => new Int32Array(cap));
    this.nums = Array.from({ length: 4 }, () => new Float64Array(cap));
  }

  push(f: string[]): void {
    if (this.n === this.cap) this.grow();
    const i = this.n++;
    this.ids.push(f[0]);
    const bought = f[1] !== '\\N';
    this.ints[0][i] = bought ? Number(f[1]) : 0;
    this.ints[1][i] = bought ? Number(f[2]) : 0;
    this.ints[2][i] = bought ? Number(f[3]) : 0;
    this.ints[3][i] = bought && f[4] !== '\\N' ? Number(f[4]) : -1;
    this.ints[4][i] = bought ? Number(f[5]) : 0;
    // Prospects: no revenue, no order times.
    for (let k = 0; k < 4; k++) this.nums[k][i] = bought ? Number(f[6 + k]) : k < 2 ? 0 : NaN;
  }

  private grow(): void {
    this.cap *= 2;
    this.ints = this.ints.map((a) => {
      const b = new Int32Array(this.cap);
      b.set(a);
      return b;
    });
    this.nums = this.nums.map((a) => {
      const b = new Float64Array(this.cap);
      b.set(a);
      return b;
    });
  }

  finish(endDay: number): PurchaseSummary {
    const n = this.n;
    const [purchaseDays, firstDay, lastDay, prevDay, ordersCount] = this.ints.map((a) => a.slice(0, n));
    const [revenue, firstAmount, firstOrderAt, lastOrderAt] = this.nums.map((a) => a.slice(0, n));
    return { size: n, customerId: this.ids, purchaseDays, firstDay, lastDay, prevDay, ordersCount, revenue, firstAmount, firstOrderAt, lastOrderAt, endDay };
  }
}
