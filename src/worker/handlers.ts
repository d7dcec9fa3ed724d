import { ValidationError } from '../kernel/errors.ts';
import type { Services } from '../app/services.ts';
import type { Job } from '../modules/jobs/index.ts';
import { PRECOMPUTE_KPIS_JOB } from '../modules/intelligence/kpiSnapshots.ts';
import { LOYALTY_JOB_HANDLERS } from '../modules/loyalty/jobs.ts';
import { MESSAGING_JOB_HANDLERS } from '../modules/messaging/jobs.ts';
import { RECOMMENDATION_JOB_HANDLERS } from '../modules/recommendations/jobs.ts';
import { SEGMENT_JOB_HANDLERS } from '../modules/segments/jobs.ts';
import { WEBHOOK_JOB_HANDLERS } from '../modules/webhooks/jobs.ts';
import { JOURNEY_JOB_HANDLERS } from '../modules/journeys/jobs.ts';
import { SURVEY_JOB_HANDLERS } from '../modules/surveys/jobs.ts';
import { UGC_JOB_HANDLERS } from '../modules/ugc/jobs.ts';

/** What each job kind does; handlers only call services. */
export const HANDLERS: Record<string, (services: Services, job: Job) => Promise<unknown>> = {
  score: async (services, job) => {
    const mode = job.payload.mode ?? 'auto';
    if (mode !== 'auto' && mode !== 'full' && mode !== 'incremental') throw new ValidationError(`score job: unknown mode ${String(mode)}`);
    const asOf = typeof job.payload.asOf === 'string' ? new Date(job.payload.asOf) : undefined;
    const run = await services.intelligence.score(job.workspaceId, { mode, asOf });
    return { runId: run.runId, kind: run.kind, recomputed: run.recomputed, seconds: run.seconds };
  },
  [PRECOMPUTE_KPIS_JOB]: (services, job) => services.intelligence.precomputeOverviewKpis(job.workspaceId),
  ...SEGMENT_JOB_HANDLERS,
  ...WEBHOOK_JOB_HANDLERS,
  ...LOYALTY_JOB_HANDLERS,
  ...MESSAGING_JOB_HANDLERS,
  ...RECOMMENDATION_JOB_HANDLERS,
  ...JOURNEY_JOB_HANDLERS,
  ...SURVEY_JOB_HANDLERS,
  ...UGC_JOB_HANDLERS,
};
