import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { createServices, type Services } from '../../app/services.ts';
import { kizunaOrFail } from '../../cli/cliTestKit.ts';
import { describeEachDatabase } from '../../db/testDatabase.ts';
import { customerInput } from '../customers/types.ts';


describeEachDatabase('surveys: kizuna survey', (t) => {
  let services: Services;
  let dir: string;
  before(async () => {
    services = createServices(t.db);
    dir = mkdtempSync(path.join(tmpdir(), 'kizuna-survey-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  test('create, mint links, answer, read NPS and cases, export CSV; bad options exit 2', async () => {
    const { workspace } = await services.workspaces.create({ name: 'cli-survey' });
    await services.customers.upsertMany(workspace.id, [customerInput.parse({ externalId: 'c1' }), customerInput.parse({ externalId: 'c2' })]);
    const env = { ...process.env, DATABASE_URL: t.db.url, LOG_LEVEL: 'silent' };
    const kizuna = async (...args: string[]) => JSON.parse((await kizunaOrFail(['survey', ...args, '--workspace', workspace.id, '--json'], env)).stdout);

    assert.equal((await kizuna('create', '--slug', 'nps-cli', '--kind', 'nps', '--title', '満足度調査')).slug, 'nps-cli');
    const links = (await kizuna('links', 'nps-cli', 'c1', 'c2', '--ttl-days', '7')) as { url: string }[];
    assert.equal(links.length, 2);
    const token = (url: string) => url.slice(url.lastIndexOf('/') + 1);
    await services.surveys.answerLink(token(links[0]!.url), { score: 10 }, 'ja');
    await services.surveys.answerLink(token(links[1]!.url), { score: 4, reason: '遅い' }, 'ja');
    const nps = await kizuna('nps', '--survey', 'nps-cli');
    assert.equal(nps.overall.nps, 0);
    assert.equal(nps.months.length, 1);
    const cases = await kizuna('cases');
    assert.equal(cases.counts.active, 1);
    const out = path.join(dir, 'responses.csv');
    await kizuna('export', 'nps-cli', '--out', out);
    assert.equal(readFileSync(out, 'utf8').trim().split('\n').length, 3);

    const bad = await kizunaOrFail(['survey', 'links', 'nps-cli', 'c1', '--ttl-days', '0', '--workspace', workspace.id], env).catch((e: { code: number; stderr: string }) => e);
    assert.equal((bad as { code: number }).code, 2);
    assert.match((bad as { stderr: string }).stderr, /--ttl-days/);
  });
});
