import type { Channel, MessageClass } from '../campaigns/types.ts';

/** A message the outbox channel stored instead of sending (GET /v1/messaging/outbox). */
export interface OutboxMessage {
  id: string;
  campaignId: string | null;
  campaignName: string | null;
  customerId: string | null;
  channel: Channel;
  class: MessageClass;
  to: string;
  subject: string | null;
  text: string | null;
  headers: Record<string, string>;
  createdAt: string;
}

export interface OutboxMessageDetail extends OutboxMessage {
  html: string | null;
  content: Record<string, unknown>;
}
