import {
  CUSTOMER_FIELDS,
  type AccountHealthStatus,
  SCORE_FIELDS,
  type Comparison,
  type Condition,
  type CountOperator,
  type Kind,
  type PropertyCondition,
  type Rule,
  type Scalar,
  type Window,
} from './rule.ts';

/**
 * Rule → one parameterized SQL query selecting `customer_id` of the matching customers.
 *
 * Safety: identifiers come only from the whitelists of rule.ts and the literals in this file; every
 * value — strings, numbers, attribute paths, event names, dates — is a `$n` parameter.
 *
 * Shape: the customers of the workspace (erased ones and anonymous visitors never match), filtered
 * by a boolean expression. Every leaf is two-valued (never NULL), so NOT is an exact complement.
 * Leaves on other tables are uncorrelated `c.id IN (SELECT customer_id … )` sets: PostgreSQL turns
 * them into semi-joins at the top level and hashed sub-plans under OR/NOT, one pass over each table
 * instead of a probe per customer. An aggregate that holds for a customer with no rows at all
 * ("fewer than 2 orders", "never did X") is compiled as NOT IN the complement, so customers without
 * rows match without a join.
 *
 * Time is relative to `asOf` (a parameter, so tests are deterministic): nothing after it is seen.
 * customer_scores is read here directly: the one sanctioned read of that table outside the
 * intelligence module (see /tmp/scores.md, docs/segments.md).
 */
export interface CompileContext {
  workspaceId: string;
  asOf: Date;
  /** IANA zone of the workspace: what "this month" means for birthdays. */
  timeZone: string;
  /**
   * Paying B2B accounts by health status at asOf, for `accountHealth` conditions. Health is
   * computed by the intelligence module, not stored, so the caller resolves it (SegmentService).
   */
  accountsByHealth?: Record<AccountHealthStatus, string[]>;
}

export interface CompiledQuery {
  sql: string;
  params: unknown[];
}

const DAY_MS = 86_400_000;

/** Only SQL written in this file goes through here; values are pushed and referenced as `$n::type`. */
class Params {
  readonly values: unknown[];
  private asOfRef: string | undefined;
  /** Whether a condition read the per-customer order totals (then compileRule defines them). */
  usesOrderTotals = false;

  constructor(private readonly ctx: CompileContext) {
    this.values = [ctx.workspaceId];
  }

  add(value: unknown, cast: string): string {
    this.values.push(value);
    return `$${this.values.length}::${cast}`;
  }

  asOf(): string {
    this.asOfRef ??= this.add(this.ctx.asOf, 'timestamptz');
    return this.asOfRef;
  }

  daysBeforeAsOf(days: number): string {
    return this.add(new Date(this.ctx.asOf.getTime() - days * DAY_MS), 'timestamptz');
  }

  orderTotals(): string {
    this.usesOrderTotals = true;
    return 'order_totals';
  }
}

/** `$1` is always the workspace id. */
const WS = '$1';
/** Customers that can be in a segment: the workspace's identified, not erased customers. */
const BASE = `SELECT c.id AS customer_id FROM customers c WHERE c.workspace_id = ${WS} AND c.erased_at IS NULL AND c.external_id IS NOT NULL`;

export function compileRule(rule: Rule, ctx: CompileContext): CompiledQuery {
  const p = new Params(ctx);
  const where = compileCondition(rule.match, p, ctx);
  // All-time order conditions (count, sum, first and last order) share one pass over the orders.
  const totals = p.usesOrderTotals
    ? `WITH order_totals AS MATERIALIZED (SELECT o.customer_id, count(*) AS orders, sum(o.net_minor) AS net,
        min(o.ordered_at) AS first_at, max(o.ordered_at) AS last_at
        FROM paying_orders o WHERE o.workspace_id = ${WS} AND o.ordered_at <= ${p.asOf()} GROUP BY o.customer_id) `
    : '';
  return { sql: `${totals}${BASE} AND (${where})`, params: p.values };
}

function compileCondition(c: Condition, p: Params, ctx: CompileContext): string {
  switch (c.type) {
    case 'and':
    case 'or':
      return c.conditions.map((x) => `(${compileCondition(x, p, ctx)})`).join(c.type === 'and' ? ' AND ' : ' OR ');
    case 'not':
      return `NOT (${compileCondition(c.condition, p, ctx)})`;
    case 'field': {
      const f = CUSTOMER_FIELDS[c.field];
      // char(n) and uuid columns compare as text.
      const column = f.kind === 'text' ? `c.${f.column}::text` : `c.${f.column}`;
      return compare(column, f.kind, c, p);
    }
    case 'attribute':
      return compareJson('c.attributes', c, p);
    case 'consent':
      return consent(c.channel, c.status, p);
    case 'birthday': {
      const current = Number(new Intl.DateTimeFormat('en', { timeZone: ctx.timeZone, month: 'numeric' }).format(ctx.asOf));
      const month = c.month === 'current' ? current : c.month === 'next' ? (current % 12) + 1 : c.month;
      return `coalesce(extract(month FROM c.birthday) = ${p.add(month, 'int')}, false)`;
    }
    case 'score':
      return score(c, p);
    case 'orders':
      return orders(c, p);
    case 'lastOrder':
    case 'firstOrder': {
      const at = c.type === 'lastOrder' ? 't.last_at' : 't.first_at';
      return memberOf('t.customer_id', `FROM ${p.orderTotals()} t`, 'WHERE', compare(at, 'time', c, p), c.op === 'notExists');
    }
    case 'event':
      return event(c, p);
    case 'segment':
      return `c.id IN (SELECT m.customer_id FROM segment_members m WHERE m.workspace_id = ${WS} AND m.segment_id = ${p.add(c.segmentId, 'uuid')})`;
    case 'accountHealth': {
      if (!ctx.accountsByHealth) throw new Error('accountHealth needs accountsByHealth in the compile context');
      const accounts = c.status.flatMap((s) => ctx.accountsByHealth![s]);
      return `coalesce(c.account_id = ANY(${p.add(accounts, 'uuid[]')}), false)`;
    }
  }
}

/**
 * `c.id IN (SELECT <id> <from> <glue> <predicate>)`, where `glue` is HAVING after a GROUP BY (an
 * aggregate predicate), AND after a WHERE, or WHERE. When the predicate also holds for a customer
 * with no rows (`holdsForNone`), the complement: `NOT IN (… <glue> NOT <predicate>)`.
 */
function memberOf(id: string, from: string, glue: 'HAVING' | 'AND' | 'WHERE', predicate: string, holdsForNone: boolean): string {
  return holdsForNone
    ? `NOT (c.id IN (SELECT ${id} ${from} ${glue} NOT (${predicate})))`
    : `c.id IN (SELECT ${id} ${from} ${glue} ${predicate})`;
}

/*
 * What an order counts as is the orders module's `paying_orders` view (completed, net revenue after
 * refunds above zero), as the scores count them. Unlike the scores, segments count orders in every
 * currency (the scores keep the workspace's): a rule's amounts are compared as they are.
 */

function orders(c: Extract<Condition, { type: 'orders' }>, p: Params): string {
  if (!c.window && !c.product) {
    return aggregate('t.customer_id', `FROM ${p.orderTotals()} t`, 'WHERE', c.aggregate === 'count' ? 't.orders' : 't.net', c.op, c.value, p);
  }
  const time = windowSql('o.ordered_at', c.window, p);
  let from = `FROM paying_orders o`;
  let filter = '';
  let measure = c.aggregate === 'count' ? 'count(*)' : 'sum(o.net_minor)';
  if (c.product) {
    from += ` JOIN order_lines l ON l.workspace_id = o.workspace_id AND l.customer_id = o.customer_id AND l.order_id = o.id`;
    const tests: string[] = [];
    if (c.product.skus) tests.push(`l.sku = ANY(${p.add(c.product.skus, 'text[]')})`);
    if (c.product.categories) {
      // The category on the line (as sold) or, failing that, the product's in the catalog.
      from += ` LEFT JOIN products pr ON pr.workspace_id = l.workspace_id AND pr.id = l.product_id`;
      tests.push(`coalesce(l.category, pr.category) = ANY(${p.add(c.product.categories, 'text[]')})`);
    }
    filter = ` AND (${tests.join(' OR ')})`;
    // Refunds are recorded per order, not per line: the sum of matching lines is gross.
    measure = c.aggregate === 'count' ? 'count(DISTINCT o.id)' : 'sum(l.total_minor)';
  }
  const where = `${from} WHERE o.workspace_id = ${WS} AND ${time}${filter} GROUP BY o.customer_id`;
  return aggregate('o.customer_id', where, 'HAVING', measure, c.op, c.value, p);
}

function event(c: Extract<Condition, { type: 'event' }>, p: Params): string {
  const props = (c.properties ?? []).map((x: PropertyCondition) => ` AND ${compareJson('e.properties', x, p)}`).join('');
  const where = `FROM events e WHERE e.workspace_id = ${WS} AND e.name = ${p.add(c.name, 'text')} AND ${windowSql('e.occurred_at', c.window, p)}${props} GROUP BY e.customer_id`;
  return aggregate('e.customer_id', where, 'HAVING', 'count(*)', c.op, c.value, p);
}

const SQL_OPERATOR: Record<CountOperator, string> = { eq: '=', neq: '<>', gt: '>', gte: '>=', lt: '<', lte: '<=' };
const HOLDS: Record<CountOperator, (a: number, b: number) => boolean> = {
  eq: (a, b) => a === b,
  neq: (a, b) => a !== b,
  gt: (a, b) => a > b,
  gte: (a, b) => a >= b,
  lt: (a, b) => a < b,
  lte: (a, b) => a <= b,
};

/** A count or sum compared with a number; no rows count as 0 (see `memberOf`). */
function aggregate(id: string, from: string, glue: 'HAVING' | 'WHERE', measure: string, op: CountOperator, value: number, p: Params): string {
  return memberOf(id, from, glue, `${measure} ${SQL_OPERATOR[op]} ${p.add(value, 'numeric')}`, HOLDS[op](0, value));
}

function windowSql(column: string, w: Window | undefined, p: Params): string {
  const bounds = [`${column} <= ${p.asOf()}`];
  if (w?.lastDays !== undefined) bounds.push(`${column} > ${p.daysBeforeAsOf(w.lastDays)}`);
  if (w?.from) bounds.push(`${column} >= ${p.add(w.from, 'timestamptz')}`);
  if (w?.to) bounds.push(`${column} < ${p.add(w.to, 'timestamptz')}`);
  return bounds.join(' AND ');
}

function consent(channel: string, status: 'opted_in' | 'opted_out' | 'unknown', p: Params): string {
  const ch = p.add(channel, 'text');
  if (status === 'unknown') {
    return `NOT (c.id IN (SELECT k.customer_id FROM consents k WHERE k.workspace_id = ${WS} AND k.channel = ${ch}))`;
  }
  // The latest record per customer is what counts (as CustomerService.consentState reads it).
  return `c.id IN (SELECT l.customer_id FROM (SELECT DISTINCT ON (k.customer_id) k.customer_id, k.status FROM consents k
    WHERE k.workspace_id = ${WS} AND k.channel = ${ch} ORDER BY k.customer_id, k.recorded_at DESC, k.created_at DESC) l
    WHERE l.status = ${p.add(status, 'text')})`;
}

function score(c: Extract<Condition, { type: 'score' }>, p: Params): string {
  const column = `s.${SCORE_FIELDS[c.field].column}`;
  if (c.op === 'topPercent' || c.op === 'bottomPercent') {
    // Ranked among the scored, identified, not erased customers; ties at the cut are left out.
    // The share is cume_dist() counted by the window's default frame (rows up to the last peer):
    // cume_dist() itself made the window re-read its spilled rows, 4 GB of temporary reads for a
    // million scored customers (17 s → 11 s for the whole rule, under load).
    const order = c.op === 'topPercent' ? 'DESC' : 'ASC';
    return `c.id IN (SELECT r.customer_id FROM (SELECT s.customer_id, count(*) OVER (ORDER BY ${column} ${order})::float8 / count(*) OVER () AS d
      FROM customer_scores s JOIN customers rc ON rc.workspace_id = s.workspace_id AND rc.id = s.customer_id
      WHERE s.workspace_id = ${WS} AND ${column} IS NOT NULL AND rc.erased_at IS NULL AND rc.external_id IS NOT NULL) r
      WHERE r.d <= ${p.add(c.value as number, 'float8')} / 100)`;
  }
  const from = `FROM customer_scores s WHERE s.workspace_id = ${WS}`;
  return memberOf('s.customer_id', from, 'AND', compare(column, SCORE_FIELDS[c.field].kind, c, p), c.op === 'notExists');
}

/** A comparison on a column of a known kind; two-valued (a missing value makes it false, except notExists). */
function compare(expr: string, kind: Exclude<Kind, 'json'>, c: Comparison, p: Params): string {
  const cast = { text: 'text', number: 'numeric', time: 'timestamptz', date: 'date' }[kind];
  const v = c.value;
  const present = kind === 'text' ? `coalesce(${expr} <> '', false)` : `(${expr} IS NOT NULL)`;
  const eq = (): string => `coalesce(${expr} = ${p.add(v, cast)}, false)`;
  const isIn = (): string => `coalesce(${expr} = ANY(${p.add(v, `${cast}[]`)}), false)`;
  switch (c.op) {
    case 'eq':
      return eq();
    case 'neq':
      return `(${expr} IS NOT NULL AND NOT ${eq()})`;
    case 'in':
      return isIn();
    case 'notIn':
      return `(${expr} IS NOT NULL AND NOT ${isIn()})`;
    case 'gt':
    case 'gte':
    case 'lt':
    case 'lte':
      return `coalesce(${expr} ${SQL_OPERATOR[c.op]} ${p.add(v, cast)}, false)`;
    case 'contains':
      return `coalesce(strpos(lower(${expr}), lower(${p.add(v, 'text')})) > 0, false)`;
    case 'startsWith':
      return `coalesce(starts_with(${expr}, ${p.add(v, 'text')}), false)`;
    case 'before':
      return `coalesce(${expr} < ${p.add(v, cast)}, false)`;
    case 'after':
      return `coalesce(${expr} >= ${p.add(v, cast)}, false)`;
    case 'withinLastDays':
      return `coalesce(${expr} > ${p.daysBeforeAsOf(v as number)} AND ${expr} <= ${p.asOf()}, false)`;
    case 'moreThanDaysAgo':
      return `coalesce(${expr} <= ${p.daysBeforeAsOf(v as number)}, false)`;
    case 'exists':
      return present;
    case 'notExists':
      return `NOT ${present}`;
    default:
      throw new Error(`operator ${c.op} is not valid on ${kind} (the rule schema should have refused it)`);
  }
}

/**
 * A comparison on a JSON value at a path of a jsonb column (customer attributes, event
 * properties). The path is a text[] parameter. Numbers compare numerically (also numeric strings,
 * as CSV imports store them), everything else by its text form ("true", "gold").
 */
function compareJson(column: string, c: PropertyCondition, p: Params): string {
  const path = p.add(c.path, 'text[]');
  const json = `(${column} #> ${path})`;
  const text = `(${column} #>> ${path})`;
  // The pattern keeps the cast from failing (and bounds it) whatever the stored text is.
  const number = `(CASE WHEN ${text} ~ '^\\s*[-+]?(\\d{1,30}(\\.\\d{0,30})?|\\.\\d{1,30})([eE][-+]?\\d{1,3})?\\s*$' THEN ${text}::numeric END)`;
  const present = `coalesce(jsonb_typeof(${json}) <> 'null', false)`;
  const isIn = (values: Scalar[]): string => {
    const numbers = values.filter((x): x is number => typeof x === 'number');
    const texts = values.filter((x) => typeof x !== 'number').map(String);
    const tests = [
      ...(texts.length > 0 ? [`coalesce(${text} = ANY(${p.add(texts, 'text[]')}), false)`] : []),
      ...(numbers.length > 0 ? [`coalesce(${number} = ANY(${p.add(numbers, 'numeric[]')}), false)`] : []),
    ];
    return `(${tests.join(' OR ')})`;
  };
  const v = c.value;
  switch (c.op) {
    case 'eq':
      return isIn([v as Scalar]);
    case 'neq':
      return `(${present} AND NOT ${isIn([v as Scalar])})`;
    case 'in':
      return isIn(v as Scalar[]);
    case 'notIn':
      return `(${present} AND NOT ${isIn(v as Scalar[])})`;
    case 'gt':
    case 'gte':
    case 'lt':
    case 'lte':
      return `coalesce(${number} ${SQL_OPERATOR[c.op]} ${p.add(v, 'numeric')}, false)`;
    case 'contains':
      return `coalesce(strpos(lower(${text}), lower(${p.add(v, 'text')})) > 0, false)`;
    case 'startsWith':
      return `coalesce(starts_with(${text}, ${p.add(v, 'text')}), false)`;
    case 'includes':
      return `coalesce(jsonb_typeof(${json}) = 'array' AND ${json} @> ${p.add(JSON.stringify([v]), 'jsonb')}, false)`;
    case 'exists':
      return present;
    case 'notExists':
      return `NOT ${present}`;
    default:
      throw new Error(`operator ${c.op} is not valid on attributes (the rule schema should have refused it)`);
  }
}
