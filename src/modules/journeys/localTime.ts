import { localMinuteOfDay, parseHhmm } from '../messaging/localTime.ts';

const MINUTE = 60_000;

/**
 * The next instant at or after `now` whose local time in `timeZone` is `hhmm` (today if still
 * ahead). Whole-minute zone offsets make local minute boundaries UTC minute boundaries; across a
 * DST change the result may be an hour off, which the journey accepts (the gate does the same).
 */
export function nextLocalTime(now: Date, hhmm: string, timeZone: string): Date {
  const minute = localMinuteOfDay(now, timeZone);
  const ahead = (parseHhmm(hhmm) - minute + 1440) % 1440;
  if (ahead === 0) return now;
  return new Date(Math.floor(now.getTime() / MINUTE) * MINUTE + ahead * MINUTE);
}

/** The calendar date (YYYY-MM-DD) at `at` in `timeZone`. */
export function localDate(at: Date, timeZone: string): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(at);
}

/** `date` (YYYY-MM-DD) moved by `days`. */
export function addDays(date: string, days: number): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}
