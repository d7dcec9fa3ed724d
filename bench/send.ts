/**
 * `npm run bench:send -- [--messages 5000] [--concurrency 16] [--connections 5] [--batch 1000] [--profile drain.cpuprofile]`
 *
 * Sends one email campaign of `--messages` recipients through the whole path: enqueue, claim,
 * facts loaded in bulk, the delivery gate, MJML/Liquid render, pooled SMTP to a local smtp-server
 * sink (in a child process, as a real relay would be), settle and log. Prints messages/s, the
 * split of the drain's time by phase (dispatch.ts, PhaseMs), and the CPU time of the sender, of
 * the sink and of the embedded database server. `--profile` writes a V8 CPU profile of the drain alone (not the seeding), for Chrome
 * DevTools or speedscope. Target: ≥ 1,500 msg/s on 2 cores (issue 19.4). The database is a throw-away embedded server, or a fresh database on DATABASE_URL's
 * server when that is set. Asserts nothing.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { parseArgs } from 'node:util';
import { createServices } from '../src/app/services.ts';
import { loadConfig } from '../src/config.ts';
import { openDatabase } from '../src/db/open.ts';
import { NEWSLETTER_MJML, seedAudience, settingsFor } from '../src/modules/messaging/testKit.ts';
import { descendantsCpuSeconds } from './processTiming.ts';
import { benchTargets } from './server.ts';

// The sinks listen on 127.0.0.1, which outbound URLs may reach only when private addresses are allowed (docs/security.md).
process.env.KIZUNA_ALLOW_PRIVATE_URLS = '1';

const { values } = parseArgs({
  options: {
    messages: { type: 'string', default: '5000' },
    concurrency: { type: 'string', default: '16' },
    connections: { type: 'string', default: '5' },
    batch: { type: 'string', default: '1000' },
    profile: { type: 'string' },
  },
});
const n = Number(values.messages);

// The sink: smtp-server in its own process, counting what it accepts.
const sink = spawn(
  process.execPath,
  [
    '--import',
    'tsx',
    '--input-type=module',
    '--eval',
    `import { startSmtpSink } from './src/modules/messaging/testKit.ts';
     const sink = await startSmtpSink({ keep: false });
     console.log(sink.url);
     process.stdin.on('data', () => { const cpu = process.cpuUsage(); console.log(sink.received.length + ' ' + (cpu.user + cpu.system)); });`,
  ],
  { stdio: ['pipe', 'pipe', 'inherit'] },
);
const sinkLines = (async function* () {
  let buffer = '';
  for await (const chunk of sink.stdout!) {
    buffer += chunk;
    let i: number;
    while ((i = buffer.indexOf('\n')) >= 0) {
      yield buffer.slice(0, i);
      buffer = buffer.slice(i + 1);
    }
  }
})();
const smtpUrl = (await sinkLines.next()).value as string;
/** Messages the sink received, and its CPU time in seconds so far. */
const sinkState = async () => {
  sink.stdin!.write('\n');
  const [received, cpuMicros] = ((await sinkLines.next()).value as string).split(' ').map(Number);
  return { received: received!, cpuSeconds: cpuMicros! / 1e6 };
};

const targets = await benchTargets();
const target = targets.find((t) => t.name === 'external') ?? targets[0]!;
const open = await openDatabase(loadConfig({ databaseUrl: target.env.DATABASE_URL, dataDir: target.env.KIZUNA_DATA_DIR }), { poolSize: 20 });
const services = createServices(open.db);
try {
  const { workspace } = await services.workspaces.create({ name: 'bench-send' });
  const ws = workspace.id;
  await services.messaging.putSettings(
    ws,
    settingsFor(smtpUrl, { email: { smtpUrl, maxConnections: Number(values.connections) }, policy: { quietHours: null, totalCap: { max: 1000, days: 7 } } }),
  );
  let started = performance.now();
  const { segmentId } = await seedAudience(services, ws, n, { cohort: 'bench' });
  console.log(`seeded ${n.toLocaleString('en')} customers with consent and a segment in ${sec(started)} s (${open.where})`);

  const campaign = await services.messaging.createCampaign(ws, {
    name: 'bench',
    segmentId,
    template: { channel: 'email', subject: '{{ customer.given_name }}様 冬のセールのお知らせ', mjml: NEWSLETTER_MJML },
  });
  started = performance.now();
  const { enqueued } = await services.messaging.send(ws, campaign.id);
  console.log(`enqueued ${enqueued.toLocaleString('en')} deliveries in ${sec(started)} s`);

  const profiler = values.profile ? new Session() : undefined;
  if (profiler) {
    profiler.connect();
    await profiler.post('Profiler.enable');
    await profiler.post('Profiler.start');
  }
  started = performance.now();
  const cpuBefore = process.cpuUsage();
  const sinkBefore = await sinkState();
  // The embedded server's processes are ours (the sink aside); an external server's are not measured.
  const databaseCpu = () => (target.name === 'embedded' ? descendantsCpuSeconds([sink.pid!]) : null);
  const databaseBefore = databaseCpu();
  const total = { sent: 0, suppressed: 0, failed: 0, totalMs: 0, passes: 0 };
  const phases: Record<string, number> = {};
  for (;;) {
    const pass = await services.messaging.drain({ workspaceId: ws, limit: Number(values.batch), concurrency: Number(values.concurrency) });
    if (pass.claimed === 0) break;
    total.passes++;
    total.sent += pass.sent;
    total.suppressed += pass.suppressed;
    total.failed += pass.failed;
    total.totalMs += pass.totalMs;
    for (const [phase, ms] of Object.entries(pass.phaseMs)) phases[phase] = (phases[phase] ?? 0) + ms;
  }
  const wall = (performance.now() - started) / 1000;
  const cpu = process.cpuUsage(cpuBefore);
  const cpuSeconds = (cpu.user + cpu.system) / 1e6;
  if (profiler) {
    const { profile } = await profiler.post('Profiler.stop');
    writeFileSync(values.profile!, JSON.stringify(profile));
    profiler.disconnect();
  }
  const sinkAfter = await sinkState();
  const databaseAfter = databaseCpu();
  const received = sinkAfter.received;
  console.log(JSON.stringify({ ...total, totalMs: Math.round(total.totalMs), received }));
  console.log(
    `send: ${total.sent.toLocaleString('en')} messages in ${wall.toFixed(2)} s = ${Math.round(total.sent / wall).toLocaleString('en')} messages/s ` +
      `(target ≥ 1,500, issue 19.4); the SMTP sink received ${received.toLocaleString('en')}`,
  );
  // Summed over concurrent tasks, so they overlap: `provider` is the sends in flight, `render` is CPU.
  console.log(
    `phases (ms summed over tasks; % of the drain's ${Math.round(total.totalMs)} ms): ` +
      Object.entries(phases)
        .map(([phase, ms]) => `${phase} ${Math.round(ms)} (${((100 * ms) / total.totalMs).toFixed(0)} %)`)
        .join(', '),
  );
  // The machine may be shared: the sender's own CPU time shows what one core sustains whatever the load.
  const [load] = (await import('node:os')).loadavg();
  console.log(
    `sender CPU: ${cpuSeconds.toFixed(1)} s = ${Math.round(total.sent / cpuSeconds).toLocaleString('en')} messages per CPU-second; ` +
      `SMTP sink CPU: ${(sinkAfter.cpuSeconds - sinkBefore.cpuSeconds).toFixed(1)} s; ` +
      `database CPU: ${databaseBefore === null || databaseAfter === null ? 'not measured' : `${(databaseAfter - databaseBefore).toFixed(1)} s`}; load average ${load!.toFixed(1)} on ${(await import('node:os')).availableParallelism()} cores`,
  );
} finally {
  await services.messaging.close();
  await open.close();
  for (const t of targets) await t.cleanup();
  sink.kill();
  await once(sink, 'exit');
}

function sec(since: number): string {
  return ((performance.now() - since) / 1000).toFixed(1);
}
