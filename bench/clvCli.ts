/**
 * CLV from the command line, timed as a user runs it: each `kizuna fit` / `kizuna predict` is a whole
 * process from start to exit (wall time, CPU time and peak RSS of the child), on a 1M-customer summary.
 * Targets (issue 19.1): at least 20× faster than lifetimes' fit + predict on the same file in the same
 * run, peak RSS < 500 MB, answers equal to the in-process engine's (parameters within 1e-4, predictions
 * within 1e-6, relative).
 *
 *   npm run bench:clv-cli -- [--customers 1000000] [--file summary.csv] [--cli "node bin/kizuna.js"] [--pareto] [--repeat 3]
 *
 * With LIFETIMES_SRC pointing to the lifetimes anchor (its README: make_synth.py, lifetimes_bench.py and
 * src/ with lifetimes and autograd), the summary is the anchor's synthetic file and lifetimes is timed on it
 * in the same run, so the ratio holds under the same load; without it, a summary of the same design is
 * simulated here and only absolute figures are printed. --pareto adds Pareto/NBD (lifetimes' fit of it
 * takes many minutes at this size). --repeat N times lifetimes and `kizuna predict` N times in turn
 * (lifetimes, then kizuna, then lifetimes…) and reports each pair's ratio and their median.
 * With the default --cli the CLI is built first (`npm run build`), so the compiled dist/ is what is
 * timed, not the TypeScript sources through tsx (bin/kizuna.js falls back to those when dist/ is stale).
 * KIZUNA_TIMINGS=1 is passed to one more `kizuna predict` run, whose phase breakdown is printed.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { atLeast, below, noTarget, reportResults, type BenchResult } from './results.ts';
import { timeProcess, writeSimulatedSummary, type Timed } from './processTiming.ts';
import { readSummaryCsv } from '../src/analytics/io/summaryCsv.ts';
import { readInputFile, scanCsvNumbers } from '../src/analytics/io/csvBytes.ts';
import { compressPatterns } from '../src/analytics/models/patterns.ts';
import { bgnbdPredict, fitBgNbd } from '../src/analytics/models/bgnbd.ts';
import { fitMbgNbd } from '../src/analytics/models/mbgnbd.ts';
import { fitParetoNbd } from '../src/analytics/models/paretonbd.ts';
import { fitGammaGamma, gammaGammaConditionalExpectedValues } from '../src/analytics/models/gammagamma.ts';
import { clvPeriodEnds, customerLifetimeValue, discountedExpectedTransactions } from '../src/analytics/models/clv.ts';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const defaultCli = `${process.execPath} ${join(ROOT, 'bin', 'kizuna.js')}`;
const { values: flags } = parseArgs({
  options: {
    customers: { type: 'string', default: '1000000' },
    file: { type: 'string' },
    cli: { type: 'string', default: defaultCli },
    pareto: { type: 'boolean', default: false },
    repeat: { type: 'string', default: '1' },
  },
});
const lifetimesSrc = process.env.LIFETIMES_SRC;
const python = existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3';
const dir = mkdtempSync(join(tmpdir(), 'kizuna-clv-cli-'));
const load = (): string => loadavg().map((v) => v.toFixed(2)).join(' ');

// --- the input -------------------------------------------------------------------------------------
const customers = Number(flags.customers);
let file = flags.file;
if (!file) {
  file = join(dir, 'summary.csv');
  if (lifetimesSrc) execFileSync(python, [join(lifetimesSrc, 'make_synth.py'), String(customers), file, '2'], { stdio: 'inherit' });
  else writeSimulatedSummary(file, customers);
}

const cli = flags.cli!.split(' ');
if (flags.cli === defaultCli) execFileSync('npm', ['run', 'build'], { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'] });
const kizuna = (args: string[]): Timed => timeProcess([...cli, ...args], dir);

// --- lifetimes, the yardstick ------------------------------------------------------------------------
interface LifetimesFigures {
  /** CPU seconds of the whole lifetimes_bench.py process (pandas read and imports included). */
  cpuS: number;
  bgnbd_fit_s: number;
  gg_fit_s: number;
  predict_s: number;
  total_s: number;
  params: Record<string, number>;
  mbgnbd_fit_s?: number;
  paretonbd_fit_s?: number;
}

function runLifetimesMain(): LifetimesFigures {
  const env = { ...process.env, PYTHONPATH: join(lifetimesSrc!, 'src') };
  const run = timeProcess([python, join(lifetimesSrc!, 'lifetimes_bench.py'), file!], dir, env);
  return { ...(JSON.parse(run.stdout) as LifetimesFigures), cpuS: run.cpuS };
}

function runLifetimes(): LifetimesFigures | null {
  if (!lifetimesSrc) return null;
  const env = { ...process.env, PYTHONPATH: join(lifetimesSrc, 'src') };
  const main = runLifetimesMain();
  const more = JSON.parse(
    timeProcess([python, join(ROOT, 'bench', 'lifetimesFits.py'), file!, ...(flags.pareto ? ['--pareto'] : [])], dir, env).stdout,
  ) as Partial<LifetimesFigures>;
  return { ...main, ...more };
}

// --- the in-process engine, for the answers ------------------------------------------------------------
const rel = (a: number, b: number): number => (a === b ? 0 : Math.abs(a - b) / Math.max(Math.abs(a), Math.abs(b)));

function maxRelParams(a: Record<string, number>, b: Record<string, number>): number {
  return Math.max(...Object.keys(b).map((k) => rel(a[k]!, b[k]!)));
}

/** Max relative difference between the CLI's predictions and the engine's, over every row and column. */
function comparePredictions(out: string, engine: Record<string, Float64Array>): number {
  const names = Object.keys(engine);
  const scan = scanCsvNumbers(
    readInputFile(out),
    out,
    (header) => names.map((n) => header.indexOf(n)),
    () => {},
  );
  let worst = 0;
  names.forEach((_, k) => {
    const got = scan.values[k]!;
    const want = engine[names[k]!]!;
    if (got.length !== want.length) throw new Error(`${names[k]}: ${got.length} rows, expected ${want.length}`);
    for (let i = 0; i < got.length; i++) worst = Math.max(worst, rel(got[i]!, want[i]!));
  });
  return worst;
}

// --- the run ---------------------------------------------------------------------------------------
console.log(`CLV from the command line: ${file}, node ${process.version}, load average at start ${load()}`);
console.log(`  command: ${flags.cli}`);
const life = runLifetimes();
if (life) {
  console.log(
    `  lifetimes (same file, this run): fit BG/NBD ${life.bgnbd_fit_s.toFixed(2)} s, fit Gamma-Gamma ${life.gg_fit_s.toFixed(2)} s, ` +
      `predict ${life.predict_s.toFixed(2)} s: fit + predict ${life.total_s.toFixed(2)} s (its process: ${life.cpuS.toFixed(1)} CPU s); load ${load()}`,
  );
}

const out = join(dir, 'predictions.csv');
const predictArgs = ['predict', 'bgnbd', '--summary', file, '--horizon', '39', '--out', out, '--clv', '--discount-rate', '0.01', '--margin', '1', '--json'];
const runs: { name: string; args: string[]; lifetimesS?: number; lifetimesWhat: string }[] = [
  { name: 'predict bgnbd --clv', args: predictArgs, lifetimesS: life?.total_s, lifetimesWhat: 'fit + predict' },
  { name: 'fit bgnbd', args: ['fit', 'bgnbd', '--summary', file, '--json'], lifetimesS: life?.bgnbd_fit_s, lifetimesWhat: 'BetaGeoFitter.fit' },
  { name: 'fit gammagamma', args: ['fit', 'gammagamma', '--summary', file, '--json'], lifetimesS: life?.gg_fit_s, lifetimesWhat: 'GammaGammaFitter.fit' },
  { name: 'fit mbgnbd', args: ['fit', 'mbgnbd', '--summary', file, '--json'], lifetimesS: life?.mbgnbd_fit_s, lifetimesWhat: 'ModifiedBetaGeoFitter.fit' },
  ...(flags.pareto
    ? [{ name: 'fit paretonbd', args: ['fit', 'paretonbd', '--summary', file, '--json'], lifetimesS: life?.paretonbd_fit_s, lifetimesWhat: 'ParetoNBDFitter.fit' }]
    : []),
];
const results = runs.map((r) => ({ ...r, timed: kizuna(r.args) }));

// More pairs of lifetimes fit + predict and kizuna predict, one after the other, for a ratio less at the mercy of the load.
const pairs: { lifetimesS: number; kizunaS: number; load: string }[] = life ? [{ lifetimesS: life.total_s, kizunaS: results[0]!.timed.wallS, load: load() }] : [];
for (let rep = 1; life && rep < Number(flags.repeat); rep++) {
  const l = runLifetimesMain();
  pairs.push({ lifetimesS: l.total_s, kizunaS: kizuna(predictArgs).wallS, load: load() });
}
const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};
const pairRatios = pairs.map((p) => p.lifetimesS / p.kizunaS);

// The engine in-process on the same file, for the answers.
const s = readSummaryCsv(file, { monetary: true });
const pat = compressPatterns(s);
const engine = {
  bgnbd: fitBgNbd(pat).params,
  mbgnbd: fitMbgNbd(pat).params,
  gammagamma: fitGammaGamma({ frequency: s.frequency, monetaryValue: s.monetaryValue! }).params,
  ...(flags.pareto ? { paretonbd: fitParetoNbd(pat).params } : {}),
} as Record<string, Record<string, number>>;
const clvOptions = { horizon: 39, periodLength: 4.345, discountRate: 0.01 };
const ends = clvPeriodEnds(clvOptions);
const horizons = [...new Set([39, ...ends])];
const rows = bgnbdPredict(engine.bgnbd as never, pat, horizons);
const expectedValue = gammaGammaConditionalExpectedValues(engine.gammagamma as never, s.frequency, s.monetaryValue!);
const det = discountedExpectedTransactions(
  ends.map((t) => rows.expected[horizons.indexOf(t)]!),
  clvOptions,
);
const predictionDiff = comparePredictions(out, {
  expected_purchases: rows.expected[0]!,
  p_alive: rows.pAlive,
  expected_avg_value: expectedValue,
  clv: customerLifetimeValue(det, expectedValue, 1),
});

console.log('');
// The target compares each whole command with lifetimes' fit + predict; the same model's lifetimes fit alone is the stricter yardstick.
console.log('| command | wall s | CPU s | peak RSS MB | vs lifetimes fit + predict | lifetimes, this model alone | answers vs in-process engine |');
console.log('|---|---|---|---|---|---|---|');
for (const r of results) {
  const json = JSON.parse(r.timed.stdout) as { model: string; params: Record<string, number>; spendParams?: Record<string, number> };
  const model = r.name.split(' ')[1]!;
  const paramsDiff = r.name.startsWith('predict')
    ? Math.max(maxRelParams(json.params, engine.bgnbd!), maxRelParams(json.spendParams!, engine.gammagamma!))
    : maxRelParams(json.params, engine[model]!);
  const answers = `params ≤ ${paramsDiff.toExponential(1)}${r.name.startsWith('predict') ? `, predictions ≤ ${predictionDiff.toExponential(1)}` : ''}`;
  const ratio = (s: number | undefined): string => (s !== undefined ? `${(s / r.timed.wallS).toFixed(1)}×` : '–');
  const alone = r.name.startsWith('predict') ? '(the same)' : `${r.lifetimesS?.toFixed(2) ?? '–'} s ${r.lifetimesWhat}: ${ratio(r.lifetimesS)}`;
  console.log(
    `| ${r.name} | ${r.timed.wallS.toFixed(2)} | ${r.timed.cpuS.toFixed(2)} | ${r.timed.maxRssMb.toFixed(0)} | ${ratio(life?.total_s)} | ${alone} | ${answers} |`,
  );
}
if (life) {
  const p = life.params;
  const vsLifetimes = Math.max(
    maxRelParams({ r: p.r!, alpha: p.alpha!, a: p.a!, b: p.b! }, engine.bgnbd!),
    maxRelParams({ p: p.gg_p!, q: p.gg_q!, v: p.gg_v! }, engine.gammagamma!),
  );
  console.log(`\n  parameters vs lifetimes' own fits (it stops at a looser tolerance): ≤ ${vsLifetimes.toExponential(1)} relative`);
}
if (pairs.length > 1) {
  console.log(`\n  lifetimes fit + predict, then kizuna predict, in turn (wall s; ratio; load after):`);
  pairs.forEach((p, i) => console.log(`    ${i + 1}. ${p.lifetimesS.toFixed(2)} / ${p.kizunaS.toFixed(2)} = ${pairRatios[i]!.toFixed(1)}×  (load ${p.load})`));
  console.log(`    median ${median(pairRatios).toFixed(1)}×`);
}
const phases = timeProcess([...cli, ...predictArgs], dir, { ...process.env, KIZUNA_TIMINGS: '1' });
console.log(`\n  where kizuna predict's time goes (KIZUNA_TIMINGS=1, one more run, ${phases.wallS.toFixed(2)} s; cpu and page faults are the process's so far):`);
for (const line of phases.stderr.split('\n').filter((l) => l.startsWith('[timing]'))) console.log(`    ${line.slice('[timing] '.length)}`);
console.log(`  load average at the end ${load()} (2 cores; the machine is shared: compare ratios from one run)`);
const size = `${customers.toLocaleString('en')} customers`;
const figures: BenchResult[] = [];
for (const r of results) {
  const what = `kizuna ${r.name} (whole process)`;
  const ratio = r.name.startsWith('predict') && pairs.length > 1 ? median(pairRatios) : life ? life.total_s / r.timed.wallS : NaN;
  if (life) figures.push(atLeast(`${what} vs lifetimes fit + predict${pairs.length > 1 && r.name.startsWith('predict') ? `, median of ${pairs.length}` : ''}`, size, Number(ratio.toFixed(1)), '×', 20));
  else figures.push(noTarget(`${what}, wall`, size, Number(r.timed.wallS.toFixed(2)), 's'));
  figures.push(below(`${what}, peak RSS`, size, Math.round(r.timed.maxRssMb), 'MB', 500));
}
figures.push(below('kizuna predict --clv vs in-process engine, max relative difference', size, predictionDiff, '', 1e-6));
reportResults(figures);
const ratioOf = (r: (typeof results)[number]): number => (r.name.startsWith('predict') && pairs.length > 1 ? median(pairRatios) : life!.total_s / r.timed.wallS);
const missed = results.filter((r) => r.timed.maxRssMb >= 500 || (life !== null && ratioOf(r) < 20));
console.log(`  targets (≥ 20× lifetimes, peak RSS < 500 MB, predictions within 1e-6): ${missed.length === 0 && predictionDiff <= 1e-6 ? 'met' : 'MISSED'}`);
rmSync(dir, { recursive: true, force: true });
