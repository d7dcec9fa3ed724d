import type { Queryable } from '../../../db/database.ts';
import { newId } from '../../../db/ids.ts';
import type { Content, Messenger, OutboundMessage } from '../messenger.ts';
import type { MessagingSettings } from '../settings.ts';
import { emailMessageId, unsubscribeHeaders } from './email.ts';

/** What the outbox keeps of a message besides its whole content: the parts a person reads. */
export interface OutboxParts {
  subject: string | null;
  html: string | null;
  text: string | null;
  headers: Record<string, string>;
}

/**
 * The outbox channel: instead of handing a message to a provider it stores it, rendered in full
 * (for email the same html, text and headers SMTP would carry), in `outbox_messages`. It stands in
 * for any channel the settings name, behind the same delivery gate, so a demo or a staging
 * workspace exercises everything up to the wire. The delivery id is the row's key: a resend after
 * a crash finds the row already there and stores nothing twice.
 */
export class OutboxMessenger implements Messenger {
  constructor(
    readonly channel: Content['channel'],
    private readonly db: Queryable,
    private readonly sender: MessagingSettings['sender'],
  ) {}

  async send(message: OutboundMessage): Promise<{ providerId: string }> {
    if (message.content.channel !== this.channel) throw new Error(`outbox for ${this.channel} got ${message.content.channel} content`);
    const parts = outboxParts(message, this.sender);
    const { workspaceId, campaignId, customerId } = message.about;
    const { rows } = await this.db.query<{ id: string }>(
      `WITH ins AS (
         INSERT INTO outbox_messages (workspace_id, id, key, campaign_id, customer_id, channel, class, recipient, subject, html, text, headers, content)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)
         ON CONFLICT (workspace_id, key) DO NOTHING RETURNING id)
       SELECT id FROM ins UNION ALL SELECT id FROM outbox_messages WHERE workspace_id = $1 AND key = $3`,
      [
        workspaceId, newId(), message.key, campaignId || null, customerId || null, message.channel, message.class, message.to,
        parts.subject, parts.html, parts.text, JSON.stringify(parts.headers), JSON.stringify(message.content),
      ],
    );
    return { providerId: `outbox:${rows[0]!.id}` };
  }

  async close(): Promise<void> {}
}

/** Subject, bodies and headers of a message as its channel would show them. */
export function outboxParts(message: OutboundMessage, sender: MessagingSettings['sender']): OutboxParts {
  const c = message.content;
  const base = { From: sender.name, To: message.to };
  switch (c.channel) {
    case 'email':
      return {
        subject: c.subject,
        html: c.html,
        text: c.text,
        headers: {
          From: `${message.fromName ?? sender.name} <${sender.email}>`,
          To: message.to,
          ...(sender.replyTo ? { 'Reply-To': sender.replyTo } : {}),
          Subject: c.subject,
          'Message-ID': emailMessageId(message, sender),
          ...unsubscribeHeaders(message),
          ...message.headers,
        },
      };
    case 'line':
      return { subject: null, html: null, text: c.messages.map(lineText).join('\n\n'), headers: base };
    case 'sms':
      return { subject: null, html: null, text: c.text, headers: base };
    case 'push':
      return { subject: c.title, html: null, text: c.body, headers: base };
    case 'webhook':
      return { subject: null, html: null, text: JSON.stringify(c.payload, null, 2), headers: base };
    case 'dm':
      return { subject: c.card, html: null, text: [c.message, c.couponCode].filter(Boolean).join('\n'), headers: { ...base, To: c.recipient.name } };
  }
}

/** A LINE message as the chat shows it in a notification: its text, or a flex message's altText. */
function lineText(m: Record<string, unknown>): string {
  if (typeof m.text === 'string') return m.text;
  if (typeof m.altText === 'string') return m.altText;
  return `[${String(m.type ?? 'message')}]`;
}
