import type { CountryCode } from 'libphonenumber-js';
import { normalizePhone, normalizePostalCode, PREFECTURES } from '../../../../lib/japanese.ts';
import { customerInput, type CustomerInput } from '../../../customers/index.ts';
import { parseCalendarDate, parseInstant } from '../dates.ts';
import { schemaIssues, type CsvKind } from '../kind.ts';
import { parseFlag, type RowReader } from '../row.ts';

const fields = [
  { key: 'externalId', aliases: ['顧客ID', '会員ID', '顧客番号', '会員番号', 'ユーザーID', 'customer_id', 'external_id', 'member_id', 'user_id', 'id'] },
  { key: 'email', aliases: ['メールアドレス', 'メール', 'Eメール', 'PCメールアドレス', 'email', 'e-mail', 'mail', 'email_address'] },
  { key: 'phone', aliases: ['電話番号', '電話', '携帯電話番号', '携帯電話', '携帯番号', 'TEL', 'phone', 'phone_number', 'mobile'] },
  { key: 'fullName', aliases: ['氏名', '名前', 'お名前', '氏名漢字', 'name', 'full_name'] },
  { key: 'familyName', aliases: ['姓', '苗字', '名字', 'last_name', 'family_name', 'surname'] },
  { key: 'givenName', aliases: ['名', 'first_name', 'given_name'] },
  { key: 'fullNameKana', aliases: ['フリガナ', 'ふりがな', 'カナ', '氏名カナ', '氏名フリガナ', 'お名前フリガナ', 'name_kana', 'kana'] },
  { key: 'familyNameKana', aliases: ['セイ', '姓カナ', '姓フリガナ', 'last_name_kana', 'family_name_kana'] },
  { key: 'givenNameKana', aliases: ['メイ', '名カナ', '名フリガナ', 'first_name_kana', 'given_name_kana'] },
  { key: 'birthday', aliases: ['生年月日', '誕生日', 'birthday', 'birthdate', 'birth_date', 'date_of_birth'] },
  { key: 'postalCode', aliases: ['郵便番号', '〒', 'postal_code', 'postcode', 'zip', 'zip_code', 'zipcode'] },
  { key: 'prefecture', aliases: ['都道府県', 'prefecture', 'state', 'province'] },
  { key: 'city', aliases: ['市区町村', '市区郡', 'city'] },
  { key: 'addressLine1', aliases: ['番地', '住所1', '町名番地', '住所', 'address1', 'address_line1', 'street', 'address'] },
  { key: 'addressLine2', aliases: ['建物', '建物名', '住所2', 'マンション名', 'address2', 'address_line2', 'building'] },
  { key: 'country', aliases: ['国', '国コード', 'country', 'country_code'] },
  { key: 'emailConsent', aliases: ['メール配信', 'メルマガ', 'メルマガ許諾', 'メルマガ配信', 'メルマガ購読', 'メール配信許諾', 'メールマガジン', 'email_opt_in', 'accepts_marketing', 'newsletter', 'email_consent', 'email_marketing'] },
  { key: 'consentDate', aliases: ['メール配信許諾日', 'メルマガ許諾日', '同意日', 'consent_date', 'opted_in_at'] },
  { key: 'createdAt', aliases: ['登録日', '登録日時', '入会日', '会員登録日', 'created_at', 'signup_date', 'registered_at'] },
  { key: 'lineUserId', aliases: ['LINEユーザーID', 'LINE ID', 'line_user_id'] },
  { key: 'accountExternalId', aliases: ['法人ID', '取引先ID', '会社ID', 'account_id', 'company_id'] },
  { key: 'locale', aliases: ['言語', 'locale', 'language'] },
  { key: 'timeZone', aliases: ['タイムゾーン', 'time_zone', 'timezone'] },
];

/** A row read into the service's input shape, not yet checked by its schema. */
type CustomerRow = Record<string, unknown> & { externalId?: string };

/**
 * Customers: one row each, keyed by 顧客ID. A file without an id column (a mailing list) uses the
 * e-mail address as the id. 氏名 "山田 太郎" splits at the first space into family and given name;
 * without a space it all goes to the family name. Columns that match nothing become attributes.
 */
export const customersKind: CsvKind<CustomerRow, CustomerInput> = {
  fields,
  required: [['externalId', 'email']],

  read(row, ctx) {
    const out: CustomerRow = {};
    const country = row.parse('country', parseCountry, 'a country (JP, 日本, US, …)');
    const email = row.text('email')?.toLowerCase();
    out.externalId = row.text('externalId') ?? email;
    if (!out.externalId) row.fail(row.has('externalId') ? 'externalId' : 'email', 'is empty: each customer needs an id');
    set(out, 'email', email);
    set(out, 'phone', row.parse('phone', (v) => normalizePhone(v, (country ?? 'JP') as CountryCode), 'a valid phone number'));
    splitName(row, 'fullName', out, 'familyName', 'givenName');
    splitName(row, 'fullNameKana', out, 'familyNameKana', 'givenNameKana');
    for (const key of ['familyName', 'givenName', 'familyNameKana', 'givenNameKana', 'city', 'addressLine1', 'addressLine2', 'lineUserId', 'accountExternalId', 'locale', 'timeZone']) {
      set(out, key, row.text(key));
    }
    set(out, 'birthday', row.parse('birthday', parseCalendarDate, 'a date such as 1990/04/01'));
    set(out, 'postalCode', row.parse('postalCode', normalizePostalCode, 'a 7-digit postal code such as 150-0001'));
    set(out, 'prefecture', row.parse('prefecture', (v) => (country && country !== 'JP' ? v : completePrefecture(v)), 'a prefecture (都道府県) such as 東京都'));
    set(out, 'country', country);
    const instant = (v: string) => parseInstant(v, ctx.timeZone);
    set(out, 'createdAt', row.parse('createdAt', instant, 'a date such as 2024/01/05'));
    const consent = row.parse('emailConsent', parseFlag, 'yes or no (1/0, はい/いいえ, 希望する/希望しない, ○/×)');
    if (consent !== undefined) {
      const recordedAt = row.parse('consentDate', instant, 'a date such as 2024/01/05') ?? (out.createdAt as Date | undefined) ?? ctx.startedAt;
      out.consents = [{ channel: 'email', status: consent ? 'opted_in' : 'opted_out', source: 'csv_import', recordedAt }];
    }
    set(out, 'attributes', row.extras());
    return out;
  },

  build([row], _ctx, issueAt) {
    const parsed = customerInput.safeParse(row!.value);
    return parsed.success ? parsed.data : schemaIssues(parsed.error, row!.line, issueAt, fieldOfPath);
  },

  async write(services, ctx, entities, q) {
    const r = await services.customers.upsertMany(ctx.workspaceId, entities, q);
    return { created: r.created, updated: r.updated, duplicates: 0 };
  },
};

/** Schema paths name input fields; split names and consents come from the columns they were read from. */
function fieldOfPath(path: PropertyKey[]): string | undefined {
  const key = path[0];
  if (key === 'consents') return 'emailConsent';
  return typeof key === 'string' ? key : undefined;
}

function set(out: CustomerRow, key: string, value: unknown): void {
  if (value !== undefined) out[key] = value;
}

/** "山田 太郎" → 山田 / 太郎 (NFKC already turned the 全角 space into a plain one). */
function splitName(row: RowReader, field: string, out: CustomerRow, family: string, given: string): void {
  const full = row.text(field);
  if (full === undefined) return;
  const space = full.search(/\s/);
  out[family] = space < 0 ? full : full.slice(0, space);
  if (space >= 0) out[given] = full.slice(space + 1).trim();
}

/** "東京" → "東京都", "大阪" → "大阪府"; a full name is kept. */
function completePrefecture(value: string): string | undefined {
  if ((PREFECTURES as readonly string[]).includes(value)) return value;
  return PREFECTURES.find((p) => p !== '北海道' && p.slice(0, -1) === value);
}

const COUNTRY_NAMES: Record<string, string> = { 日本: 'JP', japan: 'JP', 日本国: 'JP' };

function parseCountry(value: string): string | undefined {
  const named = COUNTRY_NAMES[value.toLowerCase()];
  if (named) return named;
  return /^[a-z]{2}$/i.test(value) ? value.toUpperCase() : undefined;
}
