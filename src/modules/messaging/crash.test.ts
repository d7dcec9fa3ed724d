import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { createServices, type Services } from '../../app/services.ts';
import { describeEachDatabase } from '../../db/testDatabase.ts';
import { NEWSLETTER_MJML, seedAudience, settingsFor, startSmtpSink, type SmtpSink } from './testKit.ts';

const BIN = fileURLToPath(new URL('../../../bin/kizuna.js', import.meta.url));
const N = 150;

async function waitUntil(done: () => boolean | Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await done())) {
    if (Date.now() > deadline) throw new Error(`condition not met after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describeEachDatabase('messaging: a worker killed mid-campaign', (t) => {
  let sink: SmtpSink;
  let services: Services;

  before(async () => {
    // After 40 messages the sink holds every message open: the kill then always finds deliveries in flight.
    sink = await startSmtpSink({ delayMs: 15, holdAfter: 40 });
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
    await waitUntil(() => sink.held() > 0, 60_000).catch((err: Error) => {
      child.kill('SIGKILL');
      throw new Error(`${err.message} (${sink.received.length} received); worker stderr: ${stderr}`);
    });
    child.kill('SIGKILL');
    assert.equal(await exited, 'SIGKILL');
    const atKill = sink.received.length;
    sink.release();
    assert.ok(atKill < N, `the worker finished (${atKill}) before it was killed`);

    // The killed worker's claims are still 'sending' until their lease (2 s) runs out; then a second worker takes them over.
    const stuck = await t.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM deliveries WHERE workspace_id = $1 AND state = 'sending'`, [ws]);
    assert.ok(stuck.rows[0]!.n > 0, 'some deliveries were in flight at the kill');
    const unsent = async () =>
      (await t.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM deliveries WHERE workspace_id = $1 AND state <> 'sent'`, [ws])).rows[0]!.n;
    await waitUntil(async () => {
      await services.messaging.drain({ workspaceId: ws, limit: 50 });
      return (await unsent()) === 0;
    }, 30_000);

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
