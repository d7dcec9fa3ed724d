/**
 * RFM scoring: recency, frequency and monetary quintile scores 1–5 and eleven named segments.
 *
 * Scores. For a value v among n customers, score = 1 + ⌊5 · (#values strictly below v) / n⌋, so
 * tied customers always share a score and the lowest group always scores 1. Frequency and monetary
 * score high when large; recency (time since the last purchase) scores high when small, i.e. it is
 * scored on −recency. With heavy ties (e.g. most customers bought once) some scores go unused:
 * that is the honest outcome — a quintile cannot split identical customers.
 *
 * Segments use R and FM = round((F + M) / 2) (halves round up) on this grid:
 *
 *   R \ FM |      1         2          3           4           5
 *   -------+--------------------------------------------------------------
 *     5    | New Cust.  Pot. Loyal. Pot. Loyal.  Champions   Champions
 *     4    | Promising  Pot. Loyal. Pot. Loyal.  Loyal       Loyal
 *     3    | About to S. About to S. Need Att.   Loyal       Loyal
 *     2    | Hibernating Hibernating At Risk     At Risk     Can't Lose Them
 *     1    | Lost       Hibernating At Risk      At Risk     Can't Lose Them
 *
 * This is the widely used R×F segment map (e.g. the "RFM segmentation" tables popularised by
 * Putler and many tutorials) with "Lost" split off the bottom-left cell.
 */

/** The segment ids are the glossary's (src/lib/glossary.ts), where their labels are too. */
import { RFM_SEGMENTS, type RfmSegment } from '../../lib/glossary.ts';

export { RFM_SEGMENTS, type RfmSegment };

/** Grid rows R = 5..1 (index 5 − R), columns FM = 1..5 (index FM − 1). */
const GRID: readonly (readonly RfmSegment[])[] = [
  ['New Customers', 'Potential Loyalists', 'Potential Loyalists', 'Champions', 'Champions'],
  ['Promising', 'Potential Loyalists', 'Potential Loyalists', 'Loyal Customers', 'Loyal Customers'],
  ['About to Sleep', 'About to Sleep', 'Need Attention', 'Loyal Customers', 'Loyal Customers'],
  ['Hibernating', 'Hibernating', 'At Risk', 'At Risk', "Can't Lose Them"],
  ['Lost', 'Hibernating', 'At Risk', 'At Risk', "Can't Lose Them"],
];

/** Segment of an (R, F, M) score triple, each 1–5. */
export function rfmSegment(r: number, f: number, m: number): RfmSegment {
  const fm = Math.floor((f + m) / 2 + 0.5);
  if (![r, f, m].every((v) => Number.isInteger(v) && v >= 1 && v <= 5)) throw new RangeError('scores must be 1..5');
  return GRID[5 - r][fm - 1];
}

/** Quintile score 1–5 of each value (see the file comment); larger values score higher. */
export function quintileScores(values: ArrayLike<number>): Uint8Array {
  const n = values.length;
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => values[a] - values[b]);
  const out = new Uint8Array(n);
  let below = 0;
  for (let k = 0; k < n; ) {
    let j = k;
    while (j < n && values[order[j]] === values[order[k]]) j++;
    const score = 1 + Math.floor((5 * below) / n);
    for (let i = k; i < j; i++) out[order[i]] = score;
    below = j;
    k = j;
  }
  return out;
}

export interface RfmResult {
  r: Uint8Array;
  f: Uint8Array;
  m: Uint8Array;
  segment: RfmSegment[];
}

/**
 * Scores and segments every customer. `recency` is the time since the last purchase (smaller is
 * better — not lifetimes' recency), `frequency` the number of purchases, `monetary` total or mean spend.
 */
export function scoreRfm(recency: ArrayLike<number>, frequency: ArrayLike<number>, monetary: ArrayLike<number>): RfmResult {
  const n = recency.length;
  if (frequency.length !== n || monetary.length !== n) throw new RangeError('columns differ in length');
  const r = quintileScores(Array.from(recency, (v) => -v));
  const f = quintileScores(frequency);
  const m = quintileScores(monetary);
  const segment = Array.from({ length: n }, (_, i) => rfmSegment(r[i], f[i], m[i]));
  return { r, f, m, segment };
}
