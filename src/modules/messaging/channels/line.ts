import { ProviderError, retryableStatus, type Messenger, type OutboundMessage } from '../messenger.ts';
import type { MessagingSettings } from '../settings.ts';
import { joinUrl, request } from './http.ts';

/**
 * LINE Messaging API push (POST /v2/bot/message/push). The delivery id goes in X-Line-Retry-Key, so
 * LINE itself refuses a second push of the same message: a 409 "retry key is already accepted" is
 * a success, which makes a resend after a crash harmless on this channel.
 */
export class LineMessenger implements Messenger {
  readonly channel = 'line' as const;
  constructor(private readonly config: NonNullable<MessagingSettings['line']>) {}

  async send(message: OutboundMessage): Promise<{ providerId: string }> {
    if (message.content.channel !== 'line') throw new Error(`LINE messenger got ${message.content.channel} content`);
    const res = await request(joinUrl(this.config.baseUrl, '/v2/bot/message/push'), {
      headers: {
        authorization: `Bearer ${this.config.channelAccessToken}`,
        'content-type': 'application/json',
        'x-line-retry-key': message.key,
      },
      body: JSON.stringify({ to: message.to, messages: message.content.messages }),
    });
    const sent = (res.body.sentMessages as { id?: string }[] | undefined)?.[0]?.id;
    if (res.status === 200 || (res.status === 409 && res.headers.get('x-line-accepted-request-id'))) {
      return { providerId: sent ?? res.headers.get('x-line-accepted-request-id') ?? res.headers.get('x-line-request-id') ?? message.key };
    }
    const text = String(res.body.message ?? `HTTP ${res.status}`);
    const code = res.status === 429 ? 'rate_limited' : res.status === 400 && /'to'/.test(text) ? 'invalid_recipient' : res.status === 401 ? 'unauthorized' : `http_${res.status}`;
    throw new ProviderError(`LINE: ${text}`, code, retryableStatus(res.status));
  }

  async close(): Promise<void> {}
}
