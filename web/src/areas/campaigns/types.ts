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

export interface Campaign {
  id: string;
  name: string;
  channel: Channel;
  class: MessageClass;
  segmentId: string;
  template: Template;
  holdoutPercent: number;
  couponCampaignId: string | null;
  conversionWindowDays: number;
  status: CampaignStatus;
  scheduledAt: string | null;
  startedAt: string | null;
  finishedAt: string | null;
  createdAt: string;
}

export interface CampaignWithCounts extends Campaign {
  counts: Partial<Record<DeliveryState, number>>;
}

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

export interface CustomerMessage {
  deliveryId: string;
  campaignId: string;
  campaignName: string;
  channel: Channel;
  class: MessageClass;
  arm: Arm;
  state: DeliveryState;
  reason: string | null;
  createdAt: string;
  sentAt: string | null;
  openedAt: string | null;
  clickedAt: string | null;
  log: { at: string; kind: string; reason: string | null }[];
}

export interface CouponCampaign {
  id: string;
  name: string;
  status: string;
}

/** GET /v1/campaigns/:id/performance and /v1/journeys/:id/performance (money in minor units of `currency`). */
export interface Performance {
  currency: string;
  conversionWindowDays: number;
  engagement: {
    sent: number;
    delivered: number;
    opens: { total: number; human: number; machine: number };
    clicks: number;
    unsubscribes: number;
    bounces: { hard: number; soft: number };
    complaints: number;
  };
  lastTouch: { orders: number; customers: number; revenue: number };
  incremental: { control: 'holdout' | 'global_control' | null; treated: number; controlSize: number; conversions: Interval | null; revenue: Interval | null; confidence: number };
}

/** GET /v1/insights/message-revenue */
export interface MessageRevenue {
  from: string;
  to: string;
  currency: string;
  attributedRevenue: number;
  attributed: { campaigns: Performance['lastTouch']; journeys: Performance['lastTouch'] };
  incrementalRevenue: Interval | null;
  measured: { campaigns: number; campaignsStarted: number; journeys: number; journeysEntered: number };
  confidence: number;
}
