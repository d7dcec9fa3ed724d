/**
 * Three `kizuna serve --no-worker` and two `kizuna worker` on one database; ingest and a campaign
 * send run while one API and one worker are killed with SIGKILL. Checked: every acknowledged event
 * is stored, no delivery is sent (or logged as sent) twice, every job finishes.
 *
 * Five processes are heavy for a shared machine: runs only with KIZUNA_MULTIPROCESS_TEST=1
 * (docs/scale-out.md), on one target (the external server when DATABASE_URL is set).
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { after, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { describeEachDatabase, testTargets } from '../db/testDatabase.ts';
import { seedAudience, settingsFor } from '../modules/messaging/testKit.ts';
import { createServices } from './services.ts';

const BIN = fileURLToPath(new URL('../../bin/kizuna.js', import.meta.url));
const enabled = process.env.KIZUNA_MULTIPROCESS_TEST === '1';
const AUDIENCE = 1500;

describeEachDatabase('several API and worker processes, one API and one worker killed mid-run', (t) => {
  const children: ChildProcess[] = [];
  after(() => {
    for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  });

  const only = testTargets().at(-1)!.name;
  test('no acknowledged event lost, no message sent twice, every job finished', { skip: !enabled, timeout: 300_000 }, async (ctx) => {
    if (t.target !== only) return ctx.skip(`runs on ${only} only`);
    const services = createServices(t.db);
    const { workspace, apiKey } = await services.workspaces.create({ name: 'multi' });
    const ws = workspace.id;
    // The outbox channel stores what would be sent; a rate limit stretches the send over seconds.
    await services.messaging.putSettings(ws, settingsFor(undefined, { outbox: { channels: ['sms'] }, policy: { quietHours: null, ratePerSecond: { sms: 100 } } }));
    const { segmentId } = await seedAudience(services, ws, AUDIENCE, { cohort: 'multi' });
    const env = { ...process.env, DATABASE_URL: t.db.url, LOG_LEVEL: 'warn', KIZUNA_LOG: 'json' };

    const start = (args: string[], ready: RegExp) => {
      const child = spawn(process.execPath, [BIN, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
      children.push(child);
      let output = '';
      return new Promise<{ child: ChildProcess; match: string }>((resolve, reject) => {
        const onData = (chunk: Buffer) => {
          output += chunk.toString();
          const m = ready.exec(output);
          if (m) resolve({ child, match: m[1] ?? '' });
        };
        child.stdout!.on('data', onData);
        child.stderr!.on('data', onData);
        child.once('exit', (code) => reject(new Error(`${args.join(' ')} exited (${code}):\n${output}`)));
      });
    };
    const apis = await Promise.all([0, 1, 2].map(() => start(['serve', '--no-worker', '--port', '0'], /running at (http:\/\/[^\s"]+)/)));
    const workers = await Promise.all([0, 1].map(() => start(['worker'], /worker (\S+) started/)));
    const headers = { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' };
    const alive = new Set(apis.map((a) => a.match));

    const acknowledged: string[] = [];
    let stop = false;
    let batches = 0;
    const writer = async () => {
      while (!stop) {
        const userId = `w-${batches++}`;
        const ids = Array.from({ length: 5 }, (_, i) => `${userId}-m${i}`);
        const url = [...alive][batches % alive.size]!;
        try {
          const res = await fetch(`${url}/v1/batch`, { method: 'POST', headers, body: JSON.stringify({ batch: ids.map((messageId) => ({ type: 'track', userId, messageId, event: 'Product Viewed' })) }) });
          if (res.status === 200) acknowledged.push(...ids);
        } catch {
          // The killed API: not acknowledged, the client would retry elsewhere.
        }
      }
    };
    const writers = Array.from({ length: 3 }, writer);

    const created = await fetch(`${apis[1]!.match}/v1/campaigns`, { method: 'POST', headers, body: JSON.stringify({ name: 'multi', segmentId, template: { channel: 'sms', text: 'hi' } }) });
    assert.equal(created.status, 200, await created.clone().text());
    const campaignId = ((await created.json()) as { id: string }).id;
    const sent = await fetch(`${apis[1]!.match}/v1/campaigns/${campaignId}/send`, { method: 'POST', headers: { authorization: headers.authorization } });
    assert.equal(sent.status, 200, await sent.text());
    await services.jobs.enqueue(ws, { kind: 'score', dedupeKey: 'multi:score' });

    // Mid-send: some messages out, most still queued.
    await until(async () => (await count(`SELECT count(*)::int AS n FROM deliveries WHERE workspace_id = $1 AND state = 'sent'`, ws)) >= 100, 120_000);
    alive.delete(apis[0]!.match);
    apis[0]!.child.kill('SIGKILL');
    workers[0]!.child.kill('SIGKILL');
    await new Promise((r) => setTimeout(r, 3_000));
    stop = true;
    await Promise.all(writers);

    await until(
      async () =>
        (await count(`SELECT count(*)::int AS n FROM deliveries WHERE workspace_id = $1 AND state IN ('queued', 'deferred', 'claimed', 'sending')`, ws)) === 0 &&
        (await count(`SELECT count(*)::int AS n FROM jobs WHERE workspace_id = $1 AND completed_at IS NULL AND failed_at IS NULL`, ws)) === 0,
      180_000,
    );

    const stored = new Set((await t.db.query<{ id: string }>(`SELECT message_id AS id FROM events WHERE workspace_id = $1 AND message_id = ANY($2)`, [ws, acknowledged])).rows.map((r) => r.id));
    const lost = acknowledged.filter((id) => !stored.has(id));
    assert.deepEqual(lost, [], `${lost.length} of ${acknowledged.length} acknowledged events lost`);

    const twiceInOutbox = await count(`SELECT count(*)::int AS n FROM (SELECT customer_id FROM outbox_messages WHERE workspace_id = $1 GROUP BY campaign_id, customer_id HAVING count(*) > 1) x`, ws);
    const twiceLogged = await count(`SELECT count(*)::int AS n FROM (SELECT delivery_id FROM delivery_log WHERE workspace_id = $1 AND kind = 'sent' GROUP BY delivery_id HAVING count(*) > 1) x`, ws);
    const delivered = await count(`SELECT count(*)::int AS n FROM deliveries WHERE workspace_id = $1 AND state = 'sent'`, ws);
    ctx.diagnostic(`acknowledged events ${acknowledged.length}, deliveries sent ${delivered}, customers with two outbox messages ${twiceInOutbox}, deliveries logged sent twice ${twiceLogged}`);
    assert.equal(delivered, AUDIENCE);
    assert.equal(twiceInOutbox, 0, 'a customer got the campaign twice');
    assert.equal(twiceLogged, 0, 'a delivery was sent twice');
    const failedJobs = await count(`SELECT count(*)::int AS n FROM jobs WHERE workspace_id = $1 AND failed_at IS NOT NULL`, ws);
    assert.equal(failedJobs, 0);
  });

  async function count(sql: string, ws: string): Promise<number> {
    return (await t.db.query<{ n: number }>(sql, [ws])).rows[0]!.n;
  }
});

async function until(condition: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 250));
  }
}
