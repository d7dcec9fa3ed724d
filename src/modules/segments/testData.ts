import { createServices, type Services } from '../../app/services.ts';
import type { Db } from '../../db/database.ts';
import { subscriptionInput } from '../accounts/types.ts';
import { customerInput } from '../customers/types.ts';
import { eventInput } from '../events/types.ts';
import { productInput } from '../catalog/types.ts';
import { orderInput } from '../orders/types.ts';

/**
 * A small, hand-made workspace for the segment tests (a new one, or `into` an existing workspace in
 * Tokyo time); every condition type has customers on both sides of it. Time is fixed: rules are
 * evaluated at AS_OF (a Sunday in June, Tokyo time).
 *
 *   c1  東京都, born June, gold plan, email opted in then out, LINE in; 2 counted orders (TEE 06-10, MUG 01-05) + 1 cancelled;
 *       3 × Product Viewed TEE in June; Champions, CLV 50 000
 *   c2  大阪府, born July, silver plan ("300" points as text), email in; a fully refunded TEE order (2024-11) and
 *       a CAP order (05-20, category only in the catalog); 1 × Product Viewed MUG in June, 1 in January; At Risk
 *   c3  nothing but a profile (and an order after AS_OF, which must not count); the only user of the
 *       paying B2B account "acme", which has no usage (red health)
 *   c4  erased (had an order and Champions scores): never matches
 *   an anonymous visitor with a Product Viewed event: never matches
 */
export const AS_OF = new Date('2025-06-15T00:00:00Z');

export async function seedWorkspace(
  db: Db,
  into?: { services: Services; ws: string },
): Promise<{ services: Services; ws: string; ids: Record<'c1' | 'c2' | 'c3' | 'c4', string> }> {
  const services = into?.services ?? createServices(db);
  const ws = into?.ws ?? (await services.workspaces.create({ name: `segments-${Math.random().toString(36).slice(2)}`, timeZone: 'Asia/Tokyo' })).workspace.id;
  const consent = (channel: string, status: string, recordedAt: string) => ({ channel, status, source: 'test', recordedAt });
  await services.customers.upsertMany(
    ws,
    [
      {
        externalId: 'c1',
        email: 'Taro@Example.jp ',
        phone: '+819012345678',
        prefecture: '東京都',
        birthday: '1990-06-20',
        createdAt: '2025-06-01T00:00:00Z',
        attributes: { plan: { tier: 'gold' }, points: 1200, tags: ['vip', 'sale'], newsletter: true },
        consents: [consent('email', 'opted_in', '2025-01-01T00:00:00Z'), consent('email', 'opted_out', '2025-03-01T00:00:00Z'), consent('line', 'opted_in', '2025-01-01T00:00:00Z')],
      },
      {
        externalId: 'c2',
        email: 'hanako@example.jp',
        prefecture: '大阪府',
        birthday: '1985-07-01',
        createdAt: '2024-01-01T00:00:00Z',
        attributes: { plan: { tier: 'silver' }, points: '300' },
        consents: [consent('email', 'opted_in', '2025-02-01T00:00:00Z')],
      },
      { externalId: 'c3', phone: '+14155550100', createdAt: '2025-06-14T00:00:00Z', accountExternalId: 'acme' },
      { externalId: 'c4', email: 'gone@example.jp', prefecture: '東京都', birthday: '1990-06-01' },
    ].map((c) => customerInput.parse(c)),
  );
  // A paying B2B account (c3 is its only user) without any usage: its health is red.
  await services.accounts.upsertSubscriptions(ws, [
    subscriptionInput.parse({ externalId: 's1', accountExternalId: 'acme', plan: 'pro', mrrMinor: 50_000, currency: 'JPY', status: 'active', startedAt: '2024-01-01T00:00:00Z' }),
  ]);
  await services.catalog.upsertMany(ws, [productInput.parse({ sku: 'CAP', name: 'Cap', category: 'apparel', priceMinor: 1000, currency: 'JPY' })]);
  const order = (externalId: string, customer: string, orderedAt: string, total: number, lines: object[] = [], status = 'completed') =>
    orderInput.parse({ externalId, customerExternalId: customer, orderedAt, totalMinor: total, currency: 'JPY', status, lines });
  await services.orders.upsertMany(ws, [
    order('o1', 'c1', '2025-06-10T03:00:00Z', 5000, [{ sku: 'TEE', category: 'apparel', unitPriceMinor: 5000 }]),
    order('o2', 'c1', '2025-01-05T03:00:00Z', 3000, [{ sku: 'MUG', category: 'kitchen', unitPriceMinor: 3000 }]),
    order('o3', 'c1', '2025-06-01T03:00:00Z', 9000, [{ sku: 'TEE', category: 'apparel', unitPriceMinor: 9000 }], 'cancelled'),
    order('o4', 'c2', '2024-11-01T03:00:00Z', 2000, [{ sku: 'TEE', category: 'apparel', unitPriceMinor: 2000 }]),
    order('o5', 'c2', '2025-05-20T03:00:00Z', 1000, [{ sku: 'CAP', unitPriceMinor: 1000 }]),
    order('o6', 'c4', '2025-06-01T03:00:00Z', 10000),
    order('o7', 'c3', '2025-07-01T03:00:00Z', 1000),
  ]);
  await services.orders.refundMany(ws, [{ externalId: 'r1', orderExternalId: 'o4', amountMinor: 2000, refundedAt: new Date('2024-11-05T00:00:00Z') }]);
  const event = (messageId: string, who: { customerExternalId?: string; anonymousId?: string }, name: string, occurredAt: string, properties = {}) =>
    eventInput.parse({ messageId, ...who, name, occurredAt, properties });
  await services.events.insertMany(ws, [
    event('e1', { customerExternalId: 'c1' }, 'Product Viewed', '2025-06-01T00:00:00Z', { sku: 'TEE', price: 1200 }),
    event('e2', { customerExternalId: 'c1' }, 'Product Viewed', '2025-06-05T00:00:00Z', { sku: 'TEE', price: 1200 }),
    event('e3', { customerExternalId: 'c1' }, 'Product Viewed', '2025-06-12T00:00:00Z', { sku: 'TEE', price: 1200 }),
    event('e4', { customerExternalId: 'c2' }, 'Product Viewed', '2025-06-10T00:00:00Z', { sku: 'MUG', price: 800 }),
    event('e5', { customerExternalId: 'c2' }, 'Product Viewed', '2025-01-01T00:00:00Z', { sku: 'MUG' }),
    event('e6', { anonymousId: 'anon-1' }, 'Product Viewed', '2025-06-10T00:00:00Z', { sku: 'TEE' }),
    event('e7', { customerExternalId: 'c4' }, 'Product Viewed', '2025-06-10T00:00:00Z', { sku: 'TEE' }),
  ]);
  const ids = Object.fromEntries(
    await Promise.all(['c1', 'c2', 'c3', 'c4'].map(async (x) => [x, (await services.customers.find(ws, x)).id] as const)),
  ) as Record<'c1' | 'c2' | 'c3' | 'c4', string>;
  await insertScores(db, ws, [
    { customerId: ids.c1, rfmSegment: 'Champions', stage: 'active', pAlive: 0.9, clv: 50_000, mScore: 5, churnRisk: 0.1 },
    { customerId: ids.c2, rfmSegment: 'At Risk', stage: 'at_risk', pAlive: 0.3, clv: 8_000, mScore: 4, churnRisk: 0.7 },
    { customerId: ids.c4, rfmSegment: 'Champions', stage: 'active', pAlive: 0.99, clv: 999_999, mScore: 5, churnRisk: 0 },
  ]);
  await services.privacy.eraseCustomer(ws, 'c4');
  return { services, ws, ids };
}

export interface TestScore {
  customerId: string;
  rfmSegment: string;
  stage: string;
  pAlive: number;
  clv: number;
  mScore: number;
  churnRisk: number;
}

/**
 * Rows in customer_scores (the intelligence module's table), written directly: these tests need
 * chosen scores, not a scoring run.
 */
export async function insertScores(db: Db, ws: string, scores: TestScore[]): Promise<void> {
  await db.query(
    `INSERT INTO customer_scores (workspace_id, customer_id, computed_at, run_id, orders_count, revenue_minor, frequency, recency, t,
       monetary_minor, m_score, rfm_segment, p_alive, clv_12m_minor, churn_risk, stage, stage_since, snapshot_at)
     SELECT $1, x.customer_id, now(), gen_random_uuid(), 1, 1000, 0, 0, 10, 0, x.m_score, x.rfm_segment, x.p_alive, x.clv, x.churn_risk, x.stage, now(), now()
     FROM jsonb_to_recordset($2::jsonb) AS x(customer_id uuid, m_score smallint, rfm_segment text, p_alive float8, clv bigint, churn_risk float8, stage text)
     ON CONFLICT (workspace_id, customer_id) DO UPDATE SET rfm_segment = EXCLUDED.rfm_segment, stage = EXCLUDED.stage,
       p_alive = EXCLUDED.p_alive, clv_12m_minor = EXCLUDED.clv_12m_minor, m_score = EXCLUDED.m_score, churn_risk = EXCLUDED.churn_risk`,
    [
      ws,
      JSON.stringify(
        scores.map((s) => ({ customer_id: s.customerId, m_score: s.mScore, rfm_segment: s.rfmSegment, p_alive: s.pAlive, clv: s.clv, churn_risk: s.churnRisk, stage: s.stage })),
      ),
    ],
  );
}
