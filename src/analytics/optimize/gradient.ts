import type { Objective, ObjectiveWithGradient } from './types.ts';

/** Cube root of machine epsilon: the step that balances truncation and rounding error of a central difference. */
const CENTRAL_STEP = Math.cbrt(Number.EPSILON);

/**
 * Central-difference gradient (Nocedal & Wright 2006, "Numerical Optimization", eq. 8.7).
 * Error O(h²) per component; 2n evaluations.
 */
export function numericalGradient(f: Objective, x: Float64Array, grad: Float64Array): number {
  const fx = f(x);
  const probe = Float64Array.from(x);
  for (let i = 0; i < x.length; i++) {
    const h = CENTRAL_STEP * Math.max(1, Math.abs(x[i]));
    probe[i] = x[i] + h;
    const up = f(probe);
    probe[i] = x[i] - h;
    const down = f(probe);
    probe[i] = x[i];
    grad[i] = (up - down) / (2 * h);
  }
  return fx;
}

/** Wraps a plain objective so it can be used where a gradient is needed. */
export function withNumericalGradient(f: Objective): ObjectiveWithGradient {
  return (x, grad) => numericalGradient(f, x, grad);
}
