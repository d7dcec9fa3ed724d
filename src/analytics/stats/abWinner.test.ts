import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createRng, uniformOpen } from '../random.ts';
import { decideWinner, variantInterval, type VariantOutcome } from './abWinner.ts';
import { differenceOfProportions } from './proportion.ts';

const rate = (key: string, successes: number, n: number): VariantOutcome => ({ key, n, successes, revenueSum: 0, revenueSumSquares: 0 });
/** A variant from each recipient's revenue (0 for those who bought nothing). */
const revenue = (key: string, perRecipient: number[]): VariantOutcome => ({
  key,
  n: perRecipient.length,
  successes: perRecipient.filter((r) => r > 0).length,
  revenueSum: perRecipient.reduce((a, r) => a + r, 0),
  revenueSumSquares: perRecipient.reduce((a, r) => a + r * r, 0),
});
const clicks = { metric: 'clicks' as const, confidence: 0.95, minPerVariant: 100 };

test('a clear difference in click rate declares the better variant, with the Newcombe interval of best − runner-up', () => {
  const d = decideWinner([rate('A', 100, 1000), rate('B', 160, 1000)], clicks);
  assert.equal(d.winner, 'B');
  assert.equal(d.reason, 'significant');
  assert.equal(d.runnerUp, 'A');
  assert.deepEqual(d.interval, differenceOfProportions(160, 1000, 100, 1000, 0.95));
  assert.ok(d.interval!.low > 0);
});

test('noise does not win: 5.0 % against 5.8 % on 1,000 each is "no significant winner"', () => {
  const d = decideWinner([rate('A', 50, 1000), rate('B', 58, 1000)], clicks);
  assert.equal(d.winner, null);
  assert.equal(d.reason, 'not_significant');
  assert.equal(d.best, 'B');
  assert.ok(d.interval!.low < 0 && d.interval!.high > 0);
});

test('below the minimum sample per variant nothing wins, however large the gap', () => {
  const d = decideWinner([rate('A', 0, 40), rate('B', 30, 40)], clicks);
  assert.equal(d.winner, null);
  assert.equal(d.reason, 'too_few_recipients');
  assert.equal(decideWinner([rate('A', 0, 40), rate('B', 30, 40)], { ...clicks, minPerVariant: 30 }).winner, 'B');
});

test('three variants: each comparison at 1 − α/2 (Bonferroni), so a gap that wins a two-way test does not win a three-way one', () => {
  assert.equal(decideWinner([rate('A', 100, 1000), rate('B', 130, 1000)], clicks).winner, 'B');
  const three = decideWinner([rate('A', 100, 1000), rate('B', 130, 1000), rate('C', 100, 1000)], clicks);
  assert.equal(three.comparisonConfidence, 0.975);
  assert.equal(three.winner, null);
  assert.equal(three.reason, 'not_significant');
});

test('equal variants tie to the first (the control) and do not win', () => {
  const d = decideWinner([rate('A', 70, 1000), rate('B', 70, 1000)], clicks);
  assert.equal(d.best, 'A');
  assert.equal(d.winner, null);
});

test('one variant is no test', () => {
  assert.equal(decideWinner([rate('A', 70, 1000)], clicks).reason, 'single_variant');
});

test('revenue per recipient: Welch interval; a steady gain wins, one big order does not', () => {
  const base = Array.from({ length: 400 }, (_, i) => (i % 10 === 0 ? 5000 : 0));
  const better = Array.from({ length: 400 }, (_, i) => (i % 5 === 0 ? 5000 : 0));
  const rule = { metric: 'revenue' as const, confidence: 0.95, minPerVariant: 100 };
  const steady = decideWinner([revenue('A', base), revenue('B', better)], rule);
  assert.equal(steady.winner, 'B');
  // Mean 500 against 1000 yen per recipient.
  assert.equal(steady.interval!.estimate, 500);
  const whale = [...base.slice(0, 399), 300_000];
  const noisy = decideWinner([revenue('A', base), revenue('B', whale)], rule);
  assert.equal(noisy.best, 'B');
  assert.equal(noisy.winner, null);
  assert.equal(noisy.reason, 'not_significant');
});

test("a variant's own interval: Wilson for a rate, t for mean revenue", () => {
  const w = variantInterval(rate('A', 81, 263), 'opens')!;
  assert.ok(Math.abs(w.low - 0.2553) < 1e-4 && Math.abs(w.high - 0.3662) < 1e-4);
  const r = variantInterval(revenue('A', [0, 1000, 2000]), 'revenue')!;
  assert.equal(r.estimate, 1000);
  // sd 1000, n 3: t(0.975, 2) = 4.303 → half-width 4.303 · 1000/√3 ≈ 2484.
  assert.ok(Math.abs(r.high - r.estimate - 2484.4) < 1);
});

test('A/A/A simulation: equal variants are declared different in at most about α of tests', () => {
  const rng = createRng(21);
  const sims = 1500;
  let falseWinners = 0;
  for (let s = 0; s < sims; s++) {
    const variants = ['A', 'B', 'C'].map((key) => {
      let x = 0;
      for (let i = 0; i < 800; i++) if (uniformOpen(rng) < 0.06) x++;
      return rate(key, x, 800);
    });
    if (decideWinner(variants, clicks).winner) falseWinners++;
  }
  // α = 5 %; the binomial SD of the rate over 1,500 tests is 0.56 %.
  assert.ok(falseWinners / sims < 0.065, `false winners ${falseWinners}/${sims}`);
});
