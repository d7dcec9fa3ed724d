import type pg from 'pg';
import { ConflictError, ValidationError } from '../../kernel/errors.ts';
import type { Db } from '../../db/database.ts';
import { newId } from '../../db/ids.ts';
import type { EventService } from '../events/index.ts';
import type { Workspace } from '../workspaces/index.ts';
import { fitCategories, type CategoryFits } from './categoryFits.ts';
import { computeScores, fitModels, modelInput, type Fits, type Params, type RfmScales } from './modelScores.ts';
import { choiceFrom, type ModelChoice } from './modelChoice.ts';
import { runAndStoreBacktest, type BacktestReport } from './backtest.ts';
import { analyzeAfterFirstWrite, writeScores, type WriteResult } from './scoreWriter.ts';
import type { IntelligenceSettings } from './settings.ts';
import { readSummary } from './summarySql.ts';
import { carriedTally, countScores, ltvMean, NO_CHANGE, type RunCounts, type ScoreTally } from './scoreTally.ts';

/**
 * A scoring run: read the purchase summary (SQL), fit (TypeScript, on patterns), score, write (COPY
 * + set-based SQL), all under a per-workspace advisory lock so two runs never interleave.
 *
 * Full runs refit the models and rescore every customer. Incremental runs reuse the last fit and
 * rescore only customers whose orders or profile changed since the previous run began. Writers stamp
 * updated_at with their transaction's start, and a transaction open when a run began may commit
 * after the run read the data; so the point a run hands to the next is the start of the oldest
 * transaction open at that moment (rescoring a customer twice is harmless; missing one is not).
 */
export type ScoreMode = 'auto' | 'full' | 'incremental';

export interface ScoreOptions {
  /** End of observation; default now. */
  asOf?: Date;
  mode?: ScoreMode;
}

export interface ScoreRunResult {
  runId: string;
  kind: 'full' | 'incremental';
  asOf: string;
  /** The run whose fitted parameters scored the customers (this run for a full run). */
  fitRunId: string | null;
  fits: StoredFits | null;
  recomputed: number;
  snapshots: number;
  events: { stageChanged: number; segmentChanged: number };
  counts: RunCounts;
  diagnostics: Record<string, unknown>;
  seconds: number;
}

export interface StoredFits {
  bgnbd: Fits['bgnbd'];
  /** Absent in runs from before MBG/NBD. */
  mbgnbd?: Fits['mbgnbd'];
  gammagamma: Fits['gammagamma'];
  /** Which purchase model scored the customers, and the backtest that decided (absent: BG/NBD). */
  choice?: ModelChoice;
  notes: string[];
  /** Per category, when the workspace's categoryModels setting names a dimension. */
  categories?: CategoryFits;
  unit: 'weeks';
  currency: string;
}

interface PreviousRun {
  id: string;
  as_of: Date;
  changes_since: Date;
  counts: RunCounts | null;
  /** Absent in runs from before tallies were kept. */
  ltv_sum: number | null;
  ltv_n: number | null;
}

export async function runScoring(
  db: Db,
  events: EventService,
  workspace: Workspace,
  settings: IntelligenceSettings,
  options: ScoreOptions = {},
): Promise<ScoreRunResult> {
  const started = performance.now();
  const asOf = options.asOf ?? new Date();
  if (Number.isNaN(asOf.getTime())) throw new ValidationError('as-of must be a date', [{ path: ['asOf'], message: 'not a date' }]);
  const ws = workspace.id;
  const client = await db.pool.connect();
  const lockKey = `kizuna:score:${ws}`;
  try {
    const { rows: lock } = await client.query<{ ok: boolean }>('SELECT pg_try_advisory_lock(hashtext($1)) AS ok', [lockKey]);
    if (!lock[0]!.ok) throw new ConflictError(`a scoring run is already in progress for workspace ${ws}`);
    try {
      const { rows: prev } = await client.query<PreviousRun>(
        `SELECT id, as_of, changes_since, counts, (diagnostics->>'ltvSumMinor')::float8 AS ltv_sum, (diagnostics->>'ltvN')::float8 AS ltv_n
         FROM model_runs WHERE workspace_id = $1 AND status = 'succeeded' ORDER BY started_at DESC LIMIT 1`,
        [ws],
      );
      const last = prev[0];
      const { rows: fitRows } = await client.query<{ id: string; started_at: Date; fits: StoredFits; rfm_breakpoints: RfmScales | null }>(
        `SELECT id, started_at, fits, rfm_breakpoints FROM model_runs WHERE workspace_id = $1 AND status = 'succeeded' AND kind = 'full'
         ORDER BY started_at DESC LIMIT 1`,
        [ws],
      );
      const lastFit = fitRows[0];
      const stale = !lastFit || Date.now() - lastFit.started_at.getTime() > settings.refitAfterHours * 3_600_000;
      const backwards = last !== undefined && asOf < last.as_of;
      let kind: 'full' | 'incremental';
      if (options.mode === 'incremental') {
        if (!lastFit || !last) throw new ConflictError('no full run yet: run a full scoring first');
        if (backwards) throw new ConflictError(`as-of ${asOf.toISOString()} is before the last run's ${last.as_of.toISOString()}: run a full scoring`);
        kind = 'incremental';
      } else kind = options.mode === 'full' || stale || backwards || !last ? 'full' : 'incremental';

      const runId = newId();
      // The next incremental run looks at changes since the oldest open client transaction (its rows
      // may commit after this run read). Autovacuum workers also hold transactions, but write no orders.
      await client.query(
        `INSERT INTO model_runs (workspace_id, id, kind, status, as_of, fit_run_id, changes_since)
         SELECT $1, $2, $3, 'running', $4, $5, least(now(), (
           SELECT min(xact_start) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid() AND xact_start IS NOT NULL
             AND backend_type = 'client backend'))`,
        [ws, runId, kind, asOf, kind === 'full' ? runId : lastFit!.id],
      );
      try {
        const result = await scoreAndWrite(db, client, events, workspace, settings, {
          runId,
          kind,
          asOf,
          since: kind === 'incremental' ? last!.changes_since : null,
          lastFit: kind === 'incremental' ? lastFit! : null,
          lastTally: last?.counts && last.ltv_sum !== null && last.ltv_n !== null ? { counts: last.counts, ltvSumMinor: last.ltv_sum, ltvN: last.ltv_n } : null,
          emitChanges: last !== undefined,
        });
        return { ...result, seconds: Math.round(performance.now() - started) / 1000 };
      } catch (err) {
        await client.query(`UPDATE model_runs SET status = 'failed', error = $3, finished_at = now() WHERE workspace_id = $1 AND id = $2`, [
          ws,
          runId,
          err instanceof Error ? err.message : String(err),
        ]);
        throw err;
      }
    } finally {
      await client.query('SELECT pg_advisory_unlock(hashtext($1))', [lockKey]);
    }
  } finally {
    client.release();
  }
}

interface RunPlan {
  runId: string;
  kind: 'full' | 'incremental';
  asOf: Date;
  since: Date | null;
  lastFit: { id: string; fits: StoredFits; rfm_breakpoints: RfmScales | null } | null;
  /** The previous run's tally, carried forward by an incremental run. */
  lastTally: ScoreTally | null;
  emitChanges: boolean;
}

async function scoreAndWrite(
  db: Db,
  client: pg.PoolClient,
  events: EventService,
  workspace: Workspace,
  settings: IntelligenceSettings,
  plan: RunPlan,
): Promise<Omit<ScoreRunResult, 'seconds'>> {
  const ws = workspace.id;
  const timings: Record<string, number> = {};
  let t = performance.now();
  const lap = (name: string) => {
    const now = performance.now();
    timings[name] = Math.round(now - t);
    t = now;
  };
  const scope = { workspaceId: ws, currency: workspace.currency, timeZone: workspace.timeZone, asOf: plan.asOf };

  let customerIds: string[] | undefined;
  if (plan.since) {
    const { rows } = await client.query<{ id: string }>(
      `SELECT customer_id AS id FROM orders WHERE workspace_id = $1 AND updated_at >= $2
       UNION SELECT id FROM customers WHERE workspace_id = $1 AND updated_at >= $2`,
      [ws, plan.since],
    );
    customerIds = rows.map((r) => r.id);
  }
  const [summary, excluded] = await Promise.all([
    customerIds?.length === 0 ? null : readSummary(db.pool, { ...scope, customerIds }, customerIds?.length ?? 1 << 16),
    plan.kind === 'full' ? countOtherCurrencyOrders(db, scope) : Promise.resolve(null),
  ]);
  lap('summaryMs');

  let fits: StoredFits | null = null;
  let params: Params;
  let scales: RfmScales | null = null;
  const diagnostics: Record<string, unknown> = { timings };
  if (excluded !== null) diagnostics.excludedOrders = { otherCurrency: excluded };
  if (plan.kind === 'full') {
    const input = summary ? modelInput(summary) : null;
    const f = input ? fitModels(input) : { bgnbd: null, mbgnbd: null, gammagamma: null, notes: ['no customers'] };
    fits = { bgnbd: f.bgnbd, mbgnbd: f.mbgnbd, gammagamma: f.gammagamma, notes: f.notes, unit: 'weeks', currency: workspace.currency };
    lap('fitMs');
    if (f.bgnbd) fits.choice = await modelChoiceFor(db, workspace, plan.asOf);
    lap('modelChoiceMs');
    if (settings.categoryModels && summary) fits.categories = await fitCategories(db, scope, settings.categoryModels, summary.endDay);
    params = { purchase: purchaseParams(fits), gammagamma: f.gammagamma?.params ?? null };
    if (input) {
      let repeaters = 0;
      for (const x of input.frequency) if (x > 0) repeaters++;
      Object.assign(diagnostics, { buyers: input.frequency.length, repeatBuyers: repeaters });
    }
    lap('categoryFitMs');
  } else {
    const stored = plan.lastFit!;
    params = { purchase: purchaseParams(stored.fits), gammagamma: stored.fits.gammagamma?.params ?? null };
    scales = stored.rfm_breakpoints;
  }

  let written: WriteResult = { written: 0, fresh: false, snapshots: 0, stageChanges: 0, segmentChanges: 0, change: null, timings: {} };
  await client.query('BEGIN');
  try {
    if (summary && summary.size > 0) {
      const scored = computeScores(summary, params, scales, settings, plan.asOf.getTime());
      scales = scored.scales;
      lap('scoreMs');
      written = await writeScores(client, events, { workspaceId: ws, runId: plan.runId, asOf: plan.asOf, emitChanges: plan.emitChanges, everyone: plan.kind === 'full' }, summary, scored.scores);
      lap('writeMs');
      diagnostics.writeTimings = written.timings;
    }
    // An incremental run carries the previous tally forward (recounting 10M scores took 5.7 s); one
    // that wrote nothing changed nothing.
    const { tally, carried } =
      plan.kind === 'full' ? { tally: await countScores(client, ws), carried: false } : await carriedTally(client, ws, plan.lastTally, summary && summary.size > 0 ? written.change : NO_CHANGE);
    const { counts } = tally;
    lap('countsMs');
    diagnostics.recomputed = summary?.size ?? 0;
    Object.assign(diagnostics, { ltvMeanMinor: ltvMean(tally), ltvSumMinor: tally.ltvSumMinor, ltvN: tally.ltvN, tallyCarried: carried });
    await client.query(
      `UPDATE model_runs SET status = 'succeeded', finished_at = now(), fits = $3, rfm_breakpoints = $4, diagnostics = $5, counts = $6
       WHERE workspace_id = $1 AND id = $2`,
      [ws, plan.runId, fits && JSON.stringify(fits), plan.kind === 'full' && scales ? JSON.stringify(scales) : null, JSON.stringify(diagnostics), JSON.stringify(counts)],
    );
    await client.query('COMMIT');
    // Statistics only: the run has committed, so a failure here must not report it failed.
    await analyzeAfterFirstWrite(client, written).catch(() => {});
    return {
      runId: plan.runId,
      kind: plan.kind,
      asOf: plan.asOf.toISOString(),
      fitRunId: plan.kind === 'full' ? plan.runId : plan.lastFit!.id,
      fits: fits ?? plan.lastFit!.fits,
      recomputed: summary?.size ?? 0,
      snapshots: written.snapshots,
      events: { stageChanged: written.stageChanges, segmentChanged: written.segmentChanges },
      counts,
      diagnostics,
    };
  } catch (err) {
    await client.query('ROLLBACK').catch(() => {});
    throw err;
  }
}

/** The purchase model a stored fit scores with: the backtest's choice, BG/NBD for runs without one. */
function purchaseParams(fits: StoredFits): Params['purchase'] {
  const model = fits.choice?.chosen ?? 'bgnbd';
  const fit = fits[model];
  if (fit) return { model, params: fit.params };
  return fits.bgnbd ? { model: 'bgnbd', params: fits.bgnbd.params } : null;
}

/** Holdout of the backtest a full run makes when the workspace has no recent one. */
export const CHOICE_HOLDOUT_DAYS = 180;
/** A backtest whose holdout ended at most this long before a run's as-of decides that run's model. */
const CHOICE_MAX_AGE_DAYS = 7;

/**
 * The purchase model for a full run: the choice of the latest backtest ending within a week before
 * as-of, or of a new backtest (kept, like one asked for). Too little history for a backtest: BG/NBD.
 */
async function modelChoiceFor(db: Db, workspace: Workspace, asOf: Date): Promise<ModelChoice> {
  const { rows } = await db.query<{ id: string; report: BacktestReport }>(
    `SELECT id, report FROM model_backtests
     WHERE workspace_id = $1 AND observation_end <= $2 AND observation_end > $2 - make_interval(days => $3) AND report ? 'comparison'
     ORDER BY created_at DESC LIMIT 1`,
    [workspace.id, asOf, CHOICE_MAX_AGE_DAYS],
  );
  let report: (BacktestReport & { id: string }) | undefined = rows[0] ? { ...rows[0].report, id: rows[0].id } : undefined;
  if (!report) {
    try {
      report = await runAndStoreBacktest(db, workspace, { holdoutDays: CHOICE_HOLDOUT_DAYS, asOf });
    } catch (err) {
      if (!(err instanceof ValidationError)) throw err;
      return {
        chosen: 'bgnbd',
        criterion: 'rmse',
        backtestId: null,
        holdoutDays: null,
        calibrationEnd: null,
        models: [],
        note: `no backtest of ${CHOICE_HOLDOUT_DAYS} days was possible (${err.message}): BG/NBD scores`,
      };
    }
  }
  return choiceFrom(report.comparison.models, report);
}

async function countOtherCurrencyOrders(db: Db, scope: { workspaceId: string; currency: string; asOf: Date }): Promise<number> {
  const { rows } = await db.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM orders WHERE workspace_id = $1 AND status = 'completed' AND currency <> $2 AND ordered_at < $3`,
    [scope.workspaceId, scope.currency, scope.asOf],
  );
  return rows[0]!.n;
}
