import type { Services } from '../../app/services.ts';
import type { Job } from '../jobs/service.ts';

export const SEND_JOB = 'messaging.send';
/** A send job drains for at most this long, then leaves the rest to the next minute's job (the worker runs one job at a time). */
const JOB_BUDGET_MS = 50_000;

/** Worker job: drain the workspace's due deliveries (and start its due scheduled campaigns). */
export const MESSAGING_JOB_HANDLERS: Record<string, (services: Services, job: Job) => Promise<unknown>> = {
  [SEND_JOB]: async (services, job) => {
    const started = Date.now();
    const total = { passes: 0, launched: 0, claimed: 0, sent: 0, deferred: 0, suppressed: 0, failed: 0, retrying: 0 };
    try {
      for (;;) {
        const r = await services.messaging.drain({ workspaceId: job.workspaceId });
        total.passes++;
        for (const k of ['launched', 'claimed', 'sent', 'deferred', 'suppressed', 'failed', 'retrying'] as const) total[k] += r[k];
        if ((r.claimed === 0 && r.launched === 0) || Date.now() - started > JOB_BUDGET_MS) return total;
      }
    } finally {
      // Pooled SMTP connections are kept for one job, not between jobs a minute apart.
      await services.messaging.close();
    }
  },
};

/** Schedule: one send job per workspace with due deliveries or campaigns, at most one per workspace and minute. */
export async function enqueueMessagingSends(services: Services, now = new Date()): Promise<number> {
  const minute = now.toISOString().slice(0, 16);
  let enqueued = 0;
  for (const ws of await services.messaging.workspacesWithDueWork(now)) {
    if (await services.jobs.enqueue(ws, { kind: SEND_JOB, dedupeKey: `${SEND_JOB}:${minute}` })) enqueued++;
  }
  return enqueued;
}
