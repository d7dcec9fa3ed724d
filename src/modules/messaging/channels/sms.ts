import { ProviderError, retryableStatus, type Messenger, type OutboundMessage } from '../messenger.ts';
import type { MessagingSettings } from '../settings.ts';
import { joinUrl, request } from './http.ts';

/** Twilio error codes that say the number will not take SMS from us. */
const BAD_NUMBER = new Set([21211, 21214, 21614]);
const OPTED_OUT = 21610;

/**
 * SMS through an API of Twilio's shape: POST /2010-04-01/Accounts/{sid}/Messages.json, form-encoded,
 * Basic auth. Such APIs do not deduplicate, so a resend after a crash between their 201 and our
 * commit reaches the phone twice (documented in docs/messaging.md).
 */
export class SmsMessenger implements Messenger {
  readonly channel = 'sms' as const;
  constructor(private readonly config: NonNullable<MessagingSettings['sms']>) {}

  async send(message: OutboundMessage): Promise<{ providerId: string }> {
    if (message.content.channel !== 'sms') throw new Error(`SMS messenger got ${message.content.channel} content`);
    const { accountSid, authToken, from, baseUrl } = this.config;
    const res = await request(joinUrl(baseUrl, `/2010-04-01/Accounts/${encodeURIComponent(accountSid)}/Messages.json`), {
      headers: {
        authorization: `Basic ${Buffer.from(`${accountSid}:${authToken}`).toString('base64')}`,
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: new URLSearchParams({ To: message.to, From: from, Body: message.content.text }).toString(),
    });
    if (res.status === 200 || res.status === 201) return { providerId: String(res.body.sid) };
    const code = Number(res.body.code);
    const kind = res.status === 429 ? 'rate_limited' : code === OPTED_OUT ? 'recipient_opted_out' : BAD_NUMBER.has(code) ? 'invalid_recipient' : `http_${res.status}`;
    throw new ProviderError(`SMS provider ${code || res.status}: ${String(res.body.message ?? '')}`, kind, retryableStatus(res.status));
  }

  async close(): Promise<void> {}
}
