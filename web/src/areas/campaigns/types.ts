/** Shapes of the messaging API: aliases of /openapi.json (apiTypes.ts) where a route declares its answer. */
import type { Get, Item } from '../../apiTypes.ts';

export const CHANNELS = ['email', 'line', 'sms', 'push', 'webhook', 'dm'] as const;
export type Channel = (typeof CHANNELS)[number];
export type MessageClass = 'marketing' | 'transactional';
export type CampaignStatus = 'draft' | 'scheduled' | 'sending' | 'sent' | 'cancelled';
export type DeliveryState = 'queued' | 'claimed' | 'sending' | 'sent' | 'deferred' | 'suppressed' | 'failed' | 'held_out' | 'uncertain' | 'waiting';

export type Template =
  | { channel: 'email'; subject: string; mjml: string }
  | { channel: 'line'; text?: string; flex?: Record<string, unknown>; altText?: string }
  | { channel: 'sms'; text: string }
  | { channel: 'push'; title: string; body: string; data?: Record<string, string> }
  | { channel: 'webhook'; payload: Record<string, unknown> }
  | { channel: 'dm'; card: 'birthday' | 'coupon'; message: string };

/** What a channel renders for one customer (POST /v1/campaigns/:id/preview). */
export type Content =
  | { channel: 'email'; subject: string; html: string; text: string }
  | { channel: 'line'; messages: Record<string, unknown>[] }
  | { channel: 'sms'; text: string }
  | { channel: 'push'; title: string; body: string; data: Record<string, string> }
  | { channel: 'webhook'; payload: Record<string, unknown> }
  | { channel: 'dm'; card: 'birthday' | 'coupon'; message: string; couponCode: string | null; recipient: Record<string, unknown> };

export type Campaign = Get<'/v1/campaigns/{id}'>;
export type CampaignWithCounts = Item<Get<'/v1/campaigns'>['data']>;
export type CustomerMessage = Item<Get<'/v1/customers/{id}/messages'>['data']>;
export type CouponCampaign = Item<Get<'/v1/coupon-campaigns'>['data']>;
/** Campaigns' and journeys' performance (money in minor units of `currency`). */
export type Performance = Get<'/v1/campaigns/{id}/performance'>;
export type MessageRevenue = Get<'/v1/insights/message-revenue'>;
/** Conversions and revenue per arm, lift, deliverability and the A/B test (GET /v1/campaigns/:id/report). */
export type CampaignReport = Get<'/v1/campaigns/{id}/report'>;
export type LiftReport = NonNullable<CampaignReport['vsHoldout']>;
export type Interval = NonNullable<LiftReport['conversionRate']['absolute']>;
/** The global control group against everyone targeted, month by month (GET /v1/messaging/global-control). */
export type GlobalControlReport = Get<'/v1/messaging/global-control'>;
