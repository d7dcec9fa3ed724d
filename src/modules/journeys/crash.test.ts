import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { createServices, type Services } from '../../app/services.ts';
import { describeEachDatabase } from '../../db/testDatabase.ts';
import { apiJourney, journeyWorkspace, liveJourney, mail } from './testKit.ts';

const BIN = fileURLToPath(new URL('../../../bin/kizuna.js', import.meta.url));
const N = 150;
const STEPS = ['coupon', 'points', 'mail', 'tag', 'split', 'end'];

describeEachDatabase('journeys: a runner killed mid-run', (t) => {
  let s: Services;
  before(() => {
    s = createServices(t.db);
  });

  test('kill -9 of a runner and a restart: every step of every run took effect exactly once, none skipped', async () => {
    const { ws, customerIds } = await journeyWorkspace(s, N, { cohort: 'crash' });
    const coupon = await s.coupons.createCampaign(ws, { name: 'crash', kind: 'amount', value: 100, minSpendMinor: 0, codePrefix: 'CR', codeLength: 10, status: 'active' });
    const journey = await liveJourney(
      s,
      ws,
      apiJourney([
        { id: 'coupon', type: 'coupon', couponCampaignId: coupon.id, next: 'points' },
        { id: 'points', type: 'points', points: 10, reason: 'crash test', next: 'mail' },
        { id: 'mail', type: 'send', template: mail('テスト'), next: 'tag' },
        { id: 'tag', type: 'attribute', key: 'crash_tag', value: 'x', next: 'split' },
        { id: 'split', type: 'split', paths: [{ label: 'A', percent: 50, next: 'end' }, { label: 'B', percent: 50, next: 'end' }] },
        { id: 'end', type: 'exit' },
      ]),
    );
    for (let i = 0; i < N; i += 20) await Promise.all(customerIds.slice(i, i + 20).map((c) => s.journeys.enter(ws, journey.id, c)));

    // Small batches, so the kill lands between committed and uncommitted ones (and inside one).
    const child = spawn(process.execPath, [BIN, 'journey', 'run', '--workspace', ws, '--limit', '5'], {
      env: { ...process.env, DATABASE_URL: t.db.url, LOG_LEVEL: 'silent' },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_code, signal) => resolve(signal)));
    const logged = async () => (await t.db.query<{ n: number }>('SELECT count(*)::int AS n FROM journey_step_log WHERE workspace_id = $1', [ws])).rows[0]!.n;
    const deadline = Date.now() + 60_000;
    while ((await logged()) < 6 * 20) {
      if (Date.now() > deadline) {
        child.kill('SIGKILL');
        throw new Error(`the runner did not get going; stderr: ${stderr}`);
      }
      await new Promise((r) => setTimeout(r, 10));
    }
    child.kill('SIGKILL');
    assert.equal(await exited, 'SIGKILL');
    const atKill = await logged();
    assert.ok(atKill < N * STEPS.length, `the runner finished (${atKill} steps) before it was killed`);

    // The restart: a fresh runner takes over (the killed one's locks died with its connection).
    await s.journeys.runUntilIdle(ws, { limit: 50 });

    const perRun = await t.db.query<{ steps: string[]; state: string }>(
      `SELECT array_agg(l.step_id ORDER BY l.visit) AS steps, r.state FROM journey_runs r
       JOIN journey_step_log l ON l.workspace_id = r.workspace_id AND l.run_id = r.id WHERE r.workspace_id = $1 GROUP BY r.id, r.state`,
      [ws],
    );
    assert.equal(perRun.rows.length, N);
    for (const r of perRun.rows) {
      assert.deepEqual(r.steps, STEPS, 'each step once, in order');
      assert.equal(r.state, 'exited');
    }
    const count = async (sql: string) => (await t.db.query<{ n: number }>(sql, [ws])).rows[0]!.n;
    assert.equal(await count(`SELECT count(*)::int AS n FROM coupon_codes WHERE workspace_id = $1 AND customer_id IS NOT NULL`), N, 'one coupon code each');
    assert.equal(await count(`SELECT count(*)::int AS n FROM points_ledger WHERE workspace_id = $1 AND kind = 'adjust'`), N, 'points awarded once each');
    assert.equal(await count(`SELECT coalesce(sum(balance), 0)::int AS n FROM points_balances WHERE workspace_id = $1`), N * 10);
    assert.equal(await count(`SELECT count(*)::int AS n FROM deliveries WHERE workspace_id = $1`), N, 'one message each');
  });
});
