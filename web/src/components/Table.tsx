import { Fragment, type HTMLAttributes, type Key, type ReactNode } from 'react';

export interface Column<T> {
  header: ReactNode;
  cell: (row: T) => ReactNode;
  /** Figures: right-aligned, header and cells alike. */
  numeric?: boolean;
  /** The cell names its row (`<th scope="row">`), for screen readers reading across. */
  rowHeader?: boolean;
  /** Classes for the body cells (beside `numeric`). */
  className?: string;
  /** A column the server sorts by: its header is a button, and says which way it sorts now (null: not by it). */
  sort?: { direction: 'asc' | 'desc' | null; onSort: () => void };
  /** Attributes of every body cell (`data-*` that tests and styles find the column by). */
  attributes?: Record<`data-${string}`, string>;
}

export interface TableProps<T> {
  columns: (Column<T> | false)[];
  rows: readonly T[];
  /** The record's identity (the index only for lists that never reorder). */
  rowKey: (row: T, index: number) => Key;
  /** `table` plus modifiers (`table table-compact`). */
  className?: string;
  caption?: ReactNode;
  /** The caption is for screen readers only (a heading above already says it to the eye). */
  captionHidden?: boolean;
  /** Inside a scrolling `table-wrap` (the default), or bare where a card already bounds it. */
  wrap?: boolean;
  /** Marks the wrap busy while the next page loads over the current rows. */
  busy?: boolean;
  /** Attributes of a record's row (a class, `aria-current` on the chosen one). */
  rowProps?: (row: T) => HTMLAttributes<HTMLTableRowElement>;
  /** A row of its own under a record, across every column (an opened breakdown); null for none. */
  detail?: { render: (row: T) => ReactNode | null; className: string };
}

/** The header row alone, for tables whose rows are components with their own state (an editable row). */
export function TableHead({ columns }: { columns: Pick<Column<never>, 'header' | 'numeric' | 'sort'>[] }) {
  return (
    <thead>
      <tr>
        {columns.map((c, i) => (
          <th key={i} scope="col" className={c.numeric ? 'numeric' : undefined} aria-sort={c.sort ? ARIA_SORT[c.sort.direction ?? 'none'] : undefined}>
            {c.sort ? (
              <button type="button" className="sort-button" onClick={c.sort.onSort}>
                {c.header}
                <span aria-hidden="true">{c.sort.direction === 'asc' ? ' ▲' : c.sort.direction === 'desc' ? ' ▼' : ' ↕'}</span>
              </button>
            ) : (
              c.header
            )}
          </th>
        ))}
      </tr>
    </thead>
  );
}

const ARIA_SORT = { asc: 'ascending', desc: 'descending', none: 'none' } as const;

/** Header cells with `scope`, one row a record; a column `false` is left out (shown only to some). */
export function Table<T>({ columns, rows, rowKey, className = 'table', caption, captionHidden = false, wrap = true, busy, rowProps, detail }: TableProps<T>) {
  const shown = columns.filter((c): c is Column<T> => c !== false);
  const table = (
    <table className={className}>
      {caption !== undefined && <caption className={captionHidden ? 'visually-hidden' : undefined}>{caption}</caption>}
      <TableHead columns={shown} />
      <tbody>
        {rows.map((row, index) => {
          const more = detail?.render(row) ?? null;
          return (
            <Fragment key={rowKey(row, index)}>
              <tr {...rowProps?.(row)}>
                {shown.map((c, i) => {
                  const cls = [c.numeric ? 'numeric' : '', c.className ?? ''].filter(Boolean).join(' ') || undefined;
                  return c.rowHeader ? (
                    <th key={i} scope="row" className={cls} {...c.attributes}>
                      {c.cell(row)}
                    </th>
                  ) : (
                    <td key={i} className={cls} {...c.attributes}>
                      {c.cell(row)}
                    </td>
                  );
                })}
              </tr>
              {more !== null && (
                <tr className={detail!.className}>
                  <td colSpan={shown.length}>{more}</td>
                </tr>
              )}
            </Fragment>
          );
        })}
      </tbody>
    </table>
  );
  return wrap ? (
    <div className="table-wrap" aria-busy={busy}>
      {table}
    </div>
  ) : (
    table
  );
}
