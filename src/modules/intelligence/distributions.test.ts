import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { testApp } from '../../app/testApp.ts';
import { describeEachDatabase } from '../../db/testDatabase.ts';
import { generateDemo } from '../demo/generate.ts';
import { observationEnd } from '../demo/generator.ts';
import iconv from 'iconv-lite';
import { GLOSSARY_EN } from '../../lib/glossary.ts';
import { niceWidth } from './distributions.ts';

interface ScoreRow {
  customer_id: string;
  r_score: number | null;
  f_score: number | null;
  m_score: number | null;
  revenue_minor: number;
  orders_count: number;
  p_alive: number | null;
  clv_12m_minor: number | null;
  stage: string;
  days_since: number | null;
  usual: number | null;
}

/** Every current score of the workspace, read directly (fine for a 400-customer test workspace). */
async function allScores(ctx: Awaited<ReturnType<typeof testApp>>, db: { query: (sql: string, values: unknown[]) => Promise<{ rows: unknown[] }> }) {
  const { rows } = await db.query(
    `SELECT customer_id, r_score, f_score, m_score, revenue_minor::float8 AS revenue_minor, orders_count, p_alive, clv_12m_minor::float8 AS clv_12m_minor, stage,
            extract(epoch FROM computed_at - last_order_at)::float8 / 86400 AS days_since,
            CASE WHEN orders_count > 1 THEN extract(epoch FROM last_order_at - first_order_at)::float8 / 86400 / (orders_count - 1) END AS usual
     FROM customer_scores WHERE workspace_id = $1`,
    [ctx.workspace.id],
  );
  return rows as ScoreRow[];
}

const fmOf = (r: ScoreRow) => (r.f_score === null || r.m_score === null ? null : Math.floor((r.f_score + r.m_score) / 2 + 0.5));

describeEachDatabase('insights API (distributions for the web app)', (t) => {
  let ctx: Awaited<ReturnType<typeof testApp>>;
  let other: Awaited<ReturnType<typeof testApp>>;
  let scores: ScoreRow[];
  let firstRun: { counts: { customers: number; stages: Record<string, number> } };

  before(async () => {
    ctx = await testApp(t.db);
    other = await testApp(t.db);
    await generateDemo(ctx.services, { customers: 400, months: 12, seed: 4, end: observationEnd('2026-11-01'), workspaceId: ctx.workspace.id });
    const res = await ctx.app.inject({ method: 'POST', url: '/v1/models/score', headers: await ctx.headers(), payload: { asOf: '2026-11-01T00:00:00+09:00', mode: 'full' } });
    assert.equal(res.statusCode, 200, res.body);
    firstRun = res.json();
    scores = await allScores(ctx, t.db);
  });

  const get = async (app: typeof ctx, url: string) => {
    const res = await app.app.inject({ method: 'GET', url, headers: await app.headers('read') });
    assert.equal(res.statusCode, 200, `${url}: ${res.body}`);
    return res.json();
  };

  test('an RFM cell lists exactly its customers, by revenue, page by page', async () => {
    const rfm = await get(ctx, '/v1/segments/rfm');
    const cell = [...rfm.cells].sort((a, b) => b.customers - a.customers)[0];
    const expected = scores.filter((s) => s.r_score === cell.r && fmOf(s) === cell.fm);
    assert.ok(expected.length > 7, 'the largest cell spans pages');

    const seen: { customerId: string; revenueMinor: number }[] = [];
    for (let offset = 0; ; offset += 7) {
      const page = await get(ctx, `/v1/insights/rfm-cell?r=${cell.r}&fm=${cell.fm}&limit=7&offset=${offset}`);
      assert.equal(page.total, expected.length);
      seen.push(...page.data);
      if (page.data.length < 7) break;
    }
    assert.deepEqual(new Set(seen.map((c) => c.customerId)), new Set(expected.map((s) => s.customer_id)));
    assert.equal(seen.length, expected.length);
    for (let i = 1; i < seen.length; i++) assert.ok(seen[i - 1]!.revenueMinor >= seen[i]!.revenueMinor, 'highest revenue first');
    assert.equal(seen.reduce((s, c) => s + c.revenueMinor, 0), cell.revenueMinor);

    const bad = await ctx.app.inject({ method: 'GET', url: '/v1/insights/rfm-cell?r=6&fm=1', headers: await ctx.headers('read') });
    assert.equal(bad.statusCode, 400);
  });

  test('the at-risk list: high value, P(alive) below the threshold, sorted on the server; the CSV streams the same rows', async () => {
    const expected = scores
      .filter((s) => s.p_alive !== null && s.p_alive < 0.6 && (fmOf(s) ?? 0) >= 3)
      .sort((a, b) => a.p_alive! - b.p_alive! || (a.customer_id < b.customer_id ? -1 : 1));
    assert.ok(expected.length > 5, 'the demo has customers at risk');
    const query = 'maxPAlive=0.6&minFm=3&sort=pAlive&direction=asc&includeLost=true';
    const first = await get(ctx, `/v1/insights/at-risk?${query}&limit=5`);
    const second = await get(ctx, `/v1/insights/at-risk?${query}&limit=5&offset=5`);
    assert.equal(first.total, expected.length);
    assert.deepEqual(
      [...first.data, ...second.data].map((c: { customerId: string }) => c.customerId),
      expected.slice(0, 10).map((s) => s.customer_id),
    );

    const csv = await ctx.app.inject({ method: 'GET', url: `/v1/insights/at-risk.csv?${query}&lang=en`, headers: await ctx.headers('read') });
    assert.equal(csv.statusCode, 200, csv.body);
    assert.match(csv.headers['content-type'] as string, /^text\/csv; charset=utf-8/);
    assert.ok(csv.body.startsWith('\uFEFFCustomer ID,External ID,Email'), 'UTF-8 with a BOM, English headers');
    const lines = csv.body.slice(1).trimEnd().split('\r\n');
    assert.deepEqual(
      lines.slice(1).map((l) => l.split(',')[0]),
      expected.map((s) => s.customer_id),
    );
    // Times in the workspace's zone (Asia/Tokyo by default) with the offset.
    const lastOrder = lines[0]!.split(',').indexOf('Last order');
    assert.match(lines[1]!.split(',')[lastOrder]!, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+09:00$/);
    // Each id has its glossary word beside it, in the export's language.
    const header = lines[0]!.split(',');
    const row = lines[1]!.split(',');
    assert.equal(row[header.indexOf('Stage (name)')], GLOSSARY_EN[`glossary.stage.${row[header.indexOf('Stage')]}` as keyof typeof GLOSSARY_EN]);
    assert.equal(row[header.indexOf('RFM segment (name)')], GLOSSARY_EN[`glossary.rfm.${row[header.indexOf('RFM segment')]}` as keyof typeof GLOSSARY_EN]);

    // The workspace's locale (ja) by default, and Shift_JIS on request.
    const sjis = await ctx.app.inject({ method: 'GET', url: `/v1/insights/at-risk.csv?${query}&encoding=shift_jis`, headers: await ctx.headers('read') });
    assert.equal(sjis.statusCode, 200);
    assert.match(sjis.headers['content-type'] as string, /charset=shift_jis/);
    const decoded = iconv.decode(sjis.rawPayload, 'cp932');
    assert.ok(decoded.startsWith('顧客ID,外部ID,メールアドレス,姓,名'), decoded.slice(0, 40));
    assert.equal(decoded.trimEnd().split('\r\n').length, lines.length);
    assert.equal((await ctx.app.inject({ method: 'GET', url: `/v1/insights/at-risk.csv?encoding=latin1`, headers: await ctx.headers('read') })).statusCode, 400);

    const byRevenue = await get(ctx, `/v1/insights/at-risk?maxPAlive=0.6&minFm=3&sort=revenue&includeLost=true&limit=200`);
    const revenues = byRevenue.data.map((c: { revenueMinor: number }) => c.revenueMinor);
    assert.deepEqual(revenues, [...revenues].sort((a: number, b: number) => b - a));
  });

  test('the at-risk list by default: most value at stake first, the lost left out, each row with its reasons', async () => {
    // Value at stake = CLV if alive × (1 − P(alive)), CLV if alive = CLV / P(alive) (P(alive) floored at 1 %).
    const stake = (s: ScoreRow) => (s.clv_12m_minor! * (1 - s.p_alive!)) / Math.max(s.p_alive!, 0.01);
    const candidates = scores.filter((s) => s.p_alive !== null && s.clv_12m_minor !== null && s.p_alive < 0.9 && (fmOf(s) ?? 0) >= 2);
    const expected = candidates.filter((s) => s.stage !== 'lost').sort((a, b) => stake(b) - stake(a) || (a.customer_id < b.customer_id ? -1 : 1));
    assert.ok(candidates.some((s) => s.stage === 'lost'), 'the demo has lost customers among the candidates');
    assert.ok(expected.length > 5);
    const page = await get(ctx, '/v1/insights/at-risk?maxPAlive=0.9&minFm=2&limit=200');
    assert.equal(page.total, expected.length);
    assert.deepEqual(
      page.data.map((c: { customerId: string }) => c.customerId),
      expected.slice(0, 200).map((s) => s.customer_id),
    );
    for (const row of page.data.slice(0, 20)) {
      const s = scores.find((x) => x.customer_id === row.customerId)!;
      assert.equal(row.valueAtStakeMinor, Math.round(stake(s)));
      assert.equal(row.daysSinceLastOrder, Math.floor(s.days_since!));
      if (s.usual === null) assert.equal(row.usualIntervalDays, null);
      else assert.ok(Math.abs(row.usualIntervalDays - s.usual) <= 0.05, `${row.usualIntervalDays} vs ${s.usual}`);
      assert.ok('pAliveChange' in row);
    }
    const withLost = await get(ctx, '/v1/insights/at-risk?maxPAlive=0.9&minFm=2&includeLost=true&limit=1');
    assert.equal(withLost.total, candidates.length);
    const bad = await ctx.app.inject({ method: 'GET', url: '/v1/insights/at-risk?includeLost=maybe', headers: await ctx.headers('read') });
    assert.equal(bad.statusCode, 400);
  });

  test('CLV histogram and Pareto curve equal a direct computation', async () => {
    const value = await get(ctx, '/v1/insights/value');
    const clvs = scores.filter((s) => s.clv_12m_minor !== null).map((s) => s.clv_12m_minor!);
    assert.ok(clvs.length > 100, 'the models were fitted');
    assert.equal(value.clv.customers, clvs.length);
    assert.equal(value.clv.bins.reduce((s: number, b: { customers: number }) => s + b.customers, 0), clvs.length);
    const mean = clvs.reduce((s, v) => s + v, 0) / clvs.length;
    assert.ok(Math.abs(value.clv.meanMinor - mean) < 1e-6, `${value.clv.meanMinor} vs ${mean}`);
    for (const bin of value.clv.bins) {
      const inBin = clvs.filter((v) => v >= bin.fromMinor && (bin.toMinor === null || v < bin.toMinor)).length;
      assert.equal(bin.customers, inBin, `bin from ${bin.fromMinor}`);
    }

    const buyers = scores.filter((s) => s.orders_count > 0).map((s) => s.revenue_minor).sort((a, b) => b - a);
    const total = buyers.reduce((s, v) => s + v, 0);
    assert.equal(value.pareto.customers, buyers.length);
    assert.equal(value.pareto.revenueMinor, total);
    assert.equal(value.pareto.points.length, 100);
    for (const point of value.pareto.points) {
      const k = Math.round(point.customerShare * 100);
      const topShare = buyers.slice(0, Math.floor((k * buyers.length) / 100)).reduce((s, v) => s + v, 0) / total;
      assert.ok(Math.abs(point.revenueShare - topShare) < 1e-9, `top ${k} %: ${point.revenueShare} vs ${topShare}`);
    }
    assert.ok(Math.abs(value.pareto.points.at(-1).revenueShare - 1) < 1e-12);
  });

  test('stage flow and segment sizes follow the scoring runs', async () => {
    // The first run sets everyone's stage without change events: nothing has moved yet.
    assert.deepEqual((await get(ctx, '/v1/insights/stage-flow?days=30')).flow.moves, []);
    const stageOf = async () => {
      const { rows } = await t.db.query<{ customer_id: string; stage: string }>('SELECT customer_id, stage FROM customer_scores WHERE workspace_id = $1', [ctx.workspace.id]);
      return new Map(rows.map((r) => [r.customer_id, r.stage]));
    };
    const before = await stageOf();

    const later = await ctx.app.inject({ method: 'POST', url: '/v1/models/score', headers: await ctx.headers(), payload: { asOf: '2027-02-01T00:00:00+09:00', mode: 'full' } });
    assert.equal(later.statusCode, 200, later.body);
    const second = later.json();
    const after = await stageOf();
    const expected = new Map<string, number>();
    for (const [customer, stage] of after) {
      const from = before.get(customer) ?? 'prospect';
      if (from !== stage) expected.set(`${from}→${stage}`, (expected.get(`${from}→${stage}`) ?? 0) + 1);
    }
    assert.ok(expected.size > 1, 'three months without orders move customers between stages');

    const flow = (await get(ctx, '/v1/insights/stage-flow?days=30')).flow;
    assert.deepEqual(new Map(flow.moves.map((m: { from: string; to: string; customers: number }) => [`${m.from}→${m.to}`, m.customers])), expected);
    assert.equal(flow.to, new Date('2027-02-01T00:00:00+09:00').toISOString());
    // A window that ends before the second run holds none of its moves.
    assert.deepEqual((await get(ctx, '/v1/insights/stage-flow?to=2027-01-15T00:00:00Z&days=365')).flow.moves, []);

    const sizes = await get(ctx, '/v1/insights/segment-sizes');
    assert.equal(sizes.points.length, 2);
    assert.deepEqual(sizes.points[0].stages, firstRun.counts.stages);
    assert.deepEqual(sizes.points[1].segments, second.counts.segments);
    scores = await allScores(ctx, t.db);
  });

  test('accounts: every account with its health, weakest first; marketers (messaging) can set KPI targets, ingest keys cannot', async () => {
    const { rows } = await t.db.query<{ n: number }>('SELECT count(*)::int AS n FROM accounts WHERE workspace_id = $1', [ctx.workspace.id]);
    const page = await get(ctx, '/v1/insights/accounts?limit=200');
    assert.equal(page.total, rows[0]!.n);
    assert.equal(page.statuses.green + page.statuses.amber + page.statuses.red, page.total);
    const scoresInOrder = page.data.map((a: { score: number }) => a.score);
    assert.deepEqual(scoresInOrder, [...scoresInOrder].sort((a: number, b: number) => a - b));
    const one = await get(ctx, `/v1/accounts/${page.data[0].accountId}/health`);
    assert.equal(one.score, page.data[0].score);
    const red = await get(ctx, '/v1/insights/accounts?status=red');
    assert.equal(red.total, page.statuses.red);

    const target = { targets: [{ kpi: 'retention_rate', granularity: 'month', periodStart: '2026-10-01', target: 0.4 }] };
    assert.equal((await ctx.app.inject({ method: 'PUT', url: '/v1/kpi-targets', headers: await ctx.headers('messaging'), payload: target })).statusCode, 200);
    assert.equal((await ctx.app.inject({ method: 'PUT', url: '/v1/kpi-targets', headers: await ctx.headers('ingest'), payload: target })).statusCode, 403);
    assert.equal((await ctx.app.inject({ method: 'PUT', url: '/v1/kpi-targets', headers: await ctx.headers('read'), payload: target })).statusCode, 403);
  });

  test('another workspace sees none of it', async () => {
    assert.equal((await get(other, '/v1/insights/at-risk')).total, 0);
    assert.equal((await get(other, '/v1/insights/rfm-cell?r=5&fm=5')).total, 0);
    assert.equal((await get(other, '/v1/insights/value')).clv.customers, 0);
    assert.equal((await get(other, '/v1/insights/stage-flow')).flow, null);
    assert.deepEqual((await get(other, '/v1/insights/segment-sizes')).points, []);
    const csv = await other.app.inject({ method: 'GET', url: '/v1/insights/at-risk.csv', headers: await other.headers('read') });
    assert.equal(csv.body.trimEnd().split('\r\n').length, 1, 'header only');
  });

  test('the endpoints are in /openapi.json', async () => {
    const spec = (await ctx.app.inject({ method: 'GET', url: '/openapi.json' })).json();
    for (const path of ['rfm-cell', 'at-risk', 'at-risk.csv', 'value', 'stage-flow', 'segment-sizes', 'accounts']) assert.ok(spec.paths[`/v1/insights/${path}`], path);
  });

  test('the Pareto curve is exact with ties at the percentile boundaries', async () => {
    const ties = await testApp(t.db);
    // 7 buyers, revenues 100, 100, 100, 50, 50, 10, 0: many customers share each boundary value.
    const revenues = [100, 100, 100, 50, 50, 10, 0];
    await t.db.query(
      `INSERT INTO customer_scores (workspace_id, customer_id, computed_at, run_id, orders_count, revenue_minor, frequency, recency, t, monetary_minor, stage, stage_since, snapshot_at)
       SELECT $1, gen_random_uuid(), now(), gen_random_uuid(), 1, r, 0, 0, 1, r, 'new', now(), now() FROM unnest($2::bigint[]) r`,
      [ties.workspace.id, revenues],
    );
    const { pareto } = await get(ties, '/v1/insights/value');
    assert.equal(pareto.customers, 7);
    for (const point of pareto.points) {
      const k = Math.round(point.customerShare * 100);
      const top = revenues.slice(0, Math.floor((k * 7) / 100)).reduce((s, v) => s + v, 0) / 410;
      assert.ok(Math.abs(point.revenueShare - top) < 1e-12, `top ${k} %`);
    }
    assert.equal(pareto.points[0].customerShare, 0.15, 'the first point with at least one customer');
  });

  test('bin widths are round numbers', () => {
    assert.equal(niceWidth(0.3), 0.5);
    assert.equal(niceWidth(1234), 2000);
    assert.equal(niceWidth(5000), 5000);
    assert.equal(niceWidth(0), 1);
  });
});
