import type { z } from 'zod';
import type { FieldIssue } from '../../../kernel/errors.ts';
import type { Db, Queryable } from '../../../db/database.ts';
import type { CatalogService } from '../../catalog/index.ts';
import type { CustomerService } from '../../customers/index.ts';
import type { EventService } from '../../events/index.ts';
import type { OrderService } from '../../orders/index.ts';
import type { WorkspaceService } from '../../workspaces/index.ts';
import type { FieldSpec } from './headers.ts';
import type { RowReader } from './row.ts';

export const IMPORT_KINDS = ['customers', 'orders', 'products', 'events'] as const;
export type ImportKind = (typeof IMPORT_KINDS)[number];

/** What an import writes through: the owning modules' services. */
export interface ImportServices {
  db: Db;
  workspaces: WorkspaceService;
  customers: CustomerService;
  catalog: CatalogService;
  orders: OrderService;
  events: EventService;
}

export interface ImportContext {
  workspaceId: string;
  /** The workspace's currency: amounts without a 通貨 column are in it. */
  currency: string;
  /** The workspace's time zone: dates without a zone are wall-clock times there. */
  timeZone: string;
  /** When this import started: the time of records the file does not date (a consent without a date). */
  startedAt: Date;
}

/** One data row of the file with what the kind read from it. */
export interface SourceRow<R> {
  line: number;
  cells: string[];
  value: R;
}

export interface WriteCounts {
  created: number;
  updated: number;
  /** Records the database already had and kept as they were (a repeated event or refund). */
  duplicates: number;
}

/** A column-addressed issue for a row, as `build` reports them. */
export type IssueAt = (line: number, field: string | undefined, message: string) => FieldIssue;

/**
 * What an import kind knows: its columns, how it reads a row, how rows become the entity a service
 * takes, and which service call writes a batch of them.
 */
export interface CsvKind<R, E> {
  fields: FieldSpec[];
  /** Groups of fields of which the header must have one each. */
  required: string[][];
  /** Reads a row; problems are recorded on the reader (the row is then rejected). */
  read(row: RowReader, ctx: ImportContext): R;
  /** Rows with the same key, next to each other, make one entity (the lines of an order). */
  group?: {
    /** What a group is called in messages ("order"). */
    name: string;
    /** The field holding the key. */
    field: string;
    key(value: R): string | undefined;
  };
  build(rows: SourceRow<R>[], ctx: ImportContext, issueAt: IssueAt): E | FieldIssue[];
  write(services: ImportServices, ctx: ImportContext, entities: E[], q: Queryable): Promise<WriteCounts>;
}

/** Turns a schema's issues into CSV issues; `columnOf` maps the first path element to a field key. */
export function schemaIssues(error: z.ZodError, line: number, issueAt: IssueAt, fieldOf: (path: PropertyKey[]) => string | undefined = (p) => (typeof p[0] === 'string' ? p[0] : undefined)): FieldIssue[] {
  return error.issues.map((issue) => {
    const field = fieldOf(issue.path);
    const message = field === undefined && issue.path.length > 0 ? `${issue.path.join('.')}: ${issue.message}` : issue.message;
    return issueAt(line, field, message);
  });
}
