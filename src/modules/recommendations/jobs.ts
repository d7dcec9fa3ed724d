import type { JobService } from '../jobs/index.ts';
import type { RecommendationService } from './service.ts';
import type { WorkspaceService } from '../workspaces/index.ts';
import type { Job } from '../jobs/index.ts';

/** The services these handlers use (the composition root passes them in). */
interface JobServices {
  jobs: JobService;
  recommendations: RecommendationService;
  workspaces: WorkspaceService;
}

export const REBUILD_JOB = 'recommendations.rebuild';

/** Worker job: retrain the workspace's item-to-item model from all its orders and views. */
export const RECOMMENDATION_JOB_HANDLERS: Record<string, (services: JobServices, job: Job) => Promise<unknown>> = {
  [REBUILD_JOB]: async (services, job) => {
    const { orders, customers, products, pairs, seconds } = await services.recommendations.rebuild(job.workspaceId);
    return { orders, customers, products, pairs, seconds };
  },
};

/**
 * Schedule: one rebuild a day (UTC) for every workspace with completed orders; the dedupe key makes
 * any number of ticking workers enqueue it once.
 */
export async function enqueueRecommendationRebuilds(services: JobServices, now = new Date()): Promise<number> {
  const day = now.toISOString().slice(0, 10);
  let enqueued = 0;
  for (const w of await services.workspaces.list()) {
    if (!(await services.recommendations.hasPurchases(w.id))) continue;
    if (await services.jobs.enqueue(w.id, { kind: REBUILD_JOB, dedupeKey: `${REBUILD_JOB}:${day}`, maxAttempts: 3 })) enqueued++;
  }
  return enqueued;
}
