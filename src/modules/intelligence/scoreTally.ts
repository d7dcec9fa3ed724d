import type { Db } from '../../db/database.ts';
import { RFM_SEGMENTS } from '../../analytics/models/rfm.ts';
import { STAGES } from './stages.ts';

export interface RunCounts {
  customers: number;
  stages: Record<string, number>;
  segments: Record<string, number>;
}

/**
 * Customers by stage and RFM segment after a run, with the sum and count of predicted customer
 * values (revenue so far + 12-month CLV) behind the KPI "LTV": kept with the run so a KPI query
 * reads one row instead of averaging a million scores, and so the next incremental run can carry
 * them forward instead of recounting every score.
 */
export interface ScoreTally {
  counts: RunCounts;
  ltvSumMinor: number;
  ltvN: number;
}

type Queryable = { query: Db['query'] };

interface TallyRow {
  stage: string | null;
  rfm_segment: string | null;
  by_segment: number;
  n: number;
  ltv_sum: number | null;
  ltv_n: number;
}

/** Grouping sets by stage and by segment over `rows`, whose `sign` column is +1 or -1 per row. */
const tallySql = (rows: string) => `SELECT stage, rfm_segment, GROUPING(stage) AS by_segment, sum(sign)::int AS n,
    sum(sign * (revenue_minor + clv_12m_minor))::float8 AS ltv_sum, (sum(sign) FILTER (WHERE clv_12m_minor IS NOT NULL))::int AS ltv_n
  FROM (${rows}) r GROUP BY GROUPING SETS ((stage), (rfm_segment))`;

function tallyOf(rows: TallyRow[]): ScoreTally {
  const byStage = rows.filter((r) => r.by_segment === 0);
  const counts: RunCounts = { customers: 0, stages: {}, segments: {} };
  for (const stage of STAGES) counts.customers += counts.stages[stage] = byStage.find((r) => r.stage === stage)?.n ?? 0;
  for (const segment of RFM_SEGMENTS) counts.segments[segment] = rows.find((r) => r.by_segment === 1 && r.rfm_segment === segment)?.n ?? 0;
  return { counts, ltvSumMinor: byStage.reduce((a, r) => a + (r.ltv_sum ?? 0), 0), ltvN: byStage.reduce((a, r) => a + (r.ltv_n ?? 0), 0) };
}

/** The tally of every score of the workspace: one scan of customer_scores. */
export async function countScores(q: Queryable, workspaceId: string): Promise<ScoreTally> {
  const { rows } = await q.query<TallyRow>(tallySql('SELECT 1 AS sign, * FROM customer_scores WHERE workspace_id = $1'), [workspaceId]);
  return tallyOf(rows);
}

/**
 * What writing the batch `batch` (columns as customer_scores') will change in the tally: its rows
 * counted in, the current scores they replace counted out. Run before the write, in its transaction.
 */
export async function tallyChange(q: Queryable, workspaceId: string, batch: string): Promise<ScoreTally> {
  const cols = 'stage, rfm_segment, revenue_minor, clv_12m_minor';
  const { rows } = await q.query<TallyRow>(
    tallySql(`SELECT 1 AS sign, ${cols} FROM ${batch}
      UNION ALL SELECT -1, ${cols.replace(/(\w+)/g, 'cs.$1')} FROM ${batch} b JOIN customer_scores cs ON cs.workspace_id = $1 AND cs.customer_id = b.customer_id`),
    [workspaceId],
  );
  return tallyOf(rows);
}

/** The change of a run that wrote no scores. */
export const NO_CHANGE: ScoreTally = { counts: { customers: 0, stages: {}, segments: {} }, ltvSumMinor: 0, ltvN: 0 };

/** `a` with the change `d` applied. */
export function addTally(a: ScoreTally, d: ScoreTally): ScoreTally {
  const add = (x: Record<string, number>, y: Record<string, number>) => Object.fromEntries(Object.keys({ ...x, ...y }).map((k) => [k, (x[k] ?? 0) + (y[k] ?? 0)]));
  return {
    counts: { customers: a.counts.customers + d.counts.customers, stages: add(a.counts.stages, d.counts.stages), segments: add(a.counts.segments, d.counts.segments) },
    ltvSumMinor: a.ltvSumMinor + d.ltvSumMinor,
    ltvN: a.ltvN + d.ltvN,
  };
}

/** The mean predicted customer value of a tally, null without any CLV. */
export const ltvMean = (t: ScoreTally): number | null => (t.ltvN > 0 ? t.ltvSumMinor / t.ltvN : null);

/**
 * The tally after an incremental run: the previous run's with this run's change, checked against the
 * number of scores. Only runs write customer_scores, so a difference means a row went some other way
 * (or the previous tally is off): then, and without a previous tally, every score is recounted.
 */
export async function carriedTally(q: Queryable, workspaceId: string, previous: ScoreTally | null, change: ScoreTally | null): Promise<{ tally: ScoreTally; carried: boolean }> {
  if (previous && change) {
    const tally = addTally(previous, change);
    const { rows } = await q.query<{ n: number }>('SELECT count(*)::int AS n FROM customer_scores WHERE workspace_id = $1', [workspaceId]);
    if (rows[0]!.n === tally.counts.customers) return { tally, carried: true };
  }
  return { tally: await countScores(q, workspaceId), carried: false };
}
