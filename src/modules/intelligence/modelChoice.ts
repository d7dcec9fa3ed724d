import { bgnbdExpectedPurchases, bgnbdPredictPatterns, type BgNbdParams } from '../../analytics/models/bgnbd.ts';
import { mbgnbdExpectedPurchases, mbgnbdPredictPatterns } from '../../analytics/models/mbgnbd.ts';
import type { Patterns } from '../../analytics/models/patterns.ts';
import type { HoldoutReport } from '../../analytics/models/validation.ts';

/**
 * Which purchase model scores a workspace. BG/NBD lets customers leave only right after a repeat
 * purchase (a one-time buyer stays "alive" forever); MBG/NBD also at the first purchase. Neither is
 * right for every business, so the workspace's own calibration/holdout backtest decides: the model
 * whose per-customer holdout purchase predictions have the smaller root mean squared error (the
 * error a conditional mean minimises; MAE would favour predicting too little). Pareto/NBD is not a
 * candidate: its fit has no analytic gradient (tens of seconds at a million customers) and its
 * churn-risk formula differs.
 */
export const PURCHASE_MODELS = ['bgnbd', 'mbgnbd'] as const;
export type PurchaseModel = (typeof PURCHASE_MODELS)[number];

export const MODEL_TITLES: Record<PurchaseModel, string> = { bgnbd: 'BG/NBD', mbgnbd: 'MBG/NBD' };

/** One candidate's backtest. */
export interface ModelComparison {
  model: PurchaseModel;
  converged: boolean;
  params: BgNbdParams;
  /** Holdout purchases per calibration customer: predicted vs actual. */
  purchases: HoldoutReport;
}

export interface ModelChoice {
  chosen: PurchaseModel;
  criterion: 'rmse';
  /** The backtest that decided (null when none could run: then BG/NBD, and `note` says why). */
  backtestId: string | null;
  holdoutDays: number | null;
  calibrationEnd: string | null;
  models: { model: PurchaseModel; rmse: number; mae: number; predictedTotal: number; actualTotal: number }[];
  note?: string;
}

/** Expected purchases at each horizon and P(alive), per pattern. */
export function predictPurchaseModel(
  model: PurchaseModel,
  params: BgNbdParams,
  pat: Patterns,
  horizons: readonly number[],
): { expected: Float64Array[]; pAlive: Float64Array } {
  return model === 'mbgnbd' ? mbgnbdPredictPatterns(params, pat, horizons) : bgnbdPredictPatterns(params, pat, horizons);
}

/** Population E[X(t)] of a new customer. */
export function expectedPurchasesOfNewCustomer(model: PurchaseModel, params: BgNbdParams, t: number): number {
  return model === 'mbgnbd' ? mbgnbdExpectedPurchases(params, t) : bgnbdExpectedPurchases(params, t);
}

/** The converged candidate with the smallest holdout RMSE; BG/NBD on a tie or when none converged. */
export function chooseModel(candidates: readonly ModelComparison[]): PurchaseModel {
  let best: ModelComparison | null = null;
  for (const c of candidates) {
    if (!c.converged || !Number.isFinite(c.purchases.rmse)) continue;
    if (!best || c.purchases.rmse < best.purchases.rmse) best = c;
  }
  return best?.model ?? 'bgnbd';
}

/** The stored summary of a backtest's comparison. */
export function choiceFrom(
  candidates: readonly ModelComparison[],
  backtest: { id: string; holdoutDays: number; calibrationEnd: string },
): ModelChoice {
  return {
    chosen: chooseModel(candidates),
    criterion: 'rmse',
    backtestId: backtest.id,
    holdoutDays: backtest.holdoutDays,
    calibrationEnd: backtest.calibrationEnd,
    models: candidates.map((c) => ({
      model: c.model,
      rmse: c.purchases.rmse,
      mae: c.purchases.mae,
      predictedTotal: c.purchases.predictedTotal,
      actualTotal: c.purchases.actualTotal,
    })),
  };
}
