/**
 * `npm run bench [-- --only loyalty,clv] [--external] [--no-readme] [--readme-only]`: every benchmark at a size that fits about ten
 * minutes on 2 cores (each keeps its own script, `npm run bench:<name>`, for the full size). Each runs
 * as a child process, one after the other, on a throw-away embedded server (`--external` keeps
 * DATABASE_URL for those that use it). Writes bench/results.json, prints one markdown table and puts
 * it in README.md between the bench markers, with the date, the machine and the load average at the
 * start of each benchmark (the machine may be shared: figures under load are lower bounds).
 */
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, loadavg, totalmem } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { parseResults, type BenchResult } from './results.ts';
import { parseScraped } from './scrape.ts';
import { renderReadmeSection, replaceSection, type BenchRun } from './table.ts';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const { values: flags } = parseArgs({
  options: {
    only: { type: 'string' },
    external: { type: 'boolean', default: false },
    'no-readme': { type: 'boolean', default: false },
    'readme-only': { type: 'boolean', default: false },
  },
});
const RESULTS = join(ROOT, 'bench', 'results.json');
const README = join(ROOT, 'README.md');

if (flags['readme-only']) {
  // the table again from the last run's figures (after a change of its layout), without measuring
  const last = JSON.parse(readFileSync(RESULTS, 'utf8')) as { date: string; machine: string; runs: BenchRun[] };
  writeFileSync(README, replaceSection(readFileSync(README, 'utf8'), renderReadmeSection(last.runs, last)));
  process.exit(0);
}

interface Bench {
  name: string;
  args: string[];
  env?: Record<string, string>;
  /** Minutes before the child is stopped. */
  timeout: number;
}

/** Small sizes: the whole list takes about ten minutes on an idle 2-core machine. */
const BENCHES: Bench[] = [
  { name: 'clv', args: ['--customers', '1000000'], timeout: 2 },
  { name: 'clv-cli', args: ['--customers', '1000000'], timeout: 8 },
  { name: 'cli', args: ['--customers', '1000000', '--runs', '3'], timeout: 3 },
  { name: 'loyalty', args: ['--ops', '4000', '--customers', '500', '--orders', '1000'], timeout: 5 },
  { name: 'ingest', args: [], env: { BENCH_EVENTS: '20000' }, timeout: 4 },
  { name: 'import', args: ['--lines', '100000'], timeout: 4 },
  { name: 'coupons', args: ['--codes', '100000', '--redemptions', '500'], timeout: 4 },
  { name: 'recs', args: ['--customers', '2000', '--months', '12'], timeout: 4 },
  { name: 'journeys', args: ['--customers', '5000', '--spread', '10'], timeout: 5 },
  { name: 'wakeup', args: [], timeout: 5 },
  { name: 'generate', args: ['--customers', '5000'], timeout: 4 },
  { name: 'score', args: ['--skip-external', '--embedded-customers', '5000', '--months', '36'], timeout: 6 },
  { name: 'segments', args: ['--customers', '5000', '--runs', '3'], timeout: 5 },
  { name: 'kpis', args: ['--customers', '3000', '--months', '24', '--repeat', '5'], timeout: 5 },
  { name: 'send', args: ['--messages', '5000'], timeout: 4 },
];

const only = flags.only?.split(',');
const chosen = only ? BENCHES.filter((b) => only.includes(b.name)) : BENCHES;
const env: NodeJS.ProcessEnv = { ...process.env, BENCH_RESULTS: '1' };
if (!flags.external) delete env.DATABASE_URL;
const load = (): string => loadavg().map((v) => v.toFixed(2)).join(' ');

const runs: BenchRun[] = [];
for (const b of chosen) {
  const loadAtStart = load();
  const t0 = performance.now();
  process.stderr.write(`bench:${b.name} ${b.args.join(' ')} (load ${loadAtStart}) … `);
  const child = spawnSync(process.execPath, ['--import', 'tsx', join(ROOT, 'bench', `${b.name === 'clv-cli' ? 'clvCli' : b.name}.ts`), ...b.args], {
    cwd: ROOT,
    env: { ...env, ...b.env },
    encoding: 'utf8',
    maxBuffer: 1 << 26,
    timeout: b.timeout * 60_000,
    killSignal: 'SIGKILL',
  });
  const seconds = (performance.now() - t0) / 1000;
  let results: BenchResult[] = parseResults(child.stdout ?? '');
  if (results.length === 0) results = parseScraped(b.name, child.stdout ?? '');
  const failed = child.status !== 0 ? `${child.signal ? `stopped (${child.signal}) after ${b.timeout} min` : `exit ${child.status}`}: ${lastLine(child.stderr)}` : undefined;
  process.stderr.write(`${seconds.toFixed(0)} s${failed ? ` — FAILED ${failed}` : ''}\n`);
  runs.push({ bench: b.name, args: b.args.join(' '), seconds, load: loadAtStart, results, failed });
}

/** The error's message line from a child's stderr (node prints its version last), else the last line. */
function lastLine(text: string | null): string {
  const lines = (text ?? '').trim().split('\n');
  const error = [...lines].reverse().find((l) => /^\w*Error\b/.test(l.trim()));
  return (error ?? lines[lines.length - 1] ?? '').trim().slice(0, 200);
}

const machine = `${cpus()[0]?.model ?? 'unknown CPU'}, ${availableParallelism()} cores, ${Math.round(totalmem() / 2 ** 30)} GB, node ${process.version}`;
const date = new Date().toISOString().slice(0, 16).replace('T', ' ') + ' UTC';
writeFileSync(RESULTS, `${JSON.stringify({ date, machine, runs }, null, 2)}\n`);
const section = renderReadmeSection(runs, { date, machine });
console.log(section);
if (!flags['no-readme'] && !only) {
  writeFileSync(README, replaceSection(readFileSync(README, 'utf8'), section));
  console.error('README.md: benchmark table updated');
}
if (runs.some((r) => r.failed)) process.exitCode = 1;
