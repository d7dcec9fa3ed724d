import type { Objective, ObjectiveWithGradient } from './types.ts';

/**
 * Numerical Hessian, row-major n×n. With a gradient it differences the gradient (one order more
 * accurate); without, it uses second differences of f (Nocedal & Wright 2006, eqs. 8.9 and 8.21).
 * Steps are relative to |x_i| so that parameters of very different sizes are treated alike.
 */
export function numericalHessian(
  f: Objective,
  x: Float64Array,
  gradient?: ObjectiveWithGradient,
): Float64Array {
  const n = x.length;
  const H = new Float64Array(n * n);
  const probe = Float64Array.from(x);
  const step = (i: number, power: number): number => Math.pow(Number.EPSILON, power) * Math.max(Math.abs(x[i]), 1e-8);
  if (gradient) {
    const gUp = new Float64Array(n);
    const gDown = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const h = step(i, 1 / 3);
      probe[i] = x[i] + h;
      gradient(probe, gUp);
      probe[i] = x[i] - h;
      gradient(probe, gDown);
      probe[i] = x[i];
      for (let j = 0; j < n; j++) H[i * n + j] = (gUp[j] - gDown[j]) / (2 * h);
    }
  } else {
    const f0 = f(x);
    const h = Array.from({ length: n }, (_, i) => step(i, 1 / 4));
    for (let i = 0; i < n; i++) {
      probe[i] = x[i] + h[i];
      const up = f(probe);
      probe[i] = x[i] - h[i];
      const down = f(probe);
      probe[i] = x[i];
      H[i * n + i] = (up - 2 * f0 + down) / (h[i] * h[i]);
      for (let j = 0; j < i; j++) {
        const at = (si: number, sj: number): number => {
          probe[i] = x[i] + si * h[i];
          probe[j] = x[j] + sj * h[j];
          const v = f(probe);
          probe[i] = x[i];
          probe[j] = x[j];
          return v;
        };
        const v = (at(1, 1) - at(1, -1) - at(-1, 1) + at(-1, -1)) / (4 * h[i] * h[j]);
        H[i * n + j] = v;
        H[j * n + i] = v;
      }
    }
  }
  // Symmetrise: differencing the gradient leaves small asymmetries.
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < i; j++) {
      const v = 0.5 * (H[i * n + j] + H[j * n + i]);
      H[i * n + j] = v;
      H[j * n + i] = v;
    }
  }
  return H;
}

/**
 * Inverse of a symmetric positive-definite matrix by Cholesky factorisation; null when the matrix
 * is not positive definite (then the point is not a strict minimum and standard errors are undefined).
 */
export function invertSpd(A: Float64Array, n: number): Float64Array | null {
  const L = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let s = A[i * n + j];
      for (let k = 0; k < j; k++) s -= L[i * n + k] * L[j * n + k];
      if (i === j) {
        if (!(s > 0)) return null;
        L[i * n + i] = Math.sqrt(s);
      } else {
        L[i * n + j] = s / L[j * n + j];
      }
    }
  }
  // inv(A) = inv(L)ᵀ inv(L); invert the triangle first.
  const Li = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    Li[i * n + i] = 1 / L[i * n + i];
    for (let j = 0; j < i; j++) {
      let s = 0;
      for (let k = j; k < i; k++) s -= L[i * n + k] * Li[k * n + j];
      Li[i * n + j] = s / L[i * n + i];
    }
  }
  const inv = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let s = 0;
      for (let k = i; k < n; k++) s += Li[k * n + i] * Li[k * n + j];
      inv[i * n + j] = s;
      inv[j * n + i] = s;
    }
  }
  return inv;
}
