import type { Services } from '../../app/services.ts';
import type { Job } from '../jobs/service.ts';
import { ALERT_JOB } from './service.ts';

/** Worker job: the team's email about a new detractor case (retried with backoff if SMTP fails). */
export const SURVEY_JOB_HANDLERS: Record<string, (services: Services, job: Job) => Promise<unknown>> = {
  [ALERT_JOB]: (services, job) => services.surveys.sendCaseAlert(job.workspaceId, String(job.payload.caseId)),
};

/** Nothing is scheduled: alerts are enqueued when a case opens. */
export async function enqueueSurveyWork(_services: Services, _now = new Date()): Promise<number> {
  return 0;
}
