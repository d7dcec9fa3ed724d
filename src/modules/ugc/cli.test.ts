import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { createServices } from '../../app/services.ts';
import { kizunaOrFail } from '../../cli/cliTestKit.ts';
import { describeEachDatabase } from '../../db/testDatabase.ts';
import { customerInput } from '../customers/types.ts';
import { campaignBody, PNG } from './testKit.ts';


describeEachDatabase('ugc: kizuna ugc', (t) => {
  test('link, entries, approve, draw and export from the command line; bad options exit 2', async () => {
    const services = createServices(t.db);
    const { workspace } = await services.workspaces.create({ name: 'cli-ugc' });
    await services.customers.upsertMany(workspace.id, [customerInput.parse({ externalId: 'kei', email: 'kei@example.jp' })]);
    const env = { ...process.env, DATABASE_URL: t.db.url, LOG_LEVEL: 'silent' };
    const cli = async (...args: string[]) => (await kizunaOrFail(['ugc', ...args, '--workspace', workspace.id], env)).stdout;
    const dir = mkdtempSync(path.join(tmpdir(), 'kizuna-ugc-cli-'));
    const file = path.join(dir, 'campaign.json');
    writeFileSync(file, JSON.stringify(campaignBody()));
    const campaign = JSON.parse(await cli('create', '--file', file, '--json')) as { id: string; status: string };
    rmSync(dir, { recursive: true, force: true });
    assert.equal(campaign.status, 'active');
    assert.match(await cli('campaigns'), new RegExp(`${campaign.id}\\s+active\\s+Summer photo contest`));

    const link = JSON.parse(await cli('link', '--campaign', campaign.id, '--customer', 'kei', '--base-url', 'https://kizuna.example.jp', '--json')) as { url: string };
    const token = new URL(link.url).searchParams.get('t')!;
    assert.ok(link.url.startsWith(`https://kizuna.example.jp/enter/${campaign.id}?t=`));
    const entry = await services.ugc.submitEntry(campaign.id, { token, consent: true, locale: 'ja', photo: PNG });

    assert.match(await cli('entries', '--campaign', campaign.id, '--status', 'pending'), new RegExp(`${entry.id}\\s+pending\\s+photo\\s+kei`));
    assert.match(await cli('approve', entry.id), /approved .*; reward granted/);
    assert.match(await cli('draw', '--campaign', campaign.id, '--count', '3', '--seed', 'cli'), /seed cli: 1 drawn/);
    const csv = await cli('export', '--campaign', campaign.id, '--lang', 'en');
    assert.match(csv, /^\uFEFFEntry ID,Created at,Status/);
    assert.match(csv, new RegExp(`${entry.id},.*,approved,`));

    const bad = await kizunaOrFail(['ugc', 'entries', '--campaign', campaign.id, '--status', 'maybe', '--workspace', workspace.id], env).catch((e: { code: number; stderr: string }) => e);
    assert.equal((bad as { code: number }).code, 2);
    assert.match((bad as { stderr: string }).stderr, /--status: one of pending, approved, rejected/);
  });
});
