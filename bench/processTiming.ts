import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createRng } from '../src/analytics/random.ts';
import { simulateBgNbdSummary } from '../src/analytics/models/simulate.ts';

/** Benchmark helpers shared by bench:clv-cli and bench:cli: timing whole processes, a large CLV input. */
export interface Timed {
  wallS: number;
  cpuS: number;
  maxRssMb: number;
  stdout: string;
  stderr: string;
}

/** Runs a command to completion; CPU and peak RSS of the child come from GNU time when present (`scratch` holds its report). */
export function timeProcess(argv: string[], scratch: string, env: NodeJS.ProcessEnv = process.env): Timed {
  const gnuTime = existsSync('/usr/bin/time');
  const stats = join(scratch, 'time.txt');
  const cmd = gnuTime ? ['/usr/bin/time', '-o', stats, '-f', '%U %S %M', ...argv] : argv;
  const t0 = performance.now();
  const r = spawnSync(cmd[0]!, cmd.slice(1), { env, encoding: 'utf8', maxBuffer: 1 << 26 });
  const wallS = (performance.now() - t0) / 1000;
  if (r.status !== 0) throw new Error(`${argv.join(' ')} exited ${r.status}: ${r.stderr}`);
  const [user, sys, rssKb] = gnuTime ? readFileSync(stats, 'utf8').trim().split('\n').pop()!.split(' ').map(Number) : [NaN, NaN, NaN];
  return { wallS, cpuS: user! + sys!, maxRssMb: rssKb! / 1024, stdout: r.stdout, stderr: r.stderr };
}

/** The lifetimes anchor's design in TypeScript: BG/NBD + Gamma-Gamma, days, T uniform on 30..730, whole days. */
export function writeSimulatedSummary(path: string, n: number): void {
  const rng = createRng(2);
  const T = Float64Array.from({ length: n }, () => 30 + Math.floor(rng.next() * 701));
  const sim = simulateBgNbdSummary({ r: 0.243, alpha: 30.898, a: 0.793, b: 2.426 }, n, { T, resolution: 1, spend: { p: 6.25, q: 3.74, v: 15.44 } }, rng);
  const lines = ['customer_id,frequency,recency,T,monetary_value'];
  for (let i = 0; i < n; i++) lines.push(`${i},${sim.frequency[i]},${sim.recency[i]},${sim.T[i]},${sim.monetaryValue![i].toFixed(2)}`);
  writeFileSync(path, `${lines.join('\n')}\n`);
}

/**
 * CPU seconds used so far by the live descendants of this process (Linux /proc; null elsewhere),
 * `except` the given pids and theirs: the embedded PostgreSQL server and its backends, for instance.
 */
export function descendantsCpuSeconds(except: number[] = []): number | null {
  if (!existsSync('/proc/self/stat')) return null;
  const stats = new Map<number, { ppid: number; ticks: number }>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      // "pid (comm) state ppid … utime stime …": comm may hold spaces, so fields are counted after the last ')'.
      const text = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
      // utime, stime, and cutime, cstime: the children it has reaped (a backend that exited counts in its postmaster).
      stats.set(Number(entry), { ppid: Number(fields[1]), ticks: Number(fields[11]) + Number(fields[12]) + Number(fields[13]) + Number(fields[14]) });
    } catch {
      // The process ended meanwhile.
    }
  }
  const ours = (pid: number): boolean => {
    for (let p = stats.get(pid)?.ppid; p !== undefined && p > 1; p = stats.get(p)?.ppid) {
      if (except.includes(p)) return false;
      if (p === process.pid) return true;
    }
    return false;
  };
  let ticks = 0;
  for (const [pid, s] of stats) if (!except.includes(pid) && ours(pid)) ticks += s.ticks;
  // USER_HZ: 100 on every Linux that Node supports.
  return ticks / 100;
}
