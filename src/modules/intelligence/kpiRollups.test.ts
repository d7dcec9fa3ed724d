import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { createServices, type Services } from '../../app/services.ts';
import { describeEachDatabase } from '../../db/testDatabase.ts';
import { generateDemo } from '../demo/generate.ts';
import { observationEnd } from '../demo/generator.ts';
import type { OrderInput } from '../orders/types.ts';
import type { Workspace } from '../workspaces/service.ts';
import { GRANULARITIES, KPI_KEYS } from './kpiDefinitions.ts';
import { refreshKpiRollups } from './kpiRollups.ts';
import { computeKpis } from './kpis.ts';
import { intelligenceSettingsSchema, type IntelligenceSettings } from './settings.ts';

/**
 * The rollup-backed KPIs against the direct computation over the orders (itself checked against
 * per-period loops in kpiReference.test.ts), after the rollups were kept up to date through
 * refunds, cancellations, merges, erasure, deleted customers and orders arriving late; and the
 * incrementally kept rollups against a rebuild from scratch.
 */
const END = observationEnd('2026-11-01');
const asOf = new Date('2026-10-20T09:00:00+09:00');
const close = (a: number | null, b: number | null) => (a === null || b === null ? a === b : Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(b)));

describeEachDatabase('KPI rollups equal the direct computation as orders change', (t) => {
  let services: Services;
  let workspace: Workspace;
  const defaults = intelligenceSettingsSchema.parse({});

  const order = (externalId: string, customer: string, at: string, total: number): OrderInput => ({
    externalId,
    customerExternalId: customer,
    status: 'completed',
    currency: 'JPY',
    orderedAt: new Date(at),
    totalMinor: total,
    discountMinor: 0,
    taxMinor: 0,
    shippingMinor: 0,
    lines: [],
  });

  /** Every KPI, its change and its n, at every granularity, over the series and the to-date comparison. */
  const assertRollupsMatch = async (label: string, settings: IntelligenceSettings = defaults) => {
    for (const granularity of GRANULARITIES) {
      const query = { from: granularity === 'day' ? '2025-11-01' : '2025-04-15', to: '2026-10-31', granularity, asOf, basis: 'to_date' as const };
      const rolled = await computeKpis(t.db, workspace, settings, query);
      const direct = await computeKpis(t.db, workspace, settings, query, { direct: true });
      assert.equal(rolled.periods.length, direct.periods.length, `${label} ${granularity}: periods`);
      const pairs = [...rolled.periods.map((p, i) => [p.kpis, direct.periods[i]!.kpis, p.start] as const), [rolled.comparison!.kpis, direct.comparison!.kpis, 'comparison'] as const];
      for (const [got, want, where] of pairs) {
        for (const key of KPI_KEYS) {
          for (const field of ['value', 'change', 'n'] as const) {
            assert.ok(close(got[key][field], want[key][field]), `${label} ${granularity} ${where} ${key}.${field}: rollups ${got[key][field]} ≠ direct ${want[key][field]}`);
          }
        }
      }
    }
  };

  /** The rollup tables as kept incrementally, against a rebuild (rows that only hold zeros left out). */
  const assertSameAsRebuild = async (label: string) => {
    const read = async () => {
      const days = await t.db.query('SELECT * FROM kpi_customer_days WHERE workspace_id = $1 ORDER BY customer_id, day', [workspace.id]);
      const totals = await t.db.query(
        `SELECT * FROM kpi_day_totals WHERE workspace_id = $1
           AND (orders, net_minor, new_customers, second_days, mature_repeaters, active_delta, recent_delta, f2_hits) <> (0, 0, 0, 0, 0, 0, 0, 0) ORDER BY day`,
        [workspace.id],
      );
      const periods = await t.db.query(
        // Cached windows (granularity 'window') are a cache of the query, not part of a rebuild.
        `SELECT * FROM kpi_period_stats WHERE workspace_id = $1 AND granularity <> 'window' AND (buyers, revenue_new, churned, top20_revenue) <> (0, 0, 0, 0)
         ORDER BY granularity, start_day`,
        [workspace.id],
      );
      return { days: days.rows, totals: totals.rows, periods: periods.rows };
    };
    await t.db.tx((q) => refreshKpiRollups(q, workspace, defaults));
    const kept = await read();
    await t.db.query('DELETE FROM kpi_rollup_state WHERE workspace_id = $1', [workspace.id]);
    const rebuilt = await t.db.tx((q) => refreshKpiRollups(q, workspace, defaults));
    assert.equal(rebuilt.kind, 'full');
    const fresh = await read();
    assert.deepEqual(kept.days, fresh.days, `${label}: customer days`);
    assert.deepEqual(kept.totals, fresh.totals, `${label}: day totals`);
    assert.deepEqual(kept.periods, fresh.periods, `${label}: period stats`);
  };

  before(async () => {
    services = createServices(t.db);
    const demo = await generateDemo(services, { customers: 200, months: 24, seed: 11, end: END, workspaceName: 'kpi-rollups' }, { concurrency: 2 });
    workspace = await services.workspaces.get(demo.workspaceId);
  });

  test('built from scratch', async () => {
    const first = await t.db.tx((q) => refreshKpiRollups(q, workspace, defaults));
    assert.equal(first.kind, 'full');
    const again = await t.db.tx((q) => refreshKpiRollups(q, workspace, defaults));
    assert.equal(again.kind, 'none', 'nothing changed since');
    await assertRollupsMatch('built');
  });

  test('refunds, cancellations, late and midnight orders, changed amounts', async () => {
    const { rows } = await t.db.query<{ external_id: string; customer: string }>(
      `SELECT o.external_id, c.external_id AS customer FROM orders o JOIN customers c ON c.workspace_id = o.workspace_id AND c.id = o.customer_id
       WHERE o.workspace_id = $1 AND o.status = 'completed' AND o.refunded_minor = 0 ORDER BY o.ordered_at LIMIT 40`,
      [workspace.id],
    );
    const { rows: totals } = await t.db.query<{ external_id: string; total_minor: number }>('SELECT external_id, total_minor FROM orders WHERE workspace_id = $1 AND external_id = ANY($2)', [
      workspace.id,
      rows.map((r) => r.external_id),
    ]);
    const totalOf = new Map(totals.map((r) => [r.external_id, Number(r.total_minor)]));
    // Full refunds (the purchase no longer counts), partial refunds, cancellations.
    await services.orders.refundMany(workspace.id, [
      ...rows.slice(0, 6).map((r, i) => ({ externalId: `rf-full-${i}`, orderExternalId: r.external_id, amountMinor: totalOf.get(r.external_id)!, refundedAt: asOf })),
      ...rows.slice(6, 12).map((r, i) => ({ externalId: `rf-part-${i}`, orderExternalId: r.external_id, amountMinor: 1, refundedAt: asOf })),
    ]);
    await services.orders.cancelMany(workspace.id, rows.slice(12, 18).map((r) => r.external_id));
    // Late orders: backdated before a customer's first purchase, a new customer's first order a year ago, one at local midnight.
    await services.orders.upsertMany(workspace.id, [
      order('late-1', rows[20]!.customer, '2024-12-03T10:00:00+09:00', 4200),
      order('late-2', 'late-newcomer', '2025-10-01T00:00:00+09:00', 3100),
      order('late-3', 'late-newcomer', '2025-10-20T23:59:59+09:00', 900),
      order('late-4', rows[21]!.customer, '2026-10-19T12:00:00+09:00', 700),
      order('late-5', rows[22]!.customer, '2026-07-01T00:00:00+09:00', 1500),
    ]);
    // A changed order: new amount and moved back in time.
    await services.orders.upsertMany(workspace.id, [{ ...order(rows[30]!.external_id, rows[30]!.customer, '2025-06-30T23:30:00+09:00', 12_345) }]);
    await assertRollupsMatch('after refunds, cancellations and late orders');
    await assertSameAsRebuild('after refunds, cancellations and late orders');
  });

  test('merges, erasure and deleted customers', async () => {
    const { rows } = await t.db.query<{ id: string; external_id: string }>(
      `SELECT c.id, c.external_id FROM customers c WHERE c.workspace_id = $1 AND EXISTS (SELECT 1 FROM orders o WHERE o.workspace_id = c.workspace_id AND o.customer_id = c.id)
       ORDER BY c.external_id LIMIT 6`,
      [workspace.id],
    );
    // A merge moves one customer's orders to another (flows/identifyAndMerge.ts).
    await services.orders.moveCustomer(workspace.id, rows[0]!.id, rows[1]!.id);
    // Erasure keeps amounts and dates: the KPIs do not move.
    const before = await computeKpis(t.db, workspace, defaults, { from: '2025-01-01', to: '2026-10-31', granularity: 'month', asOf });
    await services.privacy.eraseCustomer(workspace.id, rows[2]!.id);
    const after = await computeKpis(t.db, workspace, defaults, { from: '2025-01-01', to: '2026-10-31', granularity: 'month', asOf });
    assert.deepEqual(after.periods, before.periods, 'erasure changes no KPI');
    // A customer deleted with their orders (the cascade fires the orders trigger).
    await t.db.query('DELETE FROM customers WHERE workspace_id = $1 AND id = $2', [workspace.id, rows[3]!.id]);
    await assertRollupsMatch('after merges, erasure and deletion');
    await assertSameAsRebuild('after merges, erasure and deletion');
  });

  test('changed windows rebuild the rollups (short windows)', async () => {
    const short = intelligenceSettingsSchema.parse({ activeWithinDays: 20, f2WindowDays: 10, stages: { atRiskAfterDays: 30, dormantAfterDays: 45 } });
    await assertRollupsMatch('short windows', short);
    await services.orders.upsertMany(workspace.id, [order('short-1', 'late-newcomer', '2026-09-30T08:00:00+09:00', 2500)]);
    await assertRollupsMatch('short windows after a new order', short);
  });
});
