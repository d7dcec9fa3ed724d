import type { Services } from '../app/services.ts';
import { enqueueLoyaltyProcessing } from '../modules/loyalty/jobs.ts';
import { enqueueMessagingSends } from '../modules/messaging/jobs.ts';
import { enqueueRecommendationRebuilds } from '../modules/recommendations/jobs.ts';
import { enqueueSegmentRefreshes } from '../modules/segments/jobs.ts';
import { enqueueWebhookDeliveries } from '../modules/webhooks/jobs.ts';
import { enqueueJourneyWork } from '../modules/journeys/jobs.ts';
import { enqueueSurveyWork } from '../modules/surveys/jobs.ts';
import { enqueueUgcWork } from '../modules/ugc/jobs.ts';

/**
 * The schedule: every workspace is scored once a day at its `dailyScoreHour` in its own time zone
 * (a worker that starts later in the day catches up at once), and as soon as possible if it has
 * never been scored. Jobs carry a dedupe key, so any number of workers ticking together enqueue
 * each job once.
 */
export function dailyScoreKey(now: Date, timeZone: string, hour: number): string | null {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', hourCycle: 'h23' })
      .formatToParts(now)
      .map((p) => [p.type, p.value]),
  );
  if (Number(parts.hour) < hour) return null;
  return `score:daily:${parts.year}-${parts.month}-${parts.day}`;
}

export async function enqueueDueJobs(services: Services, now = new Date()): Promise<number> {
  let enqueued = 0;
  for (const s of await services.intelligence.dailySchedules()) {
    const key = dailyScoreKey(now, s.timeZone, s.hour);
    if (key && (await services.jobs.enqueue(s.workspaceId, { kind: 'score', dedupeKey: key, maxAttempts: 3 }))) enqueued++;
    if (!(await services.intelligence.models(s.workspaceId)).lastRun) {
      if (await services.jobs.enqueue(s.workspaceId, { kind: 'score', dedupeKey: 'score:first', maxAttempts: 3 })) enqueued++;
    }
  }
  enqueued += await enqueueSegmentRefreshes(services, now);
  enqueued += await enqueueWebhookDeliveries(services, now);
  enqueued += await enqueueLoyaltyProcessing(services, now);
  enqueued += await enqueueMessagingSends(services, now);
  enqueued += await enqueueRecommendationRebuilds(services, now);
  enqueued += await enqueueJourneyWork(services, now);
  enqueued += await enqueueSurveyWork(services, now);
  enqueued += await enqueueUgcWork(services, now);
  return enqueued;
}
