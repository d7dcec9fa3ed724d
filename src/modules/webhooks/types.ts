import { z } from 'zod';
import { outboundUrl } from '../../kernel/outboundUrl.ts';

/** Event types an endpoint can subscribe to. */
export const WEBHOOK_EVENTS = ['segment.membership_changed', 'survey.detractor', 'journey.step'] as const;
export type WebhookEvent = (typeof WEBHOOK_EVENTS)[number];

export const webhookInput = z
  .object({
    /** Never inside: link-local and metadata always refused, private ranges unless KIZUNA_ALLOW_PRIVATE_URLS=1. */
    url: outboundUrl(z.url({ protocol: /^https?$/, error: 'an http(s) URL' }).max(2000)),
    events: z.array(z.enum(WEBHOOK_EVENTS, { error: `one of ${WEBHOOK_EVENTS.join(', ')}` })).min(1).default(['segment.membership_changed']),
    /** Only these segments' membership changes; absent: every segment. */
    segmentIds: z.array(z.uuid()).min(1).max(100).optional(),
    description: z.string().trim().max(500).optional(),
  })
  .strict();
export type WebhookInput = z.input<typeof webhookInput>;

export interface Webhook {
  id: string;
  url: string;
  events: WebhookEvent[];
  segmentIds: string[] | null;
  description: string | null;
  active: boolean;
  /** The start of the secret, to tell endpoints apart; the whole secret is shown once, at creation. */
  secretPrefix: string;
  createdAt: Date;
}

export interface Delivery {
  id: string;
  webhookId: string;
  eventType: string;
  status: 'pending' | 'delivered' | 'failed';
  attempts: number;
  nextAttemptAt: Date;
  lastStatus: number | null;
  lastError: string | null;
  createdAt: Date;
  deliveredAt: Date | null;
}
