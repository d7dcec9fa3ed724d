/**
 * Net Promoter Score with its sampling error. NPS = 100 (p_P − p_D); with n answers the variance of
 * the estimate is 100² (p_P + p_D − (p_P − p_D)²) / n (the score is the mean of a variable that is
 * +1, 0 or −1), and the interval is the normal approximation NPS ± z·SE, clipped to [−100, 100].
 */
export interface NpsSummary {
  responses: number;
  promoters: number;
  passives: number;
  detractors: number;
  /** −100…100; null without answers. */
  nps: number | null;
  ciLow: number | null;
  ciHigh: number | null;
}

export type NpsCategory = 'promoter' | 'passive' | 'detractor';

export function npsCategory(score: number): NpsCategory {
  return score >= 9 ? 'promoter' : score >= 7 ? 'passive' : 'detractor';
}

/** z of the two-sided 95 % interval. */
const Z95 = 1.959963984540054;

export function npsFromCounts(promoters: number, passives: number, detractors: number, z = Z95): NpsSummary {
  const n = promoters + passives + detractors;
  if (n === 0) return { responses: 0, promoters, passives, detractors, nps: null, ciLow: null, ciHigh: null };
  const pP = promoters / n;
  const pD = detractors / n;
  const nps = 100 * (pP - pD);
  const se = 100 * Math.sqrt(Math.max(0, pP + pD - (pP - pD) ** 2) / n);
  const clip = (v: number) => Math.min(100, Math.max(-100, v));
  return { responses: n, promoters, passives, detractors, nps, ciLow: clip(nps - z * se), ciHigh: clip(nps + z * se) };
}

export function npsFromScores(scores: number[]): NpsSummary {
  let p = 0;
  let d = 0;
  for (const s of scores) {
    if (s >= 9) p++;
    else if (s <= 6) d++;
  }
  return npsFromCounts(p, scores.length - p - d, d);
}
