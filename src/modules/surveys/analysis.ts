import type { Db } from '../../db/database.ts';
import { npsFromCounts, type NpsSummary } from './nps.ts';
import type { SurveyBasics, SurveyDeps } from './service.ts';
import { themes, type Theme } from './themes.ts';
import { termsOf } from './tokenize.ts';

export type Breakdown = 'segment' | 'tier' | 'cohort' | 'product';
export type NpsGroup = NpsSummary & { key: string };

/** NPS with intervals over time and by customer attribute, and the themes of free-text comments. */
export class SurveyAnalysis {
  constructor(
    private readonly db: Db,
    private readonly deps: Pick<SurveyDeps, 'workspaces'>,
    private readonly surveys: SurveyBasics,
  ) {}

  /** NPS with its 95 % interval over [from, to) (all time by default), of one survey or all NPS surveys. */
  async nps(workspaceId: string, query: { survey?: string; from?: Date; to?: Date } = {}): Promise<NpsSummary> {
    const surveyId = query.survey ? (await this.surveys.get(workspaceId, query.survey)).id : null;
    const { rows } = await this.db.query<{ p: number; pa: number; d: number }>(
      `SELECT count(*) FILTER (WHERE category = 'promoter')::int AS p, count(*) FILTER (WHERE category = 'passive')::int AS pa,
              count(*) FILTER (WHERE category = 'detractor')::int AS d
       FROM survey_responses WHERE workspace_id = $1 AND kind = 'nps' AND ($2::uuid IS NULL OR survey_id = $2)
         AND ($3::timestamptz IS NULL OR answered_at >= $3) AND ($4::timestamptz IS NULL OR answered_at < $4)`,
      [workspaceId, surveyId, query.from ?? null, query.to ?? null],
    );
    return npsFromCounts(rows[0]!.p, rows[0]!.pa, rows[0]!.d);
  }

  /** NPS per week or month (workspace time zone), each with its interval. */
  async npsTrend(workspaceId: string, query: { survey?: string; granularity?: 'week' | 'month'; from?: Date; to?: Date } = {}): Promise<(NpsSummary & { start: string; partial: boolean })[]> {
    const surveyId = query.survey ? (await this.surveys.get(workspaceId, query.survey)).id : null;
    const { timeZone } = await this.deps.workspaces.get(workspaceId);
    // partial: the period still runs (like for like, docs/metrics.md): the chart draws it dashed.
    const { rows } = await this.db.query<{ start: string; partial: boolean; p: number; pa: number; d: number }>(
      `SELECT date_trunc($3, answered_at AT TIME ZONE $4)::date::text AS start,
              bool_or(date_trunc($3, answered_at AT TIME ZONE $4) + ('1 ' || $3)::interval > now() AT TIME ZONE $4) AS partial,
              count(*) FILTER (WHERE category = 'promoter')::int AS p, count(*) FILTER (WHERE category = 'passive')::int AS pa,
              count(*) FILTER (WHERE category = 'detractor')::int AS d
       FROM survey_responses WHERE workspace_id = $1 AND kind = 'nps' AND ($2::uuid IS NULL OR survey_id = $2)
         AND ($5::timestamptz IS NULL OR answered_at >= $5) AND ($6::timestamptz IS NULL OR answered_at < $6)
       GROUP BY 1 ORDER BY 1`,
      [workspaceId, surveyId, query.granularity ?? 'month', timeZone, query.from ?? null, query.to ?? null],
    );
    return rows.map((r) => ({ start: r.start, partial: r.partial, ...npsFromCounts(r.p, r.pa, r.d) }));
  }

  /**
   * NPS by a customer attribute, each group with its interval: segment (current members), loyalty
   * tier, cohort (month of the first order) or product category bought. A customer in two segments
   * or categories counts in both.
   */
  async npsBy(workspaceId: string, by: Breakdown, query: { survey?: string; from?: Date; to?: Date } = {}): Promise<NpsGroup[]> {
    const surveyId = query.survey ? (await this.surveys.get(workspaceId, query.survey)).id : null;
    const { timeZone } = await this.deps.workspaces.get(workspaceId);
    const groups: Record<Breakdown, string> = {
      segment: `JOIN segment_members m ON m.workspace_id = r.workspace_id AND m.customer_id = r.customer_id
                JOIN segments g ON g.workspace_id = m.workspace_id AND g.id = m.segment_id CROSS JOIN LATERAL (SELECT g.name AS key) k`,
      tier: `LEFT JOIN loyalty_members lm ON lm.workspace_id = r.workspace_id AND lm.customer_id = r.customer_id CROSS JOIN LATERAL (SELECT coalesce(lm.tier, '-') AS key) k`,
      cohort: `CROSS JOIN LATERAL (SELECT coalesce(to_char(min(o.ordered_at AT TIME ZONE $5), 'YYYY-MM'), '-') AS key FROM orders o
                 WHERE o.workspace_id = r.workspace_id AND o.customer_id = r.customer_id) k`,
      product: `CROSS JOIN LATERAL (SELECT DISTINCT coalesce(l.category, '-') AS key FROM order_lines l
                  WHERE l.workspace_id = r.workspace_id AND l.customer_id = r.customer_id AND l.total_minor > 0) k`,
    };
    const { rows } = await this.db.query<{ key: string; p: number; pa: number; d: number }>(
      `SELECT k.key, count(*) FILTER (WHERE r.category = 'promoter')::int AS p, count(*) FILTER (WHERE r.category = 'passive')::int AS pa,
              count(*) FILTER (WHERE r.category = 'detractor')::int AS d
       FROM survey_responses r ${groups[by]}
       WHERE r.workspace_id = $1 AND r.kind = 'nps' AND r.customer_id IS NOT NULL AND ($2::uuid IS NULL OR r.survey_id = $2)
         AND ($3::timestamptz IS NULL OR r.answered_at >= $3) AND ($4::timestamptz IS NULL OR r.answered_at < $4)
         AND $5::text IS NOT NULL -- the time zone is used by the cohort grouping only; every parameter needs a type
       GROUP BY k.key ORDER BY count(*) DESC, k.key LIMIT 50`,
      [workspaceId, surveyId, query.from ?? null, query.to ?? null, timeZone],
    );
    return rows.map((r) => ({ key: r.key, ...npsFromCounts(r.p, r.pa, r.d) }));
  }

  /** The words that set promoters' comments apart from detractors' (themes.ts), with quotes; the latest `sample` comments. */
  async themes(workspaceId: string, query: { survey?: string; from?: Date; sample?: number; limit?: number } = {}): Promise<{ promoters: Theme[]; detractors: Theme[]; comments: number }> {
    const surveyId = query.survey ? (await this.surveys.get(workspaceId, query.survey)).id : null;
    const { rows } = await this.db.query<{ category: 'promoter' | 'detractor'; comment: string }>(
      `SELECT category, comment FROM survey_responses
       WHERE workspace_id = $1 AND category IN ('promoter', 'detractor') AND comment IS NOT NULL AND ($2::uuid IS NULL OR survey_id = $2)
         AND ($3::timestamptz IS NULL OR answered_at >= $3)
       ORDER BY answered_at DESC LIMIT $4`,
      [workspaceId, surveyId, query.from ?? null, query.sample ?? 5000],
    );
    const terms = await termsOf(rows.map((r) => r.comment));
    const result = themes(rows.map((r, i) => ({ group: r.category, text: r.comment, terms: terms[i]! })), { limit: query.limit ?? 8 });
    return { ...result, comments: rows.length };
  }
}
