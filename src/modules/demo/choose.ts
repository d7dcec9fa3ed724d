import { createRng, type Rng } from '../../analytics/random.ts';

/** Small helpers for drawing demo data from a seeded stream. */

export function pick<T>(rng: Rng, items: readonly T[]): T {
  return items[Math.floor(rng.next() * items.length)]!;
}

export function chance(rng: Rng, p: number): boolean {
  return rng.next() < p;
}

/** Integer in [lo, hi], both included. */
export function intBetween(rng: Rng, lo: number, hi: number): number {
  return lo + Math.floor(rng.next() * (hi - lo + 1));
}

export function between(rng: Rng, lo: number, hi: number): number {
  return lo + rng.next() * (hi - lo);
}

/** Draws items in proportion to their weights (cumulative sums and a binary search). */
export class Weighted<T> {
  private readonly items: T[];
  private readonly cumulative: Float64Array;

  constructor(entries: readonly (readonly [T, number])[]) {
    this.items = entries.map(([item]) => item);
    this.cumulative = new Float64Array(entries.length);
    let sum = 0;
    entries.forEach(([, w], i) => {
      sum += w;
      this.cumulative[i] = sum;
    });
  }

  pick(rng: Rng): T {
    const target = rng.next() * this.cumulative[this.cumulative.length - 1]!;
    let lo = 0;
    let hi = this.cumulative.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.cumulative[mid]! > target) hi = mid;
      else lo = mid + 1;
    }
    return this.items[lo]!;
  }
}

/**
 * An independent stream per (seed, stream, index): customer 17 gets the same data whether it is
 * generated alone, in a batch, or among a million. For a fixed seed and stream the map from index
 * to the 32-bit seed is a bijection, so no two customers share a stream.
 */
export function streamFor(seed: number, stream: number, index: number): Rng {
  const base = fmix32(fmix32(seed >>> 0) ^ Math.imul(stream + 1, 0x85ebca6b));
  return createRng((Math.imul(index, 0x9e3779b1) + base) >>> 0);
}

/** MurmurHash3's finaliser: spreads every input bit over the output. */
function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}
