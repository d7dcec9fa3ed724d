import { createRng, type Rng } from '../../analytics/random.ts';
import type { PastDelivery } from '../messaging/index.ts';
import { chance } from './choose.ts';
import type { DemoServices } from './demoServices.ts';

export const DEMO_CAMPAIGN_NAME = '年末セールのお知らせ';
const DAY = 86_400_000;

/**
 * What a recipient did with a demo message, drawn from the seeded stream at rates typical of
 * retail email in Japan: a third open, about half of those only through Apple Mail Privacy
 * Protection's prefetch (a machine open seconds after delivery), a few percent click; rare
 * unsubscribes, bounces and complaints.
 */
function outcomeOf(rng: Rng): Omit<PastDelivery, 'customerId' | 'arm' | 'at' | 'step'> {
  const opened = chance(rng, 0.34);
  const machine = opened && chance(rng, 0.45);
  const clicked = opened && !machine && chance(rng, 0.16);
  return {
    opened: opened ? (machine ? 'machine' : 'human') : null,
    openedAfter: machine ? 2 + Math.floor(rng.next() * 10) : 600 + Math.floor(rng.next() * 86_400),
    clicked,
    unsubscribed: chance(rng, 0.003),
    hardBounce: chance(rng, 0.005),
    complained: chance(rng, 0.0004),
  };
}

/**
 * The demo's message history, so the performance pages and the Overview's revenue from campaigns
 * and journeys have something to show: a sale announcement three weeks before the end of data to
 * everyone who bought in the year before (10 % holdout), and the post-purchase journey's runs for
 * the orders of the 60 to 10 days before the end (activated, then paused so it takes no new
 * entrants). Arms are drawn as live sends draw them; the orders are the generated ones, so the
 * incremental figures are honest: whatever difference there is between the arms is chance.
 * Skipped when the campaign exists. Returns the deliveries and runs recorded.
 */
export async function seedDemoMessageHistory(services: DemoServices, workspaceId: string, options: { end: Date; seed: number }): Promise<{ campaign: number; journeyRuns: number } | null> {
  if ((await services.messaging.listCampaigns(workspaceId)).some((c) => c.name === DEMO_CAMPAIGN_NAME)) return null;
  const rng = createRng(options.seed * 7919 + 21);
  const segment = await services.segments.create(workspaceId, {
    name: '1年以内に購入した顧客',
    description: 'The demo sale announcement’s audience.',
    rule: { version: 1, match: { type: 'lastOrder', op: 'withinLastDays', value: 365 } },
  });
  const sentAt = new Date(options.end.getTime() - 21 * DAY + 3_600_000);
  await services.segments.refresh(workspaceId, segment.id, { asOf: sentAt });
  const recipients: string[] = [];
  for (let cursor: string | undefined, page; (page = await services.segments.members(workspaceId, segment.id, { limit: 1000, cursor })); cursor = page.nextCursor) {
    recipients.push(...page.data.map((m) => m.customerId));
    if (!page.nextCursor) break;
  }
  const campaign = await services.messaging.recordPastCampaign(workspaceId, {
    name: DEMO_CAMPAIGN_NAME,
    segmentId: segment.id,
    holdoutPercent: 10,
    conversionWindowDays: 7,
    template: { channel: 'email', subject: '年末セールのお知らせ', mjml: '<mjml><mj-body><mj-section><mj-column><mj-text>年末セールを開催します。</mj-text></mj-column></mj-section></mj-body></mjml>' },
    sentAt,
    recipients,
    outcome: () => outcomeOf(rng),
  });

  const journey = (await services.journeys.list(workspaceId)).find((j) => j.templateKey === 'post-purchase-recommendations');
  let journeyRuns = 0;
  if (journey) {
    if (journey.status === 'draft') await services.journeys.activate(workspaceId, journey.id);
    await services.journeys.pause(workspaceId, journey.id);
    const { rows } = await services.db.query<{ customer_id: string; at: Date }>(
      `SELECT customer_id, min(ordered_at) AS at FROM orders WHERE workspace_id = $1 AND status = 'completed' AND customer_id IS NOT NULL
         AND ordered_at >= $2 AND ordered_at < $3 GROUP BY customer_id ORDER BY customer_id`,
      [workspaceId, new Date(options.end.getTime() - 60 * DAY), new Date(options.end.getTime() - 10 * DAY)],
    );
    journeyRuns = await services.journeys.recordPastRuns(
      workspaceId,
      journey.id,
      // Entered a minute after the order, as the trigger scanner would: the order that triggered the run is not its outcome.
      // Replayed as of the end of data: steps, visits, and conversions within the goal window (journeys' recordPastRuns).
      rows.map((r) => ({ customerId: r.customer_id, enteredAt: new Date(r.at.getTime() + 60_000) })),
      { outcome: () => outcomeOf(rng) },
      options.end,
    );
  }
  return { campaign: campaign.recorded, journeyRuns };
}
