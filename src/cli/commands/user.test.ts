import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createServices } from '../../app/services.ts';
import { describeEachDatabase } from '../../db/testDatabase.ts';
import { kizunaOrFail } from '../cliTestKit.ts';

const kizuna = (databaseUrl: string, ...args: string[]) => kizunaOrFail(args, { ...process.env, DATABASE_URL: databaseUrl, LOG_LEVEL: 'silent' });

describeEachDatabase('kizuna user create', (t) => {
  test('creates a user who can sign in; a generated password is printed once', async () => {
    const services = createServices(t.db);
    const { workspace } = await services.workspaces.create({ name: 'cli-users' });
    const { stdout } = await kizuna(t.db.url, 'user', 'create', '--email', 'Mika@Example.jp', '--role', 'marketer', '--workspace', workspace.id, '--json');
    const created = JSON.parse(stdout) as { email: string; role: string; workspaceId: string; password: string };
    assert.deepEqual([created.email, created.role, created.workspaceId], ['mika@example.jp', 'marketer', workspace.id]);
    assert.equal((await services.users.authenticate('mika@example.jp', created.password)).role, 'marketer');

    const given = await kizuna(t.db.url, 'user', 'create', '--email', 'ken@example.jp', '--role', 'analyst', '--workspace', workspace.id, '--password', 'a long passphrase');
    assert.doesNotMatch(given.stdout, /password/);
    assert.equal((await services.users.authenticate('ken@example.jp', 'a long passphrase')).role, 'analyst');

    await assert.rejects(kizuna(t.db.url, 'user', 'create', '--email', 'ken@example.jp', '--role', 'admin', '--workspace', workspace.id), (err: { code: number; stderr: string }) => {
      assert.equal(err.code, 2);
      assert.match(err.stderr, /already exists/);
      return true;
    });
    await assert.rejects(
      kizuna(t.db.url, 'user', 'create', '--email', 'x@example.jp', '--role', 'admin', '--workspace', workspace.id, '--password', 'short'),
      (err: { code: number; stderr: string }) => err.code === 2 && /password: at least 12 characters/.test(err.stderr),
    );
  });
});
