import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { createServices, type Services } from '../../app/services.ts';
import { kizunaOrFail } from '../../cli/cliTestKit.ts';
import { describeEachDatabase } from '../../db/testDatabase.ts';
import { NEWSLETTER_MJML, seedAudience, settingsFor, startSmtpSink, type SmtpSink } from './testKit.ts';


describeEachDatabase('messaging: kizuna campaign send', (t) => {
  let sink: SmtpSink;
  let services: Services;
  let dir: string;

  before(async () => {
    sink = await startSmtpSink();
    services = createServices(t.db);
    dir = mkdtempSync(path.join(tmpdir(), 'kizuna-cli-'));
  });
  after(async () => {
    await sink?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test('sends a campaign from an MJML file with a holdout and prints JSON; bad options exit 2', async () => {
    const { workspace } = await services.workspaces.create({ name: 'cli-campaign' });
    await services.messaging.putSettings(workspace.id, settingsFor(sink.url, { policy: { quietHours: null } }));
    const { segmentId } = await seedAudience(services, workspace.id, 20, { cohort: 'cli' });
    const file = path.join(dir, 'winter.mjml');
    writeFileSync(file, NEWSLETTER_MJML);
    const env = { ...process.env, DATABASE_URL: t.db.url, LOG_LEVEL: 'silent' };
    const args = ['campaign', 'send', '--workspace', workspace.id, '--segment', segmentId, '--channel', 'email', '--template', file, '--subject', '{{ customer.given_name }}様', '--holdout', '10', '--json'];
    const { stdout } = await kizunaOrFail(args, env);
    const result = JSON.parse(stdout) as { enqueued: number; heldOut: number; sent: number; status: string };
    assert.equal(result.enqueued, 20);
    assert.equal(result.sent + result.heldOut, 20);
    assert.equal(result.status, 'sent');
    await sink.waitFor(result.sent);

    const bad = await kizunaOrFail([...args.slice(0, -3), '--holdout', '150'], env).catch((e: { code: number; stderr: string }) => e);
    assert.equal((bad as { code: number }).code, 2);
    assert.match((bad as { stderr: string }).stderr, /--holdout: a percentage from 0 to 99/);
  });
});
