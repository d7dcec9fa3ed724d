import { abTestInput, sendTimeInput } from './abTestInput.ts';
import { templateInput, type Campaign } from './types.ts';

export function toCampaign(r: Record<string, unknown>): Campaign {
  return {
    id: r.id as string,
    name: r.name as string,
    channel: r.channel as Campaign['channel'],
    class: r.class as Campaign['class'],
    segmentId: r.segment_id as string,
    template: templateInput.parse(r.template),
    holdoutPercent: r.holdout_percent as number,
    couponCampaignId: (r.coupon_campaign_id as string | null) ?? null,
    conversionWindowDays: r.conversion_window_days as number,
    status: r.status as Campaign['status'],
    scheduledAt: (r.scheduled_at as Date | null) ?? null,
    startedAt: (r.started_at as Date | null) ?? null,
    finishedAt: (r.finished_at as Date | null) ?? null,
    createdAt: r.created_at as Date,
    abTest: r.ab_test ? abTestInput.parse(r.ab_test) : null,
    sendTime: r.send_time ? sendTimeInput.parse(r.send_time) : null,
    abDecideAt: (r.ab_decide_at as Date | null | undefined) ?? null,
    abDecision: (r.ab_decision as Record<string, unknown> | null | undefined) ?? null,
  };
}
