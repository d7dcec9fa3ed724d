import { parsePhoneNumberFromString } from 'libphonenumber-js/max';
import { toRomaji } from 'wanakana';
import type { Queryable } from '../../db/database.ts';

/**
 * Customer search as people type: what a customer is found by is folded once, on write, into
 * `customers.search_text` (trigram-indexed, migration 003), and the query is folded the same way, so
 * a search is one indexed LIKE, never a scan that normalises every row.
 *
 * The fold: NFKC (全角 ＡＢＣ１２３ → ABC123, 半角ｶﾅ → 全角カナ), lower case (emails are matched
 * case-insensitively), hiragana → katakana (わたなべ finds ワタナベ), whitespace removed. The stored
 * text adds the romaji of the kana reading (wanakana: ワタナベ → watanabe, both name orders) and the
 * phone's digits in E.164 and national form (+81 80-8990-2788 → 818089902788 and 08089902788), so
 * digits typed in any format match.
 */

const HIRAGANA = /[\u3041-\u3096\u309d\u309e]/g;

/** The fold shared by the stored text and the query. */
export function foldForSearch(value: string): string {
  return value
    .normalize('NFKC')
    .toLowerCase()
    .replace(HIRAGANA, (c) => String.fromCharCode(c.charCodeAt(0) + 0x60))
    .replace(/\s+/g, '');
}

/** Hepburn romaji of a kana reading, letters only (ジュンイチロウ → junichirou); '' when it is not kana. */
function romajiOf(kana: string): string {
  const romaji = toRomaji(foldForSearch(kana));
  return /^[a-z'\-]+$/.test(romaji) ? romaji.replace(/[^a-z]/g, '') : '';
}

/** The phone as digits, in international (E.164 without +) and national form; raw digits when it does not parse. */
function phoneDigits(phone: string): string[] {
  const parsed = parsePhoneNumberFromString(phone.normalize('NFKC'), 'JP');
  if (!parsed?.isValid()) return [phone.normalize('NFKC').replace(/\D/g, '')];
  return [parsed.number.replace(/\D/g, ''), parsed.formatNational().replace(/\D/g, '')];
}

export interface SearchableCustomer {
  email: string | null;
  externalId: string | null;
  phone: string | null;
  familyName: string | null;
  givenName: string | null;
  familyNameKana: string | null;
  givenNameKana: string | null;
}

/** The input fields search_text is computed from, but the external id, which an upsert never changes. */
export const SEARCHABLE_FIELDS = ['email', 'phone', 'familyName', 'givenName', 'familyNameKana', 'givenNameKana'] as const satisfies readonly (keyof SearchableCustomer)[];

/** What is stored in `customers.search_text`; fields are separated by a space so a match cannot span two. */
export function customerSearchText(c: SearchableCustomer): string {
  const familyRomaji = romajiOf(c.familyNameKana ?? '');
  const givenRomaji = romajiOf(c.givenNameKana ?? '');
  const parts = [
    c.email ?? '',
    c.externalId ?? '',
    (c.familyName ?? '') + (c.givenName ?? ''),
    (c.familyNameKana ?? '') + (c.givenNameKana ?? ''),
    familyRomaji + givenRomaji,
    // Names in romaji are often written given name first (Yui Watanabe).
    givenRomaji && familyRomaji ? givenRomaji + familyRomaji : '',
    ...(c.phone ? phoneDigits(c.phone) : []),
  ];
  return parts
    .map(foldForSearch)
    .filter((p) => p !== '')
    .join(' ');
}

/**
 * The LIKE pattern for a query: folded, LIKE's wildcards escaped. A query of phone characters only
 * (digits, +, hyphens of any width, brackets, dots) with at least 3 digits is matched by its digits,
 * so 080-8990-2788, (080) 8990 2788 and +818089902788 all find the same customer.
 */
export function searchPattern(query: string): string {
  const folded = foldForSearch(query);
  const phoneLike = /^[+\d()\-‐－ー−.]+$/.test(folded) && (folded.match(/\d/g)?.length ?? 0) >= 3;
  const needle = phoneLike ? folded.replace(/\D/g, '') : folded;
  return `%${needle.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/**
 * Recomputes `search_text` from what is stored (an upsert may have sent only some fields) for the
 * `changed` customers, and for those of `unlessSet` that have none yet (new rows), in one read and one write.
 */
export async function refreshSearchText(q: Queryable, workspaceId: string, changed: string[], unlessSet: string[] = []): Promise<void> {
  if (changed.length === 0 && unlessSet.length === 0) return;
  const { rows } = await q.query<SearchableCustomer & { id: string }>(
    `SELECT id, email, external_id AS "externalId", phone, family_name AS "familyName", given_name AS "givenName",
            family_name_kana AS "familyNameKana", given_name_kana AS "givenNameKana"
     FROM customers WHERE workspace_id = $1 AND erased_at IS NULL
       AND (id = ANY($2::uuid[]) OR (search_text IS NULL AND id = ANY($3::uuid[])))`,
    [workspaceId, changed, unlessSet],
  );
  if (rows.length === 0) return;
  await q.query(
    `UPDATE customers c SET search_text = x.text FROM unnest($2::uuid[], $3::text[]) AS x(id, text)
     WHERE c.workspace_id = $1 AND c.id = x.id AND c.search_text IS DISTINCT FROM x.text`,
    [workspaceId, rows.map((r) => r.id), rows.map(customerSearchText)],
  );
}

/**
 * Fills `search_text` for customers written before it existed, in batches (run by the migration that
 * adds the column, in its transaction, so no customer is left unsearchable).
 */
export async function backfillSearchText(q: Queryable, batch = 5000): Promise<number> {
  let done = 0;
  for (;;) {
    const { rows } = await q.query<{ workspace_id: string; id: string }>(
      `SELECT workspace_id, id FROM customers WHERE search_text IS NULL AND erased_at IS NULL
         AND num_nonnulls(email, external_id, phone, family_name, given_name, family_name_kana, given_name_kana) > 0
       LIMIT $1`,
      [batch],
    );
    if (rows.length === 0) return done;
    const byWorkspace = new Map<string, string[]>();
    for (const r of rows) byWorkspace.set(r.workspace_id, [...(byWorkspace.get(r.workspace_id) ?? []), r.id]);
    for (const [workspaceId, ids] of byWorkspace) await refreshSearchText(q, workspaceId, ids);
    done += rows.length;
  }
}
