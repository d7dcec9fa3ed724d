import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { testApp } from '../../app/testApp.ts';
import { describeEachDatabase } from '../../db/testDatabase.ts';
import type { Role } from './service.ts';

const PASSWORD = 'correct horse battery';

describeEachDatabase('session API', (t) => {
  const apps: { close(): Promise<unknown> }[] = [];
  after(() => Promise.all(apps.map((a) => a.close())));

  const setup = async () => {
    const ctx = await testApp(t.db);
    apps.push(ctx.app);
    /** Signs in a new user of `role`; `call` then sends their cookie (and CSRF token unless told otherwise). */
    const signIn = async (role: Role) => {
      const email = `${role}-${Math.random().toString(36).slice(2)}@example.jp`;
      await ctx.services.users.create(ctx.workspace.id, { email, role, password: PASSWORD });
      const res = await ctx.app.inject({ method: 'POST', url: '/v1/session', payload: { email, password: PASSWORD } });
      assert.equal(res.statusCode, 200, res.body);
      const cookie = res.cookies.find((c) => c.name === 'kizuna_session')!;
      const { csrfToken } = res.json() as { csrfToken: string };
      const call = (method: 'GET' | 'POST' | 'DELETE', url: string, payload?: object, csrf: string | null = csrfToken) =>
        ctx.app.inject({
          method,
          url,
          payload,
          headers: { cookie: `kizuna_session=${cookie.value}`, ...(csrf === null ? {} : { 'x-csrf-token': csrf }) },
        });
      return { email, res, cookie, csrfToken, call };
    };
    return { ...ctx, signIn };
  };

  test('sign in sets an HttpOnly, SameSite cookie; GET /v1/session names the user, workspace and CSRF token', async () => {
    const { app, workspace, signIn } = await setup();
    const { email, cookie, csrfToken, call, res } = await signIn('admin');
    assert.deepEqual([cookie.httpOnly, cookie.sameSite, cookie.path, cookie.secure ?? false], [true, 'Lax', '/', false]);
    assert.ok(cookie.expires && cookie.expires.getTime() > Date.now());
    assert.ok(csrfToken.length >= 32);
    assert.equal(res.json().workspace.currency, 'JPY');

    const me = await call('GET', '/v1/session');
    assert.equal(me.statusCode, 200);
    assert.deepEqual((({ user, workspace: w, scopes }) => [user.email, user.role, w.id, scopes])(me.json()), [email, 'admin', workspace.id, ['admin']]);

    const wrong = await app.inject({ method: 'POST', url: '/v1/session', payload: { email, password: 'not the password' } });
    assert.equal(wrong.statusCode, 401);
    assert.equal(wrong.json().message, 'Email or password is incorrect');
    assert.equal(wrong.cookies.length, 0);
    assert.equal((await app.inject({ method: 'GET', url: '/v1/session' })).statusCode, 401);
    assert.equal((await app.inject({ method: 'GET', url: '/v1/session', headers: { cookie: 'kizuna_session=forged' } })).statusCode, 401);
  });

  test('behind https the cookie is Secure', async () => {
    const { app, services, workspace } = await setup();
    const email = `tls-${Math.random().toString(36).slice(2)}@example.jp`;
    await services.users.create(workspace.id, { email, role: 'analyst', password: PASSWORD });
    const res = await app.inject({ method: 'POST', url: '/v1/session', payload: { email, password: PASSWORD }, headers: { 'x-forwarded-proto': 'https' } });
    assert.equal(res.cookies[0]!.secure, true);
  });

  test('roles map to scopes: analyst reads, marketer also writes data, only admin manages keys', async () => {
    const { signIn } = await setup();
    const analyst = await signIn('analyst');
    const marketer = await signIn('marketer');
    const admin = await signIn('admin');
    const customer = { externalId: 'c1', email: 'c1@example.jp' };

    assert.equal((await analyst.call('GET', '/v1/customers')).statusCode, 200);
    const denied = await analyst.call('POST', '/v1/customers', customer);
    assert.equal(denied.statusCode, 403);
    assert.equal(denied.json().message, 'Your role (analyst) does not allow this');

    assert.equal((await marketer.call('POST', '/v1/customers', customer)).statusCode, 200);
    assert.equal((await marketer.call('GET', '/v1/customers')).json().data.length, 1);
    assert.equal((await marketer.call('GET', '/v1/api-keys')).statusCode, 403);

    assert.equal((await admin.call('GET', '/v1/api-keys')).statusCode, 200);
    const created = await admin.call('POST', '/v1/api-keys', { name: 'site', scopes: ['ingest'] });
    assert.equal(created.statusCode, 201, created.body);
    assert.equal((await admin.call('DELETE', `/v1/api-keys/${created.json().apiKey.id}`)).statusCode, 204);
  });

  test('CSRF: a mutation by cookie needs the session token; reads and Bearer keys do not', async () => {
    const { app, headers, signIn } = await setup();
    const marketer = await signIn('marketer');
    const customer = { externalId: 'c2' };
    const missing = await marketer.call('POST', '/v1/customers', customer, null);
    assert.equal(missing.statusCode, 403);
    assert.match(missing.json().message, /X-CSRF-Token/);
    assert.equal((await marketer.call('POST', '/v1/customers', customer, 'x'.repeat(marketer.csrfToken.length))).statusCode, 403);
    assert.equal((await marketer.call('GET', '/v1/customers', undefined, null)).statusCode, 200);

    // An Authorization header decides on its own, whatever cookie comes along.
    const bearer = await app.inject({
      method: 'POST',
      url: '/v1/customers',
      payload: customer,
      headers: { ...(await headers('ingest')), cookie: `kizuna_session=${marketer.cookie.value}` },
    });
    assert.equal(bearer.statusCode, 200, bearer.body);
    const badKey = await app.inject({ method: 'GET', url: '/v1/customers', headers: { authorization: 'Bearer kz_nope', cookie: `kizuna_session=${marketer.cookie.value}` } });
    assert.equal(badKey.statusCode, 401);
  });

  test('sign out needs the CSRF token, ends the session and clears the cookie', async () => {
    const { app, signIn } = await setup();
    const user = await signIn('analyst');
    assert.equal((await user.call('DELETE', '/v1/session', undefined, null)).statusCode, 403);
    const out = await user.call('DELETE', '/v1/session');
    assert.equal(out.statusCode, 204);
    const cleared = out.cookies.find((c) => c.name === 'kizuna_session')!;
    assert.equal(cleared.value, '');
    assert.equal((await user.call('GET', '/v1/session')).statusCode, 401);
    assert.equal((await user.call('GET', '/v1/customers')).statusCode, 401);
    // Signing out again, or without any session, is already done.
    assert.equal((await user.call('DELETE', '/v1/session', undefined, null)).statusCode, 204);
    assert.equal((await app.inject({ method: 'DELETE', url: '/v1/session' })).statusCode, 204);
  });

  test('failed sign-ins are throttled per email and per client address: 429 with Retry-After', async () => {
    const { app, services, workspace } = await setup();
    const email = `locked-${Math.random().toString(36).slice(2)}@example.jp`;
    await services.users.create(workspace.id, { email, role: 'analyst', password: PASSWORD });
    const attempt = (who: string, password: string, ip: string) => app.inject({ method: 'POST', url: '/v1/session', payload: { email: who, password }, remoteAddress: ip });
    for (let i = 0; i < 5; i++) assert.equal((await attempt(email, 'wrong password!', `10.1.0.${i}`)).statusCode, 401);
    // The sixth attempt on that email is refused from any address, even with the right password.
    const locked = await attempt(email, PASSWORD, '10.1.1.1');
    assert.equal(locked.statusCode, 429, locked.body);
    assert.equal(locked.json().error, 'too_many_attempts');
    assert.match(locked.json().message, /try again in 15 minute/);
    const retryAfter = Number(locked.headers['retry-after']);
    assert.ok(retryAfter > 880 && retryAfter <= 900, `Retry-After ${retryAfter}`);

    // One address trying many accounts: 20 failures, then even a new email from it is refused…
    for (let i = 0; i < 20; i++) assert.equal((await attempt(`guess${i}@example.jp`, 'wrong password!', '10.2.0.1')).statusCode, 401);
    const other = await signInAs(services, workspace.id);
    assert.equal((await attempt(other, PASSWORD, '10.2.0.1')).statusCode, 429);
    // … while the same account signs in from elsewhere.
    assert.equal((await attempt(other, PASSWORD, '10.3.0.1')).statusCode, 200);
  });
});

async function signInAs(services: Awaited<ReturnType<typeof testApp>>['services'], workspaceId: string): Promise<string> {
  const email = `other-${Math.random().toString(36).slice(2)}@example.jp`;
  await services.users.create(workspaceId, { email, role: 'analyst', password: PASSWORD });
  return email;
}
