import { ProviderError, retryableStatus, type Messenger, type OutboundMessage } from '../messenger.ts';
import type { MessagingSettings } from '../settings.ts';
import { joinUrl, request } from './http.ts';

/**
 * App push through the FCM HTTP v1 API: POST /v1/projects/{project}/messages:send with an OAuth
 * bearer token. UNREGISTERED and INVALID_ARGUMENT mean the device token is dead or wrong.
 */
export class PushMessenger implements Messenger {
  readonly channel = 'push' as const;
  constructor(private readonly config: NonNullable<MessagingSettings['push']>) {}

  async send(message: OutboundMessage): Promise<{ providerId: string }> {
    if (message.content.channel !== 'push') throw new Error(`push messenger got ${message.content.channel} content`);
    const { title, body, data } = message.content;
    const res = await request(joinUrl(this.config.baseUrl, `/v1/projects/${encodeURIComponent(this.config.projectId)}/messages:send`), {
      headers: { authorization: `Bearer ${this.config.accessToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ message: { token: message.to, notification: { title, body }, data: { ...data, kizuna_delivery: message.key } } }),
    });
    if (res.status === 200) return { providerId: String(res.body.name) };
    const error = (res.body.error ?? {}) as { status?: string; message?: string; details?: { errorCode?: string }[] };
    const fcmCode = error.details?.find((d) => d.errorCode)?.errorCode ?? error.status ?? `HTTP_${res.status}`;
    const code = ['UNREGISTERED', 'INVALID_ARGUMENT', 'SENDER_ID_MISMATCH'].includes(fcmCode) ? 'invalid_recipient' : fcmCode === 'QUOTA_EXCEEDED' ? 'rate_limited' : fcmCode.toLowerCase();
    throw new ProviderError(`FCM ${fcmCode}: ${error.message ?? ''}`, code, retryableStatus(res.status));
  }

  async close(): Promise<void> {}
}
