/**
 * The CSV scan of csvBytes.ts split into chunks of the file that two threads take in turn: each
 * claims the next chunk from a shared counter, so a helper thread that starts late simply takes
 * fewer. Only for files without a quote character, where every line feed ends a record, so a chunk
 * can start at the first record after its nominal offset; and only records of the common kind
 * (simpleRecord: the header's width, plain decimals). Any other record makes the caller rescan the
 * whole file with scanCsvNumbers, which reports problems with their lines.
 *
 * Both threads write straight into the result's arrays, in shared memory: chunk c owns the slots
 * from base[c], as many as it has line ends (counted before the scan), so without blank lines the
 * chunks' records already lie together; otherwise they are then moved together in place. Slots
 * reserved by a looser bound (a record's least width) left most of each chunk's slots empty, and
 * moving the records together touched fresh memory again, a page fault per 4 KB.
 */
import { readCsvHeader, scanCsvNumbers, simpleRecord, type BadCell, type CsvNumbers } from './csvBytes.ts';

const QUOTE = 34;
const LF = 10;
const CR = 13;
/** Bytes per chunk: small enough to share the work evenly, large enough to claim rarely. */
export const CHUNK_BYTES = 1 << 20;

/** What both threads need to scan chunks; every array is in shared memory. */
export interface ChunkJob {
  bytes: Uint8Array;
  /** Chunk c holds the records starting in [bounds[c], bounds[c+1]). */
  bounds: Uint32Array;
  /** counter[0]: the next chunk to claim. */
  counter: Int32Array;
  width: number;
  /** Header cell → index of its value column, or −1. */
  target: Int32Array;
  /** Chunk c's records go to slots base[c], base[c] + 1, … of the arrays below. */
  base: Uint32Array;
  start: Uint32Array;
  end: Uint32Array;
  /** Lines after the chunk's first, per record. */
  line: Uint32Array;
  values: Float64Array[];
}

/** What one chunk held; its records are in the job's arrays from base[chunk]. `lines` counts the line feeds it passed. */
export interface ChunkScan {
  chunk: number;
  count: number;
  lines: number;
  /** False when a record was not of the simple kind (the rest of the chunk is not scanned). */
  simple: boolean;
}

/** Scans chunks until none is left to claim; returns those this thread scanned. */
export function claimChunks(job: ChunkJob): ChunkScan[] {
  const done: ChunkScan[] = [];
  const chunks = job.bounds.length - 1;
  for (;;) {
    const c = Atomics.add(job.counter, 0, 1);
    if (c >= chunks) return done;
    const scan = scanChunk(job, c);
    done.push(scan);
    if (!scan.simple) {
      Atomics.store(job.counter, 0, chunks); // the caller rescans everything: stop both threads
      return done;
    }
  }
}

/** The records of one chunk (claimed by the caller), written to its slots. */
export function scanChunk(job: ChunkJob, chunk: number): ChunkScan {
  const { bytes, width, target, start, end, line, values } = job;
  const from = job.bounds[chunk];
  const to = job.bounds[chunk + 1];
  const base = job.base[chunk];
  let count = 0;
  let lines = 0;
  let p = from;
  const n = bytes.length;
  for (;;) {
    while (p < to && (bytes[p] === LF || bytes[p] === CR)) {
      if (bytes[p] === LF) lines++;
      p++;
    }
    if (p >= to) break;
    if (base + count === job.base[chunk + 1]) return { chunk, count, lines, simple: false }; // more records than line ends: cannot be, but never past its slots
    const e = simpleRecord(bytes, p, width, target, values, base + count);
    if (e < 0) return { chunk, count, lines, simple: false };
    start[base + count] = p;
    end[base + count] = e;
    line[base + count] = lines;
    count++;
    p = e;
    if (p < n && bytes[p] === CR) p++;
    if (p < n && bytes[p] === LF) {
      lines++;
      p++;
    }
  }
  return { chunk, count, lines, simple: true };
}

/**
 * The chunks of a quote-free file's data, or null when the file has quotes (or is too small to
 * split). `bytes` must be in shared memory for another thread to take part.
 */
export function planChunks(bytes: Uint8Array, dataStart: number, columns: number, width: number, target: Int32Array): ChunkJob | null {
  const n = bytes.length;
  if (n - dataStart < 2 * CHUNK_BYTES || bytes.indexOf(QUOTE, dataStart) >= 0) return null;
  const bounds: number[] = [dataStart];
  for (let b = dataStart + CHUNK_BYTES; b < n; b += CHUNK_BYTES) {
    const next = bytes[b - 1] === LF ? b : bytes.indexOf(LF, b) + 1;
    if (next <= 0 || next >= n) break;
    if (next > bounds[bounds.length - 1]) bounds.push(next);
  }
  bounds.push(n);
  const shared = <T extends Int32Array | Uint32Array>(a: T): T => {
    const out = new (a.constructor as new (b: SharedArrayBuffer) => T)(new SharedArrayBuffer(a.byteLength));
    out.set(a);
    return out;
  };
  // Every record ends at a line end (or the end of the file), so a chunk holds at most as many records as line ends (one more
  // at the end of an unterminated file): without blank lines, exactly as many, and the chunks' slots then already lie together.
  const base = new Uint32Array(bounds.length);
  for (let c = 1; c < bounds.length; c++) base[c] = base[c - 1] + lineEnds(bytes, bounds[c - 1], bounds[c]);
  if (bytes[n - 1] !== LF && bytes[n - 1] !== CR) base[bounds.length - 1]++;
  const slots = base[bounds.length - 1];
  const u32 = (): Uint32Array => new Uint32Array(new SharedArrayBuffer(4 * slots));
  return {
    bytes,
    bounds: shared(Uint32Array.from(bounds)),
    counter: new Int32Array(new SharedArrayBuffer(4)),
    width,
    target: shared(target),
    base: shared(base),
    start: u32(),
    end: u32(),
    line: u32(),
    values: Array.from({ length: columns }, () => new Float64Array(new SharedArrayBuffer(8 * slots))),
  };
}

/** Line ends in bytes[from, to): line feeds, and carriage returns not followed by one. */
function lineEnds(bytes: Uint8Array, from: number, to: number): number {
  let count = 0;
  for (let p = from; p < to; p++) {
    const c = bytes[p];
    if (c === LF || (c === CR && bytes[p + 1] !== LF)) count++;
  }
  return count;
}

/** Runs on another thread: the chunks it claimed. */
export type ScanElsewhere = (job: ChunkJob) => Promise<ChunkScan[]>;

/**
 * scanCsvNumbers with the chunks shared with another thread when the file allows it; the same
 * result. Falls back to the one-thread scan for quoted files and uncommon records.
 */
export async function scanCsvNumbersShared(bytes: Buffer, path: string, columns: (header: string[]) => number[], onBad: BadCell, elsewhere: ScanElsewhere): Promise<CsvNumbers> {
  const { header, dataStart, dataLine } = readCsvHeader(bytes, path);
  const wanted = columns(header);
  const target = new Int32Array(header.length).fill(-1);
  wanted.forEach((c, k) => (target[c] = k));
  const job = planChunks(bytes, dataStart, wanted.length, header.length, target);
  if (!job) return scanCsvNumbers(bytes, path, columns, onBad);
  const theirs = elsewhere(job);
  const mine = claimChunks(job);
  const scans = [...mine, ...(await theirs)].sort((a, b) => a.chunk - b.chunk);
  if (scans.length !== job.bounds.length - 1 || scans.some((s) => !s.simple)) return scanCsvNumbers(bytes, path, columns, onBad);
  // Move the chunks together, in order; each moves down (or stays), so copyWithin never overwrites a chunk not yet moved.
  const count = scans.reduce((sum, s) => sum + s.count, 0);
  const { start, end, line, values } = job;
  let at = 0;
  let firstLine = dataLine;
  for (const s of scans) {
    const from = job.base[s.chunk];
    const to = from + s.count;
    if (from !== at) {
      start.copyWithin(at, from, to);
      end.copyWithin(at, from, to);
      for (const v of values) v.copyWithin(at, from, to);
    }
    for (let i = 0; i < s.count; i++) line[at + i] = firstLine + line[from + i];
    at += s.count;
    firstLine += s.lines;
  }
  return {
    header,
    count,
    start: start.subarray(0, count),
    end: end.subarray(0, count),
    short: new Uint16Array(new SharedArrayBuffer(2 * count)), // simple records have the header's width; shared, as a helper formatting rows reads it
    line: line.subarray(0, count),
    values: values.map((v) => v.subarray(0, count)),
  };
}
