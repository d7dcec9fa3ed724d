import assert from 'node:assert/strict';
import { test } from 'node:test';
import { suiteApps } from '../../app/testApp.ts';
import { newId } from '../../db/ids.ts';
import { describeEachDatabase } from '../../db/testDatabase.ts';
import { replayUpgrade } from '../../db/testUpgrade.ts';
import { claimPublicKey } from './publicKeys.ts';

/** Anonymous links resolve their workspace through survey_public_keys (a reference table on Citus). */
describeEachDatabase('survey public keys', (t) => {
  const open = suiteApps(t);
  const anonymousSurvey = async (slug: string) => {
    const ctx = await open();
    const created = await ctx.call('POST', '/v1/surveys', { slug, kind: 'nps', title: { ja: 'ご利用についてのアンケート', en: 'How are we doing?' } });
    assert.equal(created.statusCode, 201, created.body);
    const link = (await ctx.call('POST', `/v1/surveys/${slug}/anonymous-link`)).json() as { url: string };
    return { ...ctx, survey: created.json() as { id: string; publicKey: string }, path: link.url.slice(link.url.indexOf('/s/p/')) };
  };

  test('an anonymous link made before the lookup table still opens and takes answers once the migration has filled it', async () => {
    const { app, services, workspace, survey, path } = await anonymousSurvey('before-lookup');
    const applied = await replayUpgrade(
      t.db,
      'surveys/005_public_key_lookup.sql',
      `DROP TABLE survey_public_keys; DROP INDEX surveys_public_key; CREATE UNIQUE INDEX surveys_public_key ON surveys (public_key)`,
    );
    assert.deepEqual(applied, ['surveys/005_public_key_lookup.sql']);
    const page = await app.inject({ method: 'GET', url: `${path}?lang=en` });
    assert.equal(page.statusCode, 200, page.body);
    assert.match(page.body, /How likely are you to recommend us/);
    assert.equal((await app.inject({ method: 'POST', url: path, payload: { answers: { score: 9 } } })).statusCode, 200);
    const answers = await services.surveys.listResponses(workspace.id, { survey: survey.id });
    assert.deepEqual(answers.data.map((r) => [r.source, r.score]), [['anonymous', 9]]);
  });

  test('two workspaces cannot claim the same public key; each link opens its own survey', async () => {
    const first = await anonymousSurvey('first');
    const second = await anonymousSurvey('second');
    assert.notEqual(first.workspace.id, second.workspace.id);
    // What creating a survey does, with the first survey's key: the second workspace's own unique
    // index (workspace_id, public_key) would take it, the lookup's primary key does not.
    await assert.rejects(
      t.db.tx(async (tx) => {
        const id = newId();
        await tx.query(
          `INSERT INTO surveys (workspace_id, id, slug, kind, status, locale, title, questions, link_ttl_days, anonymous, public_key)
           VALUES ($1, $2, 'copycat', 'nps', 'active', 'ja', '{"ja": "x"}', '[]', 30, true, $3)`,
          [second.workspace.id, id, first.survey.publicKey],
        );
        await claimPublicKey(tx, second.workspace.id, id, first.survey.publicKey);
      }),
      (err: { code?: string; constraint?: string }) => err.code === '23505' && err.constraint === 'survey_public_keys_pkey',
    );
    for (const { app, call, path, survey } of [first, second]) {
      const answered = await app.inject({ method: 'POST', url: path, payload: { answers: { score: 10 } } });
      assert.equal(answered.statusCode, 200, answered.body);
      const listed = (await call('GET', '/v1/surveys')).json().data as { id: string; responses: number }[];
      assert.deepEqual(listed.map((s) => [s.id, s.responses]), [[survey.id, 1]]);
    }
  });
});
