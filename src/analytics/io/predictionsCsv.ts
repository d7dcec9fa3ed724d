/**
 * The prediction CSV of `kizuna predict`: each input record copied unchanged (cut or padded to the
 * header's width) followed by expected_purchases, p_alive and, with CLV, expected_avg_value and clv.
 * Expected purchases and P(alive) depend only on the customer's (x, t_x, T) pattern, so a pattern of
 * several rows has them formatted once, at its first row, and copied into every later row of it
 * (RowFormatter); a pattern of one row (most patterns of repeat customers) is formatted in place.
 * CLV is each row's discounted expected transactions (per pattern) × expected value × margin, the
 * product customerLifetimeValue takes, computed as the row is written: no per-row CLV array.
 * Rows are formatted in chunks into a buffer reused from chunk to chunk (fresh memory costs a page
 * fault per 4 KB); with a helper thread the last part of the file is formatted there at the same time.
 */
import type { CsvRecords } from './summaryCsv.ts';
import { CsvFileWriter, csvCell, formatNumber } from './csvWriter.ts';

export interface PredictionColumns {
  /** Row → pattern. */
  patternOf: Uint32Array;
  /** Per pattern. */
  expected: Float64Array;
  pAlive: Float64Array;
  /** With --clv: expected value per row, discounted expected transactions per pattern, and the margin. */
  value?: { expectedValue: Float64Array; det: Float64Array; margin: number };
}

/**
 * What formatting rows needs, as plain typed arrays (so a slice can be posted to a worker thread):
 * record i is bytes[start[i], end[i]) lacking short[i] cells; its pattern is k = patternOf[i].
 */
export interface PredictionRows {
  bytes: Uint8Array;
  start: Uint32Array;
  end: Uint32Array;
  short: Uint16Array;
  patternOf: Uint32Array;
  /** Per pattern. */
  expected: Float64Array;
  pAlive: Float64Array;
  /** Per pattern: its slot in a formatter's text cache, or −1 for a pattern of one row (cacheSlots). */
  slot: Int32Array;
  /** Patterns with a slot. */
  slots: number;
  /** With --clv: per row. */
  expectedValue?: Float64Array;
  /** With --clv: per pattern; a row's CLV is det[pattern] · expectedValue[row] · margin. */
  det?: Float64Array;
  margin: number;
}

/** Formats rows on another thread (clvWorker.ts); resolves to their text. */
export type FormatElsewhere = (rows: PredictionRows) => Promise<Uint8Array>;

const COMMA = 44;
const LF = 10;
/** Room for one number: formatNumber writes at most 24 bytes. */
const NUMBER_ROOM = 32;
/** Rows per chunk: bounds the reused buffer (about 2 MB per chunk for typical summaries, so it stays in cache). */
export const ROWS_PER_CHUNK = 1 << 15;
/**
 * Share of the rows this thread formats when a helper takes the rest. More than half: the helper
 * starts later (it is sent its rows) and formats a row ~1.25× slower (its code is cold), while
 * writing the file here costs little (~15 ms for 70 MB): at 0.47 this thread waited for the helper.
 */
const OWN_SHARE = 0.55;
/**
 * Doubles per cached pattern in RowFormatter's table: 32 bytes, half a cache line (aligned, so one
 * miss), two patterns a line: the table is met in random order, so the smaller it is, the more of
 * it stays in cache, and the fewer fresh pages it costs (each thread has its own).
 */
const PATTERN_STRIDE = 4;
/** Text lengths packed into one table entry: the values' text (≤ 2 numbers) · 256 + the whole text's (≤ 4). */
const LENGTH_SHIFT = 8;

/**
 * Formats rows, each pattern's ",expected,p_alive" once, when its first row comes, and copied into
 * every later row of it; so are that first row's ",expected_avg_value,clv" into later rows with
 * the same two values (always so for customers with no repeat purchase, whose Gamma-Gamma mean is
 * the population's). The text is the same as formatting every row on its own, whichever rows a
 * formatter is given, so threads can each take a part of the file.
 */
export class RowFormatter {
  private readonly pool: Uint8Array;
  private poolEnd = 0;
  /**
   * Per cached pattern (by its slot), side by side (patterns come in random order, so each separate
   * array would cost a cache miss per row): 1 + where its text starts in the pool (0 before its
   * first row), the lengths of its values' text and of the text through the first row's expected
   * value and CLV (packed, LENGTH_SHIFT), and that expected value. Zero to begin with, so pages of
   * patterns this formatter never meets are never touched (with a helper thread, each formatter meets only some).
   */
  private readonly pattern: Float64Array;
  private readonly scratch = new Uint8Array(24);

  constructor(private readonly r: PredictionRows) {
    // untouched pages cost address space only: both are sized for every cached pattern, filled with those met
    this.pool = new Uint8Array(r.slots * ((r.det ? 4 : 2) * NUMBER_ROOM + 4));
    this.pattern = new Float64Array(PATTERN_STRIDE * r.slots);
  }

  /**
   * The text of rows [from, to), written at the start of `into` when it has room for them (else of
   * a new buffer); returns a view of the text. The buffer is never from Node's shared pool, so it
   * can be transferred between threads.
   */
  format(from: number, to: number, into?: Uint8Array): Uint8Array {
    const { bytes, start, end, short, patternOf, expected, pAlive, slot, expectedValue, det, margin } = this.r;
    const { pool, pattern, scratch } = this;
    const size = rowsBound(this.r, from, to);
    const out = into && into.length >= size ? into : new Uint8Array(size);
    let pos = 0;
    for (let i = from; i < to; i++) {
      const k = patternOf[i];
      const recordEnd = end[i];
      for (let j = start[i]; j < recordEnd; j++) out[pos++] = bytes[j];
      for (let c = short[i]; c > 0; c--) out[pos++] = COMMA;
      const s = slot[k];
      const at = PATTERN_STRIDE * s;
      const textStart = s < 0 ? -1 : pattern[at] - 1;
      if (textStart < 0) {
        // a pattern's first row, or its only one: formatted here (and kept for its later rows)
        const rowText = pos;
        out[pos++] = COMMA;
        pos = formatNumber(expected[k], out, pos, scratch);
        out[pos++] = COMMA;
        pos = formatNumber(pAlive[k], out, pos, scratch);
        const mid = pos;
        if (det) {
          const value = expectedValue![i];
          out[pos++] = COMMA;
          pos = formatNumber(value, out, pos, scratch);
          out[pos++] = COMMA;
          pos = formatNumber(det[k] * value * margin, out, pos, scratch);
          if (s >= 0) pattern[at + 2] = value;
        }
        if (s >= 0) {
          let p = this.poolEnd;
          pattern[at] = p + 1;
          pattern[at + 1] = ((mid - rowText) << LENGTH_SHIFT) | (pos - rowText);
          for (let j = rowText; j < pos; j++) pool[p++] = out[j];
          this.poolEnd = p;
        }
      } else if (det === undefined || expectedValue![i] === pattern[at + 2]) {
        // the same values as the pattern's first row: so is the CLV, det[k] · value · margin
        const textEnd = textStart + (pattern[at + 1] & ((1 << LENGTH_SHIFT) - 1));
        for (let j = textStart; j < textEnd; j++) out[pos++] = pool[j];
      } else {
        const textEnd = textStart + (pattern[at + 1] >> LENGTH_SHIFT);
        for (let j = textStart; j < textEnd; j++) out[pos++] = pool[j];
        const value = expectedValue![i];
        out[pos++] = COMMA;
        pos = formatNumber(value, out, pos, scratch);
        out[pos++] = COMMA;
        pos = formatNumber(det[k] * value * margin, out, pos, scratch);
      }
      out[pos++] = LF;
    }
    return out.subarray(0, pos);
  }
}

/**
 * Per pattern, its slot in a formatter's text cache: patterns of several rows numbered 0, 1, … in
 * order, −1 for a pattern of one row (its text is used once, so keeping it would only cost memory).
 */
export function cacheSlots(patternOf: Uint32Array, patterns: number): { slot: Int32Array; slots: number } {
  const slot = new Int32Array(patterns);
  for (let i = 0; i < patternOf.length; i++) slot[patternOf[i]]++;
  let slots = 0;
  for (let k = 0; k < patterns; k++) slot[k] = slot[k] > 1 ? slots++ : -1;
  return { slot, slots };
}

/** Bytes that rows [from, to) take at most. */
function rowsBound(r: PredictionRows, from: number, to: number): number {
  const { start, end, short } = r;
  const perRow = 1 + (r.det ? 4 : 2) * (NUMBER_ROOM + 1);
  let size = 0;
  for (let i = from; i < to; i++) size += end[i] - start[i] + short[i] + perRow;
  return size;
}

/**
 * Rows [from, to) as a self-contained PredictionRows: their record bytes copied and offsets rebased,
 * unless those are in shared memory (the input read for two threads), which another thread reads in place.
 */
export function sliceRows(r: PredictionRows, from: number, to: number): PredictionRows {
  const shared = [r.bytes, r.start, r.end].every((a) => a.buffer instanceof SharedArrayBuffer);
  const base = shared ? 0 : r.start[from];
  const rebase = (a: Uint32Array): Uint32Array => {
    if (shared) return a.subarray(from, to);
    const out = new Uint32Array(to - from);
    for (let i = from; i < to; i++) out[i - from] = a[i] - base;
    return out;
  };
  return {
    bytes: shared ? r.bytes : new Uint8Array(r.bytes.subarray(base, r.end[to - 1])), // a copy (Buffer#slice would be a view)
    start: rebase(r.start),
    end: rebase(r.end),
    short: r.short.slice(from, to),
    patternOf: r.patternOf.slice(from, to),
    expected: r.expected,
    pAlive: r.pAlive,
    slot: r.slot,
    slots: r.slots,
    expectedValue: r.expectedValue?.slice(from, to),
    det: r.det,
    margin: r.margin,
  };
}

/**
 * Writes the prediction CSV; the file appears under its name only when complete. With `elsewhere`
 * (a helper thread), the rows after the first OWN_SHARE are formatted there meanwhile, in one
 * buffer written after this thread's chunks.
 */
export async function writePredictionsCsv(path: string, records: CsvRecords, columns: PredictionColumns, elsewhere?: FormatElsewhere): Promise<void> {
  const out = new CsvFileWriter(path);
  try {
    const added = ['expected_purchases', 'p_alive', ...(columns.value ? ['expected_avg_value', 'clv'] : [])];
    out.text(`${[...records.header.map(csvCell), ...added].join(',')}\n`);
    const rows: PredictionRows = {
      bytes: records.bytes,
      start: records.start,
      end: records.end,
      short: records.short,
      patternOf: columns.patternOf,
      expected: columns.expected,
      pAlive: columns.pAlive,
      ...cacheSlots(columns.patternOf, columns.expected.length),
      expectedValue: columns.value?.expectedValue,
      det: columns.value?.det,
      margin: columns.value?.margin ?? 1,
    };
    const n = records.count;
    const split = elsewhere && n >= 2 * ROWS_PER_CHUNK ? Math.floor(n * OWN_SHARE) : n;
    const theirs = split < n ? elsewhere!(sliceRows(rows, split, n)) : undefined;
    theirs?.catch(() => {}); // awaited below; not an unhandled rejection if this thread fails first
    const formatter = new RowFormatter(rows);
    let buffer: Uint8Array | undefined;
    for (let from = 0; from < split; from += ROWS_PER_CHUNK) {
      const text = formatter.format(from, Math.min(from + ROWS_PER_CHUNK, split), buffer);
      buffer = new Uint8Array(text.buffer);
      out.chunk(text);
    }
    if (theirs) out.chunk(await theirs);
  } catch (err) {
    out.abort();
    throw err;
  }
  out.close();
}
