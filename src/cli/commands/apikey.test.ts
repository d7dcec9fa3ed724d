import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { test } from 'node:test';
import { promisify } from 'node:util';
import { createServices } from '../../app/services.ts';
import { describeEachDatabase } from '../../db/testDatabase.ts';
import { parseScopes } from './apikey.ts';

const run = promisify(execFile);
const bin = new URL('../../../bin/kizuna.js', import.meta.url).pathname;
const kizuna = (databaseUrl: string, ...args: string[]) => run(process.execPath, [bin, ...args], { env: { ...process.env, DATABASE_URL: databaseUrl, LOG_LEVEL: 'silent' } });

test('--scopes takes a comma-separated list of known scopes and names the flag otherwise', () => {
  assert.deepEqual(parseScopes('ingest, messaging,ingest'), ['ingest', 'messaging']);
  for (const bad of ['', 'ingest,write', 'ADMIN']) {
    assert.throws(() => parseScopes(bad), (err: { issues: { path: string[] }[] }) => err.issues[0]!.path[0] === '--scopes');
  }
});

describeEachDatabase('kizuna apikey and seedlist', (t) => {
  test('a key is created with the messaging scope; the seed list is replaced and shown', async () => {
    const services = createServices(t.db);
    const { workspace } = await services.workspaces.create({ name: `cli-keys-${Date.now()}` });
    const created = JSON.parse((await kizuna(t.db.url, 'apikey', 'create', '--workspace', workspace.id, '--name', 'crm', '--scopes', 'read,messaging', '--json')).stdout) as { key: string };
    assert.deepEqual((await services.workspaces.authenticate(created.key)).scopes, ['read', 'messaging']);

    // Each command starts a process (seconds under tsx): `set` prints the list as `show` does.
    const set = await kizuna(t.db.url, 'seedlist', 'set', '--workspace', workspace.id, 'QA@Example.jp', '+81 90-1234-5678');
    assert.equal(set.stdout.trim(), '+819012345678\nqa@example.jp');
    assert.deepEqual((await services.messaging.seedList.get(workspace.id)).addresses, ['+819012345678', 'qa@example.jp']);
  });
});
