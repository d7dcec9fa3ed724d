/**
 * `npm run bench:send -- [--messages 5000] [--concurrency 16] [--connections 5] [--batch 1000]`
 *
 * Sends one email campaign of `--messages` recipients through the whole path: enqueue, claim,
 * facts loaded in bulk, the delivery gate, MJML/Liquid render, pooled SMTP to a local smtp-server
 * sink (in a child process, as a real relay would be), settle and log. Prints messages/s and the
 * gate's share of the time (loading facts + deciding, over the whole drain). Target: ≥ 500 msg/s on
 * 2 cores. The database is a throw-away embedded server, or a fresh database on DATABASE_URL's
 * server when that is set. Asserts nothing.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { parseArgs } from 'node:util';
import { createServices } from '../src/app/services.ts';
import { loadConfig } from '../src/config.ts';
import { openDatabase } from '../src/db/open.ts';
import { NEWSLETTER_MJML, seedAudience, settingsFor } from '../src/modules/messaging/testKit.ts';
import { benchTargets } from './server.ts';

// The sinks listen on 127.0.0.1, which outbound URLs may reach only when private addresses are allowed (docs/security.md).
process.env.KIZUNA_ALLOW_PRIVATE_URLS = '1';

const { values } = parseArgs({
  options: {
    messages: { type: 'string', default: '5000' },
    concurrency: { type: 'string', default: '16' },
    connections: { type: 'string', default: '5' },
    batch: { type: 'string', default: '1000' },
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
     process.stdin.on('data', () => console.log(sink.received.length));`,
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
const sinkCount = async () => {
  sink.stdin!.write('\n');
  return Number((await sinkLines.next()).value);
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

  started = performance.now();
  const cpuBefore = process.cpuUsage();
  const total = { sent: 0, suppressed: 0, failed: 0, gateMs: 0, totalMs: 0, passes: 0 };
  for (;;) {
    const pass = await services.messaging.drain({ workspaceId: ws, limit: Number(values.batch), concurrency: Number(values.concurrency) });
    if (pass.claimed === 0) break;
    total.passes++;
    total.sent += pass.sent;
    total.suppressed += pass.suppressed;
    total.failed += pass.failed;
    total.gateMs += pass.gateMs;
    total.totalMs += pass.totalMs;
  }
  const wall = (performance.now() - started) / 1000;
  const cpu = process.cpuUsage(cpuBefore);
  const cpuSeconds = (cpu.user + cpu.system) / 1e6;
  const received = await sinkCount();
  console.log(JSON.stringify({ ...total, gateMs: Math.round(total.gateMs), totalMs: Math.round(total.totalMs), received }));
  console.log(
    `send: ${total.sent.toLocaleString('en')} messages in ${wall.toFixed(2)} s = ${Math.round(total.sent / wall).toLocaleString('en')} messages/s ` +
      `(target ≥ 500); the gate (facts + decisions) took ${Math.round(total.gateMs)} ms = ${((100 * total.gateMs) / total.totalMs).toFixed(1)} % of the time; ` +
      `the SMTP sink received ${received.toLocaleString('en')}`,
  );
  // The machine may be shared: the sender's own CPU time shows what one core sustains whatever the load.
  const [load] = (await import('node:os')).loadavg();
  console.log(`sender CPU: ${cpuSeconds.toFixed(1)} s = ${Math.round(total.sent / cpuSeconds).toLocaleString('en')} messages per CPU-second; load average ${load!.toFixed(1)} on ${(await import('node:os')).availableParallelism()} cores`);
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
