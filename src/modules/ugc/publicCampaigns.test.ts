import assert from 'node:assert/strict';
import { test } from 'node:test';
import { suiteApps } from '../../app/testApp.ts';
import { describeEachDatabase } from '../../db/testDatabase.ts';
import { replayUpgrade } from '../../db/testUpgrade.ts';
import { campaignBody } from './testKit.ts';

/** The public entry page resolves its workspace through ugc_public_campaigns (a reference table on Citus). */
describeEachDatabase('UGC public campaigns', (t) => {
  const open = suiteApps(t);
  const campaign = async () => {
    const ctx = await open();
    const created = await ctx.call('POST', '/v1/ugc/campaigns', campaignBody());
    assert.equal(created.statusCode, 200, created.body);
    return { ...ctx, id: (created.json() as { id: string }).id };
  };
  const lookups = async (id: string) => (await t.db.query('SELECT workspace_id FROM ugc_public_campaigns WHERE campaign_id = $1', [id])).rows;

  test('an entry page made before the lookup table still resolves once the migration has filled it', async () => {
    const { app, id } = await campaign();
    const applied = await replayUpgrade(t.db, 'ugc/002_public_campaigns.sql', 'DROP TABLE ugc_public_campaigns; CREATE UNIQUE INDEX ugc_campaigns_id ON ugc_campaigns (id)');
    assert.deepEqual(applied, ['ugc/002_public_campaigns.sql']);
    const page = await app.inject({ method: 'GET', url: `/enter/${id}?lang=en` });
    assert.equal(page.statusCode, 200, page.body);
    assert.match(page.body, /Summer memories photo contest/);
    const api = await app.inject({ method: 'GET', url: `/v1/public/ugc/campaigns/${id}` });
    assert.equal(api.statusCode, 200, api.body);
    assert.equal(api.json().open, true);
  });

  test("a campaign's lookup row is written with it and goes with it; another workspace's campaign stays its own", async () => {
    const mine = await campaign();
    const theirs = await campaign();
    assert.deepEqual(await lookups(mine.id), [{ workspace_id: mine.workspace.id }]);
    assert.equal((await mine.call('GET', `/v1/ugc/campaigns/${theirs.id}`)).statusCode, 404);
    assert.equal((await mine.call('DELETE', `/v1/ugc/campaigns/${theirs.id}`)).statusCode, 404);
    assert.equal((await mine.call('DELETE', `/v1/ugc/campaigns/${mine.id}`)).statusCode, 204);
    assert.deepEqual(await lookups(mine.id), []);
    assert.equal((await mine.app.inject({ method: 'GET', url: `/enter/${mine.id}` })).statusCode, 404);
    assert.equal((await theirs.app.inject({ method: 'GET', url: `/enter/${theirs.id}` })).statusCode, 200);
  });
});
