import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { createServices, type Services } from '../../app/services.ts';
import { describeEachDatabase } from '../../db/testDatabase.ts';
import { generateDemo } from '../demo/generate.ts';
import { observationEnd } from '../demo/generator.ts';
import { settingsFor } from '../messaging/testKit.ts';
import { localDate } from './localTime.ts';
import { JOURNEY_TEMPLATES } from './templates.ts';
import { DAY } from './testKit.ts';
import type { JourneyDetail } from './types.ts';

describeEachDatabase('journeys: templates on demo data', (t) => {
  let s: Services;
  before(() => {
    s = createServices(t.db);
  });

  test('every template switches on, goes live and runs its customers to the end on generated demo data', async () => {
    const demo = await generateDemo(s, { customers: 150, months: 6, seed: 7, end: observationEnd(localDate(new Date(), 'Asia/Tokyo')) });
    const ws = demo.workspaceId;
    await s.messaging.putSettings(ws, settingsFor(undefined, { policy: { quietHours: null } }));
    const journeys: JourneyDetail[] = [];
    for (const template of JOURNEY_TEMPLATES) {
      const draft = await s.journeys.enableTemplate(ws, template.key);
      assert.deepEqual(draft.issues, [], `${template.key} is valid as switched on`);
      journeys.push(await s.journeys.activate(ws, draft.id));
    }
    const customers = (await t.db.query<{ id: string }>('SELECT id FROM customers WHERE workspace_id = $1 AND external_id IS NOT NULL ORDER BY id LIMIT 15', [ws])).rows.map((r) => r.id);
    const [signUp, buyer, upgraded] = customers.splice(12, 3) as [string, string, string];
    const t0 = new Date();
    for (const j of journeys) for (const c of customers) await s.journeys.enter(ws, j.id, c, { now: t0 });
    // Real triggers too: a sign-up, an order and a tier upgrade arrive after activation.
    await s.events.insertForCustomers(ws, [
      { customerId: signUp, messageId: 'tpl-signup', name: 'Signed Up', properties: {}, occurredAt: t0 },
      { customerId: buyer, messageId: 'tpl-order', name: 'Order Completed', properties: {}, occurredAt: t0 },
      { customerId: upgraded, messageId: 'tpl-tier', name: 'Tier Changed', properties: { direction: 'upgrade', to: 'Gold' }, occurredAt: t0 },
    ]);
    for (const days of [0, 1, 3, 4, 6, 8, 10, 12, 20, 40, 70]) await s.journeys.runUntilIdle(ws, { now: new Date(t0.getTime() + days * DAY) });

    for (const j of journeys) {
      const stats = await s.journeys.stats(ws, j.id);
      assert.ok(stats.entrants >= customers.length, `${j.templateKey}: ${stats.entrants} entrants`);
      // Date triggers keep entering customers on the simulated days; the runs entered at t0 have all finished.
      const live = await t.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM journey_runs WHERE workspace_id = $1 AND journey_id = $2 AND state = 'waiting' AND entered_at <= $3`, [ws, j.id, t0]);
      assert.equal(live.rows[0]!.n, 0, `${j.templateKey}: every run finished`);
      const treated = stats.arms.treatment.entrants;
      assert.ok(treated > 0, `${j.templateKey}: some customers were treated`);
      const { rows: firstSteps } = await t.db.query<{ missing: number }>(
        `SELECT count(*)::int AS missing FROM journey_runs r WHERE r.workspace_id = $1 AND r.journey_id = $2 AND r.arm = 'treatment' AND r.entered_at <= $3
           AND NOT EXISTS (SELECT 1 FROM journey_step_log l WHERE l.workspace_id = r.workspace_id AND l.run_id = r.id AND l.step_id = $4)`,
        [ws, j.id, t0, j.definition.start],
      );
      assert.equal(firstSteps[0]!.missing, 0, `${j.templateKey}: every treated run took the first step`);
      assert.deepEqual(stats.perStep.filter((p) => p.failed > 0).map((p) => p.stepId), [], `${j.templateKey}: no step failed`);
    }
    const byTemplate = (key: string) => journeys.find((j) => j.templateKey === key)!;
    const runsFor = async (key: string) => (await t.db.query<{ n: number }>('SELECT count(*)::int AS n FROM journey_runs WHERE workspace_id = $1 AND journey_id = $2 AND source_key LIKE $3', [ws, byTemplate(key).id, 'event:%'])).rows[0]!.n;
    assert.equal(await runsFor('welcome-series'), 1);
    assert.equal(await runsFor('post-purchase-recommendations'), 1);
    assert.equal(await runsFor('tier-upgrade'), 1);
    const queued = await t.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM deliveries WHERE workspace_id = $1`, [ws]);
    assert.ok(queued.rows[0]!.n > 50, `${queued.rows[0]!.n} messages queued for the delivery gate`);
  });
});
