import type { Db, Queryable } from '../../db/database.ts';
import type { Workspace } from '../workspaces/service.ts';
import { KPI_DEFINITIONS, type Granularity, type KpiKey } from './kpiDefinitions.ts';
import { computeKpis, type KpiPeriod, type KpiQuery } from './kpis.ts';
import type { IntelligenceSettings } from './settings.ts';

export interface KpiReport {
  granularity: Granularity;
  currency: string;
  periods: KpiPeriod[];
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
  options: { fresh?: boolean } = {},
): Promise<KpiReport> {
  const key = queryKey(workspace, settings, query);
  const dataAsOf = await lastScoringRun(db, workspace.id);
  if (!options.fresh && dataAsOf) {
    const { rows } = await db.query<{ computed_at: Date; payload: KpiPeriod[] }>(
      'SELECT computed_at, payload FROM kpi_snapshots WHERE workspace_id = $1 AND query_key = $2 AND as_of_data = $3',
      [workspace.id, key, dataAsOf],
    );
    if (rows[0]) return report(workspace, query, await withCurrentTargets(db, workspace.id, query.granularity, rows[0].payload), rows[0].computed_at);
  }
  const periods = await computeKpis(db, workspace, settings, query);
  const { rows } = await db.tx(async (q) => {
    // Snapshots of older runs can never be served again: dropped here so the table stays small.
    await q.query('DELETE FROM kpi_snapshots WHERE workspace_id = $1 AND as_of_data IS DISTINCT FROM $2', [workspace.id, dataAsOf]);
    return q.query<{ computed_at: Date }>(
      `INSERT INTO kpi_snapshots (workspace_id, query_key, as_of_data, payload) VALUES ($1, $2, $3, $4)
       ON CONFLICT (workspace_id, query_key) DO UPDATE SET computed_at = EXCLUDED.computed_at, as_of_data = EXCLUDED.as_of_data, payload = EXCLUDED.payload
       RETURNING computed_at`,
      [workspace.id, key, dataAsOf, JSON.stringify(periods)],
    );
  });
  return report(workspace, query, periods, rows[0]!.computed_at);
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

const report = (workspace: Workspace, query: KpiQuery, periods: KpiPeriod[], computedAt: Date): KpiReport => ({
  granularity: query.granularity,
  currency: workspace.currency,
  periods,
  computedAt,
});

/** Everything the values depend on besides the data: the query, the workspace's currency and zone, the settings. */
const queryKey = (workspace: Workspace, settings: IntelligenceSettings, query: KpiQuery) =>
  JSON.stringify({ granularity: query.granularity, from: query.from, to: query.to, currency: workspace.currency, timeZone: workspace.timeZone, settings });

async function lastScoringRun(q: Queryable, workspaceId: string): Promise<Date | null> {
  const { rows } = await q.query<{ finished_at: Date | null }>(
    "SELECT max(finished_at) AS finished_at FROM model_runs WHERE workspace_id = $1 AND status = 'succeeded'",
    [workspaceId],
  );
  return rows[0]?.finished_at ?? null;
}

/** Replaces the stored targets (and attainment, as kpis.ts defines it) by the current ones. */
async function withCurrentTargets(q: Queryable, workspaceId: string, granularity: Granularity, periods: KpiPeriod[]): Promise<KpiPeriod[]> {
  const { rows } = await q.query<{ kpi: KpiKey; period_start: string; target: number }>(
    'SELECT kpi, period_start::text, target FROM kpi_targets WHERE workspace_id = $1 AND granularity = $2 AND period_start = ANY($3::date[])',
    [workspaceId, granularity, periods.map((p) => p.start)],
  );
  const targets = new Map(rows.map((t) => [`${t.kpi}|${t.period_start}`, t.target]));
  return periods.map((p) => {
    const kpis = { ...p.kpis };
    for (const def of KPI_DEFINITIONS) {
      const stored = kpis[def.key];
      if (!stored) continue;
      const target = targets.get(`${def.key}|${p.start}`) ?? null;
      const { value } = stored;
      const attainment = value === null || target === null ? null : def.higherIsBetter ? ratio(value, target) : ratio(target, value);
      kpis[def.key] = { ...stored, target, attainment };
    }
    return { ...p, kpis };
  });
}

const ratio = (a: number, b: number) => (b > 0 ? a / b : null);
