/**
 * `npm run bench:kpis -- [--customers 20000] [--months 36] [--seed 1] [--repeat 1]`
 *
 * KPI computation time on a workspace made by `kizuna generate` (a fresh database on DATABASE_URL's
 * server, else on a throw-away embedded server; dropped afterwards): every KPI of /v1/kpis over the
 * whole observation window at each granularity (days: the last year, as the API answers at most 400
 * periods), and the acquisition cohorts. Each query is run
 * `--repeat` times after one warm-up; the best and the worst are printed with the data size.
 */
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { createServices } from '../src/app/services.ts';
import { generateDemo } from '../src/modules/demo/generate.ts';
import { DEFAULT_END, observationEnd } from '../src/modules/demo/generator.ts';
import { GRANULARITIES } from '../src/modules/intelligence/kpiDefinitions.ts';
import { openBenchDatabase } from './benchDatabase.ts';

const { values } = parseArgs({
  options: {
    customers: { type: 'string', default: '20000' },
    months: { type: 'string', default: '36' },
    seed: { type: 'string', default: '1' },
    repeat: { type: 'string', default: '1' },
  },
});
const customers = Number(values.customers);
const months = Number(values.months);
const repeat = Math.max(1, Number(values.repeat));
const END = observationEnd(DEFAULT_END);
const secs = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

async function timed<T>(fn: () => Promise<T>): Promise<{ best: number; worst: number; result: T }> {
  let result = await fn(); // warm-up: caches and plans, as a dashboard that is open already has them
  const times: number[] = [];
  for (let i = 0; i < repeat; i++) {
    const t = performance.now();
    result = await fn();
    times.push(performance.now() - t);
  }
  return { best: Math.min(...times), worst: Math.max(...times), result };
}

const bench = await openBenchDatabase({ poolSize: 6 });
try {
  const services = createServices(bench.db);
  console.log(`KPI benchmark on ${bench.where}; load average ${loadavg()[0]!.toFixed(1)} on this 2-core machine at the start`);
  console.log(`  generating ${customers.toLocaleString('en')} customers over ${months} months (seed ${values.seed}) …`);
  const demo = await generateDemo(services, { customers, months, seed: Number(values.seed), end: END, workspaceName: 'bench-kpis' }, { concurrency: 2 });
  const ws = demo.workspaceId;
  await bench.db.query('VACUUM ANALYZE');
  const { rows } = await bench.db.query<{ customers: number; orders: number; lines: number; events: number }>(
    `SELECT (SELECT count(*)::int FROM customers WHERE workspace_id = $1) AS customers, (SELECT count(*)::int FROM orders WHERE workspace_id = $1) AS orders,
            (SELECT count(*)::int FROM order_lines WHERE workspace_id = $1) AS lines, (SELECT count(*)::int FROM events WHERE workspace_id = $1) AS events`,
    [ws],
  );
  const size = rows[0]!;
  console.log(`  data (generated in ${demo.seconds} s): ${size.customers.toLocaleString('en')} customers, ${size.orders.toLocaleString('en')} orders, ${size.lines.toLocaleString('en')} order lines, ${size.events.toLocaleString('en')} events`);
  // Predicted LTV and dormant share read the scores: score once, as the daily job would have.
  const run = await services.intelligence.score(ws, { asOf: END, mode: 'full' });
  console.log(`  scoring run first (for the score-based KPIs): ${run.seconds} s`);

  const from = demo.observation.start.slice(0, 10);
  const to = new Date(END.getTime() - 1).toISOString().slice(0, 10);
  // /v1/kpis answers at most 400 periods: days over the last year, the coarser ones over everything.
  const lastYear = new Date(END.getTime() - 365 * 86_400_000).toISOString().slice(0, 10);
  for (const granularity of GRANULARITIES) {
    const start = granularity === 'day' ? lastYear : from;
    const { best, worst, result } = await timed(() => services.intelligence.kpis(ws, { from: start, to, granularity }));
    const kpis = Object.keys(result.periods[0]?.kpis ?? {}).length;
    const perPeriod = (best / Math.max(1, result.periods.length)).toFixed(1);
    console.log(`  /v1/kpis ${granularity.padEnd(7)} ${start} … ${to}: ${result.periods.length} periods × ${kpis} KPIs in ${secs(best)} (worst ${secs(worst)}; ${perPeriod} ms per period)`);
  }
  const cohorts = await timed(() => services.intelligence.cohorts(ws, { from: from.slice(0, 7), to: to.slice(0, 7) }));
  console.log(`  /v1/cohorts ${from.slice(0, 7)} … ${to.slice(0, 7)}: ${cohorts.result.purchases.length} cohorts in ${secs(cohorts.best)} (worst ${secs(cohorts.worst)})`);
} finally {
  await bench.close();
}
