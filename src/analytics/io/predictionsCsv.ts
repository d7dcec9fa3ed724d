/**
 * The prediction CSV of `kizuna predict`: each input record copied unchanged (cut or padded to the
 * header's width) followed by expected_purchases, p_alive and, with CLV, expected_avg_value and clv.
 * Expected purchases and P(alive) depend only on the customer's (x, t_x, T) pattern, so a pattern of
 * several rows has them formatted once, at its first row, and copied into every later row of it
 * (RowFormatter); a pattern of one row (most patterns of repeat customers) is formatted in place.
 * CLV is each row's discounted expected transactions (per pattern) × expected value × margin, the
 * product customerLifetimeValue takes, computed as the row is written: no per-row CLV array.
 * Rows are formatted in chunks into a buffer reused from chunk to chunk (fresh memory costs a page
 * fault per 4 KB) and each chunk is written at its place in the file as soon as the chunk before it
 * is formatted. With a helper thread both threads claim chunks in turn from a shared counter
 * (writeChunks), so neither holds its part of the file in memory and a helper that starts late
 * simply takes fewer.
 */
import { writeSync } from 'node:fs';
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

/**
 * Formatting and writing the rows on two threads: what both share. Arrays other than rows' are in
 * shared memory; rows' own are copied to another thread unless they are shared too.
 */
export interface WriteJob {
  rows: PredictionRows;
  /** The output file, open for writing (positional writes: each chunk at its own offset). */
  fd: number;
  rowsPerChunk: number;
  /** [CLAIMED]: the next chunk to claim; [PLACED]: chunks whose start in the file is known; [FAILED]: 1 once a thread failed. */
  state: Int32Array;
  /** offsets[c]: where chunk c starts in the file, known for c ≤ state[PLACED]. */
  offsets: Float64Array;
}

const CLAIMED = 0;
const PLACED = 1;
const FAILED = 2;

/** Waits until state[PLACED] is no longer `seen` (or a thread failed): blocking on a helper thread, awaited on the main one. */
export type WaitForPlace = (state: Int32Array, seen: number) => void | Promise<unknown>;

/** Takes part in a WriteJob on another thread (clvWorker.ts); resolves when no chunk is left to claim. */
export type WriteElsewhere = (job: WriteJob) => Promise<unknown>;

const COMMA = 44;
const LF = 10;
/** Room for one number: formatNumber writes at most 24 bytes. */
const NUMBER_ROOM = 32;
/** Rows per chunk: bounds the reused buffer (about 2 MB per chunk for typical summaries, so it stays in cache). */
export const ROWS_PER_CHUNK = 1 << 15;
/**
 * Doubles per cached pattern in RowFormatter's table (three used, the fourth pads it to 32 bytes):
 * half a cache line (aligned, so one miss), two patterns a line: the table is met in random order, so the smaller it is, the more of
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
 * Claims chunks of the job's rows until none is left: formats each into a buffer reused from chunk
 * to chunk, waits until the chunk before it is formatted (its end is this chunk's start), publishes
 * its own end and writes it there. The lowest chunk not yet placed is always being formatted by the
 * thread that claimed it, which never waits for a later one: no deadlock. Returns the chunks written.
 */
export async function writeChunks(job: WriteJob, waitForPlace: WaitForPlace): Promise<number> {
  const { rows, fd, rowsPerChunk, state, offsets } = job;
  const n = rows.start.length;
  const chunks = Math.ceil(n / rowsPerChunk);
  const formatter = new RowFormatter(rows);
  let buffer: Uint8Array | undefined;
  let written = 0;
  try {
    for (let c = Atomics.add(state, CLAIMED, 1); c < chunks; c = Atomics.add(state, CLAIMED, 1)) {
      const text = formatter.format(c * rowsPerChunk, Math.min((c + 1) * rowsPerChunk, n), buffer);
      buffer = new Uint8Array(text.buffer);
      for (let seen = Atomics.load(state, PLACED); seen < c; seen = Atomics.load(state, PLACED)) {
        if (Atomics.load(state, FAILED) !== 0) throw new Error('the other thread writing the file failed');
        await waitForPlace(state, seen);
      }
      const at = offsets[c];
      offsets[c + 1] = at + text.length;
      Atomics.store(state, PLACED, c + 1);
      Atomics.notify(state, PLACED);
      for (let off = 0; off < text.length; ) off += writeSync(fd, text, off, text.length - off, at + off);
      written++;
    }
  } catch (err) {
    Atomics.store(state, FAILED, 1);
    Atomics.notify(state, PLACED);
    throw err;
  }
  return written;
}

/** A job writing `rows` to `fd` after its first `from` bytes, in chunks of `rowsPerChunk` rows. */
export function writeJob(rows: PredictionRows, fd: number, from: number, rowsPerChunk: number): WriteJob {
  const chunks = Math.ceil(rows.start.length / rowsPerChunk);
  const offsets = new Float64Array(new SharedArrayBuffer(8 * (chunks + 1)));
  offsets[0] = from;
  return { rows, fd, rowsPerChunk, state: new Int32Array(new SharedArrayBuffer(3 * 4)), offsets };
}

/** WaitForPlace for a helper thread: blocks (its only work is this job). */
export function blockUntilPlaced(state: Int32Array, seen: number): void {
  Atomics.wait(state, PLACED, seen);
}

/** Atomics.waitAsync (ES2024; in Node since 16), which the ES2022 library types lack. */
type WaitAsync = (a: Int32Array, index: number, value: number) => { async: false } | { async: true; value: Promise<unknown> };

/** WaitForPlace for the main thread: awaits, so that it learns if the helper thread fails (rejecting `helper`). */
export function awaitPlaced(helper: Promise<unknown>): WaitForPlace {
  return (state, seen) => {
    const wait = (Atomics as unknown as { waitAsync: WaitAsync }).waitAsync(state, PLACED, seen);
    return wait.async ? Promise.race([wait.value, helper]) : undefined;
  };
}

/**
 * Writes the prediction CSV; the file appears under its name only when complete. With `elsewhere`
 * (a helper thread), both threads format and write chunks of rows, each claiming the next.
 */
export async function writePredictionsCsv(path: string, records: CsvRecords, columns: PredictionColumns, elsewhere?: WriteElsewhere): Promise<void> {
  const out = new CsvFileWriter(path);
  try {
    const added = ['expected_purchases', 'p_alive', ...(columns.value ? ['expected_avg_value', 'clv'] : [])];
    const header = Buffer.from(`${[...records.header.map(csvCell), ...added].join(',')}\n`);
    out.chunk(header);
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
    const job = writeJob(rows, out.fd, header.length, ROWS_PER_CHUNK);
    const theirs = elsewhere && records.count > ROWS_PER_CHUNK ? elsewhere(job) : undefined;
    theirs?.catch(() => {}); // awaited below; not an unhandled rejection if this thread fails first
    await writeChunks(job, theirs ? awaitPlaced(theirs) : () => {});
    await theirs;
  } catch (err) {
    out.abort();
    throw err;
  }
  out.close();
}
