/**
 * Reading per-customer CLV summaries from CSV: the numbers are parsed straight from the file's
 * bytes (csvBytes.ts) and each record's text is kept as a byte range, so that a million customers
 * cost a few typed arrays rather than a million row objects. Problems become one ValidationError
 * listing every bad cell with its 1-based line and column header.
 *
 * Columns are lifetimes' names, with the names of Fader & Hardie's CDNOW files accepted as aliases:
 * frequency (x), recency (t_x), T, monetary_value (zbar, m_x). Other columns are ignored by the
 * models and carried through to prediction output.
 */
import { ValidationError } from '../../kernel/errors.ts';
import type { FieldIssue } from '../../kernel/errors.ts';
import { readInputFile, scanCsvNumbers, type CsvNumbers } from './csvBytes.ts';
import { scanCsvNumbersShared, type ScanElsewhere } from './csvChunks.ts';

export const SUMMARY_ALIASES = {
  frequency: ['frequency', 'x'],
  recency: ['recency', 't_x'],
  T: ['T'],
  monetary_value: ['monetary_value', 'zbar', 'm_x'],
} as const;

type SummaryColumn = keyof typeof SUMMARY_ALIASES;

/** The input's records as text, for copying into output: record i is bytes[start[i], end[i]). */
export interface CsvRecords {
  header: string[];
  bytes: Uint8Array;
  count: number;
  start: Uint32Array;
  end: Uint32Array;
  /** Cells a record lacks against the header. */
  short: Uint16Array;
}

export interface SummaryInput {
  records: CsvRecords;
  frequency: Float64Array;
  recency: Float64Array;
  T: Float64Array;
  monetaryValue?: Float64Array;
}

/** Index of the first header matching one of `names` (case-sensitive first, then case-insensitive). */
function findColumn(header: string[], names: readonly string[]): number {
  for (const n of names) {
    const i = header.indexOf(n);
    if (i >= 0) return i;
  }
  const lower = header.map((h) => h.toLowerCase());
  for (const n of names) {
    const i = lower.indexOf(n.toLowerCase());
    if (i >= 0 && n !== 'T') return i;
  }
  return -1;
}

function resolveColumns(header: string[], wanted: SummaryColumn[], path: string): number[] {
  const missing: FieldIssue[] = [];
  const cols = wanted.map((name) => {
    const i = findColumn(header, SUMMARY_ALIASES[name]);
    if (i < 0) {
      const aliases = SUMMARY_ALIASES[name].filter((a) => a !== name);
      missing.push({
        path: [name],
        line: 1,
        column: name,
        message: `missing column "${name}"${aliases.length ? ` (also accepted: ${aliases.join(', ')})` : ''}; header is: ${header.join(',')}`,
      });
    }
    return i;
  });
  if (missing.length > 0) throw new ValidationError(`${path}: missing required column(s)`, missing);
  return cols;
}

/**
 * Reads and validates a summary file. With `monetary: true` the monetary column is required and
 * must be > 0 for customers with repeat purchases (the Gamma-Gamma model's support).
 */
export function readSummaryCsv(path: string, options: { monetary?: boolean } = {}): SummaryInput {
  const bytes = readInputFile(path);
  const reading = summaryReading(path, options);
  return reading.finish(bytes, scanCsvNumbers(bytes, path, reading.columns, reading.onBad));
}

/** readSummaryCsv with the scan shared with another thread (csvChunks.ts); the same result. */
export async function readSummaryCsvShared(path: string, options: { monetary?: boolean }, elsewhere: ScanElsewhere): Promise<SummaryInput> {
  const bytes = readInputFile(path, { shared: true });
  const reading = summaryReading(path, options);
  return reading.finish(bytes, await scanCsvNumbersShared(bytes, path, reading.columns, reading.onBad, elsewhere));
}

/** The columns wanted of the scan, its bad cells, and the checks of its values. */
function summaryReading(path: string, options: { monetary?: boolean }) {
  const wanted: SummaryColumn[] = ['frequency', 'recency', 'T'];
  if (options.monetary) wanted.push('monetary_value');
  let cols: number[] = [];
  const badText = new Map<number, string>(); // record · 4 + wanted index → cell text
  return {
    columns: (header: string[]) => (cols = resolveColumns(header, wanted, path)),
    onBad: (record: number, column: number, text: string) => void badText.set(record * 4 + cols.indexOf(column), text),
    finish: (bytes: Buffer, scan: CsvNumbers) => checkSummary(path, wanted, cols, badText, bytes, scan),
  };
}

function checkSummary(path: string, wanted: SummaryColumn[], cols: number[], badText: Map<number, string>, bytes: Buffer, scan: CsvNumbers): SummaryInput {
  const { header, count, line } = scan;
  if (count === 0) {
    throw new ValidationError(`${path} has a header but no data rows`, [{ path: ['file'], line: 2, message: 'no data rows' }]);
  }
  const [frequency, recency, T, monetaryValue] = scan.values;
  const issues: FieldIssue[] = [];
  const bad = (i: number, k: number, message: string): void => {
    issues.push({ path: [i, wanted[k]], line: line[i], column: header[cols[k]], message });
  };
  for (let i = 0; i < count; i++) {
    const x = frequency[i];
    const tx = recency[i];
    const age = T[i];
    let ok = true;
    for (let k = 0; k < 3 && badText.size > 0; k++) {
      const text = badText.get(i * 4 + k);
      if (text !== undefined) {
        bad(i, k, `not a number: "${text}"`);
        ok = false;
      }
    }
    if (ok) {
      if (x < 0 || !Number.isInteger(x)) bad(i, 0, `must be a whole number >= 0 (got ${x})`);
      if (tx < 0) bad(i, 1, `must be >= 0 (got ${tx})`);
      if (age <= 0) bad(i, 2, `must be > 0 (got ${age})`);
      if (tx > age) bad(i, 1, `recency ${tx} exceeds T ${age}`);
      if (x === 0 && tx !== 0) bad(i, 1, `must be 0 when frequency is 0 (got ${tx})`);
    }
    if (monetaryValue) {
      const m = monetaryValue[i];
      const text = badText.size > 0 ? badText.get(i * 4 + 3) : undefined;
      if (text !== undefined) bad(i, 3, `not a number: "${text}"`);
      else if (m < 0) bad(i, 3, `must be >= 0 (got ${m})`);
      else if (x > 0 && m === 0) bad(i, 3, 'must be > 0 for a customer with repeat purchases');
    }
  }
  if (issues.length > 0) throw new ValidationError(`${path}: ${issues.length} invalid value(s)`, issues);
  return {
    records: { header, bytes, count, start: scan.start, end: scan.end, short: scan.short },
    frequency,
    recency,
    T,
    monetaryValue,
  };
}
