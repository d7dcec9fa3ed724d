/**
 * `npm run bench:ingest`: Segment batches over real HTTP to a `kizuna serve` child process,
 * each acknowledged only after its transaction committed. Prints events/s for the embedded server
 * and, when DATABASE_URL is set, for that server (floor 20,000 events/s, goal 50,000), the CPU the
 * server and its database backends spent per 1,000 events (less sensitive to a shared machine's
 * load than wall time), and the mean time per batch in each phase from the Server-Timing header
 * (docs/ingest.md names them), with `total` as the client saw it and `http` for the rest.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import path from 'node:path';
import { benchTargets, cli, startServer } from './server.ts';
import { atLeast, reportResults } from './results.ts';
import { BATCH, bodies, CONCURRENCY, cpuSeconds, EVENTS, run } from './ingestLoad.ts';


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
