import type { Command } from 'commander';
import { dataDirOption, withServices, type DataDirOption } from '../context.ts';
import { enqueueDueJobs } from '../../worker/schedule.ts';
import { formatLog, logFormat } from '../../kernel/log.ts';
import { runOneJob, startWorker, type JobOutcome } from '../../worker/worker.ts';
import { cliIo, emit } from '../output.ts';
import { createMetrics, serveMetrics } from '../../app/metrics.ts';

interface WorkerFlags extends DataDirOption {
  once?: boolean;
  metricsPort?: string;
  json?: boolean;
}

/** What `worker --once` did, printed when it ends (`--json`: this object). */
interface OnceSummary {
  enqueued: number;
  ran: number;
  done: number;
  /** failed, back in the queue after their backoff */
  retry: number;
  /** failed for good (out of attempts) */
  failed: number;
  byKind: Record<string, Record<JobOutcome, number>>;
}

export function register(program: Command): void {
  dataDirOption(
    program
      .command('worker')
      .description('run background jobs (daily scoring per workspace, …) until stopped')
      .option('--once', 'enqueue what is due, run every due job, then exit (for cron)')
      .option('--metrics-port <port>', 'serve Prometheus /metrics on this port (env KIZUNA_METRICS_PORT; docs/security.md)')
      .option('--json', 'with --once: print the summary as JSON (job lines go to stderr)'),
  ).action(async (flags: WorkerFlags) => {
    const io = cliIo();
    const format = logFormat(io.env);
    // With --json stdout carries the summary alone.
    const log = (line: string) => void (flags.json ? io.stderr : io.stdout).write(formatLog(format, 'info', line));
    await withServices(flags, async (services, config) => {
      if (flags.once) {
        const summary: OnceSummary = { enqueued: await enqueueDueJobs(services), ran: 0, done: 0, retry: 0, failed: 0, byKind: {} };
        const onOutcome = (job: { kind: string }, outcome: JobOutcome) => {
          summary.ran++;
          summary[outcome]++;
          (summary.byKind[job.kind] ??= { done: 0, retry: 0, failed: 0 })[outcome]++;
        };
        while (await runOneJob(services, `once:${process.pid}`, log, { onOutcome }));
        emit(flags.json, summary, () => onceLine(summary));
        return;
      }
      const metrics = createMetrics(services.db, { role: 'worker' });
      const metricsPort = flags.metricsPort === undefined ? config.metricsPort : Number(flags.metricsPort);
      const metricsServer = metricsPort === undefined ? null : await serveMetrics(metrics, metricsPort, config.metricsHost);
      const worker = startWorker(services, { log, metrics });
      log(`worker ${worker.id} started${metricsServer ? ` (metrics: ${metricsServer.url})` : ''}`);
      await new Promise<void>((resolve) => {
        process.removeAllListeners('SIGINT');
        process.removeAllListeners('SIGTERM');
        process.once('SIGINT', resolve);
        process.once('SIGTERM', resolve);
      });
      // The job in hand finishes, or is released for another worker when the grace period runs out.
      await worker.stop({ graceMs: config.shutdownGraceMs });
      await metricsServer?.close();
      log('worker stopped');
    });
  });
}

/** "worker --once: 2 jobs enqueued, 3 run (score 1, segment_refresh 2), 1 failed (1 to retry)". */
function onceLine(s: OnceSummary): string {
  const kinds = Object.entries(s.byKind).map(([kind, n]) => `${kind} ${n.done + n.retry + n.failed}`);
  const failures = s.retry + s.failed;
  const failed = failures === 0 ? 'none failed' : `${failures} failed (${s.retry} to retry, ${s.failed} out of attempts)`;
  return `worker --once: ${s.enqueued} enqueued, ${s.ran} run${kinds.length ? ` (${kinds.join(', ')})` : ''}, ${failed}`;
}
