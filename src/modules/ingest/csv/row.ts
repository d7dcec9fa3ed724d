import type { FieldIssue } from '../../../kernel/errors.ts';
import { normalizeWidth } from '../../../lib/japanese.ts';
import type { HeaderMap } from './headers.ts';

/**
 * One CSV record seen through the header map. Accessors return the width-normalised cell of a
 * field (undefined when the column is absent or the cell empty); a parser that rejects a cell
 * records an issue naming the line and the column as the file spells it, so one pass over a row
 * reports all its problems.
 */
export class RowReader {
  readonly issues: FieldIssue[] = [];

  constructor(
    readonly cells: string[],
    readonly line: number,
    private readonly map: HeaderMap,
  ) {}

  has(field: string): boolean {
    return this.map.fields.has(field);
  }

  text(field: string): string | undefined {
    const index = this.map.fields.get(field);
    if (index === undefined) return undefined;
    const raw = this.cells[index];
    if (raw === undefined || raw === '') return undefined;
    const value = normalizeWidth(raw);
    return value === '' ? undefined : value;
  }

  /** Parses a cell; a cell that `parse` rejects (undefined) becomes an issue saying what was expected. */
  parse<T>(field: string, parse: (value: string) => T | undefined, expected: string): T | undefined {
    const value = this.text(field);
    if (value === undefined) return undefined;
    const parsed = parse(value);
    if (parsed === undefined) this.fail(field, `"${value}" is not ${expected}`);
    return parsed;
  }

  /** The header of a field's column, for messages; undefined when the file has no such column. */
  column(field: string): string | undefined {
    const index = this.map.fields.get(field);
    return index === undefined ? undefined : this.map.header[index];
  }

  fail(field: string | undefined, message: string): void {
    const column = field === undefined ? undefined : this.column(field);
    this.issues.push({ path: column === undefined ? [] : [column], line: this.line, column, message });
  }

  /** Columns that match no field, keyed by their header; numbers stay numbers. Undefined when none has a value. */
  extras(): Record<string, unknown> | undefined {
    let out: Record<string, unknown> | undefined;
    for (const index of this.map.extras) {
      const raw = this.cells[index];
      if (raw === undefined || raw === '') continue;
      const value = normalizeWidth(raw);
      if (value === '') continue;
      out ??= {};
      out[normalizeWidth(this.map.header[index]!)] = toScalar(value);
    }
    return out;
  }
}

/** "1200" → 1200 and "3.5" → 3.5 for segment filters; "00123" and "1e5" stay text (codes, not quantities). */
function toScalar(value: string): string | number {
  return /^-?(0|[1-9]\d{0,14})(\.\d+)?$/.test(value) ? Number(value) : value;
}

/** "¥1,980", "1,980円", "△500" (Japanese accounting minus), "-12.50". */
export function parseDecimal(value: string): number | undefined {
  const cleaned = value.replace(/[,¥$€円\s]/g, '').replace(/^[△▲]/, '-');
  return /^-?\d+(\.\d+)?$/.test(cleaned) ? Number(cleaned) : undefined;
}

export function parseInteger(value: string): number | undefined {
  const cleaned = value.replace(/[,\s]/g, '').replace(/^[△▲]/, '-');
  return /^-?\d{1,15}$/.test(cleaned) ? Number(cleaned) : undefined;
}

const YES = new Set(['1', 'true', 'yes', 'y', 'on', 'はい', 'する', '希望', '希望する', '許可', '許諾', '同意', '受け取る', '購読', '配信', '○', '◯', '〇']);
const NO = new Set(['0', 'false', 'no', 'n', 'off', 'いいえ', 'しない', '希望しない', '不可', '拒否', '不許可', '同意しない', '受け取らない', '停止', '配信停止', '解除', '×', '✕']);

/** Yes/no as Japanese forms and spreadsheets write it. */
export function parseFlag(value: string): boolean | undefined {
  const v = value.toLowerCase();
  if (YES.has(v)) return true;
  if (NO.has(v)) return false;
  return undefined;
}
