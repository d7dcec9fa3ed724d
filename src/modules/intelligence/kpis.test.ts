import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { createServices, type Services } from '../../app/services.ts';
import { describeEachDatabase } from '../../db/testDatabase.ts';
import { customerInput } from '../customers/types.ts';
import type { OrderInput } from '../orders/types.ts';

/** A handful of orders whose KPIs can be worked out by hand (times in Japan, the workspace's zone). */
describeEachDatabase('KPIs and account health on a small hand-made data set', (t) => {
  let services: Services;
  let ws: string;

  const order = (externalId: string, customer: string, at: string, total: number, status: OrderInput['status'] = 'completed'): OrderInput => ({
    externalId,
    customerExternalId: customer,
    status,
    currency: 'JPY',
    orderedAt: new Date(`${at}+09:00`),
    totalMinor: total,
    discountMinor: 0,
    taxMinor: 0,
    shippingMinor: 0,
    lines: [],
  });

  before(async () => {
    services = createServices(t.db);
    ws = (await services.workspaces.create({ name: 'kpis' })).workspace.id;
    await services.orders.upsertMany(ws, [
      order('o1', 'c1', '2026-01-10T10:00:00', 1000),
      order('o2', 'c1', '2026-02-05T10:00:00', 2000),
      order('o3', 'c1', '2026-02-05T20:00:00', 500),
      order('o4', 'c2', '2026-02-20T10:00:00', 3000),
      order('o5', 'c2', '2026-02-21T10:00:00', 9999, 'cancelled'),
      order('o6', 'c3', '2025-01-15T10:00:00', 4000),
      order('o7', 'c4', '2026-02-10T10:00:00', 700),
      { ...order('o8', 'c5', '2026-02-11T10:00:00', 800), currency: 'USD' },
    ]);
    await services.orders.refundMany(ws, [{ externalId: 'r1', orderExternalId: 'o7', amountMinor: 700, refundedAt: new Date('2026-02-12T00:00:00Z') }]);
    await services.accounts.upsertSubscriptions(ws, [
      { externalId: 's1', accountExternalId: 'a1', plan: 'basic', seats: 5, mrrMinor: 1000, currency: 'JPY', status: 'canceled', startedAt: new Date('2026-01-01T00:00:00+09:00'), canceledAt: new Date('2026-02-15T00:00:00+09:00') },
      { externalId: 's2', accountExternalId: 'a2', plan: 'pro', seats: 4, mrrMinor: 2000, currency: 'JPY', status: 'active', startedAt: new Date('2025-12-01T00:00:00+09:00'), renewsAt: new Date('2026-03-16T00:00:00+09:00') },
    ]);
  });

  test('monthly KPIs match the definitions', async () => {
    const { periods } = await services.intelligence.kpis(ws, { from: '2026-01-01', to: '2026-02-28', granularity: 'month' });
    assert.deepEqual(periods.map((p) => [p.start, p.end]), [['2026-01-01', '2026-02-01'], ['2026-02-01', '2026-03-01']]);
    const v = (i: number) => Object.fromEntries(Object.entries(periods[i]!.kpis).map(([k, x]) => [k, x.value]));
    const jan = v(0);
    assert.equal(jan.new_customers, 1);
    assert.equal(jan.retention_rate, 0, 'c3 (January 2025) is not back within the year');
    assert.equal(jan.churn_rate, 1);
    assert.equal(jan.f2_conversion, 1, 'c1 bought again 26 days after the first purchase');
    const feb = v(1);
    assert.equal(feb.new_customers, 1, 'c2; c4 refunded everything, c5 paid in USD, cancelled orders do not count');
    assert.equal(feb.active_customers, 2);
    assert.equal(feb.retention_rate, 1);
    assert.equal(feb.revenue, 5500);
    assert.equal(feb.revenue_new_customers, 3000);
    assert.equal(feb.revenue_existing_customers, 2500);
    assert.equal(feb.purchase_frequency, 1.5);
    assert.equal(feb.average_order_value, 5500 / 3);
    // Maturity: only c3 (January 2025) is 90 days old by the end of February, and has bought once.
    assert.equal(feb.repeat_purchase_rate, 0);
    assert.equal(periods[1]!.kpis.repeat_purchase_rate.n, 1);
    assert.equal(feb.f2_conversion, 0);
    assert.equal(feb.historic_ltv, 3500);
    assert.equal(feb.dormant_share, 1 / 3);
    assert.equal(feb.top20_revenue_share, 3000 / 5500);
    assert.equal(feb.mrr, 2000);
    assert.equal(feb.logo_churn, 0.5);
    assert.equal(feb.revenue_churn, 1000 / 3000);
    assert.equal(feb.net_revenue_retention, 2000 / 3000);
    assert.equal(feb.nps, null);
    assert.equal(periods[1]!.kpis.new_customers.change, 0);
    assert.equal(periods[1]!.kpis.revenue.change, 5500 - 1000);
  });

  test('targets give attainment; lower-is-better KPIs invert it', async () => {
    await services.intelligence.setKpiTargets(ws, [
      { kpi: 'revenue', granularity: 'month', periodStart: '2026-02-01', target: 11000 },
      { kpi: 'churn_rate', granularity: 'month', periodStart: '2026-01-01', target: 0.25 },
    ]);
    const { periods } = await services.intelligence.kpis(ws, { from: '2026-01-01', to: '2026-02-28', granularity: 'month' });
    assert.equal(periods[1]!.kpis.revenue.attainment, 0.5);
    assert.equal(periods[0]!.kpis.churn_rate.attainment, 0.25);
    assert.equal(periods[0]!.kpis.revenue.target, null);
  });

  test('weekly and quarterly periods follow the calendar of the workspace', async () => {
    const weeks = await services.intelligence.kpis(ws, { from: '2026-02-04', to: '2026-02-10', granularity: 'week' });
    assert.deepEqual(weeks.periods.map((p) => p.start), ['2026-02-02', '2026-02-09']);
    assert.equal(weeks.periods[0]!.kpis.revenue.value, 2500);
    const quarter = await services.intelligence.kpis(ws, { from: '2026-01-01', to: '2026-03-31', granularity: 'quarter' });
    assert.equal(quarter.periods[0]!.kpis.revenue.value, 6500);
  });

  test('account health: each signal is visible, absent ones do not count', async () => {
    const c = await services.customers.upsertMany(ws, [customerInput.parse({ externalId: 'u1', accountExternalId: 'a2' }), customerInput.parse({ externalId: 'u2', accountExternalId: 'a2' })]);
    assert.equal(c.created, 2);
    const at = (d: string) => new Date(`2026-03-${d}T12:00:00+09:00`);
    await services.events.insertMany(ws, [
      { messageId: 'e1', customerExternalId: 'u1', name: 'Report Viewed', properties: {}, occurredAt: at('09') },
      { messageId: 'e2', customerExternalId: 'u1', name: 'Report Viewed', properties: {}, occurredAt: at('10') },
      { messageId: 'e3', customerExternalId: 'u1', name: 'Export Created', properties: {}, occurredAt: at('10') },
      { messageId: 'e4', customerExternalId: 'u1', name: 'Ticket Created', properties: {}, occurredAt: at('10') },
    ]);
    const h = await services.intelligence.accountHealth(ws, 'a2', new Date('2026-03-11T03:00:00Z'));
    const s = Object.fromEntries(h.signals.map((x) => [x.signal, x]));
    assert.equal(s.usageRecency!.score, 1 - 1 / 30, 'last usage a day before');
    assert.equal(s.usageFrequency!.raw, 2);
    assert.equal(s.usageBreadth!.score, 1, 'both event names the workspace used');
    assert.equal(s.seatUtilization!.score, 1 / 4);
    assert.equal(s.supportTickets!.score, 0.8);
    assert.equal(s.nps!.score, null);
    assert.equal(s.nps!.points, 0);
    assert.equal(s.renewal!.raw, 4.5);
    const weights = h.signals.filter((x) => x.score !== null).reduce((sum, x) => sum + x.weight, 0);
    assert.equal(weights, 90);
    assert.ok(Math.abs(h.score - h.signals.reduce((sum, x) => sum + x.points, 0)) < 0.05);
    assert.ok(Math.abs(h.signals.reduce((sum, x) => sum + x.points + x.lostPoints, 0) - 100) < 1e-9);
    const risk = await services.intelligence.renewalRisk(ws, new Date('2026-03-11T03:00:00Z'));
    assert.deepEqual(risk.map((a) => a.externalId), h.status === 'green' ? [] : ['a2']);
  });
});
