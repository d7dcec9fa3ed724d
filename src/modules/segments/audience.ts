import { createHash } from 'node:crypto';
import type { AudienceFormat } from './types.ts';

/**
 * Customer-matching identifiers for ad platforms: SHA-256 (hex) of normalized emails and phone
 * numbers. Email: trimmed and lowercased (Google, Meta, TikTok). Phone: E.164 — Meta wants the
 * digits without "+" (`819012345678`), Google Customer Match the "+" kept (`+819012345678`).
 */
export const AUDIENCE_HEADER = 'email_sha256,phone_sha256';

const sha256 = (value: string) => createHash('sha256').update(value, 'utf8').digest('hex');

export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}

/** Phones are stored in E.164 (`+819012345678`). */
export function normalizePhone(phone: string, format: AudienceFormat): string {
  const digits = phone.replace(/\D/g, '');
  return format === 'google' ? `+${digits}` : digits;
}

export function hashEmail(email: string | null): string | null {
  return email && email.trim() ? sha256(normalizeEmail(email)) : null;
}

export function hashPhone(phone: string | null, format: AudienceFormat): string | null {
  return phone && /\d/.test(phone) ? sha256(normalizePhone(phone, format)) : null;
}

/** One CSV line, or null when the customer has neither identifier. Hex digests need no quoting. */
export function audienceLine(email: string | null, phone: string | null, format: AudienceFormat): string | null {
  const e = hashEmail(email);
  const p = hashPhone(phone, format);
  return e || p ? `${e ?? ''},${p ?? ''}` : null;
}
