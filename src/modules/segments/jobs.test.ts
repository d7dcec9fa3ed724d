import assert from 'node:assert/strict';
import { test } from 'node:test';
import { describeEachDatabase } from '../../db/testDatabase.ts';
import { customerInput } from '../customers/types.ts';
import { enqueueSegmentRefreshes, SEGMENT_JOB_HANDLERS } from './jobs.ts';
import { REFRESH_JOB } from './service.ts';
import { seedWorkspace } from './testData.ts';

describeEachDatabase('segment refresh jobs', (t) => {
  const refreshJobs = async (ws: string) =>
    (await t.db.query<{ dedupe_key: string; run_at: Date }>(`SELECT dedupe_key, run_at FROM jobs WHERE workspace_id = $1 AND kind = $2 ORDER BY run_at`, [ws, REFRESH_JOB])).rows;

  test('requests within five minutes share one job, run at the end of the window', async () => {
    const { services, ws } = await seedWorkspace(t.db);
    await t.db.query('DELETE FROM jobs WHERE workspace_id = $1', [ws]);
    assert.equal(await services.segments.requestRefresh(ws, new Date('2030-01-01T10:01:00Z')), true);
    assert.equal(await services.segments.requestRefresh(ws, new Date('2030-01-01T10:04:59Z')), false);
    assert.equal(await services.segments.requestRefresh(ws, new Date('2030-01-01T10:05:00Z')), true);
    assert.deepEqual((await refreshJobs(ws)).map((j) => j.run_at.toISOString()), ['2030-01-01T10:05:00.000Z', '2030-01-01T10:10:00.000Z']);
  });

  test('the schedule refreshes workspaces whose data changed or whose segments are old; the handler refreshes all', async () => {
    const { services, ws } = await seedWorkspace(t.db);
    assert.equal(await services.segments.needsRefresh(ws), true, 'never computed');
    const job = { workspaceId: ws, id: 'x', kind: REFRESH_JOB, payload: {}, dedupeKey: null, runAt: new Date(), attempts: 1, maxAttempts: 3, lastError: null };
    const result = (await SEGMENT_JOB_HANDLERS[REFRESH_JOB]!(services, job)) as { segments: number; entered: number };
    assert.equal(result.segments, 16);
    assert.equal(await services.segments.needsRefresh(ws), false);
    assert.equal(await services.segments.needsRefresh(ws, new Date(Date.now() + 2 * 3_600_000)), true, 'an hour later');

    await services.customers.upsertMany(ws, [customerInput.parse({ externalId: 'c3', prefecture: '東京都' })]);
    assert.equal(await services.segments.needsRefresh(ws), true, 'a customer changed');
    await t.db.query('DELETE FROM jobs WHERE workspace_id = $1', [ws]);
    assert.ok((await enqueueSegmentRefreshes(services)) >= 1);
    assert.equal((await refreshJobs(ws)).length, 1);
  });

  test('creating a segment or changing its rule asks for a refresh', async () => {
    const { services, ws } = await seedWorkspace(t.db);
    await t.db.query('DELETE FROM jobs WHERE workspace_id = $1', [ws]);
    await services.segments.create(ws, { name: 'Buyers', rule: { version: 1, match: { type: 'orders' } } });
    assert.equal((await refreshJobs(ws)).length, 1);
  });
});
