import { zFor, type Interval } from './proportion.ts';

/**
 * Net Promoter Score and its sampling error. With n answers, NPS = 100·(p_P − p_D) is 100 times
 * the mean of a variable that is +1 (promoter), 0 (passive) or −1 (detractor); the variance of that
 * mean is (p_P + p_D − (p_P − p_D)²) / n, so Var(NPS) = 100²·(p_P + p_D − (p_P − p_D)²) / n — the
 * variance of the difference of the two multinomial shares, Var(p̂_P) + Var(p̂_D) − 2·Cov(p̂_P, p̂_D)
 * (Rocks 2016, "Interval estimation for the 'net promoter score'", The American Statistician
 * 70:365–372, the Wald form). The interval is NPS ± z·SE, clipped to [−100, 100]. The change between
 * two periods (independent samples) has the variance Var₁ + Var₀.
 */
export interface NpsCounts {
  promoters: number;
  passives: number;
  detractors: number;
}

export function npsEstimate(c: NpsCounts): { n: number; nps: number; variance: number } | null {
  const n = c.promoters + c.passives + c.detractors;
  if (n === 0) return null;
  const pP = c.promoters / n;
  const pD = c.detractors / n;
  return { n, nps: 100 * (pP - pD), variance: (100 ** 2 * Math.max(0, pP + pD - (pP - pD) ** 2)) / n };
}

const clip = (v: number) => Math.min(100, Math.max(-100, v));

export function npsInterval(c: NpsCounts, confidence = 0.95): Interval | null {
  const e = npsEstimate(c);
  if (!e) return null;
  const half = zFor(confidence) * Math.sqrt(e.variance);
  return { estimate: e.nps, low: clip(e.nps - half), high: clip(e.nps + half) };
}

/** NPS now − NPS before, two independent samples; null when either has no answers. */
export function differenceOfNps(current: NpsCounts, previous: NpsCounts, confidence = 0.95): Interval | null {
  const a = npsEstimate(current);
  const b = npsEstimate(previous);
  if (!a || !b) return null;
  const d = a.nps - b.nps;
  const half = zFor(confidence) * Math.sqrt(a.variance + b.variance);
  return { estimate: d, low: Math.max(-200, d - half), high: Math.min(200, d + half) };
}
