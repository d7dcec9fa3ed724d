import { averageOfCompleteCells } from '../../analytics/models/cohorts.ts';
import { fitSbg, sbgSurvivalCurve } from '../../analytics/models/sbg.ts';
import type { Queryable } from '../../db/database.ts';
import type { Workspace } from '../workspaces/index.ts';
import { payingOrdersWhere } from './summarySql.ts';

/**
 * Acquisition-month cohorts × months since the first purchase (workspace time zone): the share of
 * each cohort buying in month k (cohorts.ts' retention matrix, computed here in SQL over the orders)
 * and net revenue per cohort customer. For subscriptions, cohorts of accounts by the month of their
 * first subscription, the share still subscribed k months later, and the sBG projection (Fader &
 * Hardie 2007) fitted to each cohort's survivors, continued to `projectMonths`.
 */
export interface CohortQuery {
  /** First and last cohort month, YYYY-MM. */
  from: string;
  to: string;
  projectMonths?: number;
}

export interface PurchaseCohort {
  cohort: string;
  size: number;
  /** retention[k]: share of the cohort buying in month k (k = 0 is 1). */
  retention: number[];
  /** Net revenue in month k per cohort customer. */
  revenuePerCustomer: number[];
  cumulativeRevenuePerCustomer: number[];
  /** Cells k < complete cover months that have ended; the last cell (this month) is still filling up. */
  complete: number;
}

/** Size-weighted averages of the purchase cohorts' columns, over complete cells only. */
export interface CohortAverages {
  retention: (number | null)[];
  revenuePerCustomer: (number | null)[];
  cumulativeRevenuePerCustomer: (number | null)[];
}

export function cohortAverages(cohorts: PurchaseCohort[]): CohortAverages {
  const of = (values: (c: PurchaseCohort) => number[]) => averageOfCompleteCells(cohorts.map((c) => ({ size: c.size, complete: c.complete, values: values(c) })));
  return { retention: of((c) => c.retention), revenuePerCustomer: of((c) => c.revenuePerCustomer), cumulativeRevenuePerCustomer: of((c) => c.cumulativeRevenuePerCustomer) };
}

export interface SubscriptionCohort {
  cohort: string;
  accounts: number;
  /** Share still subscribed k months after the cohort month started (observed). */
  survival: number[];
  /** sBG-projected survival S(k), k = 0 … projectMonths (null when it could not be fitted). */
  projected: number[] | null;
  sbg: { alpha: number; beta: number } | null;
}

export async function purchaseCohorts(q: Queryable, workspace: Workspace, query: CohortQuery): Promise<PurchaseCohort[]> {
  const tz = workspace.timeZone;
  const { rows } = await q.query<{ cohort: string; size: number; k: number; active: number; revenue: number }>(
    `WITH o AS (
       SELECT o.customer_id, date_trunc('month', o.ordered_at AT TIME ZONE $1)::date AS month, o.total_minor - o.refunded_minor AS net
       FROM paying_orders o WHERE ${payingOrdersWhere({ workspaceId: workspace.id, currency: workspace.currency, asOf: new Date() })}),
     f AS (SELECT customer_id, min(month) AS cohort FROM o GROUP BY 1),
     chosen AS (SELECT * FROM f WHERE cohort >= ($2 || '-01')::date AND cohort <= ($3 || '-01')::date),
     sizes AS (SELECT cohort, count(*)::int AS size FROM chosen GROUP BY 1)
     SELECT to_char(c.cohort, 'YYYY-MM') AS cohort, s.size,
            ((extract(year FROM o.month) - extract(year FROM c.cohort)) * 12 + extract(month FROM o.month) - extract(month FROM c.cohort))::int AS k,
            count(DISTINCT o.customer_id)::int AS active, sum(o.net)::float8 AS revenue
     FROM o JOIN chosen c USING (customer_id) JOIN sizes s USING (cohort)
     GROUP BY 1, 2, 3 ORDER BY 1, 3`,
    [tz, query.from, query.to],
  );
  const out = new Map<string, PurchaseCohort>();
  for (const r of rows) {
    let c = out.get(r.cohort);
    if (!c) out.set(r.cohort, (c = { cohort: r.cohort, size: r.size, retention: [], revenuePerCustomer: [], cumulativeRevenuePerCustomer: [], complete: 0 }));
    while (c.retention.length < r.k) {
      c.retention.push(0);
      c.revenuePerCustomer.push(0);
    }
    c.retention.push(r.active / r.size);
    c.revenuePerCustomer.push(r.revenue / r.size);
  }
  const now = monthIndex(new Date(), tz);
  for (const c of out.values()) {
    // Months the data covers but nobody bought in are zeros, up to the current month.
    const last = now - monthIndex(new Date(`${c.cohort}-15T00:00:00Z`), 'UTC');
    while (c.retention.length <= last) {
      c.retention.push(0);
      c.revenuePerCustomer.push(0);
    }
    // Cell `last` is the current month: not over yet.
    c.complete = last;
    let sum = 0;
    c.cumulativeRevenuePerCustomer = c.revenuePerCustomer.map((v) => (sum += v));
  }
  return [...out.values()];
}

export async function subscriptionCohorts(q: Queryable, workspace: Workspace, query: CohortQuery): Promise<SubscriptionCohort[]> {
  const tz = workspace.timeZone;
  const { rows } = await q.query<{ cohort: string; first_month: number; end_month: number | null }>(
    `WITH a AS (
       SELECT account_id, min(started_at) AS first_at,
              CASE WHEN bool_or(canceled_at IS NULL AND status <> 'canceled') THEN NULL ELSE max(coalesce(canceled_at, updated_at)) END AS end_at
       FROM subscriptions WHERE workspace_id = $1 GROUP BY 1)
     SELECT to_char(first_at AT TIME ZONE $2, 'YYYY-MM') AS cohort,
            (extract(year FROM first_at AT TIME ZONE $2) * 12 + extract(month FROM first_at AT TIME ZONE $2))::int AS first_month,
            (extract(year FROM end_at AT TIME ZONE $2) * 12 + extract(month FROM end_at AT TIME ZONE $2))::int AS end_month
     FROM a WHERE to_char(first_at AT TIME ZONE $2, 'YYYY-MM') BETWEEN $3 AND $4 ORDER BY 1`,
    [workspace.id, tz, query.from, query.to],
  );
  const local = new Date(new Date().toLocaleString('en-US', { timeZone: tz }));
  const nowMonth = local.getFullYear() * 12 + local.getMonth() + 1;
  const project = query.projectMonths ?? 24;
  const byCohort = new Map<string, { first: number; ends: (number | null)[] }>();
  for (const r of rows) {
    const c = byCohort.get(r.cohort) ?? { first: r.first_month, ends: [] };
    c.ends.push(r.end_month);
    byCohort.set(r.cohort, c);
  }
  return [...byCohort].map(([cohort, { first, ends }]) => {
    // Survivors at the start of month first + k, for the months that have begun.
    const survivors: number[] = [];
    for (let k = 0; first + k <= nowMonth; k++) survivors.push(k === 0 ? ends.length : ends.filter((e) => e === null || e >= first + k).length);
    let sbg: SubscriptionCohort['sbg'] = null;
    if (survivors.length >= 3 && survivors[survivors.length - 1] < survivors[0]) {
      const fit = fitSbg(survivors);
      if (fit.converged) sbg = { alpha: fit.params.alpha, beta: fit.params.beta };
    }
    return {
      cohort,
      accounts: ends.length,
      survival: survivors.map((s) => s / ends.length),
      projected: sbg ? Array.from(sbgSurvivalCurve(sbg, project)) : null,
      sbg,
    };
  });
}

/** Months since year 0 of an instant's local date. */
function monthIndex(d: Date, timeZone: string): number {
  const local = new Date(d.toLocaleString('en-US', { timeZone }));
  return local.getFullYear() * 12 + local.getMonth();
}
