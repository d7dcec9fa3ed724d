import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { createServices, type Services } from '../../app/services.ts';
import { describeEachDatabase } from '../../db/testDatabase.ts';
import { runOneJob } from '../../worker/worker.ts';
import { enqueueJourneyWork } from './jobs.ts';
import { journeyWorkspace, liveJourney } from './testKit.ts';

describeEachDatabase('journeys: worker jobs', (t) => {
  let s: Services;
  before(() => {
    s = createServices(t.db);
  });

  test('the schedule enqueues a scan and a run job per workspace with live journeys, once a minute; the worker does the rest', async () => {
    const { ws, customerIds } = await journeyWorkspace(s, 1);
    await liveJourney(s, ws, {
      trigger: { type: 'event', event: 'Signed Up' },
      start: 'tag',
      holdoutPercent: 0,
      steps: [{ id: 'tag', type: 'attribute', key: 'onboarded', value: true, next: null }],
    });
    await s.events.insertForCustomers(ws, [{ customerId: customerIds[0]!, messageId: 'signup', name: 'Signed Up', properties: {}, occurredAt: new Date() }]);
    const now = new Date();
    assert.equal(await enqueueJourneyWork(s, now), 1, 'a scan job; no run is due yet');
    assert.equal(await enqueueJourneyWork(s, now), 0, 'deduplicated within the minute');
    while (await runOneJob(s, 'test-worker'));
    assert.equal(await enqueueJourneyWork(s, new Date(now.getTime() + 60_000)), 2, 'the next minute: a scan, and a run for the new entrant');
    while (await runOneJob(s, 'test-worker'));
    assert.equal((await s.customers.get(ws, customerIds[0]!)).attributes.onboarded, true);
  });
});
