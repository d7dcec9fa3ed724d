import type { Queryable } from '../../db/database.ts';
import { decideWinner, differenceOf, metricValue, variantInterval, type AbMetric, type VariantOutcome } from '../../analytics/stats/abWinner.ts';
import type { Interval } from '../../analytics/stats/proportion.ts';
import { sendModeOf, type AbTest, type SendTime, type StoredDecision } from './abTest.ts';

/** One variant's test group, every metric (intent-to-treat: every delivery of the variant counts). */
export interface VariantCounts {
  key: string;
  n: number;
  sent: number;
  opens: number;
  clicks: number;
  conversions: number;
  revenue: number;
  revenueSquares: number;
}

/**
 * The test group's counts by variant, up to `until` (the decision's clock): opens and clicks seen
 * by then, paying orders within the conversion window of the delivery and before `until`.
 */
export async function variantCounts(q: Queryable, workspaceId: string, campaignId: string, currency: string, windowDays: number, until: Date): Promise<VariantCounts[]> {
  const { rows } = await q.query<{ variant: string; n: number; sent: number; opens: number; clicks: number; conversions: number; revenue: number; revenue_sq: number }>(
    `WITH per_customer AS (
       -- Opens by people only: a proxy's fetch at delivery (machine open, migration 012) says nothing of the subject.
       SELECT d.variant, d.state, coalesce(d.human_opened_at, CASE WHEN d.machine_opened_at IS NULL THEN d.opened_at END) <= $4 AS opened, d.clicked_at <= $4 AS clicked,
         count(o.id) AS orders, coalesce(sum(o.net_minor), 0)::float8 AS revenue
       FROM deliveries d
       LEFT JOIN paying_orders o ON o.workspace_id = d.workspace_id AND o.customer_id = d.customer_id
         AND o.currency = $5 AND o.ordered_at >= d.created_at AND o.ordered_at < d.created_at + make_interval(days => $3) AND o.ordered_at <= $4
       WHERE d.workspace_id = $1 AND d.campaign_id = $2 AND d.ab_group = 'test'
       GROUP BY d.id, d.variant, d.state, d.opened_at, d.human_opened_at, d.machine_opened_at, d.clicked_at)
     SELECT variant, count(*)::int AS n, count(*) FILTER (WHERE state = 'sent')::int AS sent,
       count(*) FILTER (WHERE opened)::int AS opens, count(*) FILTER (WHERE clicked)::int AS clicks,
       count(*) FILTER (WHERE orders > 0 AND revenue > 0)::int AS conversions,
       coalesce(sum(revenue), 0)::float8 AS revenue, coalesce(sum(revenue * revenue), 0)::float8 AS revenue_sq
     FROM per_customer GROUP BY variant`,
    [workspaceId, campaignId, windowDays, until, currency],
  );
  return rows.map((r) => ({ key: r.variant, n: r.n, sent: r.sent, opens: r.opens, clicks: r.clicks, conversions: r.conversions, revenue: r.revenue, revenueSquares: r.revenue_sq }));
}

/** The counts as the winner rule reads them for `metric`; variants without deliveries count as empty. */
export function outcomesFor(test: Pick<AbTest, 'variants'>, counts: VariantCounts[], metric: AbMetric): VariantOutcome[] {
  return test.variants.map(({ key }) => {
    const c = counts.find((x) => x.key === key);
    const successes = !c ? 0 : metric === 'opens' ? c.opens : metric === 'clicks' ? c.clicks : c.conversions;
    return { key, n: c?.n ?? 0, successes, revenueSum: c?.revenue ?? 0, revenueSumSquares: c?.revenueSquares ?? 0 };
  });
}

const END_OF_TIME = new Date('9999-12-31T00:00:00Z');

export interface AbTestReport {
  metric: AbMetric;
  confidence: number;
  minPerVariant: number;
  decideAt: Date | null;
  variants: (Omit<VariantCounts, 'revenueSquares'> & { sendTime: 'usual_hour' | 'fixed'; rate: number | null; interval: Interval | null })[];
  /** The decision taken, or (before it) what the rule would say now, marked `provisional`. */
  decision: StoredDecision | (ReturnType<typeof decideWinner> & { provisional: true });
  /** The rest group: waiting for the winner, then released with it (queued until the worker sends), then sent. */
  rest: { n: number; waiting: number; sent: number; queued: number };
}

/** Usual hour against fixed time, when the test had both (variants pooled by send-time mode), on the test's metric. */
export interface SendTimeReport {
  metric: AbMetric;
  usualHour: { n: number; rate: number | null };
  fixedTime: { n: number; rate: number | null };
  /** Usual hour − fixed time, at the test's confidence. */
  difference: Interval | null;
}

export async function abTestReport(
  q: Queryable,
  workspaceId: string,
  campaign: { id: string; abTest: AbTest; sendTime: SendTime | null; abDecideAt: Date | null; abDecision: Record<string, unknown> | null; conversionWindowDays: number },
  currency: string,
  /** Events up to this time; by default all recorded (a clock moved forward in a demo is not cut off). */
  until = END_OF_TIME,
): Promise<{ abTest: AbTestReport; sendTime: SendTimeReport | null }> {
  const t = campaign.abTest;
  const counts = await variantCounts(q, workspaceId, campaign.id, currency, campaign.conversionWindowDays, until);
  const outcomes = outcomesFor(t, counts, t.metric);
  const rule = { metric: t.metric, confidence: t.confidence, minPerVariant: t.minPerVariant };
  const { rows: rest } = await q.query<{ n: number; waiting: number; sent: number; queued: number }>(
    `SELECT count(*)::int AS n, count(*) FILTER (WHERE state = 'waiting')::int AS waiting, count(*) FILTER (WHERE state = 'sent')::int AS sent,
            count(*) FILTER (WHERE state IN ('queued', 'claimed', 'sending', 'deferred'))::int AS queued
     FROM deliveries WHERE workspace_id = $1 AND campaign_id = $2 AND ab_group = 'rest'`,
    [workspaceId, campaign.id],
  );
  const variants = t.variants.map((v, i) => {
    const c = counts.find((x) => x.key === v.key) ?? { key: v.key, n: 0, sent: 0, opens: 0, clicks: 0, conversions: 0, revenue: 0, revenueSquares: 0 };
    const { revenueSquares: _, ...shown } = c;
    return { ...shown, sendTime: sendModeOf(v, campaign.sendTime).mode, rate: metricValue(outcomes[i]!, t.metric), interval: variantInterval(outcomes[i]!, t.metric, t.confidence) };
  });
  const decision = (campaign.abDecision as StoredDecision | null) ?? { ...decideWinner(outcomes, rule), provisional: true as const };
  return {
    abTest: { metric: t.metric, confidence: t.confidence, minPerVariant: t.minPerVariant, decideAt: campaign.abDecideAt, variants, decision, rest: rest[0]! },
    sendTime: sendTimeComparison(t, campaign.sendTime, outcomes),
  };
}

function sendTimeComparison(t: AbTest, campaignSendTime: SendTime | null, outcomes: VariantOutcome[]): SendTimeReport | null {
  const pool = (mode: 'usual_hour' | 'fixed'): VariantOutcome => {
    const picked = outcomes.filter((_, i) => sendModeOf(t.variants[i], campaignSendTime).mode === mode);
    return picked.reduce((a, o) => ({ key: mode, n: a.n + o.n, successes: a.successes + o.successes, revenueSum: a.revenueSum + o.revenueSum, revenueSumSquares: a.revenueSumSquares + o.revenueSumSquares }), {
      key: mode, n: 0, successes: 0, revenueSum: 0, revenueSumSquares: 0,
    });
  };
  const usual = pool('usual_hour');
  const fixed = pool('fixed');
  if (usual.n === 0 || fixed.n === 0) return null;
  return {
    metric: t.metric,
    usualHour: { n: usual.n, rate: metricValue(usual, t.metric) },
    fixedTime: { n: fixed.n, rate: metricValue(fixed, t.metric) },
    difference: differenceOf(usual, fixed, t.metric, t.confidence),
  };
}
