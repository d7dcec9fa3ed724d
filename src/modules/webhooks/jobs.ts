import type { JobService } from '../jobs/index.ts';
import type { WebhookService } from './service.ts';
import type { Job } from '../jobs/index.ts';
import { DELIVER_JOB } from './service.ts';

/** The services these handlers use (the composition root passes them in). */
interface JobServices {
  jobs: JobService;
  webhooks: WebhookService;
}

/** Worker job: post the workspace's due webhook deliveries. */
export const WEBHOOK_JOB_HANDLERS: Record<string, (services: JobServices, job: Job) => Promise<unknown>> = {
  [DELIVER_JOB]: (services, job) => services.webhooks.deliverDueWebhooks({ workspaceId: job.workspaceId }),
};

/**
 * Schedule: a delivery job for every workspace with deliveries due (retries after their backoff),
 * at most one per workspace and minute.
 */
export async function enqueueWebhookDeliveries(services: JobServices, now = new Date()): Promise<number> {
  const minute = now.toISOString().slice(0, 16);
  let enqueued = 0;
  for (const ws of await services.webhooks.workspacesWithDueDeliveries(now)) {
    if (await services.jobs.enqueue(ws, { kind: DELIVER_JOB, dedupeKey: `${DELIVER_JOB}:${minute}` })) enqueued++;
  }
  return enqueued;
}
