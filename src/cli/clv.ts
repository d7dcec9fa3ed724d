/**
 * Helpers shared by `kizuna fit` and `kizuna predict`: the input options, model dispatch and the
 * human-readable fit report. The maths is in src/analytics/models; this only wires it to the CLI.
 */
import type { Command } from 'commander';
import { ValidationError } from '../kernel/errors.ts';
import { bgnbdPredictPatterns, fitBgNbd } from '../analytics/models/bgnbd.ts';
import type { BgNbdParams } from '../analytics/models/bgnbd.ts';
import { fitMbgNbd, mbgnbdPredictPatterns } from '../analytics/models/mbgnbd.ts';
import { fitParetoNbd, paretoNbdPredictPatterns } from '../analytics/models/paretonbd.ts';
import type { ParetoNbdParams } from '../analytics/models/paretonbd.ts';
import { fitGammaGamma } from '../analytics/models/gammagamma.ts';
import type { FitOptions, FitResult } from '../analytics/models/mle.ts';
import type { Patterns } from '../analytics/models/patterns.ts';
import type { ClvInput } from '../analytics/io/clvInput.ts';

export const TRANSACTION_MODELS = ['bgnbd', 'paretonbd', 'mbgnbd'] as const;
export type TransactionModel = (typeof TRANSACTION_MODELS)[number];

/** Parameter names per model, in the order `kizuna fit --json` prints them. */
export const PARAM_NAMES: Record<TransactionModel | 'gammagamma', readonly string[]> = {
  bgnbd: ['r', 'alpha', 'a', 'b'],
  mbgnbd: ['r', 'alpha', 'a', 'b'],
  paretonbd: ['r', 'alpha', 's', 'beta'],
  gammagamma: ['p', 'q', 'v'],
};

const MODEL_TITLES: Record<string, string> = {
  bgnbd: 'BG/NBD',
  mbgnbd: 'MBG/NBD',
  paretonbd: 'Pareto/NBD',
  gammagamma: 'Gamma-Gamma',
  sbg: 'shifted-Beta-Geometric',
};

/** Adds the input options common to fit and predict. */
export function inputOptions(cmd: Command): Command {
  return cmd
    .option('--summary <file>', 'per-customer summary CSV: frequency,recency,T[,monetary_value] (aliases x,t_x,T,zbar)')
    .option('--transactions <file>', 'raw transactions CSV, one row per purchase (summarised as lifetimes does)')
    .option('--customer-col <name>', 'customer id column of --transactions')
    .option('--date-col <name>', 'date column of --transactions (YYYY-MM-DD, YYYYMMDD or ISO date-time)')
    .option('--amount-col <name>', 'amount column of --transactions (needed for gammagamma and --clv)')
    .option('--unit <unit>', 'time unit of recency/T: days | weeks (required with --transactions; a --summary is taken to be in weeks)')
    .option('--collapse <unit>', 'period in which purchases collapse to one: days | weeks (default: --unit; weeks with days = fractional weeks, like the CDNOW summaries)')
    .option('--observation-end <date>', 'end of observation YYYY-MM-DD (default: last transaction)');
}

export function fitTitle(model: string): string {
  return MODEL_TITLES[model] ?? model;
}

/** Fits a purchase model to the customers' patterns. */
export function fitTransactionModel(model: TransactionModel, patterns: Patterns, options: FitOptions = {}): FitResult<string> {
  if (model === 'bgnbd') return fitBgNbd(patterns, options);
  if (model === 'mbgnbd') return fitMbgNbd(patterns, options);
  return fitParetoNbd(patterns, options);
}

/**
 * P(alive) and, per pattern, one array per row of `weights`: Σ_h weights[j][h] · E[Y(horizons[h])]
 * (a horizon's expected purchases, CLV's discounted expected transactions, …).
 */
export function predictPatterns(
  model: TransactionModel,
  params: Record<string, number>,
  patterns: Patterns,
  horizons: readonly number[],
  weights: readonly (readonly number[])[],
): { expected: Float64Array[]; pAlive: Float64Array } {
  if (model === 'paretonbd') return paretoNbdPredictPatterns(params as unknown as ParetoNbdParams, patterns, horizons, weights);
  const p = params as unknown as BgNbdParams;
  return model === 'bgnbd' ? bgnbdPredictPatterns(p, patterns, horizons, weights) : mbgnbdPredictPatterns(p, patterns, horizons, weights);
}

/** Fits Gamma-Gamma on the repeat customers of the loaded summary. */
export function fitSpendModel(input: ClvInput, options: FitOptions = {}): FitResult<string> {
  return fitGammaGamma(checkSpendInput(input), options);
}

/** The input's spend columns, once checked to hold enough repeat customers for Gamma-Gamma. */
export function checkSpendInput(input: ClvInput): { frequency: Float64Array; monetaryValue: Float64Array } {
  if (!input.monetaryValue) throw new ValidationError('a monetary value column is needed', [{ path: ['monetary_value'], message: 'missing' }]);
  let repeaters = 0;
  for (let i = 0; i < input.frequency.length; i++) if (input.frequency[i] > 0) repeaters++;
  if (repeaters < 3) {
    throw new ValidationError('Gamma-Gamma needs customers with repeat purchases', [
      { path: ['frequency'], message: `only ${repeaters} customer(s) with frequency > 0` },
    ]);
  }
  return { frequency: input.frequency, monetaryValue: input.monetaryValue };
}

/** The JSON shape printed by `kizuna fit`. */
export function fitJson(model: string, fit: FitResult<string>, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    model,
    params: fit.params,
    standardErrors: fit.standardErrors,
    logLikelihood: fit.logLikelihood,
    customers: fit.customers,
    patterns: fit.patterns,
    converged: fit.converged,
    iterations: fit.iterations,
    evaluations: fit.evaluations,
    gradientNorm: fit.gradientNorm,
    method: fit.method,
    message: fit.message,
    ...extra,
  };
}

/** Human-readable fit report. */
export function fitText(model: string, fit: FitResult<string>, what = 'customers'): string {
  const lines = [
    `${fitTitle(model)} fit on ${fit.customers} ${what}${fit.patterns !== fit.customers ? ` (${fit.patterns} unique patterns)` : ''}: ` +
      `${fit.converged ? 'converged' : 'NOT converged'} after ${fit.iterations} iterations (${fit.message})`,
  ];
  const width = Math.max(...Object.keys(fit.params).map((k) => k.length));
  for (const [k, v] of Object.entries(fit.params)) {
    lines.push(`  ${k.padEnd(width)}  ${v.toFixed(4).padStart(10)}   (SE ${fit.standardErrors[k].toFixed(4)})`);
  }
  lines.push(`  log-likelihood ${fit.logLikelihood.toFixed(2)}`);
  return lines.join('\n');
}
