/**
 * Three `kizuna serve --no-worker` and two `kizuna worker` on one database (issue 22). Through the
 * APIs, concurrently: ingest, a campaign send, journey entries; a scoring job runs too. Mid-send
 * the worker holding the send job and one API get SIGKILL. Checked: every acknowledged event is
 * stored; no customer gets a message twice and no delivery is logged sent twice; only a delivery
 * the killed worker had in the provider's hands may end 'uncertain' (at most once); every journey
 * run took each step exactly once; every job finished.
 *
 * Kept small (a few hundred messages and runs) so it fits `npm test` on both databases: waits end on
 * a condition and fail only when nothing moves for STALL_MS, never after a fixed short time.
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { describeEachDatabase } from '../db/testDatabase.ts';
import { RUN_JOB } from '../modules/journeys/jobs.ts';
import { seedAudience, settingsFor } from '../modules/messaging/testKit.ts';
import { createServices } from './services.ts';
import { ensureWebBuilt } from './webBuild.ts';

const BIN = fileURLToPath(new URL('../../bin/kizuna.js', import.meta.url));
const AUDIENCE = 240;
/** Per worker: the send takes seconds, so the kill lands inside it. */
const SMS_PER_SECOND = 40;
const JOURNEY_CUSTOMERS = 120;
const JOURNEY_STEPS = ['points', 'tag', 'sms', 'end'];
/** A wait fails when its progress measure has not changed for this long (job and delivery leases lapse after 6 s). */
const STALL_MS = 60_000;

before(async () => {
  // Each `serve` would otherwise build a stale web app itself, three at once.
  await ensureWebBuilt({ quiet: true });
});

describeEachDatabase('several API and worker processes, one API and one worker killed mid-run', (t) => {
  const children: ChildProcess[] = [];
  after(() => {
    for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  });

  test('no acknowledged event lost, no message sent twice, no journey step run twice, every job finished', { timeout: 600_000 }, async (ctx) => {
    const t0 = Date.now();
    const phases: string[] = [];
    const phase = (name: string) => phases.push(`${name} ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    const services = createServices(t.db);
    const { workspace, apiKey } = await services.workspaces.create({ name: 'multi' });
    const ws = workspace.id;
    // The outbox channel stores what would be sent; the rate limit stretches the send over seconds.
    await services.messaging.putSettings(ws, settingsFor(undefined, { outbox: { channels: ['sms'] }, policy: { quietHours: null, ratePerSecond: { sms: SMS_PER_SECOND } } }));
    const { segmentId } = await seedAudience(services, ws, AUDIENCE, { cohort: 'multi' });
    const { customerIds: journeyCustomers } = await seedAudience(services, ws, JOURNEY_CUSTOMERS, { cohort: 'jour' });
    phase('seeded');
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
    const [apis, workers] = await Promise.all([
      Promise.all([0, 1, 2].map(() => start(['serve', '--no-worker', '--port', '0'], /running at (http:\/\/[^\s"]+)/))),
      Promise.all([0, 1].map(() => start(['worker'], /worker (\S+) started/))),
    ]);
    phase('started');
    const headers = { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' };
    const alive = new Set(apis.map((a) => a.match));
    let turn = 0;
    const nextApi = () => [...alive][turn++ % alive.size]!;
    let stop = false;

    const created = await fetch(`${apis[1]!.match}/v1/journeys`, {
      method: 'POST',
      headers,
      body: JSON.stringify({
        name: 'multi',
        definition: {
          trigger: { type: 'api' },
          entry: { mode: 'once' },
          start: 'points',
          holdoutPercent: 0,
          goal: null,
          steps: [
            { id: 'points', type: 'points', points: 10, reason: 'multi-process test', next: 'tag' },
            { id: 'tag', type: 'attribute', key: 'multi_tag', value: 'x', next: 'sms' },
            { id: 'sms', type: 'send', template: { channel: 'sms', text: 'journey' }, next: 'end' },
            { id: 'end', type: 'exit' },
          ],
        },
      }),
    });
    assert.equal(created.status, 200, await created.clone().text());
    const journeyId = ((await created.json()) as { id: string }).id;
    const activated = await fetch(`${apis[2]!.match}/v1/journeys/${journeyId}/activate`, { method: 'POST', headers: { authorization: headers.authorization } });
    assert.equal(activated.status, 200, await activated.text());

    // Ingest: three writers, batches of five events, round-robin over the live APIs.
    const acknowledged: string[] = [];
    let batches = 0;
    const writer = async () => {
      while (!stop) {
        const userId = `w-${batches++}`;
        const ids = Array.from({ length: 5 }, (_, i) => `${userId}-m${i}`);
        try {
          const res = await fetch(`${nextApi()}/v1/batch`, { method: 'POST', headers, body: JSON.stringify({ batch: ids.map((messageId) => ({ type: 'track', userId, messageId, event: 'Product Viewed' })) }) });
          if (res.status === 200) acknowledged.push(...ids);
        } catch {
          // The killed API: not acknowledged, the client would retry elsewhere.
        }
      }
    };
    // Journeys: customers entered one by one through the APIs; every ten, a run job (what the
    // schedule's minute tick enqueues), so runs are being stepped when the kill lands.
    const entered = new Set<string>();
    const journeyDriver = async () => {
      for (let i = 0; i < journeyCustomers.length && !stop; i++) {
        try {
          const res = await fetch(`${nextApi()}/v1/journeys/${journeyId}/enter`, { method: 'POST', headers, body: JSON.stringify({ customer: journeyCustomers[i] }) });
          if (res.status === 200 && ((await res.json()) as { entered: boolean }).entered) entered.add(journeyCustomers[i]!);
        } catch {
          // The killed API: the entry may or may not have been made; checked below either way.
        }
        if (i % 10 === 9) await services.jobs.enqueue(ws, { kind: RUN_JOB, dedupeKey: `multi:run:${i}` });
      }
    };
    const drivers = [writer(), writer(), writer(), journeyDriver()];

    const campaign = await fetch(`${apis[1]!.match}/v1/campaigns`, { method: 'POST', headers, body: JSON.stringify({ name: 'multi', segmentId, template: { channel: 'sms', text: 'hi' } }) });
    assert.equal(campaign.status, 200, await campaign.clone().text());
    const campaignId = ((await campaign.json()) as { id: string }).id;
    const sent = await fetch(`${apis[1]!.match}/v1/campaigns/${campaignId}/send`, { method: 'POST', headers: { authorization: headers.authorization } });
    assert.equal(sent.status, 200, await sent.text());
    await services.jobs.enqueue(ws, { kind: 'score', dedupeKey: 'multi:score' });

    // Mid-send: some campaign messages out, and a worker holding the send job (it is killed).
    const campaignSent = () => count(`SELECT count(*)::int AS n FROM deliveries WHERE workspace_id = $1 AND campaign_id = '${campaignId}' AND state = 'sent'`, ws);
    let victim: (typeof workers)[number] | undefined;
    await until(
      'a worker sending the campaign',
      async () => {
        if ((await campaignSent()) < AUDIENCE / 6) return false;
        const { rows } = await t.db.query<{ locked_by: string }>(`SELECT locked_by FROM jobs WHERE workspace_id = $1 AND kind = 'messaging.send' AND completed_at IS NULL AND locked_until > now()`, [ws]);
        victim = workers.find((w) => rows.some((r) => r.locked_by === w.match));
        return victim !== undefined;
      },
      campaignSent,
    );
    phase('kill');
    alive.delete(apis[0]!.match);
    apis[0]!.child.kill('SIGKILL');
    victim!.child.kill('SIGKILL');
    const sentAtKill = await campaignSent();
    // The rows that may have been in a provider's hands when their worker died: those seen 'sending'
    // from the kill until a second after it exited (a COMMIT it sent may still be on its way in).
    const inFlight = new Set<string>();
    const exited = new Promise((resolve) => (victim!.child.exitCode !== null || victim!.child.signalCode !== null ? resolve(null) : victim!.child.once('exit', resolve)));
    let settledAt = Infinity;
    void exited.then(() => (settledAt = Date.now() + 1_000));
    while (Date.now() < settledAt) {
      for (const r of (await t.db.query<{ id: string }>(`SELECT id FROM deliveries WHERE workspace_id = $1 AND state = 'sending'`, [ws])).rows) inFlight.add(r.id);
      await new Promise((r) => setTimeout(r, 20));
    }
    assert.ok(sentAtKill < AUDIENCE, `the send finished (${sentAtKill}) before the kill`);

    // The survivors keep taking traffic until ingest has gone on after the kill, then the drivers stop.
    const ackAtKill = acknowledged.length;
    await until('ingest after the kill', async () => acknowledged.length >= ackAtKill + 50, async () => acknowledged.length);
    stop = true;
    await Promise.all(drivers);
    await services.jobs.enqueue(ws, { kind: RUN_JOB, dedupeKey: 'multi:run:last' });
    phase('drivers stopped');

    const unsettled = `SELECT count(*)::int AS n FROM deliveries WHERE workspace_id = $1 AND state IN ('queued', 'deferred', 'claimed', 'sending')`;
    // Due jobs only: the schedule also queues future ones (the next segment refresh).
    const unfinished = `SELECT count(*)::int AS n FROM jobs WHERE workspace_id = $1 AND completed_at IS NULL AND failed_at IS NULL AND run_at <= now()`;
    const runsLive = `SELECT count(*)::int AS n FROM journey_runs WHERE workspace_id = $1 AND state <> 'exited'`;
    await until(
      'every delivery settled, every job and journey run finished',
      async () => (await count(unsettled, ws)) === 0 && (await count(unfinished, ws)) === 0 && (await count(runsLive, ws)) === 0,
      async () =>
        count(
          `SELECT ((SELECT count(*) FROM delivery_log WHERE workspace_id = $1) + (SELECT count(*) FROM jobs WHERE workspace_id = $1 AND completed_at IS NOT NULL)
                 + (SELECT count(*) FROM journey_step_log WHERE workspace_id = $1))::int AS n`,
          ws,
        ),
      async () =>
        JSON.stringify(
          (
            await t.db.query(
              `SELECT 'job' AS what, kind AS name, run_at, locked_by, attempts, last_error FROM jobs WHERE workspace_id = $1 AND completed_at IS NULL AND failed_at IS NULL AND run_at <= now()
               UNION ALL SELECT 'delivery', state, due_at, NULL, attempts, reason FROM deliveries WHERE workspace_id = $1 AND state IN ('queued', 'deferred', 'claimed', 'sending')
               UNION ALL SELECT 'run', state, NULL, NULL, NULL, NULL FROM journey_runs WHERE workspace_id = $1 AND state <> 'exited' LIMIT 20`,
              [ws],
            )
          ).rows,
        ),
    );

    phase('settled');
    ctx.diagnostic(phases.join(', '));
    // Ingest: nothing acknowledged is missing.
    const stored = new Set((await t.db.query<{ id: string }>(`SELECT message_id AS id FROM events WHERE workspace_id = $1 AND message_id = ANY($2)`, [ws, acknowledged])).rows.map((r) => r.id));
    const lost = acknowledged.filter((id) => !stored.has(id));
    assert.deepEqual(lost, [], `${lost.length} of ${acknowledged.length} acknowledged events lost`);

    // Sends: at most once per customer; only rows in flight at the kill may be uncertain.
    const states = await t.db.query<{ id: string; state: string; campaign_id: string | null }>(`SELECT id, state, campaign_id FROM deliveries WHERE workspace_id = $1`, [ws]);
    const uncertain = states.rows.filter((d) => d.state === 'uncertain');
    const campaignRows = states.rows.filter((d) => d.campaign_id === campaignId);
    assert.equal(campaignRows.length, AUDIENCE);
    assert.deepEqual(
      states.rows.filter((d) => d.state !== 'sent' && d.state !== 'uncertain').map((d) => d.state),
      [],
      'every delivery sent, or uncertain after its worker died',
    );
    assert.deepEqual(uncertain.filter((d) => !inFlight.has(d.id)).map((d) => d.id), [], 'uncertain only if it was sending when the worker was killed');
    const twiceInOutbox = await count(`SELECT count(*)::int AS n FROM (SELECT customer_id FROM outbox_messages WHERE workspace_id = $1 GROUP BY customer_id HAVING count(*) > 1) x`, ws);
    const twiceLogged = await count(`SELECT count(*)::int AS n FROM (SELECT delivery_id FROM delivery_log WHERE workspace_id = $1 AND kind = 'sent' GROUP BY delivery_id HAVING count(*) > 1) x`, ws);
    const outbox = await count(`SELECT count(*)::int AS n FROM outbox_messages WHERE workspace_id = $1`, ws);
    const delivered = states.rows.length - uncertain.length;
    assert.equal(twiceInOutbox, 0, 'a customer got a message twice');
    assert.equal(twiceLogged, 0, 'a delivery was sent twice');
    assert.ok(outbox >= delivered && outbox <= states.rows.length, `outbox ${outbox}: one per sent delivery (${delivered}), at most one per uncertain one`);

    // Journeys: each run took every step once, in order; every acknowledged entry has its run.
    const runs = await t.db.query<{ customer_id: string; steps: string[]; state: string }>(
      `SELECT r.customer_id, array_agg(l.step_id ORDER BY l.visit) AS steps, r.state FROM journey_runs r
       JOIN journey_step_log l ON l.workspace_id = r.workspace_id AND l.run_id = r.id WHERE r.workspace_id = $1 GROUP BY r.id, r.customer_id, r.state`,
      [ws],
    );
    const ran = new Set(runs.rows.map((r) => r.customer_id));
    assert.deepEqual([...entered].filter((c) => !ran.has(c)), [], 'an acknowledged entry has no run');
    for (const r of runs.rows) assert.deepEqual([r.steps, r.state], [JOURNEY_STEPS, 'exited'], `run of ${r.customer_id}`);
    assert.equal(await count(`SELECT count(*)::int AS n FROM journey_runs WHERE workspace_id = $1`, ws), runs.rows.length, 'a run with no step');
    assert.equal(await count(`SELECT count(*)::int AS n FROM points_ledger WHERE workspace_id = $1 AND kind = 'adjust'`, ws), runs.rows.length, 'points awarded once per run');
    assert.equal(states.rows.length - campaignRows.length, runs.rows.length, 'one journey message per run');

    const failedJobs = await count(`SELECT count(*)::int AS n FROM jobs WHERE workspace_id = $1 AND failed_at IS NOT NULL`, ws);
    assert.equal(failedJobs, 0);
    assert.ok((await count(`SELECT count(*)::int AS n FROM customer_scores WHERE workspace_id = $1`, ws)) > 0, 'the scoring job ran');
    ctx.diagnostic(
      `acknowledged events ${acknowledged.length}; campaign sent ${sentAtKill} at the kill, deliveries ${states.rows.length} (${uncertain.length} uncertain of ${inFlight.size} in flight); ` +
        `journey runs ${runs.rows.length} (${entered.size} acknowledged); no duplicates`,
    );
  });

  async function count(sql: string, ws: string): Promise<number> {
    return (await t.db.query<{ n: number }>(sql, [ws])).rows[0]!.n;
  }
});

/** Polls `condition`; fails only when `progress` has not changed for STALL_MS (a slow machine is not a failure). */
async function until(what: string, condition: () => Promise<boolean>, progress: () => Promise<number>, state?: () => Promise<string>): Promise<void> {
  let last = await progress();
  let movedAt = Date.now();
  while (!(await condition())) {
    const now = await progress();
    if (now !== last) [last, movedAt] = [now, Date.now()];
    else if (Date.now() - movedAt > STALL_MS) throw new Error(`${what}: no progress for ${STALL_MS} ms (at ${now}) ${state ? await state() : ''}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
