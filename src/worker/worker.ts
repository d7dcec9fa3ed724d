import { hostname } from 'node:os';
import type { Services } from '../app/services.ts';
import type { Job } from '../modules/jobs/index.ts';
import { listenForWork } from '../modules/jobs/wake.ts';
import { HANDLERS } from './handlers.ts';
import { enqueueDueJobs } from './schedule.ts';
import { recordJob, type Metrics } from '../app/metrics.ts';

export interface WorkerOptions {
  /**
   * Pause between polls when there is nothing to do. New work wakes the worker at once (LISTEN);
   * the poll finds what no notification announces: claims of a crashed worker that ran out, retries
   * after their backoff.
   */
  pollMs?: number;
  /** How often the schedule is checked without being woken (the safety tick). */
  scheduleEveryMs?: number;
  log?: (line: string) => void;
  /** Job durations and send outcomes are recorded here (app/metrics.ts). */
  metrics?: Metrics;
}

/**
 * A job's claim lasts this long and is renewed every third of it while the job runs (heartbeat):
 * a crashed worker's job is taken back within seconds, a long job keeps its claim.
 */
export const JOB_LEASE_MS = 6_000;

export interface Worker {
  readonly id: string;
  /**
   * Takes no new job and finishes the one in hand, then resolves. With `graceMs`, a job still running
   * after it is released (due again at once for another worker) and `stop` resolves: the process
   * may exit. Deliveries that job had claimed stay leased until their short lease runs out
   * (messaging/queue.ts), so a message in the middle of sending is not handed to a second worker.
   */
  stop(options?: { graceMs?: number }): Promise<void>;
}

/** Runs one due job if there is one; false when the queue had nothing due. */
export async function runOneJob(
  services: Services,
  workerId: string,
  log: (line: string) => void = () => {},
  hooks: { metrics?: Metrics; onClaim?: (job: Job | undefined) => void; onOutcome?: (job: Job, outcome: JobOutcome) => void } = {},
): Promise<boolean> {
  const [job] = await services.jobs.claim(workerId, { kinds: Object.keys(HANDLERS), lockMs: JOB_LEASE_MS });
  if (!job) return false;
  hooks.onClaim?.(job);
  try {
    const outcome = await execute(services, workerId, job, log, hooks.metrics);
    hooks.onOutcome?.(job, outcome);
  } finally {
    hooks.onClaim?.(undefined);
  }
  return true;
}

/** What became of a job: done, back in the queue after its backoff, or failed for good. */
export type JobOutcome = 'done' | 'retry' | 'failed';

async function execute(services: Services, workerId: string, job: Job, log: (line: string) => void, metrics?: Metrics): Promise<JobOutcome> {
  const started = performance.now();
  const heartbeat = setInterval(() => void services.jobs.extend(job, workerId, JOB_LEASE_MS).catch(() => {}), JOB_LEASE_MS / 3);
  try {
    const result = await HANDLERS[job.kind]!(services, job);
    clearInterval(heartbeat);
    await services.jobs.complete(job, workerId);
    recordJob(metrics, job.kind, 'done', (performance.now() - started) / 1000, result);
    log(jobDoneLine(job, performance.now() - started, result));
    return 'done';
  } catch (err) {
    clearInterval(heartbeat);
    const message = err instanceof Error ? err.message : String(err);
    const outcome = await services.jobs.fail(job, workerId, message);
    recordJob(metrics, job.kind, outcome, (performance.now() - started) / 1000, undefined);
    log(`job ${job.kind} ${job.id} (workspace ${job.workspaceId}) failed (${outcome}): ${message}`);
    return outcome;
  }
}

/** "job score 0193… (workspace …) done in 106 ms {…}": the result only when the handler returned one. */
export function jobDoneLine(job: Pick<Job, 'kind' | 'id' | 'workspaceId'>, ms: number, result: unknown): string {
  const details = result === undefined ? '' : ` ${JSON.stringify(result)}`;
  return `job ${job.kind} ${job.id} (workspace ${job.workspaceId}) done in ${Math.round(ms)} ms${details}`;
}

/**
 * The worker loop: check the schedule when woken by a notification (work was queued) and on a slow
 * tick, run due jobs one at a time, sleep when idle.
 */
export function startWorker(services: Services, options: WorkerOptions = {}): Worker {
  const id = `${hostname()}:${process.pid}:${Math.random().toString(36).slice(2, 8)}`;
  const { pollMs = 2_000, scheduleEveryMs = 60_000, log = () => {}, metrics } = options;
  let running = true;
  /** The job this worker is running, to give back if it must stop before the job ends. */
  let inHand: Job | undefined;
  let wake: (() => void) | undefined;
  /** A notification came while the loop was busy: the next sleep returns at once. */
  let woken = false;
  /** A module announced due work: check the schedule at the next turn of the loop. */
  let scheduleNow = false;
  const listener = listenForWork(
    services.db.url,
    (what) => {
      if (!Object.hasOwn(HANDLERS, what)) scheduleNow = true;
      if (wake) wake();
      else woken = true;
    },
    (err) => log(`worker: listening for work: ${err.message}`),
  );
  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      if (woken || !running) {
        woken = false;
        return resolve();
      }
      const done = () => {
        clearTimeout(timer);
        wake = undefined;
        resolve();
      };
      const timer = setTimeout(done, ms);
      wake = done;
    });
  const loop = (async () => {
    let lastSchedule = 0;
    while (running) {
      try {
        if (scheduleNow || Date.now() - lastSchedule >= scheduleEveryMs) {
          scheduleNow = false;
          lastSchedule = Date.now();
          await enqueueDueJobs(services);
        }
        const ran = await runOneJob(services, id, log, { metrics, onClaim: (job) => (inHand = job) });
        if (!ran && running) await sleep(pollMs);
      } catch (err) {
        // The database may be restarting: log and try again after a pause.
        log(`worker: ${err instanceof Error ? err.message : String(err)}`);
        if (running) await sleep(pollMs);
      }
    }
  })();
  return {
    id,
    async stop({ graceMs } = {}) {
      running = false;
      wake?.();
      if (graceMs === undefined) await loop;
      else {
        let timer: NodeJS.Timeout | undefined;
        const finished = await Promise.race([
          loop.then(() => true),
          new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), graceMs))),
        ]);
        clearTimeout(timer);
        const job = inHand;
        if (!finished && job) {
          const released = await services.jobs.release(job, id).catch(() => false);
          log(`worker ${id}: job ${job.kind} ${job.id} still running after ${graceMs} ms: ${released ? 'released for another worker' : 'left to its lease'}`);
        }
      }
      await listener.close();
    },
  };
}
