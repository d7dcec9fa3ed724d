import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { testApp } from '../../app/testApp.ts';
import { describeEachDatabase } from '../../db/testDatabase.ts';
import { generateDemo } from '../demo/generate.ts';
import { observationEnd } from '../demo/generator.ts';
import { overviewDefaultQuery } from './kpiSnapshots.ts';
import { runOneJob } from '../../worker/worker.ts';

describeEachDatabase('KPI snapshots', (t) => {
  let ctx: Awaited<ReturnType<typeof testApp>>;
  const range = 'from=2026-01-01&to=2026-10-31&granularity=month';

  before(async () => {
    ctx = await testApp(t.db);
    await generateDemo(ctx.services, { customers: 200, months: 12, seed: 7, end: observationEnd('2026-11-01'), workspaceId: ctx.workspace.id });
  });

  const kpis = async (query: string) => {
    const res = await ctx.app.inject({ method: 'GET', url: `/v1/kpis?${query}`, headers: await ctx.headers('read') });
    assert.equal(res.statusCode, 200, res.body);
    return res.json() as { computedAt: string; periods: { start: string; kpis: Record<string, { value: number | null; target: number | null; attainment: number | null }> }[] };
  };
  const march = (report: Awaited<ReturnType<typeof kpis>>) => report.periods.find((p) => p.start === '2026-03-01')!.kpis;
  const addMarchOrder = (externalId: string, total: number) =>
    ctx.services.orders.upsertMany(ctx.workspace.id, [
      {
        externalId,
        customerExternalId: `snap-${externalId}`,
        status: 'completed',
        currency: ctx.workspace.currency,
        orderedAt: new Date('2026-03-15T03:00:00Z'),
        totalMinor: total,
        discountMinor: 0,
        taxMinor: 0,
        shippingMinor: 0,
        lines: [],
      },
    ]);

  test('before any scoring run nothing is reused: every read computes', async () => {
    const first = await kpis(range);
    await addMarchOrder('pre', 1000);
    const second = await kpis(range);
    assert.equal(march(second).revenue!.value, march(first).revenue!.value! + 1000);
    assert.ok(second.computedAt > first.computedAt);
  });

  test("after a scoring run, the worker precomputes the Overview's default query", async () => {
    const started = new Date();
    await ctx.services.intelligence.score(ctx.workspace.id, { mode: 'full', asOf: new Date('2026-11-01T00:00:00+09:00') });
    const { rows: made } = await t.db.query<{ n: number }>('SELECT count(*)::int AS n FROM kpi_snapshots WHERE workspace_id = $1 AND computed_at >= $2', [ctx.workspace.id, started]);
    assert.equal(made[0]!.n, 0, 'the run itself computes no KPIs');
    while (await runOneJob(ctx.services, 'kpi-test')) {
      // the run's jobs, among them kpis.precompute
    }
    const { rows } = await t.db.query<{ query_key: string; computed_at: Date }>('SELECT query_key, computed_at FROM kpi_snapshots WHERE workspace_id = $1', [
      ctx.workspace.id,
    ]);
    assert.equal(rows.length, 1);
    const overview = overviewDefaultQuery(ctx.workspace.timeZone);
    assert.equal(JSON.parse(rows[0]!.query_key).from, overview.from);
    const served = await kpis(new URLSearchParams({ from: overview.from, to: overview.to, granularity: 'month' }).toString());
    assert.equal(served.computedAt, rows[0]!.computed_at.toISOString(), 'served from the stored snapshot');
  });

  test('the second read is served from the snapshot, unchanged by new data, until fresh=true', async () => {
    const first = await kpis(range);
    await addMarchOrder('post', 5000);
    const second = await kpis(range);
    assert.equal(second.computedAt, first.computedAt);
    assert.equal(march(second).revenue!.value, march(first).revenue!.value, 'the stored value, not a recomputation');

    const fresh = await kpis(`${range}&fresh=true`);
    assert.ok(fresh.computedAt > first.computedAt);
    assert.equal(march(fresh).revenue!.value, march(first).revenue!.value! + 5000);
    const after = await kpis(range);
    assert.equal(after.computedAt, fresh.computedAt, 'the recomputed values replace the snapshot');
    assert.equal(march(after).revenue!.value, march(fresh).revenue!.value);
  });

  test('a target set after the snapshot shows at once, with its attainment', async () => {
    const before = await kpis(range);
    const revenue = march(before).revenue!.value!;
    await ctx.services.intelligence.setKpiTargets(ctx.workspace.id, [{ kpi: 'revenue', granularity: 'month', periodStart: '2026-03-01', target: revenue * 2 }]);
    const after = await kpis(range);
    assert.equal(after.computedAt, before.computedAt, 'still the snapshot');
    assert.equal(march(after).revenue!.target, revenue * 2);
    assert.equal(march(after).revenue!.attainment, 0.5);
    assert.equal(march(after).churn_rate!.target, null);
  });

  test('a new scoring run retires the snapshots it outdates', async () => {
    const before = await kpis(range);
    await ctx.services.intelligence.score(ctx.workspace.id, { mode: 'full', asOf: new Date('2026-11-01T00:00:00+09:00') });
    while (await runOneJob(ctx.services, 'kpi-test')) {
      // kpis.precompute stores the Overview's snapshot of the new run
    }
    const after = await kpis(range);
    assert.ok(after.computedAt > before.computedAt);
    const { rows } = await t.db.query<{ n: number }>('SELECT count(*)::int AS n FROM kpi_snapshots WHERE workspace_id = $1', [ctx.workspace.id]);
    assert.equal(rows[0]!.n, 2, "the Overview's and this query's, both of the new run");
  });
});
