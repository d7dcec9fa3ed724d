import { KizunaError, ValidationError, type FieldIssue } from '../../../kernel/errors.ts';
import { unstorableText } from '../../../kernel/storableText.ts';
import type { Queryable } from '../../../db/database.ts';
import { decodeCsv, type DetectedEncoding, type EncodingOption } from './encoding.ts';
import { mapHeader, type HeaderMap } from './headers.ts';
import type { CsvKind, ImportContext, ImportKind, ImportServices, IssueAt, SourceRow, WriteCounts } from './kind.ts';
import { customersKind } from './kinds/customers.ts';
import { eventsKind } from './kinds/events.ts';
import { ordersKind } from './kinds/orders.ts';
import { productsKind } from './kinds/products.ts';
import { readRecords } from './records.ts';
import { KeyLines } from './keyLines.ts';
import { RejectFile } from './rejects.ts';
import { RowReader } from './row.ts';

const KINDS: Record<ImportKind, CsvKind<unknown, unknown>> = {
  customers: customersKind,
  orders: ordersKind,
  products: productsKind,
  events: eventsKind,
};

/** Rows per write: big enough that a statement's overhead vanishes, small enough to bound memory. */
const CHUNK_ROWS = 5000;
/** Issues listed in the summary; the count and the error CSV have them all. */
const MAX_ERRORS = 100;

export interface ImportOptions {
  kind: ImportKind;
  workspaceId: string;
  encoding?: EncodingOption;
  /** Validate and write inside the transaction, then roll back. */
  dryRun?: boolean;
  /** Commit the valid rows; rejected ones go to `errorsOut` when given. */
  skipInvalid?: boolean;
  errorsOut?: string;
  chunkRows?: number;
}

export interface ImportIssue {
  line?: number;
  column?: string;
  message: string;
}

export interface ImportSummary {
  kind: ImportKind;
  /** Data rows read (the header and blank lines not counted). */
  rows: number;
  /** Rows written (or, in a dry run, that would have been). */
  imported: number;
  rejected: number;
  /** Entities (customers, orders, products, events) created and updated. */
  created: number;
  updated: number;
  /** Records the database already had and kept: repeated events, refunds already recorded. */
  duplicates: number;
  encoding: DetectedEncoding;
  dryRun: boolean;
  /** Whether the rows were committed; false for a dry run and for a rejected file. */
  committed: boolean;
  errors: ImportIssue[];
  errorFile: string | null;
}

/** Rows that are written or rejected together: one row, or the lines of one order. */
interface Unit {
  key?: string;
  rows: SourceRow<unknown>[];
  issues: FieldIssue[];
}

const ROLLBACK = Symbol('rollback');

/**
 * Imports one CSV stream in a single transaction, reading, validating and writing a chunk of rows
 * at a time so memory stays flat whatever the file's size. Without `skipInvalid` any invalid row
 * rejects the whole file: the rest is still validated (so every error is reported) but no longer
 * written, and the transaction rolls back. A missing required column is reported before any row.
 */
export async function importCsv(services: ImportServices, source: AsyncIterable<Buffer | string>, options: ImportOptions): Promise<ImportSummary> {
  const kind = KINDS[options.kind];
  const workspace = await services.workspaces.get(options.workspaceId);
  const ctx: ImportContext = { workspaceId: workspace.id, currency: workspace.currency, timeZone: workspace.timeZone, startedAt: new Date() };
  const decoded = decodeCsv(source, options.encoding);
  const records = readRecords(decoded.text);
  const summary: ImportSummary = {
    kind: options.kind,
    rows: 0,
    imported: 0,
    rejected: 0,
    created: 0,
    updated: 0,
    duplicates: 0,
    encoding: 'utf8',
    dryRun: Boolean(options.dryRun),
    committed: false,
    errors: [],
    errorFile: null,
  };
  let rejects: RejectFile | undefined;
  try {
    const first = await records.next();
    if (first.done) throw new ValidationError('The file is empty: it needs a header row', [{ path: [], line: 1, message: 'no header row' }]);
    const map = mapHeader(first.value.cells, kind.fields, kind.required);
    if (options.skipInvalid && options.errorsOut) rejects = new RejectFile(options.errorsOut, map.header);
    const run = new ImportRun(services, kind, ctx, map, summary, options, rejects);
    try {
      await services.db.tx(async (tx) => {
        await run.consume(records, tx);
        if (options.dryRun || (summary.rejected > 0 && !options.skipInvalid)) throw ROLLBACK;
      });
      summary.committed = true;
    } catch (err) {
      if (err !== ROLLBACK) throw err;
    }
  } finally {
    await records.return(undefined);
    await rejects?.close();
  }
  summary.encoding = decoded.encoding();
  // Writes overlap parsing, so a refusal by the database may be found after later rows' errors.
  summary.errors.sort((a, b) => (a.line ?? 0) - (b.line ?? 0));
  if (rejects?.written) summary.errorFile = rejects.path;
  if (summary.rejected > 0 && !options.skipInvalid) Object.assign(summary, { imported: 0, created: 0, updated: 0, duplicates: 0 });
  return summary;
}

class ImportRun {
  private chunk: Unit[] = [];
  private chunkSize = 0;
  /** The write of the previous chunk, which runs while the next chunk is parsed. */
  private writing: Promise<void> = Promise.resolve();
  /** Group keys already seen, with their first line: an order's rows must be contiguous. */
  private readonly seen = new KeyLines();
  private writes = 0;
  private readonly issueAt: IssueAt;

  constructor(
    private readonly services: ImportServices,
    private readonly kind: CsvKind<unknown, unknown>,
    private readonly ctx: ImportContext,
    private readonly map: HeaderMap,
    private readonly summary: ImportSummary,
    private readonly options: ImportOptions,
    private readonly rejects: RejectFile | undefined,
  ) {
    this.issueAt = (line, field, message) => {
      const index = field === undefined ? undefined : map.fields.get(field);
      const column = index === undefined ? undefined : map.header[index];
      return { path: column === undefined ? [] : [column], line, column, message: column === undefined && field ? `${field}: ${message}` : message };
    };
  }

  async consume(records: AsyncIterable<{ cells: string[]; line: number }>, tx: Queryable): Promise<void> {
    try {
      await this.readAll(records, tx);
    } catch (err) {
      // The transaction rolls back once this throws: the write in flight must be over by then, or
      // its next statement would run after the ROLLBACK, outside any transaction.
      await this.writing.catch(() => {});
      throw err;
    }
    await this.writing;
  }

  private async readAll(records: AsyncIterable<{ cells: string[]; line: number }>, tx: Queryable): Promise<void> {
    const { kind, map } = this;
    const chunkRows = this.options.chunkRows ?? CHUNK_ROWS;
    let current: Unit | undefined;
    for await (const { cells, line } of records) {
      this.summary.rows += 1;
      const reader = new RowReader(cells, line, map);
      cells.forEach((cell, i) => {
        const problem = unstorableText(cell);
        if (problem) reader.issues.push({ path: [map.header[i] ?? `column ${i + 1}`], line, column: map.header[i], message: problem });
      });
      if (cells.length > map.header.length && cells.slice(map.header.length).some((c) => c.trim() !== '')) {
        reader.fail(undefined, `has ${cells.length} cells but the header has ${map.header.length} columns`);
      }
      const value = kind.read(reader, this.ctx);
      const key = kind.group?.key(value);
      if (current && key !== undefined && key === current.key) {
        current.rows.push({ line, cells, value });
        current.issues.push(...reader.issues);
        continue;
      }
      if (current) {
        this.chunk.push(current);
        this.chunkSize += current.rows.length;
        if (this.chunkSize >= chunkRows) await this.flush(tx);
      }
      current = { key, rows: [{ line, cells, value }], issues: reader.issues };
      if (kind.group && key !== undefined) {
        const earlier = this.seen.firstLine(key, line);
        if (earlier !== undefined) current.issues.push(this.issueAt(line, kind.group.field, `${kind.group.name} ${key} already appeared on line ${earlier}: the rows of one ${kind.group.name} must be next to each other (sort the file by this column)`));
      }
    }
    if (current) this.chunk.push(current);
    await this.flush(tx);
  }

  private async flush(tx: Queryable): Promise<void> {
    const valid: { unit: Unit; entity: unknown }[] = [];
    for (const unit of this.chunk) {
      const built = unit.issues.length > 0 ? unit.issues : this.kind.build(unit.rows, this.ctx, this.issueAt);
      if (isIssues(built)) await this.reject(unit, built);
      else valid.push({ unit, entity: built });
    }
    this.chunk = [];
    this.chunkSize = 0;
    // One write in flight at a time (a transaction is one connection), overlapping the parsing.
    await this.writing;
    // A rejected file is rolled back: validating the rest is enough.
    if (this.summary.rejected > 0 && !this.options.skipInvalid) return;
    // Foreign-key checks run plans the connection cached at their first use; in a fresh workspace
    // that was on nearly empty tables, so each check would scan its table and a long import slow
    // down quadratically. Dropping the cached plans each time the tables have doubled gets them
    // planned again, with index lookups once the tables are big enough (unlike ANALYZE, no lock).
    const writes = ++this.writes;
    if (writes >= 2 && (writes & (writes - 1)) === 0) await tx.query('DISCARD PLANS');
    this.writing = this.write(valid, tx);
    // Its failure surfaces at the next await of `writing`; until then it must not count as unhandled.
    this.writing.catch(() => {});
  }

  /**
   * Writes a batch under a savepoint. If the database refuses it (a refund above an order's total),
   * the halves are retried until the refused entities are isolated and rejected with the reason.
   */
  private async write(items: { unit: Unit; entity: unknown }[], tx: Queryable): Promise<void> {
    if (items.length === 0) return;
    await tx.query('SAVEPOINT csv_import');
    let counts: WriteCounts;
    try {
      counts = await this.kind.write(this.services, this.ctx, items.map((i) => i.entity), tx);
      await tx.query('RELEASE SAVEPOINT csv_import');
    } catch (err) {
      if (!isRowError(err)) throw err;
      await tx.query('ROLLBACK TO SAVEPOINT csv_import');
      await tx.query('RELEASE SAVEPOINT csv_import');
      if (items.length === 1) {
        const unit = items[0]!.unit;
        return this.reject(unit, [this.issueAt(unit.rows[0]!.line, undefined, describeRowError(err))]);
      }
      const half = items.length >> 1;
      await this.write(items.slice(0, half), tx);
      return this.write(items.slice(half), tx);
    }
    this.summary.created += counts.created;
    this.summary.updated += counts.updated;
    this.summary.duplicates += counts.duplicates;
    for (const item of items) this.summary.imported += item.unit.rows.length;
  }

  private async reject(unit: Unit, found: FieldIssue[]): Promise<void> {
    this.summary.rejected += unit.rows.length;
    // In file order: by line, then by column.
    const at = (i: FieldIssue) => (i.line ?? 0) * 10_000 + (i.column === undefined ? -1 : this.map.header.indexOf(i.column));
    const issues = [...found].sort((a, b) => at(a) - at(b));
    for (const issue of issues) {
      if (this.summary.errors.length >= MAX_ERRORS) break;
      this.summary.errors.push({ line: issue.line, ...(issue.column === undefined ? {} : { column: issue.column }), message: issue.message });
    }
    if (!this.rejects) return;
    const firstLine = issues[0]?.line ?? unit.rows[0]!.line;
    for (const row of unit.rows) {
      const own = issues.filter((i) => i.line === row.line).map((i) => (i.column ? `${i.column}: ${i.message}` : i.message));
      const error = own.length > 0 ? own.join('; ') : `${this.kind.group?.name} ${unit.key} is rejected because of line ${firstLine}`;
      await this.rejects.write(row.cells, row.line, error);
    }
  }
}

function isIssues(value: unknown): value is FieldIssue[] {
  return Array.isArray(value);
}

/** Errors that condemn the rows being written, not the import: bad data (SQLSTATE classes 22, 23) or a service's refusal. */
function isRowError(err: unknown): boolean {
  if (err instanceof KizunaError) return err.status < 500;
  const code = (err as { code?: unknown }).code;
  return typeof code === 'string' && /^2[23]/.test(code);
}

function describeRowError(err: unknown): string {
  if (err instanceof ValidationError && err.issues.length > 0) return err.issues.map((i) => i.message).join('; ');
  return (err as Error).message;
}
