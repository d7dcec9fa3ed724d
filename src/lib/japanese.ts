import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js/max';

/**
 * Normalisers for what Japanese spreadsheets and forms contain: 全角 digits and letters
 * (NFKC folds them to 半角), 〒 and hyphens in postal codes, domestic phone numbers.
 */

/** NFKC plus trimming: "ＡＢＣ１２３　" → "ABC123". Also folds 半角カナ to 全角 kana, as NFKC does. */
export function normalizeWidth(value: string): string {
  return value.normalize('NFKC').trim();
}

/** "〒１５０−０００１" → "1500001"; undefined when it is not 7 digits. */
export function normalizePostalCode(value: string): string | undefined {
  const digits = normalizeWidth(value).replace(/^〒/, '').replace(/[-‐－ー−\s]/g, '');
  return /^\d{7}$/.test(digits) ? digits : undefined;
}

/** "０９０-１２３４-５６７８" → "+819012345678"; undefined when it is not a valid number. */
/** 1000001 → 100-0001, as 〒 numbers are printed. */
export const formatPostalCode = (code: string): string => `${code.slice(0, 3)}-${code.slice(3)}`;

export function normalizePhone(value: string, defaultCountry: CountryCode = 'JP'): string | undefined {
  const cleaned = normalizeWidth(value).replace(/[‐－ー−]/g, '-');
  const parsed = parsePhoneNumberFromString(cleaned, defaultCountry);
  return parsed?.isValid() ? parsed.number : undefined;
}

export const PREFECTURES = [
  '北海道', '青森県', '岩手県', '宮城県', '秋田県', '山形県', '福島県', '茨城県', '栃木県', '群馬県', '埼玉県', '千葉県',
  '東京都', '神奈川県', '新潟県', '富山県', '石川県', '福井県', '山梨県', '長野県', '岐阜県', '静岡県', '愛知県', '三重県',
  '滋賀県', '京都府', '大阪府', '兵庫県', '奈良県', '和歌山県', '鳥取県', '島根県', '岡山県', '広島県', '山口県', '徳島県',
  '香川県', '愛媛県', '高知県', '福岡県', '佐賀県', '長崎県', '熊本県', '大分県', '宮崎県', '鹿児島県', '沖縄県',
] as const;
