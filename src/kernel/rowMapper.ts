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
