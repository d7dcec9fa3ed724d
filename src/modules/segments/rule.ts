import { z } from 'zod';
import { RFM_SEGMENTS } from '../../analytics/models/rfm.ts';
import { ValidationError } from '../../kernel/errors.ts';
import { CONSENT_CHANNELS } from '../customers/index.ts';
import { zodIssues } from '../../kernel/errors.ts';
import { STAGES } from '../intelligence/stages.ts';

/**
 * The segment rule language, version 1: JSON, validated here, compiled to SQL by compile.ts.
 * Every name a rule may use (customer fields, score fields, operators) comes from the whitelists
 * below; anything a user types freely (values, attribute paths, event names) only ever becomes a
 * query parameter. docs/segments.md documents it with examples.
 */

/** What a compared value is, which decides the operators it takes. */
export type Kind = 'text' | 'number' | 'time' | 'date' | 'json';

/** Customer columns a rule may test, by their API name. */
export const CUSTOMER_FIELDS = {
  externalId: { column: 'external_id', kind: 'text' },
  email: { column: 'email', kind: 'text' },
  phone: { column: 'phone', kind: 'text' },
  lineUserId: { column: 'line_user_id', kind: 'text' },
  familyName: { column: 'family_name', kind: 'text' },
  givenName: { column: 'given_name', kind: 'text' },
  familyNameKana: { column: 'family_name_kana', kind: 'text' },
  givenNameKana: { column: 'given_name_kana', kind: 'text' },
  birthday: { column: 'birthday', kind: 'date' },
  postalCode: { column: 'postal_code', kind: 'text' },
  prefecture: { column: 'prefecture', kind: 'text' },
  city: { column: 'city', kind: 'text' },
  country: { column: 'country', kind: 'text' },
  locale: { column: 'locale', kind: 'text' },
  timeZone: { column: 'time_zone', kind: 'text' },
  accountId: { column: 'account_id', kind: 'text' },
  createdAt: { column: 'created_at', kind: 'time' },
  updatedAt: { column: 'updated_at', kind: 'time' },
} as const satisfies Record<string, { column: string; kind: Kind }>;

/** Columns of customer_scores (the intelligence module's contract) a rule may test. */
export const SCORE_FIELDS = {
  rfmSegment: { column: 'rfm_segment', kind: 'text', values: RFM_SEGMENTS },
  stage: { column: 'stage', kind: 'text', values: STAGES },
  rScore: { column: 'r_score', kind: 'number' },
  fScore: { column: 'f_score', kind: 'number' },
  mScore: { column: 'm_score', kind: 'number' },
  pAlive: { column: 'p_alive', kind: 'number' },
  churnRisk: { column: 'churn_risk', kind: 'number' },
  clv12mMinor: { column: 'clv_12m_minor', kind: 'number' },
  expectedPurchases90d: { column: 'expected_purchases_90d', kind: 'number' },
  expectedPurchases365d: { column: 'expected_purchases_365d', kind: 'number' },
  expectedAovMinor: { column: 'expected_aov_minor', kind: 'number' },
  ordersCount: { column: 'orders_count', kind: 'number' },
  revenueMinor: { column: 'revenue_minor', kind: 'number' },
  recencyDays: { column: 'recency_days', kind: 'number' },
  nextPurchaseAt: { column: 'next_purchase_at', kind: 'time' },
} as const satisfies Record<string, { column: string; kind: Kind; values?: readonly string[] }>;

export const OPERATORS = [
  'eq', 'neq', 'in', 'notIn', 'gt', 'gte', 'lt', 'lte', 'contains', 'startsWith', 'includes',
  'before', 'after', 'withinLastDays', 'moreThanDaysAgo', 'exists', 'notExists', 'topPercent', 'bottomPercent',
] as const;
export type Operator = (typeof OPERATORS)[number];

const KIND_OPERATORS: Record<Kind, readonly Operator[]> = {
  text: ['eq', 'neq', 'in', 'notIn', 'contains', 'startsWith', 'exists', 'notExists'],
  number: ['eq', 'neq', 'in', 'notIn', 'gt', 'gte', 'lt', 'lte', 'exists', 'notExists'],
  time: ['before', 'after', 'withinLastDays', 'moreThanDaysAgo', 'exists', 'notExists'],
  date: ['before', 'after', 'exists', 'notExists'],
  json: ['eq', 'neq', 'in', 'notIn', 'gt', 'gte', 'lt', 'lte', 'contains', 'startsWith', 'includes', 'exists', 'notExists'],
};
/** Ranking operators exist only on numeric scores (a window over the whole workspace). */
const RANK_OPERATORS: readonly Operator[] = ['topPercent', 'bottomPercent'];
export const COUNT_OPERATORS = ['eq', 'neq', 'gt', 'gte', 'lt', 'lte'] as const;
export type CountOperator = (typeof COUNT_OPERATORS)[number];

export const MAX_DAYS = 36_500;
const MAX_LIST = 1000;
const MAX_NODES = 200;
const MAX_DEPTH = 12;

export type Scalar = string | number | boolean;

/** A comparison as written; which `value` an operator needs is checked by `checkComparison`. */
export interface Comparison {
  op: Operator;
  value?: unknown;
}

export interface Window {
  /** The last N days up to the rule's as-of time. */
  lastDays?: number;
  /** Absolute bounds: from inclusive, to exclusive (ISO 8601 with offset). */
  from?: string;
  to?: string;
}

export type Condition =
  | { type: 'and' | 'or'; conditions: Condition[] }
  | { type: 'not'; condition: Condition }
  | ({ type: 'field'; field: keyof typeof CUSTOMER_FIELDS } & Comparison)
  | ({ type: 'attribute'; path: string[] } & Comparison)
  | { type: 'consent'; channel: (typeof CONSENT_CHANNELS)[number]; status: 'opted_in' | 'opted_out' | 'unknown' }
  | { type: 'birthday'; month: 'current' | 'next' | number }
  | ({ type: 'score'; field: keyof typeof SCORE_FIELDS } & Comparison)
  | {
      type: 'orders';
      aggregate: 'count' | 'sum';
      op: CountOperator;
      value: number;
      window?: Window;
      product?: { skus?: string[]; categories?: string[] };
    }
  | ({ type: 'lastOrder' | 'firstOrder' } & Comparison)
  | { type: 'event'; name: string; op: CountOperator; value: number; window?: Window; properties?: PropertyCondition[] }
  | { type: 'segment'; segmentId: string }
  | { type: 'accountHealth'; status: AccountHealthStatus[] };

/** Health statuses of paying B2B accounts that a rule can select (the renewal-risk list). */
export const ACCOUNT_HEALTH_STATUSES = ['red', 'amber'] as const;
export type AccountHealthStatus = (typeof ACCOUNT_HEALTH_STATUSES)[number];

export type PropertyCondition = { path: string[] } & Comparison;

export interface Rule {
  version: 1;
  match: Condition;
}

const isoInstant = z.iso.datetime({ offset: true, error: 'an ISO 8601 date-time with offset, such as 2025-04-01T00:00:00+09:00' });
const isoDate = z.iso.date({ error: 'a date such as 2025-04-01' });
const days = z.number({ error: 'a whole number of days' }).int('a whole number of days').min(1).max(MAX_DAYS);
const scalar = z.union([z.string().max(1000), z.number(), z.boolean()], { error: 'a string, number or boolean' });

/** A JSON path into attributes or event properties: ["plan", "tier"]. Keys only, never SQL. */
const jsonPath = z.array(z.string().min(1).max(200), { error: 'a list of keys such as ["plan", "tier"]' }).min(1).max(10);

/**
 * The value an operator needs for a kind of field. Issues go on `value` (or `op`) of the condition,
 * so a user sees `match.conditions.2.value: withinLastDays needs a whole number of days`.
 */
function checkComparison(kind: Kind, c: Comparison, ctx: z.RefinementCtx, options: { values?: readonly string[]; rank?: boolean } = {}): void {
  const allowed = [...KIND_OPERATORS[kind], ...(options.rank && kind === 'number' ? RANK_OPERATORS : [])];
  if (!allowed.includes(c.op)) {
    ctx.addIssue({ code: 'custom', path: ['op'], message: `"${c.op}" does not apply to a ${kind} field: use one of ${allowed.join(', ')}` });
    return;
  }
  const fail = (message: string) => ctx.addIssue({ code: 'custom', path: ['value'], message: `${c.op} needs ${message}` });
  const one: z.ZodType =
    kind === 'number' ? z.number() : kind === 'json' ? scalar : options.values ? z.enum(options.values as [string, ...string[]]) : z.string().max(1000);
  const describeOne = kind === 'number' ? 'a number' : kind === 'json' ? 'a string, number or boolean' : options.values ? `one of ${options.values.join(', ')}` : 'a string';
  switch (c.op) {
    case 'eq':
    case 'neq':
    case 'includes':
      if (!one.safeParse(c.value).success) fail(describeOne);
      return;
    case 'in':
    case 'notIn':
      if (!z.array(one).min(1).max(MAX_LIST).safeParse(c.value).success) fail(`a list of 1 to ${MAX_LIST} values, each ${describeOne}`);
      return;
    case 'gt':
    case 'gte':
    case 'lt':
    case 'lte':
      if (typeof c.value !== 'number' || !Number.isFinite(c.value)) fail('a number');
      return;
    case 'contains':
    case 'startsWith':
      if (!z.string().min(1).max(1000).safeParse(c.value).success) fail('a non-empty string');
      return;
    case 'before':
    case 'after':
      if (!(kind === 'date' ? isoDate : isoInstant).safeParse(c.value).success) {
        fail(kind === 'date' ? 'a date such as 2025-04-01' : 'an ISO 8601 date-time with offset, such as 2025-04-01T00:00:00+09:00');
      }
      return;
    case 'withinLastDays':
    case 'moreThanDaysAgo':
      if (!days.safeParse(c.value).success) fail(`a whole number of days (1 to ${MAX_DAYS})`);
      return;
    case 'topPercent':
    case 'bottomPercent':
      if (typeof c.value !== 'number' || !(c.value > 0 && c.value <= 100)) fail('a percentage above 0 and at most 100');
      return;
    case 'exists':
    case 'notExists':
      if (c.value !== undefined) fail('no value');
      return;
  }
}

const comparison = { op: z.enum(OPERATORS, { error: `an operator: one of ${OPERATORS.join(', ')}` }), value: z.unknown().optional() };

const window = z
  .object({ lastDays: days.optional(), from: isoInstant.optional(), to: isoInstant.optional() })
  .strict()
  .refine((w) => (w.lastDays === undefined) !== (w.from === undefined && w.to === undefined), {
    message: 'either lastDays, or from and/or to',
  })
  .refine((w) => !(w.from && w.to) || Date.parse(w.from) < Date.parse(w.to), { message: 'from must be before to', path: ['to'] });

const count = {
  op: z.enum(COUNT_OPERATORS, { error: `one of ${COUNT_OPERATORS.join(', ')}` }).default('gte'),
  value: z.number({ error: 'a whole number' }).int('a whole number').min(0).max(1e15).default(1),
};

const propertyCondition = z
  .object({ path: jsonPath, ...comparison })
  .strict()
  .superRefine((c, ctx) => checkComparison('json', c, ctx));

const MONTH = '"current", "next" or a month 1 to 12';

const CONDITION_TYPES = ['and', 'or', 'not', 'field', 'attribute', 'consent', 'birthday', 'score', 'orders', 'lastOrder', 'firstOrder', 'event', 'segment', 'accountHealth'];

export const condition: z.ZodType<Condition> = z.lazy(() =>
  z.discriminatedUnion(
    'type',
    [
      z.object({ type: z.literal('and'), conditions: z.array(condition).min(1).max(100) }).strict(),
      z.object({ type: z.literal('or'), conditions: z.array(condition).min(1).max(100) }).strict(),
      z.object({ type: z.literal('not'), condition }).strict(),
      z
        .object({
          type: z.literal('field'),
          field: z.enum(Object.keys(CUSTOMER_FIELDS) as [keyof typeof CUSTOMER_FIELDS], {
            error: `a customer field: one of ${Object.keys(CUSTOMER_FIELDS).join(', ')}`,
          }),
          ...comparison,
        })
        .strict()
        .superRefine((c, ctx) => checkComparison(CUSTOMER_FIELDS[c.field].kind, c, ctx)),
      z
        .object({ type: z.literal('attribute'), path: jsonPath, ...comparison })
        .strict()
        .superRefine((c, ctx) => checkComparison('json', c, ctx)),
      z
        .object({
          type: z.literal('consent'),
          channel: z.enum(CONSENT_CHANNELS, { error: `a channel: one of ${CONSENT_CHANNELS.join(', ')}` }),
          status: z.enum(['opted_in', 'opted_out', 'unknown'], { error: 'opted_in, opted_out or unknown' }).default('opted_in'),
        })
        .strict(),
      z
        .object({
          type: z.literal('birthday'),
          month: z.union([z.enum(['current', 'next']), z.number().int()], { error: MONTH }).refine((m) => typeof m === 'string' || (m >= 1 && m <= 12), MONTH),
        })
        .strict(),
      z
        .object({
          type: z.literal('score'),
          field: z.enum(Object.keys(SCORE_FIELDS) as [keyof typeof SCORE_FIELDS], {
            error: `a score: one of ${Object.keys(SCORE_FIELDS).join(', ')}`,
          }),
          ...comparison,
        })
        .strict()
        .superRefine((c, ctx) => {
          const f: { kind: Kind; values?: readonly string[] } = SCORE_FIELDS[c.field];
          checkComparison(f.kind, c, ctx, { values: f.values, rank: true });
        }),
      z
        .object({
          type: z.literal('orders'),
          aggregate: z.enum(['count', 'sum'], { error: 'count (orders) or sum (net revenue, minor units)' }).default('count'),
          ...count,
          window: window.optional(),
          product: z
            .object({ skus: z.array(z.string().min(1).max(255)).min(1).max(MAX_LIST).optional(), categories: z.array(z.string().min(1).max(255)).min(1).max(MAX_LIST).optional() })
            .strict()
            .refine((p) => p.skus || p.categories, 'skus and/or categories')
            .optional(),
        })
        .strict(),
      z
        .object({ type: z.literal('lastOrder'), ...comparison })
        .strict()
        .superRefine((c, ctx) => checkComparison('time', c, ctx)),
      z
        .object({ type: z.literal('firstOrder'), ...comparison })
        .strict()
        .superRefine((c, ctx) => checkComparison('time', c, ctx)),
      z
        .object({
          type: z.literal('event'),
          name: z.string({ error: 'an event name' }).trim().min(1).max(255),
          ...count,
          window: window.optional(),
          properties: z.array(propertyCondition).min(1).max(10).optional(),
        })
        .strict(),
      z.object({ type: z.literal('segment'), segmentId: z.uuid({ error: 'the id of a segment' }) }).strict(),
      z
        .object({
          type: z.literal('accountHealth'),
          status: z.array(z.enum(ACCOUNT_HEALTH_STATUSES), { error: `a list of ${ACCOUNT_HEALTH_STATUSES.join(', ')}` }).min(1),
        })
        .strict(),
    ],
    {
      error: (issue) =>
        issue.code === 'invalid_union' ? `a condition type: one of ${CONDITION_TYPES.join(', ')}` : undefined,
    },
  ),
  // A named component: OpenAPI can refer to a recursive schema only by name (src/app/server.ts).
).meta({ id: 'SegmentCondition' }) as z.ZodType<Condition>;

export const ruleSchema = z
  .object({
    version: z.literal(1, { error: 'the rule language version: 1' }),
    match: condition,
  })
  .strict()
  .superRefine((rule, ctx) => {
    const { nodes, depth } = measure(rule.match);
    if (nodes > MAX_NODES) ctx.addIssue({ code: 'custom', path: ['match'], message: `at most ${MAX_NODES} conditions (this rule has ${nodes})` });
    if (depth > MAX_DEPTH) ctx.addIssue({ code: 'custom', path: ['match'], message: `at most ${MAX_DEPTH} levels of nesting` });
  }) as unknown as z.ZodType<Rule>;

function measure(c: Condition): { nodes: number; depth: number } {
  const children = c.type === 'and' || c.type === 'or' ? c.conditions : c.type === 'not' ? [c.condition] : [];
  const inner = children.map(measure);
  return { nodes: 1 + inner.reduce((s, m) => s + m.nodes, 0), depth: 1 + Math.max(0, ...inner.map((m) => m.depth)) };
}

/** Parses a rule, throwing a ValidationError whose issues name the field (`rule.match.conditions.2.op`). */
export function parseRule(input: unknown, pathPrefix: (string | number)[] = ['rule']): Rule {
  const result = ruleSchema.safeParse(input);
  if (result.success) return result.data;
  throw new ValidationError('Invalid segment rule', zodIssues(result.error, pathPrefix));
}

/** Whether any condition of the tree has the given type. */
export function uses(c: Condition, type: Condition['type']): boolean {
  if (c.type === type) return true;
  if (c.type === 'and' || c.type === 'or') return c.conditions.some((x) => uses(x, type));
  return c.type === 'not' && uses(c.condition, type);
}

/** The segments a rule refers to (membership conditions) with where, for existence and cycle checks. */
export function referencedSegments(c: Condition, path: (string | number)[] = ['match']): { segmentId: string; path: (string | number)[] }[] {
  switch (c.type) {
    case 'and':
    case 'or':
      return c.conditions.flatMap((x, i) => referencedSegments(x, [...path, 'conditions', i]));
    case 'not':
      return referencedSegments(c.condition, [...path, 'condition']);
    case 'segment':
      return [{ segmentId: c.segmentId, path: [...path, 'segmentId'] }];
    default:
      return [];
  }
}
