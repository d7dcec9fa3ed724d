/**
 * `npm run bench:score -- [--customers 1000000] [--months 120] [--seed 1] [--bgnbd 0.6,6,0.8,8] [--embedded-customers 100000]
 *   [--new-orders 10000] [--skip-external] [--skip-embedded] [--drop]`
 *
 * Scoring speed on data made by `kizuna generate`: a full refresh with no scores yet, a full
 * refresh over existing scores (the daily refit), then an incremental refresh after inserting
 * `--new-orders` orders. Big data is on DATABASE_URL's server (skipped without it), the smaller set
 * on an embedded server. Generating a million customers takes a long while, so each data set is
 * kept and reused, keyed by size, months and seed: database `kizuna_bench_score_c<N>_m<M>_s<S>` on
 * the external server, data dir `bench/out/score-embedded-c<N>_m<M>_s<S>` for the embedded one.
 * `--drop` removes them at the end. Targets (issue 5): full < 60 s, incremental < 5 s on 2 cores.
 * The default `--bgnbd` makes customers more loyal than the demo's (about 10 orders each), so a
 * million customers carry the issue's ten million orders.
 */
import { parseArgs } from 'node:util';
import pg from 'pg';
import { createServices, type Services } from '../src/app/services.ts';
import { connect, waitForServer, withDatabase, type Db } from '../src/db/database.ts';
import { startEmbedded } from '../src/db/embedded.ts';
import { migrate } from '../src/db/migrate.ts';
import { ensureDatabase } from '../src/db/open.ts';
import type { FieldIssue } from '../src/kernel/errors.ts';
import { parseBgNbd } from '../src/cli/commands/generate.ts';
import { generateDemo } from '../src/modules/demo/generate.ts';
import { DEFAULT_END, observationEnd } from '../src/modules/demo/generator.ts';
import { rmSync } from 'node:fs';
import { adminQuery } from './benchDatabase.ts';
import { addOrders } from './newOrders.ts';

const { values } = parseArgs({
  options: {
    customers: { type: 'string', default: '1000000' },
    months: { type: 'string', default: '120' },
    seed: { type: 'string', default: '1' },
    bgnbd: { type: 'string', default: '0.6,6,0.8,8' },
    'embedded-customers': { type: 'string', default: '100000' },
    'new-orders': { type: 'string', default: '10000' },
    'skip-external': { type: 'boolean', default: false },
    'skip-embedded': { type: 'boolean', default: false },
    drop: { type: 'boolean', default: false },
  },
});
const months = Number(values.months);
const seed = Number(values.seed);
const bgnbdIssues: FieldIssue[] = [];
const bgnbd = parseBgNbd(values.bgnbd, bgnbdIssues) ?? exit(`--bgnbd ${bgnbdIssues[0]!.message}`);
const newOrders = Number(values['new-orders']);
const END = observationEnd(DEFAULT_END);
const WORKSPACE = 'bench-score';
const DERIVED = ['Lifecycle Stage Changed', 'RFM Segment Changed'];

function exit(message: string): never {
  console.error(message);
  process.exit(2);
}

const rss = () => `${Math.round(process.resourceUsage().maxRSS / 1024)} MB`;
const secs = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

/** The bench workspace with `customers` generated customers, generating (or finishing) it when needed. */
async function dataSet(services: Services, customers: number): Promise<string> {
  const existing = (await services.workspaces.list()).find((w) => w.name === WORKSPACE);
  if (existing) {
    const { rows } = await services.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM customers WHERE workspace_id = $1 AND external_id LIKE 'cus_%'`, [existing.id]);
    if (rows[0]!.n === customers) {
      console.log(`  reusing ${customers.toLocaleString('en')} generated customers`);
      return existing.id;
    }
  }
  console.log(`  generating ${customers.toLocaleString('en')} customers over ${months} months (seed ${seed}); this is slow and done once`);
  let last = performance.now();
  const summary = await generateDemo(
    services,
    { customers, months, seed, bgnbd, end: END, workspaceId: existing?.id, workspaceName: WORKSPACE },
    {
      concurrency: 3,
      onProgress: (done) => {
        if (performance.now() - last < 30_000) return;
        last = performance.now();
        console.log(`    ${done.toLocaleString('en')} customers`);
      },
    },
  );
  console.log(`  generated in ${summary.seconds} s`);
  return summary.workspaceId;
}

async function measure(label: string, db: Db, customers: number): Promise<void> {
  const services = createServices(db);
  console.log(`\n${label}`);
  const ws = await dataSet(services, customers);
  // Start from no scores, and without the orders a previous bench run added.
  await db.query(`DELETE FROM orders WHERE workspace_id = $1 AND external_id LIKE 'bench-new-%'`, [ws]);
  await db.query(`DELETE FROM events WHERE workspace_id = $1 AND name = ANY($2)`, [ws, DERIVED]);
  for (const table of ['customer_score_history', 'customer_scores', 'model_runs']) await db.query(`DELETE FROM ${table} WHERE workspace_id = $1`, [ws]);
  for (const table of ['customer_score_history', 'customer_scores', 'orders']) await db.query(`VACUUM ANALYZE ${table}`);
  const { rows } = await db.query<{ customers: number; orders: number }>(
    `SELECT (SELECT count(*)::int FROM customers WHERE workspace_id = $1) AS customers, (SELECT count(*)::int FROM orders WHERE workspace_id = $1) AS orders`,
    [ws],
  );
  console.log(`  data: ${rows[0]!.customers.toLocaleString('en')} customers, ${rows[0]!.orders.toLocaleString('en')} orders`);

  const first = await services.intelligence.score(ws, { asOf: END, mode: 'full' });
  console.log(`  full refresh, no scores yet:      ${secs(first.seconds * 1000)}  ${JSON.stringify({ ...(first.diagnostics.timings as object), ...(first.diagnostics.writeTimings as object) })}`);
  const bg = first.fits?.bgnbd?.params;
  if (bg) console.log(`    BG/NBD r=${bg.r.toFixed(3)} α=${bg.alpha.toFixed(2)} a=${bg.a.toFixed(3)} b=${bg.b.toFixed(3)} (truth ${bgnbd.r}, ${bgnbd.alpha}, ${bgnbd.a}, ${bgnbd.b})`);
  const second = await services.intelligence.score(ws, { asOf: END, mode: 'full' });
  console.log(`  full refresh over existing scores: ${secs(second.seconds * 1000)}  ${JSON.stringify({ ...(second.diagnostics.timings as object), ...(second.diagnostics.writeTimings as object) })}`);

  let t = performance.now();
  const inserted = await addOrders(services, ws, newOrders, new Date(END.getTime() + 3_600_000));
  console.log(`  inserted ${inserted.toLocaleString('en')} new orders in ${secs(performance.now() - t)} (not part of the target)`);
  t = performance.now();
  const inc = await services.intelligence.score(ws, { asOf: new Date(END.getTime() + 86_400_000), mode: 'incremental' });
  console.log(
    `  incremental refresh:               ${secs(performance.now() - t)}  (${inc.recomputed.toLocaleString('en')} customers rescored, ` +
      `${inc.events.stageChanged.toLocaleString('en')} stage changes) ${JSON.stringify({ ...(inc.diagnostics.timings as object), ...(inc.diagnostics.writeTimings as object) })}`,
  );
  console.log(`  peak RSS so far: ${rss()}`);
}

const tag = (n: number) => `c${n}_m${months}_s${seed}_bg${values.bgnbd.replace(/,/g, '_').replace(/\./g, 'p')}`;
console.log(`bench:score — node ${process.version}`);

if (!values['skip-embedded']) {
  const n = Number(values['embedded-customers']);
  const dir = new URL(`out/score-embedded-${tag(n)}`, import.meta.url).pathname;
  const server = await startEmbedded(dir);
  try {
    await waitForServer(server.url);
    await ensureDatabase(server.url, 'kizuna');
    const db = connect(withDatabase(server.url, 'kizuna'), { max: 6 });
    try {
      await migrate(db);
      await measure(`embedded server, ${n.toLocaleString('en')} customers (${dir})`, db, n);
    } finally {
      await db.close();
    }
  } finally {
    await server.stop();
    if (values.drop) rmSync(dir, { recursive: true, force: true });
  }
}

const external = process.env.DATABASE_URL;
if (values['skip-external']) {
  // nothing
} else if (!external) {
  console.log('\nDATABASE_URL is not set: the external-server measurement is skipped');
} else {
  const n = Number(values.customers);
  const database = `kizuna_bench_score_${tag(n)}`;
  await waitForServer(external);
  const { rows } = await (async () => {
    const client = new pg.Client({ connectionString: external });
    await client.connect();
    try {
      return await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
    } finally {
      await client.end();
    }
  })();
  if (rows.length === 0) await adminQuery(external, `CREATE DATABASE ${database}`);
  const db = connect(withDatabase(external, database), { max: 6 });
  try {
    await migrate(db);
    await measure(`external server ${new URL(external).host}, ${n.toLocaleString('en')} customers (database ${database})`, db, n);
  } finally {
    await db.close();
    if (values.drop) await adminQuery(external, `DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
  }
}
