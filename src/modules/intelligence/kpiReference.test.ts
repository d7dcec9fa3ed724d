import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { revenueShare } from '../../analytics/models/revenueShare.ts';
import { createServices, type Services } from '../../app/services.ts';
import { describeEachDatabase } from '../../db/testDatabase.ts';
import { generateDemo } from '../demo/generate.ts';
import { observationEnd } from '../demo/generator.ts';
import type { OrderInput } from '../orders/types.ts';
import { npsFromCounts } from '../surveys/nps.ts';
import type { Workspace } from '../workspaces/service.ts';
import { GRANULARITIES, KPI_KEYS, type Granularity, type KpiKey } from './kpiDefinitions.ts';
import { computeKpis, type KpiPeriod } from './kpis.ts';
import { intelligenceSettingsSchema, type IntelligenceSettings } from './settings.ts';
import { localDaySql, purchasesWhere } from './summarySql.ts';

/**
 * The set-based KPI query against a straightforward reference: every KPI recomputed per period by
 * looping over the raw rows, exactly as docs/metrics.md words it. Generated data plus edge cases:
 * orders at local midnight (period boundaries), windows W shorter than a quarter, subscriptions
 * canceled on a boundary, trialing or in another currency, NPS answers.
 */
const DAY = 86_400_000;
const END = observationEnd('2026-11-01');

interface Purchase {
  customer: string;
  at: number;
  net: number;
  day: number;
}
interface Sub {
  account: string;
  mrr: number;
  started: number;
  canceled: number | null;
  status: string;
}

/** Local calendar period starts (YYYY-MM-DD) from the one before `from`'s period to the one holding `to`, computed on plain dates. */
function periodStarts(from: string, to: string, granularity: Granularity): string[] {
  const d = new Date(`${from}T00:00:00Z`);
  if (granularity === 'week') d.setUTCDate(d.getUTCDate() - ((d.getUTCDay() + 6) % 7));
  if (granularity === 'month' || granularity === 'quarter') d.setUTCDate(1);
  if (granularity === 'quarter') d.setUTCMonth(d.getUTCMonth() - (d.getUTCMonth() % 3));
  const step = (x: Date, k: number) => {
    const y = new Date(x);
    if (granularity === 'day') y.setUTCDate(y.getUTCDate() + k);
    else if (granularity === 'week') y.setUTCDate(y.getUTCDate() + 7 * k);
    else y.setUTCMonth(y.getUTCMonth() + (granularity === 'month' ? k : 3 * k));
    return y;
  };
  const starts: string[] = [];
  for (let x = step(d, -1); x.toISOString().slice(0, 10) <= to; x = step(x, 1)) starts.push(x.toISOString().slice(0, 10));
  starts.push(step(new Date(`${starts.at(-1)}T00:00:00Z`), 1).toISOString().slice(0, 10));
  return starts;
}

/** The periods' boundaries as the Overview takes them: none starting on or after today, the last one ending today at the latest. */
function capped(dates: string[], asOfDay: string): string[] {
  const starts = dates.slice(0, -1).filter((d) => d < asOfDay);
  const end = dates[starts.length]!;
  return [...starts, end < asOfDay ? end : asOfDay];
}

async function reference(services: Services, workspace: Workspace, settings: IntelligenceSettings, dates: string[], asOfDay: string) {
  const db = services.db;
  const { rows: instants } = await db.query<{ at: Date }>(`SELECT (d::timestamp AT TIME ZONE $2) AS at FROM unnest($1::text[]) WITH ORDINALITY AS x(d, i) ORDER BY i`, [dates, workspace.timeZone]);
  const bounds = instants.map((r) => r.at.getTime());
  const { rows: today } = await db.query<{ at: Date }>(`SELECT ($1::date::timestamp AT TIME ZONE $2) AS at`, [asOfDay, workspace.timeZone]);
  const asOf = today[0]!.at.getTime();
  const N = settings.f2WindowDays * DAY;
  const scope = { workspaceId: workspace.id, currency: workspace.currency, asOf: new Date() };
  const purchases = (
    await db.query<{ customer_id: string; ordered_at: Date; net: number; day: number }>(
      `SELECT o.customer_id, o.ordered_at, o.total_minor - o.refunded_minor AS net, ${localDaySql('o.ordered_at', workspace.timeZone)} AS day FROM paying_orders o WHERE ${purchasesWhere(scope)}`,
    )
  ).rows.map((r): Purchase => ({ customer: r.customer_id, at: r.ordered_at.getTime(), net: r.net, day: r.day }));
  const subs = (
    await db.query<{ account_id: string; mrr_minor: number; started_at: Date; canceled_at: Date | null; status: string }>(
      'SELECT account_id, mrr_minor, started_at, canceled_at, status FROM subscriptions WHERE workspace_id = $1 AND currency = $2',
      [workspace.id, workspace.currency],
    )
  ).rows.map((r): Sub => ({ account: r.account_id, mrr: r.mrr_minor, started: r.started_at.getTime(), canceled: r.canceled_at?.getTime() ?? null, status: r.status }));
  const answers = (
    await db.query<{ answered_at: Date; category: string }>("SELECT answered_at, category FROM survey_responses WHERE workspace_id = $1 AND kind = 'nps'", [workspace.id])
  ).rows;

  const first = new Map<string, { at: number; day: number }>();
  for (const p of purchases) {
    const f = first.get(p.customer);
    if (!f || p.at < f.at) first.set(p.customer, { at: p.at, day: Math.min(p.day, f?.day ?? Infinity) });
    else if (p.day < f.day) f.day = p.day;
  }
  const second = new Map<string, number>();
  for (const p of purchases) {
    if (p.day > first.get(p.customer)!.day && p.at < (second.get(p.customer) ?? Infinity)) second.set(p.customer, p.at);
  }
  const W = settings.activeWithinDays * DAY;
  const D = settings.stages.dormantAfterDays * DAY;
  const customersWith = (lo: number, hi: number) => new Set(purchases.filter((p) => p.at >= lo && p.at < hi).map((p) => p.customer));
  const live = (s: Sub, t: number) => s.started < t && (s.canceled === null || s.canceled >= t) && s.status !== 'trialing' && !(s.status === 'canceled' && s.canceled === null);
  const accountMrr = (t: number) => {
    const m = new Map<string, number>();
    for (const s of subs) m.set(s.account, (m.get(s.account) ?? 0) + (live(s, t) ? s.mrr : 0));
    return m;
  };
  const ratio = (a: number, b: number) => (b > 0 ? a / b : null);
  const values = bounds.slice(0, -1).map((start, i): Record<KpiKey, number | null> => {
    const end = bounds[i + 1]!;
    const inPeriod = purchases.filter((p) => p.at >= start && p.at < end);
    const byCustomer = new Map<string, number>();
    for (const p of inPeriod) byCustomer.set(p.customer, (byCustomer.get(p.customer) ?? 0) + p.net);
    const revenue = inPeriod.reduce((s, p) => s + p.net, 0);
    const revenueNew = inPeriod.filter((p) => first.get(p.customer)!.at >= start).reduce((s, p) => s + p.net, 0);
    const S = customersWith(start - W, start);
    const E = customersWith(end - W, end);
    const retained = [...S].filter((c) => E.has(c)).length;
    const buyers = [...first.values()].filter((f) => f.at < end).length;
    const fresh = [...first].filter(([, f]) => f.at >= start && f.at < end);
    // Maturity: F2 only for first purchases whose N-day window is over today; the repeat rate only for customers N days old at end.
    const matureFresh = fresh.filter(([, f]) => f.at + N <= asOf);
    const f2 = matureFresh.filter(([c, f]) => (second.get(c) ?? Infinity) < f.at + N).length;
    const old = [...first].filter(([, f]) => f.at < end - N);
    const repeaters = old.filter(([c]) => (second.get(c) ?? Infinity) < end).length;
    const before = purchases.filter((p) => p.at < end).reduce((s, p) => s + p.net, 0);
    const recent = customersWith(end - D, end).size;
    const m0 = accountMrr(start);
    const m1 = accountMrr(end);
    const held = [...m0].filter(([, v]) => v > 0);
    const mrrStart = [...m0.values()].reduce((s, v) => s + v, 0);
    const nps = npsFromCounts(
      ...(['promoter', 'passive', 'detractor'].map((c) => answers.filter((a) => a.category === c && a.answered_at.getTime() >= start && a.answered_at.getTime() < end).length) as [number, number, number]),
    );
    const share = revenueShare([...byCustomer.values()]).share;
    return {
      active_customers: E.size,
      new_customers: fresh.length,
      retention_rate: ratio(retained, S.size),
      churn_rate: ratio(S.size - retained, S.size),
      repeat_purchase_rate: ratio(repeaters, old.length),
      f2_conversion: ratio(f2, matureFresh.length),
      purchase_frequency: ratio(inPeriod.length, byCustomer.size),
      average_order_value: ratio(revenue, inPeriod.length),
      revenue,
      revenue_existing_customers: revenue - revenueNew,
      revenue_new_customers: revenueNew,
      historic_ltv: ratio(before, buyers),
      predicted_ltv: null,
      dormant_share: ratio(buyers - recent, buyers),
      top20_revenue_share: Number.isFinite(share) ? share : null,
      mrr: [...m1.values()].reduce((s, v) => s + v, 0),
      logo_churn: ratio(held.filter(([a]) => m1.get(a) === 0).length, held.length),
      revenue_churn: ratio(held.reduce((s, [a, v]) => s + Math.max(v - m1.get(a)!, 0), 0), mrrStart),
      net_revenue_retention: ratio(held.reduce((s, [a]) => s + m1.get(a)!, 0), mrrStart),
      nps: nps.nps,
      nps_ci_low: nps.ciLow,
      nps_ci_high: nps.ciHigh,
    };
  });
  return { dates, values };
}

const close = (a: number | null, b: number | null) => (a === null || b === null ? a === b : Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(b)));

function assertSame(actual: KpiPeriod[], expected: Awaited<ReturnType<typeof reference>>, label: string): void {
  assert.deepEqual(
    actual.map((p) => [p.start, p.coveredEnd]),
    expected.dates.slice(1, -1).map((d, i) => [d, expected.dates[i + 2]]),
    `${label}: periods`,
  );
  actual.forEach((period, i) => {
    for (const key of KPI_KEYS) {
      const got = period.kpis[key];
      const want = expected.values[i + 1]![key];
      const previous = expected.values[i]![key];
      assert.ok(close(got.value, want), `${label} ${period.start} ${key}: ${got.value} ≠ reference ${want}`);
      // A partial period is never compared with the full one before it.
      const change = period.partial || want === null || previous === null ? null : want - previous;
      assert.ok(close(got.change, change), `${label} ${period.start} ${key}: change ${got.change}`);
    }
  });
}

describeEachDatabase('KPIs equal a per-period reference computation on generated data', (t) => {
  let services: Services;
  let workspace: Workspace;
  const midnight = (date: string) => new Date(`${date}T00:00:00+09:00`);

  before(async () => {
    services = createServices(t.db);
    const demo = await generateDemo(services, { customers: 250, months: 18, seed: 7, end: END, workspaceName: 'kpi-reference' }, { concurrency: 2 });
    workspace = await services.workspaces.get(demo.workspaceId);
    const order = (externalId: string, customer: string, at: Date, total: number): OrderInput => ({
      externalId,
      customerExternalId: customer,
      status: 'completed',
      currency: 'JPY',
      orderedAt: at,
      totalMinor: total,
      discountMinor: 0,
      taxMinor: 0,
      shippingMinor: 0,
      lines: [],
    });
    // On local midnights: the first instant of a day, an ISO week (2026-06-01 is a Monday), a month and a quarter.
    await services.orders.upsertMany(workspace.id, [
      order('edge-1', 'edge-a', midnight('2026-07-01'), 5000),
      order('edge-2', 'edge-a', midnight('2026-07-02'), 1200),
      order('edge-3', 'edge-b', midnight('2026-06-01'), 800),
      order('edge-4', 'edge-b', new Date(midnight('2026-06-01').getTime() - 1), 900),
      order('edge-5', 'edge-c', midnight('2026-10-01'), 3000),
      order('edge-6', 'edge-c', new Date(midnight('2026-08-15').getTime() + 3_600_000), 700),
    ]);
    await services.accounts.upsertSubscriptions(workspace.id, [
      { externalId: 'edge-s1', accountExternalId: 'edge-acct', plan: 'basic', seats: 1, mrrMinor: 3000, currency: 'JPY', status: 'canceled', startedAt: midnight('2026-01-01'), canceledAt: midnight('2026-07-01') },
      { externalId: 'edge-s2', accountExternalId: 'edge-acct', plan: 'pro', seats: 1, mrrMinor: 1000, currency: 'JPY', status: 'active', startedAt: midnight('2026-07-01') },
      { externalId: 'edge-s3', accountExternalId: 'edge-trial', plan: 'pro', seats: 1, mrrMinor: 5000, currency: 'JPY', status: 'trialing', startedAt: midnight('2026-05-01') },
      { externalId: 'edge-s4', accountExternalId: 'edge-usd', plan: 'pro', seats: 1, mrrMinor: 50, currency: 'USD', status: 'active', startedAt: midnight('2026-05-01') },
      { externalId: 'edge-s5', accountExternalId: 'edge-gone', plan: 'pro', seats: 1, mrrMinor: 700, currency: 'JPY', status: 'canceled', startedAt: midnight('2026-03-03') },
      { externalId: 'edge-s6', accountExternalId: 'edge-short', plan: 'basic', seats: 1, mrrMinor: 400, currency: 'JPY', status: 'canceled', startedAt: midnight('2026-04-02'), canceledAt: midnight('2026-04-20') },
    ]);
    const { rows } = await t.db.query<{ external_id: string }>('SELECT external_id FROM customers WHERE workspace_id = $1 AND external_id IS NOT NULL ORDER BY external_id LIMIT 12', [workspace.id]);
    await services.surveys.create(workspace.id, { slug: 'nps-ref', kind: 'nps', title: { ja: 'NPS調査' } });
    for (const [i, r] of rows.entries()) {
      const at = i === 0 ? midnight('2026-09-01') : new Date(midnight('2026-08-20').getTime() + i * 2.5 * DAY);
      const [link] = await services.surveys.mintLinks(workspace.id, 'nps-ref', [r.external_id], { now: at });
      await services.surveys.answerLink(link!.url.slice(link!.url.lastIndexOf('/') + 1), { score: (i * 7) % 11 }, 'ja', at);
    }
  });

  // Today is 2026-10-20 (Tokyo): October and its quarter are partial, and recent first buyers are not yet N days old.
  const asOfDay = '2026-10-20';
  const asOf = new Date('2026-10-20T09:00:00+09:00');
  const check = async (settings: IntelligenceSettings, label: string) => {
    for (const granularity of GRANULARITIES) {
      const from = granularity === 'day' ? '2025-11-01' : '2025-06-15';
      const to = '2026-10-31';
      const actual = await computeKpis(t.db, workspace, settings, { from, to, granularity, asOf, basis: 'to_date' });
      const dates = capped(periodStarts(from, to, granularity), asOfDay);
      assertSame(actual.periods, await reference(services, workspace, settings, dates, asOfDay), `${label} ${granularity}`);
      // The cards' comparison: the same windows recomputed by the reference, value for value.
      const { comparison } = actual;
      assert.ok(comparison, `${label} ${granularity}: a comparison`);
      const windows = [comparison.previous.start, comparison.previous.end, comparison.current.start, comparison.current.end];
      const expected = await reference(services, workspace, settings, [...new Set(windows)], asOfDay);
      const current = expected.values[[...new Set(windows)].indexOf(comparison.current.start)]!;
      for (const key of KPI_KEYS) {
        const want = current[key];
        const before = expected.values[0]![key];
        assert.ok(close(comparison.kpis[key].value, want), `${label} ${granularity} comparison ${key}: ${comparison.kpis[key].value} ≠ ${want}`);
        assert.ok(close(comparison.kpis[key].change, want === null || before === null ? null : want - before), `${label} ${granularity} comparison ${key} change`);
      }
    }
  };

  test('default windows, every granularity', async () => {
    await check(intelligenceSettingsSchema.parse({}), 'defaults');
  });

  test('windows shorter than a period (W = 20, N = 10, D = 45 days)', async () => {
    const settings = intelligenceSettingsSchema.parse({ activeWithinDays: 20, f2WindowDays: 10, stages: { atRiskAfterDays: 30, dormantAfterDays: 45 } });
    await check(settings, 'short windows');
  });
});
