import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { App } from '../../app/server.ts';
import type { Services } from '../../app/services.ts';
import { testApp } from '../../app/testApp.ts';
import { describeEachDatabase } from '../../db/testDatabase.ts';

const PASSWORD = 'correct horse battery';
const unique = (label: string) => `${label}-${Math.random().toString(36).slice(2)}@example.jp`;

describeEachDatabase('users and roles API', (t) => {
  let app: App;
  let services: Services;
  let workspaceId = '';
  let headers: (scope?: 'admin' | 'read' | 'ingest') => Promise<Record<string, string>>;
  before(async () => {
    let workspace: { id: string };
    ({ app, services, headers, workspace } = await testApp(t.db));
    workspaceId = workspace.id;
  });
  after(() => app?.close());

  const call = async (method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, payload?: object, scope: 'admin' | 'read' = 'admin') =>
    app.inject({ method, url, payload, headers: await headers(scope) });

  test('invite by link, accept with a password (signed in), then the user is listed; the link works once', async () => {
    const email = unique('hanako');
    const bad = await call('POST', '/v1/users/invitations', { email: 'not an email', role: 'boss' });
    assert.equal(bad.statusCode, 400);
    assert.deepEqual(bad.json().issues.map((i: { path: string[] }) => i.path.join('.')).sort(), ['email', 'role']);
    assert.equal((await call('POST', '/v1/users/invitations', { email, role: 'marketer' }, 'read')).statusCode, 403);

    const first = await call('POST', '/v1/users/invitations', { email, role: 'analyst' });
    const invited = await call('POST', '/v1/users/invitations', { email, name: '佐藤 花子', role: 'marketer' });
    assert.equal(invited.statusCode, 201, invited.body);
    const { token, path, invitation } = invited.json();
    assert.equal(path, `/invite/${token}`);
    assert.equal((await app.inject({ method: 'GET', url: `/v1/invitations/${first.json().token}` })).json().error, 'invitation_invalid', 'inviting again replaces the link');
    const listed = (await call('GET', '/v1/users')).json();
    assert.deepEqual(listed.invitations.map((i: { id: string }) => i.id), [invitation.id]);

    const shown = await app.inject({ method: 'GET', url: `/v1/invitations/${token}` });
    assert.deepEqual((({ email: e, role, name }) => [e, role, name])(shown.json()), [email, 'marketer', '佐藤 花子']);
    const short = await app.inject({ method: 'POST', url: `/v1/invitations/${token}/accept`, payload: { password: 'short' } });
    assert.deepEqual([short.statusCode, short.json().issues[0].path, short.json().issues[0].code], [400, ['password'], 'too_small']);
    const accepted = await app.inject({ method: 'POST', url: `/v1/invitations/${token}/accept`, payload: { password: PASSWORD } });
    assert.equal(accepted.statusCode, 200, accepted.body);
    const cookie = accepted.cookies.find((c) => c.name === 'kizuna_session')!;
    const me = await app.inject({ method: 'GET', url: '/v1/session', headers: { cookie: `kizuna_session=${cookie.value}` } });
    assert.deepEqual([me.json().user.email, me.json().user.role, me.json().user.name], [email, 'marketer', '佐藤 花子']);
    const again = await app.inject({ method: 'POST', url: `/v1/invitations/${token}/accept`, payload: { password: PASSWORD } });
    assert.deepEqual([again.statusCode, again.json().error], [404, 'invitation_invalid']);

    const after = (await call('GET', '/v1/users')).json();
    assert.ok(after.data.some((u: { email: string }) => u.email === email));
    assert.equal(after.invitations.length, 0);
    const taken = await call('POST', '/v1/users/invitations', { email: email.toUpperCase(), role: 'analyst' });
    assert.deepEqual([taken.statusCode, taken.json().error], [409, 'email_taken']);
  });

  test('roles change and users go, but the last admin cannot be demoted or removed', async () => {
    const [a, b] = await Promise.all(['admin-a', 'admin-b'].map((n) => services.users.create(workspaceId, { email: unique(n), role: 'admin', password: PASSWORD })));
    const others = (await call('GET', '/v1/users')).json().data.filter((u: { role: string; id: string }) => u.role === 'admin' && u.id !== a!.id);
    for (const u of others) assert.equal((await call('PATCH', `/v1/users/${u.id}`, { role: 'analyst' })).statusCode, 200);

    const wrongRole = await call('PATCH', `/v1/users/${a!.id}`, { role: 'owner' });
    assert.deepEqual([wrongRole.statusCode, wrongRole.json().issues[0].path], [400, ['role']]);
    const demote = await call('PATCH', `/v1/users/${a!.id}`, { role: 'marketer' });
    assert.deepEqual([demote.statusCode, demote.json().error], [409, 'last_admin']);
    const remove = await call('DELETE', `/v1/users/${a!.id}`);
    assert.deepEqual([remove.statusCode, remove.json().error], [409, 'last_admin']);

    assert.equal((await call('PATCH', `/v1/users/${b!.id}`, { role: 'admin' })).json().role, 'admin');
    // Two admins demoting each other at once: one wins, the workspace keeps an admin.
    const both = await Promise.all([a!, b!].map((u) => call('PATCH', `/v1/users/${u.id}`, { role: 'analyst' })));
    assert.deepEqual(both.map((r) => r.statusCode).sort(), [200, 409]);
    const admins = (await call('GET', '/v1/users')).json().data.filter((u: { role: string }) => u.role === 'admin');
    assert.equal(admins.length, 1);

    const demoted = [a!, b!].find((u) => u.id !== admins[0].id)!;
    assert.equal((await call('DELETE', `/v1/users/${demoted.id}`)).statusCode, 204);
    assert.equal((await call('DELETE', `/v1/users/${demoted.id}`)).statusCode, 404);
  });
});
