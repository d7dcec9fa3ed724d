import assert from 'node:assert/strict';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, test } from 'node:test';
import { createServices, type Services } from '../../app/services.ts';
import { describeEachDatabase } from '../../db/testDatabase.ts';
import { enqueueWebhookDeliveries, WEBHOOK_JOB_HANDLERS } from './jobs.ts';
import { DELIVER_JOB, MAX_ATTEMPTS, retryDelayMs } from './service.ts';
import { verify } from './signature.ts';

/** A receiver on 127.0.0.1 that answers with the statuses queued in `answers` (then 200). */
interface Received {
  headers: IncomingHttpHeaders;
  body: string;
}
let server: Server;
let url = '';
const received: Received[] = [];
const answers: number[] = [];

before(async () => {
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString('utf8')));
    req.on('end', () => {
      received.push({ headers: req.headers, body });
      res.writeHead(answers.shift() ?? 200).end('ok');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks/kizuna`;
});
after(() => new Promise<void>((resolve) => server.close(() => resolve())));

describeEachDatabase('webhook deliveries', (t) => {
  const setup = async (): Promise<{ services: Services; ws: string }> => {
    const services = createServices(t.db);
    const { workspace } = await services.workspaces.create({ name: `hooks-${Math.random()}` });
    received.length = 0;
    answers.length = 0;
    return { services, ws: workspace.id };
  };

  test('signed POST; a 500 is retried after the backoff with the same delivery id; then delivered', async () => {
    const { services, ws } = await setup();
    const { webhook, secret } = await services.webhooks.create(ws, { url });
    assert.match(secret, /^whsec_/);
    assert.equal(await services.webhooks.enqueue(ws, 'segment.membership_changed', [{ hello: 'world' }]), 1);
    answers.push(500);

    const t0 = new Date(Date.now() + 1000);
    assert.deepEqual(await services.webhooks.deliverDueWebhooks({ now: t0, workspaceId: ws }), { attempted: 1, delivered: 0, retrying: 1, failed: 0 });
    const [failed] = await services.webhooks.deliveries(ws, webhook.id);
    assert.deepEqual([failed!.status, failed!.attempts, failed!.lastStatus, failed!.lastError], ['pending', 1, 500, 'HTTP 500']);
    assert.equal(failed!.nextAttemptAt.getTime(), t0.getTime() + retryDelayMs(1));

    // Not due yet, then due.
    assert.equal((await services.webhooks.deliverDueWebhooks({ now: new Date(t0.getTime() + 10_000), workspaceId: ws })).attempted, 0);
    assert.deepEqual(await services.webhooks.deliverDueWebhooks({ now: new Date(t0.getTime() + retryDelayMs(1)), workspaceId: ws }), {
      attempted: 1,
      delivered: 1,
      retrying: 0,
      failed: 0,
    });
    const [done] = await services.webhooks.deliveries(ws, webhook.id);
    assert.deepEqual([done!.status, done!.attempts, done!.lastStatus], ['delivered', 2, 200]);

    assert.equal(received.length, 2);
    for (const r of received) {
      assert.equal(r.headers['content-type'], 'application/json');
      assert.ok(verify(secret, r.body, r.headers['x-kizuna-signature'] as string), 'the signature verifies with the secret');
      assert.ok(!verify('whsec_other', r.body, r.headers['x-kizuna-signature'] as string));
      assert.match(r.headers['x-kizuna-timestamp'] as string, /^\d{10}$/);
      const body = JSON.parse(r.body);
      assert.equal(r.headers['x-kizuna-delivery'], body.id);
      assert.equal(body.id, done!.id);
      assert.deepEqual([body.type, body.data], ['segment.membership_changed', { hello: 'world' }]);
    }
    // A retry is the same request: the receiver can drop it by delivery id.
    assert.equal(received[0]!.body, received[1]!.body);
  });

  test('unreachable endpoints are retried with growing delays and given up after the last attempt', async () => {
    const { services, ws } = await setup();
    // A port that was just free on loopback: nothing listens, the connection is refused.
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const { webhook } = await services.webhooks.create(ws, { url: `http://127.0.0.1:${port}/nothing` });
    await services.webhooks.enqueue(ws, 'segment.membership_changed', [{ n: 1 }]);
    let now = new Date(Date.now() + 1000);
    for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
      const result = await services.webhooks.deliverDueWebhooks({ now, workspaceId: ws });
      assert.equal(result.attempted, 1, `attempt ${attempt} was due`);
      now = new Date(now.getTime() + retryDelayMs(attempt));
    }
    const [d] = await services.webhooks.deliveries(ws, webhook.id);
    assert.deepEqual([d!.status, d!.attempts, d!.lastStatus], ['failed', MAX_ATTEMPTS, null]);
    assert.equal(d!.lastError, 'ECONNREFUSED');
    assert.equal((await services.webhooks.deliverDueWebhooks({ now: new Date(now.getTime() + 86_400_000), workspaceId: ws })).attempted, 0);
    assert.deepEqual([retryDelayMs(1), retryDelayMs(2), retryDelayMs(3), retryDelayMs(20)], [30_000, 60_000, 120_000, 6 * 3_600_000]);
  });

  test('endpoints get only the events and segments they asked for; removing one drops its deliveries', async () => {
    const { services, ws } = await setup();
    const segmentId = '0190a0a0-0000-7000-8000-000000000002';
    const all = await services.webhooks.create(ws, { url });
    const one = await services.webhooks.create(ws, { url, segmentIds: [segmentId] });
    assert.equal(await services.webhooks.enqueue(ws, 'segment.membership_changed', [{ a: 1 }], undefined, { segmentId }), 2);
    assert.equal(await services.webhooks.enqueue(ws, 'segment.membership_changed', [{ a: 2 }], undefined, { segmentId: '0190a0a0-0000-7000-8000-000000000003' }), 1);
    assert.equal((await services.webhooks.deliveries(ws, one.webhook.id)).length, 1);
    await services.webhooks.remove(ws, all.webhook.id);
    assert.equal((await services.webhooks.deliverDueWebhooks({ now: new Date(Date.now() + 1000), workspaceId: ws })).delivered, 1);
    assert.deepEqual((await services.webhooks.list(ws)).map((w) => w.id), [one.webhook.id]);
    await assert.rejects(services.webhooks.create(ws, { url: 'ftp://example.com/x' }));
  });
});

describeEachDatabase('webhook delivery jobs', (t) => {
  test('queuing deliveries queues a worker job; the job and the schedule deliver them', async () => {
    const services = createServices(t.db);
    const { workspace } = await services.workspaces.create({ name: `hooks-jobs-${Math.random()}` });
    const ws = workspace.id;
    received.length = 0;
    answers.length = 0;
    await services.webhooks.create(ws, { url });
    await services.webhooks.enqueue(ws, 'segment.membership_changed', [{ n: 1 }]);
    const jobs = async () => (await t.db.query<{ id: string }>(`SELECT id FROM jobs WHERE workspace_id = $1 AND kind = $2`, [ws, DELIVER_JOB])).rows;
    assert.equal((await jobs()).length, 1);

    const job = { workspaceId: ws, id: 'x', kind: DELIVER_JOB, payload: {}, dedupeKey: null, runAt: new Date(), attempts: 1, maxAttempts: 5, lastError: null };
    answers.push(503);
    assert.deepEqual(await WEBHOOK_JOB_HANDLERS[DELIVER_JOB]!(services, job), { attempted: 1, delivered: 0, retrying: 1, failed: 0 });
    // The retry is due in 30 s: the schedule then queues another job for this workspace.
    const later = new Date(Date.now() + retryDelayMs(1) + 1000);
    assert.deepEqual(await services.webhooks.workspacesWithDueDeliveries(later), [ws]);
    assert.equal(await enqueueWebhookDeliveries(services, later), 1);
    assert.equal(await enqueueWebhookDeliveries(services, later), 0, 'once a minute');
    assert.equal((await jobs()).length, 2);
  });
});
