import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { createServices } from '../app/services.ts';
import { unenterableParent } from '../db/embedded.ts';
import { describeEachDatabase } from '../db/testDatabase.ts';
import { kizuna } from './clvTestKit.ts';

test('unenterableParent names the first folder above the data dir that others cannot enter, with its mode', () => {
  const top = mkdtempSync(join(tmpdir(), 'kizuna-perm-'));
  try {
    mkdirSync(join(top, 'a', 'b'), { recursive: true });
    chmodSync(top, 0o700);
    assert.deepEqual(unenterableParent(join(top, 'a', 'b', 'data')), { dir: top, mode: '700' });
    chmodSync(top, 0o711);
    assert.equal(unenterableParent(join(top, 'a', 'b', 'data')), undefined);
  } finally {
    rmSync(top, { recursive: true, force: true });
  }
});

describeEachDatabase('CLI exit codes', (t) => {
  let dir = '';
  let env: NodeJS.ProcessEnv = {};
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'kizuna-exit-'));
    await createServices(t.db).workspaces.create({ name: 'exit-codes' });
    env = { ...process.env, DATABASE_URL: t.db.url };
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  test('a rejected import exits 2, with --json too (the summary says committed: false)', async () => {
    const file = join(dir, 'bad.csv');
    writeFileSync(file, 'external_id,email\nc1,not-an-email\n');
    const json = await kizuna(['import', 'customers', file, '--json', '--workspace', 'exit-codes'], env);
    assert.equal(json.code, 2, json.stderr);
    assert.equal(JSON.parse(json.stdout).committed, false);
    const human = await kizuna(['import', 'customers', file, '--workspace', 'exit-codes'], env);
    assert.equal(human.code, 2);
    assert.match(human.stderr, /line 2/);
  });

  test('serve on a port in use exits 1 and names the port', async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const port = (blocker.address() as { port: number }).port;
    try {
      const r = await kizuna(['serve', '--port', String(port), '--no-worker'], env);
      assert.equal(r.code, 1);
      assert.match(r.stderr, new RegExp(`port ${port} .*in use`));
      assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
    } finally {
      blocker.close();
    }
  });
});

test('a missing required option or an unknown flag exits 2, with a JSON error under --json', async () => {
  const [missing, unknown, help] = await Promise.all([
    kizuna(['apikey', 'create', '--scopes', 'ingest', '--json']),
    kizuna(['workspace', 'list', '--no-such-flag']),
    kizuna(['fit', '--help']),
  ]);
  assert.equal(missing.code, 2, missing.stderr);
  assert.match(missing.stderr, /required option '--name <name>' not specified/);
  assert.equal((JSON.parse(missing.stdout) as { error: string }).error, 'usage');
  assert.equal(unknown.code, 2, unknown.stderr);
  assert.match(unknown.stderr, /unknown option '--no-such-flag'/);
  assert.equal(unknown.stdout, '', 'no JSON without --json');
  assert.equal(help.code, 0, help.stderr);
  assert.match(help.stdout, /bgnbd/);
});
