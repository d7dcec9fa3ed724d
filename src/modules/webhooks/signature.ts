import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * Webhook signatures: `X-Kizuna-Signature: sha256=<hex HMAC-SHA256 of the raw body with the
 * endpoint's secret>`. The body carries the delivery id and its creation time, so a replayed
 * request is a duplicate of a delivery the receiver has already seen (X-Kizuna-Delivery).
 */
export const SIGNATURE_HEADER = 'x-kizuna-signature';
export const TIMESTAMP_HEADER = 'x-kizuna-timestamp';
export const DELIVERY_HEADER = 'x-kizuna-delivery';
export const EVENT_HEADER = 'x-kizuna-event';

export function newSecret(): string {
  return `whsec_${randomBytes(32).toString('base64url')}`;
}

export function sign(secret: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(body, 'utf8').digest('hex')}`;
}

/** What a receiver does (docs/segments.md shows the same in a few lines); constant-time. */
export function verify(secret: string, body: string, header: string | undefined): boolean {
  if (!header) return false;
  const expected = Buffer.from(sign(secret, body));
  const given = Buffer.from(header);
  return expected.length === given.length && timingSafeEqual(expected, given);
}
