import { z } from 'zod';

/**
 * Points in time from clients. A timestamp without an offset is taken as UTC, never as the
 * server's local time (which differs between machines); a date alone is midnight UTC.
 */
export function parseInstant(v: string): Date | undefined {
  const hasZone = /([zZ]|[+-]\d\d:?\d\d)$/.test(v);
  const d = new Date(v.includes('T') && !hasZone ? `${v}Z` : v);
  return Number.isNaN(d.getTime()) ? undefined : d;
}

/**
 * A zod date-time: a Date, or an ISO 8601 string. `null` is refused rather than read as 1970
 * (what a bare coerce does), and OpenAPI documents it as a date-time string.
 */
export const instant = () =>
  z
    .preprocess((v) => (v === null ? undefined : typeof v === 'string' ? (parseInstant(v) ?? v) : v), z.coerce.date())
    .meta({ type: 'string', format: 'date-time' });
