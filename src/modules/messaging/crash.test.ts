import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { createServices, type Services } from '../../app/services.ts';
import { describeEachDatabase } from '../../db/testDatabase.ts';
import { NEWSLETTER_MJML, seedAudience, settingsFor, startSmtpSink, type SmtpSink } from './testKit.ts';

const BIN = fileURLToPath(new URL('../../../bin/kizuna.js', import.meta.url));
const N = 150;

describeEachDatabase('messaging: a worker killed mid-campaign', (t) => {
  let sink: SmtpSink;
  let services: Services;

  before(async () => {
    sink = await startSmtpSink({ delayMs: 15 });
    services = createServices(t.db);
  });
  after(async () => {
    await services?.messaging.close();
    await sink?.close();
  });

  test('kill -9 of a worker and a second worker: every recipient gets exactly one message, none is missed', async () => {
    const ws = (await services.workspaces.create({ name: 'crash' })).workspace.id;
    // The real clock drives the child: no quiet hours, no caps in the way.
    await services.messaging.putSettings(ws, settingsFor(sink.url, { policy: { quietHours: null, totalCap: { max: 100, days: 7 } } }));
    const { segmentId } = await seedAudience(services, ws, N, { cohort: 'crash' });
    const campaign = await services.messaging.createCampaign(ws, { name: 'crash', segmentId, template: { channel: 'email', subject: 'セール', mjml: NEWSLETTER_MJML } });
    await services.messaging.send(ws, campaign.id);

    const child = spawn(process.execPath, [BIN, 'campaign', 'work', '--limit', '20', '--concurrency', '4', '--lease', '2', '--workspace', ws], {
      env: { ...process.env, DATABASE_URL: t.db.url, LOG_LEVEL: 'silent' },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_code, signal) => resolve(signal)));
    await sink.waitFor(40, 60_000).catch((err: Error) => {
      child.kill('SIGKILL');
      throw new Error(`${err.message}; worker stderr: ${stderr}`);
    });
    child.kill('SIGKILL');
    assert.equal(await exited, 'SIGKILL');
    const atKill = sink.received.length;
    assert.ok(atKill < N, `the worker finished (${atKill}) before it was killed`);

    // The killed worker's claims are still 'sending' until their lease runs out; then a second worker takes them over.
    const stuck = await t.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM deliveries WHERE workspace_id = $1 AND state = 'sending'`, [ws]);
    assert.ok(stuck.rows[0]!.n > 0, 'some deliveries were in flight at the kill');
    await new Promise((r) => setTimeout(r, 2100));
    for (let pass = 0; pass < 50; pass++) {
      if ((await services.messaging.drain({ workspaceId: ws, limit: 50 })).claimed === 0) break;
    }

    const { rows } = await t.db.query<{ state: string; n: number }>('SELECT state, count(*)::int AS n FROM deliveries WHERE workspace_id = $1 GROUP BY state', [ws]);
    assert.deepEqual(rows, [{ state: 'sent', n: N }]);
    // At the sink, by Message-ID (the delivery id): each recipient has exactly one message.
    const byRecipient = new Map<string, Set<string>>();
    for (const r of sink.received) {
      const messageId = /^Message-ID:\s*(<[^>]+>)/im.exec(r.raw.toString('utf8'))![1]!;
      for (const to of r.to) byRecipient.set(to, (byRecipient.get(to) ?? new Set()).add(messageId));
    }
    assert.equal(byRecipient.size, N, 'no recipient is missed');
    assert.ok([...byRecipient.values()].every((ids) => ids.size === 1), 'one Message-ID per recipient');
    // A message accepted by the server before the kill but not yet recorded is sent again with the
    // same Message-ID: at most those in flight (4) and those awaiting their group's write (4).
    const duplicates = sink.received.length - N;
    assert.ok(duplicates >= 0 && duplicates <= 8, `${duplicates} duplicate receipts`);
  });
});
