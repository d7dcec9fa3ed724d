import { RFM_SEGMENTS } from '../../analytics/models/rfm.ts';
import { rfmBuiltinKey, rfmBuiltinName } from '../../lib/glossary.ts';
import { ruleSchema, type Rule } from './rule.ts';

/**
 * The segments every workspace gets (created idempotently by key). Their rules are ordinary rules:
 * a workspace may edit them; it may not delete them. The RFM ones and the CLV/risk ones read
 * customer_scores, so they fill once the intelligence module has scored the workspace.
 */
export interface BuiltinSegment {
  key: string;
  name: string;
  description: string;
  rule: Rule;
}

const rfm: BuiltinSegment[] = RFM_SEGMENTS.map((segment) => ({
  key: rfmBuiltinKey(segment),
  // Screens show the glossary label for this name (web: segmentName) until a workspace renames it.
  name: rfmBuiltinName(segment),
  description: `Customers in the RFM segment "${segment}" of the latest scoring run.`,
  rule: { version: 1, match: { type: 'score', field: 'rfmSegment', op: 'eq', value: segment } },
}));

const others: BuiltinSegment[] = [
  {
    key: 'dormant',
    name: 'Dormant customers (休眠顧客)',
    description: 'Bought before, but not in the last 180 days.',
    rule: { version: 1, match: { type: 'lastOrder', op: 'moreThanDaysAgo', value: 180 } },
  },
  {
    key: 'non-repeaters',
    name: 'Non-repeaters',
    description: 'Exactly one purchase, more than 30 days ago: the F2 conversion target.',
    rule: {
      version: 1,
      match: {
        type: 'and',
        conditions: [
          { type: 'orders', aggregate: 'count', op: 'eq', value: 1 },
          { type: 'lastOrder', op: 'moreThanDaysAgo', value: 30 },
        ],
      },
    },
  },
  {
    key: 'birthday-this-month',
    name: 'Birthday this month',
    description: 'Birthday in the current month, in the workspace time zone.',
    rule: { version: 1, match: { type: 'birthday', month: 'current' } },
  },
  {
    key: 'top-1-percent-clv',
    name: 'Top 1% by predicted CLV',
    description: 'The 1% of scored customers with the highest predicted 12-month CLV: surprise gifts, early access.',
    rule: { version: 1, match: { type: 'score', field: 'clv12mMinor', op: 'topPercent', value: 1 } },
  },
  {
    key: 'high-value-at-risk',
    name: 'High value at risk',
    description: 'Top-two monetary quintiles (M score 4–5) whose stage is at risk or dormant, or whose churn risk is at least 50%.',
    rule: {
      version: 1,
      match: {
        type: 'and',
        conditions: [
          { type: 'score', field: 'mScore', op: 'gte', value: 4 },
          {
            type: 'or',
            conditions: [
              { type: 'score', field: 'stage', op: 'in', value: ['at_risk', 'dormant'] },
              { type: 'score', field: 'churnRisk', op: 'gte', value: 0.5 },
            ],
          },
        ],
      },
    },
  },
];

/** Validated at load: a built-in with a bad rule is a bug caught by any test that imports this. */
export const BUILTIN_SEGMENTS: readonly BuiltinSegment[] = [...rfm, ...others].map((b) => ({ ...b, rule: ruleSchema.parse(b.rule) }));
