import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { testApp } from '../../app/testApp.ts';
import { describeEachDatabase } from '../../db/testDatabase.ts';
import type { OrderInput } from '../orders/types.ts';
import { addDays, addPeriods, daysBetween, localDay, periodStart } from './periods.ts';

/**
 * GET /v1/kpis on a small data set placed around today (the periods that are partial depend on the
 * day): every comparison is between windows of equal length, the partial period is flagged and never
 * compared with a full one, immature F2 customers are left out, NPS carries n and its interval.
 */
describeEachDatabase('KPI comparisons are like for like', (t) => {
  let ctx: Awaited<ReturnType<typeof testApp>>;
  const today = () => localDay(new Date(), ctx.workspace.timeZone);
  let current: string;
  let previous: string;
  let older: string;
  let ptdDays: number;
  let prevOutside: boolean;

  const at = async (day: string, hour = 10) => {
    const { rows } = await t.db.query<{ at: Date }>(`SELECT (($1::date + make_interval(hours => $2))::timestamp AT TIME ZONE $3) AS at`, [day, hour, ctx.workspace.timeZone]);
    return rows[0]!.at;
  };
  const order = async (externalId: string, customer: string, day: string, total: number, hour = 10): Promise<OrderInput> => ({
    externalId,
    customerExternalId: customer,
    status: 'completed',
    currency: ctx.workspace.currency,
    orderedAt: await at(day, hour),
    totalMinor: total,
    discountMinor: 0,
    taxMinor: 0,
    shippingMinor: 0,
    lines: [],
  });

  before(async () => {
    ctx = await testApp(t.db);
    current = periodStart(today(), 'month');
    previous = addPeriods(current, 'month', -1);
    older = addPeriods(current, 'month', -2);
    ptdDays = daysBetween(current, today());
    // The first day of the previous period after the same days as this one to date, if it is still in that period.
    prevOutside = addDays(previous, ptdDays) < current;
    const orders = [
      await order('older', 'c-older', older, 8000),
      await order('prev-in', 'c-prev', previous, 2000),
      await order('cur', 'c-cur', current, 1000),
      // Today has not ended: an order from its first minute does not count yet.
      await order('today', 'c-today', today(), 50_000, 0),
    ];
    if (ptdDays > 0 && prevOutside) orders.push(await order('prev-out', 'c-prev-2', addDays(previous, ptdDays), 4000));
    await ctx.services.orders.upsertMany(ctx.workspace.id, orders);
    // Two NPS answers in the previous month: a promoter and a detractor.
    const ids = ['c-older', 'c-prev'];
    await ctx.services.surveys.create(ctx.workspace.id, { slug: 'nps', kind: 'nps', title: { ja: 'NPS' } });
    for (const [i, id] of ids.entries()) {
      const when = await at(previous, 12 + i);
      const [link] = await ctx.services.surveys.mintLinks(ctx.workspace.id, 'nps', [id], { now: when });
      await ctx.services.surveys.answerLink(link!.url.slice(link!.url.lastIndexOf('/') + 1), { score: i === 0 ? 10 : 0 }, 'ja', when);
    }
  });

  const kpis = async (basis: string) => {
    const res = await ctx.app.inject({ method: 'GET', url: `/v1/kpis?from=${older}&to=${today()}&granularity=month&basis=${basis}&fresh=true`, headers: await ctx.headers('read') });
    assert.equal(res.statusCode, 200, res.body);
    return res.json();
  };

  test('the partial period is marked and has no change; complete periods compare complete ones', async () => {
    const report = await kpis('complete');
    assert.equal(report.asOfDay, today());
    const last = report.periods.at(-1);
    for (const p of report.periods.slice(0, -1)) assert.equal(p.partial, false, p.start);
    if (ptdDays > 0) {
      assert.equal(last.start, current);
      assert.equal(last.partial, true);
      assert.equal(last.coveredEnd, today());
      assert.equal(last.kpis.revenue.value, 1000, "today's order is left out");
      assert.equal(last.kpis.revenue.change, null, 'a partial period is never compared with a full one');
    }
    const c = report.comparison;
    assert.equal(c.basis, 'complete');
    assert.deepEqual(c.current, { start: previous, end: current });
    assert.deepEqual(c.previous, { start: older, end: previous });
    assert.equal(c.kpis.revenue.value, prevOutside && ptdDays > 0 ? 6000 : 2000);
    assert.equal(c.kpis.revenue.change, c.kpis.revenue.value - 8000);
    // Every first purchase here is younger than the 90-day F2 window: none is counted yet.
    assert.equal(c.kpis.f2_conversion.value, null);
    assert.equal(c.kpis.f2_conversion.n, 0);
    // NPS from two answers: n and an interval that spans the scale.
    assert.equal(c.kpis.nps.value, 0);
    assert.equal(c.kpis.nps.n, 2);
    assert.deepEqual([c.kpis.nps.low, c.kpis.nps.high], [-100, 100]);
    const definitions = new Map(report.definitions.map((d: { key: string }) => [d.key, d]));
    assert.match((definitions.get('f2_conversion') as { maturity: string }).maturity, /N days/);
  });

  test('to date: this period so far against the same days of the previous one', async () => {
    const c = (await kpis('to_date')).comparison;
    if (ptdDays === 0) {
      // The first of the month: nothing of this month is complete, so the complete basis answers (and says so).
      assert.equal(c.basis, 'complete');
      return;
    }
    assert.equal(c.basis, 'to_date');
    assert.deepEqual(c.current, { start: current, end: today() });
    assert.equal(daysBetween(c.previous.start, c.previous.end), prevOutside ? ptdDays : daysBetween(previous, current));
    assert.equal(c.previous.start, previous);
    assert.equal(c.kpis.revenue.value, 1000);
    assert.equal(c.kpis.revenue.change, 1000 - 2000, 'the order after the same days of last month is not in the comparison');
  });
});
