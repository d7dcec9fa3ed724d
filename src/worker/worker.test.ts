import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { createServices, type Services } from '../app/services.ts';
import { describeEachDatabase } from '../db/testDatabase.ts';
import { dailyScoreKey, enqueueDueJobs } from './schedule.ts';
import { jobDoneLine, runOneJob, startWorker } from './worker.ts';

test('the daily key is the local date once the local hour has come', () => {
  const at = new Date('2026-11-22T17:30:00Z'); // 02:30 on the 23rd in Tokyo, 18:30 on the 22nd in London
  assert.equal(dailyScoreKey(at, 'Asia/Tokyo', 3), null);
  assert.equal(dailyScoreKey(at, 'Asia/Tokyo', 2), 'score:daily:2026-11-23');
  assert.equal(dailyScoreKey(at, 'Europe/London', 3), 'score:daily:2026-11-22');
});

test('the "done" line shows a job\'s result only when there is one (never "undefined")', () => {
  const job = { kind: 'messaging.send', id: 'j1', workspaceId: 'w1' };
  assert.equal(jobDoneLine(job, 105.6, undefined), 'job messaging.send j1 (workspace w1) done in 106 ms');
  assert.equal(jobDoneLine(job, 3, { sent: 2 }), 'job messaging.send j1 (workspace w1) done in 3 ms {"sent":2}');
});

describeEachDatabase('worker', (t) => {
  let services: Services;
  let ws: string;

  before(async () => {
    services = createServices(t.db);
    ws = (await services.workspaces.create({ name: 'worker' })).workspace.id;
    await services.orders.upsertMany(ws, [
      { externalId: 'o1', customerExternalId: 'c1', status: 'completed', currency: 'JPY', orderedAt: new Date('2026-01-05T03:00:00Z'), totalMinor: 1200, discountMinor: 0, taxMinor: 0, shippingMinor: 0, lines: [] },
    ]);
  });

  test('the schedule enqueues a first and a daily score once; a worker runs them', async () => {
    const noon = new Date('2026-11-23T03:00:00Z'); // 12:00 in Tokyo
    const scoreJobs = async () =>
      (await t.db.query<{ key: string }>(`SELECT dedupe_key AS key FROM jobs WHERE kind = 'score' ORDER BY 1`)).rows.map((r) => r.key);
    await enqueueDueJobs(services, noon);
    await enqueueDueJobs(services, noon);
    assert.deepEqual(await scoreJobs(), ['score:daily:2026-11-23', 'score:first']);
    let ran = 0;
    while (await runOneJob(services, 'test-worker')) ran++;
    assert.ok(ran >= 2);
    const { rows } = await t.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM jobs WHERE kind = 'score' AND completed_at IS NOT NULL`);
    assert.equal(rows[0]!.n, 2);
    const models = await services.intelligence.models(ws);
    assert.equal(models.lastRun!.status, 'succeeded');
    assert.equal((await services.intelligence.scoresFor(ws, (await services.customers.find(ws, 'c1')).id))!.ordersCount, 1);
  });

  test('an idle worker wakes on the notification of a new job, long before its next poll or tick', async () => {
    const worker = startWorker(services, { pollMs: 600_000, scheduleEveryMs: 600_000 });
    try {
      // Idle: the first turn (schedule check, nothing to run) is over once nothing is claimable.
      await waitUntil(async () => (await t.db.query(`SELECT 1 FROM jobs WHERE completed_at IS NULL AND failed_at IS NULL`)).rows.length === 0, 20_000);
      await new Promise((r) => setTimeout(r, 200));
      const queued = Date.now();
      const id = (await services.jobs.enqueue(ws, { kind: 'score', dedupeKey: 'score:wake-test' }))!;
      await waitUntil(async () => (await services.jobs.get(ws, id))!.completedAt !== null, 20_000);
      assert.ok(Date.now() - queued < 15_000, `ran ${Date.now() - queued} ms after it was queued`);
    } finally {
      await worker.stop();
    }
  });
});

async function waitUntil(done: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await done())) {
    if (Date.now() > deadline) throw new Error(`condition not met after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 25));
  }
}
