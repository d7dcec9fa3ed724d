/**
 * Operations: liveness and readiness, Prometheus metrics, and stopping cleanly (in-flight requests
 * finish, an unfinished job is given back).
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { connect } from '../db/database.ts';
import { describeEachDatabase } from '../db/testDatabase.ts';
import { seedAudience, settingsFor } from '../modules/messaging/testKit.ts';
import { HANDLERS } from '../worker/handlers.ts';
import { runOneJob, startWorker } from '../worker/worker.ts';
import { createMetrics, recordJob, serveMetrics, type Metrics, type MetricsServer } from './metrics.ts';
import { buildServer, type App } from './server.ts';
import { testApp } from './testApp.ts';
import { loadConfig } from '../config.ts';
import { WorkspaceService } from '../modules/workspaces/service.ts';

const BIN = fileURLToPath(new URL('../../bin/kizuna.js', import.meta.url));

/** The value of the sample `name` whose labels are exactly `labels` (in any order), or undefined. */
function sample(text: string, name: string, labels: Record<string, string>): number | undefined {
  const want = Object.entries(labels)
    .map(([k, v]) => `${k}="${v}"`)
    .sort()
    .join(',');
  for (const line of text.split('\n')) {
    const m = /^([a-z_]+)\{(.*)\} (\S+)$/.exec(line);
    if (m?.[1] === name && m[2]!.split(/,(?=[a-z_]+=")/).sort().join(',') === want) return Number(m[3]);
  }
  return undefined;
}

describeEachDatabase('operations: health, readiness, metrics', (t) => {
  let ctx: Awaited<ReturnType<typeof testApp>>;
  let metrics: Metrics;
  let metricsServer: MetricsServer;
  let app: App;
  let draining = false;

  before(async () => {
    ctx = await testApp(t.db);
    metrics = createMetrics(t.db, { role: 'test', defaultMetrics: false });
    app = await buildServer(ctx.services, loadConfig({ logLevel: 'silent' }), { metrics, draining: () => draining });
    metricsServer = await serveMetrics(metrics, 0, '127.0.0.1');
  });
  after(async () => {
    await ctx?.services.messaging.close();
    await ctx?.app.close();
    await app?.close();
    await metricsServer?.close();
  });
  const scrape = async () => {
    const res = await fetch(metricsServer.url);
    assert.equal(res.status, 200);
    return res.text();
  };

  test('/healthz is alive; /readyz is ready only with every migration applied and while not stopping', async () => {
    assert.equal((await app.inject({ method: 'GET', url: '/healthz' })).statusCode, 200);
    const ready = await app.inject({ method: 'GET', url: '/readyz' });
    assert.equal(ready.statusCode, 200, ready.body);
    assert.deepEqual(ready.json(), { ready: true });

    const { rows } = await t.db.query<{ id: string }>(`DELETE FROM kizuna_migrations WHERE id = (SELECT max(id) FROM kizuna_migrations) RETURNING id`);
    try {
      const behind = await app.inject({ method: 'GET', url: '/readyz' });
      assert.equal(behind.statusCode, 503);
      assert.equal(behind.json().ready, false);
      assert.match(behind.json().reason, new RegExp(`^migrations_pending: .*${rows[0]!.id.replace('.', '\\.')}`));
    } finally {
      await t.db.query('INSERT INTO kizuna_migrations (id) VALUES ($1)', [rows[0]!.id]);
    }

    draining = true;
    const stopping = await app.inject({ method: 'GET', url: '/readyz' });
    draining = false;
    assert.equal(stopping.statusCode, 503);
    assert.deepEqual(stopping.json(), { ready: false, reason: 'shutting_down' });
  });

  // Same services over a pool whose server is gone (nothing listens on port 9): the primary, or DATABASE_READ_URL's.
  for (const [pool, reason] of [['db', 'database_unreachable'], ['readDb', 'read_database_unreachable']] as const) {
    test(`/readyz says why when the ${pool === 'db' ? 'database' : 'read pool (DATABASE_READ_URL)'} does not answer`, async () => {
      const gone = connect('postgres://postgres@127.0.0.1:9/none');
      const unreachable = await buildServer({ ...ctx.services, [pool]: gone }, loadConfig({ logLevel: 'silent' }));
      try {
        const res = await unreachable.inject({ method: 'GET', url: '/readyz' });
        assert.equal(res.statusCode, 503);
        assert.match(res.json().reason, new RegExp(`^${reason}: `));
      } finally {
        await unreachable.close();
        await gone.close();
      }
    });
  }

  test('request latencies are recorded under the route pattern and status, never the raw URL', async () => {
    const headers = await ctx.headers('read');
    const missing = '00000000-0000-4000-8000-000000000000';
    assert.equal((await app.inject({ method: 'GET', url: `/v1/customers/${missing}`, headers })).statusCode, 404);
    assert.equal((await app.inject({ method: 'GET', url: '/healthz' })).statusCode, 200);
    const text = await scrape();
    assert.equal(sample(text, 'kizuna_http_request_duration_seconds_count', { method: 'GET', route: '/v1/customers/:id', status_code: '404', role: 'test' }), 1);
    assert.ok((sample(text, 'kizuna_http_request_duration_seconds_count', { method: 'GET', route: '/healthz', status_code: '200', role: 'test' }) ?? 0) >= 1);
    assert.doesNotMatch(text, new RegExp(missing));
  });

  test('queue depths come from the database: jobs by kind and state, deliveries pending by state and channel', async () => {
    const ws = ctx.workspace.id;
    await ctx.services.jobs.enqueue(ws, { kind: 'ops.test.due' });
    await ctx.services.jobs.enqueue(ws, { kind: 'ops.test.due' });
    await ctx.services.jobs.enqueue(ws, { kind: 'ops.test.later', runAt: new Date(Date.now() + 3_600_000) });
    await ctx.services.messaging.putSettings(ws, settingsFor(undefined, { outbox: { channels: ['sms'] }, policy: { quietHours: null } }));
    const { segmentId } = await seedAudience(ctx.services, ws, 3, { cohort: 'metrics' });
    const headers = await ctx.headers('messaging');
    const created = await app.inject({ method: 'POST', url: '/v1/campaigns', headers, payload: { name: 'metrics', segmentId, template: { channel: 'sms', text: 'hi' } } });
    assert.equal(created.statusCode, 200, created.body);
    assert.equal((await app.inject({ method: 'POST', url: `/v1/campaigns/${created.json().id}/send`, headers })).statusCode, 200);

    const text = await scrape();
    assert.equal(sample(text, 'kizuna_jobs', { kind: 'ops.test.due', state: 'due', role: 'test' }), 2);
    assert.equal(sample(text, 'kizuna_jobs', { kind: 'ops.test.later', state: 'scheduled', role: 'test' }), 1);
    assert.equal(sample(text, 'kizuna_deliveries_pending', { state: 'queued', channel: 'sms', role: 'test' }), 3);
    await t.db.query(`DELETE FROM jobs WHERE kind LIKE 'ops.test.%'`);
  });

  test('job durations by kind and outcome; a send job adds its settled deliveries by outcome', async () => {
    recordJob(metrics, 'messaging.send', 'done', 1.5, { passes: 2, claimed: 9, sent: 7, failed: 1, deferred: 1, suppressed: 0, retrying: 0 });
    recordJob(metrics, 'score', 'retry', 0.2, undefined);
    const text = await scrape();
    assert.equal(sample(text, 'kizuna_job_duration_seconds_count', { kind: 'messaging.send', outcome: 'done', role: 'test' }), 1);
    assert.equal(sample(text, 'kizuna_job_duration_seconds_sum', { kind: 'messaging.send', outcome: 'done', role: 'test' }), 1.5);
    assert.equal(sample(text, 'kizuna_job_duration_seconds_count', { kind: 'score', outcome: 'retry', role: 'test' }), 1);
    assert.equal(sample(text, 'kizuna_deliveries_settled_total', { outcome: 'sent', role: 'test' }), 7);
    assert.equal(sample(text, 'kizuna_deliveries_settled_total', { outcome: 'failed', role: 'test' }), 1);
    assert.doesNotMatch(text, /kizuna_deliveries_settled_total\{outcome="claimed"/);
  });

  test('the metrics port answers /metrics only', async () => {
    assert.equal((await fetch(metricsServer.url.replace('/metrics', '/healthz'))).status, 404);
  });

  test('a stopping worker gives an unfinished job back: due at once for another worker, the attempt not counted', async () => {
    const kind = 'ops.test.slow';
    let finish!: () => void;
    let started!: () => void;
    const running = new Promise<void>((resolve) => (started = resolve));
    HANDLERS[kind] = () => {
      started();
      return new Promise<void>((resolve) => (finish = resolve));
    };
    try {
      const jobId = (await ctx.services.jobs.enqueue(ctx.workspace.id, { kind }))!;
      const lines: string[] = [];
      const worker = startWorker(ctx.services, { pollMs: 20, scheduleEveryMs: 3_600_000, log: (l) => lines.push(l) });
      await running;
      await worker.stop({ graceMs: 100 });
      assert.ok(lines.some((l) => l.includes(`${jobId} still running after 100 ms: released`)), lines.join('\n'));
      const released = await ctx.services.jobs.get(ctx.workspace.id, jobId);
      assert.equal(released?.attempts, 0);
      assert.equal(released?.completedAt, null);

      // The first run ends late: its completion must not count, the job belongs to whoever claims it next.
      finish();
      await new Promise((r) => setTimeout(r, 50));
      assert.equal((await ctx.services.jobs.get(ctx.workspace.id, jobId))?.completedAt, null);
      HANDLERS[kind] = async () => 'second run';
      assert.equal(await runOneJob(ctx.services, 'other-worker'), true);
      const done = await ctx.services.jobs.get(ctx.workspace.id, jobId);
      assert.ok(done?.completedAt, 'the second worker completed it');
      assert.equal(done?.attempts, 1);
    } finally {
      delete HANDLERS[kind];
    }
  });
});

describeEachDatabase('operations: `kizuna serve --no-worker` stops cleanly on SIGTERM', (t) => {
  const children: ChildProcess[] = [];
  after(() => {
    for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  });

  test('no new connections, the request in flight finishes with 200, exit code 0', { timeout: 120_000 }, async () => {
    const { apiKey } = await new WorkspaceService(t.db).create({ name: 'shutdown' });
    const child = spawn(process.execPath, [BIN, 'serve', '--no-worker', '--port', '0', '--metrics-port', '0'], {
      env: { ...process.env, DATABASE_URL: t.db.url, LOG_LEVEL: 'warn', KIZUNA_LOG: 'json', KIZUNA_SHUTDOWN_GRACE_MS: '30000' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    children.push(child);
    let output = '';
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    const [url, metricsUrl] = await new Promise<[string, string]>((resolve, reject) => {
      const onData = (chunk: Buffer) => {
        output += chunk.toString();
        const api = /running at (http:\/\/[^\s"]+)/.exec(output);
        const m = /Metrics: (http:\/\/[^\s"]+)/.exec(output);
        if (api && m) resolve([api[1]!, m[1]!]);
      };
      child.stdout!.on('data', onData);
      child.stderr!.on('data', onData);
      void exited.then((code) => reject(new Error(`serve exited (${code}) before listening:\n${output}`)));
    });
    assert.equal((await fetch(`${url}/readyz`)).status, 200);
    assert.equal(sample(await (await fetch(metricsUrl)).text(), 'kizuna_http_request_duration_seconds_count', { method: 'GET', route: '/readyz', status_code: '200', role: 'api' }), 1);

    // Hold the API keys table so an authenticated request stays in flight until we let go.
    const blocker = new pg.Client({ connectionString: t.db.url });
    await blocker.connect();
    await blocker.query('BEGIN');
    await blocker.query('LOCK TABLE api_keys IN ACCESS EXCLUSIVE MODE');
    const inFlight = fetch(`${url}/v1/customers?limit=1`, { headers: { authorization: `Bearer ${apiKey}` } });
    await new Promise((r) => setTimeout(r, 300));
    child.kill('SIGTERM');
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(child.exitCode, null, 'still running while a request is in flight');
    await assert.rejects(fetch(`${url}/healthz`, { headers: { connection: 'close' } }), 'a new connection is refused while stopping');
    await blocker.query('COMMIT');
    await blocker.end();
    const res = await inFlight;
    assert.equal(res.status, 200, await res.clone().text());
    assert.equal(await exited, 0, output);
    // Stopping is told like starting: JSON records here (KIZUNA_LOG=json), with the signal and the exit reason.
    assert.match(output, /"msg":"Kizuna is stopping \(SIGTERM\): finishing requests in flight \(up to 30000 ms\)…".*"signal":"SIGTERM"/);
    assert.match(output, /"msg":"Kizuna stopped \(graceful: every request finished\)".*"reason":"graceful"/);
  });
});
