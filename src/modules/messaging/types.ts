import { z } from 'zod';
import { instant } from '../../lib/instant.ts';
import type { Queryable } from '../../db/database.ts';
import { MESSAGE_CHANNELS, MESSAGE_CLASSES, type MessageClass } from '../../lib/glossary.ts';
import { abTestInput, sendTimeInput, type AbTest, type SendTime } from './abTestInput.ts';

/** A campaign's conversion window unless set (the column's default too, migrations/001). */
export const DEFAULT_CONVERSION_WINDOW_DAYS = 7;

/** Channel and class ids are the glossary's (src/lib/glossary.ts), where their labels are too. */
export const CHANNELS = MESSAGE_CHANNELS;
export type Channel = (typeof CHANNELS)[number];
export { MESSAGE_CLASSES, type MessageClass };

/** A campaign's life (the table's CHECK constraint, migrations/001_messaging.sql). */
export const CAMPAIGN_STATUSES = ['draft', 'scheduled', 'sending', 'sent', 'cancelled'] as const;
/** 'waiting': an A/B test's rest group, until the winner is decided (abTest.ts). */
export const DELIVERY_STATES = ['queued', 'claimed', 'sending', 'sent', 'deferred', 'suppressed', 'failed', 'held_out', 'uncertain', 'waiting'] as const;
/** What happens after a crash to a message that may have reached its provider (docs/messaging.md, Delivery guarantees). */
export const DELIVERY_GUARANTEES = ['at_most_once', 'at_least_once'] as const;
export type DeliveryState = (typeof DELIVERY_STATES)[number];
export type Arm = 'treatment' | 'holdout' | 'global_control';

/**
 * What a campaign says, per channel. Text fields are Liquid templates (customer, coupon,
 * recommendations, campaign in scope); `mjml` is an MJML document with Liquid inside.
 */
export const emailTemplate = z.object({
  channel: z.literal('email'),
  subject: z.string().min(1).max(500),
  mjml: z.string().min(1).max(500_000),
});
export const lineTemplate = z.object({
  channel: z.literal('line'),
  text: z.string().min(1).max(5000).optional(),
  /** A flex message container (JSON with Liquid in its strings); `altText` is required with it. */
  flex: z.record(z.string(), z.unknown()).optional(),
  altText: z.string().min(1).max(400).optional(),
}).refine((t) => (t.text !== undefined) !== (t.flex !== undefined), { message: 'give text or flex', path: ['text'] })
  .refine((t) => t.flex === undefined || t.altText !== undefined, { message: 'altText is required with flex', path: ['altText'] });
export const smsTemplate = z.object({ channel: z.literal('sms'), text: z.string().min(1).max(1600) });
export const pushTemplate = z.object({
  channel: z.literal('push'),
  title: z.string().min(1).max(200),
  body: z.string().min(1).max(2000),
  data: z.record(z.string(), z.string()).optional(),
});
export const webhookTemplate = z.object({ channel: z.literal('webhook'), payload: z.record(z.string(), z.unknown()) });
export const dmTemplate = z.object({
  channel: z.literal('dm'),
  card: z.enum(['birthday', 'coupon']),
  /** The card's message (Liquid); a coupon card also prints `coupon.code`. */
  message: z.string().min(1).max(1000),
});
export const templateInput = z.union([emailTemplate, lineTemplate, smsTemplate, pushTemplate, webhookTemplate, dmTemplate]);
export type Template = z.infer<typeof templateInput>;
export type EmailTemplate = z.infer<typeof emailTemplate>;

export const campaignInput = z.object({
  name: z.string().trim().min(1).max(200),
  segmentId: z.uuid(),
  class: z.enum(MESSAGE_CLASSES).default('marketing'),
  template: templateInput,
  /** Share of the segment kept as this campaign's random holdout (0–99). */
  holdoutPercent: z.number().min(0).max(99).default(0),
  /** Issue one code of this coupon campaign to each recipient (`coupon.code` in templates). */
  couponCampaignId: z.uuid().optional(),
  conversionWindowDays: z.number().int().min(1).max(365).default(DEFAULT_CONVERSION_WINDOW_DAYS),
  /** Send at this time (by the worker) instead of when `send` is called. */
  scheduledAt: instant().optional(),
  /** Variants sent to a test share first; the winner goes to the rest (docs/messaging.md, "A/B tests and the winner rule"). */
  abTest: abTestInput.optional(),
  /** `usual_hour`: each delivery at its customer's usual hour (docs/messaging.md, "Send at the usual hour"). */
  sendTime: sendTimeInput.optional(),
});
export type CampaignInput = z.input<typeof campaignInput>;

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
  status: (typeof CAMPAIGN_STATUSES)[number];
  scheduledAt: Date | null;
  startedAt: Date | null;
  finishedAt: Date | null;
  createdAt: Date;
  abTest: AbTest | null;
  sendTime: SendTime | null;
  /** When the A/B test is (or was) decided; null before the launch or without a test. */
  abDecideAt: Date | null;
  /** The decision (abTest.ts, StoredDecision), once taken. */
  abDecision: Record<string, unknown> | null;
}

/** A delivery and its decision log, as the customer 360 shows them. */
export interface CustomerMessage {
  deliveryId: string;
  campaignId: string;
  campaignName: string;
  channel: Channel;
  class: MessageClass;
  arm: Arm;
  state: DeliveryState;
  reason: string | null;
  createdAt: Date;
  sentAt: Date | null;
  openedAt: Date | null;
  clickedAt: Date | null;
  log: { at: Date; kind: string; reason: string | null }[];
}

/**
 * Per-recipient template variables another module adds (the surveys module's `survey_links`),
 * loaded for a whole batch at once. Messaging does not import those modules: the composition root
 * (src/app/services.ts) hands the providers to MessagingService when it builds it.
 */
export type RecipientVariableLoader = (q: Queryable, workspaceId: string, customerIds: string[]) => Promise<Map<string, unknown>>;
/** Variable name → its loader. Templates also see each name at the top level (`{{ survey_links.nps }}`). */
export type RecipientVariableProviders = ReadonlyMap<string, RecipientVariableLoader>;

/** An estimate and its interval (null where it is undefined). */
export const intervalView = z.object({ estimate: z.number(), low: z.number(), high: z.number() }).nullable();
const n = z.number().int();
const groupSummary = z.object({ n, conversions: n, conversionRate: z.number().nullable(), revenue: z.number(), revenuePerRecipient: z.number().nullable() });
/** Treatment against a control group (src/analytics/stats/lift.ts): campaigns' and journeys' lift, with intervals. */
export const liftReportView = z.object({
  treatment: groupSummary,
  control: groupSummary,
  conversionRate: z.object({ absolute: intervalView, relative: intervalView }),
  revenuePerRecipient: z.object({ absolute: intervalView, relative: intervalView }),
  confidence: z.number(),
  methods: z.object({ conversionRate: z.string(), revenuePerRecipient: z.string() }),
});
/** The performance page of a campaign or a journey (docs/messaging.md, "Attribution: last touch and incremental"); money in minor units of `currency`. */
export const performanceView = z.object({
  currency: z.string(),
  conversionWindowDays: n,
  engagement: z.object({
    sent: n,
    delivered: n.describe('sent and not hard-bounced'),
    opens: z.object({ total: n, human: n, machine: n.describe('opened only by a machine (provider flag, or a proxy within seconds of delivery)') }),
    clicks: n,
    unsubscribes: n,
    bounces: z.object({ hard: n, soft: n }),
    complaints: n,
  }),
  lastTouch: z.object({ orders: n, customers: n, revenue: z.number().describe('orders credited to these messages by last touch within the window') }),
  incremental: z.object({
    control: z.enum(['holdout', 'global_control']).nullable(),
    treated: n,
    controlSize: n,
    conversions: intervalView.describe('treated minus what the control rate predicts, with its interval'),
    revenue: intervalView.describe('treated minus control revenue per person, times the treated'),
    confidence: z.number(),
  }),
});

/** The Overview's revenue from campaigns and journeys for a period. */
export const messageRevenueView = z.object({
  from: z.date(),
  to: z.date(),
  currency: z.string(),
  attributedRevenue: z.number(),
  attributed: z.object({ campaigns: performanceView.shape.lastTouch, journeys: performanceView.shape.lastTouch }),
  incrementalRevenue: intervalView,
  measured: z.object({ campaigns: n, campaignsStarted: n, journeys: n, journeysEntered: n }),
  confidence: z.number(),
});
