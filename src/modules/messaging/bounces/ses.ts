import { createVerify } from 'node:crypto';
import { outboundRequest } from '../../../kernel/outboundHttp.ts';
import { ValidationError } from '../../../kernel/errors.ts';
import { stripAngles, type FeedbackReport } from './report.ts';

/**
 * Amazon SES bounce and complaint notifications, delivered by SNS. Every SNS message is signed
 * (SignatureVersion 1: SHA1withRSA, 2: SHA256withRSA) with the certificate at SigningCertURL,
 * which must be an https URL on an sns.<region>.amazonaws.com host: anyone can post to our URL,
 * and anyone with an AWS account can sign through SNS, so the TopicArn must also be one the
 * workspace configured (messaging settings `feedback.sesTopicArns`).
 */
export interface SnsMessage {
  Type: 'Notification' | 'SubscriptionConfirmation' | 'UnsubscribeConfirmation';
  MessageId: string;
  TopicArn: string;
  Subject?: string;
  Message: string;
  Timestamp: string;
  SignatureVersion: string;
  Signature: string;
  SigningCertURL: string;
  SubscribeURL?: string;
  Token?: string;
}

/** Fetches a certificate or confirms a subscription; tests inject one. */
export type SnsFetch = (url: string) => Promise<string>;

const SNS_HOST = /^sns\.[a-z0-9-]+\.amazonaws\.com(\.cn)?$/;

/** Only AWS's own hosts are fetched (the certificate, the subscription confirmation), through the outbound guard. */
export function assertAwsUrl(url: string, field: string): URL {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new ValidationError('Invalid SNS message', [{ path: [field], message: 'not a URL' }]);
  }
  if (parsed.protocol !== 'https:' || !SNS_HOST.test(parsed.hostname) || parsed.port !== '') {
    throw new ValidationError('Invalid SNS message', [{ path: [field], message: 'must be an https URL on an sns.<region>.amazonaws.com host' }]);
  }
  return parsed;
}

export const defaultSnsFetch: SnsFetch = async (url) => {
  const res = await outboundRequest(url, { method: 'GET', headers: {}, body: '', timeoutMs: 10_000 });
  if (res.status !== 200) throw new Error(`GET ${new URL(url).hostname} answered ${res.status}`);
  return res.text;
};

/** The string SNS signed: the listed fields in this order, each as "Name\nvalue\n" (absent ones skipped). */
export function snsStringToSign(m: SnsMessage): string {
  const fields = m.Type === 'Notification' ? ['Message', 'MessageId', 'Subject', 'Timestamp', 'TopicArn', 'Type'] : ['Message', 'MessageId', 'SubscribeURL', 'Timestamp', 'Token', 'TopicArn', 'Type'];
  return fields
    .filter((f) => (m as unknown as Record<string, unknown>)[f] !== undefined)
    .map((f) => `${f}\n${(m as unknown as Record<string, string>)[f]}\n`)
    .join('');
}

export class SnsVerifier {
  private readonly certs = new Map<string, Promise<string>>();
  constructor(private readonly fetch: SnsFetch = defaultSnsFetch) {}

  /** Throws ValidationError unless the message is whole and signed by SNS. */
  async verify(body: unknown): Promise<SnsMessage> {
    const m = body as SnsMessage;
    if (!m || typeof m !== 'object' || typeof m.Signature !== 'string' || typeof m.SigningCertURL !== 'string' || typeof m.Type !== 'string' || typeof m.TopicArn !== 'string') {
      throw new ValidationError('Invalid SNS message', [{ path: [], message: 'not an SNS message' }]);
    }
    const algorithm = m.SignatureVersion === '1' ? 'RSA-SHA1' : m.SignatureVersion === '2' ? 'RSA-SHA256' : undefined;
    if (!algorithm) throw new ValidationError('Invalid SNS message', [{ path: ['SignatureVersion'], message: 'must be 1 or 2' }]);
    const certUrl = assertAwsUrl(m.SigningCertURL, 'SigningCertURL').toString();
    let cert = this.certs.get(certUrl);
    if (!cert) {
      cert = this.fetch(certUrl);
      this.certs.set(certUrl, cert);
      cert.catch(() => this.certs.delete(certUrl));
    }
    const verifier = createVerify(algorithm);
    verifier.update(snsStringToSign(m), 'utf8');
    let valid = false;
    try {
      valid = verifier.verify(await cert, m.Signature, 'base64');
    } catch {
      valid = false;
    }
    if (!valid) throw new ValidationError('Invalid SNS message', [{ path: ['Signature'], message: 'the signature does not verify' }]);
    return m;
  }

  /** Confirms a subscription by visiting its SubscribeURL (an AWS host only). */
  async confirm(m: SnsMessage): Promise<void> {
    if (!m.SubscribeURL) throw new ValidationError('Invalid SNS message', [{ path: ['SubscribeURL'], message: 'missing' }]);
    await this.fetch(assertAwsUrl(m.SubscribeURL, 'SubscribeURL').toString());
  }
}

interface SesMail {
  messageId?: string;
  timestamp?: string;
  headers?: { name: string; value: string }[];
  commonHeaders?: { messageId?: string };
}

/**
 * An SES notification (notificationType) or event-publishing record (eventType): Bounce (Permanent
 * is hard; Transient soft; Undetermined soft) and Complaint; anything else (Delivery, Send) is none.
 */
export function parseSesNotification(message: string, snsMessageId: string): FeedbackReport[] {
  let n: Record<string, unknown>;
  try {
    n = JSON.parse(message) as Record<string, unknown>;
  } catch {
    return [];
  }
  const type = (n.notificationType ?? n.eventType) as string | undefined;
  const mail = (n.mail ?? {}) as SesMail;
  const ourId = stripAngles(mail.commonHeaders?.messageId ?? mail.headers?.find((h) => h.name.toLowerCase() === 'message-id')?.value);
  if (type === 'Bounce') {
    const b = (n.bounce ?? {}) as { bounceType?: string; bounceSubType?: string; timestamp?: string; bouncedRecipients?: { emailAddress: string; status?: string; diagnosticCode?: string }[] };
    return (b.bouncedRecipients ?? []).map((r) => ({
      kind: b.bounceType === 'Permanent' ? ('hard_bounce' as const) : ('soft_bounce' as const),
      recipient: r.emailAddress.toLowerCase(),
      status: r.status ?? b.bounceSubType,
      diagnostic: r.diagnosticCode?.slice(0, 500),
      messageId: ourId,
      occurredAt: b.timestamp ? new Date(b.timestamp) : undefined,
      eventId: `ses:${snsMessageId}:${r.emailAddress.toLowerCase()}`,
    }));
  }
  if (type === 'Complaint') {
    const c = (n.complaint ?? {}) as { complaintFeedbackType?: string; timestamp?: string; complainedRecipients?: { emailAddress: string }[] };
    return (c.complainedRecipients ?? []).map((r) => ({
      kind: 'complaint' as const,
      recipient: r.emailAddress.toLowerCase(),
      status: c.complaintFeedbackType ?? 'abuse',
      messageId: ourId,
      occurredAt: c.timestamp ? new Date(c.timestamp) : undefined,
      eventId: `ses:${snsMessageId}:${r.emailAddress.toLowerCase()}`,
    }));
  }
  return [];
}
