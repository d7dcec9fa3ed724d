import type { Queryable } from '../../db/database.ts';
import type { GroupOutcome } from '../../analytics/stats/lift.ts';
import type { Arm } from '../messaging/index.ts';
import type { Definition } from './definition.ts';

/** A journey's attribution and incremental window: its goal's, else the campaigns' default. */
export const DEFAULT_WINDOW_DAYS = 7;
export const windowOf = (def: Definition): number => def.goal?.withinDays ?? DEFAULT_WINDOW_DAYS;

/** The source key of a send step's messages (messaging keeps one message row per key). */
export const sendSourceKey = (journeyId: string, version: number, stepId: string): string => `journey:${journeyId}:${version}:${stepId}`;

/**
 * Runs per journey and arm as revenue outcomes, intent-to-treat: every run counts, converting with
 * paying orders (the orders module's view) in the workspace's currency within the journey's window
 * after entry. Held-out runs are recorded at entry like the others (the arm is the hash draw of
 * messaging's holdout.ts), so treated minus holdout is the journey's increment. `entered` limits
 * the runs to those that entered in [from, to).
 */
export async function runOutcomes(
  q: Queryable,
  workspaceId: string,
  currency: string,
  windows: { journeyId: string; days: number }[],
  entered?: { from: Date; to: Date },
): Promise<Map<string, Record<Arm, GroupOutcome>>> {
  const { rows } = await q.query<{ journey_id: string; arm: Arm; n: number; conversions: number; revenue_sum: number; revenue_sq: number }>(
    `WITH w AS (SELECT * FROM unnest($2::uuid[], $3::int[]) AS w(journey_id, days)),
     per_run AS (
       SELECT r.journey_id, r.arm,
         (SELECT coalesce(sum(o.net_minor), 0)::float8 FROM paying_orders o
          WHERE o.workspace_id = r.workspace_id AND o.customer_id = r.customer_id AND o.currency = $4
            AND o.ordered_at >= r.entered_at AND o.ordered_at < r.entered_at + make_interval(days => w.days)) AS revenue
       FROM w JOIN journey_runs r ON r.workspace_id = $1 AND r.journey_id = w.journey_id
       WHERE ($5::timestamptz IS NULL OR r.entered_at >= $5) AND ($6::timestamptz IS NULL OR r.entered_at < $6))
     SELECT journey_id, arm, count(*)::int AS n, count(*) FILTER (WHERE revenue > 0)::int AS conversions,
       sum(revenue) AS revenue_sum, sum(revenue * revenue) AS revenue_sq
     FROM per_run GROUP BY journey_id, arm`,
    [workspaceId, windows.map((w) => w.journeyId), windows.map((w) => w.days), currency, entered?.from ?? null, entered?.to ?? null],
  );
  const out = new Map<string, Record<Arm, GroupOutcome>>();
  const empty: GroupOutcome = { n: 0, conversions: 0, revenueSum: 0, revenueSumSquares: 0 };
  for (const r of rows) {
    const arms = out.get(r.journey_id) ?? { treatment: empty, holdout: empty, global_control: empty };
    arms[r.arm] = { n: r.n, conversions: r.conversions, revenueSum: r.revenue_sum, revenueSumSquares: r.revenue_sq };
    out.set(r.journey_id, arms);
  }
  return out;
}
