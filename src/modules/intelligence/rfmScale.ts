import { quintileScores } from '../../analytics/models/rfm.ts';

/**
 * RFM quintile breakpoints, so that an incremental run scores customers against the population of
 * the last full run. rfm.ts scores v as 1 + ⌊5 · #{values < v} / n⌋; that is ≥ k exactly when
 * #{values < v} ≥ ⌈(k−1)n/5⌉, i.e. when v > sorted[⌈(k−1)n/5⌉ − 1]. Those four values are the
 * breakpoints, and `scoreOnScale` reproduces `quintileScores` on the population it came from.
 */
export type Breakpoints = [number, number, number, number];

export function breakpoints(values: ArrayLike<number>): Breakpoints {
  const sorted = Float64Array.from(values).sort();
  const n = sorted.length;
  return [2, 3, 4, 5].map((k) => sorted[Math.max(0, Math.ceil(((k - 1) * n) / 5) - 1)] ?? 0) as Breakpoints;
}

export function scoreOnScale(scale: Breakpoints, v: number): number {
  let s = 1;
  for (const b of scale) if (v > b) s++;
  return s;
}

/** The full-run scores (rfm.ts) and the breakpoints that reproduce them. */
export function quintilesWithScale(values: ArrayLike<number>): { scores: Uint8Array; scale: Breakpoints } {
  return { scores: quintileScores(values), scale: breakpoints(values) };
}
