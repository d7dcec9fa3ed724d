import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createServices } from '../../app/services.ts';
import { describeEachDatabase } from '../../db/testDatabase.ts';
import { cliOn } from '../cliTestKit.ts';
import { nextTokyoNoon, seedAudience, settingsFor } from '../../modules/messaging/testKit.ts';

describeEachDatabase('kizuna campaign decide --as-of, and the A/B lines of campaign report', (t) => {
  const kizuna = (...args: string[]) => cliOn(t.db.url, 'campaign')(...args);

  test('nothing is due before the decision time; --as-of past it decides, once; the report shows the outcome', async () => {
    const services = createServices(t.db);
    const { workspace } = await services.workspaces.create({ name: 'cli-ab' });
    await services.messaging.putSettings(workspace.id, settingsFor(undefined, { outbox: { channels: ['sms'] } }));
    const { segmentId } = await seedAudience(services, workspace.id, 60, { cohort: 'cliab' });
    const campaign = await services.messaging.createCampaign(workspace.id, {
      name: 'AB',
      segmentId,
      template: { channel: 'sms', text: 'A' },
      abTest: { variants: [{ key: 'A' }, { key: 'B', template: { channel: 'sms', text: 'B' } }], testShare: 50, decideAfterMinutes: 60, minPerVariant: 5 },
    });
    await services.messaging.send(workspace.id, campaign.id);
    await services.messaging.drain({ now: nextTokyoNoon(), workspaceId: workspace.id });
    const decideAt = (await services.messaging.getCampaign(workspace.id, campaign.id)).abDecideAt!;
    await services.messaging.close();

    const early = await kizuna('decide', '--as-of', new Date(decideAt.getTime() - 60_000).toISOString(), '--json');
    assert.equal(early.code, 0, early.stderr);
    assert.deepEqual(JSON.parse(early.stdout), { decided: [] });
    const pending = await kizuna('report', campaign.id);
    assert.match(pending.stdout, /A\/B test by clicks: deciding at/);

    const late = await kizuna('decide', '--as-of', new Date(decideAt.getTime() + 60_000).toISOString());
    assert.equal(late.code, 0, late.stderr);
    // No clicks at all: no winner, the control goes to the rest.
    assert.equal(late.stdout.trim(), `${campaign.id}: no significant winner (not_significant), A released to the rest (queued; the worker sends it)`);
    // Released is not sent: the report says how many are still queued.
    const released = await kizuna('report', campaign.id);
    assert.match(released.stdout, /no significant winner \(not_significant\), A released to the rest (\d+) \(queued \1, sent 0, stopped at the gate 0\)/);
    assert.equal((await kizuna('decide', '--as-of', new Date(decideAt.getTime() + 120_000).toISOString())).stdout.trim(), 'No A/B test is due');
    const report = await kizuna('report', campaign.id, '--json');
    assert.equal(JSON.parse(report.stdout).abTest.decision.sent, 'A');
    assert.equal((await kizuna('decide', '--as-of', 'yesterday')).code, 2);
  });
});
