import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { createServices, type Services } from '../../app/services.ts';
import { describeEachDatabase, type TestDatabase } from '../../db/testDatabase.ts';
import { NEWSLETTER_MJML, seedAudience, settingsFor, startSmtpSink, type SmtpSink } from './testKit.ts';

const BIN = fileURLToPath(new URL('../../../bin/kizuna.js', import.meta.url));

async function waitUntil(done: () => boolean | Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await done())) {
    if (Date.now() > deadline) throw new Error(`condition not met after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/**
 * Sends a campaign of `n` from a child worker; once the sink has answered `holdAfter` messages it
 * holds every later one open (received, never acknowledged), so the kill -9 always finds messages
 * committed 'sending' and in the provider's hands. A second worker (this process) then finishes
 * the campaign. Returns what the sink received and each recipient's delivery state.
 */
async function killMidSend(
  t: { db: TestDatabase['db'] },
  services: Services,
  n: number,
  holdAfter: number,
  guarantee: 'at_most_once' | 'at_least_once' | undefined,
): Promise<{ sink: SmtpSink; ws: string; campaignId: string; heldAtKill: Set<string>; states: Map<string, string>; receipts: Map<string, string[]> }> {
  const sink = await startSmtpSink({ holdAfter });
  const ws = (await services.workspaces.create({ name: `crash-${guarantee ?? 'default'}` })).workspace.id;
  // The real clock drives the child: no quiet hours, no caps in the way.
  const policy = { quietHours: null, totalCap: { max: 100, days: 7 }, ...(guarantee ? { deliveryGuarantee: guarantee } : {}) };
  await services.messaging.putSettings(ws, settingsFor(sink.url, { policy }));
  const cohort = `crash-${guarantee ?? 'default'}`;
  const { segmentId } = await seedAudience(services, ws, n, { cohort });
  const campaign = await services.messaging.createCampaign(ws, { name: cohort, segmentId, template: { channel: 'email', subject: 'セール', mjml: NEWSLETTER_MJML } });
  await services.messaging.send(ws, campaign.id);

  const child = spawn(process.execPath, [BIN, 'campaign', 'work', '--limit', '200', '--concurrency', '8', '--lease', '2', '--workspace', ws], {
    env: { ...process.env, DATABASE_URL: t.db.url, LOG_LEVEL: 'silent' },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_code, signal) => resolve(signal)));
  await waitUntil(() => sink.held() > 0, 120_000).catch((err: Error) => {
    child.kill('SIGKILL');
    throw new Error(`${err.message} (${sink.received.length} received); worker stderr: ${stderr}`);
  });
  child.kill('SIGKILL');
  assert.equal(await exited, 'SIGKILL');
  // The recipients of the messages the sink holds: in the provider's hands, never acknowledged.
  const heldAtKill = new Set(sink.received.slice(holdAfter).flatMap((r) => r.to));
  assert.ok(heldAtKill.size > 0 && sink.received.length < n, `killed mid-send (${sink.received.length} of ${n} received)`);
  sink.release();

  const sending = await t.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM deliveries WHERE workspace_id = $1 AND state = 'sending'`, [ws]);
  assert.ok(sending.rows[0]!.n >= heldAtKill.size, `the held messages were committed 'sending' before their provider call (${sending.rows[0]!.n} sending)`);

  // Once the dead worker's lease (2 s) runs out, this worker finishes the campaign.
  await waitUntil(async () => {
    await services.messaging.drain({ workspaceId: ws, limit: 500 });
    return (await services.messaging.getCampaign(ws, campaign.id)).status === 'sent';
  }, 120_000);

  const { rows } = await t.db.query<{ email: string; state: string }>(
    'SELECT c.email, d.state FROM deliveries d JOIN customers c ON c.workspace_id = d.workspace_id AND c.id = d.customer_id WHERE d.workspace_id = $1',
    [ws],
  );
  const receipts = new Map<string, string[]>();
  for (const r of sink.received) {
    const messageId = /^Message-ID:\s*(<[^>]+>)/im.exec(r.raw.toString('utf8'))![1]!;
    for (const to of r.to) receipts.set(to, [...(receipts.get(to) ?? []), messageId]);
  }
  return { sink, ws, campaignId: campaign.id, heldAtKill, states: new Map(rows.map((r) => [r.email, r.state])), receipts };
}

describeEachDatabase('messaging: a worker killed mid-campaign', (t) => {
  let services: Services;
  const sinks: SmtpSink[] = [];

  before(() => {
    services = createServices(t.db);
  });
  after(async () => {
    await services?.messaging.close();
    for (const sink of sinks) await sink.close();
  });

  test('at most once (the default): after kill -9 and a second worker, no recipient gets a message twice; each either received it or is reported uncertain', async () => {
    const N = 2_000;
    const run = await killMidSend(t, services, N, 300, undefined);
    sinks.push(run.sink);

    assert.equal(run.states.size, N);
    const duplicates = [...run.receipts].filter(([, ids]) => ids.length > 1);
    assert.deepEqual(duplicates, [], 'no duplicates');
    const unaccounted = [...run.states].filter(([email, state]) => !(state === 'sent' && run.receipts.has(email)) && state !== 'uncertain');
    assert.deepEqual(unaccounted, [], 'every recipient received the message or is listed as uncertain');
    const uncertain = [...run.states].filter(([, state]) => state === 'uncertain').map(([email]) => email);
    // The held messages' fate is unknown to the sender: exactly what 'uncertain' means.
    for (const email of run.heldAtKill) assert.equal(run.states.get(email), 'uncertain', `${email} was in the provider's hands at the kill`);
    // At most three groups of `--concurrency` (8) can be between 'sending' and their recorded outcome.
    assert.ok(uncertain.length <= 24, `${uncertain.length} uncertain`);

    const report = await services.messaging.report(run.ws, run.campaignId);
    assert.equal(report.uncertain, uncertain.length, 'the report counts them');
    assert.equal(report.sent + report.uncertain, N);
    assert.ok(report.outcomes.some((o) => o.state === 'uncertain' && o.reason === 'lease_expired_while_sending' && o.count === uncertain.length));
  });

  test('at least once (policy.deliveryGuarantee): the messages in flight at the kill are sent again with the same Message-ID; none is uncertain or missed', async () => {
    const N = 1_000;
    const run = await killMidSend(t, services, N, 200, 'at_least_once');
    sinks.push(run.sink);

    assert.deepEqual([...new Set(run.states.values())], ['sent']);
    assert.equal(run.receipts.size, N, 'no recipient is missed');
    assert.ok([...run.receipts.values()].every((ids) => new Set(ids).size === 1), 'one Message-ID per recipient');
    // The held ones were resent: their recipients got the message twice, the same message.
    for (const email of run.heldAtKill) assert.equal(run.receipts.get(email)!.length, 2, `${email} received its message again`);
    assert.equal((await services.messaging.report(run.ws, run.campaignId)).uncertain, 0);
  });
});
