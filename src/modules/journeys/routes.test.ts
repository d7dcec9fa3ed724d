import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { testApp } from '../../app/testApp.ts';
import { describeEachDatabase } from '../../db/testDatabase.ts';
import { seedAudience, settingsFor } from '../messaging/testKit.ts';
import { apiJourney, mail } from './testKit.ts';

describeEachDatabase('journeys: HTTP API', (t) => {
  let ctx: Awaited<ReturnType<typeof testApp>>;
  before(async () => {
    ctx = await testApp(t.db);
  });
  after(async () => ctx?.app.close());

  const call = async (method: 'GET' | 'POST' | 'PATCH', url: string, body?: unknown, scope: 'admin' | 'read' | 'ingest' | 'messaging' = 'admin') => {
    const res = await ctx.app.inject({ method, url, headers: await ctx.headers(scope), ...(body === undefined ? {} : { payload: body as object }) });
    return { status: res.statusCode, body: res.json() };
  };

  test('create, validate, activate, enter, stats and the customer 360, with 400s naming fields and 404s', async () => {
    const ws = ctx.workspace.id;
    await ctx.services.messaging.putSettings(ws, settingsFor(undefined, { policy: { quietHours: null } }));
    const { customerIds } = await seedAudience(ctx.services, ws, 2, { cohort: 'api' });
    const definition = apiJourney([
      { id: 'hello', type: 'send', template: mail('こんにちは'), next: 'split' },
      { id: 'split', type: 'split', paths: [{ label: 'A', percent: 50, next: null }, { label: 'B', percent: 50, next: null }] },
    ]);

    // 400s name the field.
    const noName = await call('POST', '/v1/journeys', { definition });
    assert.equal(noName.status, 400);
    assert.deepEqual(noName.body.issues[0].path, ['body', 'name']);
    const badStep = await call('POST', '/v1/journeys', { name: 'x', definition: { ...definition, steps: [{ id: 'hello', type: 'wait', duration: { days: 'soon' }, next: null }] } });
    assert.equal(badStep.status, 400);
    assert.match(JSON.stringify(badStep.body), /"definition","steps",0,"duration","days"/);

    const validation = await call('POST', '/v1/journeys/validate', { definition: { ...definition, start: 'nowhere' } }, 'read');
    assert.equal(validation.status, 200);
    assert.equal(validation.body.valid, false);
    assert.deepEqual(validation.body.issues[0].path, ['definition', 'start']);
    assert.equal((await call('POST', '/v1/journeys/validate', { definition }, 'read')).body.valid, true);

    const created = await call('POST', '/v1/journeys', { name: 'Welcome', definition });
    assert.equal(created.status, 200);
    assert.equal(created.body.status, 'draft');
    assert.equal(created.body.definition.steps.length, 2);
    const id = created.body.id as string;
    assert.equal((await call('POST', `/v1/journeys/${id}/enter`, { customer: 'api-0' })).status, 409, 'a draft takes no entrants');
    assert.equal((await call('POST', `/v1/journeys/${id}/activate`)).body.status, 'active');
    assert.equal((await call('POST', `/v1/journeys/${id}/activate`, undefined, 'read')).status, 403);

    assert.equal((await call('POST', `/v1/journeys/${id}/enter`, { customer: 'api-0' }, 'ingest')).status, 403, 'a browser write key cannot message a customer');
    const entered = await call('POST', `/v1/journeys/${id}/enter`, { customer: 'api-0', idempotencyKey: 'signup-1' }, 'messaging');
    assert.equal(entered.status, 200);
    assert.equal(entered.body.reason, 'entered');
    assert.equal((await call('POST', `/v1/journeys/${id}/enter`, { customer: 'nobody' })).status, 404);
    await ctx.services.journeys.runUntilIdle(ws);

    const list = await call('GET', '/v1/journeys', undefined, 'read');
    assert.deepEqual(list.body.data.map((j: { name: string; counts: { entrants: number } }) => [j.name, j.counts.entrants]), [['Welcome', 1]]);
    const stats = await call('GET', `/v1/journeys/${id}/stats`, undefined, 'read');
    assert.equal(stats.status, 200);
    assert.equal(stats.body.entrants, 1);
    assert.equal(stats.body.perStep[0].passed, 1);
    assert.equal(Object.values(stats.body.perStep[1].paths as Record<string, number>).reduce((a, b) => a + b, 0), 1);
    const runs = await call('GET', `/v1/customers/${customerIds[0]}/journeys`, undefined, 'read');
    assert.deepEqual(runs.body.data[0].steps.map((x: { stepId: string }) => x.stepId), ['hello', 'split']);

    const patched = await call('PATCH', `/v1/journeys/${id}`, { name: 'Welcome v2', definition: { ...definition, holdoutPercent: 5 } });
    assert.equal(patched.status, 200);
    assert.equal(patched.body.version, 2);
    assert.equal((await call('PATCH', `/v1/journeys/${id}`, { definition: { ...definition, start: 'nowhere' } })).status, 400);
    assert.equal((await call('POST', `/v1/journeys/${id}/pause`)).body.status, 'paused');
    assert.equal((await call('POST', `/v1/journeys/${id}/pause`)).status, 409);

    for (const url of ['/v1/journeys/not-a-uuid', '/v1/journeys/00000000-0000-7000-8000-000000000000', '/v1/journeys/00000000-0000-7000-8000-000000000000/stats']) {
      assert.equal((await call('GET', url, undefined, 'read')).status, 404, url);
    }
    assert.equal((await call('POST', '/v1/journey-templates/nope/enable')).status, 404);

    const openapi = (await ctx.app.inject({ method: 'GET', url: '/openapi.json' })).json() as { paths: Record<string, unknown> };
    for (const path of ['/v1/journeys', '/v1/journeys/{id}', '/v1/journeys/{id}/stats', '/v1/journeys/{id}/enter', '/v1/journey-templates/{key}/enable', '/v1/customers/{id}/journeys']) {
      assert.ok(openapi.paths[path], `${path} is documented`);
    }
  });

  test('templates: listed, and enabling one makes an editable draft with what it needs', async () => {
    const templates = await call('GET', '/v1/journey-templates', undefined, 'read');
    assert.equal(templates.status, 200);
    assert.ok(templates.body.data.length >= 10);
    const birthday = await call('POST', '/v1/journey-templates/birthday-coupon/enable');
    assert.equal(birthday.status, 200);
    assert.equal(birthday.body.status, 'draft');
    assert.equal(birthday.body.templateKey, 'birthday-coupon');
    assert.deepEqual(birthday.body.issues, []);
    const couponStep = birthday.body.definition.steps.find((x: { type: string }) => x.type === 'coupon');
    assert.ok((await ctx.services.coupons.getCampaign(ctx.workspace.id, couponStep.couponCampaignId)).name.includes('誕生日'));
  });
});
