import type { JobService } from '../jobs/index.ts';
import type { JourneyService } from './service.ts';
import type { Job } from '../jobs/index.ts';

/** The services these handlers use (the composition root passes them in). */
interface JobServices {
  jobs: JobService;
  journeys: JourneyService;
}

export const SCAN_JOB = 'journeys.scan';
export const RUN_JOB = 'journeys.run';
/** A run job keeps stepping due runs for this long (timers fire within about a second), then a follow-up job takes over. */
const RUN_BUDGET_MS = 50_000;
const IDLE_MS = 1_000;

export const JOURNEY_JOB_HANDLERS: Record<string, (services: JobServices, job: Job) => Promise<unknown>> = {
  [SCAN_JOB]: async (services, job) => services.journeys.scan(job.workspaceId),
  [RUN_JOB]: async (services, job) => {
    const started = Date.now();
    const total = { passes: 0, claimed: 0, transitions: 0 };
    for (;;) {
      const r = await services.journeys.runDue({ workspaceId: job.workspaceId });
      total.passes++;
      total.claimed += r.claimed;
      total.transitions += r.transitions;
      if (Date.now() - started > RUN_BUDGET_MS) {
        // Out of budget with work left: hand over to a follow-up now rather than at the next schedule tick (its key
        // is the next minute's, so the schedule does not add a second one), and let the worker run other jobs first.
        const next = await services.journeys.nextDue(job.workspaceId);
        if (next && next.getTime() < Date.now() + 60_000) await services.jobs.enqueue(job.workspaceId, { kind: RUN_JOB, dedupeKey: runKey(new Date(Date.now() + 60_000)) });
        return total;
      }
      if (r.claimed > 0) continue;
      // Idle: stay only if a timer falls due within the budget; a waiting run costs nothing meanwhile.
      const next = await services.journeys.nextDue(job.workspaceId);
      if (!next || next.getTime() > started + RUN_BUDGET_MS) return total;
      await new Promise((resolve) => setTimeout(resolve, Math.min(IDLE_MS, Math.max(0, next.getTime() - Date.now()))));
    }
  },
};

const runKey = (at: Date) => `${RUN_JOB}:${at.toISOString().slice(0, 16)}`;

/** Schedule: each minute, a scan job per workspace with an active journey, and a run job where runs fall due within the minute. */
export async function enqueueJourneyWork(services: JobServices, now = new Date()): Promise<number> {
  const minute = now.toISOString().slice(0, 16);
  let enqueued = 0;
  for (const w of await services.journeys.workspacesWithWork(new Date(now.getTime() + 60_000))) {
    if (await services.jobs.enqueue(w.workspaceId, { kind: SCAN_JOB, dedupeKey: `${SCAN_JOB}:${minute}` })) enqueued++;
    if (w.due && (await services.jobs.enqueue(w.workspaceId, { kind: RUN_JOB, dedupeKey: runKey(now) }))) enqueued++;
  }
  return enqueued;
}
