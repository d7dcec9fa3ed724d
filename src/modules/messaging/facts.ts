import type { Queryable } from '../../db/database.ts';
import type { PostalRecipient } from './messenger.ts';
import type { Channel, RecipientVariableProviders } from './types.ts';

/**
 * What the gate and the templates need about a batch of recipients, in four queries whatever the
 * batch size. Reading customers, consents and suppressions here (rather than one call per customer
 * through CustomerService, which has only single-customer reads) is messaging's sanctioned read of
 * the customers module's tables; see docs/messaging.md.
 */
export interface Recipient {
  id: string;
  externalId: string | null;
  email: string | null;
  phone: string | null;
  lineUserId: string | null;
  familyName: string | null;
  givenName: string | null;
  birthday: string | null;
  postalCode: string | null;
  prefecture: string | null;
  city: string | null;
  addressLine1: string | null;
  addressLine2: string | null;
  timeZone: string | null;
  /** BCP 47 tag (e.g. ja-JP); chooses the language of the email footer. */
  locale: string | null;
  attributes: Record<string, unknown>;
  erased: boolean;
  consents: Map<string, 'opted_in' | 'opted_out'>;
  recentSends: { channel: Channel; at: Date }[];
  /** Template variables other modules provide per recipient (see RecipientVariableProviders). */
  variables?: Record<string, unknown>;
}

const NO_PROVIDERS: RecipientVariableProviders = new Map();

export async function loadRecipients(
  q: Queryable,
  workspaceId: string,
  customerIds: string[],
  sendsSince: Date,
  providers: RecipientVariableProviders = NO_PROVIDERS,
): Promise<Map<string, Recipient>> {
  const ids = [...new Set(customerIds)];
  // One after another: `q` may be a transaction's client, which runs one query at a time.
  const customers = await q.query<Record<string, unknown>>(
    `SELECT id, external_id, email, phone, line_user_id, family_name, given_name, birthday::text AS birthday, postal_code, prefecture,
       city, address_line1, address_line2, time_zone, locale, attributes, erased_at IS NOT NULL AS erased
     FROM customers WHERE workspace_id = $1 AND id = ANY($2::uuid[])`,
    [workspaceId, ids],
  );
  const consents = await q.query<{ customer_id: string; channel: string; status: 'opted_in' | 'opted_out' }>(
    `SELECT DISTINCT ON (customer_id, channel) customer_id, channel, status FROM consents
     WHERE workspace_id = $1 AND customer_id = ANY($2::uuid[]) ORDER BY customer_id, channel, recorded_at DESC, created_at DESC`,
    [workspaceId, ids],
  );
  const sends = await q.query<{ customer_id: string; channel: Channel; sent_at: Date }>(
    `SELECT customer_id, channel, sent_at FROM deliveries
     WHERE workspace_id = $1 AND customer_id = ANY($2::uuid[]) AND state = 'sent' AND class = 'marketing' AND sent_at > $3`,
    [workspaceId, ids, sendsSince],
  );
  const out = new Map<string, Recipient>();
  for (const r of customers.rows) {
    out.set(r.id as string, {
      id: r.id as string,
      externalId: r.external_id as string | null,
      email: r.email as string | null,
      phone: r.phone as string | null,
      lineUserId: r.line_user_id as string | null,
      familyName: r.family_name as string | null,
      givenName: r.given_name as string | null,
      birthday: r.birthday as string | null,
      postalCode: r.postal_code as string | null,
      prefecture: r.prefecture as string | null,
      city: r.city as string | null,
      addressLine1: r.address_line1 as string | null,
      addressLine2: r.address_line2 as string | null,
      timeZone: r.time_zone as string | null,
      locale: r.locale as string | null,
      attributes: r.attributes as Record<string, unknown>,
      erased: r.erased as boolean,
      consents: new Map(),
      recentSends: [],
    });
  }
  for (const [name, load] of providers) {
    const values = await load(q, workspaceId, [...out.keys()]);
    for (const [id, r] of out) r.variables = { ...r.variables, [name]: values.get(id) ?? {} };
  }
  for (const c of consents.rows) out.get(c.customer_id)?.consents.set(c.channel, c.status);
  for (const s of sends.rows) out.get(s.customer_id)?.recentSends.push({ channel: s.channel, at: s.sent_at });
  return out;
}

/** Push tokens live in the customer's attributes (as the app's SDK sends them through identify). */
export const PUSH_TOKEN_ATTRIBUTES = ['fcmToken', 'pushToken'];

/** The customer's address on a channel; null when there is none to send to. */
export function addressOf(r: Recipient, channel: Channel): string | null {
  switch (channel) {
    case 'email':
      return r.email;
    case 'sms':
      return r.phone;
    case 'line':
      return r.lineUserId;
    case 'push': {
      const token = PUSH_TOKEN_ATTRIBUTES.map((k) => r.attributes[k]).find((v) => typeof v === 'string' && v.length > 0);
      return (token as string | undefined) ?? null;
    }
    case 'webhook':
      return r.id;
    case 'dm':
      return postalOf(r) ? r.id : null;
  }
}

/** The suppression list's kind for a channel's address (push tokens, DM and webhooks have none). */
export function suppressionKind(channel: Channel): 'email' | 'phone' | 'line' | null {
  return channel === 'email' ? 'email' : channel === 'sms' ? 'phone' : channel === 'line' ? 'line' : null;
}

export function postalOf(r: Recipient): PostalRecipient | null {
  if (!r.postalCode || !r.prefecture || !r.city || !r.addressLine1) return null;
  const name = [r.familyName, r.givenName].filter(Boolean).join(' ');
  if (!name) return null;
  return { name, postalCode: r.postalCode, prefecture: r.prefecture, city: r.city, addressLine1: r.addressLine1, addressLine2: r.addressLine2 };
}

/**
 * The footer's language: English for a customer whose locale names another language, Japanese for
 * ja and for no locale at all (Kizuna's customers are Japan-first, and imports often leave it empty).
 */
export const footerLang = (r: Pick<Recipient, 'locale'>): 'ja' | 'en' => (!r.locale || /^ja(-|_|$)/i.test(r.locale) ? 'ja' : 'en');

/** The `customer` object templates see. */

export function customerScope(r: Recipient): Record<string, unknown> {
  return {
    id: r.id,
    external_id: r.externalId,
    family_name: r.familyName,
    given_name: r.givenName,
    name: [r.familyName, r.givenName].filter(Boolean).join(' '),
    email: r.email,
    birthday: r.birthday,
    prefecture: r.prefecture,
    city: r.city,
    attributes: r.attributes,
    ...r.variables,
  };
}
