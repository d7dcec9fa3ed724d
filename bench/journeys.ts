/**
 * `npm run bench:journeys -- [--customers 100000] [--batch 1000] [--workers 2] [--spread 120]`
 *
 * Journeys on real PostgreSQL (a fresh database on DATABASE_URL's server, else a throw-away
 * embedded one), with `--customers` customers entering a three-step journey (wait → send → exit;
 * the send queues a delivery for the gate, as in production):
 *
 * 1. Throughput: everyone enters at once with a zero wait, and ONE runner steps them all; prints
 *    step transitions/s per worker (target ≥ 2,000).
 * 2. Timers: everyone enters a second journey spread over `--spread` seconds and waits one
 *    minute, while `--workers` runners poll in real time as the worker does; prints how late the
 *    timers fired, p50 and p99 (target p99 < 5 s).
 *
 * Asserts nothing; prints the load average, since the machine may be shared.
 */
import { availableParallelism, loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { createServices } from '../src/app/services.ts';
import { settingsFor } from '../src/modules/messaging/testKit.ts';
import { enterMany } from '../src/modules/journeys/triggers.ts';
import type { DefinitionInput } from '../src/modules/journeys/definition.ts';
import { openBenchDatabase } from './benchDatabase.ts';
import { atLeast, below, reportResults } from './results.ts';

const { values } = parseArgs({
  options: {
    customers: { type: 'string', default: '100000' },
    batch: { type: 'string', default: '1000' },
    workers: { type: 'string', default: '2' },
    spread: { type: 'string', default: '120' },
  },
});
const N = Number(values.customers);
const batch = Number(values.batch);
const workers = Number(values.workers);
const spreadMs = Number(values.spread) * 1000;
const fmt = (v: number) => Math.round(v).toLocaleString('en');

const bench = await openBenchDatabase({ poolSize: workers + 4 });
const services = createServices(bench.db);
// Tables grow from empty here; a server without autovacuum (the CI one) would keep planning foreign-key
// checks for empty tables (sequential scans). Analyze every 10 s, as autovacuum would.
const { rows: autovacuum } = await bench.db.query<{ autovacuum: string }>('SHOW autovacuum');
const analyzer = autovacuum[0]!.autovacuum === 'off' ? setInterval(() => void bench.db.query('ANALYZE').catch(() => {}), 10_000) : undefined;
try {
  const { workspace } = await services.workspaces.create({ name: 'bench-journeys', timeZone: 'Asia/Tokyo' });
  const ws = workspace.id;
  await services.messaging.putSettings(ws, settingsFor(undefined, { policy: { quietHours: null } }));
  let started = performance.now();
  const ids: string[] = [];
  for (let i = 0; i < N; i += 5000) {
    const chunk = Array.from({ length: Math.min(5000, N - i) }, (_, k) => ({ externalId: `bench-${i + k}`, email: `bench-${i + k}@example.jp`, timeZone: 'Asia/Tokyo' }));
    const result = await services.customers.upsertMany(ws, chunk);
    ids.push(...chunk.map((c) => result.ids.get(c.externalId)!));
  }
  console.log(`seeded ${fmt(N)} customers in ${sec(started)} s (${bench.where})`);

  const journey = (waitSecondsOf: number): DefinitionInput => ({
    trigger: { type: 'api' },
    entry: { mode: 'always' },
    start: 'wait',
    holdoutPercent: 0,
    goal: null,
    steps: [
      { id: 'wait', type: 'wait', duration: { days: 0, hours: 0, minutes: Math.floor(waitSecondsOf / 60) }, next: 'mail' },
      { id: 'mail', type: 'send', template: { channel: 'email', subject: 'ようこそ', mjml: '<mjml><mj-body><mj-section><mj-column><mj-text>{{ customer.name }} 様</mj-text></mj-column></mj-section></mj-body></mjml>' }, next: 'done' },
      { id: 'done', type: 'exit' },
    ],
  });
  const live = async (name: string, definition: DefinitionInput) => {
    const created = await services.journeys.create(ws, { name, definition });
    const j = await services.journeys.activate(ws, created.id);
    return { id: j.id, version: j.version, definition: j.definition, activatedAt: j.activatedAt! };
  };
  const enter = async (j: Awaited<ReturnType<typeof live>>, startAt: (i: number) => Date) => {
    const t = performance.now();
    for (let i = 0; i < N; i += 5000) {
      await enterMany(bench.db, ws, j, ids.slice(i, i + 5000).map((customerId, k) => ({ customerId, sourceKey: `bench:${i + k}`, startAt: startAt(i + k) })), new Date(), 0);
    }
    return sec(t);
  };

  // 1. Throughput: one runner, everything due now.
  const burst = await live('bench burst', journey(0));
  console.log(`entered ${fmt(N)} customers in ${await enter(burst, () => new Date())} s`);
  started = performance.now();
  const cpu = process.cpuUsage();
  let transitions = 0;
  for (;;) {
    const r = await services.journeys.runDue({ workspaceId: ws, limit: batch });
    if (r.claimed === 0) break;
    transitions += r.transitions;
  }
  const wall = (performance.now() - started) / 1000;
  const used = process.cpuUsage(cpu);
  console.log(
    `throughput: ${fmt(transitions)} step transitions in ${wall.toFixed(1)} s = ${fmt(transitions / wall)} transitions/s with one worker (target ≥ 2,000); ` +
      `runner CPU ${((used.user + used.system) / 1e6).toFixed(1)} s`,
  );

  reportResults([atLeast('journey step transitions, one worker', `${fmt(N)} customers`, Math.round(transitions / wall), 'transitions/s', 2_000)]);

  // 2. Timers: entries spread over time, each parks on a one-minute wait, real-time runners.
  const timed = await live('bench timers', journey(60));
  const base = Date.now() + 2000;
  await enter(timed, (i) => new Date(base + (i / N) * spreadMs));
  const deadline = base + spreadMs + 60_000 + 600_000;
  let stop = false;
  const runner = async () => {
    let steps = 0;
    while (!stop && Date.now() < deadline) {
      const r = await services.journeys.runDue({ workspaceId: ws, limit: batch });
      steps += r.transitions;
      if (r.claimed === 0) await new Promise((resolve) => setTimeout(resolve, 200));
    }
    return steps;
  };
  const timerStarted = performance.now();
  const running = Array.from({ length: workers }, runner);
  for (;;) {
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const { rows } = await bench.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM journey_runs WHERE workspace_id = $1 AND journey_id = $2 AND state = 'waiting'`, [ws, timed.id]);
    if (rows[0]!.n === 0 || Date.now() > deadline) break;
  }
  stop = true;
  const perWorker = await Promise.all(running);
  const timerWall = (performance.now() - timerStarted) / 1000;
  // The runner logs how late each timer fired (now − due_at when the wait step completed).
  const { rows } = await bench.db.query<{ p50: number; p99: number; max: number; n: number }>(
    `SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY late_ms) AS p50, percentile_cont(0.99) WITHIN GROUP (ORDER BY late_ms) AS p99,
       max(late_ms) AS max, count(*)::int AS n
     FROM journey_step_log WHERE workspace_id = $1 AND journey_id = $2 AND step_id = 'wait'`,
    [ws, timed.id],
  );
  const lateness = rows[0]!;
  console.log(
    `timers: ${fmt(lateness.n)} timers (one-minute waits entered over ${(spreadMs / 1000).toFixed(0)} s) with ${workers} workers (${perWorker.map(fmt).join(' + ')} transitions in ${timerWall.toFixed(0)} s): ` +
      `late by p50 ${(lateness.p50 / 1000).toFixed(2)} s, p99 ${(lateness.p99 / 1000).toFixed(2)} s, max ${(lateness.max / 1000).toFixed(2)} s (target p99 < 5 s)`,
  );
  reportResults([below(`journey timers late by, p99 (${workers} workers)`, `${fmt(lateness.n)} timers`, Number((lateness.p99 / 1000).toFixed(2)), 's', 5)]);
  console.log(`load average ${loadavg()[0]!.toFixed(1)} on ${availableParallelism()} cores (the machine is shared: figures are lower bounds)`);
  if (analyzer) console.log('autovacuum is off on this server: the benchmark ran ANALYZE every 10 s in its place');
} finally {
  clearInterval(analyzer);
  await bench.close();
}

function sec(since: number): string {
  return ((performance.now() - since) / 1000).toFixed(1);
}
