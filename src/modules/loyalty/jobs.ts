import type { Job, JobService } from '../jobs/index.ts';

/** What the loyalty job needs (not the whole services bag: the worker passes it). */
interface LoyaltyJobDeps {
  loyalty: { process(workspaceId: string): Promise<unknown>; programmeWorkspaces(): Promise<string[]> };
  jobs: Pick<JobService, 'enqueue'>;
}

export const PROCESS_JOB = 'loyalty.process';

/** Worker job: the order sync, confirmations, expiry, referrals, tier reviews and surprises of one workspace. */
export const LOYALTY_JOB_HANDLERS: Record<string, (services: LoyaltyJobDeps, job: Job) => Promise<unknown>> = {
  [PROCESS_JOB]: (services, job) => services.loyalty.process(job.workspaceId),
};

/** Schedule: once an hour for every workspace with a loyalty programme (a settings row); the dedupe key names the hour. */
export async function enqueueLoyaltyProcessing(services: LoyaltyJobDeps, now = new Date()): Promise<number> {
  const hour = now.toISOString().slice(0, 13);
  let enqueued = 0;
  for (const workspaceId of await services.loyalty.programmeWorkspaces()) {
    if (await services.jobs.enqueue(workspaceId, { kind: PROCESS_JOB, dedupeKey: `${PROCESS_JOB}:${hour}`, maxAttempts: 3 })) enqueued++;
  }
  return enqueued;
}
