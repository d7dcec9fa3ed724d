import type pg from 'pg';
import type { EventService } from '../events/index.ts';
import { copyIn } from '../../kernel/pgCopy.ts';
import { tallyChange, type ScoreTally } from './scoreTally.ts';
import type { Scores } from './modelScores.ts';
import type { PurchaseSummary } from './summarySql.ts';

/** History snapshots are taken on every stage or segment change, and at least this often otherwise. */
export const SNAPSHOT_EVERY_DAYS = 28;

export interface WriteContext {
  workspaceId: string;
  runId: string;
  asOf: Date;
  /** The workspace's first run sets the baseline: no change events for it. */
  emitChanges: boolean;
  /** The batch holds every customer of the workspace (a full run). */
  everyone: boolean;
}

export interface WriteResult {
  written: number;
  /** The workspace had no scores before this run. */
  fresh: boolean;
  snapshots: number;
  stageChanges: number;
  segmentChanges: number;
  /** What the write changed in the scores' tally (runs of some customers, when scores existed). */
  change: ScoreTally | null;
  /** Milliseconds per step, for the run's diagnostics. */
  timings: Record<string, number>;
}

// Times travel as epoch milliseconds (cheaper to print than ISO strings) and become timestamptz in SQL.
const BATCH_COLUMNS = `customer_id uuid, first_order_ms float8, last_order_ms float8, orders_count int, revenue_minor bigint,
  recency_days int, frequency int, recency double precision, t double precision, monetary_minor bigint, r_score smallint, f_score smallint,
  m_score smallint, rfm_segment text, p_alive double precision, expected_purchases_90d double precision, expected_purchases_365d double precision,
  expected_aov_minor bigint, clv_12m_minor bigint, next_purchase_ms float8, churn_risk double precision, stage text`;
const ms = (c: string) => `to_timestamp(b.${c}_ms / 1000.0)`;
/** Score columns and how each is read from the batch. */
const COLUMNS: [string, string][] = BATCH_COLUMNS.split(',').map((c) => {
  const name = c.trim().split(' ')[0]!;
  return name.endsWith('_ms') ? [name.replace(/_ms$/, '_at'), ms(name.replace(/_ms$/, ''))] : [name, `b.${name}`];
});

const N = '\\N';
const num = (v: number) => (Number.isFinite(v) ? String(v) : N);
// A bigint holds less than 2^63: a prediction past it (a degenerate fit's CLV of 1e98 yen was seen)
// is no figure, like a non-finite one, and must not fail the whole run's COPY.
const int = (v: number) => (Number.isFinite(v) && Math.abs(v) < 2 ** 63 ? String(Math.round(v)) : N);
const score = (v: number) => (v === 0 ? N : String(v));

/** One COPY text line per summary row, built by concatenation: a million of them is on the critical path. */
function* lines(s: PurchaseSummary, sc: Scores): Generator<string> {
  for (let i = 0; i < s.size; i++) {
    yield `${s.customerId[i]}\t${num(s.firstOrderAt[i])}\t${num(s.lastOrderAt[i])}\t${s.ordersCount[i]}\t${int(s.revenue[i])}\t${int(sc.recencyDays[i])}\t${sc.frequency[i]}\t${sc.recency[i]}\t${sc.T[i]}\t${int(sc.monetary[i])}\t${score(sc.r[i])}\t${score(sc.f[i])}\t${score(sc.m[i])}\t${sc.segment[i] ?? N}\t${num(sc.pAlive[i])}\t${num(sc.expected90[i])}\t${num(sc.expected365[i])}\t${int(sc.expectedAov[i])}\t${int(sc.clv12[i])}\t${num(sc.nextPurchaseAt[i])}\t${num(sc.churnRisk[i])}\t${sc.stage[i]}`;
  }
}

/**
 * Writes a run's scores in the caller's transaction: COPY into a temporary table, then set-based
 * statements — change events, history snapshots, and one INSERT … ON CONFLICT into customer_scores.
 */
export async function writeScores(
  client: pg.PoolClient,
  events: EventService,
  ctx: WriteContext,
  s: PurchaseSummary,
  sc: Scores,
): Promise<WriteResult> {
  const q = { query: (text: string, values?: unknown[]) => client.query(text, values) };
  const timings: Record<string, number> = {};
  let t = performance.now();
  const lap = (name: string) => {
    timings[name] = Math.round(performance.now() - t);
    t = performance.now();
  };
  await client.query(`CREATE TEMP TABLE score_batch (${BATCH_COLUMNS}) ON COMMIT DROP`);
  await copyIn(client, 'score_batch', lines(s, sc));
  await client.query('ANALYZE score_batch');
  lap('copyMs');
  const params = [ctx.workspaceId, ctx.asOf];
  // A workspace's first run (or the first after its scores were cleared) has nothing to merge with:
  // a plain INSERT skips the speculative insertion of ON CONFLICT, and no row is left to clean up.
  // Safe under the run's advisory lock: only scoring runs add rows to customer_scores.
  const { rows: scored } = await client.query<{ any: boolean }>('SELECT EXISTS (SELECT 1 FROM customer_scores WHERE workspace_id = $1) AS any', [ctx.workspaceId]);
  const first = !scored[0]!.any;
  const previous = `score_batch b LEFT JOIN customer_scores cs ON cs.workspace_id = $1 AND cs.customer_id = b.customer_id`;
  // A run of some customers joins a few thousand rows to a million scores that are in memory: at
  // the default random_page_cost the planner scanned them all (0.5 s per join at 1M) instead of
  // probing the key (0.1 s). The cost of a probe of cached pages is close to a sequential read's.
  if (!ctx.everyone) await client.query('SET LOCAL random_page_cost = 1.1');
  const change = ctx.everyone || first ? null : await tallyChange(client, ctx.workspaceId, 'score_batch');
  if (change) lap('tallyMs');

  let stageChanges = 0;
  let segmentChanges = 0;
  if (ctx.emitChanges) {
    const { rows } = await client.query<{ customer_id: string; from_stage: string; to_stage: string; from_segment: string | null; to_segment: string | null }>(
      `SELECT b.customer_id, coalesce(cs.stage, 'prospect') AS from_stage, b.stage AS to_stage, cs.rfm_segment AS from_segment, b.rfm_segment AS to_segment
       FROM ${previous}
       WHERE coalesce(cs.stage, 'prospect') <> b.stage OR cs.rfm_segment IS DISTINCT FROM b.rfm_segment`,
      [ctx.workspaceId],
    );
    const changes = rows.flatMap((r) => {
      const out = [];
      if (r.from_stage !== r.to_stage) {
        stageChanges++;
        out.push({
          customerId: r.customer_id,
          messageId: `stage:${ctx.runId}:${r.customer_id}`,
          name: 'Lifecycle Stage Changed',
          properties: { from: r.from_stage, to: r.to_stage, runId: ctx.runId },
          occurredAt: ctx.asOf,
        });
      }
      if (r.from_segment !== r.to_segment) {
        segmentChanges++;
        out.push({
          customerId: r.customer_id,
          messageId: `rfm:${ctx.runId}:${r.customer_id}`,
          name: 'RFM Segment Changed',
          properties: { from: r.from_segment, to: r.to_segment, runId: ctx.runId },
          occurredAt: ctx.asOf,
        });
      }
      return out;
    });
    await events.insertForCustomers(ctx.workspaceId, changes, q);
    lap('eventsMs');
  }

  // Without earlier scores every row is a first snapshot: no join (to a cleared workspace's dead rows, say).
  const snapshotted = first
    ? 'score_batch b'
    : `${previous}
     WHERE cs.customer_id IS NULL OR cs.stage <> b.stage OR cs.rfm_segment IS DISTINCT FROM b.rfm_segment
       OR cs.snapshot_at <= $2::timestamptz - make_interval(days => ${SNAPSHOT_EVERY_DAYS})`;
  // The key holds this run's new id: no row can conflict, so no ON CONFLICT (and its speculative insertion).
  const snapshot = await client.query(
    `INSERT INTO customer_score_history (workspace_id, customer_id, run_id, computed_at, orders_count, revenue_minor, r_score, f_score, m_score,
       rfm_segment, p_alive, expected_purchases_365d, clv_12m_minor, churn_risk, stage)
     SELECT $1, b.customer_id, $3, $2, b.orders_count, b.revenue_minor, b.r_score, b.f_score, b.m_score, b.rfm_segment, b.p_alive,
       b.expected_purchases_365d, b.clv_12m_minor, b.churn_risk, b.stage
     FROM ${snapshotted}`,
    [...params, ctx.runId],
  );
  lap('historyMs');

  const updates = COLUMNS.filter(([c]) => c !== 'customer_id').map(([c]) => `${c} = EXCLUDED.${c}`);
  const written = await client.query(
    `INSERT INTO customer_scores AS cs (workspace_id, computed_at, run_id, ${COLUMNS.map(([c]) => c).join(', ')}, stage_since, snapshot_at)
     SELECT $1, $2, $3, ${COLUMNS.map(([, v]) => v).join(', ')}, $2, $2 FROM score_batch b
     ${first ? '' : `ON CONFLICT (workspace_id, customer_id) DO UPDATE SET computed_at = EXCLUDED.computed_at, run_id = EXCLUDED.run_id, ${updates.join(', ')},
       stage_since = CASE WHEN cs.stage = EXCLUDED.stage THEN cs.stage_since ELSE EXCLUDED.stage_since END,
       snapshot_at = CASE WHEN cs.stage <> EXCLUDED.stage OR cs.rfm_segment IS DISTINCT FROM EXCLUDED.rfm_segment
         OR cs.snapshot_at <= EXCLUDED.snapshot_at - make_interval(days => ${SNAPSHOT_EVERY_DAYS}) THEN EXCLUDED.snapshot_at ELSE cs.snapshot_at END`}`,
    [...params, ctx.runId],
  );
  lap('upsertMs');
  if (ctx.everyone && !first) {
    // A full run scores every customer: rows of customers deleted since (merged visitors) go.
    await client.query(
      `WITH gone AS (
         DELETE FROM customer_scores s WHERE s.workspace_id = $1 AND NOT EXISTS (SELECT 1 FROM score_batch b WHERE b.customer_id = s.customer_id)
         RETURNING customer_id)
       DELETE FROM customer_score_history h USING gone WHERE h.workspace_id = $1 AND h.customer_id = gone.customer_id`,
      [ctx.workspaceId],
    );
    lap('cleanupMs');
  }
  return { written: written.rowCount ?? 0, fresh: first, snapshots: snapshot.rowCount ?? 0, stageChanges, segmentChanges, change, timings };
}

/**
 * After a workspace's first run has committed: statistics for customer_scores when its rows are a
 * large share of the table. Autovacuum may sample them only much later, and segment rules over
 * scores were planned meanwhile as if the table were empty (a million rows estimated as thousands).
 * Not in the run's transaction, where ANALYZE's lock would hold up other workspaces' first runs.
 */
export async function analyzeAfterFirstWrite(client: pg.PoolClient, written: WriteResult): Promise<void> {
  if (!written.fresh) return;
  const { rows } = await client.query<{ reltuples: number }>(`SELECT reltuples::float8 AS reltuples FROM pg_class WHERE oid = 'customer_scores'::regclass`);
  const known = rows[0]?.reltuples ?? -1;
  if (known < 0 || written.written > 0.1 * known) await client.query('ANALYZE customer_scores');
}
