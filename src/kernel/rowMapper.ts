/**
 * Typed row mapping. Each query declares the row it returns (`interface CustomerRow`, its columns
 * as node-postgres hands them over) and reads it with `q.query<CustomerRow>(…)`; the mapper and the
 * SELECT list are written against that same type, so a renamed, misspelt or forgotten column fails
 * typecheck instead of becoming `undefined` at run time (as `r.col as string` casts let it).
 */

/** `mapRow<CustomerRow>()((r) => ({ id: r.id }))`: the mapper sees Row's columns only, each typed. */
export const mapRow =
  <Row extends object>() =>
  <Out, Extra extends unknown[] = []>(map: (row: Row, ...extra: Extra) => Out): ((row: Row, ...extra: Extra) => Out) =>
    map;

/**
 * The SELECT list of a row type: every column of Row exactly once, each `true` (the column itself)
 * or the SQL expression that yields it (`AS` is added). A missing or unknown column fails typecheck.
 */
export const selectList =
  <Row extends object>() =>
  (columns: { [K in keyof Row & string]: true | string }): string =>
    Object.entries(columns)
      .map(([column, sql]) => (sql === true ? column : `${sql} AS ${column}`))
      .join(', ');

/** `'id min_spend_minor'` → `'id' | 'min_spend_minor'`. */
type Words<S extends string> = S extends `${infer Word} ${infer Rest}` ? Word | Words<Rest> : S;
/** `min_spend_minor` → `minSpendMinor`, `clv_12m_minor` → `clv12mMinor`: the runtime rename, at type level. */
type Camel<S extends string> = S extends `${infer Head}_${infer Tail}` ? `${Head}${Capitalize<Camel<Tail>>}` : S;
const camel = (column: string) => column.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());

/** The row a column list reads: each column typed as the field it becomes. */
export type ColumnsRow<Out, Columns extends string> = { [C in Words<Columns>]: Out[Camel<C> & keyof Out] };
/** Where the column list and Out's fields disagree, typecheck names the fields. */
type Matching<Out, Columns extends string> = [Exclude<keyof Out, Camel<Words<Columns>>>, Exclude<Camel<Words<Columns>>, keyof Out>] extends [never, never]
  ? Columns
  : { missing: Exclude<keyof Out, Camel<Words<Columns>>>; unknown: Exclude<Camel<Words<Columns>>, keyof Out> };

/** A camel mapper, with its column list for a SELECT. */
export type CamelMapper<Out, Row> = ((row: Row) => Out) & { readonly columns: string };

/**
 * The mapper of a row whose columns are Out's fields in snake_case, one after another:
 * `camelRow<Campaign>()('id name min_spend_minor …')`. The list must name every field of Out once
 * and nothing else, so a renamed column or field fails typecheck; the mapper copies those columns
 * only (a `SELECT *` row's other columns stay out of the result). `columns` is the list for a
 * SELECT: a name with capitals (`T`) reads its column (unquoted SQL names fold to lower case)
 * under an alias that keeps the capitals.
 */
export const camelRow =
  <Out extends object>() =>
  <const Columns extends string>(columns: Columns & Matching<Out, Columns>): CamelMapper<Out, ColumnsRow<Out, Columns>> => {
    const names = columns.split(' ');
    const pairs = names.map((column) => [column, camel(column)] as const);
    const map = (row: ColumnsRow<Out, Columns>): Out => {
      const out: Record<string, unknown> = {};
      for (const [column, field] of pairs) out[field] = (row as Record<string, unknown>)[column];
      return out as Out;
    };
    const select = names.map((name) => (/[A-Z]/.test(name) ? `${name.toLowerCase()} AS "${name}"` : name)).join(', ');
    return Object.assign(map, { columns: select });
  };

/** The row type a mapper reads, for typing the query that feeds it: `q.query<RowOf<typeof toCampaign>>(…)`. */
export type RowOf<Mapper extends (row: never) => unknown> = Parameters<Mapper>[0];
