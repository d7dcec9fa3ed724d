/**
 * Maximum-likelihood fitting shared by every model: optimise the mean negative log-likelihood in
 * log-parameter space (all parameters are positive; the log removes the bounds and evens out
 * scales), then take standard errors from the numerical Hessian of the total negative
 * log-likelihood in the natural parameter space (observed information; its inverse is the
 * asymptotic covariance).
 */
import { bfgs } from '../optimize/bfgs.ts';
import { nelderMead } from '../optimize/nelderMead.ts';
import { invertSpd, numericalHessian } from '../optimize/hessian.ts';
import type { OptimizeResult } from '../optimize/types.ts';

export interface FitResult<P extends string> {
  params: Record<P, number>;
  /** Asymptotic standard errors (NaN when the Hessian is not positive definite). */
  standardErrors: Record<P, number>;
  logLikelihood: number;
  converged: boolean;
  iterations: number;
  evaluations: number;
  /** Largest |∂(mean NLL)/∂ ln θ| at the optimum. */
  gradientNorm: number;
  method: string;
  message: string;
  /** Customers (sum of weights) the fit used. */
  customers: number;
  /** Unique data patterns the likelihood was evaluated on. */
  patterns: number;
}

export interface LogSpaceProblem<P extends string> {
  names: readonly P[];
  /** Starting values, natural scale. */
  start: readonly number[];
  /** Mean negative log-likelihood at ln θ. */
  meanNll: (logTheta: Float64Array) => number;
  /** Same, also writing ∂/∂ ln θ into grad; optional (central differences otherwise). */
  meanNllGradient?: (logTheta: Float64Array, grad: Float64Array) => number;
  totalWeight: number;
  patterns: number;
  /**
   * The same objective on a subsample of the customers (large data only). Minimised first, its
   * optimum and inverse Hessian start the full fit, which then needs a few steps instead of dozens;
   * the answer is still the full data's optimum.
   */
  subsample?: { meanNll: LogSpaceProblem<P>['meanNll']; meanNllGradient?: LogSpaceProblem<P>['meanNllGradient'] };
}

/** One customer in this many, at least this many customers, make the warm-start subsample. */
export const SUBSAMPLE_STEP = 16;
export const SUBSAMPLE_MIN_CUSTOMERS = 200_000;

export interface FitOptions {
  maxIterations?: number;
  /** Natural-scale starting values, overriding the model's default. */
  start?: readonly number[];
  /**
   * false: skip the standard errors (NaN), for callers that use only the estimates (`kizuna predict`):
   * the numerical Hessian costs 2n more gradient evaluations on the full data, as many as the fit itself.
   */
  standardErrors?: boolean;
}

export function fitInLogSpace<P extends string>(problem: LogSpaceProblem<P>, options: FitOptions = {}): FitResult<P> {
  const { names, meanNll, meanNllGradient, totalWeight } = problem;
  const start = options.start ?? problem.start;
  if (!(totalWeight > 0)) throw new RangeError('cannot fit a model to no customers');
  let x0: Float64Array = Float64Array.from(start, Math.log);
  const maxIterations = options.maxIterations ?? 1000;
  let inverseHessian: Float64Array | undefined;
  let method = 'bfgs';
  if (problem.subsample && !options.start) {
    const sub = problem.subsample;
    const warm = bfgs(sub.meanNll, x0, { gradient: sub.meanNllGradient, maxIterations, gradientTolerance: 1e-9 });
    const inverse = warm.converged ? invertSpd(numericalHessian(sub.meanNll, warm.x, sub.meanNllGradient), names.length) : null;
    if (inverse) {
      x0 = warm.x;
      inverseHessian = inverse;
      method = 'bfgs from a subsample fit';
    }
  }
  let res: OptimizeResult = bfgs(meanNll, x0, { gradient: meanNllGradient, maxIterations, gradientTolerance: 1e-9, inverseHessian });
  let iterations = res.iterations;
  let evaluations = res.evaluations;
  if (!res.converged) {
    // A rough start can strand BFGS; Nelder-Mead gets near, then BFGS polishes.
    const nm = nelderMead(meanNll, res.x, { maxIterations: 4000 });
    const polish = bfgs(meanNll, nm.x, { gradient: meanNllGradient, maxIterations, gradientTolerance: 1e-9 });
    iterations += nm.iterations + polish.iterations;
    evaluations += nm.evaluations + polish.evaluations;
    method = 'bfgs+nelder-mead';
    if (polish.fx <= res.fx) res = polish;
  }

  const theta = Float64Array.from(res.x, Math.exp);
  const n = names.length;
  const cov = options.standardErrors === false ? undefined : covariance(problem, theta);
  const params = {} as Record<P, number>;
  const standardErrors = {} as Record<P, number>;
  names.forEach((name, i) => {
    params[name] = theta[i];
    standardErrors[name] = cov ? Math.sqrt(cov[i * n + i]) : NaN;
  });
  return {
    params,
    standardErrors,
    logLikelihood: -totalWeight * res.fx,
    converged: res.converged && cov !== null,
    iterations,
    evaluations,
    gradientNorm: res.gradientNorm,
    method,
    message: cov === null ? `${res.message}; Hessian not positive definite` : res.message,
    customers: totalWeight,
    patterns: problem.patterns,
  };
}

/** Asymptotic covariance at θ: the inverse of the total NLL's numerical Hessian (null when not positive definite). */
function covariance<P extends string>(problem: LogSpaceProblem<P>, theta: Float64Array): Float64Array | null {
  const { meanNll, meanNllGradient, totalWeight } = problem;
  const totalNll = (t: Float64Array): number => {
    for (let i = 0; i < t.length; i++) if (!(t[i] > 0)) return NaN;
    return totalWeight * meanNll(Float64Array.from(t, Math.log));
  };
  const totalGrad = meanNllGradient
    ? (t: Float64Array, g: Float64Array): number => {
        const v = meanNllGradient(Float64Array.from(t, Math.log), g);
        // chain rule: ∂/∂θ = (∂/∂ ln θ) / θ
        for (let i = 0; i < t.length; i++) g[i] = (totalWeight * g[i]) / t[i];
        return totalWeight * v;
      }
    : undefined;
  return invertSpd(numericalHessian(totalNll, theta, totalGrad), theta.length);
}
