/**
 * `npm run bench:cli [-- --customers 1000000]`: the CLI as a user meets it, each a whole process
 * through bin/kizuna.js (so dist/ when it is built and current, run `npm run build` first).
 *   - `kizuna --help`: target < 300 ms (beside `node -e 0`, the floor on this machine);
 *   - `kizuna workspace create` on an existing data directory, the embedded server's start and
 *     stop included: target < 1.5 s;
 *   - peak RSS of `kizuna fit bgnbd` on a simulated summary of 1M customers: target < 500 MB.
 * Wall times depend on the machine's load (printed); CPU times less so. Asserts nothing.
 */
import { chmodSync, existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { timeProcess, writeSimulatedSummary, type Timed } from './processTiming.ts';
import { below, reportResults } from './results.ts';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const { values: flags } = parseArgs({ options: { customers: { type: 'string', default: '1000000' }, runs: { type: 'string', default: '5' } } });
const BIN = join(ROOT, 'bin', 'kizuna.js');
const dir = mkdtempSync(join(tmpdir(), 'kizuna-bench-cli-'));
chmodSync(dir, 0o755); // the embedded server's user must be able to enter it when we run as root
const { DATABASE_URL: _external, ...env } = process.env;

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const ms = (s: number): string => `${Math.round(s * 1000)} ms`;
function repeat(argv: string[], runs: number): { wall: number; cpu: number; rss: number } {
  const timed: Timed[] = Array.from({ length: runs }, () => timeProcess(argv, dir, env));
  return { wall: median(timed.map((t) => t.wallS)), cpu: median(timed.map((t) => t.cpuS)), rss: Math.max(...timed.map((t) => t.maxRssMb)) };
}

try {
  const dist = join(ROOT, 'dist', 'cli', 'main.js');
  console.log(existsSync(dist) ? `dist/ built ${new Date(statSync(dist).mtimeMs).toISOString()}` : 'dist/ missing: timing the tsx fallback (run `npm run build`)');
  console.log(`load average ${loadavg().map((v) => v.toFixed(1)).join(' ')} (figures are medians of ${flags.runs} runs)`);
  const runs = Number(flags.runs);

  const floor = repeat([process.execPath, '-e', '0'], runs);
  const help = repeat([process.execPath, BIN, '--help'], runs);
  const runsSize = `median of ${runs}`;
  reportResults([below('kizuna --help (whole process)', runsSize, Math.round(help.wall * 1000), 'ms', 300)]);
  console.log(`kizuna --help: ${ms(help.wall)} wall, ${ms(help.cpu)} CPU (target < 300 ms; node -e 0: ${ms(floor.wall)} wall, ${ms(floor.cpu)} CPU)`);

  const dataDir = join(dir, 'data');
  timeProcess([process.execPath, BIN, 'workspace', 'create', '--name', 'first', '--data-dir', dataDir], dir, env);
  const create = Array.from({ length: runs }, (_, i) => timeProcess([process.execPath, BIN, 'workspace', 'create', '--name', `ws${i}`, '--data-dir', dataDir], dir, env));
  console.log(
    `kizuna workspace create (existing data dir, embedded server start and stop included): ${ms(median(create.map((t) => t.wallS)))} wall, ` +
      `${ms(median(create.map((t) => t.cpuS)))} CPU (target < 1.5 s)`,
  );

  reportResults([below('kizuna workspace create (existing data dir)', runsSize, Math.round(median(create.map((t) => t.wallS)) * 1000), 'ms', 1500)]);
  const n = Number(flags.customers);
  const summary = join(dir, 'summary.csv');
  writeSimulatedSummary(summary, n);
  const fit = timeProcess([process.execPath, BIN, 'fit', 'bgnbd', '--summary', summary, '--json'], dir, env);
  reportResults([below('kizuna fit bgnbd, peak RSS', `${n.toLocaleString('en')} customers`, Math.round(fit.maxRssMb), 'MB', 500)]);
  console.log(`kizuna fit bgnbd on ${n.toLocaleString('en')} customers: peak RSS ${Math.round(fit.maxRssMb)} MB (target < 500 MB), ${fit.wallS.toFixed(1)} s wall`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
