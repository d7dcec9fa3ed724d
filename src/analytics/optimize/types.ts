/** Shared shapes of the hand-written optimizers (minimisers: pass a negative log-likelihood). */

/** The objective: returns f(x). Must not keep or modify `x`. */
export type Objective = (x: Float64Array) => number;

/** Returns f(x) and writes ∇f(x) into `grad` (same length as x). */
export type ObjectiveWithGradient = (x: Float64Array, grad: Float64Array) => number;

export interface OptimizeResult {
  /** The minimiser found. */
  x: Float64Array;
  /** f at `x`. */
  fx: number;
  /** Outer iterations (BFGS steps or Nelder-Mead simplex updates). */
  iterations: number;
  /** Objective evaluations, counting each gradient evaluation once. */
  evaluations: number;
  /** True when the stopping test (gradient or simplex size) was met, not merely the iteration cap. */
  converged: boolean;
  /** Largest absolute gradient component at `x` (BFGS) or NaN (Nelder-Mead). */
  gradientNorm: number;
  /** Why it stopped, in words. */
  message: string;
  method: 'bfgs' | 'nelder-mead';
}
