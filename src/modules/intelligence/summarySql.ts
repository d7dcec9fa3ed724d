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
export function payingOrdersWhere(scope: Pick<SummaryScope, 'workspaceId' | 'currency' | 'asOf'>, alias = 'o'): string {
  return `${alias}.workspace_id = ${lit(scope.workspaceId)} AND ${alias}.currency = ${lit(scope.currency)}
    AND ${alias}.ordered_at < ${lit(scope.asOf.toISOString())}::timestamptz`;
}

/** With `split`, only the customers whose id hashes to `part` of `parts` (a power of two). */
export function summarySql(scope: SummaryScope, split?: { parts: number; part: number }): string {
  const only = scope.customerIds
    ? `AND %s = ANY(${lit(`{${scope.customerIds.join(',')}}`)}::uuid[])`
    : split
      ? `AND uuid_hash(%s) & ${split.parts - 1} = ${split.part}`
      : '';
  return `WITH days AS (
      SELECT o.customer_id, ${localDaySql('o.ordered_at', scope.timeZone)} AS day, sum(o.net_minor) AS amount,
             count(*) AS n, min(o.ordered_at) AS first_at, max(o.ordered_at) AS last_at
      FROM paying_orders o WHERE ${payingOrdersWhere(scope)} ${only.replace('%s', 'o.customer_id')}
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
 * Runs the aggregate. Its one big sort (orders by customer and day) wants memory, so work_mem is
 * raised for its transaction alone; and it runs serially: gathering millions of sorted rows from
 * parallel workers cost more than the parallel scan saved (measured on 2 cores).
 *
 * All customers (a full run) are read in two halves by hash of the customer id, on two connections
 * that share one snapshot: each half's sort fits in memory where the whole spilled to disk, and the
 * two run on two cores (1M customers / 10M orders: 25 s instead of 75 s, at load 10).
 */
export async function readSummary(pool: pg.Pool, scope: SummaryScope, expected = 1024): Promise<PurchaseSummary> {
  const clients: pg.PoolClient[] = [];
  try {
    clients.push(await pool.connect());
    // The second connection is optional: one that cannot be opened leaves the summary in one part.
    const second = scope.customerIds ? null : await connectIfFree(pool)?.catch(() => null);
    if (second) clients.push(second);
    const parts = clients.length;
    const [first, ...others] = clients;
    await first!.query('BEGIN ISOLATION LEVEL REPEATABLE READ');
    const { rows } = await first!.query<{ day: number; snapshot: string | null }>(
      `SELECT ${localDaySql('$1::timestamptz', scope.timeZone)} AS day, CASE WHEN $2 THEN pg_export_snapshot() END AS snapshot`,
      [scope.asOf, parts > 1],
    );
    for (const c of others) {
      await c.query('BEGIN ISOLATION LEVEL REPEATABLE READ');
      await c.query(`SET TRANSACTION SNAPSHOT ${lit(rows[0]!.snapshot!)}`);
    }
    const columns = await Promise.all(
      clients.map(async (c, k) => {
        await c.query("SET LOCAL work_mem = '512MB'");
        await c.query('SET LOCAL max_parallel_workers_per_gather = 0');
        // Some customers (an incremental run) are read by key. With the defaults at 1M customers the
        // planner scanned every customer and JIT-compiled the plan: 2.5 s for 10,000 customers, 1.0 s
        // with probes priced as the cached reads they are, and no compilation for so short a query.
        if (scope.customerIds) await c.query('SET LOCAL random_page_cost = 1.1; SET LOCAL jit = off');
        // All customers: no nested loop is right. A half's hash filter is estimated to keep almost no
        // orders, and on fresh statistics the planner then joined the customers to the aggregate in a
        // nested loop (27 s instead of 0.1 s at 5,000 customers).
        else await c.query('SET LOCAL enable_nestloop = off');
        const cols = new SummaryColumns(Math.max(16, Math.ceil(expected / parts)));
        await copyOut(c, summarySql(scope, parts > 1 ? { parts, part: k } : undefined), (f) => cols.push(f));
        return cols;
      }),
    );
    for (const c of clients) await c.query('COMMIT');
    for (const c of clients.splice(0)) c.release();
    return SummaryColumns.concat(columns, rows[0]!.day);
  } finally {
    // After a failure the connections are closed, not rolled back: a ROLLBACK would wait behind the
    // other half's COPY, which closing ends (its server process stops when the client is gone).
    for (const c of clients) c.release(true);
  }
}

/**
 * A connection when the pool has one free now, else null (the summary is then read in one part):
 * runs that each held one connection and waited for a second could otherwise wait on each other.
 */
function connectIfFree(pool: pg.Pool): Promise<pg.PoolClient> | null {
  const free = pool.idleCount + (pool.options.max ?? 10) - pool.totalCount - pool.waitingCount;
  return free > 0 ? pool.connect() : null;
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

  /** The rows of `parts`, one after the other. */
  static concat(parts: SummaryColumns[], endDay: number): PurchaseSummary {
    const n = parts.reduce((a, p) => a + p.n, 0);
    const join = <T extends Int32Array | Float64Array>(pick: (p: SummaryColumns) => T, make: (n: number) => T): T => {
      const out = make(n);
      let at = 0;
      for (const p of parts) {
        out.set(pick(p).subarray(0, p.n), at);
        at += p.n;
      }
      return out;
    };
    const int = (k: number) => join((p) => p.ints[k]!, (m) => new Int32Array(m));
    const num = (k: number) => join((p) => p.nums[k]!, (m) => new Float64Array(m));
    return {
      size: n,
      customerId: parts.length === 1 ? parts[0]!.ids : parts.flatMap((p) => p.ids),
      purchaseDays: int(0),
      firstDay: int(1),
      lastDay: int(2),
      prevDay: int(3),
      ordersCount: int(4),
      revenue: num(0),
      firstAmount: num(1),
      firstOrderAt: num(2),
      lastOrderAt: num(3),
      endDay,
    };
  }
}
