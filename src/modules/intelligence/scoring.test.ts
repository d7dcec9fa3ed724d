import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { RFM_SEGMENTS } from '../../analytics/models/rfm.ts';
import { summarizeTransactions } from '../../analytics/models/summary.ts';
import { createServices, type Services } from '../../app/services.ts';
import { describeEachDatabase } from '../../db/testDatabase.ts';
import { generateDemo, type DemoSummary } from '../demo/generate.ts';
import { observationEnd } from '../demo/generator.ts';
import { STAGES } from './stages.ts';
import { CHOICE_HOLDOUT_DAYS, type StoredFits } from './scoringRun.ts';
import { countScores, ltvMean } from './scoreTally.ts';

const END = observationEnd('2026-11-01');
const DAY = 86_400_000;
/** JST day number, the workspace's calendar. */
const jstDay = (d: Date) => Math.floor((d.getTime() + 9 * 3_600_000) / DAY);

describeEachDatabase('scoring on generated data', (t) => {
  let services: Services;
  let demo: DemoSummary;
  let ws: string;

  before(async () => {
    services = createServices(t.db);
    demo = await generateDemo(services, { customers: 5000, months: 24, seed: 1, end: END }, { concurrency: 2 });
    ws = demo.workspaceId;
  });

  test('a full run recovers the generator ground truth within 4 standard errors', async () => {
    const run = await services.intelligence.score(ws, { asOf: END });
    assert.equal(run.kind, 'full');
    assert.equal(run.counts.customers, 5000);
    const bg = run.fits!.bgnbd!;
    const truth = demo.groundTruth.bgnbd;
    assert.ok(bg.converged, bg.message);
    // Purchases are collapsed per JST day and times are whole days (the CDNOW convention); on this
    // sample size that discretisation is far below the sampling error (checked over 8 seeds: all
    // parameters within 3.1 SE), so the tolerance is the standard error alone.
    for (const k of ['r', 'alpha', 'a', 'b'] as const) {
      assert.ok(Math.abs(bg.params[k] - truth[k]) < 4 * bg.standardErrors[k], `${k} = ${bg.params[k]} ± ${bg.standardErrors[k]}, truth ${truth[k]}`);
    }
    const gg = run.fits!.gammagamma!;
    const spend = demo.groundTruth.gammagamma;
    for (const k of ['p', 'q', 'v'] as const) {
      assert.ok(Math.abs(gg.params[k] - spend[k]) < 4 * gg.standardErrors[k], `${k} = ${gg.params[k]} ± ${gg.standardErrors[k]}, truth ${spend[k]}`);
    }
    const impliedMean = (gg.params.p * gg.params.v) / (gg.params.q - 1);
    assert.ok(Math.abs(impliedMean / 6000 - 1) < 0.03, `mean order ${impliedMean}`);
    assert.equal(Object.values(run.counts.stages).reduce((s, n) => s + n, 0), 5000);
    for (const stage of Object.keys(run.counts.stages)) assert.ok((STAGES as readonly string[]).includes(stage), stage);
    for (const segment of Object.keys(run.counts.segments)) assert.ok((RFM_SEGMENTS as readonly string[]).includes(segment), segment);
    assert.equal(run.events.stageChanged, 0, 'the first run is the baseline');
  });

  test('the full run backtests BG/NBD against MBG/NBD and scores with the one with the smaller holdout error', async () => {
    const models = await services.intelligence.models(ws);
    const choice = (models.fit!.fits as StoredFits).choice!;
    assert.equal(choice.backtestId, models.backtest!.id, 'the backtest the run made is the one shown');
    assert.equal(choice.holdoutDays, CHOICE_HOLDOUT_DAYS);
    assert.deepEqual(choice.models.map((m) => m.model).sort(), ['bgnbd', 'mbgnbd']);
    const smallest = choice.models.reduce((a, b) => (b.rmse < a.rmse ? b : a));
    assert.equal(choice.chosen, smallest.model);
    assert.equal(models.backtest!.comparison.chosen, choice.chosen);
    // One-time buyers are alive for sure under BG/NBD, not under MBG/NBD: the stored P(alive) tells which scored.
    const { rows } = await t.db.query<{ max: number }>(
      'SELECT max(p_alive) AS max FROM customer_scores WHERE workspace_id = $1 AND orders_count > 0 AND frequency = 0',
      [ws],
    );
    if (choice.chosen === 'bgnbd') assert.equal(rows[0]!.max, 1);
    else assert.ok(rows[0]!.max < 1, `max P(alive) of one-time buyers ${rows[0]!.max}`);
  });

  test('the SQL summary is summary.ts on the same orders (net revenue, JST days, weeks)', async () => {
    const { rows: orders } = await t.db.query<{ customer_id: string; ordered_at: Date; net: number }>(
      `SELECT customer_id, ordered_at, total_minor - refunded_minor AS net FROM orders
       WHERE workspace_id = $1 AND status = 'completed' AND total_minor > refunded_minor AND ordered_at < $2`,
      [ws, END],
    );
    const expected = summarizeTransactions(
      { customer: orders.map((o) => o.customer_id), day: orders.map((o) => jstDay(o.ordered_at)), amount: orders.map((o) => o.net) },
      { unit: 'weeks', collapse: 'days', observationEnd: jstDay(END) },
    );
    const { rows } = await t.db.query<{ customer_id: string; frequency: number; recency: number; t: number; monetary_minor: number }>(
      'SELECT customer_id, frequency, recency, t, monetary_minor FROM customer_scores WHERE workspace_id = $1 AND orders_count > 0',
      [ws],
    );
    const stored = new Map(rows.map((r) => [r.customer_id, r]));
    assert.equal(stored.size, expected.customers.length);
    expected.customers.forEach((c, i) => {
      const s = stored.get(c as string)!;
      assert.equal(s.frequency, expected.frequency[i]);
      assert.ok(Math.abs(s.recency - expected.recency[i]) < 1e-9 && Math.abs(s.t - expected.T[i]) < 1e-9, `${c}`);
      assert.equal(s.monetary_minor, Math.round(expected.monetaryValue![i]));
    });
  });

  test('scores are consistent: prospects have no model values, buyers have all of them', async () => {
    const { rows } = await t.db.query<{ stage: string; n: number; alive: number; clv: number; bad: number }>(
      `SELECT stage, count(*)::int AS n, count(p_alive)::int AS alive, count(clv_12m_minor)::int AS clv,
              count(*) FILTER (WHERE churn_risk < 0 OR churn_risk > 1 OR p_alive < 0 OR p_alive > 1
                               OR expected_purchases_365d < expected_purchases_90d OR r_score NOT BETWEEN 1 AND 5)::int AS bad
       FROM customer_scores WHERE workspace_id = $1 GROUP BY stage`,
      [ws],
    );
    for (const r of rows) {
      assert.equal(r.bad, 0, r.stage);
      assert.equal(r.alive, r.stage === 'prospect' ? 0 : r.n, r.stage);
      assert.equal(r.clv, r.stage === 'prospect' ? 0 : r.n, r.stage);
    }
    const { rows: recent } = await t.db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM customer_scores WHERE workspace_id = $1 AND stage IN ('lost', 'dormant') AND recency_days < 90 AND frequency = 0`,
      [ws],
    );
    assert.equal(recent[0]!.n, 0, 'one-time buyers are only judged by days of silence');
  });

  test('incremental: only customers with new orders are rescored; stage changes become events once', async () => {
    const { rows } = await t.db.query<{ customer_id: string; external_id: string; stage: string }>(
      `SELECT s.customer_id, c.external_id, s.stage FROM customer_scores s JOIN customers c ON c.workspace_id = s.workspace_id AND c.id = s.customer_id
       WHERE s.workspace_id = $1 AND s.stage = 'dormant' ORDER BY c.external_id LIMIT 1`,
      [ws],
    );
    const dormant = rows[0]!;
    await services.orders.upsertMany(ws, [
      { externalId: 'comeback-1', customerExternalId: dormant.external_id, status: 'completed', currency: 'JPY', orderedAt: new Date(END.getTime() + 2 * 3_600_000), totalMinor: 5000, discountMinor: 0, taxMinor: 0, shippingMinor: 0, lines: [] },
    ]);
    const asOf = new Date(END.getTime() + DAY);
    const run = await services.intelligence.score(ws, { asOf });
    assert.equal(run.kind, 'incremental');
    assert.equal(run.recomputed, 1);
    assert.equal(run.events.stageChanged, 1);
    const scores = await services.intelligence.scoresFor(ws, dormant.customer_id);
    assert.equal(scores!.stage, 'reactivated');
    assert.equal(scores!.runId, run.runId);
    const { rows: events } = await t.db.query<{ name: string; message_id: string; properties: Record<string, string> }>(
      `SELECT name, message_id, properties FROM events WHERE workspace_id = $1 AND customer_id = $2 AND name IN ('Lifecycle Stage Changed', 'RFM Segment Changed')`,
      [ws, dormant.customer_id],
    );
    const stage = events.find((e) => e.name === 'Lifecycle Stage Changed')!;
    assert.equal(stage.message_id, `stage:${run.runId}:${dormant.customer_id}`);
    assert.deepEqual([stage.properties.from, stage.properties.to], ['dormant', 'reactivated']);

    const again = await services.intelligence.score(ws, { asOf, mode: 'incremental' });
    assert.equal(again.recomputed, 0);
    assert.equal(again.events.stageChanged, 0);
    const history = await services.intelligence.scoreHistory(ws, dormant.customer_id);
    assert.deepEqual(history.history.map((h) => h.stage), ['reactivated', 'dormant']);
  });

  test('incremental runs carry the counts forward as a recount finds them; a score removed outside a run makes the next one recount', async () => {
    const { rows } = await t.db.query<{ customer_id: string; external_id: string }>(
      `SELECT s.customer_id, c.external_id FROM customer_scores s JOIN customers c ON c.workspace_id = s.workspace_id AND c.id = s.customer_id
       WHERE s.workspace_id = $1 AND s.orders_count > 0 ORDER BY c.external_id LIMIT 2`,
      [ws],
    );
    let hour = 3;
    const orderAndScore = async (externalId: string) => {
      await services.orders.upsertMany(ws, [
        { externalId: `tally-${hour}`, customerExternalId: externalId, status: 'completed', currency: 'JPY', orderedAt: new Date(END.getTime() + hour++ * 3_600_000), totalMinor: 7000, discountMinor: 0, taxMinor: 0, shippingMinor: 0, lines: [] },
      ]);
      const run = await services.intelligence.score(ws, { asOf: new Date(END.getTime() + DAY), mode: 'incremental' });
      const recount = await countScores(t.db, ws);
      assert.equal(run.recomputed, 1);
      assert.deepEqual(run.counts, recount.counts);
      assert.ok(Math.abs((run.diagnostics.ltvMeanMinor as number) / ltvMean(recount)! - 1) < 1e-12, 'the mean LTV of the KPIs');
      return run.diagnostics.tallyCarried;
    };
    assert.equal(await orderAndScore(rows[0]!.external_id), true);
    // Only runs write scores: a row gone otherwise shows in the count, and the run recounts.
    await t.db.query('DELETE FROM customer_scores WHERE workspace_id = $1 AND customer_id = $2', [ws, rows[1]!.customer_id]);
    assert.equal(await orderAndScore(rows[1]!.external_id), false);
    assert.equal(await orderAndScore(rows[1]!.external_id), true);
  });

  test('backtest on generated data: the holdout totals and individual counts are predicted', async () => {
    const report = await services.intelligence.backtest(ws, { holdoutDays: 180, asOf: END });
    assert.ok(report.customers > 3000);
    const p = report.purchases;
    assert.ok(Math.abs(p.predictedTotal / p.actualTotal - 1) < 0.15, `predicted ${p.predictedTotal} vs actual ${p.actualTotal}`);
    assert.ok(p.correlation > 0.45, `correlation ${p.correlation}`);
    assert.ok(Math.abs(report.revenue.predictedTotal / report.revenue.actualTotal - 1) < 0.2);
    const last = report.tracking.actual.length - 1;
    assert.ok(Math.abs(report.tracking.expected[last] / report.tracking.actual[last] - 1) < 0.1);
    const models = await services.intelligence.models(ws);
    assert.equal(models.backtest!.id, report.id);
    // Both purchase models are compared; the report's figures are the chosen one's.
    const chosen = report.comparison.models.find((m) => m.model === report.comparison.chosen)!;
    assert.deepEqual(report.purchases, chosen.purchases);
    for (const m of report.comparison.models) assert.ok(chosen.purchases.rmse <= m.purchases.rmse);
  });
});
