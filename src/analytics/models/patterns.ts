/**
 * Compression of customers into unique (x, t_x, T) patterns with weights, and the small hashing
 * utilities the models use to find unique values (unique T, unique (x, T) pairs, ...).
 * Customers with identical histories have identical likelihoods and predictions, so every model
 * computes once per pattern and scatters back; on day-rounded data 1M customers are ~10⁴–10⁵ patterns.
 */

/** Per-customer RFM summary as lifetimes defines it: frequency = repeat periods, recency, T. */
export interface CustomerSummary {
  frequency: ArrayLike<number>;
  recency: ArrayLike<number>;
  T: ArrayLike<number>;
  /** Optional multiplicity of each row (defaults to 1). */
  weights?: ArrayLike<number>;
}

/** Unique (x, t_x, T) patterns. */
export interface Patterns {
  /** Number of unique patterns. */
  size: number;
  x: Float64Array;
  tx: Float64Array;
  T: Float64Array;
  /** Number of customers (or summed input weights) per pattern. */
  weight: Float64Array;
  /** For each input row, the index of its pattern. */
  index: Uint32Array;
  /** Sum of all weights. */
  totalWeight: number;
}

/** Result of finding the unique rows of one or more Float64 columns. */
export interface UniqueRows {
  /** Number of unique rows. */
  size: number;
  /** Row → unique id (ids numbered in order of first appearance). */
  index: Uint32Array;
  /** Unique id → first row with it. */
  first: Uint32Array;
}

const f64 = new Float64Array(1);
const u32 = new Uint32Array(f64.buffer);

/** A 32-bit hash of a double's bit pattern (+0 and −0 are folded together). */
function hashDouble(v: number, h: number): number {
  f64[0] = v === 0 ? 0 : v;
  h = Math.imul(h ^ u32[0], 0x85ebca6b);
  h = (h << 13) | (h >>> 19);
  h = Math.imul(h ^ u32[1], 0xc2b2ae35);
  return (h << 15) | (h >>> 17);
}

/**
 * Unique rows of 1–3 aligned columns by open addressing (linear probing); O(n) expected, no string
 * keys, so 1M rows take tens of milliseconds. The table holds ids only and grows with the unique
 * rows (kept at most half full), and the unique rows' values sit side by side: a lookup touches
 * about two cache lines, and a table sized for the unique rows rather than the input stays small.
 * NaN never equals itself: callers validate first. `index` is where the row → id map goes (e.g. shared
 * memory another thread reads).
 */
export function uniqueRows(columns: readonly ArrayLike<number>[], index: Uint32Array = new Uint32Array(columns.length === 0 ? 0 : columns[0].length)): UniqueRows {
  const n = columns.length === 0 ? 0 : columns[0].length;
  const c0 = columns[0];
  const c1 = columns[1];
  const c2 = columns[2];
  const k = columns.length;
  if (k < 1 || k > 3) throw new RangeError('uniqueRows takes 1 to 3 columns');
  const packing = packingOf(columns, n);
  if (packing && packing.bits <= DENSE_BITS) return uniqueDense(columns, n, packing.scale, packing.bits, index);
  if (packing) return uniqueKeys(columns, n, packing.scale, packing.bits, index);
  let cap = 1 << 12;
  let mask = cap - 1;
  let table = new Int32Array(cap).fill(-1);
  let keys = new Float64Array((cap >> 1) * 3); // unique id → its values at id·3
  let hashes = new Int32Array(cap >> 1); // unique id → its hash, for growing the table
  const first = new Uint32Array(n);
  let size = 0;
  for (let i = 0; i < n; i++) {
    const a = c0[i];
    const b = k > 1 ? c1[i] : 0;
    const c = k > 2 ? c2[i] : 0;
    let h = hashDouble(a, 0x9747b28c);
    if (k > 1) h = hashDouble(b, h);
    if (k > 2) h = hashDouble(c, h);
    h ^= h >>> 16;
    let slot = h & mask;
    for (;;) {
      const id = table[slot];
      if (id === -1) {
        if (size === cap >> 1) {
          // half full: double the table and re-place every unique row by its stored hash
          cap *= 2;
          mask = cap - 1;
          table = new Int32Array(cap).fill(-1);
          for (let u = 0; u < size; u++) {
            let s = hashes[u] & mask;
            while (table[s] !== -1) s = (s + 1) & mask;
            table[s] = u;
          }
          const grownKeys = new Float64Array((cap >> 1) * 3);
          grownKeys.set(keys);
          keys = grownKeys;
          const grownHashes = new Int32Array(cap >> 1);
          grownHashes.set(hashes);
          hashes = grownHashes;
          slot = h & mask;
          while (table[slot] !== -1) slot = (slot + 1) & mask;
        }
        table[slot] = size;
        hashes[size] = h;
        keys[3 * size] = a;
        keys[3 * size + 1] = b;
        keys[3 * size + 2] = c;
        first[size] = i;
        index[i] = size++;
        break;
      }
      if (keys[3 * id] === a && keys[3 * id + 1] === b && keys[3 * id + 2] === c) {
        index[i] = id;
        break;
      }
      slot = (slot + 1) & mask;
    }
  }
  return { size, index, first: first.slice(0, size) };
}

/** Packed keys below 2^DENSE_BITS index a table directly (1 MB at most, touched only where keys fall). */
const DENSE_BITS = 18;

/**
 * How rows of whole numbers ≥ 0 (day counts, the common case) pack into one exact integer each
 * (below 2⁵³): each column's scale (a power of two above its maximum) and the bits they take
 * together; null when a value is not such a number or they need more than 53 bits.
 */
function packingOf(columns: readonly ArrayLike<number>[], n: number): { scale: number[]; bits: number } | null {
  const scale: number[] = [];
  let bits = 0;
  for (const c of columns) {
    let max = 0;
    for (let i = 0; i < n; i++) {
      const v = c[i];
      if (!(v >= 0 && v <= 0xffffffff && Math.floor(v) === v)) return null;
      if (v > max) max = v;
    }
    const b = max === 0 ? 1 : Math.floor(Math.log2(max)) + 1;
    scale.push(2 ** b);
    bits += b;
  }
  return bits > 53 ? null : { scale, bits };
}

/**
 * uniqueRows of rows whose packed keys take few bits (unique x, unique T, unique (x, T) of the
 * fits): a table indexed by the key itself, no hashing and no key array. The same ids in the same
 * order as uniqueKeys.
 */
function uniqueDense(columns: readonly ArrayLike<number>[], n: number, scale: number[], bits: number, index: Uint32Array): UniqueRows {
  const table = new Int32Array(2 ** bits); // key → 1 + its id (0: not met yet)
  const first = new Uint32Array(n);
  const [c0, c1, c2] = columns;
  const k = columns.length;
  const s1 = k > 1 ? scale[1] : 0;
  const s2 = k > 2 ? scale[2] : 0;
  let size = 0;
  for (let i = 0; i < n; i++) {
    const key = k === 1 ? c0[i] : k === 2 ? c0[i] * s1 + c1[i] : (c0[i] * s1 + c1[i]) * s2 + c2[i];
    const id = table[key] - 1;
    if (id >= 0) index[i] = id;
    else {
      table[key] = size + 1;
      first[size] = i;
      index[i] = size++;
    }
  }
  return { size, index, first: first.slice(0, size) };
}

/**
 * uniqueRows of rows by their packed keys (packingOf), each made as its row is met (an array of
 * them would be fresh memory, a page fault per 4 KB). Each 8-byte slot holds 1 + its id (0: empty, so a fresh
 * table needs no filling) and the key's low 32 bits, side by side: a lookup touches one cache line
 * (the rows' patterns come in random order, each a likely miss), and the table is half the size of
 * one holding whole keys. Keys of more than 32 bits are confirmed against the unique keys themselves.
 */
function uniqueKeys(columns: readonly ArrayLike<number>[], n: number, scale: number[], bits: number, index: Uint32Array): UniqueRows {
  const [c0, c1, c2] = columns;
  const k = columns.length;
  const s1 = k > 1 ? scale[1] : 0;
  const s2 = k > 2 ? scale[2] : 0;
  const whole = bits <= 32; // the low 32 bits are the key
  const uniqueKey = whole ? new Float64Array(0) : new Float64Array(n); // id → key
  let cap = 1 << 12;
  let table = new Uint32Array(2 * cap);
  const first = new Uint32Array(n);
  let size = 0;
  const slotOf = (key: number, mask: number): number => {
    let h = Math.imul((key >>> 0) ^ ((key / 0x100000000) | 0), 0x85ebca6b); // its low and high 32 bits (key < 2⁵³)
    h ^= h >>> 15;
    h = Math.imul(h, 0xc2b2ae35);
    return (h ^ (h >>> 13)) & mask;
  };
  for (let i = 0; i < n; i++) {
    // + 0 turns −0 into 0
    const key = (k === 1 ? c0[i] : k === 2 ? c0[i] * s1 + c1[i] : (c0[i] * s1 + c1[i]) * s2 + c2[i]) + 0;
    const low = key >>> 0;
    let slot = slotOf(key, cap - 1);
    for (;;) {
      const there = table[2 * slot];
      if (there === 0) {
        if (size === cap >> 1) {
          // half full: double the table and re-place every key
          const old = table;
          cap *= 2;
          table = new Uint32Array(2 * cap);
          for (let s = 0; s < old.length; s += 2) {
            if (old[s] === 0) continue;
            let t = slotOf(whole ? old[s + 1] : uniqueKey[old[s] - 1], cap - 1);
            while (table[2 * t] !== 0) t = (t + 1) & (cap - 1);
            table[2 * t] = old[s];
            table[2 * t + 1] = old[s + 1];
          }
          slot = slotOf(key, cap - 1);
          while (table[2 * slot] !== 0) slot = (slot + 1) & (cap - 1);
        }
        table[2 * slot] = size + 1;
        table[2 * slot + 1] = low;
        if (!whole) uniqueKey[size] = key;
        first[size] = i;
        index[i] = size++;
        break;
      }
      if (table[2 * slot + 1] === low && (whole || uniqueKey[there - 1] === key)) {
        index[i] = there - 1;
        break;
      }
      slot = (slot + 1) & (cap - 1);
    }
  }
  return { size, index, first: first.slice(0, size) };
}

/** Unique values of one column with the row → value-id map. */
export function uniqueValues(values: ArrayLike<number>): { values: Float64Array; index: Uint32Array } {
  const u = uniqueRows([values]);
  const out = new Float64Array(u.size);
  for (let i = 0; i < u.size; i++) out[i] = values[u.first[i]];
  return { values: out, index: u.index };
}

/** Compresses customers into unique (x, t_x, T) patterns with summed weights; `index` as uniqueRows'. */
export function compressPatterns(summary: CustomerSummary, index?: Uint32Array): Patterns {
  const { frequency, recency, T, weights } = summary;
  const u = uniqueRows([frequency, recency, T], index);
  const x = new Float64Array(u.size);
  const tx = new Float64Array(u.size);
  const TT = new Float64Array(u.size);
  const weight = new Float64Array(u.size);
  for (let p = 0; p < u.size; p++) {
    const r = u.first[p];
    x[p] = frequency[r];
    tx[p] = recency[r];
    TT[p] = T[r];
  }
  let totalWeight = 0;
  for (let i = 0; i < u.index.length; i++) {
    const w = weights ? weights[i] : 1;
    weight[u.index[i]] += w;
    totalWeight += w;
  }
  return { size: u.size, x, tx, T: TT, weight, index: u.index, totalWeight };
}

/**
 * About one customer in `step`, by systematic sampling along the patterns' cumulative weights: a
 * pattern keeps as many customers as multiples of `step` fall in its share. Used to warm-start
 * fits on large data (mle.ts), not for answers. The result has no row index.
 */
export function thinPatterns(pat: Patterns, step: number): Patterns {
  const keepWeight = new Float64Array(pat.size);
  let cumulative = 0;
  let size = 0;
  for (let p = 0; p < pat.size; p++) {
    const before = Math.floor(cumulative / step);
    cumulative += pat.weight[p];
    keepWeight[p] = Math.floor(cumulative / step) - before;
    if (keepWeight[p] > 0) size++;
  }
  const out: Patterns = {
    size,
    x: new Float64Array(size),
    tx: new Float64Array(size),
    T: new Float64Array(size),
    weight: new Float64Array(size),
    index: new Uint32Array(0),
    totalWeight: 0,
  };
  for (let p = 0, k = 0; p < pat.size; p++) {
    if (keepWeight[p] === 0) continue;
    out.x[k] = pat.x[p];
    out.tx[k] = pat.tx[p];
    out.T[k] = pat.T[p];
    out.weight[k++] = keepWeight[p];
    out.totalWeight += keepWeight[p];
  }
  return out;
}

/** The patterns of a summary, or the patterns themselves when given them. */
export function asPatterns(summary: CustomerSummary | Patterns): Patterns {
  return 'index' in summary && 'size' in summary ? summary : compressPatterns(summary);
}

/** Per-pattern predictions (expected purchases per horizon, P(alive)) copied to one value per row. */
export function scatterPredictions(perPattern: { expected: Float64Array[]; pAlive: Float64Array }, index: Uint32Array): { expected: Float64Array[]; pAlive: Float64Array } {
  return { expected: perPattern.expected.map((e) => scatter(e, index)), pAlive: scatter(perPattern.pAlive, index) };
}

/** Weights for per-pattern predictors that sum horizons (betaGeoPredictPatterns): one output per horizon, its own prediction. */
export function identityWeights(n: number): number[][] {
  return Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j) => (i === j ? 1 : 0)));
}

/** Copies per-pattern values back to one value per input row. */
export function scatter(patternValues: Float64Array, index: Uint32Array): Float64Array {
  const out = new Float64Array(index.length);
  for (let i = 0; i < index.length; i++) out[i] = patternValues[index[i]];
  return out;
}

/**
 * Checks a summary the way the models need it: finite, frequency a whole number ≥ 0,
 * 0 ≤ recency ≤ T, recency = 0 when frequency = 0. Returns the first problem, or null.
 * (The CSV reader reports problems with line numbers; this guards direct callers.)
 */
export function summaryProblem(summary: CustomerSummary): string | null {
  const { frequency, recency, T } = summary;
  if (recency.length !== frequency.length || T.length !== frequency.length) return 'columns differ in length';
  for (let i = 0; i < frequency.length; i++) {
    const x = frequency[i];
    const t = recency[i];
    const age = T[i];
    if (!Number.isFinite(x) || !Number.isFinite(t) || !Number.isFinite(age)) return `row ${i}: not a finite number`;
    if (x < 0 || Math.floor(x) !== x) return `row ${i}: frequency must be a whole number >= 0`;
    if (t < 0) return `row ${i}: recency must be >= 0`;
    if (t > age) return `row ${i}: recency must be <= T`;
    if (x === 0 && t !== 0) return `row ${i}: recency must be 0 when frequency is 0`;
  }
  return null;
}
