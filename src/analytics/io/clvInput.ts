/**
 * The CLI's CLV input: either a summary CSV (`--summary`) or raw transactions (`--transactions`)
 * summarised as lifetimes does. Shared by `kizuna fit` and `kizuna predict`.
 */
import { ValidationError } from '../../kernel/errors.ts';
import { summarizeTransactions } from '../models/summary.ts';
import type { TimeUnit } from '../models/summary.ts';
import { readSummaryCsv, readTransactionsCsv, parseDateCell } from './clvCsv.ts';

export interface ClvInputOptions {
  summary?: string;
  transactions?: string;
  customerCol?: string;
  dateCol?: string;
  amountCol?: string;
  unit?: string;
  collapse?: string;
  observationEnd?: string;
}

export interface ClvInput {
  /** Output columns to carry through (the summary file's own, or the built summary's). */
  header: string[];
  rows: string[][];
  frequency: Float64Array;
  recency: Float64Array;
  T: Float64Array;
  monetaryValue?: Float64Array;
  /** Time unit of recency and T (a summary file is assumed to be in weeks unless --unit says otherwise). */
  unit: TimeUnit;
  source: 'summary' | 'transactions';
}

function asUnit(value: string | undefined, flag: string): TimeUnit | undefined {
  if (value === undefined) return undefined;
  if (value === 'days' || value === 'weeks') return value;
  throw new ValidationError(`${flag} must be "days" or "weeks"`, [{ path: [flag], message: `got "${value}"` }]);
}

export function loadClvInput(opts: ClvInputOptions, needMonetary: boolean): ClvInput {
  const unit = asUnit(opts.unit, '--unit');
  if (opts.summary && opts.transactions) {
    throw new ValidationError('give either --summary or --transactions, not both', [{ path: ['--summary'], message: 'both given' }]);
  }
  if (opts.summary) {
    const s = readSummaryCsv(opts.summary, { monetary: needMonetary });
    return {
      header: s.table.header,
      rows: s.table.rows,
      frequency: s.frequency,
      recency: s.recency,
      T: s.T,
      monetaryValue: s.monetaryValue,
      unit: unit ?? 'weeks',
      source: 'summary',
    };
  }
  if (!opts.transactions) {
    throw new ValidationError('an input is required: --summary FILE.csv or --transactions FILE.csv', [
      { path: ['--summary'], message: 'missing' },
    ]);
  }
  const missing = [
    ['--customer-col', opts.customerCol],
    ['--date-col', opts.dateCol],
    ['--unit', opts.unit],
  ].filter(([, v]) => !v);
  if (needMonetary && !opts.amountCol) missing.push(['--amount-col', undefined]);
  if (missing.length > 0) {
    throw new ValidationError('--transactions needs more options', missing.map(([f]) => ({ path: [f!], message: 'required with --transactions' })));
  }
  let observationEnd: number | undefined;
  if (opts.observationEnd !== undefined) {
    observationEnd = parseDateCell(opts.observationEnd);
    if (Number.isNaN(observationEnd)) {
      throw new ValidationError('--observation-end must be a date YYYY-MM-DD', [{ path: ['--observation-end'], message: `got "${opts.observationEnd}"` }]);
    }
  }
  const tx = readTransactionsCsv(opts.transactions, { customerCol: opts.customerCol!, dateCol: opts.dateCol!, amountCol: opts.amountCol });
  const s = summarizeTransactions(tx, { unit: unit!, collapse: asUnit(opts.collapse, '--collapse'), observationEnd });
  if (s.customers.length === 0) {
    throw new ValidationError('no transactions on or before the observation end', [{ path: ['--observation-end'], message: 'every transaction is later' }]);
  }
  const header = ['customer_id', 'frequency', 'recency', 'T', ...(s.monetaryValue ? ['monetary_value'] : [])];
  const rows = s.customers.map((c, k) => [
    String(c),
    String(s.frequency[k]),
    String(s.recency[k]),
    String(s.T[k]),
    ...(s.monetaryValue ? [String(s.monetaryValue[k])] : []),
  ]);
  return {
    header,
    rows,
    frequency: s.frequency,
    recency: s.recency,
    T: s.T,
    monetaryValue: s.monetaryValue,
    unit: unit!,
    source: 'transactions',
  };
}
