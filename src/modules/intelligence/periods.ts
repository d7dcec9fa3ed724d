import type { Granularity } from './kpiDefinitions.ts';

/**
 * Calendar periods on plain local dates (YYYY-MM-DD, the workspace's calendar) and the like-for-like
 * rules of the Overview (docs/metrics.md, "Comparing periods"):
 * - a period is partial while the as-of day (today, excluded: it has not ended) falls before its
 *   end; its values cover [start, as-of day);
 * - a comparison is either the last complete period against the one before it ("complete"), or the
 *   partial period to date against the same number of days from the start of the previous period
 *   ("to_date"), never a partial period against a full one.
 */
export type ComparisonBasis = 'complete' | 'to_date';
export const COMPARISON_BASES = ['complete', 'to_date'] as const satisfies readonly ComparisonBasis[];

export interface CalendarPeriod {
  start: string;
  /** Exclusive calendar end. */
  end: string;
  /** Exclusive end of what the values cover: end, or the as-of day for a partial period. */
  coveredEnd: string;
  partial: boolean;
}

const toDate = (day: string) => new Date(`${day}T00:00:00Z`);
const toDay = (d: Date) => d.toISOString().slice(0, 10);

export function addDays(day: string, n: number): string {
  const d = toDate(day);
  d.setUTCDate(d.getUTCDate() + n);
  return toDay(d);
}

export function daysBetween(from: string, to: string): number {
  return Math.round((toDate(to).getTime() - toDate(from).getTime()) / 86_400_000);
}

/** Start of the period holding `day` (ISO weeks start on Monday). */
export function periodStart(day: string, granularity: Granularity): string {
  const d = toDate(day);
  if (granularity === 'week') d.setUTCDate(d.getUTCDate() - ((d.getUTCDay() + 6) % 7));
  if (granularity === 'month' || granularity === 'quarter') d.setUTCDate(1);
  if (granularity === 'quarter') d.setUTCMonth(d.getUTCMonth() - (d.getUTCMonth() % 3));
  return toDay(d);
}

export function addPeriods(start: string, granularity: Granularity, k: number): string {
  const d = toDate(start);
  if (granularity === 'day') d.setUTCDate(d.getUTCDate() + k);
  else if (granularity === 'week') d.setUTCDate(d.getUTCDate() + 7 * k);
  else d.setUTCMonth(d.getUTCMonth() + (granularity === 'month' ? k : 3 * k));
  return toDay(d);
}

/**
 * The periods holding `from` … `to`, preceded by one more (the base of the first change), that have
 * at least one complete day by `asOfDay`; the last may be partial.
 */
export function calendarPeriods(from: string, to: string, granularity: Granularity, asOfDay: string): CalendarPeriod[] {
  const out: CalendarPeriod[] = [];
  for (let start = addPeriods(periodStart(from, granularity), granularity, -1); start <= to && start < asOfDay; start = addPeriods(start, granularity, 1)) {
    const end = addPeriods(start, granularity, 1);
    out.push({ start, end, coveredEnd: end < asOfDay ? end : asOfDay, partial: end > asOfDay });
  }
  return out;
}

export interface Window {
  start: string;
  /** Exclusive. */
  end: string;
}

/**
 * What a comparison puts side by side, given the shown periods (oldest first, the first being the
 * extra base period). "to_date" needs a partial last period; otherwise the comparison falls back to
 * "complete", and the result says which basis it used. Null when no complete pair exists.
 */
export function comparisonWindows(
  periods: CalendarPeriod[],
  granularity: Granularity,
  requested: ComparisonBasis,
): { basis: ComparisonBasis; current: Window; previous: Window } | null {
  const last = periods.at(-1);
  if (!last) return null;
  if (requested === 'to_date' && last.partial) {
    const previousStart = addPeriods(last.start, granularity, -1);
    const days = daysBetween(last.start, last.coveredEnd);
    // The same days of the previous period; a shorter previous period (February) ends at its own end.
    const previousEnd = [addDays(previousStart, days), last.start].sort()[0]!;
    return { basis: 'to_date', current: { start: last.start, end: last.coveredEnd }, previous: { start: previousStart, end: previousEnd } };
  }
  const complete = periods.filter((p) => !p.partial);
  const current = complete.at(-1);
  const previous = complete.at(-2);
  if (!current || !previous) return null;
  return { basis: 'complete', current: { start: current.start, end: current.end }, previous: { start: previous.start, end: previous.end } };
}

/** The local date of an instant in a time zone. */
export function localDay(at: Date, timeZone: string): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(at);
}
