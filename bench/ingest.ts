/**
 * `npm run bench:ingest`: Segment batches over real HTTP to a `kizuna serve` child process,
 * each acknowledged only after its transaction committed. Prints events/s for the embedded server
 * and, when DATABASE_URL is set, for that server (floor 20,000 events/s, goal 50,000), the CPU the
 * server and its database backends spent per 1,000 events (less sensitive to a shared machine's
 * load than wall time), and the mean time per batch in each phase from the Server-Timing header.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import path from 'node:path';
import { parseServerTiming } from '../src/modules/ingest/phases.ts';
import { benchTargets, cli, startServer } from './server.ts';
import { atLeast, reportResults } from './results.ts';

const EVENTS = Number(process.env.BENCH_EVENTS ?? 200_000);
const BATCH = Number(process.env.BENCH_BATCH ?? 500);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 8);
const CUSTOMERS = 20_000;
const NAMES = ['Product Viewed', 'Page Viewed', 'Product Added', 'Checkout Started', 'Search'];

function bodies(run: string): string[] {
  const out: string[] = [];
  const start = Date.UTC(2025, 0, 1);
  for (let b = 0; b * BATCH < EVENTS; b++) {
    const batch = [];
    for (let i = 0; i < BATCH && b * BATCH + i < EVENTS; i++) {
      const n = b * BATCH + i;
      batch.push({
        type: 'track',
        messageId: `${run}-${n}`,
        userId: `user-${(n * 7919) % CUSTOMERS}`,
        event: NAMES[n % NAMES.length],
        properties: { sku: `SKU-${n % 300}`, price: 1980, category: 'apparel', page: `/products/${n % 300}` },
        timestamp: new Date(start + n * 1000).toISOString(),
      });
    }
    out.push(JSON.stringify({ batch }));
  }
  return out;
}

async function run(url: string, apiKey: string, payloads: string[], phases = new Map<string, number>()): Promise<number> {
  let next = 0;
  const started = performance.now();
  const worker = async () => {
    while (next < payloads.length) {
      const body = payloads[next++]!;
      const t0 = performance.now();
      const res = await fetch(`${url}/v1/batch`, { method: 'POST', body, headers: { 'content-type': 'application/json', authorization: `Bearer ${apiKey}` } });
      if (res.status !== 200) throw new Error(`HTTP ${res.status}: ${await res.text()}`);
      await res.arrayBuffer();
      phases.set('total', (phases.get('total') ?? 0) + performance.now() - t0);
      for (const [name, ms] of parseServerTiming(res.headers.get('server-timing'))) phases.set(name, (phases.get(name) ?? 0) + ms);
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  return (performance.now() - started) / 1000;
}

/** User + system CPU seconds of a process, from /proc (Linux); 0 once it is gone. */
function cpuSeconds(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100; // utime, stime in clock ticks (USER_HZ = 100)
  } catch {
    return 0;
  }
}

/** The database's share of the work: backends serving `database` (external) or children of the embedded postmaster. */
function databaseCpu(target: { env: NodeJS.ProcessEnv }): () => number {
  const dataDir = target.env.KIZUNA_DATA_DIR;
  const database = target.env.DATABASE_URL ? new URL(target.env.DATABASE_URL).pathname.slice(1) : undefined;
  const postmaster = dataDir ? () => Number(readFileSync(path.join(dataDir, 'pg', 'postmaster.pid'), 'utf8').split('\n')[0]) : () => 0;
  return () => {
    let total = 0;
    const parent = postmaster();
    for (const entry of readdirSync('/proc')) {
      if (!/^\d+$/.test(entry)) continue;
      try {
        if (database) {
          const cmd = readFileSync(`/proc/${entry}/cmdline`, 'utf8');
          if (cmd.startsWith('postgres: ') && cmd.includes(` ${database} `)) total += cpuSeconds(Number(entry));
        } else {
          const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
          const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
          if (ppid === parent || Number(entry) === parent) total += cpuSeconds(Number(entry));
        }
      } catch {
        // the process ended meanwhile
      }
    }
    return total;
  };
}

const load = () => loadavg().map((l) => l.toFixed(2)).join(' ');

console.log(`bench:ingest — ${EVENTS.toLocaleString('en')} track events, batches of ${BATCH}, ${CONCURRENCY} concurrent requests`);
for (const target of await benchTargets()) {
  try {
    const { apiKey } = JSON.parse(await cli(['workspace', 'create', '--name', 'bench', '--json'], target.env)) as { apiKey: string };
    const server = await startServer(target.env);
    try {
      await run(server.url, apiKey, bodies('warmup').slice(0, 20)); // JIT and pool warm-up, not counted
      const payloads = bodies('run');
      const dbCpu = databaseCpu(target);
      const [server0, db0, load0] = [cpuSeconds(server.child.pid!), dbCpu(), load()];
      const phases = new Map<string, number>();
      const seconds = await run(server.url, apiKey, payloads, phases);
      const [serverCpu, databaseCpuS] = [cpuSeconds(server.child.pid!) - server0, dbCpu() - db0];
      const perK = (s: number) => `${((s * 1000 * 1000) / EVENTS).toFixed(1)} ms`;
      console.log(
        `${target.name.padEnd(8)}  ${Math.round(EVENTS / seconds).toLocaleString('en').padStart(8)} events/s  (${seconds.toFixed(2)} s)  ` +
          `CPU per 1k events: server ${perK(serverCpu)}, database ${perK(databaseCpuS)}  load ${load0} → ${load()}`,
      );
      reportResults([atLeast(`ingest over HTTP, ${target.name} server`, `${EVENTS.toLocaleString('en')} events`, Math.round(EVENTS / seconds), 'events/s', 20_000)]);
      const perBatch = [...phases].map(([name, ms]) => `${name} ${(ms / payloads.length).toFixed(2)}`).join(', ');
      console.log(`          ms per batch: ${perBatch}`);
    } finally {
      await server.stop();
    }
  } finally {
    await target.cleanup();
  }
}
