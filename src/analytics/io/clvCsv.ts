/**
 * Reading CLV inputs from CSV files: per-customer summaries and raw transactions. All I/O and input
 * validation for the models lives here; problems become one ValidationError listing every bad
 * cell with its 1-based line and column header, so a user can go straight to it.
 *
 * Summary columns are lifetimes' names, with the names of Fader & Hardie's CDNOW files accepted as
 * aliases: frequency (x), recency (t_x), T, monetary_value (zbar, m_x). Other columns are ignored
 * by the models and carried through to prediction output.
 */
import { readFileSync } from 'node:fs';
import { parse } from 'csv-parse/sync';
import { ValidationError } from '../../kernel/errors.ts';
import type { FieldIssue } from '../../kernel/errors.ts';
import { dayNumber } from '../models/summary.ts';

export interface CsvTable {
  header: string[];
  rows: string[][];
  /** 1-based file line of each row. */
  lines: number[];
}

export const SUMMARY_ALIASES = {
  frequency: ['frequency', 'x'],
  recency: ['recency', 't_x'],
  T: ['T'],
  monetary_value: ['monetary_value', 'zbar', 'm_x'],
} as const;

/** Parses a CSV file with a header row; empty lines are skipped. */
export function readCsvTable(path: string): CsvTable {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new ValidationError(`cannot read ${path}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`, [
      { path: ['file'], message: 'file not readable' },
    ]);
  }
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

/** Strict number parse: finite decimal, no empty cells, no trailing junk. */
function parseNumber(cell: string | undefined): number {
  if (cell === undefined) return NaN;
  const s = cell.trim();
  if (s === '' || !/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(s)) return NaN;
  return Number(s);
}

export interface SummaryInput {
  table: CsvTable;
  frequency: Float64Array;
  recency: Float64Array;
  T: Float64Array;
  monetaryValue?: Float64Array;
}

/**
 * Reads and validates a summary file. With `monetary: true` the monetary column is required and
 * must be > 0 for customers with repeat purchases (the Gamma-Gamma model's support).
 */
export function readSummaryCsv(path: string, options: { monetary?: boolean } = {}): SummaryInput {
  return summaryFromTable(readCsvTable(path), path, options);
}

export function summaryFromTable(table: CsvTable, path: string, options: { monetary?: boolean } = {}): SummaryInput {
  const { header, rows, lines } = table;
  const wanted: (keyof typeof SUMMARY_ALIASES)[] = ['frequency', 'recency', 'T'];
  if (options.monetary) wanted.push('monetary_value');
  const cols: Record<string, number> = {};
  const missing: FieldIssue[] = [];
  for (const name of wanted) {
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
    cols[name] = i;
  }
  if (missing.length > 0) throw new ValidationError(`${path}: missing required column(s)`, missing);
  const n = rows.length;
  const frequency = new Float64Array(n);
  const recency = new Float64Array(n);
  const T = new Float64Array(n);
  const monetaryValue = options.monetary ? new Float64Array(n) : undefined;
  const issues: FieldIssue[] = [];
  const colName = (name: string): string => header[cols[name]];
  const bad = (i: number, name: string, message: string): void => {
    issues.push({ path: [i, name], line: lines[i], column: colName(name), message });
  };
  for (let i = 0; i < n; i++) {
    const row = rows[i];
    const x = parseNumber(row[cols.frequency]);
    const tx = parseNumber(row[cols.recency]);
    const age = parseNumber(row[cols.T]);
    let ok = true;
    for (const [name, v] of [
      ['frequency', x],
      ['recency', tx],
      ['T', age],
    ] as const) {
      if (Number.isNaN(v)) {
        bad(i, name, `not a number: "${row[cols[name]] ?? ''}"`);
        ok = false;
      }
    }
    if (ok) {
      if (x < 0 || !Number.isInteger(x)) bad(i, 'frequency', `must be a whole number >= 0 (got ${x})`);
      if (tx < 0) bad(i, 'recency', `must be >= 0 (got ${tx})`);
      if (age <= 0) bad(i, 'T', `must be > 0 (got ${age})`);
      if (tx > age) bad(i, 'recency', `recency ${tx} exceeds T ${age}`);
      if (x === 0 && tx !== 0) bad(i, 'recency', `must be 0 when frequency is 0 (got ${tx})`);
    }
    frequency[i] = x;
    recency[i] = tx;
    T[i] = age;
    if (monetaryValue) {
      const m = parseNumber(row[cols.monetary_value]);
      if (Number.isNaN(m)) bad(i, 'monetary_value', `not a number: "${row[cols.monetary_value] ?? ''}"`);
      else if (m < 0) bad(i, 'monetary_value', `must be >= 0 (got ${m})`);
      else if (x > 0 && m === 0) bad(i, 'monetary_value', 'must be > 0 for a customer with repeat purchases');
      monetaryValue[i] = m;
    }
  }
  if (issues.length > 0) throw new ValidationError(`${path}: ${issues.length} invalid value(s)`, issues);
  return { table, frequency, recency, T, monetaryValue };
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
      const a = parseNumber(row[idx.amount]);
      if (Number.isNaN(a)) issues.push({ path: [i, 'amount'], line: lines[i], column: options.amountCol, message: `not a number: "${row[idx.amount] ?? ''}"` });
      amount[i] = a;
    }
  }
  if (issues.length > 0) throw new ValidationError(`${path}: ${issues.length} invalid value(s)`, issues);
  return { customer, day, amount };
}
