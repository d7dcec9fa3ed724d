import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { describeEachDatabase } from '../../db/testDatabase.ts';
import { compileRule, type CompileContext } from './compile.ts';
import { parseRule, type Condition } from './rule.ts';
import { AS_OF, seedWorkspace } from './testData.ts';

const INJECTION = `'; DROP TABLE customers; --`;
const ctx: CompileContext = { workspaceId: '0190a0a0-0000-7000-8000-000000000000', asOf: AS_OF, timeZone: 'Asia/Tokyo' };
const rule = (match: unknown) => parseRule({ version: 1, match });

describe('compileRule (pure)', () => {
  test('values, attribute paths and event names become parameters, never SQL text', () => {
    const { sql, params } = compileRule(
      rule({
        type: 'or',
        conditions: [
          { type: 'field', field: 'city', op: 'eq', value: INJECTION },
          { type: 'field', field: 'email', op: 'in', value: [INJECTION, 'a"b\\c'] },
          { type: 'attribute', path: [INJECTION, '{x,y}'], op: 'contains', value: INJECTION },
          { type: 'event', name: INJECTION, properties: [{ path: [INJECTION], op: 'eq', value: 42 }] },
          { type: 'orders', op: 'gte', value: 2, product: { skus: [INJECTION], categories: [`x')--`] } },
          { type: 'orders', op: 'gte', value: 1, window: { from: '2025-01-01T00:00:00+09:00', to: '2025-02-01T00:00:00+09:00' } },
        ],
      }),
      ctx,
    );
    for (const fragment of ['DROP', INJECTION, 'a"b', '{x,y}', '2025-01-01', 'x\')']) assert.ok(!sql.includes(fragment), `"${fragment}" is not in the SQL`);
    assert.ok(params.some((p) => p === INJECTION));
    assert.ok(params.some((p) => Array.isArray(p) && p.includes(INJECTION)));
    assert.equal(params[0], ctx.workspaceId);
    // Every placeholder has a parameter and every parameter is used.
    const used = new Set([...sql.matchAll(/\$(\d+)/g)].map((m) => Number(m[1])));
    assert.deepEqual([...used].sort((a, b) => a - b), params.map((_, i) => i + 1));
  });

  test('the only quoted literals in the SQL are the compiler’s own', () => {
    const { sql } = compileRule(
      rule({
        type: 'and',
        conditions: [
          { type: 'consent', channel: 'email', status: 'opted_in' },
          { type: 'attribute', path: ['n'], op: 'gt', value: 1 },
          { type: 'score', field: 'clv12mMinor', op: 'topPercent', value: 1 },
          { type: 'not', condition: { type: 'field', field: 'prefecture', op: 'exists' } },
        ],
      }),
      ctx,
    );
    const literals = new Set([...sql.matchAll(/'((?:[^']|'')*)'/g)].map((m) => m[1]));
    const own = new Set(['', 'completed', 'null', 'array', String.raw`^\s*[-+]?(\d{1,30}(\.\d{0,30})?|\.\d{1,30})([eE][-+]?\d{1,3})?\s*$`]);
    for (const l of literals) assert.ok(own.has(l!), `unexpected literal '${l}'`);
  });

  test('an aggregate that holds with no rows becomes NOT IN its complement', () => {
    const window = { lastDays: 30 };
    const fewer = compileRule(rule({ type: 'orders', op: 'lt', value: 2, window }), ctx).sql;
    assert.match(fewer, /NOT \(c\.id IN \(SELECT o\.customer_id .* HAVING NOT \(count\(\*\) < \$\d+::numeric\)\)\)/s);
    const atLeast = compileRule(rule({ type: 'orders', op: 'gte', value: 2, window }), ctx).sql;
    assert.match(atLeast, /c\.id IN \(SELECT o\.customer_id .* HAVING count\(\*\) >= \$\d+::numeric\)/s);
  });

  test('all-time order conditions share one pass over the orders', () => {
    const { sql } = compileRule(
      rule({ type: 'and', conditions: [{ type: 'orders', op: 'eq', value: 1 }, { type: 'lastOrder', op: 'moreThanDaysAgo', value: 30 }, { type: 'orders', aggregate: 'sum', op: 'lt', value: 5000 }] }),
      ctx,
    );
    assert.equal(sql.match(/FROM paying_orders o/g)?.length, 1);
    assert.match(sql, /^WITH order_totals AS MATERIALIZED/);
    assert.match(sql, /NOT \(c\.id IN \(SELECT t\.customer_id FROM order_totals t WHERE NOT \(t\.net < \$\d+::numeric\)\)\)/);
  });
});

describeEachDatabase('compiled rules on a database', (t) => {
  let ws = '';
  let segmentsIds: Record<string, string> = {};
  let services: Awaited<ReturnType<typeof seedWorkspace>>['services'];
  before(async () => {
    ({ ws, services } = await seedWorkspace(t.db));
    const tokyo = await services.segments.create(ws, { name: 'Tokyo', rule: { version: 1, match: { type: 'field', field: 'prefecture', op: 'eq', value: '東京都' } } });
    await services.segments.refresh(ws, tokyo.id, { asOf: AS_OF });
    segmentsIds = { tokyo: tokyo.id };
  });

  /** External ids of the customers a condition matches, sorted. */
  const matching = async (match: Condition | Record<string, unknown>, asOf = AS_OF): Promise<string[]> => {
    const { sql, params } = compileRule(rule(match), { workspaceId: ws, asOf, timeZone: 'Asia/Tokyo' });
    const { rows } = await t.db.query<{ external_id: string }>(
      `SELECT cu.external_id FROM (${sql}) m JOIN customers cu ON cu.workspace_id = $1 AND cu.id = m.customer_id ORDER BY 1`,
      params,
    );
    return rows.map((r) => r.external_id);
  };
  const not = (condition: object) => ({ type: 'not', condition });

  test('customer fields: text operators, missing values, NOT as the exact complement', async () => {
    const pref = (op: string, value?: unknown) => ({ type: 'field', field: 'prefecture', op, value });
    assert.deepEqual(await matching(pref('eq', '東京都')), ['c1']);
    assert.deepEqual(await matching(pref('neq', '東京都')), ['c2']);
    assert.deepEqual(await matching(not(pref('eq', '東京都'))), ['c2', 'c3']);
    assert.deepEqual(await matching(pref('in', ['東京都', '大阪府'])), ['c1', 'c2']);
    assert.deepEqual(await matching(pref('notIn', ['東京都'])), ['c2']);
    assert.deepEqual(await matching(pref('contains', '京')), ['c1']);
    assert.deepEqual(await matching(pref('startsWith', '大阪')), ['c2']);
    assert.deepEqual(await matching(pref('exists')), ['c1', 'c2']);
    assert.deepEqual(await matching(pref('notExists')), ['c3']);
    assert.deepEqual(await matching({ type: 'field', field: 'email', op: 'eq', value: 'taro@example.jp' }), ['c1']);
  });

  test('customer fields: times relative to asOf, dates', async () => {
    assert.deepEqual(await matching({ type: 'field', field: 'createdAt', op: 'withinLastDays', value: 30 }), ['c1', 'c3']);
    assert.deepEqual(await matching({ type: 'field', field: 'createdAt', op: 'moreThanDaysAgo', value: 30 }), ['c2']);
    assert.deepEqual(await matching({ type: 'field', field: 'createdAt', op: 'before', value: '2025-06-01T09:00:00+09:00' }), ['c2']);
    assert.deepEqual(await matching({ type: 'field', field: 'createdAt', op: 'after', value: '2025-06-01T09:00:00+09:00' }), ['c1', 'c3']);
    assert.deepEqual(await matching({ type: 'field', field: 'birthday', op: 'before', value: '1988-01-01' }), ['c2']);
  });

  test('attributes: nested paths, numbers (also numeric text), booleans, arrays, absence', async () => {
    const attr = (path: string[], op: string, value?: unknown) => ({ type: 'attribute', path, op, value });
    assert.deepEqual(await matching(attr(['plan', 'tier'], 'eq', 'gold')), ['c1']);
    assert.deepEqual(await matching(attr(['plan', 'tier'], 'in', ['gold', 'silver'])), ['c1', 'c2']);
    assert.deepEqual(await matching(attr(['points'], 'gt', 500)), ['c1']);
    assert.deepEqual(await matching(attr(['points'], 'lt', 500)), ['c2']);
    assert.deepEqual(await matching(attr(['points'], 'eq', 300)), ['c2']);
    assert.deepEqual(await matching(attr(['tags'], 'includes', 'vip')), ['c1']);
    assert.deepEqual(await matching(attr(['newsletter'], 'eq', true)), ['c1']);
    assert.deepEqual(await matching(attr(['plan'], 'notExists')), ['c3']);
    assert.deepEqual(await matching(attr(['plan', 'tier'], 'neq', 'gold')), ['c2']);
    // A non-numeric value under a numeric comparison is simply not a match, never an SQL error.
    assert.deepEqual(await matching(attr(['plan', 'tier'], 'gte', 0)), []);
  });

  test('consent per channel is the latest record', async () => {
    const consent = (channel: string, status: string) => ({ type: 'consent', channel, status });
    assert.deepEqual(await matching(consent('email', 'opted_in')), ['c2']);
    assert.deepEqual(await matching(consent('email', 'opted_out')), ['c1']);
    assert.deepEqual(await matching(consent('email', 'unknown')), ['c3']);
    assert.deepEqual(await matching(consent('line', 'opted_in')), ['c1']);
  });

  test('birthday month in the workspace time zone', async () => {
    assert.deepEqual(await matching({ type: 'birthday', month: 'current' }), ['c1']);
    assert.deepEqual(await matching({ type: 'birthday', month: 'next' }), ['c2']);
    assert.deepEqual(await matching({ type: 'birthday', month: 7 }), ['c2']);
    // 2025-06-30 16:00 UTC is already July 1st in Tokyo.
    assert.deepEqual(await matching({ type: 'birthday', month: 'current' }, new Date('2025-06-30T16:00:00Z')), ['c2']);
  });

  test('order aggregates: counted orders, windows, sums, products and categories', async () => {
    assert.deepEqual(await matching({ type: 'orders', op: 'gte', value: 2 }), ['c1']);
    assert.deepEqual(await matching({ type: 'orders', op: 'eq', value: 0 }), ['c3']);
    assert.deepEqual(await matching({ type: 'orders', op: 'gte', value: 1 }), ['c1', 'c2']);
    assert.deepEqual(await matching({ type: 'orders', op: 'gte', value: 1, window: { lastDays: 30 } }), ['c1', 'c2']);
    assert.deepEqual(await matching({ type: 'orders', op: 'gte', value: 1, window: { lastDays: 7 } }), ['c1']);
    assert.deepEqual(
      await matching({ type: 'orders', op: 'gte', value: 1, window: { from: '2025-01-01T00:00:00+09:00', to: '2025-02-01T00:00:00+09:00' } }),
      ['c1'],
    );
    assert.deepEqual(await matching({ type: 'orders', aggregate: 'sum', op: 'gte', value: 8000 }), ['c1']);
    assert.deepEqual(await matching({ type: 'orders', aggregate: 'sum', op: 'lt', value: 2000 }), ['c2', 'c3']);
    assert.deepEqual(await matching({ type: 'orders', product: { skus: ['TEE'] } }), ['c1']);
    assert.deepEqual(await matching({ type: 'orders', product: { categories: ['apparel'] } }), ['c1', 'c2']);
    assert.deepEqual(await matching({ type: 'orders', aggregate: 'sum', op: 'gte', value: 3000, product: { categories: ['apparel', 'kitchen'] } }), ['c1']);
    assert.deepEqual(await matching(not({ type: 'orders', product: { skus: ['MUG'] } })), ['c2', 'c3']);
  });

  test('first and last order dates', async () => {
    assert.deepEqual(await matching({ type: 'lastOrder', op: 'withinLastDays', value: 10 }), ['c1']);
    assert.deepEqual(await matching({ type: 'lastOrder', op: 'moreThanDaysAgo', value: 20 }), ['c2']);
    assert.deepEqual(await matching({ type: 'lastOrder', op: 'notExists' }), ['c3']);
    assert.deepEqual(await matching({ type: 'lastOrder', op: 'exists' }), ['c1', 'c2']);
    assert.deepEqual(await matching({ type: 'firstOrder', op: 'before', value: '2025-02-01T00:00:00Z' }), ['c1']);
  });

  test('events: at least n times in a window, did not do, property filters', async () => {
    const viewed = { type: 'event', name: 'Product Viewed' };
    assert.deepEqual(await matching({ ...viewed, op: 'gte', value: 3, window: { lastDays: 30 } }), ['c1']);
    assert.deepEqual(await matching({ ...viewed, window: { lastDays: 30 } }), ['c1', 'c2']);
    assert.deepEqual(await matching({ ...viewed, op: 'eq', value: 0, window: { lastDays: 30 } }), ['c3']);
    assert.deepEqual(await matching({ ...viewed, op: 'eq', value: 2 }), ['c2']);
    assert.deepEqual(await matching({ ...viewed, properties: [{ path: ['sku'], op: 'eq', value: 'MUG' }] }), ['c2']);
    assert.deepEqual(await matching({ ...viewed, properties: [{ path: ['price'], op: 'gte', value: 1000 }] }), ['c1']);
  });

  test('scores from customer_scores, including ranks', async () => {
    assert.deepEqual(await matching({ type: 'score', field: 'rfmSegment', op: 'eq', value: 'Champions' }), ['c1']);
    assert.deepEqual(await matching({ type: 'score', field: 'stage', op: 'in', value: ['at_risk', 'dormant'] }), ['c2']);
    assert.deepEqual(await matching({ type: 'score', field: 'pAlive', op: 'lt', value: 0.5 }), ['c2']);
    assert.deepEqual(await matching({ type: 'score', field: 'rfmSegment', op: 'notExists' }), ['c3']);
    // Ranked among scored, identified, not erased customers: the erased c4's huge CLV does not count.
    assert.deepEqual(await matching({ type: 'score', field: 'clv12mMinor', op: 'topPercent', value: 50 }), ['c1']);
    assert.deepEqual(await matching({ type: 'score', field: 'clv12mMinor', op: 'bottomPercent', value: 50 }), ['c2']);
  });

  test('B2B account health (resolved by the service, compiled as a list of accounts)', async () => {
    const preview = (status: string[]) => services.segments.preview(ws, { version: 1, match: { type: 'accountHealth', status } }, { asOf: AS_OF });
    assert.deepEqual((await preview(['red'])).sample.map((c) => c.externalId), ['c3']);
    assert.equal((await preview(['amber'])).count, 0);
    assert.throws(() => compileRule(rule({ type: 'accountHealth', status: ['red'] }), ctx), /accountsByHealth/);
  });

  test('membership of another segment', async () => {
    assert.deepEqual(await matching({ type: 'segment', segmentId: segmentsIds.tokyo }), ['c1']);
    assert.deepEqual(await matching(not({ type: 'segment', segmentId: segmentsIds.tokyo })), ['c2', 'c3']);
  });

  test('nested AND / OR / NOT', async () => {
    assert.deepEqual(
      await matching({
        type: 'and',
        conditions: [
          { type: 'or', conditions: [{ type: 'field', field: 'prefecture', op: 'eq', value: '東京都' }, { type: 'orders', op: 'eq', value: 0 }] },
          not({ type: 'consent', channel: 'email', status: 'opted_in' }),
          not({ type: 'and', conditions: [{ type: 'birthday', month: 'current' }, { type: 'orders', op: 'gte', value: 5 }] }),
        ],
      }),
      ['c1', 'c3'],
    );
  });

  test('injection attempts are inert values and the tables survive', async () => {
    assert.deepEqual(await matching({ type: 'field', field: 'city', op: 'eq', value: INJECTION }), []);
    assert.deepEqual(await matching({ type: 'attribute', path: [INJECTION], op: 'eq', value: INJECTION }), []);
    assert.deepEqual(await matching({ type: 'attribute', path: ['plan', `tier"}'`], op: 'exists' }), []);
    assert.deepEqual(await matching({ type: 'event', name: INJECTION }), []);
    assert.deepEqual(await matching(not({ type: 'event', name: INJECTION, properties: [{ path: [INJECTION], op: 'contains', value: INJECTION }] })), ['c1', 'c2', 'c3']);
    assert.deepEqual(await matching({ type: 'orders', product: { skus: [INJECTION], categories: [`'); DELETE FROM orders; --`] } }), []);
    const { rows } = await t.db.query<{ n: number }>('SELECT count(*)::int AS n FROM customers WHERE workspace_id = $1', [ws]);
    assert.ok(rows[0]!.n >= 5);
    assert.equal((await t.db.query('SELECT 1 FROM orders WHERE workspace_id = $1', [ws])).rowCount, 7);
  });

  test('erased customers and anonymous visitors never match', async () => {
    // c4 (erased) had an order, a Tokyo address and Champions scores; the visitor viewed a product.
    assert.deepEqual(await matching({ type: 'event', name: 'Product Viewed' }), ['c1', 'c2']);
    assert.deepEqual(await matching(not({ type: 'field', field: 'externalId', op: 'eq', value: 'nobody' })), ['c1', 'c2', 'c3']);
  });
});
