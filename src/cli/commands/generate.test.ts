import assert from 'node:assert/strict';
import { test } from 'node:test';
import { describeEachDatabase } from '../../db/testDatabase.ts';
import { kizunaOrFail } from '../cliTestKit.ts';

const kizuna = (databaseUrl: string | undefined, ...args: string[]) => kizunaOrFail(args, { ...process.env, DATABASE_URL: databaseUrl });

describeEachDatabase('kizuna generate', (t) => {

  test('--json prints the ground truth and counts of what it wrote', async () => {
    const { stdout } = await kizuna(t.db.url, 'generate', '--customers', '500', '--months', '12', '--seed', '7', '--json');
    const summary = JSON.parse(stdout);
    assert.deepEqual(summary.groundTruth, {
      bgnbd: { r: 0.6, alpha: 10, a: 0.8, b: 3, unit: 'weeks' },
      gammagamma: { p: 6, q: 4, v: 3000 },
    });
    assert.equal(summary.seed, 7);
    assert.equal(summary.months, 12);
    assert.deepEqual(summary.observation, { start: '2025-10-31T15:00:00.000Z', end: '2026-10-31T15:00:00.000Z' });
    assert.match(summary.apiKey, /^kz_/);
    const { rows } = await t.db.query<{ customers: number; orders: number; events: number }>(
      `SELECT (SELECT count(*)::int FROM customers WHERE workspace_id = $1) AS customers,
              (SELECT count(*)::int FROM orders WHERE workspace_id = $1) AS orders,
              (SELECT count(*)::int FROM events WHERE workspace_id = $1) AS events`,
      [summary.workspaceId],
    );
    assert.deepEqual(rows[0], { customers: 500, orders: summary.counts.orders, events: summary.counts.events });
  });
});

test('bad options exit 2 naming the option', async () => {
  await assert.rejects(kizuna(undefined, 'generate', '--customers', 'many', '--end', '2026-02-30', '--workspace', 'nope'), (err: { code: number; stderr: string }) => {
    assert.equal(err.code, 2);
    assert.match(err.stderr, /--customers: must be a whole number/);
    assert.match(err.stderr, /--end: must be a date/);
    assert.match(err.stderr, /--workspace: must be a workspace id/);
    return true;
  });
});
