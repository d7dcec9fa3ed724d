import type { JobService } from '../jobs/index.ts';
import type { MessagingService } from './service.ts';
import type { Job } from '../jobs/index.ts';

/** The services these handlers use (the composition root passes them in). */
interface JobServices {
  jobs: JobService;
  messaging: MessagingService;
}

export const SEND_JOB = 'messaging.send';
/** Decides the workspace's A/B tests that are due and releases their rest groups with the winner. */
export const AB_DECIDE_JOB = 'messaging.abDecide';
/** A send job drains for at most this long, then leaves the rest to the next job (the worker runs one job at a time). */
const JOB_BUDGET_MS = 50_000;
const FIRST_PASS_LIMIT = 25;

/** Worker job: drain the workspace's due deliveries (and start its due scheduled campaigns). */
export const MESSAGING_JOB_HANDLERS: Record<string, (services: JobServices, job: Job) => Promise<unknown>> = {
  [SEND_JOB]: async (services, job) => {
    const started = Date.now();
    const total = { passes: 0, launched: 0, claimed: 0, sent: 0, deferred: 0, suppressed: 0, failed: 0, retrying: 0 };
    try {
      for (;;) {
        // A small first pass: the first messages leave before a whole batch is gated and rendered.
        const r = await services.messaging.drain({ workspaceId: job.workspaceId, ...(total.passes === 0 ? { limit: FIRST_PASS_LIMIT } : {}) });
        total.passes++;
        for (const k of ['launched', 'claimed', 'sent', 'deferred', 'suppressed', 'failed', 'retrying'] as const) total[k] += r[k];
        if ((r.claimed === 0 && r.launched === 0) || Date.now() - started > JOB_BUDGET_MS) break;
      }
      // Rows still leased by another (perhaps dead) worker: look again when the lease runs out.
      const leaseEnds = await services.messaging.leaseEnds(job.workspaceId);
      if (leaseEnds) {
        const runAt = new Date(Math.max(leaseEnds.getTime(), Date.now()) + 100);
        await services.jobs.enqueue(job.workspaceId, { kind: SEND_JOB, dedupeKey: `${SEND_JOB}:lease:${runAt.toISOString().slice(0, 19)}`, runAt });
      }
      return total;
    } finally {
      // Pooled SMTP connections are kept for one job, not between jobs a minute apart.
      await services.messaging.close();
    }
  },
  [AB_DECIDE_JOB]: async (services, job) => {
    const decided = await services.messaging.decideAbTests({ workspaceId: job.workspaceId });
    return { decided: decided.map((d) => ({ campaignId: d.campaignId, winner: d.decision.winner, sent: d.decision.sent, reason: d.decision.reason })) };
  },
};

/**
 * Schedule: a send job for each workspace with due deliveries or campaigns, unless one is waiting
 * or running there already (it will find the new work). Queued deliveries wake the workers
 * (queue.ts), so this runs within moments of a send; the dedupe key (to the second) keeps workers
 * woken together from queueing two.
 */
export async function enqueueMessagingSends(services: JobServices, now = new Date()): Promise<number> {
  const second = now.toISOString().slice(0, 19);
  let enqueued = 0;
  for (const ws of await services.messaging.workspacesWithDueWork(now)) {
    if (await services.jobs.pending(ws, SEND_JOB)) continue;
    if (await services.jobs.enqueue(ws, { kind: SEND_JOB, dedupeKey: `${SEND_JOB}:${second}` })) enqueued++;
  }
  // A/B decisions: their own job, so a decision is never stuck behind a long send.
  for (const ws of await services.messaging.workspacesWithDueDecisions(now)) {
    if (await services.jobs.pending(ws, AB_DECIDE_JOB)) continue;
    if (await services.jobs.enqueue(ws, { kind: AB_DECIDE_JOB, dedupeKey: `${AB_DECIDE_JOB}:${second}` })) enqueued++;
  }
  return enqueued;
}
