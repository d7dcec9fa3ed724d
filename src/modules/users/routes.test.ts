import assert from 'node:assert/strict';
import { test } from 'node:test';
import { suiteApps } from '../../app/testApp.ts';
import { describeEachDatabase } from '../../db/testDatabase.ts';
import type { Role } from './service.ts';

const PASSWORD = 'correct horse battery';

describeEachDatabase('session API', (t) => {
  const open = suiteApps(t);
  const setup = async () => {
    const ctx = await open();
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

  test('failed sign-ins slow the failing client (429 with Retry-After), while the owner signs in from elsewhere', async () => {
    const { app, services, workspace } = await setup();
    const email = `owner-${Math.random().toString(36).slice(2)}@example.jp`;
    await services.users.create(workspace.id, { email, role: 'analyst', password: PASSWORD });
    const attempt = (password: string, ip: string) => app.inject({ method: 'POST', url: '/v1/session', payload: { email, password }, remoteAddress: ip });
    // The attacker hammers from one address: after three failures, answers turn to 429 with Retry-After.
    const answers: number[] = [];
    for (let i = 0; i < 10; i++) answers.push((await attempt('wrong password!', '10.9.0.1')).statusCode);
    assert.deepEqual(answers.slice(0, 4), [401, 401, 401, 401]);
    // (Waits are 1 s, then 2 s, …: on a slow machine one of the later attempts may come after a wait.)
    assert.ok(answers.slice(4).filter((s) => s === 429).length >= 4, answers.join());
    const refused = await attempt(PASSWORD, '10.9.0.1');
    assert.equal(refused.statusCode, 429, refused.body);
    assert.equal(refused.json().error, 'too_many_attempts');
    assert.match(refused.json().message, /try again in \d+ second/);
    assert.ok(Number(refused.headers['retry-after']) >= 1);
    // The owner, from an address that has not failed, is not affected.
    const owner = await attempt(PASSWORD, '10.9.0.2');
    assert.equal(owner.statusCode, 200, owner.body);
  });
});
