import type { Channel, MessageClass } from './types.ts';

/** A postal address as printed on paper DM (Japanese order: 〒, 都道府県, 市区町村, 番地, 建物, 氏名 様). */
export interface PostalRecipient {
  name: string;
  postalCode: string;
  prefecture: string;
  city: string;
  addressLine1: string;
  addressLine2: string | null;
}

export type Content =
  | { channel: 'email'; subject: string; html: string; text: string }
  | { channel: 'line'; messages: Record<string, unknown>[] }
  | { channel: 'sms'; text: string }
  | { channel: 'push'; title: string; body: string; data: Record<string, string> }
  | { channel: 'webhook'; payload: Record<string, unknown> }
  | { channel: 'dm'; card: 'birthday' | 'coupon'; message: string; couponCode: string | null; recipient: PostalRecipient };

export interface OutboundMessage {
  /**
   * The delivery id: one per (campaign, step, customer), so a resend after a crash carries the same
   * key (email Message-ID, LINE X-Line-Retry-Key, webhook X-Kizuna-Delivery, SMS/push idempotency header).
   */
  key: string;
  channel: Channel;
  class: MessageClass;
  /** The channel's address: email, E.164 phone, LINE user id, push token, customer id (webhook, DM). */
  to: string;
  content: Content;
  /** One-click unsubscribe URL (RFC 8058), for marketing email. */
  unsubscribeUrl?: string;
  /** Email: the From display name instead of the sender's (an A/B variant's). */
  fromName?: string;
  /** Extra email headers (a seed copy's or a proof's marker). */
  headers?: Record<string, string>;
  /** Sent with webhook payloads. */
  about: { workspaceId: string; campaignId: string; customerId: string; externalId: string | null };
}

/**
 * A provider refused or failed. `retryable` errors (rate limits, 5xx, timeouts) go back to the queue
 * with backoff; the others fail the delivery. `code` is short and stable ("rate_limited",
 * "invalid_recipient", "smtp_550"); the message never holds secrets.
 */
export class ProviderError extends Error {
  constructor(
    message: string,
    readonly code: string,
    readonly retryable: boolean,
  ) {
    super(message);
    this.name = 'ProviderError';
  }
}

/** The one interface every channel implements. */
export interface Messenger {
  readonly channel: Channel;
  send(message: OutboundMessage): Promise<{ providerId: string }>;
  /** Channels that work on batches (paper DM) take a whole claim at once; results in input order. */
  sendBatch?(messages: OutboundMessage[]): Promise<({ providerId: string } | ProviderError)[]>;
  close(): Promise<void>;
}

/** Maps an HTTP provider's status to retryability: 408, 429 and 5xx are worth another try. */
export function retryableStatus(status: number): boolean {
  return status === 408 || status === 429 || status >= 500;
}

/** A network failure (refused, reset, timeout) before any answer: always retryable. */
export function networkError(err: unknown): ProviderError {
  const e = err as Error & { code?: string; cause?: { code?: string } };
  const code = e.cause?.code ?? e.code ?? (e.name === 'TimeoutError' ? 'timeout' : 'network');
  return new ProviderError(`network error: ${code}`, code.toLowerCase(), true);
}
