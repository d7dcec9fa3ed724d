import type { SurveyService } from './service.ts';
import type { Job } from '../jobs/index.ts';
import { ALERT_JOB } from './service.ts';

/** The services these handlers use (the composition root passes them in). */
interface JobServices {
  surveys: SurveyService;
}

/** Worker job: the team's email about a new detractor case (retried with backoff if SMTP fails). */
export const SURVEY_JOB_HANDLERS: Record<string, (services: JobServices, job: Job) => Promise<unknown>> = {
  [ALERT_JOB]: (services, job) => services.surveys.sendCaseAlert(job.workspaceId, String(job.payload.caseId)),
};

/** Nothing is scheduled: alerts are enqueued when a case opens. */
export async function enqueueSurveyWork(_services: JobServices, _now = new Date()): Promise<number> {
  return 0;
}
