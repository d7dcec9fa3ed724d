/**
 * `npm run bench:size -- --database NAME [--repeat 20] [--events 100000] [--skip-scoring] [--skip-segments] [--skip-kpis] [--skip-ingest]`
 *
 * The size benchmark (issues 19.4 and 22) on a kept database kizuna_bench_NAME on DATABASE_URL's
 * server, made by `npm run bench:generate -- --sql --customers 1000000 --orders 10000000 --keep NAME`
 * (its largest workspace). Times and prints, in this order:
 *
 * - the backtest that chooses the purchase model (weekly), then a full scoring run (target < 60 s
 *   at 1M customers / 10M orders) and incremental scoring after 10,000 new orders (target < 5 s);
 * - first refresh of 10 segments: built-ins and rules over consents, fields, orders, events, scores
 *   (bench/segmentRules.ts plus one event rule; target < 60 s for the 10);
 * - KPI rollups brought up to date, then p50/p95 of the Overview query and of /v1/kpis by month over
 *   the last year (bench/kpis.ts' computation; target p95 < 200 ms);
 * - ingest: `--events` track events over HTTP to a `kizuna serve` child on the same database
 *   (bench/ingestLoad.ts), events/s and that process' peak RSS;
 * - peak RSS of this process (scoring, segments and KPIs run in it) and the database size.
 *
 * The load average is printed with each figure: on a shared machine figures are only comparable
 * at similar load. Sends through the gate are bench:send's (they do not depend on the data size).
 */
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { createServices } from '../src/app/services.ts';
import { loadConfig } from '../src/config.ts';
import { DEFAULT_END, observationEnd } from '../src/modules/demo/generator.ts';
import { refreshKpiRollups } from '../src/modules/intelligence/kpiRollups.ts';
import { computeKpis, type KpiQuery } from '../src/modules/intelligence/kpis.ts';
import { CHOICE_HOLDOUT_DAYS } from '../src/modules/intelligence/scoringRun.ts';
import { addDays, localDay } from '../src/modules/intelligence/periods.ts';
import { openBenchDatabase } from './benchDatabase.ts';
import { bodies, run } from './ingestLoad.ts';
import { addOrders } from './newOrders.ts';
import { RULES } from './segmentRules.ts';
import { startServer } from './server.ts';
import { timed } from './timed.ts';

const { values } = parseArgs({
  options: {
    database: { type: 'string' },
    repeat: { type: 'string', default: '20' },
    events: { type: 'string', default: '100000' },
    'skip-ingest': { type: 'boolean', default: false },
    'skip-scoring': { type: 'boolean', default: false },
    'skip-segments': { type: 'boolean', default: false },
    'skip-kpis': { type: 'boolean', default: false },
  },
});
if (!values.database || !process.env.DATABASE_URL) {
  console.error('usage: DATABASE_URL=postgres://… npm run bench:size -- --database NAME (a database made by bench:generate --sql --keep NAME)');
  process.exit(2);
}
const END = observationEnd(DEFAULT_END);
const repeat = Math.max(1, Number(values.repeat));
const load = () => loadavg().map((l) => l.toFixed(1)).join(' ');
const secs = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
const mb = (kb: number) => `${Math.round(kb / 1024)} MB`;
const line = (label: string, figure: string) => console.log(`  ${label.padEnd(58)} ${figure.padStart(12)}   (load ${load()})`);

const bench = await openBenchDatabase({ poolSize: 6, keep: values.database });
const { db } = bench;
try {
  // KIZUNA_SEGMENT_TIMEOUT_MS applies here as in the server (0: refreshes run to the end however long).
  const services = createServices(db, { segmentTimeoutMs: loadConfig().segmentTimeoutMs });
  const { rows: top } = await db.query<{ workspace_id: string }>('SELECT workspace_id FROM customers GROUP BY 1 ORDER BY count(*) DESC LIMIT 1');
  if (!top[0]) throw new Error(`kizuna_bench_${values.database} holds no customers: make it with bench:generate -- --sql --keep ${values.database}`);
  const ws = top[0].workspace_id;
  const { rows } = await db.query<{ customers: number; orders: number; events: number; size: string }>(
    `SELECT (SELECT count(*)::int FROM customers WHERE workspace_id = $1) AS customers, (SELECT count(*)::int FROM orders WHERE workspace_id = $1) AS orders,
            (SELECT count(*)::int FROM events WHERE workspace_id = $1) AS events, pg_size_pretty(pg_database_size(current_database())) AS size`,
    [ws],
  );
  const size = rows[0]!;
  console.log(`bench:size on ${bench.where}/kizuna_bench_${values.database}: ${size.customers.toLocaleString('en')} customers, ${size.orders.toLocaleString('en')} orders, ` +
    `${size.events.toLocaleString('en')} events, database ${size.size}; node ${process.version}; load ${load()} on ${navigatorCores()} cores`);

  let t = 0;
  if (!values['skip-scoring']) {
    // Scoring: from no scores (as after an import), then incremental. The backtest that picks the
    // purchase model is timed on its own: a full run makes one only when none ended in the week
    // before (weekly, not daily), and the full runs after it reuse its choice.
    for (const table of ['customer_score_history', 'customer_scores', 'model_runs', 'model_backtests']) await db.query(`DELETE FROM ${table} WHERE workspace_id = $1`, [ws]);
    t = performance.now();
    await services.intelligence.backtest(ws, { holdoutDays: CHOICE_HOLDOUT_DAYS, asOf: END });
    line(`backtest of ${CHOICE_HOLDOUT_DAYS} days (weekly; chooses the purchase model)`, secs(performance.now() - t));
    t = performance.now();
    const full = await services.intelligence.score(ws, { asOf: END, mode: 'full' });
    line('full scoring run (target < 60 s)', secs(performance.now() - t));
    console.log(`    phases ${JSON.stringify({ ...(full.diagnostics.timings as object), ...(full.diagnostics.writeTimings as object) })}`);
    const added = await addOrders(services, ws, 10_000, new Date(END.getTime() + 3_600_000));
    t = performance.now();
    const inc = await services.intelligence.score(ws, { asOf: new Date(END.getTime() + 86_400_000), mode: 'incremental' });
    line(`incremental scoring after ${added.toLocaleString('en')} new orders (target < 5 s)`, secs(performance.now() - t));
    console.log(`    ${inc.recomputed.toLocaleString('en')} customers rescored; phases ${JSON.stringify({ ...(inc.diagnostics.timings as object), ...(inc.diagnostics.writeTimings as object) })}`);
  }

  // Segments: ten first refreshes (membership, history, Segment Entered events).
  const stamp = Date.now().toString(36);
  if (!values['skip-segments']) {
    const rules: Record<string, unknown> = { ...RULES, 'viewed in 60 d, no order in 90 d': { type: 'and', conditions: [{ type: 'event', name: 'Product Viewed', window: { lastDays: 60 } }, { type: 'not', condition: { type: 'orders', window: { lastDays: 90 } } }] } };
    // Segments of earlier runs go, with their events, so that every run measures the same first refreshes.
    const { rows: earlier } = await db.query<{ id: string }>(
      `SELECT id FROM segments WHERE workspace_id = $1 AND key IS NULL AND EXISTS (SELECT 1 FROM unnest($2::text[]) r WHERE starts_with(segments.name, r || ' ('))`,
      [ws, Object.keys(rules)],
    );
    if (earlier.length > 0) {
      await db.query(`DELETE FROM events WHERE workspace_id = $1 AND name IN ('Segment Entered', 'Segment Exited') AND properties->>'segmentId' = ANY($2::text[])`, [ws, earlier.map((r) => r.id)]);
      await db.query('DELETE FROM segments WHERE workspace_id = $1 AND id = ANY($2::uuid[])', [ws, earlier.map((r) => r.id)]);
      for (const table of ['events', 'segment_members', 'segment_membership_history']) await db.query(`VACUUM ANALYZE ${table}`);
    }
    let segmentsMs = 0;
    for (const [name, match] of Object.entries(rules)) {
      const segment = await services.segments.create(ws, { name: `${name} (${stamp})`, rule: { version: 1, match } });
      t = performance.now();
      // A refresh runs under the segment statement timeout: one that hits it is reported, and the rest go on.
      const r = await services.segments.refresh(ws, segment.id, { asOf: END }).catch((err: Error) => err);
      const ms = performance.now() - t;
      segmentsMs += ms;
      const outcome = r instanceof Error ? `FAILED: ${r.message}` : `${r.members.toLocaleString('en').padStart(9)} members`;
      console.log(`    ${name.padEnd(56)} ${outcome} ${secs(ms).padStart(8)}`);
    }
    line(`refresh of ${Object.keys(rules).length} segments (target < 60 s)`, secs(segmentsMs));
  }

  // KPIs: rollups brought up to date (built from scratch the first time), then the queries.
  if (!values['skip-kpis']) {
    const workspace = await services.workspaces.get(ws);
    const settings = await services.intelligence.settings(ws);
    t = performance.now();
    const rolled = await db.tx((q) => refreshKpiRollups(q, workspace, settings));
    line(`KPI rollups ${rolled.kind === 'full' ? 'built from scratch' : 'brought up to date'}`, secs(performance.now() - t));
    for (const table of ['kpi_customer_days', 'kpi_day_totals', 'kpi_period_stats']) await db.query(`VACUUM ANALYZE ${table}`);
    const today = localDay(END, workspace.timeZone);
    const kpi = (query: KpiQuery) => computeKpis(db, workspace, settings, { ...query, asOf: new Date(END.getTime() - 1) });
    const overview = await timed(repeat, () => kpi({ from: addDays(today, -365), to: addDays(today, -1), granularity: 'month' }));
    line(`KPI Overview p95 (p50 ${overview.p50.toFixed(0)} ms; target p95 < 200 ms)`, `${overview.p95.toFixed(0)} ms`);
    const monthly = await timed(repeat, () => kpi({ from: addDays(today, -365), to: addDays(today, -1), granularity: 'month', basis: 'to_date' }));
    line(`/v1/kpis by month, last year, to date p95 (p50 ${monthly.p50.toFixed(0)} ms)`, `${monthly.p95.toFixed(0)} ms`);
  }

  // Ingest through a server process on this database.
  if (!values['skip-ingest']) {
    const { key } = await services.workspaces.createApiKey(ws, { name: `bench-size-${stamp}`, scopes: ['ingest'] });
    const server = await startServer({ ...process.env, DATABASE_URL: db.url });
    try {
      await run(server.url, key, bodies(`warm-${stamp}`, { events: 5_000 })); // JIT and pools, not counted
      const events = Number(values.events);
      const seconds = await run(server.url, key, bodies(`size-${stamp}`, { events, customers: 100_000 }));
      line(`ingest, ${events.toLocaleString('en')} events in batches of 500`, `${Math.round(events / seconds).toLocaleString('en')}/s`);
      line('peak RSS of the kizuna serve process', mb(peakRssKb(server.child.pid!)));
    } finally {
      await server.stop();
    }
  }
  line('peak RSS of this process (scoring, segments, KPIs)', mb(process.resourceUsage().maxRSS));
  const after = (await db.query<{ size: string }>('SELECT pg_size_pretty(pg_database_size(current_database())) AS size')).rows[0]!.size;
  line('database size at the end', after);
} finally {
  await bench.close();
}

/** VmHWM (peak resident set) of a live process, in kB. */
function peakRssKb(pid: number): number {
  const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) : 0;
}

function navigatorCores(): number {
  return Number(readFileSync('/proc/cpuinfo', 'utf8').match(/^processor/gm)?.length ?? 0);
}
