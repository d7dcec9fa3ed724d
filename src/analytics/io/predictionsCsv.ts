/**
 * The prediction CSV of `kizuna predict`: each input record copied unchanged (cut or padded to the
 * header's width) followed by expected_purchases, p_alive and, with CLV, expected_avg_value and clv.
 * Expected purchases and P(alive) depend only on the customer's (x, t_x, T) pattern, so they are
 * formatted once per pattern and copied into every row that shares it; so are expected_avg_value and
 * clv when every row of a pattern has the same (always so for customers with no repeat purchase,
 * whose Gamma-Gamma mean is the population's). Rows are formatted in
 * chunks into a buffer reused from chunk to chunk (fresh memory costs a page fault per 4 KB, which
 * was most of the writing); with a helper thread every other chunk is formatted there, into a
 * second buffer that travels back and forth, while this thread does the one before it.
 */
import type { CsvRecords } from './summaryCsv.ts';
import { CsvFileWriter, csvCell, formatNumber } from './csvWriter.ts';

export interface PredictionColumns {
  /** Row → pattern. */
  patternOf: Uint32Array;
  /** Per pattern. */
  expected: Float64Array;
  pAlive: Float64Array;
  /** Per row, with --clv. */
  value?: { expectedValue: Float64Array; clv: Float64Array };
}

/**
 * What formatting rows needs, as plain typed arrays (so a slice can be posted to a worker thread):
 * record i is bytes[start[i], end[i]) lacking short[i] cells; its pattern's text is
 * pool[offset[k], offset[k+1]) for k = patternOf[i].
 */
export interface PredictionRows {
  bytes: Uint8Array;
  start: Uint32Array;
  end: Uint32Array;
  short: Uint16Array;
  patternOf: Uint32Array;
  pool: Uint8Array;
  offset: Uint32Array;
  /** Per pattern: 1 when its text already holds expected_avg_value and clv (the same for all its rows). */
  whole?: Uint8Array;
  expectedValue?: Float64Array;
  clv?: Float64Array;
}

/**
 * Formats rows on another thread (clvWorker.ts) into `into` when it is large enough (transferred
 * there and back); resolves to the rows' text, a view of that buffer.
 */
export type FormatElsewhere = (rows: PredictionRows, into: Uint8Array) => Promise<Uint8Array>;

const COMMA = 44;
const LF = 10;
/** Room for one number: formatNumber writes at most 24 bytes. */
const NUMBER_ROOM = 32;
/** Rows per chunk: bounds the buffers (about 2 MB per chunk for typical summaries, so they stay in cache). */
export const ROWS_PER_CHUNK = 1 << 15;

/**
 * Patterns of two or more rows that all have the same expected value and CLV (exactly): 1, else 0.
 * Their rows then copy those two numbers' text too instead of formatting them again.
 */
export function patternsWithOneValue(patterns: number, patternOf: Uint32Array, expectedValue: Float64Array, clv: Float64Array): Uint8Array {
  const first = new Int32Array(patterns).fill(-1); // first row of each pattern; -2 once rows differ
  const whole = new Uint8Array(patterns);
  for (let i = 0; i < patternOf.length; i++) {
    const k = patternOf[i];
    const f = first[k];
    if (f === -1) first[k] = i;
    else if (f >= 0) {
      if (expectedValue[i] === expectedValue[f] && clv[i] === clv[f]) whole[k] = 1;
      else {
        first[k] = -2;
        whole[k] = 0;
      }
    }
  }
  return whole;
}

/**
 * ",expected,p_alive" of every pattern, back to back; text of pattern k is pool[offset[k], offset[k+1]).
 * With `value`, patterns whose rows share one expected value and CLV get ",expected_avg_value,clv" too (`whole`).
 */
export function formatPatterns(
  expected: Float64Array,
  pAlive: Float64Array,
  value?: { patternOf: Uint32Array; expectedValue: Float64Array; clv: Float64Array },
): { pool: Uint8Array; offset: Uint32Array; whole?: Uint8Array } {
  const n = expected.length;
  const whole = value && patternsWithOneValue(n, value.patternOf, value.expectedValue, value.clv);
  const firstRow = new Uint32Array(whole ? n : 0);
  if (whole) for (let i = value.patternOf.length - 1; i >= 0; i--) firstRow[value.patternOf[i]] = i;
  const pool = Buffer.allocUnsafe(n * ((whole ? 4 : 2) * NUMBER_ROOM + 4) + 1);
  const offset = new Uint32Array(n + 1);
  const scratch = new Uint8Array(24);
  let pos = 0;
  for (let k = 0; k < n; k++) {
    offset[k] = pos;
    pool[pos++] = COMMA;
    pos = formatNumber(expected[k], pool, pos, scratch);
    pool[pos++] = COMMA;
    pos = formatNumber(pAlive[k], pool, pos, scratch);
    if (whole && whole[k]) {
      pool[pos++] = COMMA;
      pos = formatNumber(value.expectedValue[firstRow[k]], pool, pos, scratch);
      pool[pos++] = COMMA;
      pos = formatNumber(value.clv[firstRow[k]], pool, pos, scratch);
    }
  }
  offset[n] = pos;
  // shared memory: every chunk posted to a helper thread refers to the same pool without copying it
  const shared = new Uint8Array(new SharedArrayBuffer(pos));
  shared.set(pool.subarray(0, pos));
  const sharedOffset = new Uint32Array(new SharedArrayBuffer(offset.byteLength));
  sharedOffset.set(offset);
  if (!whole) return { pool: shared, offset: sharedOffset };
  const sharedWhole = new Uint8Array(new SharedArrayBuffer(n));
  sharedWhole.set(whole);
  return { pool: shared, offset: sharedOffset, whole: sharedWhole };
}

/** Bytes that rows [from, to) take at most. */
function rowsBound(r: PredictionRows, from: number, to: number): number {
  const { start, end, short, patternOf, offset, clv } = r;
  const perRow = 1 + (clv ? 2 * (NUMBER_ROOM + 1) : 0);
  let size = 0;
  for (let i = from; i < to; i++) {
    const k = patternOf[i];
    size += end[i] - start[i] + short[i] + offset[k + 1] - offset[k] + perRow;
  }
  return size;
}

/**
 * The text of rows [from, to), written at the start of `into` when it has room for them (else of
 * a new buffer); returns a view of the text. The buffer is never from Node's shared pool, so it
 * can be transferred between threads.
 */
export function formatPredictionRows(r: PredictionRows, from: number, to: number, into?: Uint8Array): Uint8Array {
  const { bytes, start, end, short, patternOf, pool, offset, whole, expectedValue, clv } = r;
  const size = rowsBound(r, from, to);
  const out = into && into.length >= size ? into : new Uint8Array(size);
  const scratch = new Uint8Array(24);
  let pos = 0;
  for (let i = from; i < to; i++) {
    const k = patternOf[i];
    const recordEnd = end[i];
    for (let j = start[i]; j < recordEnd; j++) out[pos++] = bytes[j];
    for (let c = short[i]; c > 0; c--) out[pos++] = COMMA;
    const patternEnd = offset[k + 1];
    for (let j = offset[k]; j < patternEnd; j++) out[pos++] = pool[j];
    if (clv && !(whole && whole[k])) {
      out[pos++] = COMMA;
      pos = formatNumber(expectedValue![i], out, pos, scratch);
      out[pos++] = COMMA;
      pos = formatNumber(clv[i], out, pos, scratch);
    }
    out[pos++] = LF;
  }
  return out.subarray(0, pos);
}

/** Rows [from, to) as a self-contained PredictionRows (their record bytes copied and offsets rebased). */
export function sliceRows(r: PredictionRows, from: number, to: number): PredictionRows {
  const base = r.start[from];
  const rebase = (a: Uint32Array): Uint32Array => {
    const out = new Uint32Array(to - from);
    for (let i = from; i < to; i++) out[i - from] = a[i] - base;
    return out;
  };
  return {
    bytes: new Uint8Array(r.bytes.subarray(base, r.end[to - 1])), // a copy (Buffer#slice would be a view)
    start: rebase(r.start),
    end: rebase(r.end),
    short: r.short.slice(from, to),
    patternOf: r.patternOf.slice(from, to),
    pool: r.pool,
    offset: r.offset,
    whole: r.whole,
    expectedValue: r.expectedValue?.slice(from, to),
    clv: r.clv?.slice(from, to),
  };
}

/**
 * Writes the prediction CSV; the file appears under its name only when complete. With `elsewhere`
 * (a helper thread), every second chunk of rows is formatted there in parallel.
 */
export async function writePredictionsCsv(path: string, records: CsvRecords, columns: PredictionColumns, elsewhere?: FormatElsewhere): Promise<void> {
  const out = new CsvFileWriter(path);
  try {
    const added = ['expected_purchases', 'p_alive', ...(columns.value ? ['expected_avg_value', 'clv'] : [])];
    out.text(`${[...records.header.map(csvCell), ...added].join(',')}\n`);
    const { pool, offset, whole } = formatPatterns(
      columns.expected,
      columns.pAlive,
      columns.value && { patternOf: columns.patternOf, expectedValue: columns.value.expectedValue, clv: columns.value.clv },
    );
    const rows: PredictionRows = {
      bytes: records.bytes,
      start: records.start,
      end: records.end,
      short: records.short,
      patternOf: columns.patternOf,
      pool,
      offset,
      whole,
      expectedValue: columns.value?.expectedValue,
      clv: columns.value?.clv,
    };
    const n = records.count;
    let mine: Uint8Array | undefined;
    let theirs: Uint8Array = new Uint8Array(0);
    for (let from = 0; from < n; from += 2 * ROWS_PER_CHUNK) {
      const mid = Math.min(from + ROWS_PER_CHUNK, n);
      const to = Math.min(from + 2 * ROWS_PER_CHUNK, n);
      const there = elsewhere && mid < to ? elsewhere(sliceRows(rows, mid, to), theirs) : undefined;
      let text = formatPredictionRows(rows, from, mid, mine);
      mine = new Uint8Array(text.buffer);
      out.chunk(text);
      if (there) {
        text = await there;
        theirs = new Uint8Array(text.buffer);
      } else if (mid < to) {
        text = formatPredictionRows(rows, mid, to, mine);
        mine = new Uint8Array(text.buffer);
      } else continue;
      out.chunk(text);
    }
  } catch (err) {
    out.abort();
    throw err;
  }
  out.close();
}
