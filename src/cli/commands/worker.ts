import type { Command } from 'commander';
import { dataDirOption, withServices, type DataDirOption } from '../context.ts';
import { enqueueDueJobs } from '../../worker/schedule.ts';
import { log as logLine } from '../../kernel/log.ts';
import { runOneJob, startWorker } from '../../worker/worker.ts';
import { createMetrics, serveMetrics } from '../../app/metrics.ts';

interface WorkerFlags extends DataDirOption {
  once?: boolean;
  metricsPort?: string;
}

export function register(program: Command): void {
  dataDirOption(
    program
      .command('worker')
      .description('run background jobs (daily scoring per workspace, …) until stopped')
      .option('--once', 'enqueue what is due, run every due job, then exit (for cron)')
      .option('--metrics-port <port>', 'serve Prometheus /metrics on this port (env KIZUNA_METRICS_PORT; docs/security.md)'),
  ).action(async (flags: WorkerFlags) => {
    const log = (line: string) => logLine('info', line);
    await withServices(flags, async (services, config) => {
      if (flags.once) {
        await enqueueDueJobs(services);
        while (await runOneJob(services, `once:${process.pid}`, log));
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
