/**
 * `npm run bench:kpis -- [--database NAME] [--customers 20000] [--months 36] [--seed 1] [--repeat 20] [--score]`
 *
 * KPI response times at the size of a real workspace. Data: with `--database NAME` the kept bench
 * database kizuna_bench_NAME (made by `npm run bench:generate -- --keep NAME --copy`; its largest
 * workspace), else `kizuna generate` into a fresh database (DATABASE_URL's server, else a throw-away
 * embedded one). Prints:
 *
 * - the rollups' full build (once, as after the migration) and an incremental refresh after 1,000
 *   orders arrive (backdated over the whole history, some refunded);
 * - p50 / p95 over `--repeat` runs (after one warm-up) of the Overview's default query (the last 12
 *   months by month) and of /v1/kpis at every granularity over the last 7 days, 90 days, a year and
 *   all time (day periods: at most 400, so not all time), with the "to date" comparison (the live
 *   windows), uncached (the computation behind the snapshot); and the acquisition cohorts.
 *
 * "Today" is the data's last day (the generator's observation end), so the ranges hold data.
 */
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { createServices } from '../src/app/services.ts';
import { generateDemo } from '../src/modules/demo/generate.ts';
import { DEFAULT_END, observationEnd } from '../src/modules/demo/generator.ts';
import { GRANULARITIES, type Granularity } from '../src/modules/intelligence/kpiDefinitions.ts';
import { refreshKpiRollups } from '../src/modules/intelligence/kpiRollups.ts';
import { computeKpis, type KpiQuery } from '../src/modules/intelligence/kpis.ts';
import { addDays, localDay } from '../src/modules/intelligence/periods.ts';
import { openBenchDatabase } from './benchDatabase.ts';
import { timed } from './timed.ts';

const { values } = parseArgs({
  options: {
    database: { type: 'string' },
    customers: { type: 'string', default: '20000' },
    months: { type: 'string', default: '36' },
    seed: { type: 'string', default: '1' },
    repeat: { type: 'string', default: '20' },
    score: { type: 'boolean', default: false },
    // Time the rollups' build from scratch (minutes at a million customers); else they are brought up to date.
    rebuild: { type: 'boolean', default: false },
  },
});
const repeat = Math.max(1, Number(values.repeat));
const END = observationEnd(DEFAULT_END);
const ms = (x: number) => `${x.toFixed(0)} ms`;
const load = () => loadavg().map((l) => l.toFixed(1)).join(' ');


const bench = await openBenchDatabase({ poolSize: 6, keep: values.database });
try {
  const services = createServices(bench.db);
  const db = bench.db;
  console.log(`KPI benchmark on ${bench.where}; load average ${load()} (1/5/15 min) on this 2-core machine at the start`);
  let ws: string;
  if (values.database) {
    const { rows } = await db.query<{ workspace_id: string }>('SELECT workspace_id FROM customers GROUP BY 1 ORDER BY count(*) DESC LIMIT 1');
    if (!rows[0]) throw new Error(`kizuna_bench_${values.database} holds no customers: make it with npm run bench:generate -- --keep ${values.database} --copy`);
    ws = rows[0].workspace_id;
  } else {
    const customers = Number(values.customers);
    console.log(`  generating ${customers.toLocaleString('en')} customers over ${values.months} months (seed ${values.seed}) …`);
    const demo = await generateDemo(services, { customers, months: Number(values.months), seed: Number(values.seed), end: END, workspaceName: 'bench-kpis' }, { concurrency: 2 });
    ws = demo.workspaceId;
  }
  await db.query('ANALYZE');
  const { rows } = await db.query<{ customers: number; orders: number; first: Date }>(
    `SELECT (SELECT count(*)::int FROM customers WHERE workspace_id = $1) AS customers, (SELECT count(*)::int FROM orders WHERE workspace_id = $1) AS orders,
            (SELECT min(ordered_at) FROM orders WHERE workspace_id = $1) AS first`,
    [ws],
  );
  const size = rows[0]!;
  console.log(`  data: ${size.customers.toLocaleString('en')} customers, ${size.orders.toLocaleString('en')} orders since ${size.first.toISOString().slice(0, 10)}`);
  const workspace = await services.workspaces.get(ws);
  const settings = await services.intelligence.settings(ws);
  if (values.score) {
    const run = await services.intelligence.score(ws, { asOf: END, mode: 'full' });
    console.log(`  scoring run first (predicted LTV reads the scores): ${run.seconds} s`);
  }

  // The rollups from scratch, as on the first KPI request after the migration.
  if (values.rebuild) await db.query('DELETE FROM kpi_rollup_state WHERE workspace_id = $1', [ws]);
  let t = performance.now();
  const built = await db.tx((q) => refreshKpiRollups(q, workspace, settings));
  console.log(`  rollups ${built.kind === 'full' ? 'built from scratch' : 'brought up to date'}: ${(built.ms / 1000).toFixed(1)} s for ${built.customers.toLocaleString('en')} customers (wall ${((performance.now() - t) / 1000).toFixed(1)} s; load ${load()})`);
  // Autovacuum may be off on a bench server: the visibility map lets the day scans skip the heap.
  await db.query('VACUUM kpi_customer_days');
  await db.query('ANALYZE kpi_customer_days');
  await db.query('ANALYZE kpi_day_totals');
  await db.query('ANALYZE kpi_period_stats');

  // 1,000 orders arrive for existing customers, backdated anywhere in the history; 100 of them refunded.
  const { rows: sample } = await db.query<{ external_id: string }>(
    'SELECT external_id FROM customers WHERE workspace_id = $1 AND external_id IS NOT NULL ORDER BY id LIMIT 1000',
    [ws],
  );
  const span = END.getTime() - size.first.getTime();
  const stamp = Date.now().toString(36);
  await services.orders.upsertMany(
    ws,
    sample.map((c, i) => ({
      externalId: `bench-${stamp}-${i}`,
      customerExternalId: c.external_id,
      status: 'completed' as const,
      currency: workspace.currency,
      orderedAt: new Date(size.first.getTime() + ((i * 7919) % 1000) / 1000 * span),
      totalMinor: 1000 + i,
      discountMinor: 0,
      taxMinor: 0,
      shippingMinor: 0,
      lines: [],
    })),
  );
  await services.orders.refundMany(ws, sample.slice(0, 100).map((_, i) => ({ externalId: `bench-rf-${stamp}-${i}`, orderExternalId: `bench-${stamp}-${i}`, amountMinor: 500, refundedAt: END })));
  t = performance.now();
  const incremental = await db.tx((q) => refreshKpiRollups(q, workspace, settings));
  console.log(`  incremental refresh after 1,000 backdated orders and 100 refunds: ${ms(incremental.ms)} for ${incremental.customers} customers (load ${load()})`);

  const asOf = new Date(END.getTime() - 1);
  const today = localDay(END, workspace.timeZone);
  const first = localDay(size.first, workspace.timeZone);
  const ranges: [string, string][] = [
    ['last 7 days', addDays(today, -7)],
    ['last 90 days', addDays(today, -90)],
    ['last year', addDays(today, -365)],
    ['all time', first],
  ];
  const run = (query: KpiQuery) => computeKpis(db, workspace, settings, { ...query, asOf });
  const overview: KpiQuery = { from: addDays(today, -365), to: addDays(today, -1), granularity: 'month' };
  const o = await timed(repeat, () => run(overview));
  console.log(`  Overview (last 12 months by month, complete periods): p50 ${ms(o.p50)}, p95 ${ms(o.p95)} (load ${load()})`);
  for (const granularity of GRANULARITIES as readonly Granularity[]) {
    for (const [label, from] of ranges) {
      const query: KpiQuery = { from, to: addDays(today, -1), granularity, basis: 'to_date' };
      let periods = 0;
      try {
        periods = (await run(query)).periods.length;
      } catch {
        console.log(`  /v1/kpis ${granularity.padEnd(7)} ${label.padEnd(12)}: more than 400 periods (refused by the API)`);
        continue;
      }
      const r = await timed(repeat, () => run(query));
      console.log(`  /v1/kpis ${granularity.padEnd(7)} ${label.padEnd(12)} ${String(periods).padStart(4)} periods: p50 ${ms(r.p50)}, p95 ${ms(r.p95)} (load ${load()})`);
    }
  }
  const from = first.slice(0, 7);
  const c = await timed(repeat, () => services.intelligence.cohorts(ws, { from, to: today.slice(0, 7) }));
  console.log(`  /v1/cohorts ${from} … ${today.slice(0, 7)}: p50 ${ms(c.p50)}, p95 ${ms(c.p95)} (not rollup-backed; load ${load()})`);
} finally {
  await bench.close();
}
