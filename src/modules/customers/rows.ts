import { mapRow, selectList } from '../../kernel/rowMapper.ts';
import type { Customer } from './types.ts';

/** A customer as `CUSTOMER_COLUMNS` selects it. */
export interface CustomerRow {
  id: string;
  external_id: string | null;
  email: string | null;
  phone: string | null;
  line_user_id: string | null;
  family_name: string | null;
  given_name: string | null;
  family_name_kana: string | null;
  given_name_kana: string | null;
  birthday: string | null;
  postal_code: string | null;
  prefecture: string | null;
  city: string | null;
  address_line1: string | null;
  address_line2: string | null;
  country: string | null;
  locale: string | null;
  time_zone: string | null;
  account_id: string | null;
  attributes: Record<string, unknown> | null;
  erased_at: Date | null;
  created_at: Date;
  updated_at: Date;
}

export const CUSTOMER_COLUMNS = selectList<CustomerRow>()({
  id: true,
  external_id: true,
  email: true,
  phone: true,
  line_user_id: true,
  family_name: true,
  given_name: true,
  family_name_kana: true,
  given_name_kana: true,
  birthday: "to_char(birthday, 'YYYY-MM-DD')",
  postal_code: true,
  prefecture: true,
  city: true,
  address_line1: true,
  address_line2: true,
  country: true,
  locale: true,
  time_zone: true,
  account_id: true,
  attributes: true,
  erased_at: true,
  created_at: true,
  updated_at: true,
});

export const toCustomer = mapRow<CustomerRow>()(
  (r): Customer => ({
    id: r.id,
    externalId: r.external_id,
    email: r.email,
    phone: r.phone,
    lineUserId: r.line_user_id,
    familyName: r.family_name,
    givenName: r.given_name,
    familyNameKana: r.family_name_kana,
    givenNameKana: r.given_name_kana,
    birthday: r.birthday,
    postalCode: r.postal_code,
    prefecture: r.prefecture,
    city: r.city,
    addressLine1: r.address_line1,
    addressLine2: r.address_line2,
    country: r.country,
    locale: r.locale,
    timeZone: r.time_zone,
    accountId: r.account_id,
    attributes: r.attributes ?? {},
    erasedAt: r.erased_at,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  }),
);
