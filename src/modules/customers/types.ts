import { z } from 'zod';
import { timeZone } from '../../lib/timeZone.ts';
import { instant } from '../../lib/instant.ts';

/**
 * What a client may say about a customer. Every field is optional on update: a field that is
 * absent keeps its stored value; `null` clears it. Inputs are already normalised (E.164 phones,
 * 7-digit postal codes): the CSV and Segment mappers do that before calling the service.
 */
const nullableText = (max = 500) => z.string().trim().max(max).nullable().optional();

/** Consent channel ids are the glossary's (src/lib/glossary.ts), where their labels are too. */
export { CONSENT_CHANNELS } from '../../lib/glossary.ts';
import { CONSENT_CHANNELS } from '../../lib/glossary.ts';
export type ConsentChannel = (typeof CONSENT_CHANNELS)[number];

export const consentInput = z.object({
  channel: z.enum(CONSENT_CHANNELS),
  status: z.enum(['opted_in', 'opted_out']),
  /** Where the consent was given: "signup_form", "csv_import", "line_follow", … (特定電子メール法 asks for the record). */
  source: z.string().trim().min(1).max(200),
  recordedAt: instant(),
});
export type ConsentInput = z.infer<typeof consentInput>;

export const customerInput = z.object({
  externalId: z.string().trim().min(1).max(255),
  email: z.string().trim().toLowerCase().pipe(z.email()).nullable().optional(),
  phone: z.string().regex(/^\+[1-9]\d{6,14}$/, 'an E.164 phone number such as +819012345678').nullable().optional(),
  lineUserId: nullableText(100),
  familyName: nullableText(100),
  givenName: nullableText(100),
  familyNameKana: nullableText(100),
  givenNameKana: nullableText(100),
  birthday: z.iso.date().nullable().optional(),
  postalCode: z.string().regex(/^\d{7}$/, 'a 7-digit postal code').nullable().optional(),
  prefecture: nullableText(20),
  city: nullableText(100),
  addressLine1: nullableText(200),
  addressLine2: nullableText(200),
  country: z.string().regex(/^[A-Z]{2}$/, 'an ISO 3166 alpha-2 code').nullable().optional(),
  locale: nullableText(35),
  timeZone: timeZone().nullable().optional(),
  /** Free attributes, merged key by key into what is stored. */
  attributes: z.record(z.string(), z.unknown()).optional(),
  /** When the customer was first seen, if the source knows it (a CSV's 登録日). */
  createdAt: instant().optional(),
  consents: z.array(consentInput).optional(),
  anonymousId: z.string().trim().min(1).max(255).optional(),
  accountExternalId: z.string().trim().min(1).max(255).nullable().optional(),
});
export type CustomerInput = z.infer<typeof customerInput>;

export interface Customer {
  id: string;
  externalId: string | null;
  email: string | null;
  phone: string | null;
  lineUserId: string | null;
  familyName: string | null;
  givenName: string | null;
  familyNameKana: string | null;
  givenNameKana: string | null;
  birthday: string | null;
  postalCode: string | null;
  prefecture: string | null;
  city: string | null;
  addressLine1: string | null;
  addressLine2: string | null;
  country: string | null;
  locale: string | null;
  timeZone: string | null;
  accountId: string | null;
  attributes: Record<string, unknown>;
  erasedAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
}
