/**
 * The prediction CSV of `kizuna predict`: each input record copied unchanged (cut or padded to the
 * header's width) followed by expected_purchases, p_alive and, with CLV, expected_avg_value and clv.
 * Expected purchases and P(alive) depend only on the customer's (x, t_x, T) pattern, so they are
 * formatted once per pattern and copied into every row that shares it.
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

const COMMA = 44;
const LF = 10;

/** "expected,p_alive" of every pattern, back to back; text of pattern k is pool[offset[k], offset[k+1]). */
function formatPatterns(expected: Float64Array, pAlive: Float64Array): { pool: Buffer; offset: Uint32Array } {
  const n = expected.length;
  const pool = Buffer.allocUnsafe(n * 64 + 64);
  const offset = new Uint32Array(n + 1);
  const scratch = new Uint8Array(24);
  let pos = 0;
  for (let k = 0; k < n; k++) {
    offset[k] = pos;
    pool[pos++] = COMMA;
    pos = formatNumber(expected[k], pool, pos, scratch);
    pool[pos++] = COMMA;
    pos = formatNumber(pAlive[k], pool, pos, scratch);
  }
  offset[n] = pos;
  return { pool, offset };
}

export function writePredictionsCsv(path: string, records: CsvRecords, columns: PredictionColumns): void {
  const out = new CsvFileWriter(path);
  try {
    const added = ['expected_purchases', 'p_alive', ...(columns.value ? ['expected_avg_value', 'clv'] : [])];
    out.text(`${[...records.header.map(csvCell), ...added].join(',')}\n`);
    const { pool, offset } = formatPatterns(columns.expected, columns.pAlive);
    const { bytes, start, end, short } = records;
    const { patternOf, value } = columns;
    const scratch = new Uint8Array(24);
    const buf = out.buffer;
    const limit = buf.length >> 1;
    for (let i = 0; i < records.count; i++) {
      const k = patternOf[i];
      const from = start[i];
      const to = end[i];
      const need = to - from + short[i] + offset[k + 1] - offset[k] + 80;
      if (need > limit) {
        // a record too long for the row buffer: write it piecewise
        out.bytes(bytes, from, to);
        for (let c = short[i]; c > 0; c--) out.byte(COMMA);
        out.bytes(pool, offset[k], offset[k + 1]);
        if (value) {
          out.byte(COMMA);
          out.number(value.expectedValue[i]);
          out.byte(COMMA);
          out.number(value.clv[i]);
        }
        out.byte(LF);
        continue;
      }
      let pos = out.room(need);
      for (let j = from; j < to; j++) buf[pos++] = bytes[j];
      for (let c = short[i]; c > 0; c--) buf[pos++] = COMMA;
      for (let j = offset[k]; j < offset[k + 1]; j++) buf[pos++] = pool[j];
      if (value) {
        buf[pos++] = COMMA;
        pos = formatNumber(value.expectedValue[i], buf, pos, scratch);
        buf[pos++] = COMMA;
        pos = formatNumber(value.clv[i], buf, pos, scratch);
      }
      buf[pos++] = LF;
      out.advance(pos);
    }
  } catch (err) {
    out.abort();
    throw err;
  }
  out.close();
}
