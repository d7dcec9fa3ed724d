import { ValidationError, type FieldIssue } from '../../../kernel/errors.ts';

/**
 * Header mapping: each target field has aliases (Japanese and English). Headers and aliases are
 * compared after NFKC, lower-casing and dropping spaces, `_`, `-`, `・` and brackets, so
 * "Customer ID", "customer_id" and "ＣｕｓｔｏｍｅｒＩＤ" are one name, and "姓（カナ）" reads as "姓カナ".
 * A header that matches nothing is tried again without its bracketed part ("金額(税込)" → "金額").
 */
export interface FieldSpec {
  key: string;
  aliases: string[];
}

export interface HeaderMap {
  /** The original header of each column, as the file spells it. */
  readonly header: string[];
  /** field key → column index */
  readonly fields: ReadonlyMap<string, number>;
  /** Columns that match no field, for attributes/properties. */
  readonly extras: readonly number[];
}

export function normalizeHeader(name: string): string {
  return name.normalize('NFKC').toLowerCase().replace(/[\s_\-・.()[\]{}<>「」【】]/g, '');
}

function withoutBrackets(name: string): string {
  return name.normalize('NFKC').replace(/[([{<【「][^)\]}>】」]*[)\]}>】」]/g, '');
}

/**
 * Maps a header row. `required` lists groups of which one field each must be present
 * (["totalMinor", "unitPrice"]: a total or a unit price); a missing group names its first alias.
 */
export function mapHeader(header: string[], specs: FieldSpec[], required: string[][]): HeaderMap {
  const lookup = new Map<string, string>();
  for (const spec of specs) for (const alias of spec.aliases) lookup.set(normalizeHeader(alias), spec.key);

  const fields = new Map<string, number>();
  const extras: number[] = [];
  const issues: FieldIssue[] = [];
  header.forEach((name, index) => {
    if (normalizeHeader(name) === '') return;
    const key = lookup.get(normalizeHeader(name)) ?? lookup.get(normalizeHeader(withoutBrackets(name)));
    if (!key) {
      extras.push(index);
      return;
    }
    const previous = fields.get(key);
    if (previous !== undefined) {
      issues.push({
        path: [name],
        line: 1,
        column: name,
        message: `column "${name}" means the same as column "${header[previous]}"; keep one of them`,
      });
      return;
    }
    fields.set(key, index);
  });

  for (const group of required) {
    if (group.some((key) => fields.has(key))) continue;
    const names = group.map((key) => describeField(specs, key));
    issues.push({
      path: [group[0]!],
      line: 1,
      column: names[0],
      message: `missing required column ${names.join(' or ')}`,
    });
  }
  if (issues.length > 0) {
    throw new ValidationError(
      issues.length === 1 ? `The header row is not usable: ${issues[0]!.message}` : 'The header row is not usable',
      issues,
    );
  }
  return { header, fields, extras };
}

/** "顧客ID (customer_id)": the first Japanese and first English alias. */
function describeField(specs: FieldSpec[], key: string): string {
  const aliases = specs.find((s) => s.key === key)?.aliases ?? [key];
  const ja = aliases.find((a) => /[^\x00-\x7f]/.test(a));
  const en = aliases.find((a) => /^[\x00-\x7f]+$/.test(a));
  return ja && en ? `${ja} (${en})` : (ja ?? en ?? key);
}
