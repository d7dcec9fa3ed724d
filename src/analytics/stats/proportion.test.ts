import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createRng } from '../random.ts';
import { differenceOfNps, npsInterval } from './nps.ts';
import { differenceOfProportions, proportionInterval, significance } from './proportion.ts';

const close = (a: number, b: number, tol: number) => assert.ok(Math.abs(a - b) < tol, `${a} vs ${b}`);

test("a proportion's Wilson interval (Newcombe 1998, Table I: 81/263 → 0.2553 to 0.3662)", () => {
  const i = proportionInterval(81, 263)!;
  close(i.estimate, 81 / 263, 1e-12);
  close(i.low, 0.2553, 1e-4);
  close(i.high, 0.3662, 1e-4);
  assert.equal(proportionInterval(0, 0), null);
  // 0 of 5 is not "certainly 0": the interval reaches 43 %.
  close(proportionInterval(0, 5)!.high, 0.4345, 1e-4);
});

test('a change whose interval holds 0 is no significant change', () => {
  assert.equal(significance(differenceOfProportions(56, 70, 48, 80)!), 'up');
  assert.equal(significance(differenceOfProportions(48, 80, 56, 70)!), 'down');
  assert.equal(significance(differenceOfProportions(5, 10, 4, 10)!), 'none');
});

test('NPS interval: two answers say almost nothing, many answers pin it down', () => {
  // One promoter and one detractor: NPS 0, SE = 100·√(1/2) ≈ 70.7, interval clipped to the whole scale.
  const two = npsInterval({ promoters: 1, passives: 0, detractors: 1 })!;
  assert.deepEqual([two.estimate, two.low, two.high], [0, -100, 100]);
  const many = npsInterval({ promoters: 500, passives: 300, detractors: 200 })!;
  // p_P = .5, p_D = .2: variance 100²(.7 − .09)/1000 = 6.1, SE 2.47.
  close(many.estimate, 30, 1e-9);
  close(many.high - many.estimate, 1.959964 * Math.sqrt(6.1), 1e-5);
  assert.equal(npsInterval({ promoters: 0, passives: 0, detractors: 0 }), null);
  // −26.7 points from 2 answers against 15 is not a finding.
  const change = differenceOfNps({ promoters: 1, passives: 0, detractors: 1 }, { promoters: 7, passives: 5, detractors: 3 })!;
  close(change.estimate, -26.667, 1e-3);
  assert.equal(significance(change), 'none');
});

/** NPS interval coverage by simulation: 2,000 samples of 400 answers from a known population. */
test('the NPS interval covers the true score about 95 % of the time', () => {
  const rng = createRng(18);
  const [pP, pD] = [0.45, 0.2];
  const truth = 100 * (pP - pD);
  let covered = 0;
  let coveredChange = 0;
  const sample = (n: number) => {
    const c = { promoters: 0, passives: 0, detractors: 0 };
    for (let i = 0; i < n; i++) {
      const u = rng.next();
      if (u < pP) c.promoters++;
      else if (u < pP + pD) c.detractors++;
      else c.passives++;
    }
    return c;
  };
  for (let r = 0; r < 2000; r++) {
    const a = npsInterval(sample(400))!;
    if (a.low <= truth && truth <= a.high) covered++;
    const d = differenceOfNps(sample(300), sample(500))!;
    if (d.low <= 0 && 0 <= d.high) coveredChange++;
  }
  for (const coverage of [covered / 2000, coveredChange / 2000]) assert.ok(coverage > 0.935 && coverage < 0.965, `coverage ${coverage}`);
});
