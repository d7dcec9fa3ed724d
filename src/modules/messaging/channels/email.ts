import { Readable } from 'node:stream';
import type MailMessage from 'nodemailer/lib/mailer/mail-message.js';
import DKIM from 'nodemailer/lib/dkim/index.js';
import SMTPPool from 'nodemailer/lib/smtp-pool/index.js';
import { OutboundRefusedError } from '../../../kernel/outboundUrl.ts';
import { guardedSmtpSocket } from '../../../kernel/outboundSocket.ts';
import { ProviderError, type Messenger, type OutboundMessage } from '../messenger.ts';
import type { DkimSigningKey } from '../dkim.ts';
import type { MessagingSettings } from '../settings.ts';
import { mimeMessage } from './mimeMessage.ts';

/**
 * Email over SMTP through nodemailer's connection pool, the message built by `mimeMessage`. The Message-ID is the delivery id, so a
 * message resent after a crash between the server's 250 and our commit is recognisable as the same
 * message. Marketing mail carries List-Unsubscribe with an HTTPS URL and List-Unsubscribe-Post
 * (RFC 8058 one-click). With DKIM keys for the sender's domain, nodemailer's signer signs every message with each.
 * The built bytes go to the pool as they are: nodemailer's mailer would read them again through its
 * composer and a chain of streams per message, which cost more CPU than the SMTP exchange itself.
 */
/**
 * The headers a DKIM signature covers: nodemailer's RFC 6376 list plus List-Unsubscribe-Post, which
 * RFC 8058 §4 requires signed (with List-Unsubscribe) for one-click unsubscribe to be honoured.
 */
const SIGNED_HEADERS = [
  'From', 'Sender', 'Reply-To', 'Subject', 'Date', 'Message-ID', 'To', 'Cc', 'MIME-Version', 'Content-Type', 'Content-Transfer-Encoding',
  'Content-ID', 'Content-Description', 'In-Reply-To', 'References', 'List-Id', 'List-Help', 'List-Unsubscribe', 'List-Unsubscribe-Post',
  'List-Subscribe', 'List-Post', 'List-Owner', 'List-Archive',
].join(':');

export class EmailMessenger implements Messenger {
  readonly channel = 'email' as const;
  private readonly pool: SMTPPool;
  private readonly dkim: DKIM | null;

  constructor(
    config: NonNullable<MessagingSettings['email']>,
    private readonly sender: MessagingSettings['sender'],
    dkim: DkimSigningKey[] = [],
  ) {
    this.pool = new SMTPPool({
      url: config.smtpUrl,
      maxConnections: config.maxConnections,
      maxMessages: Infinity,
      // Local relays and test sinks often present self-signed certificates.
      tls: { rejectUnauthorized: false },
      // The connection is opened through the outbound guard: no SMTP host inside (kernel/outboundUrl.ts).
      getSocket: guardedSmtpSocket(),
    });
    this.dkim = dkim.length > 0 ? new DKIM({ keys: dkim, headerFieldNames: SIGNED_HEADERS } as DKIM.Options) : null;
  }

  async send(message: OutboundMessage): Promise<{ providerId: string }> {
    if (message.content.channel !== 'email') throw new Error(`email messenger got ${message.content.channel} content`);
    const messageId = emailMessageId(message, this.sender);
    const headers = { ...unsubscribeHeaders(message), ...message.headers };
    try {
      const { raw, envelope } = mimeMessage({
        from: { name: message.fromName ?? this.sender.name, address: this.sender.email },
        replyTo: this.sender.replyTo,
        to: message.to,
        subject: message.content.subject,
        html: message.content.html,
        text: message.content.text,
        messageId,
        headers,
      });
      await this.transmit(raw, envelope, messageId);
      return { providerId: messageId };
    } catch (err) {
      throw smtpError(err);
    }
  }

  async close(): Promise<void> {
    this.pool.close();
  }

  /** Hands the message to the pool in the shape its connections read (a mailer's compiled message): envelope, Message-ID, bytes. */
  private transmit(raw: Buffer, envelope: ReturnType<typeof mimeMessage>['envelope'], messageId: string): Promise<void> {
    const createReadStream = () => {
      const bytes = new Readable({
        read() {
          this.push(raw);
          this.push(null);
        },
      });
      return this.dkim ? this.dkim.sign(bytes) : bytes;
    };
    const message = { getEnvelope: () => envelope, messageId: () => messageId, getHeader: (key: string) => (key.toLowerCase() === 'message-id' ? messageId : undefined), createReadStream };
    return new Promise((resolve, reject) => this.pool.send({ data: {}, message } as unknown as MailMessage<SMTPPool.SentMessageInfo>, (err) => (err ? reject(err) : resolve())));
  }
}

/** The Message-ID of a delivery: its key at the sender's domain, the same on every resend. */
export function emailMessageId(message: OutboundMessage, sender: MessagingSettings['sender']): string {
  return `<${message.key}@${sender.email.split('@')[1]!}>`;
}

/** RFC 8058 one-click unsubscribe headers, for marketing mail. */
export function unsubscribeHeaders(message: OutboundMessage): Record<string, string> {
  if (!message.unsubscribeUrl) return {};
  return { 'List-Unsubscribe': `<${message.unsubscribeUrl}>`, 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' };
}

/** 4xx replies and connection trouble are temporary; 5xx are not (550/551/553 at RCPT: no such mailbox). */
function smtpError(err: unknown): ProviderError {
  if (err instanceof OutboundRefusedError) return new ProviderError(err.message, 'address_refused', false);
  const e = err as Error & { responseCode?: number; command?: string; code?: string };
  if (e.responseCode) {
    const permanent = e.responseCode >= 500;
    const badRecipient = permanent && e.command === 'RCPT TO' && [550, 551, 553].includes(e.responseCode);
    return new ProviderError(`SMTP ${e.responseCode} at ${e.command ?? 'send'}`, badRecipient ? 'invalid_recipient' : `smtp_${e.responseCode}`, !permanent);
  }
  return new ProviderError(`SMTP connection failed: ${e.code ?? 'error'}`, (e.code ?? 'connection').toLowerCase(), true);
}
