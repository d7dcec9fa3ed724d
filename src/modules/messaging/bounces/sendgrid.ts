import { createPublicKey, verify, type KeyObject } from 'node:crypto';
import { ValidationError } from '../../../kernel/errors.ts';
import { deliveryIdOf, stripAngles, type FeedbackReport } from './report.ts';

/**
 * SendGrid's Event Webhook, signed (ECDSA P-256 with SHA-256 over the timestamp header followed by
 * the raw body; the signature is base64 DER). The verification key is the workspace's, from
 * SendGrid's Mail Settings (messaging settings `feedback.sendgridPublicKey`, base64 DER or PEM).
 */
export const SIGNATURE_HEADER = 'x-twilio-email-event-webhook-signature';
export const TIMESTAMP_HEADER = 'x-twilio-email-event-webhook-timestamp';
/** Signed requests older than this are refused (a captured request replayed later). */
export const MAX_AGE_SECONDS = 600;

export function sendgridKey(configured: string): KeyObject {
  const text = configured.trim();
  return text.startsWith('-----BEGIN') ? createPublicKey(text) : createPublicKey({ key: Buffer.from(text, 'base64'), format: 'der', type: 'spki' });
}

export function verifySendgrid(publicKey: string, rawBody: Buffer, signature: string | undefined, timestamp: string | undefined, now = new Date()): void {
  if (!signature || !timestamp) throw new ValidationError('Invalid SendGrid event', [{ path: ['headers'], message: `${SIGNATURE_HEADER} and ${TIMESTAMP_HEADER} are required` }]);
  const age = now.getTime() / 1000 - Number(timestamp);
  if (!Number.isFinite(age) || Math.abs(age) > MAX_AGE_SECONDS) throw new ValidationError('Invalid SendGrid event', [{ path: ['headers', TIMESTAMP_HEADER], message: 'too old or in the future' }]);
  let valid = false;
  try {
    valid = verify('sha256', Buffer.concat([Buffer.from(timestamp), rawBody]), sendgridKey(publicKey), Buffer.from(signature, 'base64'));
  } catch {
    valid = false;
  }
  if (!valid) throw new ValidationError('Invalid SendGrid event', [{ path: ['headers', SIGNATURE_HEADER], message: 'the signature does not verify' }]);
}

interface SendgridEvent {
  event?: string;
  type?: string;
  email?: string;
  timestamp?: number;
  sg_event_id?: string;
  'smtp-id'?: string;
  status?: string;
  reason?: string;
  /** On open events: SendGrid's verdict that a machine (Apple Mail Privacy Protection's prefetch) made the open. */
  sg_machine_open?: boolean;
}

/** bounce (type bounce) is hard, bounce of type blocked soft, spamreport a complaint; the rest (deferred: SendGrid retries) is none. */
export function parseSendgridEvents(body: unknown): FeedbackReport[] {
  if (!Array.isArray(body)) throw new ValidationError('Invalid SendGrid event', [{ path: [], message: 'an array of events' }]);
  return (body as SendgridEvent[]).flatMap((e): FeedbackReport[] => {
    const kind = e.event === 'bounce' ? (e.type === 'blocked' ? 'soft_bounce' : 'hard_bounce') : e.event === 'spamreport' ? 'complaint' : undefined;
    if (!kind || !e.email) return [];
    return [
      {
        kind,
        recipient: e.email.toLowerCase(),
        status: e.status ?? (kind === 'complaint' ? 'abuse' : undefined),
        diagnostic: e.reason?.slice(0, 500),
        messageId: stripAngles(e['smtp-id']),
        occurredAt: e.timestamp ? new Date(e.timestamp * 1000) : undefined,
        eventId: `sendgrid:${e.sg_event_id ?? `${e.email}:${e.timestamp}:${e.event}`}`,
      },
    ];
  });
}

/**
 * Open events (with SendGrid's open tracking on), matched like bounces by our Message-ID in `smtp-id`;
 * `sg_machine_open` is the provider's flag for a machine open (machineOpen.ts).
 */
export function parseSendgridOpens(body: unknown): { deliveryId: string; machine: boolean; occurredAt?: Date }[] {
  if (!Array.isArray(body)) return [];
  return (body as SendgridEvent[]).flatMap((e) => {
    const deliveryId = e.event === 'open' ? deliveryIdOf({ messageId: stripAngles(e['smtp-id']) }) : undefined;
    return deliveryId ? [{ deliveryId, machine: e.sg_machine_open === true, occurredAt: e.timestamp ? new Date(e.timestamp * 1000) : undefined }] : [];
  });
}
