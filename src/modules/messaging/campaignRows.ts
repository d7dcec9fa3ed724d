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
  };
}
