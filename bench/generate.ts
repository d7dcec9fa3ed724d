/**
 * `npm run bench:generate -- [--customers 100000] [--months 24] [--seed 1] [--batch-size 1000] [--concurrency 3] [--keep NAME] [--copy]`
 *
 * Generates a demo data set into a fresh database and reports throughput and peak memory. With
 * DATABASE_URL the database is created on that server and dropped afterwards (kept as
 * kizuna_bench_NAME with --keep); otherwise a throw-away embedded server is started in a temporary
 * directory. `--copy` writes only customers and orders (refunds folded in) with COPY (bench/copyDemo.ts):
 * a million customers in minutes instead of an hour, for benchmarks that read orders only.
 * `--sql --orders N` generates inside PostgreSQL instead (bench/sqlGenerate.ts: a Pareto/NBD-like
 * purchase process, no ground truth kept), for the size benchmarks: 10M customers and 10M orders in minutes
 * (`npm run bench:size` then times scoring, segments, KPIs and ingest on the kept database).
 */
import { parseArgs } from 'node:util';
import { createServices } from '../src/app/services.ts';
import { openBenchDatabase } from './benchDatabase.ts';
import { copyDemo } from './copyDemo.ts';
import { generateInSql } from './sqlGenerate.ts';
import { generateDemo } from '../src/modules/demo/generate.ts';
import { DEFAULT_END, observationEnd, planDemo } from '../src/modules/demo/generator.ts';

const { values } = parseArgs({
  options: {
    customers: { type: 'string', default: '100000' },
    months: { type: 'string', default: '24' },
    seed: { type: 'string', default: '1' },
    'batch-size': { type: 'string', default: '1000' },
    concurrency: { type: 'string', default: '3' },
    // Keep the database (kizuna_bench_<name>) for later benchmarks (bench:kpis --database <name>).
    keep: { type: 'string' },
    copy: { type: 'boolean', default: false },
    sql: { type: 'boolean', default: false },
    orders: { type: 'string' },
  },
});

const bench = await openBenchDatabase({ keep: values.keep });
const { db } = bench;
try {
  const customers = Number(values.customers);
  console.log(`generating ${customers} customers on ${bench.where}`);
  const startedAt = performance.now();
  let lastReport = startedAt;
  const progress = (done: number) => {
    if (performance.now() - lastReport < 10_000) return;
    lastReport = performance.now();
    console.log(`  ${done} customers, ${Math.round(done / ((lastReport - startedAt) / 1000))}/s`);
  };
  const options = { customers, months: Number(values.months), seed: Number(values.seed), end: observationEnd(DEFAULT_END) };
  if (values.sql) {
    const services = createServices(db);
    const { workspace } = await services.workspaces.create({ name: `Generated in SQL (seed ${options.seed})`, currency: 'JPY', timeZone: 'Asia/Tokyo', locale: 'ja' });
    const orders = Number(values.orders ?? customers);
    const counts = await generateInSql(db, workspace.id, { ...options, orders }, (what, done) =>
      console.log(`  ${what} ${done.toLocaleString('en')} (${((performance.now() - startedAt) / 1000).toFixed(0)} s)`),
    );
    const seconds = (performance.now() - startedAt) / 1000;
    const size = (await db.query<{ size: string }>('SELECT pg_size_pretty(pg_database_size(current_database())) AS size')).rows[0]!.size;
    console.log(JSON.stringify({ workspaceId: workspace.id, ...counts }));
    console.log(`wall ${seconds.toFixed(1)} s (with VACUUM ANALYZE); database ${size}; peak RSS ${Math.round(process.resourceUsage().maxRSS / 1024)} MB`);
  } else if (values.copy) {
    const services = createServices(db);
    const { workspace } = await services.workspaces.create({ name: `Generated (seed ${options.seed}, COPY)`, currency: 'JPY', timeZone: 'Asia/Tokyo', locale: 'ja' });
    const counts = await copyDemo(db, workspace.id, planDemo(options), progress);
    await db.query('ANALYZE customers');
    await db.query('ANALYZE orders');
    const seconds = (performance.now() - startedAt) / 1000;
    console.log(JSON.stringify({ workspaceId: workspace.id, ...counts }));
    console.log(`wall ${seconds.toFixed(1)} s; customers ${Math.round(counts.customers / seconds).toLocaleString('en')}/s; orders ${Math.round(counts.orders / seconds).toLocaleString('en')}/s; ` +
      `peak RSS ${Math.round(process.resourceUsage().maxRSS / 1024)} MB`);
  } else {
    const summary = await generateDemo(createServices(db), options, {
      batchSize: Number(values['batch-size']),
      concurrency: Number(values.concurrency),
      onProgress: progress,
    });
    const seconds = summary.seconds;
    const rate = (n: number) => Math.round(n / seconds).toLocaleString('en');
    console.log(JSON.stringify(summary.counts));
    console.log(`wall ${seconds} s; customers ${rate(summary.counts.customers)}/s; orders ${rate(summary.counts.orders)}/s; ` +
      `events ${rate(summary.counts.events)}/s; peak RSS ${Math.round(process.resourceUsage().maxRSS / 1024)} MB`);
  }
} finally {
  await bench.close();
}
