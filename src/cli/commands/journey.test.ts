import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createServices } from '../../app/services.ts';
import { describeEachDatabase } from '../../db/testDatabase.ts';
import { cliOn } from '../cliTestKit.ts';
import { apiJourney, DAY, journeyWorkspace, liveJourney } from '../../modules/journeys/testKit.ts';

describeEachDatabase('kizuna journey run --as-of', (t) => {
  const kizuna = (...args: string[]) => cliOn(t.db.url, 'journey')(...args);

  test('a two-day wait passes when run as of three days later, not before', async () => {
    const s = createServices(t.db);
    const { ws, customerIds } = await journeyWorkspace(s, 1, { cohort: 'asof' });
    const journey = await liveJourney(
      s,
      ws,
      apiJourney([
        { id: 'wait', type: 'wait', duration: { days: 2, hours: 0, minutes: 0 }, next: 'tag' },
        { id: 'tag', type: 'attribute', key: 'waited', value: 'yes', next: null },
      ]),
    );
    const t0 = new Date();
    await s.journeys.enter(ws, journey.id, customerIds[0]!, { now: t0 });
    const args = ['--workspace', ws, '--json'];

    const [now, nonsense] = await Promise.all([kizuna('run', ...args), kizuna('run', ...args, '--as-of', '3 days from now')]);
    assert.equal(now.code, 0, now.stderr);
    assert.equal((await s.journeys.runsOf(ws, customerIds[0]!))[0]!.stepId, 'wait');
    assert.equal(nonsense.code, 2);
    assert.match(nonsense.stderr, /--as-of/);

    const later = await kizuna('run', ...args, '--as-of', new Date(t0.getTime() + 3 * DAY).toISOString());
    assert.equal(later.code, 0, later.stderr);
    assert.ok(JSON.parse(later.stdout).transitions >= 1);
    const run = (await s.journeys.runsOf(ws, customerIds[0]!))[0]!;
    assert.notEqual(run.state, 'waiting');
    assert.equal((await s.customers.get(ws, customerIds[0]!)).attributes.waited, 'yes');
  });
});
