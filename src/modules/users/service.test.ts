import assert from 'node:assert/strict';
import { test } from 'node:test';
import { AuthError, ConflictError, ValidationError } from '../../kernel/errors.ts';
import { createServices } from '../../app/services.ts';
import { describeEachDatabase } from '../../db/testDatabase.ts';
import { TooManyAttemptsError } from './throttle.ts';

describeEachDatabase('users and sessions', (t) => {
  const setup = async () => {
    const services = createServices(t.db);
    const { workspace } = await services.workspaces.create({ name: `users-${Math.random().toString(36).slice(2)}` });
    const email = `${Math.random().toString(36).slice(2)}@example.jp`;
    return { services, workspace, email };
  };

  test('passwords are stored as argon2id hashes and checked case-insensitively by email', async () => {
    const { services, workspace, email } = await setup();
    const user = await services.users.create(workspace.id, { email: email.toUpperCase(), name: '佐藤 花子', role: 'marketer', password: 'correct horse battery' });
    assert.equal(user.email, email);
    const { rows } = await t.db.query<{ password_hash: string }>('SELECT password_hash FROM users WHERE id = $1', [user.id]);
    assert.match(rows[0]!.password_hash, /^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);

    const signedIn = await services.users.authenticate(` ${email.toUpperCase()} `, 'correct horse battery');
    assert.equal(signedIn.id, user.id);
    assert.ok(signedIn.lastLoginAt);
  });

  test('a wrong password and an unknown email get the same answer', async () => {
    const { services, workspace, email } = await setup();
    await services.users.create(workspace.id, { email, role: 'analyst', password: 'correct horse battery' });
    for (const [who, password] of [[email, 'wrong password!'], ['nobody@example.jp', 'correct horse battery']] as const) {
      await assert.rejects(services.users.authenticate(who, password), (err: unknown) => {
        assert.ok(err instanceof AuthError);
        assert.equal(err.message, 'Email or password is incorrect');
        return true;
      });
    }
  });

  test("sign-in throttling: a success clears the email's failures; the lockout ends as failures age out of the window", async () => {
    const { services, workspace, email } = await setup();
    await services.users.create(workspace.id, { email, role: 'analyst', password: 'correct horse battery' });
    const t0 = Date.now();
    const at = (minutes: number) => ({ ip: '192.0.2.7', now: new Date(t0 + minutes * 60_000) });
    const fail = (minutes: number) => assert.rejects(services.users.authenticate(email, 'wrong password!', at(minutes)), AuthError);
    for (let i = 0; i < 4; i++) await fail(i);
    await services.users.authenticate(email, 'correct horse battery', at(4));
    // Cleared by the success: five more failures are allowed, then the email is locked.
    for (let i = 0; i < 5; i++) await fail(5 + i);
    await assert.rejects(services.users.authenticate(email, 'correct horse battery', at(10)), (err: unknown) => {
      assert.ok(err instanceof TooManyAttemptsError);
      // The oldest of the five (minute 5) leaves the 15-minute window at minute 20.
      assert.equal(err.retryAfterSeconds, 600);
      return true;
    });
    // Refused attempts do not extend the lockout; once a failure has aged out, the right password works.
    await assert.rejects(services.users.authenticate(email, 'correct horse battery', at(19)), TooManyAttemptsError);
    assert.equal((await services.users.authenticate(email, 'correct horse battery', at(20.1))).email, email);
  });

  test('an email belongs to one user across workspaces; bad input names the field', async () => {
    const { services, workspace, email } = await setup();
    await services.users.create(workspace.id, { email, role: 'admin', password: 'correct horse battery' });
    const other = (await services.workspaces.create({ name: 'other' })).workspace;
    await assert.rejects(services.users.create(other.id, { email: email.toUpperCase(), role: 'admin', password: 'correct horse battery' }), ConflictError);
    await assert.rejects(services.users.create(workspace.id, { email: 'x@example.jp', role: 'admin', password: 'short' }), (err: unknown) => {
      assert.ok(err instanceof ValidationError);
      assert.deepEqual(err.issues.map((i) => i.path), [['password']]);
      return true;
    });
    await assert.rejects(
      services.users.create(workspace.id, { email: 'not-an-email', role: 'owner' as 'admin', password: 'correct horse battery' }),
      (err: unknown) => err instanceof ValidationError && err.issues.map((i) => i.path[0]).sort().join() === 'email,role',
    );
  });

  test('sessions: looked up by token until revoked or expired; setPassword replaces the password', async () => {
    const { services, workspace, email } = await setup();
    const user = await services.users.create(workspace.id, { email, role: 'admin', password: 'correct horse battery' });
    const { token, session } = await services.users.createSession(user);
    assert.ok(session.expiresAt.getTime() > Date.now() + 6 * 86_400_000);
    const found = await services.users.lookupSession(token);
    assert.deepEqual([found.user.id, found.session.id, found.session.csrfToken], [user.id, session.id, session.csrfToken]);
    const { rows } = await t.db.query('SELECT token_hash FROM sessions WHERE id = $1', [session.id]);
    assert.notEqual(rows[0]!.token_hash, token);

    await services.users.revokeSession(workspace.id, session.id);
    await assert.rejects(services.users.lookupSession(token), AuthError);

    const second = await services.users.createSession(user);
    await t.db.query("UPDATE sessions SET expires_at = now() - interval '1 second' WHERE id = $1", [second.session.id]);
    await assert.rejects(services.users.lookupSession(second.token), AuthError);
    await assert.rejects(services.users.lookupSession('made-up'), AuthError);

    await services.users.setPassword(workspace.id, user.id, 'a brand new passphrase');
    await assert.rejects(services.users.authenticate(email, 'correct horse battery'), AuthError);
    assert.equal((await services.users.authenticate(email, 'a brand new passphrase')).id, user.id);
  });
});
