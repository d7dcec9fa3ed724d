/** Segment rules of the benchmarks (bench:segments previews them, bench:size refreshes them): built-ins and rules over fields, consents, orders, events and scores. */
export const RULES: Record<string, unknown> = {
  'birthday this month (built-in)': { type: 'birthday', month: 'current' },
  'email opt-in in Kantō': {
    type: 'and',
    conditions: [
      { type: 'consent', channel: 'email', status: 'opted_in' },
      { type: 'field', field: 'prefecture', op: 'in', value: ['東京都', '神奈川県', '千葉県', '埼玉県'] },
    ],
  },
  'non-repeaters (built-in)': {
    type: 'and',
    conditions: [
      { type: 'orders', aggregate: 'count', op: 'eq', value: 1 },
      { type: 'lastOrder', op: 'moreThanDaysAgo', value: 30 },
    ],
  },
  'dormant 180 d (built-in)': { type: 'lastOrder', op: 'moreThanDaysAgo', value: 180 },
  'spent ≥ ¥30,000 in 365 d': { type: 'orders', aggregate: 'sum', op: 'gte', value: 30_000, window: { lastDays: 365 } },
  'bought コスメ in 90 d': { type: 'orders', product: { categories: ['コスメ'] }, window: { lastDays: 90 } },
  'viewed ≥ 3× in 30 d, no order in 30 d': {
    type: 'and',
    conditions: [
      { type: 'event', name: 'Product Viewed', op: 'gte', value: 3, window: { lastDays: 30 } },
      { type: 'not', condition: { type: 'orders', window: { lastDays: 30 } } },
    ],
  },
  'RFM Champions or top 1% CLV': {
    type: 'or',
    conditions: [
      { type: 'score', field: 'rfmSegment', op: 'eq', value: 'Champions' },
      { type: 'score', field: 'clv12mMinor', op: 'topPercent', value: 1 },
    ],
  },
  'nested: (female or LINE) and not dormant and 2+ orders': {
    type: 'and',
    conditions: [
      { type: 'or', conditions: [{ type: 'attribute', path: ['gender'], op: 'eq', value: 'female' }, { type: 'consent', channel: 'line', status: 'opted_in' }] },
      { type: 'not', condition: { type: 'lastOrder', op: 'moreThanDaysAgo', value: 180 } },
      { type: 'orders', op: 'gte', value: 2 },
    ],
  },
};
