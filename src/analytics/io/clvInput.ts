/**
 * The CLI's CLV input: either a summary CSV (`--summary`) or raw transactions (`--transactions`)
 * summarised as lifetimes does. Shared by `kizuna fit` and `kizuna predict`.
 */
import { ValidationError } from '../../kernel/errors.ts';
import type { TimeUnit } from '../models/summary.ts';
import { readSummaryCsv, readSummaryCsvShared } from './summaryCsv.ts';
import type { ScanElsewhere } from './csvChunks.ts';
import type { CsvRecords } from './summaryCsv.ts';
import { csvCell } from './csvWriter.ts';

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
  /** Columns to carry through to output: the summary file's own records, or the built summary's. */
  records: CsvRecords;
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

/**
 * Loads the input; with `scanElsewhere` a summary file's scan is shared with another thread. Transactions pull in a general CSV parser and the summariser, so they are
 * imported only when given: a summary, the large case, starts faster without them.
 */
export async function loadClvInput(opts: ClvInputOptions, needMonetary: boolean, scanElsewhere?: ScanElsewhere): Promise<ClvInput> {
  const unit = asUnit(opts.unit, '--unit');
  if (opts.summary && opts.transactions) {
    throw new ValidationError('give either --summary or --transactions, not both', [{ path: ['--summary'], message: 'both given' }]);
  }
  if (opts.summary) {
    const s = scanElsewhere ? await readSummaryCsvShared(opts.summary, { monetary: needMonetary }, scanElsewhere) : readSummaryCsv(opts.summary, { monetary: needMonetary });
    return {
      records: s.records,
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
  const { parseDateCell, readTransactionsCsv } = await import('./transactionsCsv.ts');
  const { summarizeTransactions } = await import('../models/summary.ts');
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
  const lines = s.customers.map((c, k) =>
    [csvCell(String(c)), s.frequency[k], s.recency[k], s.T[k], ...(s.monetaryValue ? [s.monetaryValue[k]] : [])].join(','),
  );
  return {
    records: recordsOf(header, lines),
    frequency: s.frequency,
    recency: s.recency,
    T: s.T,
    monetaryValue: s.monetaryValue,
    unit: unit!,
    source: 'transactions',
  };
}

/** Records over the text of `lines` (one CSV record each, no line breaks inside). */
function recordsOf(header: string[], lines: string[]): CsvRecords {
  const bytes = Buffer.from(lines.join('\n'));
  const start = new Uint32Array(lines.length);
  const end = new Uint32Array(lines.length);
  let pos = 0;
  lines.forEach((line, i) => {
    start[i] = pos;
    pos += Buffer.byteLength(line);
    end[i] = pos;
    pos += 1;
  });
  return { header, bytes, count: lines.length, start, end, short: new Uint16Array(lines.length) };
}
