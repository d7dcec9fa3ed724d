/**
 * `npm run bench:generate -- [--customers 100000] [--months 24] [--seed 1] [--batch-size 1000] [--concurrency 3]`
 *
 * Generates a demo data set into a fresh database and reports throughput and peak memory. With
 * DATABASE_URL the database is created on that server and dropped afterwards; otherwise a
 * throw-away embedded server is started in a temporary directory.
 */
import { parseArgs } from 'node:util';
import { createServices } from '../src/app/services.ts';
import { openBenchDatabase } from './benchDatabase.ts';
import { generateDemo } from '../src/modules/demo/generate.ts';
import { DEFAULT_END, observationEnd } from '../src/modules/demo/generator.ts';

const { values } = parseArgs({
  options: {
    customers: { type: 'string', default: '100000' },
    months: { type: 'string', default: '24' },
    seed: { type: 'string', default: '1' },
    'batch-size': { type: 'string', default: '1000' },
    concurrency: { type: 'string', default: '3' },
    // Keep the database (kizuna_bench_<name>) for later benchmarks (bench:kpis --database <name>).
    keep: { type: 'string' },
  },
});

const bench = await openBenchDatabase({ keep: values.keep });
const { db } = bench;
try {
  const customers = Number(values.customers);
  console.log(`generating ${customers} customers on ${bench.where}`);
  const startedAt = performance.now();
  let lastReport = startedAt;
  const summary = await generateDemo(
    createServices(db),
    { customers, months: Number(values.months), seed: Number(values.seed), end: observationEnd(DEFAULT_END) },
    {
      batchSize: Number(values['batch-size']),
      concurrency: Number(values.concurrency),
      onProgress: (done) => {
        if (performance.now() - lastReport < 10_000) return;
        lastReport = performance.now();
        console.log(`  ${done} customers, ${Math.round(done / ((lastReport - startedAt) / 1000))}/s`);
      },
    },
  );
  const seconds = summary.seconds;
  const rate = (n: number) => Math.round(n / seconds).toLocaleString('en');
  console.log(JSON.stringify(summary.counts));
  console.log(`wall ${seconds} s; customers ${rate(summary.counts.customers)}/s; orders ${rate(summary.counts.orders)}/s; ` +
    `events ${rate(summary.counts.events)}/s; peak RSS ${Math.round(process.resourceUsage().maxRSS / 1024)} MB`);
} finally {
  await bench.close();
}
