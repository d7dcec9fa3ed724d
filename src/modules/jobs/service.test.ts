import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { createServices, type Services } from '../../app/services.ts';
import { describeEachDatabase } from '../../db/testDatabase.ts';
import { backoffMs } from './service.ts';

describeEachDatabase('job queue', (t) => {
  let services: Services;
  let ws: string;

  before(async () => {
    services = createServices(t.db);
    ws = (await services.workspaces.create({ name: 'jobs' })).workspace.id;
  });

  test('enqueue is idempotent by dedupe key', async () => {
    const first = await services.jobs.enqueue(ws, { kind: 'test-dedupe', dedupeKey: 'k1' });
    assert.ok(first);
    assert.equal(await services.jobs.enqueue(ws, { kind: 'test-dedupe', dedupeKey: 'k1' }), null);
  });

  test('concurrent claimers never get the same job', async () => {
    for (let i = 0; i < 40; i++) await services.jobs.enqueue(ws, { kind: 'test-claim' });
    // Every claimer takes its first batch before any takes a second, so one cannot drain the
    // queue before the others have started (which made "shared" depend on scheduling).
    let started = 0;
    let allStarted: () => void = () => {};
    const barrier = new Promise<void>((resolve) => (allStarted = resolve));
    const claimers = Array.from({ length: 8 }, (_, w) => async () => {
      const got: string[] = [];
      for (let round = 0; ; round++) {
        if (round === 1 && ++started === 8) allStarted();
        if (round === 1) await barrier;
        const jobs = await services.jobs.claim(`w${w}`, { kinds: ['test-claim'], limit: 3 });
        if (jobs.length === 0) return got;
        got.push(...jobs.map((j) => j.id));
      }
    });
    const results = await Promise.all(claimers.map((c) => c()));
    const all = results.flat();
    assert.equal(all.length, 40);
    assert.equal(new Set(all).size, 40);
    assert.ok(results.filter((r) => r.length > 0).length > 1, 'the work was shared');
  });

  test('a failed job runs again after a backoff, then is given up; a completed one is not claimed again', async () => {
    await services.jobs.enqueue(ws, { kind: 'test-fail', maxAttempts: 2 });
    const [job] = await services.jobs.claim('w', { kinds: ['test-fail'] });
    assert.equal(await services.jobs.fail(job!, 'w', 'boom'), 'retry');
    assert.deepEqual(await services.jobs.claim('w', { kinds: ['test-fail'] }), [], 'not before the backoff');
    await t.db.query(`UPDATE jobs SET run_at = now() WHERE id = $1`, [job!.id]);
    const [again] = await services.jobs.claim('w', { kinds: ['test-fail'] });
    assert.equal(again!.attempts, 2);
    assert.equal(await services.jobs.fail(again!, 'w', 'boom'), 'failed');
    const stored = await services.jobs.get(ws, job!.id);
    assert.ok(stored!.failedAt);
    assert.equal(stored!.lastError, 'boom');

    await services.jobs.enqueue(ws, { kind: 'test-ok' });
    const [ok] = await services.jobs.claim('w', { kinds: ['test-ok'] });
    await services.jobs.complete(ok!, 'w');
    assert.deepEqual(await services.jobs.claim('w', { kinds: ['test-ok'] }), []);
  });

  test('a job whose worker died (lock expired) is claimed again', async () => {
    await services.jobs.enqueue(ws, { kind: 'test-lock' });
    const [job] = await services.jobs.claim('dead', { kinds: ['test-lock'], lockMs: 50 });
    assert.deepEqual(await services.jobs.claim('alive', { kinds: ['test-lock'] }), []);
    await new Promise((r) => setTimeout(r, 100));
    const [again] = await services.jobs.claim('alive', { kinds: ['test-lock'] });
    assert.equal(again!.id, job!.id);
  });
});

test('backoff doubles from 30 s and stops at an hour', () => {
  assert.deepEqual([1, 2, 3].map(backoffMs), [30_000, 60_000, 120_000]);
  assert.equal(backoffMs(20), 3_600_000);
});
