import assert from 'node:assert/strict';
import { test } from 'node:test';
import { npsFromCounts, npsFromScores } from './nps.ts';
import { themes, weightedLogOdds, type ThemeDocument } from './themes.ts';
import { englishTerms, termsOf } from './tokenize.ts';

test('NPS and its interval by hand', () => {
  // 6 promoters, 2 passives, 2 detractors: NPS 40; var = (0.6 + 0.2 − 0.4²)/10 = 0.064, SE = 0.25298 → ±49.58.
  const s = npsFromScores([10, 9, 9, 10, 9, 10, 8, 7, 3, 6]);
  assert.deepEqual([s.promoters, s.passives, s.detractors, s.responses], [6, 2, 2, 10]);
  assert.ok(Math.abs(s.nps! - 40) < 1e-9);
  assert.ok(Math.abs(s.ciLow! - (40 - 1.959964 * 25.2982)) < 0.01);
  assert.ok(Math.abs(s.ciHigh! - (40 + 1.959964 * 25.2982)) < 0.01);
  assert.equal(npsFromCounts(0, 0, 0).nps, null);
  // All promoters: no spread, and the interval never leaves [−100, 100].
  assert.deepEqual([npsFromCounts(3, 0, 0).ciLow, npsFromCounts(3, 0, 0).ciHigh], [100, 100]);
  assert.ok(npsFromCounts(1, 0, 1).ciHigh! <= 100 && npsFromCounts(1, 0, 1).ciLow! >= -100);
});

test('weighted log-odds matches the formula on a small table', () => {
  const docs: ThemeDocument[] = [
    { group: 'promoter', terms: ['staff', 'fast'], text: '' },
    { group: 'promoter', terms: ['staff'], text: '' },
    { group: 'promoter', terms: ['staff', 'price'], text: '' },
    { group: 'detractor', terms: ['price', 'slow'], text: '' },
    { group: 'detractor', terms: ['price'], text: '' },
  ];
  const scored = weightedLogOdds(docs, { minCount: 1 });
  // n_P = 5, n_D = 3, α_0 = 8; staff: y_P = 3, y_D = 0, α = 3.
  const staff = scored.find((s) => s.term === 'staff')!;
  const delta = Math.log((3 + 3) / (5 + 8 - 3 - 3)) - Math.log((0 + 3) / (3 + 8 - 0 - 3));
  assert.ok(Math.abs(staff.z - delta / Math.sqrt(1 / 6 + 1 / 3)) < 1e-12);
  assert.equal(scored[0]!.term, 'staff');
  assert.equal(scored.at(-1)!.term, 'price');
  // minCount drops terms seen once.
  assert.deepEqual(weightedLogOdds(docs).map((s) => s.term).sort(), ['price', 'staff']);
});

test('themes pick each side and quote its comments', () => {
  const docs: ThemeDocument[] = [
    ...['Friendly staff', 'The staff were friendly and quick', 'Staff knew the products'].map((text) => ({ group: 'promoter' as const, text, terms: englishTerms(text) })),
    ...['Delivery was late', 'Late delivery again and again', 'Shipping cost too high, delivery late'].map((text) => ({ group: 'detractor' as const, text, terms: englishTerms(text) })),
  ];
  const t = themes(docs, { limit: 3 });
  assert.equal(t.promoters[0]!.term, 'staff');
  assert.equal(t.promoters[0]!.quotes.length, 2);
  assert.ok(t.promoters[0]!.quotes.every((q) => /staff/i.test(q)));
  assert.deepEqual(t.detractors.slice(0, 2).map((x) => x.term).sort(), ['delivery', 'late']);
  assert.ok(t.detractors.every((x) => x.z < 0));
});

test('tokenizers: English stopwords out; Japanese nouns and adjectives in dictionary form', async () => {
  assert.deepEqual(englishTerms("The delivery wasn't fast, and I'm not happy with 2 items!"), ['delivery', 'fast', 'happy', 'items']);
  const [ja, en] = await termsOf(['スタッフの対応がとても丁寧で、配送も早かったです。', 'Great support team']);
  assert.ok(ja!.includes('スタッフ'), ja!.join());
  assert.ok(ja!.includes('対応'), ja!.join());
  assert.ok(ja!.includes('丁寧'), ja!.join());
  assert.ok(ja!.includes('配送'), ja!.join());
  assert.ok(ja!.includes('早い'), ja!.join()); // 早かった → 早い
  assert.ok(!ja!.includes('の') && !ja!.includes('です'));
  assert.deepEqual(en, ['great', 'support', 'team']);
});
