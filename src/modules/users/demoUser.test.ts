import assert from 'node:assert/strict';
import { test } from 'node:test';
import { AuthError, NotFoundError } from '../../kernel/errors.ts';
import { createServices } from '../../app/services.ts';
import { describeEachDatabase } from '../../db/testDatabase.ts';
import { DEMO_WORKSPACE } from '../demo/demo.ts';
import { DEMO_USER_EMAIL, ensureDemoUser } from './demoUser.ts';

describeEachDatabase('demo user', (t) => {
  test('an admin of the demo workspace whose printed password works until the next start', async () => {
    const services = createServices(t.db);
    await assert.rejects(ensureDemoUser(services), NotFoundError);
    const { workspace } = await services.workspaces.create({ name: DEMO_WORKSPACE.name });

    const passwordIn = (lines: string[]) => /password: (\S+)/.exec(lines.join('\n'))![1]!;
    const first = passwordIn(await ensureDemoUser(services));
    const user = await services.users.authenticate(DEMO_USER_EMAIL, first);
    assert.deepEqual([user.workspaceId, user.role], [workspace.id, 'admin']);

    const second = passwordIn(await ensureDemoUser(services));
    assert.notEqual(second, first);
    await assert.rejects(services.users.authenticate(DEMO_USER_EMAIL, first), AuthError);
    assert.equal((await services.users.authenticate(DEMO_USER_EMAIL, second)).id, user.id);
  });
});
