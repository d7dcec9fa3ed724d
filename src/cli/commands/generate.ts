import cliProgress from 'cli-progress';
import type { Command } from 'commander';
import { ValidationError, type FieldIssue } from '../../kernel/errors.ts';
import { generateDemo, type DemoSummary } from '../../modules/demo/generate.ts';
import type { BgNbdParams } from '../../analytics/models/bgnbd.ts';
import { DEFAULT_END, observationEnd, type GenerateOptions } from '../../modules/demo/generator.ts';
import { dataDirOption, withServices, type DataDirOption } from '../context.ts';
import { cliIo, emit } from '../output.ts';

interface GenerateFlags extends DataDirOption {
  customers: string;
  months: string;
  seed: string;
  end: string;
  workspace?: string;
  name?: string;
  bgnbd?: string;
  json?: boolean;
}

/** Transactions in flight; each holds a connection, one more is kept for everything else. */
const CONCURRENCY = 3;

export function register(program: Command): void {
  dataDirOption(
    program
      .command('generate')
      .description('write a deterministic synthetic data set (customers, orders, events, B2B accounts) with known model parameters')
      .option('--customers <n>', 'number of customers', '10000')
      .option('--months <m>', 'months of history before --end', '24')
      .option('--seed <s>', 'random seed (0 … 4294967295): the same seed and options give the same data', '1')
      .option('--end <date>', `last day of data, exclusive (YYYY-MM-DD, midnight in Japan, or "today")`, DEFAULT_END)
      .option('--workspace <id>', 'fill this existing workspace instead of creating one')
      .option('--name <name>', 'name of the workspace to create')
      .option('--bgnbd <r,alpha,a,b>', 'other BG/NBD ground truth (weeks), e.g. 0.6,10,0.8,8 for more loyal customers and more orders')
      .option('--json', 'print the summary, with the ground-truth parameters, as JSON'),
  ).action(async (flags: GenerateFlags) => {
    const options = parseFlags(flags);
    const progress = flags.json ? undefined : progressBar(options.customers, 'customers');
    const summary = await withServices(
      flags,
      (services) =>
        generateDemo(
          services,
          { ...options, workspaceId: flags.workspace, workspaceName: flags.name },
          { concurrency: CONCURRENCY, onProgress: progress?.update },
        ).finally(() => progress?.stop()),
      { poolSize: CONCURRENCY + 1 },
    );
    emit(flags.json, summary, () => describeSummary(summary));
  });
}

function parseFlags(flags: GenerateFlags): GenerateOptions {
  const issues: FieldIssue[] = [];
  const integer = (name: string, value: string, min: number, max: number): number => {
    const n = Number(value);
    if (!/^\d+$/.test(value) || n < min || n > max) issues.push({ path: [`--${name}`], message: `must be a whole number from ${min} to ${max}` });
    return n;
  };
  const customers = integer('customers', flags.customers, 1, 10_000_000);
  const months = integer('months', flags.months, 1, 120);
  const seed = integer('seed', flags.seed, 0, 2 ** 32 - 1);
  let end = new Date(NaN);
  try {
    end = observationEnd(flags.end === 'today' ? today() : flags.end);
  } catch {
    issues.push({ path: ['--end'], message: 'must be a date such as 2026-11-01, or "today"' });
  }
  if (flags.workspace !== undefined && !/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(flags.workspace)) {
    issues.push({ path: ['--workspace'], message: 'must be a workspace id (see `kizuna workspace list`)' });
  }
  const bgnbd = flags.bgnbd === undefined ? undefined : parseBgNbd(flags.bgnbd, issues);
  if (issues.length > 0) throw new ValidationError('Invalid options', issues);
  return { customers, months, seed, end, ...(bgnbd ? { bgnbd } : {}) };
}

/** `r,alpha,a,b`, each a positive number. */
export function parseBgNbd(text: string, issues: FieldIssue[]): BgNbdParams | undefined {
  const values = text.split(',').map(Number);
  if (values.length !== 4 || values.some((v) => !(v > 0) || !Number.isFinite(v))) {
    issues.push({ path: ['--bgnbd'], message: 'must be four positive numbers r,alpha,a,b (weeks), e.g. 0.6,10,0.8,8' });
    return undefined;
  }
  const [r, alpha, a, b] = values as [number, number, number, number];
  return { r, alpha, a, b };
}

/** Today's date in Japan. */
function today(): string {
  return new Date(Date.now() + 9 * 3_600_000).toISOString().slice(0, 10);
}

/** A progress bar on stderr when it is a terminal; nothing otherwise (logs and pipes stay clean). */
export function progressBar(total: number, unit: string): { update: (done: number) => void; stop: () => void } | undefined {
  if (!cliIo().stderr.isTTY) return undefined;
  const bar = new cliProgress.SingleBar(
    { stream: process.stderr, format: `{bar} {percentage}% | {value}/{total} ${unit} | {eta_formatted} left`, hideCursor: true, clearOnComplete: true },
    cliProgress.Presets.shades_classic,
  );
  bar.start(total, 0);
  return { update: (done) => bar.update(done), stop: () => bar.stop() };
}

export function describeSummary(s: DemoSummary): string {
  const n = (x: number) => x.toLocaleString('en');
  const { bgnbd, gammagamma } = s.groundTruth;
  const c = s.counts;
  return [
    `Generated ${n(c.customers)} customers into workspace ${s.workspaceId} in ${s.seconds} s (seed ${s.seed})`,
    `  orders ${n(c.orders)} (${n(c.cancelledOrders)} cancelled), order lines ${n(c.orderLines)}, refunds ${n(c.refunds)}, events ${n(c.events)}`,
    `  products ${n(c.products)}, B2B accounts ${n(c.accounts)}, subscriptions ${n(c.subscriptions)}`,
    `  observation ${s.observation.start} → ${s.observation.end}`,
    `  ground truth: BG/NBD r=${bgnbd.r} α=${bgnbd.alpha} a=${bgnbd.a} b=${bgnbd.b} (weeks); Gamma-Gamma p=${gammagamma.p} q=${gammagamma.q} γ=${gammagamma.v} (JPY)`,
    ...(s.apiKey ? [`API key (shown once): ${s.apiKey}`] : []),
  ].join('\n');
}
