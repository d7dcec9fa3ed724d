/** Shapes of the messaging API: aliases of /openapi.json (apiTypes.ts) where a route declares its answer. */
import type { Get, Item } from '../../apiTypes.ts';

export const CHANNELS = ['email', 'line', 'sms', 'push', 'webhook', 'dm'] as const;
export type Channel = (typeof CHANNELS)[number];
export type MessageClass = 'marketing' | 'transactional';
export type CampaignStatus = 'draft' | 'scheduled' | 'sending' | 'sent' | 'cancelled';
export type DeliveryState = 'queued' | 'claimed' | 'sending' | 'sent' | 'deferred' | 'suppressed' | 'failed' | 'held_out' | 'uncertain' | 'waiting';
export type Arm = 'treatment' | 'holdout' | 'global_control';

export type Template =
  | { channel: 'email'; subject: string; mjml: string }
  | { channel: 'line'; text?: string; flex?: Record<string, unknown>; altText?: string }
  | { channel: 'sms'; text: string }
  | { channel: 'push'; title: string; body: string; data?: Record<string, string> }
  | { channel: 'webhook'; payload: Record<string, unknown> }
  | { channel: 'dm'; card: 'birthday' | 'coupon'; message: string };

export interface Interval {
  estimate: number;
  low: number;
  high: number;
}

export interface GroupSummary {
  n: number;
  conversions: number;
  conversionRate: number | null;
  revenue: number;
  revenuePerRecipient: number | null;
}

export interface LiftReport {
  treatment: GroupSummary;
  control: GroupSummary;
  conversionRate: { absolute: Interval | null; relative: Interval | null };
  revenuePerRecipient: { absolute: Interval | null; relative: Interval | null };
  confidence: number;
  methods: { conversionRate: string; revenuePerRecipient: string };
}

export interface CampaignReport {
  campaignId: string;
  conversionWindowDays: number;
  arms: Record<Arm, { n: number; conversions: number; revenueSum: number; revenueSumSquares: number }>;
  sent: number;
  /** Left 'sending' by a worker that died: may or may not have arrived; not sent again. */
  uncertain: number;
  opened: number;
  clicked: number;
  outcomes: { state: DeliveryState; reason: string | null; count: number }[];
  vsHoldout: LiftReport | null;
  vsGlobalControl: LiftReport | null;
  /** Bounces and complaints reported for the campaign (docs/messaging.md, Deliverability). */
  deliverability?: {
    sent: number;
    hardBounces: number;
    softBounces: number;
    complaints: number;
    bounceRate: number | null;
    complaintRate: number | null;
    pausedAt: string | null;
    pausedReason: string | null;
  };
}

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
