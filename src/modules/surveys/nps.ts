import { npsInterval } from '../../analytics/stats/nps.ts';

/**
 * Net Promoter Score with its sampling error (the formula and its source: src/analytics/stats/nps.ts). NPS = 100 (p_P − p_D); with n answers the variance of
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
const CONFIDENCE = 0.95;

export function npsFromCounts(promoters: number, passives: number, detractors: number, confidence = CONFIDENCE): NpsSummary {
  const interval = npsInterval({ promoters, passives, detractors }, confidence);
  const n = promoters + passives + detractors;
  return { responses: n, promoters, passives, detractors, nps: interval?.estimate ?? null, ciLow: interval?.low ?? null, ciHigh: interval?.high ?? null };
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
