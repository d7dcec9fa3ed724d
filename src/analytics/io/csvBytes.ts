/**
 * A CSV scanner over a file's bytes that keeps no per-row objects: for each record it notes where
 * its text starts and ends (so output can copy it unchanged) and parses the cells of the wanted
 * columns straight from the bytes into Float64Arrays. Grammar as csv-parse's defaults: comma
 * separators, double-quoted cells with "" escapes (which may hold commas and line breaks), LF or
 * CRLF line ends, a UTF-8 BOM ignored, empty lines skipped, records of any length.
 */
import { closeSync, fstatSync, openSync, readFileSync, readSync } from 'node:fs';
import { ValidationError } from '../../kernel/errors.ts';

const COMMA = 44;
const QUOTE = 34;
const LF = 10;
const CR = 13;

export interface CsvNumbers {
  header: string[];
  /** Data records. */
  count: number;
  /** Byte offset where each record's text starts. */
  start: Uint32Array;
  /** Byte offset where each record's text ends, before its line end (or before a cell past the header's width). */
  end: Uint32Array;
  /** Cells a record lacks against the header (0 for most; output pads them). */
  short: Uint16Array;
  /** 1-based file line where each record starts. */
  line: Uint32Array;
  /** One array per wanted column: the parsed cell, NaN when it is not a number. */
  values: Float64Array[];
}

/** Called for a wanted cell that is not a number, with its text (quotes removed). */
export type BadCell = (record: number, column: number, text: string) => void;

const POW10 = Array.from({ length: 23 }, (_, k) => 10 ** k);

/**
 * Strict decimal number from bytes[from, to) as `Number(text)` reads `[+-]?(d+.?d*|.d+)([eE][+-]?d+)?`
 * (surrounding spaces and tabs allowed); NaN otherwise. Up to 15 significant digits and a power of
 * ten within ±22 the value is m / 10^k or m · 10^k of two exact doubles, which IEEE arithmetic
 * rounds correctly (Clinger's fast path); anything longer goes through Number().
 */
export function parseDecimal(bytes: Uint8Array, from: number, to: number): number {
  while (from < to && (bytes[from] === 32 || bytes[from] === 9)) from++;
  while (to > from && (bytes[to - 1] === 32 || bytes[to - 1] === 9)) to--;
  if (from === to) return NaN;
  let i = from;
  let negative = false;
  if (bytes[i] === 43 || bytes[i] === 45) {
    negative = bytes[i] === 45;
    i++;
  }
  let mantissa = 0;
  let digits = 0;
  let significant = 0;
  let scale = 0; // digits after the point
  let c = bytes[i];
  while (i < to && c >= 48 && c <= 57) {
    if (significant > 0 || c !== 48) significant++;
    mantissa = mantissa * 10 + (c - 48);
    digits++;
    c = bytes[++i];
  }
  if (i < to && c === 46) {
    c = bytes[++i];
    while (i < to && c >= 48 && c <= 57) {
      if (significant > 0 || c !== 48) significant++;
      mantissa = mantissa * 10 + (c - 48);
      digits++;
      scale++;
      c = bytes[++i];
    }
  }
  if (digits === 0) return NaN;
  let exponent = 0;
  if (i < to && (c === 101 || c === 69)) {
    c = bytes[++i];
    let expNegative = false;
    if (i < to && (c === 43 || c === 45)) {
      expNegative = c === 45;
      c = bytes[++i];
    }
    let expDigits = 0;
    while (i < to && c >= 48 && c <= 57) {
      exponent = exponent * 10 + (c - 48);
      expDigits++;
      c = bytes[++i];
    }
    if (expDigits === 0) return NaN;
    if (expNegative) exponent = -exponent;
  }
  if (i !== to) return NaN;
  const power = exponent - scale;
  // the long form goes through Number() with its sign, so it is not negated again
  if (!(significant <= 15 && power >= -22 && power <= 22)) return Number(Buffer.from(bytes.buffer, bytes.byteOffset + from, to - from).toString('latin1'));
  const value = power < 0 ? mantissa / POW10[-power] : mantissa * POW10[power];
  return negative ? -value : value;
}

/**
 * The common cell, a plain decimal ([-+]digits[.digits], at most 15 significant digits) ended by a
 * comma, a line end or the end of the file, parsed in the one pass that finds its end: cur.pos is
 * left on the delimiter. NaN (cur.pos undefined) for anything else, which the general path rereads.
 */
function plainNumber(bytes: Buffer, cur: Cursor): number {
  const n = bytes.length;
  let i = cur.pos;
  let c = i < n ? bytes[i] : COMMA;
  let negative = false;
  if (c === 45 || c === 43) {
    negative = c === 45;
    c = ++i < n ? bytes[i] : COMMA;
  }
  let mantissa = 0;
  let digits = 0;
  let significant = 0;
  let scale = 0;
  while (c >= 48 && c <= 57) {
    if (significant > 0 || c !== 48) significant++;
    mantissa = mantissa * 10 + (c - 48);
    digits++;
    c = ++i < n ? bytes[i] : COMMA;
  }
  if (c === 46) {
    c = ++i < n ? bytes[i] : COMMA;
    while (c >= 48 && c <= 57) {
      if (significant > 0 || c !== 48) significant++;
      mantissa = mantissa * 10 + (c - 48);
      digits++;
      scale++;
      c = ++i < n ? bytes[i] : COMMA;
    }
  }
  if (digits === 0 || significant > 15 || scale > 22 || (c !== COMMA && c !== LF && c !== CR)) return NaN;
  cur.pos = i;
  const value = scale === 0 ? mantissa : mantissa / POW10[scale];
  return negative ? -value : value;
}

/** The text of bytes[from, to), quotes removed and "" unescaped when the cell is quoted. */
function cellText(bytes: Buffer, from: number, to: number): string {
  const text = bytes.toString('utf8', from, to);
  return text.startsWith('"') && text.endsWith('"') && text.length >= 2 ? text.slice(1, -1).replaceAll('""', '"') : text;
}

/** The file's bytes; an unreadable file is the user's mistake (a ValidationError naming it). */
export function readInputFile(path: string, options: { shared?: boolean } = {}): Buffer {
  try {
    return options.shared ? readShared(path) : readFileSync(path);
  } catch (err) {
    throw new ValidationError(`cannot read ${path}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`, [
      { path: ['file'], message: 'file not readable' },
    ]);
  }
}

/** The file in shared memory, so that another thread can read the same bytes without a copy. */
function readShared(path: string): Buffer {
  const fd = openSync(path, 'r');
  try {
    const size = fstatSync(fd).size;
    const bytes = Buffer.from(new SharedArrayBuffer(size));
    for (let at = 0; at < size; ) {
      const got = readSync(fd, bytes, at, size - at, at);
      if (got === 0) return bytes.subarray(0, at);
      at += got;
    }
    return bytes;
  } finally {
    closeSync(fd);
  }
}

function invalid(path: string, line: number, message: string): ValidationError {
  return new ValidationError(`${path} is not valid CSV`, [{ path: ['file'], line, message }]);
}

interface Cursor {
  pos: number;
  line: number;
}

/**
 * Moves past one cell starting at cur.pos; returns the cell's end (exclusive, before the closing
 * quote's successor). Quoted cells may span lines (counted in cur.line).
 */
function skipCell(bytes: Buffer, cur: Cursor, path: string): number {
  const n = bytes.length;
  let p = cur.pos;
  if (p < n && bytes[p] === QUOTE) {
    const startLine = cur.line;
    p++;
    for (;;) {
      if (p >= n) throw invalid(path, startLine, 'quoted cell not closed before the end of the file');
      const c = bytes[p++];
      if (c === QUOTE) {
        if (bytes[p] === QUOTE) p++;
        else break;
      } else if (c === LF) cur.line++;
    }
    const end = p;
    const next = bytes[p];
    if (p < n && next !== COMMA && next !== LF && next !== CR) throw invalid(path, cur.line, 'characters after a closing quote');
    cur.pos = p;
    return end;
  }
  while (p < n) {
    const c = bytes[p];
    if (c === COMMA || c === LF || c === CR) break;
    if (c === QUOTE) throw invalid(path, cur.line, 'a quote inside an unquoted cell (quote the whole cell and double the quote)');
    p++;
  }
  cur.pos = p;
  return p;
}

/** Moves past the line end at cur.pos, if any. */
function skipLineEnd(bytes: Buffer, cur: Cursor): void {
  if (bytes[cur.pos] === CR) cur.pos++;
  if (bytes[cur.pos] === LF) cur.pos++;
  cur.line++;
}

function isLineEnd(bytes: Buffer, p: number): boolean {
  return p >= bytes.length || bytes[p] === LF || bytes[p] === CR;
}

/** Skips empty lines; false at the end of the file. */
function skipEmptyLines(bytes: Buffer, cur: Cursor): boolean {
  while (cur.pos < bytes.length && (bytes[cur.pos] === LF || bytes[cur.pos] === CR)) skipLineEnd(bytes, cur);
  return cur.pos < bytes.length;
}

function grow<T extends Uint32Array | Uint16Array | Float64Array>(a: T, size: number): T {
  const out = new (a.constructor as new (n: number) => T)(size);
  out.set(a);
  return out;
}

/** The header's cells, where the data starts and its 1-based line (a UTF-8 BOM skipped). */
export function readCsvHeader(bytes: Buffer, path: string): { header: string[]; dataStart: number; dataLine: number } {
  const cur: Cursor = { pos: bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0, line: 1 };
  if (!skipEmptyLines(bytes, cur)) {
    throw new ValidationError(`${path} is empty`, [{ path: ['file'], line: 1, message: 'no header row and no data' }]);
  }
  const header: string[] = [];
  for (;;) {
    const from = cur.pos;
    const to = skipCell(bytes, cur, path);
    header.push(cellText(bytes, from, to).trim());
    if (isLineEnd(bytes, cur.pos)) break;
    cur.pos++; // comma
  }
  skipLineEnd(bytes, cur);
  return { header, dataStart: cur.pos, dataLine: cur.line };
}

/**
 * Reads the header, then every record, parsing the cells at `columns(header)` (header indices)
 * into numbers. `path` only names the file in errors.
 */
export function scanCsvNumbers(bytes: Buffer, path: string, columns: (header: string[]) => number[], onBad: BadCell): CsvNumbers {
  const { header, dataStart, dataLine } = readCsvHeader(bytes, path);
  const cur: Cursor = { pos: dataStart, line: dataLine };
  const wanted = columns(header);
  const target = new Int32Array(header.length).fill(-1);
  wanted.forEach((c, k) => (target[c] = k));
  const width = header.length;


  let capacity = Math.max(16, Math.ceil(bytes.length / 16));
  let start = new Uint32Array(capacity);
  let end = new Uint32Array(capacity);
  let short = new Uint16Array(capacity);
  let line = new Uint32Array(capacity);
  let values = wanted.map(() => new Float64Array(capacity));
  let count = 0;
  const n = bytes.length;
  while (skipEmptyLines(bytes, cur)) {
    if (count === capacity) {
      capacity *= 2;
      start = grow(start, capacity);
      end = grow(end, capacity);
      short = grow(short, capacity);
      line = grow(line, capacity);
      values = values.map((v) => grow(v, capacity));
    }
    start[count] = cur.pos;
    line[count] = cur.line;
    const fastEnd = simpleRecord(bytes, cur.pos, width, target, values, count);
    if (fastEnd >= 0) {
      // the common record: unquoted cells, plain decimals where numbers are wanted, the header's width
      end[count] = fastEnd;
      short[count] = 0;
      count++;
      cur.pos = fastEnd;
      skipLineEnd(bytes, cur);
      continue;
    }
    let cell = 0;
    let keptEnd = -1;
    for (;;) {
      const from = cur.pos;
      const k = cell < width ? target[cell] : -1;
      let to: number;
      if (k < 0) to = skipCell(bytes, cur, path);
      else {
        let v = bytes[from] === QUOTE ? NaN : plainNumber(bytes, cur);
        if (v !== v) {
          cur.pos = from;
          to = skipCell(bytes, cur, path);
          v = bytes[from] === QUOTE ? parseNumberText(cellText(bytes, from, to)) : parseDecimal(bytes, from, to);
          if (v !== v) onBad(count, wanted[k], cellText(bytes, from, to));
        } else to = cur.pos;
        values[k][count] = v;
      }
      cell++;
      if (cell === width) keptEnd = to;
      if (cur.pos >= n || bytes[cur.pos] !== COMMA) break;
      cur.pos++;
    }
    end[count] = keptEnd >= 0 ? keptEnd : cur.pos;
    short[count] = cell < width ? width - cell : 0;
    for (let c = cell; c < width; c++) {
      const k = target[c];
      if (k >= 0) {
        values[k][count] = NaN;
        onBad(count, wanted[k], '');
      }
    }
    count++;
    skipLineEnd(bytes, cur);
  }
  return {
    header,
    count,
    start: start.subarray(0, count),
    end: end.subarray(0, count),
    short: short.subarray(0, count),
    line: line.subarray(0, count),
    values: values.map((v) => v.subarray(0, count)),
  };
}

/**
 * One record of exactly `width` unquoted cells whose wanted cells are plain decimals ([-]digits
 * [.digits], at most 15 digits), parsed in a single pass with no cursor object: returns the position
 * of its line end (or the end of the file), or -1 for anything else, which the general path rereads
 * (quotes, other number forms, bad cells, short or long records). Writes values[k][row] as it goes.
 */
export function simpleRecord(bytes: Uint8Array, p: number, width: number, target: Int32Array, values: Float64Array[], row: number): number {
  const n = bytes.length;
  for (let cell = 0; ; cell++) {
    const k = target[cell];
    let c = p < n ? bytes[p] : LF;
    if (k >= 0) {
      let negative = false;
      if (c === 45) {
        negative = true;
        c = ++p < n ? bytes[p] : LF;
      }
      let mantissa = 0;
      let digits = 0;
      let scale = 0;
      while (c >= 48 && c <= 57) {
        mantissa = mantissa * 10 + (c - 48);
        digits++;
        c = ++p < n ? bytes[p] : LF;
      }
      if (c === 46) {
        c = ++p < n ? bytes[p] : LF;
        while (c >= 48 && c <= 57) {
          mantissa = mantissa * 10 + (c - 48);
          digits++;
          scale++;
          c = ++p < n ? bytes[p] : LF;
        }
      }
      if (digits === 0 || digits > 15) return -1;
      const value = scale === 0 ? mantissa : mantissa / POW10[scale];
      values[k][row] = negative ? -value : value;
    } else {
      while (c !== COMMA && c !== LF && c !== CR) {
        if (c === QUOTE) return -1;
        c = ++p < n ? bytes[p] : LF;
      }
    }
    if (cell === width - 1) return c === LF || c === CR ? p : -1;
    if (c !== COMMA) return -1;
    p++;
  }
}

/** parseDecimal of a string (a cell another reader already split out). */
export function parseNumberText(text: string): number {
  const b = Buffer.from(text, 'utf8');
  return parseDecimal(b, 0, b.length);
}
