import { readFileSync, statSync } from 'node:fs';
import type { Command } from 'commander';
import { ValidationError } from '../../kernel/errors.ts';
import { emit } from '../output.ts';
import { loadClvInput } from '../../analytics/io/clvInput.ts';
import type { ClvInputOptions } from '../../analytics/io/clvInput.ts';
import { writePredictionsCsv } from '../../analytics/io/predictionsCsv.ts';
import { compressPatterns } from '../../analytics/models/patterns.ts';
import { gammaGammaConditionalExpectedValues } from '../../analytics/models/gammagamma.ts';
import type { GammaGammaParams } from '../../analytics/models/gammagamma.ts';
import { clvPeriodEnds, discountWeights } from '../../analytics/models/clv.ts';
import { PARAM_NAMES, TRANSACTION_MODELS, checkSpendInput, fitSpendModel, fitTransactionModel, inputOptions, predictPatterns } from '../clv.ts';
import type { TransactionModel } from '../clv.ts';
import { ClvHelper, HELPER_MIN_INPUT_BYTES } from '../clvThreads.ts';
import { phaseDone } from '../phaseTimes.ts';

/** Predictions use the parameter estimates only: their standard errors (a numerical Hessian) are not computed. */
const ESTIMATES_ONLY = { standardErrors: false } as const;

type PredictOpts = ClvInputOptions & {
  horizon: string;
  out: string;
  params?: string;
  spendParams?: string;
  clv?: boolean;
  discountRate: string;
  margin: string;
  clvPeriod?: string;
  json?: boolean;
};

/** `kizuna predict MODEL …`: per-customer expected purchases, P(alive) and optionally CLV, as CSV. */
export function register(program: Command): void {
  inputOptions(
    program
      .command('predict')
      .description('per-customer expected purchases in the next --horizon, P(alive) and (--clv) lifetime value, written as CSV')
      .argument('<model>', TRANSACTION_MODELS.join(' | ')),
  )
    .requiredOption('--horizon <t>', 'prediction horizon in the summary time unit (e.g. 39 weeks)')
    .requiredOption('--out <file>', 'CSV to write: the input columns plus expected_purchases, p_alive[, expected_avg_value, clv]')
    .option('--params <file>', 'JSON with fitted parameters (output of `kizuna fit --json` or a bare params object); default: fit to the input')
    .option('--clv', 'also compute expected value per transaction (Gamma-Gamma) and CLV; needs monetary_value')
    .option('--spend-params <file>', 'Gamma-Gamma parameters JSON for --clv; default: fit to the input')
    .option('--discount-rate <r>', 'discount rate per --clv-period', '0.01')
    .option('--margin <m>', 'profit margin applied to expected spend (1 = revenue)', '1')
    .option('--clv-period <len>', 'length of one discounting period in the time unit (default: a month, 4.345 weeks or 30 days)')
    .option('--json', 'print a JSON summary of the run')
    .action(async (model: string, opts: PredictOpts) => {
      if (!(TRANSACTION_MODELS as readonly string[]).includes(model)) {
        throw new ValidationError(`unknown model "${model}"`, [{ path: ['model'], message: `choose one of ${TRANSACTION_MODELS.join(', ')}` }]);
      }
      phaseDone('start-up, modules, options');
      const m = model as TransactionModel;
      const horizon = positiveNumber(opts.horizon, '--horizon');
      const margin = nonNegativeNumber(opts.margin, '--margin');
      const discountRate = nonNegativeNumber(opts.discountRate, '--discount-rate');
      const clvPeriod = opts.clvPeriod !== undefined ? positiveNumber(opts.clvPeriod, '--clv-period') : undefined;
      const givenParams = opts.params ? readParams(opts.params, m) : undefined;
      const givenSpend = opts.clv && opts.spendParams ? readParams(opts.spendParams, 'gammagamma') : undefined;
      const helper = largeSummary(opts.summary) ? ClvHelper.start() : undefined;
      try {
        await predict(m, opts, { horizon, margin, discountRate, clvPeriod, givenParams, givenSpend }, helper);
      } finally {
        await helper?.close();
      }
    });
}

/** A summary file large enough for a second thread to pay off. */
function largeSummary(path: string | undefined): boolean {
  try {
    return path !== undefined && statSync(path).size >= HELPER_MIN_INPUT_BYTES;
  } catch {
    return false; // the reader reports an unreadable file
  }
}

interface PredictSettings {
  horizon: number;
  margin: number;
  discountRate: number;
  clvPeriod?: number;
  givenParams?: Record<string, number>;
  givenSpend?: Record<string, number>;
}

async function predict(m: TransactionModel, opts: PredictOpts, settings: PredictSettings, helper: ClvHelper | undefined): Promise<void> {
  const { horizon, margin, discountRate, clvPeriod, givenParams, givenSpend } = settings;
  const input = await loadClvInput(opts, Boolean(opts.clv), helper && ((job) => helper.scanChunks(job)));
  phaseDone('read and scan input');
  // The spend model is independent of the purchase model: with a helper thread it is fitted there meanwhile,
  // and each customer's expected spend computed there too.
  let spendFit: Promise<{ params: Record<string, number>; expectedValue?: Float64Array }> | undefined;
  if (opts.clv && !givenSpend) {
    if (helper) {
      const { frequency, monetaryValue } = checkSpendInput(input);
      spendFit = helper.fitSpend(frequency, monetaryValue).then(({ fit, expectedValue }) => ({ params: fit.params, expectedValue }));
      spendFit.catch(() => {}); // awaited below; not an unhandled rejection meanwhile
    } else spendFit = Promise.resolve({ params: fitSpendModel(input, ESTIMATES_ONLY).params });
  }
  // Every model works on the unique (x, t_x, T) patterns; rows get their pattern's values at the end.
  // With a helper, the row → pattern map is in shared memory: the helper reads it to format rows.
  const patterns = compressPatterns(input, helper && new Uint32Array(new SharedArrayBuffer(4 * input.frequency.length)));
  phaseDone('patterns');
  let converged: boolean | undefined;
  let params: Record<string, number>;
  if (givenParams) params = givenParams;
  else {
    const fit = fitTransactionModel(m, patterns, ESTIMATES_ONLY);
    params = fit.params;
    converged = fit.converged;
    phaseDone(`fit (${fit.evaluations} evaluations)`);
  }
  const clvOptions = opts.clv ? { horizon, periodLength: clvPeriod ?? (input.unit === 'days' ? 30 : 4.345), discountRate } : undefined;
  const ends = clvOptions ? clvPeriodEnds(clvOptions) : [];
  const horizons = [...new Set([horizon, ...ends])];
  // Two sums of the horizons' predictions, not one array per horizon: the expected purchases at --horizon and,
  // with --clv, the discounted expected transactions (DET) as weights on the period ends.
  const weights: number[][] = [horizons.map((t) => (t === horizon ? 1 : 0))];
  if (clvOptions) {
    const discount = discountWeights(clvOptions);
    weights.push(horizons.map((t) => discount[ends.indexOf(t)] ?? 0));
  }
  const pred = predictPatterns(m, params, patterns, horizons, weights);
  phaseDone(`predict ${horizons.length} horizons`);
  const expected = pred.expected[0];
  let value: { expectedValue: Float64Array; det: Float64Array; margin: number } | undefined;
  let spendParams: Record<string, number> | undefined;
  if (clvOptions) {
    const spend = givenSpend ? { params: givenSpend } : await spendFit!;
    spendParams = spend.params;
    phaseDone('wait for the spend fit');
    const gg = spendParams as unknown as GammaGammaParams;
    if (!(gg.q > 1)) {
      throw new ValidationError('Gamma-Gamma q must exceed 1 for a finite expected spend', [{ path: ['q'], message: `q = ${gg.q}` }]);
    }
    const expectedValue = spend.expectedValue ?? gammaGammaConditionalExpectedValues(gg, input.frequency, input.monetaryValue!);
    // each row's CLV, det[pattern] · expected value · margin (customerLifetimeValue), is computed as it is written
    value = { expectedValue, det: pred.expected[1], margin };
    phaseDone('expected value, CLV');
  }
  await writePredictionsCsv(
    opts.out,
    input.records,
    { patternOf: patterns.index, expected, pAlive: pred.pAlive, value },
    helper && ((job) => helper.writeRows(job)),
  );
  phaseDone('write CSV');
  const n = patterns.index.length;
  // Summed per pattern, times its number of customers: a pass over the rows, each a random access, cost 5× more.
  let totalExpected = 0;
  let totalAlive = 0;
  for (let k = 0; k < patterns.size; k++) {
    totalExpected += expected[k] * patterns.weight[k];
    totalAlive += pred.pAlive[k] * patterns.weight[k];
  }
  let totalClv = 0;
  if (value) for (let i = 0; i < n; i++) totalClv += value.det[patterns.index[i]] * value.expectedValue[i] * margin;
  const summary = {
    model: m,
    params,
    ...(spendParams ? { spendParams } : {}),
    ...(converged !== undefined ? { converged } : {}),
    customers: n,
    patterns: patterns.size,
    horizon,
    unit: input.unit,
    out: opts.out,
    totalExpectedPurchases: totalExpected,
    meanPAlive: totalAlive / n,
    ...(clvOptions ? { totalClv, clvPeriod: clvOptions.periodLength, discountRate: clvOptions.discountRate } : {}),
  };
  emit(opts.json, summary, () =>
    [
      `wrote ${n} predictions to ${opts.out}`,
      `  expected purchases in the next ${horizon} ${input.unit}: ${totalExpected.toFixed(1)} in total`,
      `  mean P(alive): ${(totalAlive / n).toFixed(3)}`,
      ...(clvOptions ? [`  total CLV: ${totalClv.toFixed(2)}`] : []),
    ].join('\n'),
  );
}

function positiveNumber(text: string, flag: string): number {
  const v = Number(text);
  if (!(text.trim() !== '' && Number.isFinite(v) && v > 0)) throw new ValidationError(`${flag} must be a number > 0`, [{ path: [flag], message: `got "${text}"` }]);
  return v;
}

function nonNegativeNumber(text: string, flag: string): number {
  const v = Number(text);
  if (!(text.trim() !== '' && Number.isFinite(v) && v >= 0)) throw new ValidationError(`${flag} must be a number >= 0`, [{ path: [flag], message: `got "${text}"` }]);
  return v;
}

/** Reads `{"params": {...}}` (fit output) or a bare params object, checking names and positivity. */
function readParams(path: string, model: TransactionModel | 'gammagamma'): Record<string, number> {
  let doc: unknown;
  try {
    doc = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new ValidationError(`cannot read parameters from ${path}`, [{ path: [path], message: (err as Error).message }]);
  }
  const obj = (doc && typeof doc === 'object' && 'params' in doc ? (doc as { params: unknown }).params : doc) as Record<string, unknown>;
  if (doc && typeof doc === 'object' && 'model' in doc && (doc as { model: unknown }).model !== model) {
    throw new ValidationError(`${path} holds ${(doc as { model: unknown }).model} parameters, not ${model}`, [{ path: ['model'], message: 'wrong model' }]);
  }
  const names = PARAM_NAMES[model];
  const issues = names
    .filter((k) => !(obj && typeof obj[k] === 'number' && (obj[k] as number) > 0 && Number.isFinite(obj[k])))
    .map((k) => ({ path: ['params', k], message: `${model} parameter "${k}" must be a number > 0` }));
  if (issues.length > 0) throw new ValidationError(`${path}: invalid ${model} parameters`, issues);
  return Object.fromEntries(names.map((k) => [k, obj[k] as number]));
}
