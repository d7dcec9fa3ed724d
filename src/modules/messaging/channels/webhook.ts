import { DELIVERY_HEADER, EVENT_HEADER, SIGNATURE_HEADER, TIMESTAMP_HEADER, sign } from '../../webhooks/signature.ts';
import { ProviderError, retryableStatus, type Messenger, type OutboundMessage } from '../messenger.ts';
import type { MessagingSettings } from '../settings.ts';
import { request } from './http.ts';

/**
 * A campaign message posted to the workspace's own endpoint (a call centre, a CRM), signed like
 * Kizuna's other webhooks (HMAC-SHA256 of the body, `X-Kizuna-Signature: sha256=…`). Failures are
 * retried with backoff by the deliveries queue; the delivery id is the receiver's idempotency key.
 */
export class WebhookMessenger implements Messenger {
  readonly channel = 'webhook' as const;
  constructor(private readonly config: NonNullable<MessagingSettings['webhook']>) {}

  async send(message: OutboundMessage): Promise<{ providerId: string }> {
    if (message.content.channel !== 'webhook') throw new Error(`webhook messenger got ${message.content.channel} content`);
    const body = JSON.stringify({
      id: message.key,
      type: 'campaign.message',
      campaignId: message.about.campaignId,
      customerId: message.about.customerId,
      externalId: message.about.externalId,
      class: message.class,
      payload: message.content.payload,
    });
    const res = await request(this.config.url, {
      headers: {
        'content-type': 'application/json',
        'user-agent': 'Kizuna-Messaging/1',
        [DELIVERY_HEADER]: message.key,
        [EVENT_HEADER]: 'campaign.message',
        [TIMESTAMP_HEADER]: String(Math.floor(Date.now() / 1000)),
        [SIGNATURE_HEADER]: sign(this.config.secret, body),
      },
      body,
    });
    if (res.status >= 200 && res.status < 300) return { providerId: message.key };
    throw new ProviderError(`webhook endpoint answered HTTP ${res.status}`, res.status === 429 ? 'rate_limited' : `http_${res.status}`, retryableStatus(res.status));
  }

  async close(): Promise<void> {}
}
