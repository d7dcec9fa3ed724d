import { NotFoundError, ValidationError } from '../../kernel/errors.ts';
import { exportLang, exportRows, type ExportEncoding, type ExportLang } from '../../kernel/exportRows.ts';
import type { RowOf } from '../../kernel/rowMapper.ts';
import type { Db, Queryable } from '../../db/database.ts';
import type { EventService } from '../events/index.ts';
import type { JobService } from '../jobs/index.ts';
import type { WorkspaceService } from '../workspaces/index.ts';
import { runAndStoreBacktest, type BacktestOptions, type BacktestReport } from './backtest.ts';
import { cohortAverages, purchaseCohorts, subscriptionCohorts, type CohortQuery } from './cohorts.ts';
import { accountHealth, renewalRisk, type AccountHealth } from './health.ts';
import {
  atRiskCsv,
  atRiskCustomers,
  clvHistogram,
  latestRun,
  paretoCurve,
  rfmCellCustomers,
  sizesOverTime,
  stageFlow,
  type AtRiskQuery,
  type ClvHistogram,
  type CustomerPage,
  type ParetoCurve,
  type StageFlow,
} from './distributions.ts';
import type { Granularity, KpiKey } from './kpiDefinitions.ts';
import { overviewDefaultQuery, PRECOMPUTE_KPIS_JOB, snapshotKpis, type KpiReport } from './kpiSnapshots.ts';
import type { KpiQuery } from './kpis.ts';
import { CURRENT_COLUMNS, HISTORY_COLUMNS, rfmCells, toCurrentScores, toHistory, type CurrentScores, type RfmSegmentsReport, type ScoreSnapshot } from './scoreViews.ts';
import { runScoring, type ScoreOptions, type ScoreRunResult, type StoredFits } from './scoringRun.ts';
import { intelligenceSettingsSchema, type IntelligenceSettings } from './settings.ts';

export interface KpiTargetInput {
  kpi: KpiKey;
  granularity: Granularity;
  /** First day of the period (YYYY-MM-DD). */
  periodStart: string;
  target: number;
}

export interface ModelsReport {
  /** The latest full run: fitted parameters with standard errors and diagnostics. */
  fit: { runId: string; asOf: Date; fits: StoredFits | null; diagnostics: unknown; finishedAt: Date | null } | null;
  /** The latest run of any kind. */
  lastRun: { runId: string; kind: string; status: string; asOf: Date; counts: unknown; diagnostics: unknown; error: string | null } | null;
  backtest: (BacktestReport & { id: string; createdAt: Date }) | null;
}

/**
 * Customer intelligence: per-customer scores and lifecycle stages, fitted models and backtests,
 * KPIs with targets, cohorts and B2B account health. The public face of src/modules/intelligence;
 * other modules read scores only through it (the segments rule compiler's join on customer_scores
 * is the one sanctioned exception).
 */
export class IntelligenceService {
  private readonly valueCache = new Map<string, { runId: string; report: { currency: string; clv: ClvHistogram; pareto: ParetoCurve } }>();

  constructor(
    private readonly db: Db,
    private readonly workspaces: WorkspaceService,
    private readonly events: EventService,
    private readonly jobs: JobService,
    /** Where heavy read-only work runs (KPIs, the at-risk export): the read replica, or `db`. */
    private readonly reads: Db = db,
  ) {}

  /**
   * The privacy export's part: current scores and their history. An erasure leaves them: they are
   * facts about the anonymous id, like its orders, and the next scoring run recomputes them anyway.
   */
  async exportCustomer(workspaceId: string, customerId: string, q: Queryable = this.db) {
    return {
      scores: await exportRows(q, 'SELECT * FROM customer_scores WHERE workspace_id = $1 AND customer_id = $2', [workspaceId, customerId]),
      scoreHistory: await exportRows(q, 'SELECT * FROM customer_score_history WHERE workspace_id = $1 AND customer_id = $2 ORDER BY computed_at', [workspaceId, customerId]),
      // The KPI rollup's rows of the person: purchases per day, derived from the orders (kept on erasure as they are).
      purchaseDays: await exportRows(q, 'SELECT * FROM kpi_customer_days WHERE workspace_id = $1 AND customer_id = $2 ORDER BY day', [workspaceId, customerId]),
    };
  }

  async settings(workspaceId: string, q: Queryable = this.db): Promise<IntelligenceSettings> {
    const { rows } = await q.query<{ settings: unknown }>('SELECT settings FROM intelligence_settings WHERE workspace_id = $1', [workspaceId]);
    return intelligenceSettingsSchema.parse(rows[0]?.settings ?? {});
  }

  /** Replaces the workspace's overrides (validated; absent keys take the defaults) and returns the effective settings. */
  async updateSettings(workspaceId: string, overrides: unknown): Promise<IntelligenceSettings> {
    const parsed = intelligenceSettingsSchema.safeParse(overrides);
    if (!parsed.success) {
      throw new ValidationError(
        'Invalid intelligence settings',
        parsed.error.issues.map((i) => ({ path: i.path.map((p) => (typeof p === 'symbol' ? String(p) : p)), message: i.message })),
      );
    }
    await this.db.query(
      `INSERT INTO intelligence_settings (workspace_id, settings) VALUES ($1, $2)
       ON CONFLICT (workspace_id) DO UPDATE SET settings = EXCLUDED.settings, updated_at = now()`,
      [workspaceId, JSON.stringify(overrides)],
    );
    return parsed.data;
  }

  /** A scoring run (full or incremental, see scoringRun.ts). */
  async score(workspaceId: string, options: ScoreOptions = {}): Promise<ScoreRunResult> {
    const workspace = await this.workspaces.get(workspaceId);
    const run = await runScoring(this.db, this.events, workspace, await this.settings(workspaceId), options);
    // The run retires every KPI snapshot; a job computes the Overview's again, so its first visitor
    // does not wait, and the run itself stays as quick as its own work.
    await this.jobs.enqueue(workspaceId, { kind: PRECOMPUTE_KPIS_JOB, dedupeKey: `${PRECOMPUTE_KPIS_JOB}:${run.runId}`, maxAttempts: 3 });
    return run;
  }

  /** Computes and stores the Overview's default KPIs (the `kpis.precompute` job after each scoring run). */
  async precomputeOverviewKpis(workspaceId: string): Promise<void> {
    const workspace = await this.workspaces.get(workspaceId);
    await snapshotKpis(this.db, workspace, await this.settings(workspaceId), overviewDefaultQuery(workspace.timeZone), { fresh: true, reads: this.reads });
  }

  /** A customer's current scores (null before the first run) — what other modules read. */
  async scoresFor(workspaceId: string, customerId: string, q: Queryable = this.db): Promise<CurrentScores | null> {
    const { rows } = await q.query<RowOf<typeof toCurrentScores>>(`SELECT ${CURRENT_COLUMNS} FROM customer_scores WHERE workspace_id = $1 AND customer_id = $2`, [workspaceId, customerId]);
    return rows[0] ? toCurrentScores(rows[0]) : null;
  }

  /** Current scores and the snapshot history (newest first) of a customer. */
  async scoreHistory(workspaceId: string, customerId: string, limit = 100): Promise<{ current: CurrentScores | null; history: ScoreSnapshot[] }> {
    const current = await this.scoresFor(workspaceId, customerId);
    const { rows } = await this.db.query<RowOf<typeof toHistory>>(
      `SELECT ${HISTORY_COLUMNS} FROM customer_score_history WHERE workspace_id = $1 AND customer_id = $2 ORDER BY computed_at DESC, run_id DESC LIMIT $3`,
      [workspaceId, customerId, limit],
    );
    return { current, history: rows.map(toHistory) };
  }

  /** Customers and revenue per RFM segment and per R × FM cell, from the current scores. */
  async rfmSegments(workspaceId: string): Promise<RfmSegmentsReport> {
    return rfmCells(this.db, workspaceId);
  }

  /** KPIs for the query, from a stored snapshot while fresh (kpiSnapshots.ts); `fresh` recomputes. */
  async kpis(workspaceId: string, query: KpiQuery, options: { fresh?: boolean } = {}): Promise<KpiReport> {
    const workspace = await this.workspaces.get(workspaceId);
    return snapshotKpis(this.db, workspace, await this.settings(workspaceId), query, { ...options, reads: this.reads });
  }

  async setKpiTargets(workspaceId: string, targets: KpiTargetInput[]): Promise<number> {
    if (targets.length === 0) return 0;
    const { rowCount } = await this.db.query(
      `INSERT INTO kpi_targets (workspace_id, kpi, granularity, period_start, target)
       SELECT $1, x.kpi, x.granularity, x.period_start, x.target
       FROM unnest($2::text[], $3::text[], $4::date[], $5::float8[]) AS x(kpi, granularity, period_start, target)
       ON CONFLICT (workspace_id, kpi, granularity, period_start) DO UPDATE SET target = EXCLUDED.target, updated_at = now()`,
      [workspaceId, targets.map((t) => t.kpi), targets.map((t) => t.granularity), targets.map((t) => t.periodStart), targets.map((t) => t.target)],
    );
    return rowCount ?? 0;
  }

  async kpiTargets(workspaceId: string): Promise<KpiTargetInput[]> {
    const { rows } = await this.db.query<{ kpi: KpiKey; granularity: Granularity; period_start: string; target: number }>(
      'SELECT kpi, granularity, period_start::text, target FROM kpi_targets WHERE workspace_id = $1 ORDER BY kpi, granularity, period_start',
      [workspaceId],
    );
    return rows.map((r) => ({ kpi: r.kpi, granularity: r.granularity, periodStart: r.period_start, target: r.target }));
  }

  async cohorts(workspaceId: string, query: CohortQuery) {
    const workspace = await this.workspaces.get(workspaceId);
    const [purchases, subscriptions] = await Promise.all([purchaseCohorts(this.db, workspace, query), subscriptionCohorts(this.db, workspace, query)]);
    return { currency: workspace.currency, purchases, average: cohortAverages(purchases), subscriptions };
  }

  /**
   * Refits both purchase models on the calibration period and compares them with the holdout; the
   * report is kept for /v1/models, and the next full scoring run uses the model it chose.
   */
  async backtest(workspaceId: string, options: BacktestOptions): Promise<BacktestReport & { id: string }> {
    return runAndStoreBacktest(this.db, await this.workspaces.get(workspaceId), options);
  }

  async models(workspaceId: string): Promise<ModelsReport> {
    const [fit, last, backtest] = await Promise.all([
      this.db.query(
        `SELECT id, as_of, fits, diagnostics, finished_at FROM model_runs WHERE workspace_id = $1 AND status = 'succeeded' AND kind = 'full'
         ORDER BY started_at DESC LIMIT 1`,
        [workspaceId],
      ),
      this.db.query(`SELECT id, kind, status, as_of, counts, diagnostics, error FROM model_runs WHERE workspace_id = $1 ORDER BY started_at DESC LIMIT 1`, [
        workspaceId,
      ]),
      this.db.query(`SELECT id, report, created_at FROM model_backtests WHERE workspace_id = $1 ORDER BY created_at DESC LIMIT 1`, [workspaceId]),
    ]);
    const f = fit.rows[0];
    const l = last.rows[0];
    const b = backtest.rows[0];
    return {
      fit: f ? { runId: f.id as string, asOf: f.as_of as Date, fits: f.fits as StoredFits | null, diagnostics: f.diagnostics, finishedAt: f.finished_at as Date | null } : null,
      lastRun: l
        ? { runId: l.id as string, kind: l.kind as string, status: l.status as string, asOf: l.as_of as Date, counts: l.counts, diagnostics: l.diagnostics, error: l.error as string | null }
        : null,
      backtest: b ? { ...(b.report as BacktestReport), id: b.id as string, createdAt: b.created_at as Date } : null,
    };
  }

  async accountHealth(workspaceId: string, accountId: string, now?: Date): Promise<AccountHealth> {
    const workspace = await this.workspaces.get(workspaceId);
    const [health] = await accountHealth(this.db, workspace, (await this.settings(workspaceId)).health, { accountId, now });
    if (!health) throw new NotFoundError(`account ${accountId} not found`);
    return health;
  }

  /** Paying accounts that are amber or red, ordered by MRR at risk. */
  async renewalRisk(workspaceId: string, now?: Date): Promise<AccountHealth[]> {
    const workspace = await this.workspaces.get(workspaceId);
    return renewalRisk(await accountHealth(this.db, workspace, (await this.settings(workspaceId)).health, { now }));
  }

  /** Every account's health, weakest first, one page at a time, with the count per status. */
  async accountsHealth(workspaceId: string, query: { status?: AccountHealth['status']; limit: number; offset: number }, now?: Date) {
    const workspace = await this.workspaces.get(workspaceId);
    const all = await accountHealth(this.db, workspace, (await this.settings(workspaceId)).health, { now });
    const statuses = { green: 0, amber: 0, red: 0 };
    for (const a of all) statuses[a.status]++;
    const matching = all.filter((a) => !query.status || a.status === query.status).sort((a, b) => a.score - b.score || b.mrrMinor - a.mrrMinor);
    return { total: matching.length, statuses, data: matching.slice(query.offset, query.offset + query.limit) };
  }

  // Aggregates for the web app's analytics pages (distributions.ts).

  async rfmCellCustomers(workspaceId: string, query: { r: number; fm: number; limit: number; offset: number }): Promise<CustomerPage> {
    return rfmCellCustomers(this.db, workspaceId, query);
  }

  async atRisk(workspaceId: string, query: AtRiskQuery & { limit: number; offset: number }): Promise<CustomerPage> {
    return atRiskCustomers(this.db, workspaceId, query);
  }

  async atRiskCsv(workspaceId: string, query: AtRiskQuery & { encoding: ExportEncoding; lang?: ExportLang }) {
    const workspace = await this.workspaces.get(workspaceId);
    return atRiskCsv(this.reads, workspaceId, query, workspace.currency, { encoding: query.encoding, lang: exportLang(query.lang, workspace.locale), timeZone: workspace.timeZone });
  }

  /**
   * CLV histogram and Pareto curve. Both sort every scored customer (seconds on a million), and the
   * scores change only with a scoring run: the answer is kept per workspace until the next run.
   */
  async valueDistributions(workspaceId: string): Promise<{ currency: string; clv: ClvHistogram; pareto: ParetoCurve }> {
    const [workspace, run] = await Promise.all([this.workspaces.get(workspaceId), latestRun(this.db, workspaceId)]);
    const cached = this.valueCache.get(workspaceId);
    if (run && cached?.runId === run.id) return cached.report;
    const [clv, pareto] = await Promise.all([clvHistogram(this.db, workspaceId), paretoCurve(this.db, workspaceId)]);
    const report = { currency: workspace.currency, clv, pareto };
    if (run) this.valueCache.set(workspaceId, { runId: run.id, report });
    return report;
  }

  /** Stage moves in (from, to]; by default the `days` before the latest run's as-of. */
  async stageFlow(workspaceId: string, query: { from?: Date; to?: Date; days: number }): Promise<StageFlow | null> {
    const to = query.to ?? (await latestRun(this.db, workspaceId))?.asOf;
    if (!to) return null;
    return stageFlow(this.db, workspaceId, { from: query.from ?? new Date(to.getTime() - query.days * 86_400_000), to });
  }

  async sizesOverTime(workspaceId: string) {
    return sizesOverTime(this.db, workspaceId);
  }

  /** Workspaces and their daily scoring hour, for the worker's schedule. */
  async dailySchedules(): Promise<{ workspaceId: string; timeZone: string; hour: number }[]> {
    const { rows } = await this.db.query<{ id: string; time_zone: string; settings: unknown }>(
      'SELECT w.id, w.time_zone, s.settings FROM workspaces w LEFT JOIN intelligence_settings s ON s.workspace_id = w.id',
    );
    return rows.map((r) => ({ workspaceId: r.id, timeZone: r.time_zone, hour: intelligenceSettingsSchema.parse(r.settings ?? {}).dailyScoreHour }));
  }
}
