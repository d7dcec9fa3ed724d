import type { Customer } from './types.ts';

export const CUSTOMER_COLUMNS = `id, external_id, email, phone, line_user_id, family_name, given_name, family_name_kana,
  given_name_kana, to_char(birthday, 'YYYY-MM-DD') AS birthday, postal_code, prefecture, city, address_line1, address_line2,
  country, locale, time_zone, account_id, attributes, erased_at, created_at, updated_at`;

export function toCustomer(r: Record<string, unknown>): Customer {
  return {
    id: r.id as string,
    externalId: r.external_id as string | null,
    email: r.email as string | null,
    phone: r.phone as string | null,
    lineUserId: r.line_user_id as string | null,
    familyName: r.family_name as string | null,
    givenName: r.given_name as string | null,
    familyNameKana: r.family_name_kana as string | null,
    givenNameKana: r.given_name_kana as string | null,
    birthday: r.birthday as string | null,
    postalCode: r.postal_code as string | null,
    prefecture: r.prefecture as string | null,
    city: r.city as string | null,
    addressLine1: r.address_line1 as string | null,
    addressLine2: r.address_line2 as string | null,
    country: r.country as string | null,
    locale: r.locale as string | null,
    timeZone: r.time_zone as string | null,
    accountId: r.account_id as string | null,
    attributes: (r.attributes as Record<string, unknown>) ?? {},
    erasedAt: r.erased_at as Date | null,
    createdAt: r.created_at as Date,
    updatedAt: r.updated_at as Date,
  };
}
