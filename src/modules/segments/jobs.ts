import type { SegmentService } from './service.ts';
import type { WorkspaceService } from '../workspaces/index.ts';
import type { Job } from '../jobs/index.ts';
import { REFRESH_JOB } from './service.ts';

/** The services these handlers use (the composition root passes them in). */
interface JobServices {
  segments: SegmentService;
  workspaces: WorkspaceService;
}

/** Worker job: recompute every segment of the workspace (Segment Entered/Exited events, webhooks). */
export const SEGMENT_JOB_HANDLERS: Record<string, (services: JobServices, job: Job) => Promise<unknown>> = {
  [REFRESH_JOB]: async (services, job) => {
    const results = await services.segments.refreshAll(job.workspaceId);
    const total = (k: 'entered' | 'exited') => results.reduce((sum, r) => sum + r[k], 0);
    return { segments: results.length, entered: total('entered'), exited: total('exited') };
  },
};

/** Schedule: a (debounced) refresh for every workspace whose membership may be out of date. */
export async function enqueueSegmentRefreshes(services: JobServices, now = new Date()): Promise<number> {
  let enqueued = 0;
  for (const w of await services.workspaces.list()) {
    if ((await services.segments.needsRefresh(w.id, now)) && (await services.segments.requestRefresh(w.id, now))) enqueued++;
  }
  return enqueued;
}
