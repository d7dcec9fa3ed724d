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

  test("sign-in throttling: an attacker's failures slow the attacker's client, with growing waits, never the owner's", async () => {
    const { services, workspace, email } = await setup();
    await services.users.create(workspace.id, { email, role: 'analyst', password: 'correct horse battery' });
    const t0 = Date.now();
    const at = (ip: string, ms: number) => ({ ip, now: new Date(t0 + ms) });
    const waitOf = async (p: Promise<unknown>) => {
      const err = await p.then(
        () => assert.fail('signed in'),
        (e: unknown) => e,
      );
      return err instanceof TooManyAttemptsError ? err.retryAfterSeconds : err instanceof AuthError ? 'wrong' : err;
    };
    // Three free failures from the attacker's address, then each failure doubles the wait: 1 s, 2 s, 4 s, 8 s.
    let ms = 0;
    for (let i = 0; i < 3; i++) assert.equal(await waitOf(services.users.authenticate(email, 'wrong password!', at('203.0.113.9', ms))), 'wrong');
    for (const wait of [1, 2, 4, 8]) {
      assert.equal(await waitOf(services.users.authenticate(email, 'wrong password!', at('203.0.113.9', ms))), 'wrong');
      // Inside the wait: refused before the password is checked, even the right one.
      assert.equal(await waitOf(services.users.authenticate(email, 'correct horse battery', at('203.0.113.9', ms + 10))), wait);
      // The owner, from their own address, signs in at once, in the middle of the attack.
      assert.equal((await services.users.authenticate(email, 'correct horse battery', at('198.51.100.4', ms + 20))).email, email);
      ms += wait * 1000;
    }
    // Waiting out the wait always works, and the right password then clears that client's count for the account.
    assert.equal((await services.users.authenticate(email, 'correct horse battery', at('203.0.113.9', ms))).email, email);
    for (let i = 0; i < 3; i++) assert.equal(await waitOf(services.users.authenticate(email, 'wrong password!', at('203.0.113.9', ms + i))), 'wrong');
  });

  test('sign-in throttling: one client trying many accounts is slowed on every account; a run starts over after a quiet day', async () => {
    const { services, workspace, email } = await setup();
    await services.users.create(workspace.id, { email, role: 'analyst', password: 'correct horse battery' });
    const t0 = Date.now();
    const ip = `192.0.2.${Math.floor(Math.random() * 250)}`;
    const at = (ms: number) => ({ ip, now: new Date(t0 + ms) });
    // Ten different accounts, one guess each: free for the client; the eleventh failure makes it wait 1 s.
    for (let i = 0; i < 11; i++) await assert.rejects(services.users.authenticate(`guess${i}@example.jp`, 'wrong password!', at(i)), AuthError);
    await assert.rejects(services.users.authenticate(email, 'correct horse battery', at(20)), (err: unknown) => err instanceof TooManyAttemptsError && err.retryAfterSeconds === 1);
    // Elsewhere the account is fine; from this client, after the wait, too.
    await services.users.authenticate(email, 'correct horse battery', { ip: '198.51.100.77', now: new Date(t0 + 20) });
    await services.users.authenticate(email, 'correct horse battery', at(1100));
    // A success does not clear the client's count: the next failure waits 2 s.
    await assert.rejects(services.users.authenticate('guess99@example.jp', 'wrong password!', at(1200)), AuthError);
    await assert.rejects(services.users.authenticate(email, 'correct horse battery', at(1300)), (err: unknown) => err instanceof TooManyAttemptsError && err.retryAfterSeconds === 2);
    // A day without failures and the count starts over: the next failure is free again.
    const day = 24 * 3_600_000 + 5000;
    await assert.rejects(services.users.authenticate('guess100@example.jp', 'wrong password!', at(day)), AuthError);
    await services.users.authenticate(email, 'correct horse battery', at(day + 1));
  });

  test('sign-in throttling: a burst of concurrent guesses gets no more password checks than a sequence', async () => {
    const { services, workspace, email } = await setup();
    await services.users.create(workspace.id, { email, role: 'analyst', password: 'correct horse battery' });
    const now = new Date();
    const outcomes = await Promise.all(
      Array.from({ length: 12 }, () =>
        services.users.authenticate(email, 'wrong password!', { ip: '203.0.113.50', now }).then(
          () => 'signed in',
          (err: unknown) => (err instanceof TooManyAttemptsError ? 'waited' : err instanceof AuthError ? 'checked' : String(err)),
        ),
      ),
    );
    // Three free failures and the fourth (which sets the first wait): the rest are refused unchecked.
    assert.equal(outcomes.filter((o) => o === 'checked').length, 4, outcomes.join());
    assert.equal(outcomes.filter((o) => o === 'waited').length, 8);
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
