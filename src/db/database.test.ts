import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { test } from 'node:test';
import { kizunaHere } from '../cli/cliTestKit.ts';
import { describeEachDatabase } from './testDatabase.ts';
import { describeUrl, waitForServer, withDatabase } from './database.ts';

/** A local port nothing listens on: connections to it are refused. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

test('an unreachable server: told within seconds where and why (never the password), then a failure naming it', async () => {
  const port = await closedPort();
  const said: { line: string; at: number }[] = [];
  const started = Date.now();
  const wait = waitForServer(`postgres://kizuna:s3cret@127.0.0.1:${port}/shop`, { timeoutMs: 3_000, say: (line) => said.push({ line, at: Date.now() - started }) });
  await assert.rejects(wait, (err: Error) => {
    assert.match(err.message, new RegExp(`127\\.0\\.0\\.1:${port}/shop did not answer within 3 s \\(.*ECONNREFUSED`));
    return true;
  });
  assert.equal(said.length, 1, JSON.stringify(said));
  assert.ok(said[0]!.at >= 1_900 && said[0]!.at < 2_900, `told after ${said[0]!.at} ms`);
  assert.match(said[0]!.line, new RegExp(`^Waiting for the database at 127\\.0\\.0\\.1:${port}/shop \\(.*ECONNREFUSED`));
  assert.doesNotMatch(said[0]!.line, /s3cret/);
});

test('a URL that is not a PostgreSQL URL fails at once, saying which setting', async () => {
  await assert.rejects(waitForServer('localhost:5432/shop'), /DATABASE_URL must start with postgres:\/\//);
  await assert.rejects(waitForServer('not a url', { setting: 'DATABASE_READ_URL' }), /DATABASE_READ_URL is not a valid URL/);
  assert.deepEqual(describeUrl('postgresql://u:p@db.example:6432/kizuna?sslmode=require'), { where: 'db.example:6432/kizuna', database: 'kizuna' });
});

describeEachDatabase('database wait', (t) => {
  test('a database that does not exist fails at once, naming it and how to create it; the CLI exits 1 with a clean --json error', async () => {
    const url = withDatabase(t.db.url, 'kizuna_no_such_db');
    const said: string[] = [];
    const started = Date.now();
    await assert.rejects(waitForServer(url, { say: (line) => said.push(line) }), /database "kizuna_no_such_db" does not exist on .*createdb kizuna_no_such_db/);
    assert.ok(Date.now() - started < 1_500, 'no waiting');
    assert.deepEqual(said, []);
    const run = await kizunaHere(['workspace', 'list', '--json'], { ...process.env, DATABASE_URL: url });
    assert.equal(run.code, 1, run.stderr);
    assert.match(run.stderr, /^error: database "kizuna_no_such_db" does not exist/);
    assert.equal((JSON.parse(run.stdout) as { error: string }).error, 'internal', 'stdout holds the JSON error alone');
  });

  test('a role the server does not know fails at once (28000 on trust, 28P01 on password auth), with the server\'s reason', async () => {
    const url = new URL(t.db.url);
    url.username = 'kizuna_no_such_role';
    const started = Date.now();
    await assert.rejects(waitForServer(url.toString(), { say: () => assert.fail('no waiting') }), /(refused the connection to|authentication to the database at) .*\(.*kizuna_no_such_role.*\): check the user.* in DATABASE_URL/);
    assert.ok(Date.now() - started < 1_500, 'no waiting');
  });
});
