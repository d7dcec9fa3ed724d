/**
 * `npm run bench:recs -- [--customers 20000] [--months 24] [--seed 1] [--k 10]`
 *
 * Generates a demo data set into a fresh database, then times a model rebuild, the offline
 * evaluation (model vs popularity), and personal and related reads. With DATABASE_URL the database
 * is created on that server and dropped afterwards; otherwise a throw-away embedded server is used.
 */
import { parseArgs } from 'node:util';
import { createServices } from '../src/app/services.ts';
import { openBenchDatabase } from './benchDatabase.ts';
import { generateDemo } from '../src/modules/demo/generate.ts';
import { DEFAULT_END, observationEnd } from '../src/modules/demo/generator.ts';
import { noTarget, reportResults } from './results.ts';

const { values } = parseArgs({
  options: {
    customers: { type: 'string', default: '20000' },
    months: { type: 'string', default: '24' },
    seed: { type: 'string', default: '1' },
    k: { type: 'string', default: '10' },
  },
});

const bench = await openBenchDatabase();
const { db } = bench;
try {
  const services = createServices(db);
  const customers = Number(values.customers);
  console.log(`generating ${customers} customers on ${bench.where}`);
  const summary = await generateDemo(services, { customers, months: Number(values.months), seed: Number(values.seed), end: observationEnd(DEFAULT_END) }, { concurrency: 2 });
  console.log(`  ${summary.counts.orders} orders, ${summary.counts.orderLines} lines, ${summary.counts.events} events in ${summary.seconds} s`);
  const ws = summary.workspaceId;

  let t = performance.now();
  const built = await services.recommendations.rebuild(ws);
  reportResults([noTarget('recommendations model rebuild', `${customers.toLocaleString('en')} customers`, Math.round(performance.now() - t), 'ms')]);
  console.log(`rebuild: ${Math.round(performance.now() - t)} ms (${built.pairs} pairs, ${built.products} products, ${built.orders} orders)`);

  t = performance.now();
  const report = await services.recommendations.evaluate(ws, { k: Number(values.k), testFraction: 0.2 });
  console.log(`evaluate: ${Math.round(performance.now() - t)} ms`);
  console.log(JSON.stringify(report));

  const { rows } = await db.query<{ external_id: string }>('SELECT external_id FROM customers WHERE workspace_id = $1 ORDER BY random() LIMIT 200', [ws]);
  t = performance.now();
  for (const r of rows) await services.recommendations.forCustomer(ws, r.external_id, 10);
  reportResults([noTarget('recommendations personal read', `${rows.length} reads`, Number(((performance.now() - t) / rows.length).toFixed(2)), 'ms each')]);
  console.log(`personal reads: ${((performance.now() - t) / rows.length).toFixed(2)} ms each (sequential)`);
  const { rows: products } = await db.query<{ sku: string }>('SELECT sku FROM products WHERE workspace_id = $1', [ws]);
  t = performance.now();
  for (const p of products) await services.recommendations.related(ws, p.sku, 'bought_together', 10);
  console.log(`related reads: ${((performance.now() - t) / products.length).toFixed(2)} ms each (sequential)`);
} finally {
  await bench.close();
}
