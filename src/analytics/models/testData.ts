/**
 * Test helpers: loading the CDNOW reference files (copies in ./fixtures, see its README) and
 * comparing with published values. Not a test file itself (no .test.ts suffix).
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import assert from 'node:assert/strict';
import { dayNumber } from './summary.ts';

/** Copies kept in the repository (see fixtures/README.md). */
export const MODEL_FIXTURES_DIR = fileURLToPath(new URL('./fixtures/', import.meta.url));

function readRows(path: string): number[][] {
  return readFileSync(path, 'utf8')
    .trim()
    .split('\n')
    .slice(1)
    .map((l) => l.split(',').map(Number));
}

/** cdnow_customers_summary.csv: ID,frequency,recency,T (weeks). */
export function cdnowSummary(): { id: number[]; frequency: number[]; recency: number[]; T: number[] } {
  const rows = readRows(`${MODEL_FIXTURES_DIR}cdnow_customers_summary.csv`);
  return { id: rows.map((r) => r[0]), frequency: rows.map((r) => r[1]), recency: rows.map((r) => r[2]), T: rows.map((r) => r[3]) };
}

/** cdnow_customers_summary_with_transactions.csv: ID,x,t_x,T,zbar mapped to lifetimes' names. */
export function cdnowWithSpend(): { id: number[]; frequency: number[]; recency: number[]; T: number[]; monetaryValue: number[] } {
  const rows = readRows(`${MODEL_FIXTURES_DIR}cdnow_customers_summary_with_transactions.csv`);
  return {
    id: rows.map((r) => r[0]),
    frequency: rows.map((r) => r[1]),
    recency: rows.map((r) => r[2]),
    T: rows.map((r) => r[3]),
    monetaryValue: rows.map((r) => r[4]),
  };
}

/**
 * A published value reproduced "to `decimals` places" in the sense numpy's assert_almost_equal (and
 * so lifetimes' tests) uses: |actual − published| < 1.5 · 10^(−decimals).
 */
export function assertPublished(actual: number, published: number, decimals: number, what: string): void {
  const tol = 1.5 * 10 ** -decimals;
  assert.ok(Math.abs(actual - published) < tol, `${what}: got ${actual}, published ${published} (tolerance ${tol})`);
}

/** |actual − expected| <= atol. */
export function assertClose(actual: number, expected: number, atol: number, what: string): void {
  assert.ok(Math.abs(actual - expected) <= atol, `${what}: got ${actual}, expected ${expected} ± ${atol}`);
}

/** Parameter recovery: every estimate within k standard errors of the truth. */
export function assertRecovered(fit: { params: Record<string, number>; standardErrors: Record<string, number> }, truth: Record<string, number>, k = 3): void {
  for (const [name, value] of Object.entries(truth)) {
    const est = fit.params[name];
    const se = fit.standardErrors[name];
    assert.ok(se > 0 && Number.isFinite(se), `${name}: standard error ${se}`);
    assert.ok(Math.abs(est - value) <= k * se, `${name}: estimate ${est} is ${(Math.abs(est - value) / se).toFixed(2)} SE from ${value} (SE ${se})`);
  }
}

/** CDNOW_sample.txt: master id, sample id, YYYYMMDD, CDs, dollars (whitespace-separated). */
export function cdnowTransactions(): { customer: number[]; day: number[]; amount: number[] } {
  const customer: number[] = [];
  const day: number[] = [];
  const amount: number[] = [];
  for (const line of readFileSync(`${MODEL_FIXTURES_DIR}CDNOW_sample.txt`, 'utf8').trim().split('\n')) {
    const f = line.trim().split(/\s+/);
    customer.push(Number(f[1]));
    day.push(dayNumber(`${f[2].slice(0, 4)}-${f[2].slice(4, 6)}-${f[2].slice(6)}`));
    amount.push(Number(f[4]));
  }
  return { customer, day, amount };
}


/** An analytic log-likelihood gradient agrees with central differences at `base`, parameter by parameter. */
export function assertGradientMatches<P extends Record<string, number>>(
  logLikelihood: (p: P) => number,
  gradient: (p: P) => Float64Array,
  base: P,
): void {
  const g = gradient(base);
  Object.keys(base).forEach((k, i) => {
    const h = 1e-5 * base[k];
    const numeric = (logLikelihood({ ...base, [k]: base[k] + h }) - logLikelihood({ ...base, [k]: base[k] - h })) / (2 * h);
    assert.ok(Math.abs(g[i] - numeric) <= 1e-5 * Math.max(1, Math.abs(numeric)), `∂/∂${k}: analytic ${g[i]}, numeric ${numeric}`);
  });
}

/** Row predictions (expected purchases at t = 39 and 10, P(alive)) equal the scalar formulas on a few rows. */
export function assertRowPredictionsMatch(
  data: { frequency: number[]; recency: number[]; T: number[] },
  pred: { expected: Float64Array[]; pAlive: Float64Array },
  expected: (t: number, x: number, tx: number, T: number) => number,
  alive: (x: number, tx: number, T: number) => number,
): void {
  const { frequency: f, recency: r, T } = data;
  for (const i of [0, 1, 2, 100, 2356]) {
    assertClose(pred.expected[0][i], expected(39, f[i], r[i], T[i]), 1e-12, `row ${i}`);
    assertClose(pred.expected[1][i], expected(10, f[i], r[i], T[i]), 1e-12, `row ${i}`);
    assert.equal(pred.pAlive[i], alive(f[i], r[i], T[i]));
  }
}
