import type { DemoServices } from './demoServices.ts';
import { latestRun } from '../intelligence/distributions.ts';

const DAY = 86_400_000;

/**
 * Score history for the demo: scoring runs as of every 30 days over the last `months` months and
 * as of the data's end, as the daily worker would have left them, so the customer 360's score
 * history, the stage flow and "P(alive) change" have data on the first day. Each run is a real one
 * over the data up to its as-of. A start interrupted here resumes after the last finished run.
 */
export async function seedDemoScoreHistory(services: DemoServices, workspaceId: string, options: { end: Date; months?: number }): Promise<number> {
  const months = options.months ?? 5;
  const latest = await latestRun(services.db, workspaceId);
  let runs = 0;
  for (let k = months; k >= 0; k--) {
    const asOf = new Date(options.end.getTime() - k * 30 * DAY);
    if (latest && asOf <= latest.asOf) continue;
    // Full runs: each fits the models on the data up to its as-of (an incremental run would rescore
    // only customers changed since the last run in wall-clock time, and the clock did not move).
    await services.intelligence.score(workspaceId, { asOf, mode: 'full' });
    runs++;
  }
  return runs;
}
