/**
 * A small seeded PRNG and the samplers the CLV simulators need. Reproducible across runs and
 * platforms (pure 32-bit integer arithmetic), so tests and benchmarks can fix a seed.
 */

/** A source of uniform doubles in [0, 1). */
export interface Rng {
  /** Uniform on [0, 1) with 53 random bits. */
  next(): number;
}

/**
 * xoshiro128** (Blackman & Vigna 2018, "Scrambled linear pseudorandom number generators"),
 * seeded through splitmix32 so that nearby seeds give unrelated streams.
 */
export class Xoshiro128 implements Rng {
  private s0: number;
  private s1: number;
  private s2: number;
  private s3: number;

  constructor(seed: number) {
    let z = seed >>> 0;
    const split = (): number => {
      z = (z + 0x9e3779b9) >>> 0;
      let t = z ^ (z >>> 16);
      t = Math.imul(t, 0x21f0aaad);
      t ^= t >>> 15;
      t = Math.imul(t, 0x735a2d97);
      return (t ^ (t >>> 15)) >>> 0;
    };
    this.s0 = split();
    this.s1 = split();
    this.s2 = split();
    this.s3 = split();
    if ((this.s0 | this.s1 | this.s2 | this.s3) === 0) this.s0 = 1;
  }

  /** One 32-bit output. */
  nextUint32(): number {
    const result = Math.imul(rotl(Math.imul(this.s1, 5), 7), 9) >>> 0;
    const t = this.s1 << 9;
    this.s2 ^= this.s0;
    this.s3 ^= this.s1;
    this.s1 ^= this.s2;
    this.s0 ^= this.s3;
    this.s2 ^= t;
    this.s3 = rotl(this.s3, 11);
    return result;
  }

  next(): number {
    // 21 high bits + 32 bits = 53 bits, the full double mantissa.
    const hi = this.nextUint32() >>> 11;
    const lo = this.nextUint32();
    return (hi * 4294967296 + lo) / 9007199254740992;
  }
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}

/** Convenience constructor. */
export function createRng(seed: number): Rng {
  return new Xoshiro128(seed);
}

/** Uniform on (0, 1): never 0, so logs are safe. */
export function uniformOpen(rng: Rng): number {
  let u = rng.next();
  while (u === 0) u = rng.next();
  return u;
}

/** Exponential with the given rate (mean 1/rate), by inversion. */
export function sampleExponential(rng: Rng, rate: number): number {
  return -Math.log(uniformOpen(rng)) / rate;
}

/** Standard normal by the Marsaglia polar method (no cached second value: keeps the stream simple). */
export function sampleNormal(rng: Rng): number {
  for (;;) {
    const u = 2 * rng.next() - 1;
    const v = 2 * rng.next() - 1;
    const s = u * u + v * v;
    if (s > 0 && s < 1) return u * Math.sqrt((-2 * Math.log(s)) / s);
  }
}

/**
 * Gamma(shape, rate) (mean shape/rate). Marsaglia & Tsang (2000), "A simple method for generating
 * gamma variables", ACM TOMS 26(3); shape < 1 uses their boost Gamma(k+1)·U^(1/k).
 */
export function sampleGamma(rng: Rng, shape: number, rate: number): number {
  if (!(shape > 0) || !(rate > 0)) throw new RangeError(`gamma needs shape, rate > 0 (got ${shape}, ${rate})`);
  if (shape < 1) {
    const g = sampleGamma(rng, shape + 1, 1);
    return (g * Math.pow(uniformOpen(rng), 1 / shape)) / rate;
  }
  const d = shape - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  for (;;) {
    let x: number;
    let v: number;
    do {
      x = sampleNormal(rng);
      v = 1 + c * x;
    } while (v <= 0);
    v = v * v * v;
    const u = uniformOpen(rng);
    if (u < 1 - 0.0331 * x * x * x * x) return (d * v) / rate;
    if (Math.log(u) < 0.5 * x * x + d * (1 - v + Math.log(v))) return (d * v) / rate;
  }
}

/** Beta(a, b) as G1/(G1+G2) with independent gammas. */
export function sampleBeta(rng: Rng, a: number, b: number): number {
  const x = sampleGamma(rng, a, 1);
  const y = sampleGamma(rng, b, 1);
  return x / (x + y);
}

/**
 * Poisson(mean). Small means multiply uniforms (Knuth); large means use the PTRS transformed
 * rejection of Hörmann (1993), "The transformed rejection method for generating Poisson random
 * variables", Insurance: Mathematics and Economics 12(1).
 */
export function samplePoisson(rng: Rng, mean: number): number {
  if (!(mean >= 0)) throw new RangeError(`poisson needs mean >= 0 (got ${mean})`);
  if (mean === 0) return 0;
  if (mean < 10) {
    const limit = Math.exp(-mean);
    let k = 0;
    let p = rng.next();
    while (p > limit) {
      k++;
      p *= rng.next();
    }
    return k;
  }
  const slam = Math.sqrt(mean);
  const loglam = Math.log(mean);
  const b = 0.931 + 2.53 * slam;
  const a = -0.059 + 0.02483 * b;
  const invalpha = 1.1239 + 1.1328 / (b - 3.4);
  const vr = 0.9277 - 3.6224 / (b - 2);
  for (;;) {
    const u = rng.next() - 0.5;
    const v = rng.next();
    const us = 0.5 - Math.abs(u);
    const k = Math.floor(((2 * a) / us + b) * u + mean + 0.43);
    if (us >= 0.07 && v <= vr) return k;
    if (k < 0 || (us < 0.013 && v > us)) continue;
    if (Math.log(v) + Math.log(invalpha) - Math.log(a / (us * us) + b) <= -mean + k * loglam - logFactorial(k)) {
      return k;
    }
  }
}

function logFactorial(k: number): number {
  if (k < 2) return 0;
  // Stirling series; exact enough for the rejection test at k >= 10.
  if (k < 20) {
    let s = 0;
    for (let i = 2; i <= k; i++) s += Math.log(i);
    return s;
  }
  return (k + 0.5) * Math.log(k) - k + 0.5 * Math.log(2 * Math.PI) + 1 / (12 * k) - 1 / (360 * k * k * k);
}
