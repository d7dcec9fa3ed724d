import { hostname } from 'node:os';
import type { Services } from '../app/services.ts';
import type { Job } from '../modules/jobs/service.ts';
import { HANDLERS } from './handlers.ts';
import { enqueueDueJobs } from './schedule.ts';

export interface WorkerOptions {
  /** Pause between polls when there is nothing to do. */
  pollMs?: number;
  /** How often the schedule is checked. */
  scheduleEveryMs?: number;
  log?: (line: string) => void;
}

export interface Worker {
  readonly id: string;
  /** Finishes the job in hand, then resolves. */
  stop(): Promise<void>;
}

/** Runs one due job if there is one; false when the queue had nothing due. */
export async function runOneJob(services: Services, workerId: string, log: (line: string) => void = () => {}): Promise<boolean> {
  const [job] = await services.jobs.claim(workerId, { kinds: Object.keys(HANDLERS) });
  if (!job) return false;
  await execute(services, workerId, job, log);
  return true;
}

async function execute(services: Services, workerId: string, job: Job, log: (line: string) => void): Promise<void> {
  const started = performance.now();
  try {
    const result = await HANDLERS[job.kind]!(services, job);
    await services.jobs.complete(job, workerId);
    log(`job ${job.kind} ${job.id} (workspace ${job.workspaceId}) done in ${Math.round(performance.now() - started)} ms ${JSON.stringify(result)}`);
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    const outcome = await services.jobs.fail(job, workerId, message);
    log(`job ${job.kind} ${job.id} (workspace ${job.workspaceId}) failed (${outcome}): ${message}`);
  }
}

/** The worker loop: check the schedule now and then, run due jobs one at a time, sleep when idle. */
export function startWorker(services: Services, options: WorkerOptions = {}): Worker {
  const id = `${hostname()}:${process.pid}:${Math.random().toString(36).slice(2, 8)}`;
  const { pollMs = 5_000, scheduleEveryMs = 60_000, log = () => {} } = options;
  let running = true;
  let wake: (() => void) | undefined;
  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, ms);
      wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  const loop = (async () => {
    let lastSchedule = 0;
    while (running) {
      try {
        if (Date.now() - lastSchedule >= scheduleEveryMs) {
          lastSchedule = Date.now();
          await enqueueDueJobs(services);
        }
        if (!(await runOneJob(services, id, log)) && running) await sleep(pollMs);
      } catch (err) {
        // The database may be restarting: log and try again after a pause.
        log(`worker: ${err instanceof Error ? err.message : String(err)}`);
        if (running) await sleep(pollMs);
      }
    }
  })();
  return {
    id,
    async stop() {
      running = false;
      wake?.();
      await loop;
    },
  };
}
