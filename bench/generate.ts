/**
 * `npm run bench:generate -- [--customers 100000] [--months 24] [--seed 1] [--batch-size 1000] [--concurrency 3]`
 *
 * Generates a demo data set into a fresh database and reports throughput and peak memory. With
 * DATABASE_URL the database is created on that server and dropped afterwards; otherwise a
 * throw-away embedded server is started in a temporary directory.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { createServices } from '../src/app/services.ts';
import { connect, waitForServer, withDatabase } from '../src/db/database.ts';
import { startEmbedded } from '../src/db/embedded.ts';
import { migrate } from '../src/db/migrate.ts';
import { generateDemo } from '../src/modules/demo/generate.ts';
import { DEFAULT_END, observationEnd } from '../src/modules/demo/generator.ts';

const { values } = parseArgs({
  options: {
    customers: { type: 'string', default: '100000' },
    months: { type: 'string', default: '24' },
    seed: { type: 'string', default: '1' },
    'batch-size': { type: 'string', default: '1000' },
    concurrency: { type: 'string', default: '3' },
  },
});

const external = process.env.DATABASE_URL;
let tempDir: string | undefined;
let stopServer = async () => {};
let serverUrl: string;
if (external) {
  serverUrl = external;
} else {
  tempDir = mkdtempSync(path.join(tmpdir(), 'kizuna-bench-'));
  const server = await startEmbedded(tempDir);
  serverUrl = server.url;
  stopServer = server.stop;
}
await waitForServer(serverUrl);
const database = `kizuna_bench_${Date.now().toString(36)}`;
await admin(serverUrl, `CREATE DATABASE ${database}`);
const db = connect(withDatabase(serverUrl, database));
try {
  await migrate(db);
  const customers = Number(values.customers);
  console.log(`generating ${customers} customers on ${external ? new URL(external).host : 'the embedded server'} (database ${database})`);
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
  await db.close();
  await admin(serverUrl, `DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
  await stopServer();
  if (tempDir) rmSync(tempDir, { recursive: true, force: true });
}

async function admin(url: string, sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}
