/**
 * POST /v1/campaigns/preview: the visual editor's live preview renders an unsaved template for a
 * real customer, with the values other modules provide (loyalty.points), and refuses a template a
 * save would refuse, naming the field.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { suiteApps } from '../../app/testApp.ts';
import { describeEachDatabase } from '../../db/testDatabase.ts';
import { blockMjml, documentOf } from '../../../web/src/areas/campaigns/visualEditor/kizunaBlocks.ts';
import { customerInput } from '../customers/types.ts';
import { settingsFor } from './testKit.ts';

describeEachDatabase('draft preview for the visual editor', (t) => {
  const open = suiteApps(t);

  test('a member sees their points balance, a non-member no points line; a broken template is a 400 naming template.mjml', async () => {
    const { app, services, workspace, headers } = await open();
    const ws = workspace.id;
    await services.messaging.putSettings(ws, settingsFor(undefined));
    await services.customers.upsertMany(ws, [{ externalId: 'member', email: 'm@example.jp', familyName: '佐藤', givenName: '花子' }, { externalId: 'guest', email: 'g@example.jp' }].map((c) => customerInput.parse(c)));
    await services.loyalty.adjust(ws, { customer: 'member', points: 350, reason: 'welcome' });

    const template = { channel: 'email', subject: '{{ customer.family_name }} 様', mjml: documentOf([blockMjml('points', 'ja'), blockMjml('coupon', 'ja')]) };
    const preview = (customer: string, body: Record<string, unknown> = { template }) =>
      app.inject({ method: 'POST', url: '/v1/campaigns/preview', headers: { 'content-type': 'application/json' }, payload: { customer, ...body } });
    const auth = await headers('read');
    const call = (customer: string, body?: Record<string, unknown>) =>
      app.inject({ method: 'POST', url: '/v1/campaigns/preview', headers: auth, payload: { customer, ...(body ?? { template }) } });

    assert.equal((await preview('member')).statusCode, 401);
    const member = await call('member');
    assert.equal(member.statusCode, 200, member.body);
    assert.equal(member.json().subject, '佐藤 様');
    assert.match(member.json().text, /現在のポイント残高: 350 pt/);
    assert.doesNotMatch(member.json().text, /クーポンコード/, 'no coupon campaign, no coupon line');

    const guest = await call('guest');
    assert.equal(guest.statusCode, 200, guest.body);
    assert.doesNotMatch(guest.json().text, /ポイント/);

    const broken = await call('member', { template: { ...template, mjml: template.mjml.replace('{% endif %}', '') } });
    assert.equal(broken.statusCode, 400, broken.body);
    assert.deepEqual(broken.json().issues[0].path, ['template', 'mjml']);
    const noSubject = await call('member', { template: { channel: 'email', mjml: template.mjml } });
    assert.equal(noSubject.statusCode, 400);
    assert.deepEqual(noSubject.json().issues[0].path.slice(0, 1), ['template']);
    assert.equal((await call('nobody')).statusCode, 404);
  });
});
