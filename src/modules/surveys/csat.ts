import { proportionInterval } from '../../analytics/stats/proportion.ts';

/**
 * CSAT: the share of satisfied answers (4 or 5 on the 1–5 scale, the usual "top two boxes") with
 * its n and 95 % Wilson interval (src/analytics/stats/proportion.ts), so a handful of answers reads
 * as the wide range it is.
 */
export const CSAT_SATISFIED = 4;

export interface CsatSummary {
  responses: number;
  satisfied: number;
  /** 0…1; null without answers. */
  csat: number | null;
  ciLow: number | null;
  ciHigh: number | null;
}

export function csatFromCounts(satisfied: number, responses: number): CsatSummary {
  const interval = proportionInterval(satisfied, responses);
  return { responses, satisfied, csat: interval?.estimate ?? null, ciLow: interval?.low ?? null, ciHigh: interval?.high ?? null };
}
