/**
 * Special functions for the CLV models. Log-gamma, log-beta, digamma and the general Gauss
 * hypergeometric 2F1 come from stdlib (ports of Cephes/Boost, with their tests); the two series
 * below are the specific, always-convergent forms the BG/NBD and Pareto/NBD need on hot paths.
 */
import gammalnImpl from '@stdlib/math-base-special-gammaln';
import betalnImpl from '@stdlib/math-base-special-betaln';
import digammaImpl from '@stdlib/math-base-special-digamma';
import hyp2f1Impl from '@stdlib/math-base-special-hyp2f1';

/** ln Γ(x). */
export const gammaln: (x: number) => number = gammalnImpl;
/** ln B(a, b). */
export const betaln: (a: number, b: number) => number = betalnImpl;
/** ψ(x) = d ln Γ(x) / dx. */
export const digamma: (x: number) => number = digammaImpl;
/** Gauss hypergeometric ₂F₁(a, b; c; z) (Abramowitz & Stegun 15.1.1, with Cephes' transformations). */
export const hyp2f1: (a: number, b: number, c: number, z: number) => number = hyp2f1Impl;

/**
 * ₂F₁(a, b; c; z) by its defining power series (A&S 15.1.1) for 0 ≤ z < 1 and c > 0, summed until
 * the terms no longer change the sum; falls back to stdlib near z = 1 where the series crawls.
 * Used where a, b, c make every term well scaled (the Euler-transformed forms in bgnbd.ts).
 */
export function hyp2f1Series(a: number, b: number, c: number, z: number): number {
  if (z === 0) return 1;
  if (z > 0.9 || z < 0) return hyp2f1(a, b, c, z);
  let term = 1;
  let sum = 1;
  for (let k = 0; k < 2000; k++) {
    term *= ((a + k) * (b + k) * z) / ((c + k) * (k + 1));
    sum += term;
    if (Math.abs(term) <= 1e-16 * Math.abs(sum) && k > 2) return sum;
  }
  return hyp2f1(a, b, c, z);
}

/**
 * ln ₂F₁(1, b; c; z) for 0 < b < c and 0 ≤ z < 1. Every term is positive and each ratio
 * (b+k)z/(c+k) is below z, so the sum lies in [1, 1/(1−z)] and never overflows: this is the
 * stable form the Pareto/NBD likelihood reduces to after the Euler transformation (A&S 15.3.3).
 * The tail after term t_k is at most t_k·z/(1−z), which sets the stopping rule.
 */
export function logHyp2f1OneB(b: number, c: number, z: number): number {
  if (z === 0) return 0;
  let term = 1;
  let sum = 1;
  const tailFactor = z / (1 - z);
  for (let k = 0; k < 1_000_000; k++) {
    term *= ((b + k) / (c + k)) * z;
    sum += term;
    if (term * tailFactor <= 1e-16 * sum) break;
  }
  return Math.log(sum);
}

/** ln(1 + eˣ) without overflow. */
export function softplus(x: number): number {
  return x > 0 ? x + Math.log1p(Math.exp(-x)) : Math.log1p(Math.exp(x));
}

/** ln(eᵃ + eᵇ). */
export function logAddExp(a: number, b: number): number {
  if (a === -Infinity) return b;
  if (b === -Infinity) return a;
  return a > b ? a + Math.log1p(Math.exp(b - a)) : b + Math.log1p(Math.exp(a - b));
}

/** ln(eᵃ − eᵇ) for a ≥ b; −∞ when they are equal. */
export function logDiffExp(a: number, b: number): number {
  if (b === -Infinity) return a;
  if (b >= a) return -Infinity;
  return a + Math.log(-Math.expm1(b - a));
}
