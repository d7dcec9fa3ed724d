/**
 * A CSV writer that formats into one preallocated buffer and hands it to the file whenever it
 * fills: no per-row strings, arrays or stream chunks. Numbers are written with 12 significant
 * digits (relative error below 5·10⁻¹²), formatted with integer arithmetic. The file appears
 * under its name only when complete (written beside it, then renamed).
 */
import { closeSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { ValidationError } from '../../kernel/errors.ts';

const POW10 = Array.from({ length: 23 }, (_, k) => 10 ** k);
const DIGITS = 12;
const LIMIT = POW10[DIGITS];
/** The characters of 00 … 99, two per number. */
const DIGIT_PAIRS = Uint8Array.from({ length: 200 }, (_, i) => 48 + (i % 2 === 0 ? Math.floor(i / 20) : (i >> 1) % 10));

/** A cell as CSV text: quoted when it holds a comma, a quote or a line break (as csv-stringify does). */
export function csvCell(text: string): string {
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

export class CsvFileWriter {
  private readonly buf: Buffer;
  private pos = 0;
  /** The file being written (beside its final name until close). */
  readonly fd: number;
  private readonly digits = new Uint8Array(24);
  private readonly partial: string;

  constructor(
    readonly path: string,
    size = 1 << 20,
  ) {
    this.partial = `${path}.partial-${process.pid}`;
    try {
      this.fd = openSync(this.partial, 'w');
    } catch (err) {
      throw new ValidationError(`cannot write ${path}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`, [
        { path: ['--out'], message: 'file not writable' },
      ]);
    }
    this.buf = Buffer.allocUnsafe(size);
  }

  /** Room for `n` more bytes, flushing first if needed. */
  private reserve(n: number): void {
    if (this.pos + n > this.buf.length) this.flush();
  }

  /**
   * For hot loops: makes room for up to `n` bytes (n ≤ the buffer's size) and returns the position
   * to write at in `buffer`; the caller writes there and hands the new position to `advance`.
   */
  room(n: number): number {
    this.reserve(n);
    return this.pos;
  }

  get buffer(): Buffer {
    return this.buf;
  }

  advance(pos: number): void {
    this.pos = pos;
  }

  private flush(): void {
    let off = 0;
    while (off < this.pos) off += writeSync(this.fd, this.buf, off, this.pos - off);
    this.pos = 0;
  }

  /** Copies bytes[from, to) (e.g. an input record, unchanged). */
  bytes(src: Uint8Array, from: number, to: number): void {
    let len = to - from;
    if (len <= 64) {
      // short copies (most records): a loop beats creating a subarray view
      this.reserve(len);
      const buf = this.buf;
      let pos = this.pos;
      for (let i = from; i < to; i++) buf[pos++] = src[i];
      this.pos = pos;
      return;
    }
    while (len > 0) {
      this.reserve(Math.min(len, this.buf.length));
      const n = Math.min(len, this.buf.length - this.pos);
      this.buf.set(src.subarray(from, from + n), this.pos);
      this.pos += n;
      from += n;
      len -= n;
    }
  }

  /** A block of formatted text, written straight to the file after what is buffered. */
  chunk(block: Uint8Array): void {
    this.flush();
    let off = 0;
    while (off < block.length) off += writeSync(this.fd, block, off, block.length - off);
  }

  /** An ASCII or UTF-8 string. */
  text(s: string): void {
    const max = Buffer.byteLength(s);
    if (max > this.buf.length) {
      this.bytes(Buffer.from(s), 0, max);
      return;
    }
    this.reserve(max);
    this.pos += this.buf.write(s, this.pos);
  }

  byte(c: number): void {
    this.reserve(1);
    this.buf[this.pos++] = c;
  }

  /** A number with 12 significant digits, plain decimal for 1e-7 ≤ |v| < 1e15, else as String(v). */
  number(v: number): void {
    this.reserve(32);
    this.pos = formatNumber(v, this.buf, this.pos, this.digits);
  }

  /** Writes what is left and puts the file in place. */
  close(): void {
    try {
      this.flush();
    } finally {
      closeSync(this.fd);
    }
    renameSync(this.partial, this.path);
  }

  /** Gives up: nothing appears under the file's name. */
  abort(): void {
    try {
      closeSync(this.fd);
    } finally {
      rmSync(this.partial, { force: true });
    }
  }
}

/**
 * Writes v into out at pos and returns the new position. The value is scaled to a 12-digit integer
 * m = hi·10⁶ + lo with v ≈ m·10^−k; the digits of the two int32 halves are placed around the
 * decimal point, trailing zeros of the fraction dropped.
 */
export function formatNumber(v: number, out: Uint8Array, pos: number, scratch: Uint8Array): number {
  if (v === 0) {
    out[pos] = 48;
    return pos + 1;
  }
  const a = Math.abs(v);
  if (!(a >= 1e-7 && a < 1e15)) return pos + Buffer.from(out.buffer, out.byteOffset).write(String(v), pos, 'latin1');
  if (v < 0) out[pos++] = 45;
  let e: number; // 10^e ≤ a < 10^(e+1)
  if (a >= 1) for (e = 0; e < 14 && a >= POW10[e + 1]; ) e++;
  else for (e = -1; a * POW10[-e] < 1; ) e--;
  let k = DIGITS - 1 - e;
  let m = Math.round(k >= 0 ? a * POW10[k] : a / POW10[-k]);
  if (m >= LIMIT) {
    m = Math.round(m / 10);
    k--;
  }
  let hi = Math.floor(m / 1e6) | 0;
  let lo = (m - hi * 1e6) | 0;
  const d = scratch; // the 12 digits' characters, two at a time
  for (let i = 10; i >= 6; i -= 2) {
    const q = (lo / 100) | 0;
    const pair = 2 * (lo - q * 100);
    d[i] = DIGIT_PAIRS[pair];
    d[i + 1] = DIGIT_PAIRS[pair + 1];
    lo = q;
  }
  for (let i = 4; i >= 0; i -= 2) {
    const q = (hi / 100) | 0;
    const pair = 2 * (hi - q * 100);
    d[i] = DIGIT_PAIRS[pair];
    d[i + 1] = DIGIT_PAIRS[pair + 1];
    hi = q;
  }
  const intDigits = DIGITS - k;
  let last = DIGITS; // digits written, after dropping the fraction's trailing zeros
  while (last > Math.max(intDigits, 0) && d[last - 1] === 48) last--;
  if (intDigits <= 0) {
    out[pos++] = 48;
    out[pos++] = 46;
    for (let i = intDigits; i < 0; i++) out[pos++] = 48;
    for (let i = 0; i < last; i++) out[pos++] = d[i];
    return pos;
  }
  const whole = Math.min(intDigits, DIGITS);
  for (let i = 0; i < whole; i++) out[pos++] = d[i];
  for (let i = DIGITS; i < intDigits; i++) out[pos++] = 48;
  if (last > intDigits) {
    out[pos++] = 46;
    for (let i = intDigits; i < last; i++) out[pos++] = d[i];
  }
  return pos;
}
