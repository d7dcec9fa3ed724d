/**
 * The segment rule language (src/modules/segments/rule.ts, docs/segments.md) as the builder edits
 * it. The server validates every rule; this file only knows which fields, operators and values the
 * form should offer, so that a rule built here is valid once each value is filled in.
 */

export type Kind = 'text' | 'number' | 'money' | 'probability' | 'time' | 'date' | 'json';

import { CONSENT_CHANNELS, RFM_SEGMENTS, STAGES } from '../../../../src/lib/glossary.ts';

/** The values of these fields are the glossary's ids (src/lib/glossary.ts). */
export { CONSENT_CHANNELS, RFM_SEGMENTS, STAGES };

export const CUSTOMER_FIELDS = {
  email: 'text',
  externalId: 'text',
  phone: 'text',
  lineUserId: 'text',
  familyName: 'text',
  givenName: 'text',
  familyNameKana: 'text',
  givenNameKana: 'text',
  birthday: 'date',
  postalCode: 'text',
  prefecture: 'text',
  city: 'text',
  country: 'text',
  locale: 'text',
  timeZone: 'text',
  accountId: 'text',
  createdAt: 'time',
  updatedAt: 'time',
} as const satisfies Record<string, Kind>;
export type CustomerField = keyof typeof CUSTOMER_FIELDS;

/** Score columns; `values` are the only values a text score takes. */
export const SCORE_FIELDS: Record<string, { kind: Kind; values?: readonly string[] }> = {
  rfmSegment: { kind: 'text', values: RFM_SEGMENTS },
  stage: { kind: 'text', values: STAGES },
  pAlive: { kind: 'probability' },
  churnRisk: { kind: 'probability' },
  clv12mMinor: { kind: 'money' },
  expectedPurchases90d: { kind: 'number' },
  expectedPurchases365d: { kind: 'number' },
  expectedAovMinor: { kind: 'money' },
  rScore: { kind: 'number' },
  fScore: { kind: 'number' },
  mScore: { kind: 'number' },
  ordersCount: { kind: 'number' },
  revenueMinor: { kind: 'money' },
  recencyDays: { kind: 'number' },
  nextPurchaseAt: { kind: 'time' },
};
export type ScoreField = keyof typeof SCORE_FIELDS;

export const OPERATORS = [
  'eq',
  'neq',
  'in',
  'notIn',
  'gt',
  'gte',
  'lt',
  'lte',
  'contains',
  'startsWith',
  'includes',
  'before',
  'after',
  'withinLastDays',
  'moreThanDaysAgo',
  'exists',
  'notExists',
  'topPercent',
  'bottomPercent',
] as const;
export type Operator = (typeof OPERATORS)[number];
export const COUNT_OPERATORS = ['gte', 'gt', 'eq', 'neq', 'lt', 'lte'] as const;
export type CountOperator = (typeof COUNT_OPERATORS)[number];

const NUMERIC: Operator[] = ['gte', 'gt', 'lte', 'lt', 'eq', 'neq', 'in', 'notIn', 'exists', 'notExists'];
const KIND_OPERATORS: Record<Kind, Operator[]> = {
  text: ['eq', 'neq', 'in', 'notIn', 'contains', 'startsWith', 'exists', 'notExists'],
  number: NUMERIC,
  money: NUMERIC,
  probability: NUMERIC,
  time: ['withinLastDays', 'moreThanDaysAgo', 'before', 'after', 'exists', 'notExists'],
  date: ['before', 'after', 'exists', 'notExists'],
  json: ['eq', 'neq', 'in', 'notIn', 'gt', 'gte', 'lt', 'lte', 'contains', 'startsWith', 'includes', 'exists', 'notExists'],
};

/** Operators a field takes; numeric scores also rank (top or bottom x % of the workspace). */
export function operatorsFor(kind: Kind, rank = false): Operator[] {
  const ops = KIND_OPERATORS[kind];
  return rank && (kind === 'number' || kind === 'money' || kind === 'probability') ? [...ops, 'topPercent', 'bottomPercent'] : ops;
}

export interface Window {
  lastDays?: number;
  from?: string;
  to?: string;
}

export interface PropertyCondition {
  path: string[];
  op: Operator;
  value?: unknown;
}

export type Condition =
  | { type: 'and' | 'or'; conditions: Condition[] }
  | { type: 'not'; condition: Condition }
  | { type: 'field'; field: CustomerField; op: Operator; value?: unknown }
  | { type: 'attribute'; path: string[]; op: Operator; value?: unknown }
  | { type: 'consent'; channel: (typeof CONSENT_CHANNELS)[number]; status: 'opted_in' | 'opted_out' | 'unknown' }
  | { type: 'birthday'; month: 'current' | 'next' | number }
  | { type: 'score'; field: ScoreField; op: Operator; value?: unknown }
  | { type: 'orders'; aggregate: 'count' | 'sum'; op: CountOperator; value: number; window?: Window; product?: { skus?: string[]; categories?: string[] } }
  | { type: 'lastOrder' | 'firstOrder'; op: Operator; value?: unknown }
  | { type: 'event'; name: string; op: CountOperator; value: number; window?: Window; properties?: PropertyCondition[] }
  | { type: 'segment'; segmentId: string }
  | { type: 'accountHealth'; status: ('red' | 'amber')[] };

export type ConditionType = Condition['type'];
export type Group = Extract<Condition, { type: 'and' | 'or' }>;

export interface Rule {
  version: 1;
  match: Condition;
}

/** The kinds of condition the "add condition" menu offers, in the order a marketer reaches for them. */
export const ADDABLE: Exclude<ConditionType, 'and' | 'or' | 'not'>[] = [
  'score',
  'orders',
  'lastOrder',
  'firstOrder',
  'event',
  'field',
  'consent',
  'birthday',
  'attribute',
  'segment',
  'accountHealth',
];

/** A new condition of a type with sensible first values (still needing a value where one is asked for). */
export function newCondition(type: ConditionType): Condition {
  switch (type) {
    case 'and':
    case 'or':
      return { type, conditions: [newCondition('score')] };
    case 'not':
      return { type, condition: newCondition('score') };
    case 'field':
      return { type, field: 'prefecture', op: 'eq', value: '' };
    case 'attribute':
      return { type, path: [], op: 'eq', value: '' };
    case 'consent':
      return { type, channel: 'email', status: 'opted_in' };
    case 'birthday':
      return { type, month: 'current' };
    case 'score':
      return { type, field: 'rfmSegment', op: 'eq', value: 'Champions' };
    case 'orders':
      return { type, aggregate: 'count', op: 'gte', value: 2, window: { lastDays: 365 } };
    case 'lastOrder':
    case 'firstOrder':
      return { type, op: 'withinLastDays', value: 30 };
    case 'event':
      return { type, name: '', op: 'gte', value: 1, window: { lastDays: 30 } };
    case 'segment':
      return { type, segmentId: '' };
    case 'accountHealth':
      return { type, status: ['red', 'amber'] };
  }
}

export const emptyRule = (): Rule => ({ version: 1, match: { type: 'and', conditions: [newCondition('score')] } });

/** The builder edits a group at the top; a rule whose top is one condition is shown inside an "all" group. */
export function asGroup(match: Condition): Group {
  return match.type === 'and' || match.type === 'or' ? match : { type: 'and', conditions: [match] };
}

/** The value an operator needs when switching to it: kept when it still fits, else a fresh one. */
export function valueForOperator(kind: Kind, op: Operator, previous: unknown): unknown {
  if (op === 'exists' || op === 'notExists') return undefined;
  if (op === 'in' || op === 'notIn') return Array.isArray(previous) ? previous : previous === undefined || previous === '' ? [] : [previous];
  if (op === 'withinLastDays' || op === 'moreThanDaysAgo') return typeof previous === 'number' ? previous : 30;
  if (op === 'topPercent' || op === 'bottomPercent') return typeof previous === 'number' && previous > 0 && previous <= 100 ? previous : 10;
  if (op === 'before' || op === 'after') return typeof previous === 'string' && previous.length >= 10 ? previous : '';
  if (Array.isArray(previous)) return previous[0] ?? (kind === 'text' ? '' : undefined);
  if (kind === 'text' || kind === 'json') return typeof previous === 'string' || typeof previous === 'number' ? previous : '';
  return typeof previous === 'number' ? previous : undefined;
}

/** A typed attribute or property value: numbers and true/false as such, everything else as text. */
export function parseScalar(text: string): string | number | boolean {
  const trimmed = text.trim();
  if (trimmed === 'true') return true;
  if (trimmed === 'false') return false;
  if (trimmed !== '' && /^-?\d+(\.\d+)?$/.test(trimmed)) return Number(trimmed);
  return text;
}
