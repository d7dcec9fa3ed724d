import type { JobService } from '../jobs/index.ts';
import type { UgcService } from './service.ts';
import type { Job } from '../jobs/index.ts';

/** The services these handlers use (the composition root passes them in). */
interface JobServices {
  jobs: JobService;
  ugc: UgcService;
}

export const REWARD_JOB = 'ugc.rewards';
export const SURVEY_SYNC_JOB = 'ugc.survey-sync';
const SLOT_MS = 600_000;

/** Worker jobs: grant rewards a crash left pending; enter survey answers into survey campaigns. */
export const UGC_JOB_HANDLERS: Record<string, (services: JobServices, job: Job) => Promise<unknown>> = {
  [REWARD_JOB]: async (services, job) => ({ attempted: await services.ugc.grantPendingRewards(job.workspaceId) }),
  [SURVEY_SYNC_JOB]: async (services, job) => services.ugc.syncSurveyEntries(job.workspaceId, String(job.payload.campaignId)),
};

/**
 * Schedule, at most once per 10 minutes each: a reward job per workspace with pending rewards (an
 * approval grants at once; this only catches what an interruption left), and a sync job per active
 * survey campaign.
 */
export async function enqueueUgcWork(services: JobServices, now = new Date()): Promise<number> {
  const slot = Math.floor(now.getTime() / SLOT_MS);
  let enqueued = 0;
  for (const ws of await services.ugc.workspacesWithPendingRewards()) {
    if (await services.jobs.enqueue(ws, { kind: REWARD_JOB, dedupeKey: `${REWARD_JOB}:${slot}` })) enqueued++;
  }
  for (const { workspaceId, campaignId } of await services.ugc.activeSurveyCampaigns()) {
    if (await services.jobs.enqueue(workspaceId, { kind: SURVEY_SYNC_JOB, payload: { campaignId }, dedupeKey: `${SURVEY_SYNC_JOB}:${campaignId}:${slot}` })) enqueued++;
  }
  return enqueued;
}
