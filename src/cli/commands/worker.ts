import type { Command } from 'commander';
import { dataDirOption, withServices, type DataDirOption } from '../context.ts';
import { enqueueDueJobs } from '../../worker/schedule.ts';
import { log as logLine } from '../../kernel/log.ts';
import { runOneJob, startWorker } from '../../worker/worker.ts';

interface WorkerFlags extends DataDirOption {
  once?: boolean;
}

export function register(program: Command): void {
  dataDirOption(
    program
      .command('worker')
      .description('run background jobs (daily scoring per workspace, …) until stopped')
      .option('--once', 'enqueue what is due, run every due job, then exit (for cron)'),
  ).action(async (flags: WorkerFlags) => {
    const log = (line: string) => logLine('info', line);
    await withServices(flags, async (services) => {
      if (flags.once) {
        await enqueueDueJobs(services);
        while (await runOneJob(services, `once:${process.pid}`, log));
        return;
      }
      const worker = startWorker(services, { log });
      log(`worker ${worker.id} started`);
      await new Promise<void>((resolve) => {
        process.removeAllListeners('SIGINT');
        process.removeAllListeners('SIGTERM');
        process.once('SIGINT', resolve);
        process.once('SIGTERM', resolve);
      });
      await worker.stop();
      log('worker stopped');
    });
  });
}
