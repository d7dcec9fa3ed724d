import iconv from 'iconv-lite';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { describeEachDatabase } from '../../db/testDatabase.ts';
import { cliOn } from '../cliTestKit.ts';
import { AS_OF, seedWorkspace } from '../../modules/segments/testData.ts';

const dir = mkdtempSync(join(tmpdir(), 'kizuna-segment-cli-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const file = (name: string, content: unknown) => {
  const path = join(dir, name);
  writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content));
  return path;
};

describeEachDatabase('kizuna segment', (t) => {
  const kizuna = (...args: string[]) => cliOn(t.db.url, 'segment')(...args);

  test('preview --json prints the count and a sample; bad rules and bad JSON exit 2 naming the place', async () => {
    await seedWorkspace(t.db);
    const rule = file('buyers.json', { version: 1, match: { type: 'orders', op: 'gte', value: 1 } });
    const ok = await kizuna('preview', '--rule', rule, '--as-of', AS_OF.toISOString(), '--json');
    assert.equal(ok.code, 0, ok.stderr);
    const out = JSON.parse(ok.stdout);
    assert.equal(out.count, 2);
    assert.deepEqual(out.sample.map((c: { externalId: string }) => c.externalId), ['c1', 'c2']);

    const bad = await kizuna('preview', '--rule', file('bad.json', { version: 1, match: { type: 'and', conditions: [{ type: 'field', field: 'x', op: 'eq' }] } }));
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /rule\.match\.conditions\.0\.field: a customer field: one of externalId/);

    const broken = await kizuna('preview', '--rule', file('broken.json', '{\n  "version": 1,\n  "match": {"type": }\n}'));
    assert.equal(broken.code, 2);
    assert.match(broken.stderr, /is not valid JSON\n\s+line 3, column \d+: /);
  });

  test('create, list, refresh, export, members CSV', async () => {
    const created = await kizuna('create', '--name', 'Tokyo', '--rule', file('tokyo.json', { version: 1, match: { type: 'field', field: 'prefecture', op: 'eq', value: '東京都' } }), '--json');
    assert.equal(created.code, 0, created.stderr);
    const { id, memberCount } = JSON.parse(created.stdout);
    assert.equal(memberCount, 1);

    const list = await kizuna('list', '--json');
    assert.ok(JSON.parse(list.stdout).some((s: { id: string; name: string }) => s.id === id && s.name === 'Tokyo'));

    const refreshed = await kizuna('refresh', '--segment', id, '--json');
    assert.equal(refreshed.code, 0, refreshed.stderr);
    assert.deepEqual(JSON.parse(refreshed.stdout).map((r: { members: number }) => r.members), [1]);
    const all = await kizuna('refresh', '--as-of', AS_OF.toISOString(), '--json');
    assert.equal(JSON.parse(all.stdout).length, 17);

    const out = join(dir, 'audience.csv');
    const exported = await kizuna('export', '--segment', id, '--out', out, '--json');
    assert.equal(exported.code, 0, exported.stderr);
    assert.deepEqual(JSON.parse(exported.stdout), { file: out, rows: 1 });
    const lines = readFileSync(out, 'utf8').trim().split('\n');
    assert.equal(lines[0], 'email_sha256,phone_sha256');
    assert.match(lines[1]!, /^[0-9a-f]{64},[0-9a-f]{64}$/);

    const office = join(dir, 'members.csv');
    const members = await kizuna('members', '--segment', id, '--out', office, '--encoding', 'shift_jis', '--lang', 'ja', '--json');
    assert.equal(members.code, 0, members.stderr);
    assert.deepEqual(JSON.parse(members.stdout), { file: office, rows: 1 });
    const text = iconv.decode(readFileSync(office), 'cp932');
    assert.equal(text.split('\r\n')[0]!.split(',').slice(0, 3).join(','), '顧客ID,外部ID,姓');
    assert.equal((await kizuna('members', '--segment', id, '--out', office, '--encoding', 'latin1')).code, 2);

    assert.equal((await kizuna('refresh', '--segment', 'nope')).code, 2);
  });

  test('with several workspaces, --workspace is required', async () => {
    await seedWorkspace(t.db);
    const res = await kizuna('preview', '--rule', file('any.json', { version: 1, match: { type: 'orders' } }));
    assert.equal(res.code, 2);
    assert.match(res.stderr, /choose one with --workspace/);
  });
});
