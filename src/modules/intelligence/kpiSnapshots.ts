import type { Db, Queryable } from '../../db/database.ts';
import type { Workspace } from '../workspaces/index.ts';
import { KPI_DEFINITIONS, type Granularity, type KpiKey } from './kpiDefinitions.ts';
import { computeKpis, type KpiComparison, type KpiPeriod, type KpiQuery, type KpiResult } from './kpis.ts';
import { localDay } from './periods.ts';
import type { IntelligenceSettings } from './settings.ts';

export interface KpiReport {
  granularity: Granularity;
  currency: string;
  /** Today in the workspace's zone when computed: periods end before it, the one holding it is partial. */
  asOfDay: string;
  periods: KpiPeriod[];
  comparison: KpiComparison | null;
  /** When the values were computed (targets are always current). */
  computedAt: Date;
}

/**
 * KPIs from a stored snapshot when one answers this exact query and is still fresh, else computed
 * and stored. Fresh means: computed against the workspace's latest finished scoring run (a new run,
 * daily by default, retires every snapshot; before the first run nothing is reused). `fresh`
 * forces recomputation. Targets are merged at read time, so editing one shows at once.
 */
export async function snapshotKpis(
  db: Db,
  workspace: Workspace,
  settings: IntelligenceSettings,
  query: KpiQuery,
  options: { fresh?: boolean; reads?: Db } = {},
): Promise<KpiReport> {
  const key = queryKey(workspace, settings, query);
  const dataAsOf = await lastScoringRun(db, workspace.id);
  if (!options.fresh && dataAsOf) {
    const { rows } = await db.query<{ computed_at: Date; payload: KpiResult }>(
      'SELECT computed_at, payload FROM kpi_snapshots WHERE workspace_id = $1 AND query_key = $2 AND as_of_data = $3',
      [workspace.id, key, dataAsOf],
    );
    if (rows[0]) return report(workspace, query, await withCurrentTargets(db, workspace.id, query.granularity, rows[0].payload), rows[0].computed_at);
  }
  // The computation is read-only and heavy: on the read replica when there is one (DATABASE_READ_URL).
  const result = await computeKpis(options.reads ?? db, workspace, settings, query);
  const { rows } = await db.tx(async (q) => {
    // Snapshots of older runs can never be served again: dropped here so the table stays small.
    await q.query('DELETE FROM kpi_snapshots WHERE workspace_id = $1 AND as_of_data IS DISTINCT FROM $2', [workspace.id, dataAsOf]);
    return q.query<{ computed_at: Date }>(
      `INSERT INTO kpi_snapshots (workspace_id, query_key, as_of_data, payload) VALUES ($1, $2, $3, $4)
       ON CONFLICT (workspace_id, query_key) DO UPDATE SET computed_at = EXCLUDED.computed_at, as_of_data = EXCLUDED.as_of_data, payload = EXCLUDED.payload
       RETURNING computed_at`,
      [workspace.id, key, dataAsOf, JSON.stringify(result)],
    );
  });
  return report(workspace, query, result, rows[0]!.computed_at);
}

/** The query the web app's Overview opens with: the last 12 months by month, up to today in the workspace's zone. */
/** Worker job: the Overview's default KPIs, computed again after a scoring run retired them. */
export const PRECOMPUTE_KPIS_JOB = 'kpis.precompute';

export function overviewDefaultQuery(timeZone: string, now = new Date()): KpiQuery {
  const today = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(now);
  const [year, month] = today.split('-').map(Number) as [number, number];
  const from = new Date(Date.UTC(year, month - 1 - 11, 1)).toISOString().slice(0, 10);
  return { from, to: today, granularity: 'month' };
}

const report = (workspace: Workspace, query: KpiQuery, result: KpiResult, computedAt: Date): KpiReport => ({
  granularity: query.granularity,
  currency: workspace.currency,
  ...result,
  computedAt,
});

/**
 * Everything the values depend on besides the data: the query, the day (which periods are partial,
 * which customers are old enough), the workspace's currency and zone, the settings, and the shape
 * of the payload (`v`: snapshots of an older shape are never served).
 */
const queryKey = (workspace: Workspace, settings: IntelligenceSettings, query: KpiQuery) =>
  JSON.stringify({
    v: 2,
    granularity: query.granularity,
    from: query.from,
    to: query.to,
    basis: query.basis ?? 'complete',
    day: localDay(query.asOf ?? new Date(), workspace.timeZone),
    currency: workspace.currency,
    timeZone: workspace.timeZone,
    settings,
  });

async function lastScoringRun(q: Queryable, workspaceId: string): Promise<Date | null> {
  const { rows } = await q.query<{ finished_at: Date | null }>(
    "SELECT max(finished_at) AS finished_at FROM model_runs WHERE workspace_id = $1 AND status = 'succeeded'",
    [workspaceId],
  );
  return rows[0]?.finished_at ?? null;
}

/** Replaces the stored targets (and attainment, as kpis.ts defines it) by the current ones. */
async function withCurrentTargets(q: Queryable, workspaceId: string, granularity: Granularity, result: KpiResult): Promise<KpiResult> {
  const { rows } = await q.query<{ kpi: KpiKey; period_start: string; target: number }>(
    'SELECT kpi, period_start::text, target FROM kpi_targets WHERE workspace_id = $1 AND granularity = $2 AND period_start = ANY($3::date[])',
    [workspaceId, granularity, result.periods.map((p) => p.start)],
  );
  const targets = new Map(rows.map((t) => [`${t.kpi}|${t.period_start}`, t.target]));
  const retarget = (start: string, stored: KpiPeriod['kpis']): KpiPeriod['kpis'] => {
    const kpis = { ...stored };
    for (const def of KPI_DEFINITIONS) {
      const value = kpis[def.key];
      if (!value) continue;
      const target = targets.get(`${def.key}|${start}`) ?? null;
      const attainment = value.value === null || target === null ? null : def.higherIsBetter ? ratio(value.value, target) : ratio(target, value.value);
      kpis[def.key] = { ...value, target, attainment };
    }
    return kpis;
  };
  const { comparison } = result;
  return {
    ...result,
    periods: result.periods.map((p) => ({ ...p, kpis: retarget(p.start, p.kpis) })),
    comparison: comparison && { ...comparison, kpis: retarget(comparison.current.start, comparison.kpis) },
  };
}

const ratio = (a: number, b: number) => (b > 0 ? a / b : null);
