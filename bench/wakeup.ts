/**
 * `npm run bench:wakeup`: how soon queued work starts, through the real server.
 *
 * 1. Wake-up: `kizuna serve` (embedded database, fresh data dir) idles; POST /v1/campaigns/:id/send;
 *    time until the first message reaches a local SMTP sink. Target < 2 s.
 * 2. Resume: while that campaign is sending, `kill -9` the server (its embedded PostgreSQL is left
 *    running, as after a real crash) and start it again; time from the restart until messages reach
 *    the sink again, and until the campaign is fully sent. Target: resumed < 15 s.
 * Prints the figures; asserts nothing. The sink answers each message after a pause so that the
 * campaign is still sending at the kill. At most once (the default) means no recipient receives
 * two messages; those in flight at the kill are reported uncertain instead of being resent.
 */
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { createServices } from '../src/app/services.ts';
import { loadConfig } from '../src/config.ts';
import { openDatabase } from '../src/db/open.ts';
import { NEWSLETTER_MJML, seedAudience, settingsFor, startSmtpSink } from '../src/modules/messaging/testKit.ts';
import { enqueueDueJobs } from '../src/worker/schedule.ts';
import { runOneJob } from '../src/worker/worker.ts';
import { startServer } from './server.ts';
import { below, reportResults } from './results.ts';

// The sinks listen on 127.0.0.1, which outbound URLs may reach only when private addresses are allowed (docs/security.md).
process.env.KIZUNA_ALLOW_PRIVATE_URLS = '1';

const N = 1_500;
const dir = mkdtempSync(path.join(tmpdir(), 'kizuna-wakeup-'));
chmodSync(dir, 0o755);
const { DATABASE_URL: _external, ...baseEnv } = process.env;
const env = { ...baseEnv, KIZUNA_DATA_DIR: dir };
const sink = await startSmtpSink({ keep: false, delayMs: 20 });

async function waitFor(done: () => boolean, timeoutMs: number, what: string): Promise<number> {
  const started = performance.now();
  while (!done()) {
    if (performance.now() - started > timeoutMs) throw new Error(`${what}: not after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 5));
  }
  return performance.now() - started;
}

const secs = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
console.log(`load average ${loadavg().map((v) => v.toFixed(1)).join(' ')} on ${availableParallelism()} cores (wall times grow with it)`);

try {
  // Setup in process, then the database is closed: the server owns it from here.
  const open = await openDatabase(loadConfig({ dataDir: dir }));
  const services = createServices(open.db);
  const { workspace, apiKey } = await services.workspaces.create({ name: 'wakeup' });
  await services.messaging.putSettings(workspace.id, settingsFor(sink.url, { policy: { quietHours: null, totalCap: { max: 100, days: 7 } } }));
  const { segmentId } = await seedAudience(services, workspace.id, N, { cohort: 'wakeup' });
  await services.segments.refresh(workspace.id, segmentId);
  const campaign = await services.messaging.createCampaign(workspace.id, {
    name: 'wakeup',
    segmentId,
    template: { channel: 'email', subject: 'お知らせ', mjml: NEWSLETTER_MJML },
  });
  // The first scoring and other due jobs run now: the server's worker starts idle, as it is when a
  // marketer presses send (it runs one job at a time, so a send behind a long job waits for it).
  await enqueueDueJobs(services);
  while (await runOneJob(services, 'bench-setup'));
  await services.messaging.close();
  await open.close();

  let server = await startServer(env);
  // Let the worker's first turn pass, so the measure is of an idle worker being woken.
  await new Promise((r) => setTimeout(r, 1_000));
  const posted = performance.now();
  const res = await fetch(`${server.url}/v1/campaigns/${campaign.id}/send`, { method: 'POST', headers: { authorization: `Bearer ${apiKey}` } });
  const answered = performance.now() - posted;
  if (!res.ok) throw new Error(`send: ${res.status} ${await res.text()}`);
  await waitFor(() => sink.received.length > 0, 120_000, 'first message');
  const wake = performance.now() - posted;
  reportResults([below('send → first message at the SMTP sink', `${N} recipients`, Number((wake / 1000).toFixed(2)), 's', 2)]);
  console.log(`send → first message at the SMTP sink: ${secs(wake)} (target < 2 s; the POST, which queues ${N} deliveries, answered after ${secs(answered)})`);

  await waitFor(() => sink.received.length >= 200, 120_000, '200 messages');
  server.child.kill('SIGKILL');
  await new Promise((r) => server.child.once('exit', r));
  await new Promise((r) => setTimeout(r, 300));
  const atKill = sink.received.length;
  console.log(`kill -9 of the sending server after ${atKill} of ${N} messages`);

  const restarted = performance.now();
  server = await startServer(env);
  const listening = performance.now() - restarted;
  await waitFor(() => sink.received.length > atKill, 120_000, 'resume');
  const resumed = performance.now() - restarted;
  reportResults([below('kill -9, restart → sending again', `${N} recipients`, Number((resumed / 1000).toFixed(2)), 's', 15)]);
  console.log(`restart → sending again: ${secs(resumed)} (target < 15 s; the server listened after ${secs(listening)})`);
  const auth = { authorization: `Bearer ${apiKey}` };
  for (const deadline = performance.now() + 300_000; ; await new Promise((r) => setTimeout(r, 200))) {
    const current = (await (await fetch(`${server.url}/v1/campaigns/${campaign.id}`, { headers: auth })).json()) as { status: string };
    if (current.status === 'sent') break;
    if (performance.now() > deadline) throw new Error('all messages: not after 300000 ms');
  }
  const report = (await (await fetch(`${server.url}/v1/campaigns/${campaign.id}/report`, { headers: auth })).json()) as { sent: number; uncertain: number };
  const recipients = new Set(sink.received.flatMap((r) => r.to)).size;
  console.log(
    `restart → campaign fully sent: ${secs(performance.now() - restarted)} (${sink.received.length} receipts for ${N} recipients, ${recipients} distinct; ` +
      `report: ${report.sent} sent, ${report.uncertain} uncertain)`,
  );
  await server.stop();
} finally {
  await sink.close();
  rmSync(dir, { recursive: true, force: true });
}
