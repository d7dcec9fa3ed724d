import { z } from 'zod';

/**
 * Points in time from clients. A timestamp without an offset is taken as UTC, never as the
 * server's local time (which differs between machines); a date alone is midnight UTC. A day the
 * month does not have (2026-02-30) is refused, not rolled over into the next month.
 */
export function parseInstant(v: string): Date | undefined {
  const hasZone = /([zZ]|[+-]\d\d:?\d\d)$/.test(v);
  const d = new Date(v.includes('T') && !hasZone ? `${v}Z` : v);
  return Number.isNaN(d.getTime()) || !dayExists(v) ? undefined : d;
}

function dayExists(v: string): boolean {
  const ymd = /^(\d{4})-(\d\d)-(\d\d)/.exec(v);
  if (!ymd) return true;
  const [year, month, day] = [Number(ymd[1]), Number(ymd[2]), Number(ymd[3])];
  return new Date(Date.UTC(year, month - 1, day)).getUTCDate() === day;
}

/** What a client sent instead of a point in time, said back to it: `expected a date such as …, got "yesterday"`. */
export function instantProblem(got: unknown): string {
  const shown = got instanceof Date ? 'an invalid date' : got === undefined ? 'nothing' : JSON.stringify(got);
  return `expected a date such as 2026-12-07 or 2026-12-07T09:00:00+09:00, got ${shown}`;
}

/**
 * A zod date-time: a Date, epoch milliseconds or an ISO 8601 string. `null` is refused rather
 * than read as 1970 (what a bare coerce does), and OpenAPI documents it as a date-time string.
 */
export const instant = () =>
  z
    .preprocess(
      (v, ctx) => {
        if (typeof v === 'number' && Number.isFinite(v)) return new Date(v);
        if (typeof v !== 'string') return v;
        const at = parseInstant(v);
        if (!at) ctx.addIssue({ code: 'invalid_format', format: 'datetime', input: v, message: instantProblem(v) });
        return at ?? v;
      },
      z.date({ error: (issue) => instantProblem(issue.input) }),
    )
    .meta({ type: 'string', format: 'date-time' });
