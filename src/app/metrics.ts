import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { Queryable } from '../db/database.ts';
import { SEND_JOB } from '../modules/messaging/jobs.ts';

/**
 * Prometheus metrics of one process. Request latencies and job durations are this process' own;
 * queue depths are read from the database at each scrape, so every process reports the same
 * figures (aggregate them with `max`, not `sum`).
 */
export interface Metrics {
  readonly registry: Registry;
  readonly httpDuration: Histogram<'method' | 'route' | 'status_code'>;
  readonly jobDuration: Histogram<'kind' | 'outcome'>;
  readonly deliveriesSettled: Counter<'outcome'>;
}

/** Outcomes a send job's result counts (messaging/jobs.ts); anything else it returns is ignored. */
const SEND_OUTCOMES = ['sent', 'deferred', 'suppressed', 'failed', 'retrying'] as const;

export function createMetrics(db: Queryable, options: { role: string; defaultMetrics?: boolean }): Metrics {
  const registry = new Registry();
  registry.setDefaultLabels({ role: options.role });
  // Process CPU, memory, event-loop lag, GC: off in tests, where several registries share a process.
  if (options.defaultMetrics !== false) collectDefaultMetrics({ register: registry, prefix: 'kizuna_' });
  const registers = [registry];
  const httpDuration = new Histogram({
    name: 'kizuna_http_request_duration_seconds',
    help: 'HTTP request latency by route pattern, method and status',
    labelNames: ['method', 'route', 'status_code'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers,
  });
  const jobDuration = new Histogram({
    name: 'kizuna_job_duration_seconds',
    help: 'Background job run time by kind and outcome (done, retry, failed)',
    labelNames: ['kind', 'outcome'] as const,
    buckets: [0.05, 0.1, 0.5, 1, 5, 10, 30, 60, 300, 900],
    registers,
  });
  const deliveriesSettled = new Counter({
    name: 'kizuna_deliveries_settled_total',
    help: 'Deliveries settled by this process\' send jobs, by outcome (rate() of outcome="sent" is the send rate); counted when each job ends',
    labelNames: ['outcome'] as const,
    registers,
  });
  new Gauge({
    name: 'kizuna_jobs',
    help: 'Jobs not finished, by kind and state (due: waiting for a worker, running: claimed, scheduled: run_at in the future)',
    labelNames: ['kind', 'state'] as const,
    registers,
    async collect() {
      this.reset();
      const { rows } = await db.query<{ kind: string; state: string; n: number }>(
        `SELECT kind, CASE WHEN locked_until > now() THEN 'running' WHEN run_at > now() THEN 'scheduled' ELSE 'due' END AS state, count(*)::int AS n
         FROM jobs WHERE completed_at IS NULL AND failed_at IS NULL GROUP BY 1, 2`,
      );
      for (const r of rows) this.set({ kind: r.kind, state: r.state }, r.n);
    },
  });
  new Gauge({
    name: 'kizuna_deliveries_pending',
    help: 'Deliveries not settled yet, by state (queued, deferred, sending) and channel',
    labelNames: ['state', 'channel'] as const,
    registers,
    async collect() {
      this.reset();
      const { rows } = await db.query<{ state: string; channel: string; n: number }>(
        `SELECT state, channel, count(*)::int AS n FROM deliveries WHERE state IN ('queued', 'deferred', 'claimed', 'sending') GROUP BY 1, 2`,
      );
      for (const r of rows) this.set({ state: r.state, channel: r.channel }, r.n);
    },
  });
  return { registry, httpDuration, jobDuration, deliveriesSettled };
}

/** Records every request's latency under its route pattern (`/v1/customers/:id`), never the raw URL. */
export function instrumentRequests(app: FastifyInstance, metrics: Metrics): void {
  app.addHook('onResponse', async (request, reply) => {
    metrics.httpDuration.observe(
      { method: request.method, route: request.routeOptions.url ?? 'unmatched', status_code: String(reply.statusCode) },
      reply.elapsedTime / 1000,
    );
  });
}

/** Adds a finished job to the job-duration histogram and, for send jobs, its settled deliveries. */
export function recordJob(metrics: Metrics | undefined, kind: string, outcome: 'done' | 'retry' | 'failed', seconds: number, result: unknown): void {
  if (!metrics) return;
  metrics.jobDuration.observe({ kind, outcome }, seconds);
  if (kind !== SEND_JOB || typeof result !== 'object' || result === null) return;
  for (const o of SEND_OUTCOMES) {
    const n = (result as Record<string, unknown>)[o];
    if (typeof n === 'number' && n > 0) metrics.deliveriesSettled.inc({ outcome: o }, n);
  }
}

export interface MetricsServer {
  readonly url: string;
  close(): Promise<void>;
}

/**
 * `/metrics` on its own port: an API process and a worker (which has no HTTP server) both expose
 * theirs, and the port stays off the public listener (docs/security.md, "Operations endpoints").
 */
export async function serveMetrics(metrics: Metrics, port: number, host: string): Promise<MetricsServer> {
  const server: Server = createServer((req, res) => {
    if (req.method !== 'GET' || (req.url ?? '').split('?')[0] !== '/metrics') {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n');
      return;
    }
    metrics.registry.metrics().then(
      (text) => res.writeHead(200, { 'content-type': metrics.registry.contentType }).end(text),
      (err: unknown) => res.writeHead(503, { 'content-type': 'text/plain' }).end(`metrics unavailable: ${err instanceof Error ? err.message : String(err)}\n`),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  const address = server.address() as AddressInfo;
  return {
    url: `http://${address.family === 'IPv6' ? `[${address.address}]` : address.address}:${address.port}/metrics`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
