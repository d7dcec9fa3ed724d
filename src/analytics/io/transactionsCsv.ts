/**
 * Reading raw transactions (one row per purchase) from CSV for the CLV models. Problems become one
 * ValidationError listing every bad cell with its 1-based line and column header.
 * (Per-customer summaries, the large and numeric input, have their own byte-level reader: summaryCsv.ts.)
 */
import { parse } from 'csv-parse/sync';
import { ValidationError } from '../../kernel/errors.ts';
import type { FieldIssue } from '../../kernel/errors.ts';
import { dayNumber } from '../models/summary.ts';
import { parseNumberText, readInputFile } from './csvBytes.ts';

export interface CsvTable {
  header: string[];
  rows: string[][];
  /** 1-based file line of each row. */
  lines: number[];
}

/** Parses a CSV file with a header row; empty lines are skipped. */
export function readCsvTable(path: string): CsvTable {
  let text = readInputFile(path).toString('utf8');
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  let records: { record: string[]; info: { lines: number } }[];
  try {
    records = parse(text, { info: true, skip_empty_lines: true, relax_column_count: true }) as unknown as typeof records;
  } catch (err) {
    const e = err as Error & { lines?: number };
    throw new ValidationError(`${path} is not valid CSV`, [{ path: ['file'], line: e.lines, message: e.message }]);
  }
  if (records.length === 0) {
    throw new ValidationError(`${path} is empty`, [{ path: ['file'], line: 1, message: 'no header row and no data' }]);
  }
  const header = records[0].record.map((h) => h.trim());
  const body = records.slice(1);
  if (body.length === 0) {
    throw new ValidationError(`${path} has a header but no data rows`, [{ path: ['file'], line: 2, message: 'no data rows' }]);
  }
  return { header, rows: body.map((r) => r.record), lines: body.map((r) => r.info.lines) };
}

export interface TransactionsInput {
  customer: string[];
  day: Float64Array;
  amount?: Float64Array;
}

/**
 * Parses a date cell to a day number: YYYY-MM-DD, YYYYMMDD, or an ISO date-time
 * (YYYY-MM-DD[T ]HH:MM[:SS…], time of day ignored — purchases collapse by day or week anyway).
 */
export function parseDateCell(cell: string): number {
  const s = cell.trim();
  let m = /^(\d{4})-(\d{2})-(\d{2})(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?$/.exec(s);
  if (m) return dayNumber(`${m[1]}-${m[2]}-${m[3]}`);
  m = /^(\d{4})(\d{2})(\d{2})$/.exec(s);
  if (m) return dayNumber(`${m[1]}-${m[2]}-${m[3]}`);
  return NaN;
}

/** Reads raw transactions (one row per purchase). */
export function readTransactionsCsv(
  path: string,
  options: { customerCol: string; dateCol: string; amountCol?: string },
): TransactionsInput {
  const { header, rows, lines } = readCsvTable(path);
  const need: [string, string][] = [
    ['customer', options.customerCol],
    ['date', options.dateCol],
  ];
  if (options.amountCol) need.push(['amount', options.amountCol]);
  const idx: Record<string, number> = {};
  const missing: FieldIssue[] = [];
  for (const [role, name] of need) {
    idx[role] = header.indexOf(name);
    if (idx[role] < 0) missing.push({ path: [role], line: 1, column: name, message: `missing column "${name}"; header is: ${header.join(',')}` });
  }
  if (missing.length > 0) throw new ValidationError(`${path}: missing required column(s)`, missing);
  const n = rows.length;
  const customer = new Array<string>(n);
  const day = new Float64Array(n);
  const amount = options.amountCol ? new Float64Array(n) : undefined;
  const issues: FieldIssue[] = [];
  for (let i = 0; i < n; i++) {
    const row = rows[i];
    const c = (row[idx.customer] ?? '').trim();
    if (c === '') issues.push({ path: [i, 'customer'], line: lines[i], column: options.customerCol, message: 'empty customer id' });
    customer[i] = c;
    const d = parseDateCell(row[idx.date] ?? '');
    if (Number.isNaN(d)) {
      issues.push({
        path: [i, 'date'],
        line: lines[i],
        column: options.dateCol,
        message: `not a date (YYYY-MM-DD, YYYYMMDD or ISO date-time): "${row[idx.date] ?? ''}"`,
      });
    }
    day[i] = d;
    if (amount) {
      const a = parseNumberText(row[idx.amount] ?? '');
      if (Number.isNaN(a)) issues.push({ path: [i, 'amount'], line: lines[i], column: options.amountCol, message: `not a number: "${row[idx.amount] ?? ''}"` });
      amount[i] = a;
    }
  }
  if (issues.length > 0) throw new ValidationError(`${path}: ${issues.length} invalid value(s)`, issues);
  return { customer, day, amount };
}
