/**
 * `npm run bench:segments -- [--customers 100000] [--runs 5] [--seed 1]`
 *
 * Segment preview latency (target: < 1 s for 100k customers). Generates a demo data set
 * (`kizuna generate`: customers with consents, orders with lines, refunds, events), scores it
 * (customer_scores for the RFM/CLV rules), then times `SegmentService.preview` — count plus a sample
 * of 10 — for several rules: the first (cold) run and the median of the next runs. Also times the
 * first refresh (materializing membership, events, history) of a few of them. With DATABASE_URL the
 * database is created on that server and dropped afterwards; otherwise a throw-away embedded server.
 */
import { parseArgs } from 'node:util';
import { createServices } from '../src/app/services.ts';
import { openBenchDatabase } from './benchDatabase.ts';
import { RULES } from './segmentRules.ts';
import { generateDemo } from '../src/modules/demo/generate.ts';
import { DEFAULT_END, observationEnd } from '../src/modules/demo/generator.ts';

const { values } = parseArgs({
  options: {
    customers: { type: 'string', default: '100000' },
    runs: { type: 'string', default: '5' },
    seed: { type: 'string', default: '1' },
  },
});


const bench = await openBenchDatabase();
const { db } = bench;
const ms = (t0: number) => Math.round(performance.now() - t0);
try {
  const services = createServices(db);
  const customers = Number(values.customers);
  const runs = Number(values.runs);
  const where = bench.where;
  console.log(`segment preview benchmark: ${customers.toLocaleString('en')} customers on ${where}, node ${process.version}`);

  let t0 = performance.now();
  const end = observationEnd(DEFAULT_END);
  const summary = await generateDemo(services, { customers, months: 24, seed: Number(values.seed), end }, { concurrency: 2 });
  console.log(`  generate (not timed for the target)   ${ms(t0)} ms  ${JSON.stringify(summary.counts)}`);
  const ws = summary.workspaceId;
  t0 = performance.now();
  await services.intelligence.score(ws, { mode: 'full', asOf: end });
  console.log(`  score (not timed for the target)      ${ms(t0)} ms`);
  await db.query('VACUUM ANALYZE');

  console.log(`\n  ${'rule'.padEnd(52)} ${'count'.padStart(7)} ${'cold'.padStart(7)} ${'median'.padStart(7)}`);
  let worst = 0;
  for (const [name, match] of Object.entries(RULES)) {
    const rule = { version: 1, match };
    const times: number[] = [];
    let count = 0;
    for (let i = 0; i <= runs; i++) {
      const t = performance.now();
      count = (await services.segments.preview(ws, rule, { asOf: end })).count;
      times.push(performance.now() - t);
    }
    const cold = times[0]!;
    const warm = times.slice(1).sort((a, b) => a - b);
    const median = warm[Math.floor(warm.length / 2)]!;
    worst = Math.max(worst, median, cold);
    console.log(`  ${name.padEnd(52)} ${String(count).padStart(7)} ${cold.toFixed(0).padStart(4)} ms ${median.toFixed(0).padStart(4)} ms`);
  }
  console.log(`  slowest preview: ${worst.toFixed(0)} ms   (target < 1000 ms: ${worst < 1000 ? 'met' : 'MISSED'})`);

  console.log('\n  first refresh (membership, history, Segment Entered events):');
  for (const name of ['non-repeaters (built-in)', 'RFM Champions or top 1% CLV', 'dormant 180 d (built-in)']) {
    const segment = await services.segments.create(ws, { name, rule: { version: 1, match: RULES[name] } });
    const first = await services.segments.refresh(ws, segment.id, { asOf: end });
    const again = await services.segments.refresh(ws, segment.id, { asOf: end });
    console.log(`  ${name.padEnd(52)} ${String(first.members).padStart(7)} members: ${first.ms} ms; unchanged rerun ${again.ms} ms`);
  }
  console.log(`  peak RSS ${Math.round(process.resourceUsage().maxRSS / 1024)} MB`);
} finally {
  await bench.close();
}
