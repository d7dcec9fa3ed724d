import type { Queryable } from '../../db/database.ts';
import type { Attributed } from '../../analytics/stats/attribution.ts';
import { incrementalView, type IncrementalView } from '../../analytics/stats/incremental.ts';
import type { GroupOutcome } from '../../analytics/stats/lift.ts';
import { attributedInPeriod, attributedToMessages } from './attribution.ts';
import { DEFAULT_CONVERSION_WINDOW_DAYS, type Arm, type Campaign } from './types.ts';

/**
 * What a campaign's (or a journey's) messages did: engagement from the deliveries and their log,
 * revenue by last touch (attribution.ts) and incremental revenue against a randomised control.
 * Money is in minor units of the workspace's currency (orders in another currency are left out).
 */
export interface Engagement {
  sent: number;
  /** Sent and not hard-bounced. */
  delivered: number;
  /** Messages opened at all (machine opens included), by a person (or clicked), and only by a machine. */
  opens: { total: number; human: number; machine: number };
  clicks: number;
  unsubscribes: number;
  bounces: { hard: number; soft: number };
  complaints: number;
}

export interface Performance {
  currency: string;
  /** The incremental window (a campaign's conversion window, a journey's goal window). */
  conversionWindowDays: number;
  /** The window within which last touch credits an order to a message (each message's own). */
  lastTouchWindowDays: number;
  engagement: Engagement;
  lastTouch: Attributed;
  incremental: IncrementalView;
}

/** Engagement of the deliveries of `campaignIds`, each counted once per delivery. */
async function engagementOf(q: Queryable, workspaceId: string, campaignIds: string[]): Promise<Engagement> {
  const { rows } = await q.query<{ sent: number; delivered: number; opens: number; machine: number; clicks: number; unsubscribes: number; hard: number; soft: number; complaints: number }>(
    `WITH d AS (
       SELECT id, state, opened_at, human_opened_at, machine_opened_at, clicked_at FROM deliveries
       WHERE workspace_id = $1 AND campaign_id = ANY($2::uuid[])),
     ev AS (
       SELECT l.delivery_id,
         bool_or(l.kind = 'bounced' AND l.reason LIKE 'hard_bounce%') AS hard, bool_or(l.kind = 'bounced' AND l.reason NOT LIKE 'hard_bounce%') AS soft,
         bool_or(l.kind = 'complained') AS complained, bool_or(l.kind = 'unsubscribed') AS unsubscribed
       FROM delivery_log l JOIN d ON d.id = l.delivery_id
       WHERE l.workspace_id = $1 AND l.kind IN ('bounced', 'complained', 'unsubscribed') GROUP BY l.delivery_id)
     SELECT count(*) FILTER (WHERE d.state = 'sent')::int AS sent,
       count(*) FILTER (WHERE d.state = 'sent' AND NOT coalesce(ev.hard, false))::int AS delivered,
       count(d.opened_at)::int AS opens,
       -- Opened only by a machine: no person's open, no click (rows from before machine opens were told apart count as a person's).
       count(*) FILTER (WHERE d.machine_opened_at IS NOT NULL AND d.human_opened_at IS NULL AND d.clicked_at IS NULL)::int AS machine,
       count(d.clicked_at)::int AS clicks,
       count(*) FILTER (WHERE ev.unsubscribed)::int AS unsubscribes,
       count(*) FILTER (WHERE ev.hard)::int AS hard, count(*) FILTER (WHERE ev.soft AND NOT ev.hard)::int AS soft,
       count(*) FILTER (WHERE ev.complained)::int AS complaints
     FROM d LEFT JOIN ev ON ev.delivery_id = d.id`,
    [workspaceId, campaignIds],
  );
  const r = rows[0]!;
  return {
    sent: r.sent,
    delivered: r.delivered,
    opens: { total: r.opens, human: r.opens - r.machine, machine: r.machine },
    clicks: r.clicks,
    unsubscribes: r.unsubscribes,
    bounces: { hard: r.hard, soft: r.soft },
    complaints: r.complaints,
  };
}

type ArmOutcomes = Record<Arm, GroupOutcome>;
const EMPTY: GroupOutcome = { n: 0, conversions: 0, revenueSum: 0, revenueSumSquares: 0 };
const emptyArms = (): ArmOutcomes => ({ treatment: EMPTY, holdout: EMPTY, global_control: EMPTY });

/**
 * Per campaign and arm, intent-to-treat (as report.ts): every delivery row of the arm, converting
 * with paying orders in the workspace's currency within the campaign's window after the row was
 * enqueued (the same moment for every arm). Campaigns are those named, or those started in
 * [from, to); journeys' message rows are left out (a journey's control
 * is its held-out runs).
 */
async function armOutcomes(
  q: Queryable,
  workspaceId: string,
  currency: string,
  which: { campaignIds: string[] } | { from: Date; to: Date },
): Promise<Map<string, ArmOutcomes>> {
  const byIds = 'campaignIds' in which;
  const { rows } = await q.query<{ campaign_id: string; arm: Arm; n: number; conversions: number; revenue_sum: number; revenue_sq: number }>(
    `WITH chosen AS (
       ${byIds
         ? `SELECT id, conversion_window_days AS days FROM campaigns WHERE workspace_id = $1 AND id = ANY($3::uuid[]) AND source = 'campaign'`
         : `SELECT id, conversion_window_days AS days FROM campaigns WHERE workspace_id = $1 AND source = 'campaign' AND started_at >= $3 AND started_at < $4`}),
     per_delivery AS (
       SELECT d.campaign_id, d.arm, coalesce(sum(o.net_minor), 0)::float8 AS revenue
       FROM chosen c JOIN deliveries d ON d.workspace_id = $1 AND d.campaign_id = c.id
       LEFT JOIN paying_orders o ON o.workspace_id = d.workspace_id AND o.customer_id = d.customer_id AND o.currency = $2
         AND o.ordered_at >= d.created_at AND o.ordered_at < d.created_at + make_interval(days => c.days)
       GROUP BY d.id, d.campaign_id, d.arm)
     SELECT campaign_id, arm, count(*)::int AS n, count(*) FILTER (WHERE revenue > 0)::int AS conversions,
       sum(revenue) AS revenue_sum, sum(revenue * revenue) AS revenue_sq
     FROM per_delivery GROUP BY campaign_id, arm`,
    byIds ? [workspaceId, currency, which.campaignIds] : [workspaceId, currency, which.from, which.to],
  );
  const out = new Map<string, ArmOutcomes>();
  for (const r of rows) {
    const arms = out.get(r.campaign_id) ?? emptyArms();
    arms[r.arm] = { n: r.n, conversions: r.conversions, revenueSum: r.revenue_sum, revenueSumSquares: r.revenue_sq };
    out.set(r.campaign_id, arms);
  }
  return out;
}

/** A campaign's performance page: its arms' incremental view, engagement and last touch within its window. */
export async function campaignPerformance(
  q: Queryable,
  workspaceId: string,
  currency: string,
  campaign: Pick<Campaign, 'id' | 'conversionWindowDays'>,
  confidence: number,
): Promise<Performance & { campaignId: string }> {
  const arms = (await armOutcomes(q, workspaceId, currency, { campaignIds: [campaign.id] })).get(campaign.id) ?? emptyArms();
  const { revenueVariance: _, ...inc } = incrementalView(arms, confidence);
  return {
    campaignId: campaign.id,
    currency,
    conversionWindowDays: campaign.conversionWindowDays,
    lastTouchWindowDays: campaign.conversionWindowDays,
    engagement: await engagementOf(q, workspaceId, [campaign.id]),
    lastTouch: await attributedToMessages(q, workspaceId, currency, [campaign.id]),
    incremental: inc,
  };
}

/** Engagement and last-touch revenue of the message rows `campaignIds` (a journey's sends), with no control of their own. */
export async function messagesPerformance(
  q: Queryable,
  workspaceId: string,
  currency: string,
  campaignIds: string[],
): Promise<{ currency: string; engagement: Engagement; lastTouch: Attributed; lastTouchWindowDays: number }> {
  // Each message row credits orders within its own window: the largest of them (the default when none was sent yet).
  const { rows } = await q.query<{ days: number | null }>('SELECT max(conversion_window_days)::int AS days FROM campaigns WHERE workspace_id = $1 AND id = ANY($2::uuid[])', [workspaceId, campaignIds]);
  return {
    currency,
    engagement: await engagementOf(q, workspaceId, campaignIds),
    lastTouch: await attributedToMessages(q, workspaceId, currency, campaignIds),
    lastTouchWindowDays: rows[0]?.days ?? DEFAULT_CONVERSION_WINDOW_DAYS,
  };
}

/** Revenue from messages in [from, to) by last touch, and each campaign started then with a control group's incremental estimate and variance. */
export async function revenueInPeriod(q: Queryable, workspaceId: string, currency: string, from: Date, to: Date, confidence: number) {
  const attributed = await attributedInPeriod(q, workspaceId, currency, from, to);
  const started = await armOutcomes(q, workspaceId, currency, { from, to });
  const increments = [...started].flatMap(([campaignId, arms]) => {
    const v = incrementalView(arms, confidence);
    return v.revenue && v.revenueVariance !== null ? [{ campaignId, estimate: v.revenue.estimate, variance: v.revenueVariance }] : [];
  });
  return { currency, attributed, campaignsStarted: started.size, increments };
}
